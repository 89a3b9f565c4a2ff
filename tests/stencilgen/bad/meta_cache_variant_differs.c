// A variant reading a register cache must have its base uop's metadata but for cache_in.
// expect: meta_cache_variant_differs.c: CPJIT_UOP_INFO(NEG__CACHED): its metadata must be NEG's but for cache_in
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots) X(int64_t, cached)
#include <cpjit/stencil.h>

CPJIT_UOP_INFO(NEG, .flags = CPJIT_UOP_PURE, .operands = {CPJIT_OPERAND_SLOT_WRITE, CPJIT_OPERAND_SLOT_READ});
CPJIT_UOP(NEG) {
  slots[CPJIT_OPERAND_U16(0)] = -slots[CPJIT_OPERAND_U16(1)];
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(NEG__CACHED, .operands = {CPJIT_OPERAND_SLOT_WRITE, CPJIT_OPERAND_SLOT_READ}, .cache_in = {1, 1});
CPJIT_UOP(NEG__CACHED) {
  slots[CPJIT_OPERAND_U16(0)] = -cached;
  CPJIT_CONTINUE();
}
