// A uop reading a register cache is a variant of another uop and says which by its name.
// expect: meta_cache_variant_name.c: CPJIT_UOP_INFO(NEGC): a uop with cache_in is a variant: name it <BASE>__<suffix>
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots) X(int64_t, cached)
#include <cpjit/stencil.h>

CPJIT_UOP_INFO(NEGC, .flags = CPJIT_UOP_PURE, .operands = {CPJIT_OPERAND_SLOT_WRITE, CPJIT_OPERAND_SLOT_READ},
               .cache_in = {1, 1});
CPJIT_UOP(NEGC) {
  slots[CPJIT_OPERAND_U16(0)] = -cached;
  CPJIT_CONTINUE();
}
