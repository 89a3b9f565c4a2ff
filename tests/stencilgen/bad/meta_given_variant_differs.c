// A given variant is its base relying on a fact: it may not declare other facts or operands.
// expect: meta_given_variant_differs.c: CPJIT_UOP_INFO(NEG__t): its metadata must be NEG's but for given
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
               .results = {{0, 0, 2}}, .given = {0, 0, 1});
CPJIT_UOP(NEG__t) {
  slots[CPJIT_OPERAND_U16(0)] = -slots[CPJIT_OPERAND_U16(1)];
  CPJIT_CONTINUE();
}
