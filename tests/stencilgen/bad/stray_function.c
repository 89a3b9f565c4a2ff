// Every global function of a template must be a stencil.
// expect: stray_function.c: function 'helper_in_template' is neither a uop
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

int64_t helper_in_template(int64_t x) { return x + 1; }

CPJIT_UOP(NOTHING) { CPJIT_CONTINUE(); }
