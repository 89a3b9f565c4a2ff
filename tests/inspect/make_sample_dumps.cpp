// Writes the sample traces of both targets as dump files, the input of the cpjit-dis goldens.
//   make_sample_dumps DIR           DIR/<trace>_<arch>.json for every sample trace and target
//                                   (DIR is created)
//   make_sample_dumps --print ARCH TRACE   the dump's JSON on standard output
#include <cstdio>
#include <filesystem>
#include <string>

#include "observe/dump_file.h"
#include "observe/names.h"
#include "sample_traces.h"

using namespace cpjit;

int main(int argc, char **argv) {
  const cpjit_arch arches[] = {CPJIT_ARCH_X86_64, CPJIT_ARCH_AARCH64};
  if (argc == 4 && std::string(argv[1]) == "--print") {
    const std::string arch_name = argv[2];
    const cpjit_arch arch = arch_name == "aarch64" ? CPJIT_ARCH_AARCH64 : CPJIT_ARCH_X86_64;
    if (arch_name != "aarch64" && arch_name != "x86_64") {
      std::fprintf(stderr, "make_sample_dumps: unknown architecture %s\n", argv[2]);
      return 2;
    }
    jit::TraceDump dump;
    jit::Status s = inspect_test::make_sample_dump(arch, argv[3], dump);
    if (!s.ok()) {
      std::fprintf(stderr, "make_sample_dumps: %s\n", s.message().c_str());
      return 1;
    }
    const std::string json = jit::observe::dump_to_json(dump, std::string(argv[3]) + "_" + arch_name);
    std::fwrite(json.data(), 1, json.size(), stdout);
    return 0;
  }
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_sample_dumps DIR | --print ARCH TRACE\n");
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(argv[1], ec);
  if (ec) {
    std::fprintf(stderr, "make_sample_dumps: cannot create %s: %s\n", argv[1], ec.message().c_str());
    return 1;
  }
  for (cpjit_arch arch : arches) {
    for (const std::string &name : inspect_test::sample_trace_names()) {
      jit::TraceDump dump;
      jit::Status s = inspect_test::make_sample_dump(arch, name, dump);
      if (s.ok()) s = jit::observe::write_dump_file(argv[1], name + "_" + jit::observe::arch_name(arch), dump);
      if (!s.ok()) {
        std::fprintf(stderr, "make_sample_dumps: %s for %s: %s\n", name.c_str(), jit::observe::arch_name(arch),
                     s.message().c_str());
        return 1;
      }
    }
  }
  return 0;
}
