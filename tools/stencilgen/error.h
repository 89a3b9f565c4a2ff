// Build-time tools stop with a precise message: the template, the offset, the symbol and the
// relocation when they refuse something. Internally that is one exception type, caught in main().
#pragma once

#include <stdexcept>
#include <string>

namespace cpjit::gen {

class StencilgenError : public std::runtime_error {
 public:
  explicit StencilgenError(const std::string &message) : std::runtime_error(message) {}
};

// The one function every refusal passes through (one breakpoint catches them all).
[[noreturn]] void fail(const std::string &message);

}  // namespace cpjit::gen
