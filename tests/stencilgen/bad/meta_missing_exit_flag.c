// Metadata is checked against what the stencil does: a uop that exits must say so.
// expect: meta_missing_exit_flag.c: CPJIT_UOP_INFO(CHECK): the uop takes side exits: declare CPJIT_UOP_MAY_EXIT
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

CPJIT_UOP_INFO(CHECK, .flags = CPJIT_UOP_PURE, .operands = {CPJIT_OPERAND_SLOT_READ});
CPJIT_UOP(CHECK) {
  if (slots[CPJIT_OPERAND_U16(0)] < 0) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
