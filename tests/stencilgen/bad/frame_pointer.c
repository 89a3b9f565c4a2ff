// A stencil that uses rbp, the frame pointer profilers and debuggers unwind through (template
// rule 7). clang keeps off it by itself except under register pressure; the asm makes it certain.
// targets: x86_64
// expect: frame_pointer.c
// expect: USES_RBP
// expect: uses the frame pointer
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

CPJIT_UOP(USES_RBP) {
  __asm__ volatile("pushq %%rbp\n\txorl %%ebp, %%ebp\n\tpopq %%rbp" ::: "memory");
  slots[CPJIT_OPERAND_U16(0)] = 1;
  CPJIT_CONTINUE();
}
