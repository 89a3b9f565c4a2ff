// A relocation kind cpjit has no patch for stops the generator with its name.
// expect: unknown_relocation.c: stencil WEIRD: offset 0x0
// expect: against '_cpjit_operand0_u64': unknown relocation kind
// expect-x86_64: R_X86_64_GOTOFF64
// expect-aarch64: R_AARCH64_TLSLE_ADD_TPREL_HI12
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

CPJIT_UOP(WEIRD) {
#if defined(__x86_64__)
  __asm__ volatile(".reloc ., R_X86_64_GOTOFF64, _cpjit_operand0_u64\n .quad 0");
#else
  __asm__ volatile(".reloc ., R_AARCH64_TLSLE_ADD_TPREL_HI12, _cpjit_operand0_u64\n .word 0");
#endif
  CPJIT_CONTINUE();
}
