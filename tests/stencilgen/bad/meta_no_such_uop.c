// Metadata must belong to a uop of the same file.
// expect: meta_no_such_uop.c: CPJIT_UOP_INFO(MISSPELT) names no uop of this file
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

CPJIT_UOP_INFO(MISSPELT, .flags = CPJIT_UOP_PURE);
CPJIT_UOP(MISSPELLED) { CPJIT_CONTINUE(); }
