// A uop leaves in a register cache the value of a slot it writes, not of one it reads.
// expect: meta_cache_not_written.c: CPJIT_UOP_INFO(COPY): cache_out names operand 1, which is not a written slot
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots) X(int64_t, cached)
#include <cpjit/stencil.h>

CPJIT_UOP_INFO(COPY, .flags = CPJIT_UOP_PURE, .operands = {CPJIT_OPERAND_SLOT_WRITE, CPJIT_OPERAND_SLOT_READ},
               .cache_out = {1, 1});
CPJIT_UOP(COPY) {
  cached = slots[CPJIT_OPERAND_U16(1)];
  slots[CPJIT_OPERAND_U16(0)] = cached;
  CPJIT_CONTINUE();
}
