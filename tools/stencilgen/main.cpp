// cpjit-stencilgen: compiles uop templates with clang 19 and writes stencil tables.
//
//   cpjit-stencilgen --target x86_64-linux-gnu -I include -o stencils.h --json stencils.json uops.c
//
// Works from the command line with no build system; CMake's cpjit_add_stencils() calls it too.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "error.h"
#include "generate.h"

namespace {

const char *kUsage = R"(usage: cpjit-stencilgen --target TRIPLE [options] TEMPLATE.c...

Compiles uop templates with clang 19 and writes the stencil tables.

outputs (at least one):
  -o FILE              C/C++ header with the stencil tables (first line: digest of the inputs)
  --json FILE          JSON manifest: the same content plus disassembly
  --text FILE          human-readable listing of every stencil (golden tests); - for stdout
  --print NAME         print one stencil (bytes, disassembly, holes) to stdout
  --depfile FILE       make-style dependency file for the build system
  --interp-object FILE the uop interpreter (templates compiled with CPJIT_INTERP) as an object
                       defining `cpjit_interp_<name>_<arch>`

options:
  --target TRIPLE      x86_64-linux-gnu or aarch64-linux-gnu (short: x86_64, aarch64)
  --name NAME          C identifier of the stencil set (default: the first template's name)
  -I DIR               add an include directory for templates
  -D NAME[=VALUE]      define a macro for templates
  --cflag FLAG         pass an extra flag to clang (repeatable)
  --clang PATH         clang to use (default: $CPJIT_CLANG, clang-19, clang)
  --sysroot DIR        target headers (default for aarch64: /usr/aarch64-linux-gnu)
  --strategy tu|per-uop  one clang process per template file (default) or per stencil
  -j, --jobs N         clang processes at once (default: hardware threads)
  --force              regenerate even when the outputs carry the current digest
  --check              print "up to date" or "stale" for -o/--json and exit 0 or 1
  --keep-objects DIR   keep the compiled objects there
  -q, --quiet          no progress messages
  --version, --help
)";

[[noreturn]] void usage_error(const std::string &message) {
  std::fprintf(stderr, "cpjit-stencilgen: %s\n(see cpjit-stencilgen --help)\n", message.c_str());
  std::exit(2);
}

}  // namespace

int main(int argc, char **argv) {
  cpjit::gen::Options opt;
  // --option=value is accepted for every option that takes a value.
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    size_t eq = a.find('=');
    if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
      args.push_back(a.substr(0, eq));
      args.push_back(a.substr(eq + 1));
    } else {
      args.push_back(a);
    }
  }
  const int count = static_cast<int>(args.size());
  for (int i = 0; i < count; ++i) {
    std::string arg = args[i];
    auto value = [&](const char *name) -> std::string {
      if (i + 1 >= count) usage_error(std::string(name) + " needs a value");
      return args[++i];
    };
    // -IDIR and -DNAME forms as well as -I DIR and -D NAME.
    if (arg.size() > 2 && arg.compare(0, 2, "-I") == 0) { opt.include_dirs.push_back(arg.substr(2)); continue; }
    if (arg.size() > 2 && arg.compare(0, 2, "-D") == 0) { opt.defines.push_back(arg.substr(2)); continue; }
    if (arg == "-I") opt.include_dirs.push_back(value("-I"));
    else if (arg == "-D") opt.defines.push_back(value("-D"));
    else if (arg == "--target") opt.target = value("--target");
    else if (arg == "--name") opt.name = value("--name");
    else if (arg == "-o") opt.header = value("-o");
    else if (arg == "--json") opt.json = value("--json");
    else if (arg == "--text") opt.text = value("--text");
    else if (arg == "--print") opt.print = value("--print");
    else if (arg == "--depfile") opt.depfile = value("--depfile");
    else if (arg == "--cflag") opt.extra_cflags.push_back(value("--cflag"));
    else if (arg == "--clang") opt.clang = value("--clang");
    else if (arg == "--sysroot") opt.sysroot = value("--sysroot");
    else if (arg == "--keep-objects") opt.keep_objects = value("--keep-objects");
    else if (arg == "--interp-object") opt.interp_object = value("--interp-object");
    else if (arg == "--strategy") {
      std::string s = value("--strategy");
      if (s == "tu") opt.strategy = cpjit::gen::Strategy::TranslationUnit;
      else if (s == "per-uop") opt.strategy = cpjit::gen::Strategy::PerUop;
      else usage_error("--strategy is tu or per-uop, not '" + s + "'");
    } else if (arg == "-j" || arg == "--jobs") {
      std::string s = value("--jobs");
      char *end = nullptr;
      long n = std::strtol(s.c_str(), &end, 10);
      if (*end != '\0' || n < 1 || n > 1024) usage_error("--jobs needs a number from 1 to 1024");
      opt.jobs = static_cast<unsigned>(n);
    } else if (arg == "--force") opt.force = true;
    else if (arg == "--check") opt.check = true;
    else if (arg == "-q" || arg == "--quiet") opt.quiet = true;
    else if (arg == "--version") { std::printf("%s\n", cpjit::gen::kGeneratorVersion); return 0; }
    else if (arg == "--help" || arg == "-h") { std::fputs(kUsage, stdout); return 0; }
    else if (!arg.empty() && arg[0] == '-') usage_error("unknown option " + arg);
    else opt.sources.push_back(arg);
  }
  if (opt.target.empty()) usage_error("--target is required");
  try {
    return cpjit::gen::generate(opt);
  } catch (const cpjit::gen::StencilgenError &e) {
    std::fprintf(stderr, "cpjit-stencilgen: error: %s\n", e.what());
    return 1;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "cpjit-stencilgen: internal error: %s\n", e.what());
    return 1;
  }
}
