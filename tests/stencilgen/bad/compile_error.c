// A template that does not compile: clang's diagnostic is shown with the command.
// expect: clang failed on
// expect: compile_error.c
// expect: undeclared identifier 'nonexistent'
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

CPJIT_UOP(BROKEN) {
  slots[0] = nonexistent;
  CPJIT_CONTINUE();
}
