// libFuzzer target (CMake option CPJIT_FUZZ): random bytes through the object reader and the
// stencil extraction. Seed it with objects kept by `cpjit-stencilgen --keep-objects DIR`.
#include <cstddef>
#include <cstdint>
#include <string>

#include "untrusted.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  cpjit::gen::process_untrusted_object({data, size}, error);
  return 0;
}
