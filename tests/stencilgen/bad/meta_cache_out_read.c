// cache_out names a written slot, or the one read slot of a loader; not a read operand of another uop.
// expect: meta_cache_out_read.c: CPJIT_UOP_INFO(ADD): cache_out names operand 1, which is not a written slot (nor the read slot of a loader)
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots) X(int64_t, c1)
#include <cpjit/stencil.h>

CPJIT_UOP_INFO(ADD, .flags = CPJIT_UOP_PURE,
               .operands = {CPJIT_OPERAND_SLOT_WRITE, CPJIT_OPERAND_SLOT_READ, CPJIT_OPERAND_SLOT_READ},
               .cache_out = {1, 1});
CPJIT_UOP(ADD) {
  c1 = slots[CPJIT_OPERAND_U16(1)];
  slots[CPJIT_OPERAND_U16(0)] = c1 + slots[CPJIT_OPERAND_U16(2)];
  CPJIT_CONTINUE();
}
