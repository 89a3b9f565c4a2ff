// The targets cpjit can patch code for. A new target adds its reloc_<target>.cpp and a line here.
#include "backend.h"

namespace cpjit::jit {

const Backend *backend_for(cpjit_arch arch) {
  static const Backend *const kBackends[] = {&x86_64_backend(), &aarch64_backend()};
  for (const Backend *b : kBackends)
    if (b->arch == arch) return b;
  return nullptr;
}

}  // namespace cpjit::jit
