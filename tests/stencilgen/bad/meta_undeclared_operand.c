// An operand the template reads must be declared in the metadata.
// expect: meta_undeclared_operand.c: CPJIT_UOP_INFO(COPY): operand 1 is read by the template but declared CPJIT_OPERAND_NONE
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

CPJIT_UOP_INFO(COPY, .flags = CPJIT_UOP_PURE, .operands = {CPJIT_OPERAND_SLOT_WRITE});
CPJIT_UOP(COPY) {
  slots[CPJIT_OPERAND_U16(0)] = slots[CPJIT_OPERAND_U16(1)];
  CPJIT_CONTINUE();
}
