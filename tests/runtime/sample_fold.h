// The sample uops evaluated in C++: the fold hook tests install, so constant folding runs.
#pragma once

#include <cpjit/cpjit.h>

#include <cstring>
#include <string>

namespace test {

// `user` is the cpjit_stencils of the samples.
inline int fold_sample(void *user, uint32_t uop, const uint64_t *operands, const cpjit_fold_value *inputs,
                       cpjit_fold_value *results) {
  const std::string name = cpjit_uop_name(static_cast<const cpjit_stencils *>(user), uop);
  const uint64_t a = inputs[1].bits, b = inputs[2].bits;
  uint64_t r = 0;
  if (name == "ADD") {
    if (__builtin_add_overflow(static_cast<int64_t>(a), static_cast<int64_t>(b), reinterpret_cast<int64_t *>(&r)))
      return 0;  // the uop would take its exit
  } else if (name == "ADD_IMM") {
    r = a + static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(operands[2])));
  } else if (name == "DIV") {
    const int64_t x = static_cast<int64_t>(a), y = static_cast<int64_t>(b);
    if (y == 0 || (x == INT64_MIN && y == -1)) return 0;
    r = static_cast<uint64_t>(x / y);
  } else {
    return 0;
  }
  results[0] = cpjit_fold_value{r, 0};
  return 1;
}

}  // namespace test
