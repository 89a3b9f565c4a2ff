/* cpjit template SDK: what an interpreter author includes to write a uop.
 *
 * A uop is a small C function. cpjit-stencilgen compiles it with clang 19 for each target and
 * turns every relocation in the object into a hole; at run time the JIT copies the machine
 * code and patches the holes with the trace's operands, jump targets and helper addresses.
 *
 *   #include <stdint.h>
 *   #define CPJIT_STATE(X) X(struct Frame *, frame) X(int64_t *, slots) X(void *, vm)
 *   #include <cpjit/stencil.h>
 *
 *   CPJIT_HELPER(my_slow_add);                       // helpers must be declared
 *   int64_t my_slow_add(struct Frame *, int64_t, int64_t);
 *
 *   CPJIT_UOP(ADD_INT) {
 *     uint16_t a = CPJIT_OPERAND_U16(0), b = CPJIT_OPERAND_U16(1);
 *     int64_t r;
 *     if (__builtin_add_overflow(slots[a], slots[b], &r))
 *       CPJIT_EXIT(0);                               // side exit 0: back to the interpreter
 *     slots[a] = r;
 *     CPJIT_CONTINUE();                              // fall through into the next uop
 *   }
 *
 * Pinned state. CPJIT_STATE(X) lists the values that stay in registers across every uop of a
 * trace (frame, register base, VM pointer, a few cached values): X(type, name), at most six
 * pointers or integers of at most 64 bits, and up to eight doubles. Every uop, the exit stub
 * and the entry shim share that signature; uops are `preserve_none` functions, so the integer
 * values travel in registers in this order: x86-64 r12, r13, r14, r15 (which helper calls
 * preserve), then rdi, rsi (which they do not: a stencil saves those around its calls or gives
 * them up); AArch64 x20, x21, ... (all preserved). Doubles travel in xmm0.. / v0.., which a
 * helper call clobbers, so a stencil saves them around its calls (or gives them up:
 * CPJIT_CALL_CLOBBERS).
 * A uop may assign to a state parameter: the new value is what the next uop receives.
 *
 * Control transfers are tail calls ([[clang::musttail]]); each macro below is a `return`:
 *   CPJIT_CONTINUE()   the next uop. Put it last: the final continuation jump is removed and
 *                      stencils fall through into each other.
 *   CPJIT_JUMP()       the instruction's intra-trace jump target (loop back, forward branch).
 *   CPJIT_EXIT(k)      side exit k (0..7) of the instruction, a literal number.
 *   CPJIT_ERROR()      the trace's error exit.
 *
 * Rules a template must follow (cpjit-stencilgen refuses what it can detect):
 *   1. Read holes only through the CPJIT_OPERAND_* macros. They pass the value through an empty
 *      asm so that clang cannot assume anything about it. Taking `&_cpjit_operand0_u64` directly
 *      lets clang assume a symbol address is non-null, aligned and in range, and fold a test
 *      such as `hole == 0` or `hole1 == hole2` to a constant (the miscompile Deegen reports).
 *   2. An operand number and an exit number are literal digits (they are pasted into names).
 *   3. Every external function or object a stencil uses must be declared with CPJIT_HELPER(name)
 *      (and have a normal C prototype). A call clang invents on its own (memcpy, memset for a
 *      big struct copy, __udivti3, outline atomics) is refused: restructure the code or call a
 *      declared helper. The runtime resolves helper names to addresses when the stencil set is
 *      registered.
 *   4. No writable data, thread-local data, constructors or destructors: a stencil is copied
 *      many times and has no place for them. Read-only constants and jump tables are fine;
 *      they travel with the stencil.
 *   5. Code model. AArch64: position-independent code (-fpic); holes are loaded through
 *      GOT-style slots that the JIT relaxes to immediates, PC-relative forms or a per-trace data
 *      slot. x86-64: the medium code model without PIC; unsigned 8- and 16-bit operands are
 *      32-bit absolute fields folded into the instructions that use them (displacements, so
 *      `slots + CPJIT_OPERAND_U16(n)` costs no instruction of its own), wider operands are
 *      movabs immediates. Any operand value of the declared width is legal on both. A
 *      one-byte object of the template's own is refused on x86-64 (it would be small data
 *      too). Branches to helpers are direct; when a helper is out of range the JIT inserts a
 *      veneer.
 *   6. Do not call another function of the template file unless it is inlined (`static inline`);
 *      each stencil must be self-contained.
 *   7. The frame pointer (rbp / x29) is reserved: stencils never write it, so debuggers and
 *      profilers unwind through JIT code using the entry shim's frame. clang keeps off it, but
 *      under register pressure (values live across a helper call in a loop) it may still save
 *      rbp and use it: cpjit-stencilgen refuses such an x86-64 stencil (AArch64 stencils write
 *      x29 only as frame records do, which keeps the chain valid).
 */
#ifndef CPJIT_STENCIL_H
#define CPJIT_STENCIL_H

#include <stdint.h>

#include "hole_abi.h"
#include "stencil_set.h"

#ifndef CPJIT_STATE
#error "define CPJIT_STATE(X) before including <cpjit/stencil.h>, e.g. X(struct Frame *, frame)"
#endif

#if !defined(__clang__) || __clang_major__ < 19
#error "uop templates need clang 19 or newer (preserve_none and musttail)"
#endif

/* Value a trace returns to the entry shim (the exit stub decides what it is). */
typedef uintptr_t cpjit_result;

/* ---- the pinned signature, derived from CPJIT_STATE ----------------------------------- */
#define CPJIT__PARAM(type, name) , type name __attribute__((unused))
#define CPJIT__ARG(type, name) , name
#define CPJIT__DROP_FIRST(first, ...) __VA_ARGS__
#define CPJIT__DROP_FIRST_I(...) CPJIT__DROP_FIRST(__VA_ARGS__)
#define CPJIT_PARAMS CPJIT__DROP_FIRST_I(CPJIT_STATE(CPJIT__PARAM))
#define CPJIT_ARGS CPJIT__DROP_FIRST_I(CPJIT_STATE(CPJIT__ARG))

#define CPJIT_PRESERVE_NONE __attribute__((preserve_none))
typedef CPJIT_PRESERVE_NONE cpjit_result (*cpjit_trace_fn)(CPJIT_PARAMS);

#ifndef CPJIT_INTERP
/* ================================================================================================
 * Stencil mode (cpjit-stencilgen): holes are magic extern symbols.
 * ============================================================================================== */

/* ---- holes ------------------------------------------------------------------------------
 * Every magic symbol of <cpjit/hole_abi.h> is declared here: operands as objects whose address
 * is read, control transfers as functions with the pinned signature. Default visibility keeps
 * them preemptible, so clang reaches them through GOT-style loads the JIT can relax (AArch64).
 *
 * Operands of 8 and 16 unsigned bits (slot numbers, offsets, small indices) are 1-byte objects:
 * under x86-64's flags (medium code model, large-data threshold 1) they are small data, whose
 * address clang folds into the instruction that uses it (`addq off(%r12), %rax`, relocation
 * R_X86_64_32S or R_X86_64_32). They are weak, so clang cannot assume them non-null, and on
 * x86-64 read without the register barrier below, which would defeat the folding. Wider and
 * signed operands stay incomplete arrays: large data, a movabs that holds any 64-bit value. */
#define CPJIT__DECL_OPERAND_SMALL(sym) extern __attribute__((visibility("default"), weak)) char sym[1];
#define CPJIT__DECL_OPERAND_LARGE(sym) extern __attribute__((visibility("default"))) char sym[];
#define CPJIT__DECL_OPERAND_u8 CPJIT__DECL_OPERAND_SMALL
#define CPJIT__DECL_OPERAND_u16 CPJIT__DECL_OPERAND_SMALL
#define CPJIT__DECL_OPERAND_i8 CPJIT__DECL_OPERAND_LARGE
#define CPJIT__DECL_OPERAND_i16 CPJIT__DECL_OPERAND_LARGE
#define CPJIT__DECL_OPERAND_u32 CPJIT__DECL_OPERAND_LARGE
#define CPJIT__DECL_OPERAND_i32 CPJIT__DECL_OPERAND_LARGE
#define CPJIT__DECL_OPERAND_u64 CPJIT__DECL_OPERAND_LARGE
#define CPJIT__DECL_OPERAND_i64 CPJIT__DECL_OPERAND_LARGE
#define CPJIT__DECL_OPERAND(sym, width) CPJIT__DECL_OPERAND_##width(sym)
#define CPJIT__DECL_TRANSFER(sym, width) \
  extern __attribute__((visibility("default"))) CPJIT_PRESERVE_NONE cpjit_result sym(CPJIT_PARAMS);
#define CPJIT__DECL_CONTINUE CPJIT__DECL_TRANSFER
#define CPJIT__DECL_JUMP CPJIT__DECL_TRANSFER
#define CPJIT__DECL_ERROR CPJIT__DECL_TRANSFER
#define CPJIT__DECL_EXIT CPJIT__DECL_TRANSFER
#define CPJIT__DECLARE_HOLE(sym, value, index, width) CPJIT__DECL_##value(sym, width)
CPJIT_HOLE_SYMBOLS(CPJIT__DECLARE_HOLE)
#undef CPJIT__DECLARE_HOLE

/* Passing the address through an empty asm hides where it came from: clang can no longer
 * assume it is non-null, aligned or below some bound (template rule 1). */
static inline __attribute__((always_inline)) uint64_t cpjit__hole(const void *address) {
  uint64_t value = (uint64_t)(uintptr_t)address;
  __asm__("" : "+r"(value));
  return value;
}

/* The runtime patches a hole with the operand zero- or sign-extended to 64 bits after checking
 * that it fits the width the template reads, so clang may assume the range (and drop the
 * extension), but nothing else. */
static inline __attribute__((always_inline)) uint64_t cpjit__hole_unsigned(const void *address, uint64_t max) {
  uint64_t value = cpjit__hole(address);
  __builtin_assume(value <= max);
  return value;
}
static inline __attribute__((always_inline)) int64_t cpjit__hole_signed(const void *address, int64_t min, int64_t max) {
  int64_t value = (int64_t)cpjit__hole(address);
  __builtin_assume(value >= min && value <= max);
  return value;
}

/* A small operand: on x86-64 its address as it is, for clang to fold (see the declarations
 * above); elsewhere it is a GOT-style load like any operand, and the barrier keeps clang's
 * code the same as for the other widths. */
static inline __attribute__((always_inline)) uint64_t cpjit__hole_small(const void *address, uint64_t max) {
#if defined(__x86_64__)
  uint64_t value = (uint64_t)(uintptr_t)address;
  __builtin_assume(value <= max);
  return value;
#else
  return cpjit__hole_unsigned(address, max);
#endif
}
#define CPJIT__UNSIGNED_u8(n, max) cpjit__hole_small(_cpjit_operand##n##_u8, max)
#define CPJIT__UNSIGNED_u16(n, max) cpjit__hole_small(_cpjit_operand##n##_u16, max)
#define CPJIT__UNSIGNED_u32(n, max) cpjit__hole_unsigned(_cpjit_operand##n##_u32, max)
#define CPJIT__UNSIGNED(n, w, max) CPJIT__UNSIGNED_##w(n, max)
#define CPJIT__SIGNED(n, w, min, max) cpjit__hole_signed(_cpjit_operand##n##_##w, min, max)
#define CPJIT__WIDE(n, w) cpjit__hole(_cpjit_operand##n##_##w)

/* ---- control transfers (each is a return statement) ------------------------------------- */
#define CPJIT_CONTINUE() do { __attribute__((musttail)) return _cpjit_continue(CPJIT_ARGS); } while (0)
#define CPJIT_JUMP() do { __attribute__((musttail)) return _cpjit_jump(CPJIT_ARGS); } while (0)
#define CPJIT_ERROR() do { __attribute__((musttail)) return _cpjit_error(CPJIT_ARGS); } while (0)
#define CPJIT_EXIT(k) do { __attribute__((musttail)) return _cpjit_exit##k(CPJIT_ARGS); } while (0)
#define CPJIT__FOLLOW(link) do { __attribute__((musttail)) return ((cpjit_trace_fn)(link))(CPJIT_ARGS); } while (0)

/* ---- helpers ------------------------------------------------------------------------------ */
/* Declares that stencils may call (or take the address of) `name`. Use at file scope, next to
 * the helper's prototype. The name is recorded in a non-allocated section of the object. */
#define CPJIT_HELPER(name)                                                           \
  __asm__(".pushsection " CPJIT_HELPER_SECTION ",\"\",%progbits\n.asciz \"" #name "\"\n" \
          ".popsection")

/* When cpjit-stencilgen compiles one stencil per clang process it defines CPJIT_SELECT and
 * CPJIT_KEEP_<NAME> for the one to keep; every other stencil becomes an unused static function
 * that clang drops. */
#ifdef CPJIT_SELECT
#define CPJIT__SECOND(a, b, ...) b
#define CPJIT__SECOND_I(...) CPJIT__SECOND(__VA_ARGS__)
#define CPJIT__LINKAGE(key) CPJIT__SECOND_I(key, static __attribute__((unused)), )
/* Metadata of the other uops is dropped too: a kept key shifts the third argument in. */
#define CPJIT__THIRD(a, b, c, ...) c
#define CPJIT__THIRD_I(...) CPJIT__THIRD(__VA_ARGS__)
#define CPJIT__META_FOR(key) CPJIT__THIRD_I(key, CPJIT__META_ATTRIBUTES, __attribute__((unused)), )
#else
#define CPJIT__LINKAGE(key)
#define CPJIT__META_FOR(key) CPJIT__META_ATTRIBUTES
#endif

#define CPJIT__HANDLER_PARAMS CPJIT_PARAMS
#define CPJIT__ENTER(first, ...) ((cpjit_trace_fn)(first))(__VA_ARGS__)
#define CPJIT__META_ATTRIBUTES __attribute__((used, section(CPJIT_META_SECTION), aligned(8)))

#else /* CPJIT_INTERP */
/* ================================================================================================
 * Uop-interpreter mode: the same templates compiled into ordinary functions. Each gets the
 * current instruction as one more pinned parameter, reads operands from it and tail-calls the
 * handler of the next, jump-target or exit instruction.
 * ============================================================================================== */
typedef CPJIT_PRESERVE_NONE cpjit_result (*cpjit_interp_fn)(CPJIT_PARAMS, const cpjit_interp_insn *);

#define CPJIT__DISPATCH(insn)                                                                  \
  do {                                                                                         \
    const cpjit_interp_insn *cpjit_next_ = (insn);                                             \
    __attribute__((musttail)) return ((cpjit_interp_fn)cpjit_next_->handler)(CPJIT_ARGS, cpjit_next_); \
  } while (0)

#define CPJIT__UNSIGNED(n, w, max) (cpjit_ip->operands[n])
#define CPJIT__SIGNED(n, w, min, max) ((int64_t)cpjit_ip->operands[n])
#define CPJIT__WIDE(n, w) (cpjit_ip->operands[n])

#define CPJIT_CONTINUE() CPJIT__DISPATCH(cpjit_ip + 1)
#define CPJIT_JUMP() CPJIT__DISPATCH(cpjit_ip->jump)
#define CPJIT_ERROR() CPJIT__DISPATCH(cpjit_ip->error)
#define CPJIT_EXIT(k) CPJIT__DISPATCH(cpjit_ip->exits[k])
#define CPJIT__FOLLOW(link) CPJIT__DISPATCH((const cpjit_interp_insn *)(link))

#define CPJIT_HELPER(name) struct cpjit__helper_##name
#define CPJIT__LINKAGE(key) static __attribute__((unused))
#define CPJIT__HANDLER_PARAMS CPJIT_PARAMS, const cpjit_interp_insn *cpjit_ip
#define CPJIT__ENTER(first, ...) \
  ((cpjit_interp_fn)((const cpjit_interp_insn *)(first))->handler)(__VA_ARGS__, (const cpjit_interp_insn *)(first))
#define CPJIT__META_ATTRIBUTES __attribute__((unused))
#define CPJIT__META_FOR(key) CPJIT__META_ATTRIBUTES

#endif /* CPJIT_INTERP */

/* ---- operands ------------------------------------------------------------------------------ */
#define CPJIT_OPERAND_U8(n) ((uint8_t)CPJIT__UNSIGNED(n, u8, UINT8_MAX))
#define CPJIT_OPERAND_I8(n) ((int8_t)CPJIT__SIGNED(n, i8, INT8_MIN, INT8_MAX))
#define CPJIT_OPERAND_U16(n) ((uint16_t)CPJIT__UNSIGNED(n, u16, UINT16_MAX))
#define CPJIT_OPERAND_I16(n) ((int16_t)CPJIT__SIGNED(n, i16, INT16_MIN, INT16_MAX))
#define CPJIT_OPERAND_U32(n) ((uint32_t)CPJIT__UNSIGNED(n, u32, UINT32_MAX))
#define CPJIT_OPERAND_I32(n) ((int32_t)CPJIT__SIGNED(n, i32, INT32_MIN, INT32_MAX))
#define CPJIT_OPERAND_U64(n) ((uint64_t)CPJIT__WIDE(n, u64))
#define CPJIT_OPERAND_I64(n) ((int64_t)CPJIT__WIDE(n, i64))
/* A pointer-sized constant (an object, a table, a cache slot). */
#define CPJIT_OPERAND_PTR(n, type) ((type)(uintptr_t)CPJIT__WIDE(n, u64))
/* A double constant, passed as its IEEE-754 bits. */
#define CPJIT_OPERAND_F64(n) cpjit__bits_to_double(CPJIT_OPERAND_U64(n))
static inline __attribute__((always_inline)) double cpjit__bits_to_double(uint64_t bits) {
  double d;
  __builtin_memcpy(&d, &bits, sizeof d);
  return d;
}

/* ---- helper calls on slow paths ----------------------------------------------------------
 * CPJIT_CALL(call) makes the call (a helper call expression) and yields its value;
 * CPJIT_PIN_STATE() goes after a call that returns nothing. Both hand the pinned values back to
 * registers right after the call. A pinned value in a register that the C ABI lets a callee
 * clobber (a double on x86-64 and AArch64; the fifth and sixth values on x86-64) is saved
 * around the call, and without the pin clang reloads it on each path the call's result leads
 * to (exit, continue). The stack is then used in several blocks, and clang sets the stack frame
 * up on entry to the stencil, on the fast path too (x86-64: a push and a pop in every stencil
 * that calls a helper anywhere). With the reload before the branch clang shrink-wraps, and the
 * frame exists only on the path that calls. It does so when the slow path is the call and a
 * branch on its result:
 *
 *   if (fast case) { ...; CPJIT_CONTINUE(); }
 *   if (!CPJIT_CALL(helper(...))) CPJIT_EXIT(0);
 *   CPJIT_CONTINUE();
 *
 * and no value other than the pinned ones lives across the call. A loop anywhere in the stencil,
 * or code after the call that the fast path shares, brings the frame back to the entry: give
 * the helper the whole slow case instead (tests/stencilgen/slow_calls.py checks the shape). */
#if defined(__x86_64__)
#define CPJIT__FP_CONSTRAINT "+x" /* an SSE register */
#else
#define CPJIT__FP_CONSTRAINT "+w" /* an FP/SIMD register */
#endif
#define CPJIT__DEFINE_PIN(TYPE)                                                        \
  static inline __attribute__((always_inline)) void cpjit__pin_##TYPE(TYPE *v) {      \
    __asm__ volatile("" : CPJIT__FP_CONSTRAINT(*v));                                   \
  }
CPJIT__DEFINE_PIN(double)
CPJIT__DEFINE_PIN(float)
#define CPJIT__PIN(type, name)                                  \
  _Generic((name),                                              \
      double: cpjit__pin_double((double *)(void *)&(name)),     \
      float: cpjit__pin_float((float *)(void *)&(name)),        \
      default: ({ __asm__ volatile("" : "+r"(name)); (void)0; }));
/* CPJIT_CALL_CLOBBERS(), optional, defined before including this header: statements run right
 * after every CPJIT_CALL and in CPJIT_PIN_STATE(). CPJIT_LOSE(v) there gives a pinned value up
 * across calls: v is whatever its register holds after the call, so it is neither saved nor
 * restored around it (no instruction at all). An interpreter does so for register caches that only loaders fill,
 * which the optimizer treats as lost after a uop that calls (cpjit/stencil_set.h). */
#ifndef CPJIT_CALL_CLOBBERS
#define CPJIT_CALL_CLOBBERS() ((void)0)
#endif
#if defined(__x86_64__)
#define CPJIT__FP_OUT "=x"
#else
#define CPJIT__FP_OUT "=w"
#endif
#define CPJIT_LOSE(v)                                                    \
  _Generic((v),                                                          \
      double: ({ __asm__ volatile("" : CPJIT__FP_OUT(v)); (void)0; }),   \
      float: ({ __asm__ volatile("" : CPJIT__FP_OUT(v)); (void)0; }),    \
      default: ({ __asm__ volatile("" : "=r"(v)); (void)0; }))
/* After a call: the values given up across calls, then every pinned value back in its register. */
#define CPJIT_PIN_STATE() do { CPJIT_CALL_CLOBBERS(); CPJIT_STATE(CPJIT__PIN) } while (0)
#define CPJIT_CALL(call)                            \
  ({                                                \
    __typeof__(call) cpjit_call_result_ = (call);   \
    CPJIT_PIN_STATE();                              \
    cpjit_call_result_;                             \
  })

/* ---- defining stencils ------------------------------------------------------------------- */

/* CPJIT_UOP(NAME) { body }: a uop named NAME. */
#define CPJIT_UOP(NAME) \
  CPJIT__LINKAGE(CPJIT_KEEP_##NAME) CPJIT_PRESERVE_NONE cpjit_result cpjit_uop_##NAME(CPJIT__HANDLER_PARAMS)

/* CPJIT_UOP_INFO(NAME, .flags = ..., .operands = {...}, .proves = {...}, .results = {...});
 * The uop's metadata, declared once next to its template: CPJIT_UOP_* flags, what each
 * operand is (CPJIT_OPERAND_*), what a guard proves and what the written slots hold afterwards
 * ({operand, 0, fact}, with facts numbered by the interpreter). cpjit-stencilgen checks it
 * against the stencil (exits need MAY_EXIT or GUARD, the error exit MAY_ERROR, a jump target
 * BRANCH, operands read by holes must be declared) and carries it in the tables.
 *
 * Register caches (cpjit/stencil_set.h): `.cache_out = {k, c}` says the uop also leaves the
 * value it writes to slot operand k in cache c, a value of the pinned state; a uop named
 * BASE__<suffix> with `.cache_in = {k, c}` is BASE reading slot operand k from cache c, with
 * otherwise the same metadata. The optimizer uses the variant right after a uop that filled
 * the cache with that slot's value. A cache variant may itself be the base of one reading
 * another operand from a cache (BASE__1__b: operand 1 from one cache, operand 2 from another).
 * A loader, `.operands = {SLOT_READ}` with `.cache_out = {0, c}`, fills cache c from a slot;
 * its cache variants copy one cache into another. With loaders the optimizer keeps slots a
 * loop carries in caches across its iterations (runtime/opt/cache.cpp). A variant whose
 * cache_in names a read-write operand is carried: it also leaves the value it writes to that
 * slot in the cache, so the slot stays there across a loop's back edge that updates it.
 *
 * Given facts: a uop named BASE__<suffix> with `.given = {k, 0, fact}` is BASE for when slot
 * operand k (which BASE writes) already holds `fact` before it, with otherwise the same
 * metadata; it may skip storing what the fact implies (the type tag of a result whose slot has
 * that type already). The optimizer uses it where the fact is known to hold. A register-cache
 * variant may have a given variant as its base (BASE__t__1 reads a cache and relies on the
 * fact), which the optimizer then uses after the given variant. */
#define CPJIT_UOP_INFO(NAME, ...) \
  static const cpjit_uop_meta cpjit_meta_##NAME CPJIT__META_FOR(CPJIT_KEEP_##NAME) = {.name = #NAME, __VA_ARGS__}

/* CPJIT_ENTRY(arg) { ...; return CPJIT_ENTER(state values...); }
 * The entry shim: an ordinary C function `cpjit_result cpjit_entry(const void *trace, void *arg)`
 * that loads the pinned state from `arg` and calls the trace. It is a real call, not a tail
 * call, so the shim's frame stays on the stack while the trace runs. */
#define CPJIT_ENTRY(arg)                                                                       \
  CPJIT__LINKAGE(CPJIT_KEEP_cpjit_entry) cpjit_result cpjit_entry(const void *cpjit_trace, void *arg)
#define CPJIT_ENTER(...) CPJIT__ENTER(cpjit_trace, __VA_ARGS__)

/* CPJIT_EXIT_STUB() { ...; return value; }
 * Placed once per side exit after a trace's hot code (and run as the exit instruction by the
 * uop interpreter). Operand 0 is the exit's cpjit_exit_record. In native code a side exit
 * linked to a side trace goes there through its link jump without running the stub, unless
 * the context counts linked exits (cpjit_config.count_linked_exits): nothing the stub does
 * before CPJIT_TAKE_EXIT may be needed by the side trace. The usual body:
 *
 *   CPJIT_EXIT_STUB() {
 *     cpjit_exit_record *exit = CPJIT_EXIT_RECORD();
 *     CPJIT_TAKE_EXIT(exit);           // count it; continue in a linked side trace if any
 *     ...store cached state values...  // back to the interpreter
 *     return (cpjit_result)exit;       // the runtime expects the record back
 *   } */
#define CPJIT_EXIT_STUB()                                                                          \
  CPJIT__LINKAGE(CPJIT_KEEP_cpjit_exit_stub) CPJIT_PRESERVE_NONE cpjit_result cpjit_exit_stub(CPJIT__HANDLER_PARAMS)
#define CPJIT_EXIT_RECORD() CPJIT_OPERAND_PTR(0, cpjit_exit_record *)
/* The hit count is a relaxed load and store, not a locked read-modify-write: a linked exit is
 * on a loop's hot path, where `lock inc` (about 20 cycles on x86-64, and a barrier) cost as much
 * as the rest of the iteration. Threads taking the same exit at the same moment may lose a
 * hit; the count is a hotness estimate, exact when one thread runs the trace. */
#define CPJIT_TAKE_EXIT(record)                                                             \
  do {                                                                                      \
    cpjit_exit_record *cpjit_record_ = (record);                                            \
    __atomic_store_n(&cpjit_record_->hits, __atomic_load_n(&cpjit_record_->hits, __ATOMIC_RELAXED) + 1, \
                     __ATOMIC_RELAXED);                                                     \
    const void *cpjit_link_ = __atomic_load_n(&cpjit_record_->link, __ATOMIC_ACQUIRE);     \
    if (cpjit_link_) CPJIT__FOLLOW(cpjit_link_);                                            \
  } while (0)

#endif /* CPJIT_STENCIL_H */
