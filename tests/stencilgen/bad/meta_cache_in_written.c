// A variant reads a slot operand from a cache: one the base reads (or reads and writes, a
// carried variant), not one it only writes.
// expect: meta_cache_in_written.c: CPJIT_UOP_INFO(SET__c): cache_in names operand 0, which is not a read slot
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots) X(int64_t, c1)
#include <cpjit/stencil.h>

CPJIT_UOP_INFO(SET, .operands = {CPJIT_OPERAND_SLOT_WRITE, CPJIT_OPERAND_IMMEDIATE});
CPJIT_UOP(SET) {
  slots[CPJIT_OPERAND_U16(0)] = (int64_t)CPJIT_OPERAND_U64(1);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(SET__c, .operands = {CPJIT_OPERAND_SLOT_WRITE, CPJIT_OPERAND_IMMEDIATE}, .cache_in = {0, 1});
CPJIT_UOP(SET__c) {
  slots[CPJIT_OPERAND_U16(0)] = c1;
  CPJIT_CONTINUE();
}
