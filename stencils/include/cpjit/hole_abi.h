/* cpjit hole ABI: the magic symbols a uop template refers to, defined once.
 *
 * A template never sees an operand's value at build time. It reads the *address* of an
 * extern symbol instead; clang must then emit a relocation against that symbol, and the
 * relocation is the patch description (CPython's PATCH_VALUE trick). The tables below name
 * every such symbol and say what fills it at run time. Three consumers include this file:
 *   - <cpjit/stencil.h>, which declares the symbols for templates;
 *   - cpjit-stencilgen, which maps a relocation's symbol name back to (value, index, width);
 *   - the runtime, which knows how many operands and exits an instruction carries.
 * Plain C, no includes: it must compile in a template (C11) and in the C++ tools.
 */
#ifndef CPJIT_HOLE_ABI_H
#define CPJIT_HOLE_ABI_H

/* Operands an instruction carries (64 bits each) and side exits a uop may take. */
#define CPJIT_MAX_OPERANDS 4
#define CPJIT_MAX_EXITS 8

/* What fills a hole.
 * X(ENUM_NAME, "name used in manifests and dumps") */
#define CPJIT_HOLE_VALUES(X)                                                               \
  X(OPERAND, "operand")   /* operand N of the instruction, at the width the template read */ \
  X(CONTINUE, "continue") /* the next uop (the stencil that follows)                      */ \
  X(JUMP, "jump")         /* the instruction's intra-trace jump target                    */ \
  X(EXIT, "exit")         /* side exit N of the instruction: its exit stub                */ \
  X(ERROR, "error")       /* the trace's error exit                                       */ \
  X(SYMBOL, "symbol")     /* an external helper function or object, by name              */ \
  X(CODE, "code")         /* this stencil's own code, plus the addend                     */ \
  X(DATA, "data")         /* this stencil's own read-only data, plus the addend           */

/* Widths at which a template may read an operand.
 * X(suffix, C type, bytes, is_signed) */
#define CPJIT_OPERAND_WIDTHS(X) \
  X(u8, uint8_t, 1, 0)          \
  X(i8, int8_t, 1, 1)           \
  X(u16, uint16_t, 2, 0)        \
  X(i16, int16_t, 2, 1)         \
  X(u32, uint32_t, 4, 0)        \
  X(i32, int32_t, 4, 1)         \
  X(u64, uint64_t, 8, 0)        \
  X(i64, int64_t, 8, 1)

/* Every magic symbol: X(symbol, VALUE, index, width suffix or none).
 * Operand symbols are _cpjit_operand<N>_<width>, exits _cpjit_exit<N>. */
#define CPJIT__OPERAND_HOLE_W(n, X, suffix) X(_cpjit_operand##n##_##suffix, OPERAND, n, suffix)
#define CPJIT__OPERAND_HOLES_N(n, X)          \
  CPJIT__OPERAND_HOLE_W(n, X, u8)             \
  CPJIT__OPERAND_HOLE_W(n, X, i8)             \
  CPJIT__OPERAND_HOLE_W(n, X, u16)            \
  CPJIT__OPERAND_HOLE_W(n, X, i16)            \
  CPJIT__OPERAND_HOLE_W(n, X, u32)            \
  CPJIT__OPERAND_HOLE_W(n, X, i32)            \
  CPJIT__OPERAND_HOLE_W(n, X, u64)            \
  CPJIT__OPERAND_HOLE_W(n, X, i64)
#define CPJIT_HOLE_SYMBOLS(X)                  \
  CPJIT__OPERAND_HOLES_N(0, X)                 \
  CPJIT__OPERAND_HOLES_N(1, X)                 \
  CPJIT__OPERAND_HOLES_N(2, X)                 \
  CPJIT__OPERAND_HOLES_N(3, X)                 \
  X(_cpjit_continue, CONTINUE, 0, none)        \
  X(_cpjit_jump, JUMP, 0, none)                \
  X(_cpjit_error, ERROR, 0, none)              \
  X(_cpjit_exit0, EXIT, 0, none)               \
  X(_cpjit_exit1, EXIT, 1, none)               \
  X(_cpjit_exit2, EXIT, 2, none)               \
  X(_cpjit_exit3, EXIT, 3, none)               \
  X(_cpjit_exit4, EXIT, 4, none)               \
  X(_cpjit_exit5, EXIT, 5, none)               \
  X(_cpjit_exit6, EXIT, 6, none)               \
  X(_cpjit_exit7, EXIT, 7, none)

/* Names of the functions a template file defines, as the generator finds them in the object:
 * uops are cpjit_uop_<NAME>; the entry shim and the exit stub have fixed names. */
#define CPJIT_UOP_PREFIX "cpjit_uop_"
#define CPJIT_ENTRY_NAME "cpjit_entry"
#define CPJIT_EXIT_STUB_NAME "cpjit_exit_stub"

/* Non-allocated section in which CPJIT_HELPER() records the helpers a template may call. */
#define CPJIT_HELPER_SECTION ".cpjit.helpers"

#endif /* CPJIT_HOLE_ABI_H */
