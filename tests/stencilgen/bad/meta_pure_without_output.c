// A pure uop's only effect is on the slots it writes; one that writes none must say what it does.
// expect: meta_pure_without_output.c: CPJIT_UOP_INFO(STORE_ELSEWHERE): CPJIT_UOP_PURE declared but the uop writes no slot operand
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots) X(double *, other)
#include <cpjit/stencil.h>

CPJIT_UOP_INFO(STORE_ELSEWHERE, .flags = CPJIT_UOP_PURE, .operands = {CPJIT_OPERAND_IMMEDIATE});
CPJIT_UOP(STORE_ELSEWHERE) {
  other[CPJIT_OPERAND_U16(0)] = 1.0;
  CPJIT_CONTINUE();
}
