// A stencil is copied many times; writable data would be shared or lost.
// expect: writable_data.c
// expect: writable data (section .
// expect: counter
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

static int64_t counter = 5;

CPJIT_UOP(COUNT) {
  slots[0] = ++counter;
  CPJIT_CONTINUE();
}
