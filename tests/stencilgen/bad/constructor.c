// Constructors never run for stencils.
// expect: constructor.c: constructors and destructors (section .init_array
// expect: setup
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

void announce(void);
CPJIT_HELPER(announce);

__attribute__((constructor)) static void setup(void) { announce(); }

CPJIT_UOP(NOTHING) { CPJIT_CONTINUE(); }
