// A stack canary is a symbol (or a guard variable) that cannot be patched.
// flags: --cflag -fstack-protector-all
// expect: stack_protector.c: stencil CANARY: offset
// expect: stack-protector canary cannot be patched
// expect-x86_64: R_X86_64_PLT32 against '__stack_chk_fail'
// expect-aarch64: against '__stack_chk_guard'
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

void fill(char *buffer);
CPJIT_HELPER(fill);

CPJIT_UOP(CANARY) {
  char buffer[64];
  fill(buffer);
  slots[0] = buffer[3];
  CPJIT_CONTINUE();
}
