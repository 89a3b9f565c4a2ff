// Which clang, which target, and the flags stencils are compiled with.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "object_file.h"

namespace cpjit::gen {

struct TargetInfo {
  const char *arch;    // "x86_64", "aarch64": the short name used in file and C identifiers
  const char *triple;  // what clang is given
  Machine machine;
};

// Accepts a short name ("x86_64", "aarch64", "arm64") or a Linux GNU triple
// ("x86_64-linux-gnu", "x86_64-unknown-linux-gnu", "aarch64-linux-gnu"). Null when unknown.
const TargetInfo *find_target(std::string_view name);
std::string supported_targets();

struct Flag {
  std::string text;
  std::string reason;
};

// The flags every stencil is compiled with for `target`, each with a one-line reason.
// `sysroot` (may be empty) holds the target's C headers when cross-compiling.
std::vector<Flag> stencil_flags(const TargetInfo &target, const std::string &sysroot);

// The flags the uop interpreter (templates compiled with CPJIT_INTERP into ordinary functions)
// is compiled with: the same language and floating-point semantics as the stencils.
std::vector<Flag> interpreter_flags(const TargetInfo &target, const std::string &sysroot);

// The default sysroot for a target on this machine (Debian's cross packages), or "".
std::string default_sysroot(const TargetInfo &target);

struct ClangInfo {
  std::string path;
  std::string version;  // first line of `clang --version`
  int major = 0;
};

// `requested` may be empty: then $CPJIT_CLANG, clang-19, clang are tried in turn.
// Throws StencilgenError when no clang 19 or newer is found.
ClangInfo find_clang(const std::string &requested);

}  // namespace cpjit::gen
