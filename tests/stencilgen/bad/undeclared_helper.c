// A helper with a prototype but without CPJIT_HELPER is refused: the runtime would not know
// to resolve it.
// expect: undeclared_helper.c: stencil CALL: offset
// expect: against 'slow_path': undeclared external symbol
// expect: CPJIT_HELPER(slow_path)
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

int64_t slow_path(int64_t);

CPJIT_UOP(CALL) {
  slots[0] = slow_path(slots[1]);
  CPJIT_CONTINUE();
}
