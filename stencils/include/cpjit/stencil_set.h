/* cpjit stencil tables: the format cpjit-stencilgen writes and the JIT reads.
 *
 * A generated header (see cpjit-stencilgen) defines one cpjit_stencil_set per target: for
 * every stencil its code bytes, its read-only data and its holes. Holes carry a *semantic*
 * patch kind (what the runtime must compute), never a native relocation name; the generator's
 * mapping table is the only place where R_X86_64_* / R_AARCH64_* names appear.
 *
 * Plain C99 so that C and C++ interpreters (and g++ builds without LLVM) can include it.
 */
#ifndef CPJIT_STENCIL_SET_H
#define CPJIT_STENCIL_SET_H

#include <stdint.h>

#include "hole_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever the structs below or the meaning of a kind change. */
#define CPJIT_STENCIL_ABI_VERSION 2

/* X(Name, "what the runtime computes into the field") */
#define CPJIT_PATCH_KINDS(X)                                                                      \
  X(Abs64, "Fixup <- Target + Addend : 64 bits")                                                  \
  X(Abs32, "Fixup <- Target + Addend : uint32, zero-extended by the instruction")                 \
  X(Abs32S, "Fixup <- Target + Addend : int32, sign-extended by the instruction")                 \
  X(PcRel32, "Fixup <- Target - Fixup + Addend : int32 (data and code inside the trace)")         \
  X(PcRel64, "Fixup <- Target - Fixup + Addend : 64 bits")                                        \
  X(X86BranchPcRel32, "x86-64 call/jmp rel32 <- Target - Fixup + Addend; veneer when out of range") \
  X(X86GotLoadRelaxable,                                                                          \
    "x86-64 mov/call/jmp [rip+GOT]: relaxed to an immediate or direct form, else a data slot")    \
  X(A64Branch26, "AArch64 B/BL imm26 <- (Target - Fixup + Addend) >> 2; veneer when out of range") \
  X(A64CondBranch19, "AArch64 B.cond/CBZ/CBNZ imm19 <- (Target - Fixup + Addend) >> 2")           \
  X(A64TestBranch14, "AArch64 TBZ/TBNZ imm14 <- (Target - Fixup + Addend) >> 2")                  \
  X(A64AdrPcRel21, "AArch64 ADR imm21 <- Target - Fixup + Addend")                                \
  X(A64AdrpPage21, "AArch64 ADRP imm21 <- Page(Target + Addend) - Page(Fixup)")                   \
  X(A64PageOffset12, "AArch64 ADD/LDR/STR imm12 <- (Target + Addend)[11:0] >> access size")       \
  X(A64GotPage21, "AArch64 ADRP of a GOT load (paired with A64GotLoad12): relaxable")             \
  X(A64GotLoad12, "AArch64 LDR of a GOT load (paired with A64GotPage21): relaxable")              \
  X(A64MovWide16, "AArch64 MOVZ/MOVK imm16 <- (Target + Addend) >> (16 * hw)")                     \
  X(A64LdrLiteral19, "AArch64 LDR (literal) imm19 <- (Target - Fixup + Addend) >> 2")

typedef enum cpjit_patch_kind {
#define CPJIT__KIND_ENUM(name, doc) CPJIT_PATCH_##name,
  CPJIT_PATCH_KINDS(CPJIT__KIND_ENUM)
#undef CPJIT__KIND_ENUM
  CPJIT_PATCH_KIND_COUNT
} cpjit_patch_kind;

typedef enum cpjit_hole_value {
#define CPJIT__VALUE_ENUM(name, text) CPJIT_HOLE_##name,
  CPJIT_HOLE_VALUES(CPJIT__VALUE_ENUM)
#undef CPJIT__VALUE_ENUM
  CPJIT_HOLE_VALUE_COUNT
} cpjit_hole_value;

typedef enum cpjit_operand_width {
  CPJIT_WIDTH_none = 0,
#define CPJIT__WIDTH_ENUM(suffix, ctype, bytes, is_signed) CPJIT_WIDTH_##suffix,
  CPJIT_OPERAND_WIDTHS(CPJIT__WIDTH_ENUM)
#undef CPJIT__WIDTH_ENUM
  CPJIT_WIDTH_COUNT
} cpjit_operand_width;

typedef enum cpjit_arch {
  CPJIT_ARCH_NONE = 0,
  CPJIT_ARCH_X86_64 = 1,
  CPJIT_ARCH_AARCH64 = 2
} cpjit_arch;

typedef enum cpjit_stencil_role {
  CPJIT_ROLE_UOP = 0,       /* a uop: preserve_none, falls through to the next stencil */
  CPJIT_ROLE_ENTRY = 1,     /* the entry shim: C ABI, calls a trace, returns its result */
  CPJIT_ROLE_EXIT_STUB = 2  /* the exit stub: placed after the hot code, once per exit */
} cpjit_stencil_role;

/* ---- uop metadata ---------------------------------------------------------------------------
 * Declared once next to a uop's template (CPJIT_UOP_INFO in <cpjit/stencil.h>), checked against
 * the stencil by cpjit-stencilgen, carried in the tables, and read by the optimizer, the uop
 * interpreter and the inspector. Fixed-size and pointer-free: the generator reads it from the
 * object file's CPJIT_META_SECTION. */
#define CPJIT_META_SECTION ".cpjit.meta"
#define CPJIT_META_NAME_SIZE 48
#define CPJIT_MAX_FACTS 4

/* X(NAME, bit, "meaning") */
#define CPJIT_UOP_FLAGS(X)                                                                        \
  X(GUARD, 0, "checks a condition and takes a side exit when it fails; no other effect")        \
  X(MAY_EXIT, 1, "may take a side exit")                                                         \
  X(MAY_ERROR, 2, "may take the error exit")                                                     \
  X(PURE, 3, "writes only its slot operands, from its inputs only: can be folded or removed")   \
  X(ESCAPES, 4, "may call code that reads or writes any slot or memory: a barrier")              \
  X(ENDS_TRACE, 5, "never continues to the next uop")                                            \
  X(BRANCH, 6, "has an intra-trace jump target")                                                 \
  X(CONST, 7, "writes operand 1, an immediate, into slot operand 0: a constant for folding")     \
  X(MOVE, 8, "copies slot operand 1 into slot operand 0")                                       \
  X(IDEMPOTENT, 9, "running it again, with nothing in between that escapes or writes its slots, changes nothing and cannot fail; it writes slots from immediates only") \
  X(READS_SLOTS, 10, "reads slots besides its read operands (a range from one of them): every slot counts as read") \
  X(KEEPS_ACROSS_CALLS, 11, "a loader whose cache keeps its value across the helper calls of other uops (a callee-saved register); only CLOBBERS_CACHES and escaping uops change it besides its own writers") \
  X(CLOBBERS_CACHES, 12, "may leave every cache that only loaders fill changed, those kept across calls too")

enum {
#define CPJIT__FLAG_ENUM(name, bit, doc) CPJIT_UOP_##name = 1u << (bit),
  CPJIT_UOP_FLAGS(CPJIT__FLAG_ENUM)
#undef CPJIT__FLAG_ENUM
};

/* What an operand is. */
typedef enum cpjit_operand_kind {
  CPJIT_OPERAND_NONE = 0,
  CPJIT_OPERAND_IMMEDIATE = 1,  /* a constant */
  CPJIT_OPERAND_SLOT_READ = 2,  /* the index of a slot the uop reads */
  CPJIT_OPERAND_SLOT_WRITE = 3, /* the index of a slot the uop writes */
  CPJIT_OPERAND_SLOT_READ_WRITE = 4,
  CPJIT_OPERAND_KIND_COUNT
} cpjit_operand_kind;

/* "Slot operand k holds a value with fact F": a type, a shape, whatever the interpreter numbers.
 * Fact 0 means nothing. */
typedef struct cpjit_fact {
  uint8_t operand;
  uint8_t reserved;
  uint16_t fact;
} cpjit_fact;

/* Register caches: values an interpreter keeps in pinned state (CPJIT_STATE) besides the slots,
 * numbered 1 .. CPJIT_MAX_CACHES by the interpreter. A uop that writes slot operand k may also
 * leave the value in cache c (cache_out = {k, c}); a variant of a uop, named
 * <BASE>__<anything>, reads slot operand k from cache c instead of the slot
 * (cache_in = {k, c}). The slot stays the truth at every exit; the optimizer picks a variant
 * where the cache is known to hold the slot's value (runtime/opt/cache.cpp). A uop that changes
 * a cache must declare it. A variant may be the base of a variant reading another operand.
 *
 * A loader is a uop whose only operand is a read slot and whose cache_out names it: it fills
 * the cache from the slot (its variants copy another cache). A cache that only loaders fill is
 * a home cache when no uop but a loader reads it: the optimizer may keep a slot there for a
 * whole loop, and reloads it after any uop that writes the slot, escapes, or calls a helper (a
 * stencil with CPJIT_STENCIL_CALLS_SYMBOLS: calls may clobber caches fed only by loaders).
 *
 * A cache that only loaders fill is lost after a uop that calls unless its loader says
 * KEEPS_ACROSS_CALLS: the interpreter keeps it in a register that calls preserve, and a stencil
 * that needs that register anyway says CLOBBERS_CACHES.
 *
 * A carried variant is a cache variant whose cache_in names a read-write slot operand: it reads
 * the slot's value from the cache and leaves the value it writes to that slot there too, on
 * every path out of it (after any helper call it makes). It does not stop a home cache from
 * being one: the optimizer keeps a slot such a uop updates in a home even where that uop is the
 * loop's back edge, where no reload could follow it (a loop's counters). */
#define CPJIT_MAX_CACHES 8
typedef struct cpjit_cache {
  uint8_t operand;
  uint8_t cache; /* 0: none */
} cpjit_cache;

typedef struct cpjit_uop_meta {
  char name[CPJIT_META_NAME_SIZE];     /* the uop's name */
  uint32_t flags;                      /* CPJIT_UOP_* */
  uint8_t operands[CPJIT_MAX_OPERANDS]; /* cpjit_operand_kind */
  cpjit_fact proves[CPJIT_MAX_FACTS];  /* a guard: what holds after it when it does not exit */
  cpjit_fact results[CPJIT_MAX_FACTS]; /* what the slots it writes hold afterwards */
  cpjit_cache cache_out;               /* also leaves the written slot operand's value in a cache */
  cpjit_cache cache_in;                /* a variant: reads a slot operand from a cache */
  cpjit_fact given;                    /* a variant: its base when the slot operand already holds
                                          the fact before it (it may skip storing what the fact
                                          implies, such as a type tag); fact 0: none */
} cpjit_uop_meta;

/* The generator reads these from objects compiled for another target: the layout is fixed. */
#ifdef __cplusplus
static_assert(sizeof(cpjit_uop_meta) == 96, "cpjit_uop_meta layout");
#else
_Static_assert(sizeof(cpjit_uop_meta) == 96, "cpjit_uop_meta layout");
#endif

/* One hole: a field in the code (or data) body that is patched when the stencil is copied. */
typedef struct cpjit_hole {
  uint32_t offset;  /* byte offset of the relocated field or instruction in its body */
  uint16_t index;   /* operand number, exit number, or index into cpjit_stencil_set.symbols */
  uint8_t kind;     /* cpjit_patch_kind */
  uint8_t value;    /* cpjit_hole_value */
  uint8_t width;    /* cpjit_operand_width for CPJIT_HOLE_OPERAND, else CPJIT_WIDTH_none */
  uint8_t reserved[3];
  int32_t pair;     /* A64GotPage21/A64GotLoad12: offset of the partner instruction, else -1 */
  int64_t addend;
} cpjit_hole;

/* Flags of a stencil. */
#define CPJIT_STENCIL_FALLS_THROUGH 1u /* its trailing continuation jump was removed */
#define CPJIT_STENCIL_CALLS_SYMBOLS 2u /* it calls or references at least one external symbol */

typedef struct cpjit_stencil {
  const char *name;          /* the uop's name (without the cpjit_uop_ prefix) */
  uint32_t role;             /* cpjit_stencil_role */
  uint32_t flags;            /* CPJIT_STENCIL_* */
  const uint8_t *code;
  uint32_t code_size;
  uint32_t data_size;
  const uint8_t *data;       /* read-only data (constants, jump tables), copied per use */
  uint32_t data_align;       /* power of two; 1 when there is no data */
  uint32_t hole_count;
  const cpjit_hole *holes;   /* holes in code, by increasing offset */
  uint32_t data_hole_count;
  uint32_t reserved;
  const cpjit_hole *data_holes; /* holes in data, by increasing offset */
  const cpjit_uop_meta *meta;   /* declared metadata, or null (uops without CPJIT_UOP_INFO) */
  uint8_t operand_widths[CPJIT_MAX_OPERANDS]; /* widest width any hole reads, cpjit_operand_width */
  uint32_t reserved2;
} cpjit_stencil;

typedef struct cpjit_stencil_set {
  uint32_t abi_version;      /* CPJIT_STENCIL_ABI_VERSION of the generator */
  uint32_t arch;             /* cpjit_arch */
  const char *name;          /* the set's name (cpjit_add_stencils / --name) */
  const char *target;        /* the target triple the stencils were compiled for */
  const char *digest;        /* sha256 of inputs, flags and tool versions */
  uint32_t stencil_count;
  uint32_t symbol_count;
  const cpjit_stencil *stencils; /* sorted by name; roles mixed */
  const char *const *symbols;    /* external symbols the holes refer to, by index */
} cpjit_stencil_set;

/* ---- run-time structures shared with templates ----------------------------------------------- */

/* A trace exit as the runtime keeps it. The exit stub template receives it as operand 0: it
 * counts the hit and follows `link` (a side trace attached by the runtime) without returning to
 * the interpreter; otherwise it returns the record to the entry shim. */
typedef struct cpjit_exit_record {
  const void *link;  /* JIT: code of a linked trace; uop interpreter: its first instruction */
  uint64_t hits;     /* times the exit was taken (a hit may be lost when threads race) */
  uint32_t exit_id;  /* the exit's number in its trace */
  uint32_t kind;     /* CPJIT_EXIT_SIDE or CPJIT_EXIT_ERROR */
  uint64_t resume;   /* the interpreter's resume point, as it gave it */
  uint64_t resume_aux;
  void *owner;       /* the runtime's executor */
} cpjit_exit_record;

#define CPJIT_EXIT_SIDE 0u
#define CPJIT_EXIT_ERROR 1u

/* An instruction of the uop interpreter (tier 2 without machine code). The same templates,
 * compiled with CPJIT_INTERP, read their operands from here and tail-call the handler of the
 * next, jump-target or exit instruction. */
typedef struct cpjit_interp_insn {
  const void *handler;
  uint64_t operands[CPJIT_MAX_OPERANDS];
  const struct cpjit_interp_insn *jump;
  const struct cpjit_interp_insn *exits[CPJIT_MAX_EXITS];
  const struct cpjit_interp_insn *error;
} cpjit_interp_insn;

/* The uop interpreter of a stencil set: written by cpjit-stencilgen --interp-object. */
typedef struct cpjit_interp_table {
  uint32_t abi_version;
  uint32_t count;
  const char *const *names;      /* uop names, as in the stencil set */
  const void *const *handlers;   /* their interpreter functions */
  uintptr_t (*entry)(const void *first_instruction, void *arg); /* the entry shim */
  const void *exit_stub;         /* handler of exit instructions (operand 0: the exit record) */
  const void *fall_off;          /* handler placed after the last instruction: traps */
} cpjit_interp_table;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CPJIT_STENCIL_SET_H */
