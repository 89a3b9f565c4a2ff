// Thread-local data has no place in copied code.
// expect: thread_local.c
// expect: thread-local data
// expect: tls_counter
#include <stdint.h>
#define CPJIT_STATE(X) X(int64_t *, slots)
#include <cpjit/stencil.h>

_Thread_local int64_t tls_counter;

CPJIT_UOP(COUNT) {
  tls_counter++;
  CPJIT_CONTINUE();
}
