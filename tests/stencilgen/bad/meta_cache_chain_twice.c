// A variant of a cache variant reads another operand from a cache, never the same one again.
// expect: meta_cache_chain_twice.c: CPJIT_UOP_INFO(ADD__1__2): reads operand 1 from a cache, as its base ADD__1 does already
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots) X(int64_t, c1) X(int64_t, c2)
#include <cpjit/stencil.h>

#define ADD_INFO(NAME, ...)                                                                                  \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_PURE,                                                             \
                 .operands = {CPJIT_OPERAND_SLOT_WRITE, CPJIT_OPERAND_SLOT_READ, CPJIT_OPERAND_SLOT_READ}, \
                 ##__VA_ARGS__)
ADD_INFO(ADD);
CPJIT_UOP(ADD) {
  slots[CPJIT_OPERAND_U16(0)] = slots[CPJIT_OPERAND_U16(1)] + slots[CPJIT_OPERAND_U16(2)];
  CPJIT_CONTINUE();
}
ADD_INFO(ADD__1, .cache_in = {1, 1});
CPJIT_UOP(ADD__1) {
  slots[CPJIT_OPERAND_U16(0)] = c1 + slots[CPJIT_OPERAND_U16(2)];
  CPJIT_CONTINUE();
}
ADD_INFO(ADD__1__2, .cache_in = {1, 2});
CPJIT_UOP(ADD__1__2) {
  slots[CPJIT_OPERAND_U16(0)] = c2 + slots[CPJIT_OPERAND_U16(2)];
  CPJIT_CONTINUE();
}
