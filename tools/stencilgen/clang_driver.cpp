#include "clang_driver.h"

#include <sys/stat.h>

#include <cstdlib>

#include "error.h"
#include "process.h"

namespace cpjit::gen {

namespace {

constexpr TargetInfo kTargets[] = {
    {"x86_64", "x86_64-linux-gnu", Machine::X86_64},
    {"aarch64", "aarch64-linux-gnu", Machine::AArch64},
};

bool is_directory(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

const TargetInfo *find_target(std::string_view name) {
  for (const TargetInfo &t : kTargets) {
    std::string_view arch = t.arch;
    if (name == arch || name == t.triple) return &t;
    if (name == std::string(arch) + "-unknown-linux-gnu" || name == std::string(arch) + "-pc-linux-gnu") return &t;
  }
  if (name == "arm64" || name == "arm64-linux-gnu") return &kTargets[1];
  return nullptr;
}

std::string supported_targets() {
  std::string out;
  for (const TargetInfo &t : kTargets) out += (out.empty() ? "" : ", ") + std::string(t.triple);
  return out;
}

std::vector<Flag> stencil_flags(const TargetInfo &target, const std::string &sysroot) {
  std::vector<Flag> flags = {
      {std::string("--target=") + target.triple, "the stencils' architecture, independent of the host"},
      {"-std=c11", "templates are C11 with clang extensions (preserve_none, musttail)"},
      {"-Os",
       "stencils are laid end to end: -O2/-O3 pad branch targets and duplicate tails (CPython moved to -Os, "
       "1-2% smaller, speed neutral)"},
      {"-fvisibility=default", "holes must stay preemptible so clang reaches them through the GOT, not PC32"},
      {"-ffunction-sections", "one section per stencil: its code and relocations are separate from the others"},
      {"-fdata-sections", "each stencil's read-only data (jump tables) in a section of its own"},
      {"-fno-stack-protector", "a stack canary is a symbol that cannot be patched"},
      {"-fno-asynchronous-unwind-tables", "no .eh_frame: unwind information for JIT code comes from the runtime"},
      {"-fno-unwind-tables", "same, for synchronous unwind tables"},
      {"-fno-common", "tentative definitions must not become common symbols"},
      {"-fno-math-errno", "sqrt and friends compile to instructions instead of libm calls that set errno"},
      {"-ffp-contract=off",
       "no fused multiply-add: stencils must compute the same bits as the interpreter and the uop interpreter"},
      {"-g0", "no debug information in the objects"},
      {"-Xclang", "pass the next flag to the compiler proper"},
      {"-mframe-pointer=reserved",
       "rbp/x29 is never written by a stencil, so unwinders walk through JIT code using the shim's frame"},
      {"-Werror=implicit-function-declaration", "every helper needs a prototype"},
  };
  if (target.machine == Machine::X86_64) {
    // Small operands (<cpjit/stencil.h> declares them as 1-byte objects) become 32-bit absolute
    // displacements of the instructions that use them: `addq off(%r12), %rax` instead of
    // loading the offset into a register first. Everything else stays reachable anywhere.
    flags.push_back({"-fno-pic", "small operands are absolute 32-bit values folded into addressing modes"});
    flags.push_back({"-mcmodel=medium", "code within +-2 GiB (one allocation), data small or large by size"});
    flags.push_back({"-mlarge-data-threshold=1",
                     "only 1-byte objects (the small operand symbols) are small data; wide operands and "
                     "read-only objects are large, reached with movabs (any 64-bit value); constant "
                     "pools stay PC-relative, copied next to the code"});
    flags.push_back({"-fno-jump-tables",
                     "the medium model addresses a jump table with a 32-bit absolute, which code memory "
                     "cannot reach"});
  } else {
    flags.push_back({"-fpic",
                     "holes load through GOT-style relocations that the JIT relaxes to immediates or a data slot, "
                     "so any 64-bit value is legal; jump tables and constants become PC-relative"});
    flags.push_back({"-mcmodel=small", "with -fpic: code and its read-only data within +-2 GiB, which one allocation guarantees"});
  }
  if (target.machine == Machine::AArch64) {
    flags.push_back({"-mno-outline-atomics", "atomics inline, not calls to __aarch64_* helpers"});
    if (!sysroot.empty()) flags.push_back({"--sysroot=" + sysroot, "the target's C library headers"});
  }
  return flags;
}

std::vector<Flag> interpreter_flags(const TargetInfo &target, const std::string &sysroot) {
  std::vector<Flag> flags = {
      {std::string("--target=") + target.triple, "the architecture the interpreter runs on"},
      {"-std=c11", "templates are C11 with clang extensions (preserve_none, musttail)"},
      {"-O2", "the uop interpreter is a hot loop of tail calls"},
      {"-fpic", "the object links into executables and shared libraries alike"},
      {"-DCPJIT_INTERP=1", "<cpjit/stencil.h> switches to reading operands from instructions"},
      {"-fno-math-errno", "the same floating-point code as the stencils"},
      {"-ffp-contract=off", "no fused multiply-add: bit-identical results with the stencils"},
      {"-fno-common", "tentative definitions must not become common symbols"},
      {"-g0", "no debug information"},
      {"-Werror=implicit-function-declaration", "every helper needs a prototype"},
  };
  if (target.machine == Machine::AArch64) {
    flags.push_back({"-mno-outline-atomics", "the same atomics as the stencils"});
    if (!sysroot.empty()) flags.push_back({"--sysroot=" + sysroot, "the target's C library headers"});
  }
  return flags;
}

std::string default_sysroot(const TargetInfo &target) {
  if (target.machine != Machine::AArch64) return "";
#if defined(__aarch64__)
  return "";  // native: the host's headers are the target's
#else
  std::string path = "/usr/aarch64-linux-gnu";
  return is_directory(path + "/include") ? path : "";
#endif
}

ClangInfo find_clang(const std::string &requested) {
  std::vector<std::string> candidates;
  if (!requested.empty()) {
    candidates.push_back(requested);
  } else {
    if (const char *env = std::getenv("CPJIT_CLANG"); env && *env) candidates.push_back(env);
    candidates.push_back("clang-19");
    candidates.push_back("clang");
  }
  std::string tried;
  for (const std::string &candidate : candidates) {
    ProcessResult r = run_process({candidate, "--version"});
    if (r.exit_code != 0) {
      tried += "\n  " + candidate + ": not runnable";
      continue;
    }
    std::string first = r.output.substr(0, r.output.find('\n'));
    size_t at = first.find("clang version ");
    int major = at == std::string::npos ? 0 : std::atoi(first.c_str() + at + 14);
    if (major < 19) {
      tried += "\n  " + candidate + ": " + first + " (need clang 19 or newer)";
      continue;
    }
    return ClangInfo{candidate, first, major};
  }
  fail("no usable clang found (set --clang or CPJIT_CLANG):" + tried);
}

}  // namespace cpjit::gen
