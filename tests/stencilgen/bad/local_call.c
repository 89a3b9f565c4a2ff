// A stencil calling another function of the template file cannot stand alone.
// expect: local_call.c: stencil CALL: offset
// expect: refers to the code of another function
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

__attribute__((noinline)) static int64_t twice(int64_t x) { return x * 2 + (x >> 7); }

CPJIT_UOP(CALL) {
  slots[0] = twice(slots[1]);
  CPJIT_CONTINUE();
}
