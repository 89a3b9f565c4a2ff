// The whole object-to-stencils pipeline on bytes that may be anything: the entry point of the
// object-reader fuzz target and of the mutation test. It must return, never crash.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace cpjit::gen {

// Reads the object, extracts and finalizes the stencils and renders them (disassembly
// included). Returns true when the object was accepted; otherwise `error` says why.
bool process_untrusted_object(std::span<const uint8_t> bytes, std::string &error);

}  // namespace cpjit::gen
