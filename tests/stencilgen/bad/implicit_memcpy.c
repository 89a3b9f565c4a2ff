// clang turns a large struct copy into a call to memcpy, which no template declared.
// expect: implicit_memcpy.c: stencil COPY: offset
// expect: against 'memcpy': undeclared external symbol
// expect-x86_64: R_X86_64_PLT32
// expect-aarch64: R_AARCH64_CALL26
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

struct big { int64_t v[64]; };

CPJIT_UOP(COPY) {
  struct big *to = CPJIT_OPERAND_PTR(0, struct big *);
  *to = *(const struct big *)slots;
  CPJIT_CONTINUE();
}
