// Keeping a cache across calls is said of the loader that fills it, not of another uop.
// expect: meta_keeps_not_loader.c: CPJIT_UOP_INFO(ADD): KEEPS_ACROSS_CALLS is said of a loader's cache: one read slot, which cache_out names
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots) X(int64_t, c1)
#include <cpjit/stencil.h>

CPJIT_UOP_INFO(ADD, .flags = CPJIT_UOP_PURE | CPJIT_UOP_KEEPS_ACROSS_CALLS,
               .operands = {CPJIT_OPERAND_SLOT_WRITE, CPJIT_OPERAND_SLOT_READ, CPJIT_OPERAND_SLOT_READ},
               .cache_out = {0, 1});
CPJIT_UOP(ADD) {
  c1 = slots[CPJIT_OPERAND_U16(1)] + slots[CPJIT_OPERAND_U16(2)];
  slots[CPJIT_OPERAND_U16(0)] = c1;
  CPJIT_CONTINUE();
}
