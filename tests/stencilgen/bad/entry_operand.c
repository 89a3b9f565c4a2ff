// The entry shim runs before any trace: it has no operands to read.
// expect: entry_operand.c: entry shim: offset
// expect: '_cpjit_operand0_u64' is not available in the entry shim
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

CPJIT_ENTRY(arg) { return CPJIT_ENTER((int64_t *)arg + CPJIT_OPERAND_U64(0)); }
