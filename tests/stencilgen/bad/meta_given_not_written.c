// A given fact is about a slot the uop writes (whose tag it may then leave as it is).
// expect: meta_given_not_written.c: CPJIT_UOP_INFO(NEG__t): given names operand 1, which is not a written slot
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

CPJIT_UOP_INFO(NEG, .flags = CPJIT_UOP_PURE, .operands = {CPJIT_OPERAND_SLOT_WRITE, CPJIT_OPERAND_SLOT_READ},
               .results = {{0, 0, 1}});
CPJIT_UOP(NEG) {
  slots[CPJIT_OPERAND_U16(0)] = -slots[CPJIT_OPERAND_U16(1)];
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(NEG__t, .flags = CPJIT_UOP_PURE, .operands = {CPJIT_OPERAND_SLOT_WRITE, CPJIT_OPERAND_SLOT_READ},
               .results = {{0, 0, 1}}, .given = {1, 0, 1});
CPJIT_UOP(NEG__t) {
  slots[CPJIT_OPERAND_U16(0)] = -slots[CPJIT_OPERAND_U16(1)];
  CPJIT_CONTINUE();
}
