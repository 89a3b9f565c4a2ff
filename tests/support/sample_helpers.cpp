// The helpers the sample templates call, for every program that runs sample traces.
#include <cmath>
#include <cstdint>

#include "sample_vm.h"

extern "C" int64_t cpjit_sample_helper(struct cpjit_sample_frame *frame, int64_t value) {
  frame->helper_calls++;
  return static_cast<int64_t>(static_cast<uint64_t>(value) * 3 + 1);  // wraps like the JIT's integers
}

extern "C" double cpjit_sample_hypot(double x, double y) { return std::hypot(x, y); }
