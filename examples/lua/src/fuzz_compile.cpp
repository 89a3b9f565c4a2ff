// libFuzzer target: any byte string through the lexer, the parser and the compiler.
// A crash, a sanitizer report or a leak is a bug; a syntax error is just a result.
//
//   cpjit-lua-fuzz -max_len=4096 tests/lua/corpus
#include <cstddef>
#include <cstdint>

#include "cpjit_lua/cpjit_lua.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A fresh state per input keeps runs independent; a small heap limit turns runaway
  // allocation into an ordinary "not enough memory" error.
  static constexpr size_t kHeapLimit = size_t{256} << 20;
  cpjit::lua::State* L = cpjit::lua::open(kHeapLimit);
  if (L == nullptr) return 0;
  cpjit::lua::compile_only(L, reinterpret_cast<const char*>(data), size, "=fuzz");
  cpjit::lua::close(L);
  return 0;
}
