// Uops with a helper call on their slow path, with and without CPJIT_CALL. Compiled by
// slow_calls.py, which checks where clang sets up the stack frame that the call needs.
#include <stdint.h>
typedef struct Value {
  uint64_t payload;
  uint8_t tag;
} Value;
typedef struct Array {
  Value *items;
  uint32_t size;
} Array;
// A double among the pinned values: the C ABI lets a callee clobber its register, so it is
// saved around the call.
#define CPJIT_STATE(X) X(void *, vm) X(Value *, slots) X(double, acc)
#include <cpjit/stencil.h>

int fetch_slow(void *vm, const Array *a, int64_t i, Value *out);
CPJIT_HELPER(fetch_slow);

#define FETCH_BODY(CALL)                                             \
  const Array *a = (const Array *)slots[CPJIT_OPERAND_U16(1)].payload; \
  const int64_t i = (int64_t)slots[CPJIT_OPERAND_U16(2)].payload;      \
  if (__builtin_expect((uint64_t)i < a->size, 1)) {                  \
    const Value *v = &a->items[i];                                   \
    if (__builtin_expect(v->tag != 0, 1)) {                          \
      slots[CPJIT_OPERAND_U16(0)] = *v;                              \
      CPJIT_CONTINUE();                                              \
    }                                                                \
  }                                                                  \
  if (!(CALL)) CPJIT_EXIT(0);                                        \
  CPJIT_CONTINUE();

// The fast path must not touch the stack: the frame belongs to the call's path only.
CPJIT_UOP(FETCH_PINNED) { FETCH_BODY(CPJIT_CALL(fetch_slow(vm, a, i, &slots[CPJIT_OPERAND_U16(0)]))) }
// The same without CPJIT_CALL: clang 19 sets the frame up on entry, for every path.
CPJIT_UOP(FETCH_PLAIN) { FETCH_BODY(fetch_slow(vm, a, i, &slots[CPJIT_OPERAND_U16(0)])) }
