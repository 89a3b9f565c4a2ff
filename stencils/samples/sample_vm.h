/* The toy VM behind cpjit's own sample templates: a frame of integer and float slots.
 * Shared by the templates (compiled by clang into stencils) and by the C++ tests that run
 * traces of them and compute the same results in plain C++. */
#ifndef CPJIT_SAMPLE_VM_H
#define CPJIT_SAMPLE_VM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cpjit_sample_frame {
  int64_t slots[64];
  double fslots[16];
  uint64_t helper_calls;
  uint64_t exits;
};

/* slots[i] * 3 + 1, counting calls: a helper with an observable side effect. */
int64_t cpjit_sample_helper(struct cpjit_sample_frame *frame, int64_t value);
/* A helper taking and returning doubles. */
double cpjit_sample_hypot(double x, double y);

#ifdef __cplusplus
}
#endif

#endif
