// The generator's outputs: the C/C++ header with the stencil tables, the JSON manifest (same
// content plus disassembly) and the human-readable text used for goldens and the demo.
#pragma once

#include <string>
#include <vector>

#include "stencils.h"

namespace cpjit::tools {
class Disassembler;
}

namespace cpjit::gen {

struct SetMeta {
  std::string digest;                // hex sha256
  std::string generator;             // "cpjit-stencilgen 0.1.0"
  std::string clang_version;         // first line of clang --version
  std::vector<std::string> flags;    // machine-independent compile flags
  std::vector<std::string> sources;  // template file names (base names)
};

// First line of every generated header: the digest that tells whether it is stale.
std::string digest_line(const std::string &digest);
// The digest found on the first line of an existing header or in a manifest, or "".
std::string read_header_digest(const std::string &text);

std::string render_header(const StencilSet &set, const SetMeta &meta, const tools::Disassembler &dis);
std::string render_json(const StencilSet &set, const SetMeta &meta, const tools::Disassembler &dis);
std::string render_text(const StencilSet &set, const tools::Disassembler &dis);
std::string render_stencil_text(const StencilSet &set, const Stencil &stencil, const tools::Disassembler &dis);

}  // namespace cpjit::gen
