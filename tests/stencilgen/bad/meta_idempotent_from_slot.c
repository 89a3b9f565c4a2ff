// An idempotent uop may write slots from immediates only: `a = b + 1` run again is not a no-op
// when a and b name one slot.
// expect: meta_idempotent_from_slot.c: CPJIT_UOP_INFO(INC): CPJIT_UOP_IDEMPOTENT declared but the uop writes a slot from a slot
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

CPJIT_UOP_INFO(INC, .flags = CPJIT_UOP_PURE | CPJIT_UOP_IDEMPOTENT,
               .operands = {CPJIT_OPERAND_SLOT_WRITE, CPJIT_OPERAND_SLOT_READ});
CPJIT_UOP(INC) {
  slots[CPJIT_OPERAND_U16(0)] = slots[CPJIT_OPERAND_U16(1)] + 1;
  CPJIT_CONTINUE();
}
