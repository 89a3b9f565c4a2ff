// libFuzzer target (CMake option CPJIT_FUZZ): the trace builder fed random API calls.
#include <cstdlib>

#include "builder_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  test::BuilderFuzzCounts counts;
  if (!test::fuzz_builder_once(data, size, counts)) std::abort();  // a status that is not one
  return 0;
}
