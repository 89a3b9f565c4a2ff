// A fact names a slot operand; only guards prove facts.
// expect: meta_bad_fact.c: CPJIT_UOP_INFO(SET): a fact names operand 1, which is not a slot
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

CPJIT_UOP_INFO(SET, .flags = CPJIT_UOP_PURE, .operands = {CPJIT_OPERAND_SLOT_WRITE, CPJIT_OPERAND_IMMEDIATE},
               .results = {{1, 0, 7}});
CPJIT_UOP(SET) {
  slots[CPJIT_OPERAND_U16(0)] = CPJIT_OPERAND_I32(1);
  CPJIT_CONTINUE();
}
