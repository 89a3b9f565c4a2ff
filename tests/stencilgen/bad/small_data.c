// A one-byte object is small data under x86-64's flags: clang reaches it with a 32-bit
// absolute address, which code memory cannot provide. The generator names the problem.
// targets: x86_64
// expect: small_data.c: stencil READ_FLAG
// expect: a 32-bit absolute field holds only unsigned 8- and 16-bit operands
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

extern char cpjit_flag_byte[1];
CPJIT_HELPER(cpjit_flag_byte);

CPJIT_UOP(READ_FLAG) {
  slots[0] = (int64_t)(uintptr_t)cpjit_flag_byte;
  CPJIT_CONTINUE();
}
