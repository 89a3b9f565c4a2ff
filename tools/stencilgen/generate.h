// One generator run: templates in, header / manifest / text out.
#pragma once

#include <string>
#include <vector>

namespace cpjit::gen {

enum class Strategy {
  TranslationUnit,  // one clang process per template file, -ffunction-sections splits the stencils
  PerUop,           // one clang process per stencil (CPJIT_SELECT), run in parallel
};

struct Options {
  std::string target;
  std::vector<std::string> sources;
  std::vector<std::string> include_dirs;
  std::vector<std::string> defines;
  std::vector<std::string> extra_cflags;
  std::string name;         // C identifier of the set; default: first source's stem
  std::string header;       // -o
  std::string json;         // --json
  std::string text;         // --text
  std::string depfile;      // --depfile
  std::string print;        // --print NAME: one stencil's text to stdout
  std::string clang;        // --clang
  std::string sysroot;      // --sysroot; default per target
  std::string keep_objects; // --keep-objects DIR
  std::string interp_object; // --interp-object FILE: the uop interpreter, compiled
  Strategy strategy = Strategy::TranslationUnit;
  unsigned jobs = 0;        // 0: one per hardware thread
  bool force = false;       // regenerate even when the digest matches
  bool check = false;       // only say whether the outputs are up to date
  bool quiet = false;
};

// Returns the process exit status: 0 on success (or up to date), 1 when --check finds the
// outputs stale. Throws StencilgenError for everything the generator refuses.
int generate(const Options &options);

extern const char *const kGeneratorVersion;

}  // namespace cpjit::gen
