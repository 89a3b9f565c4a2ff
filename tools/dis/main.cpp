// cpjit-dis: disassembles a trace dump (CPJIT_DUMP=<dir>, jit/observe/dump_file.h) or a stencil
// manifest (cpjit-stencilgen --json) with every patched field explained. Any architecture on
// any host: LLVM MC does the decoding.
#include <cstdio>
#include <fstream>
#include <string>

#include "input.h"
#include "listing.h"
#include "render.h"

namespace {

constexpr const char *kUsage =
    "usage: cpjit-dis [--text | --json | --html] [-o FILE] INPUT.json\n"
    "  INPUT   a trace dump (<CPJIT_DUMP dir>/trace<N>.json) or a stencil manifest\n"
    "          (cpjit-stencilgen --json)\n"
    "  --text  per uop: a header (name, operands, offset), its instructions, and under each\n"
    "          patched field what it holds (default)\n"
    "  --json  the same as JSON\n"
    "  --html  a self-contained page: uops and machine code side by side\n"
    "  -o FILE write to FILE instead of standard output\n";

int usage_error(const std::string &message) {
  std::fprintf(stderr, "cpjit-dis: %s\n%s", message.c_str(), kUsage);
  return 2;
}

}  // namespace

int main(int argc, char **argv) {
  enum class Format { kText, kJson, kHtml } format = Format::kText;
  std::string input_path, output_path;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--text") format = Format::kText;
    else if (arg == "--json") format = Format::kJson;
    else if (arg == "--html") format = Format::kHtml;
    else if (arg == "-o") {
      if (++i == argc) return usage_error("-o needs a file name");
      output_path = argv[i];
    } else if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
      return usage_error("unknown option " + arg);
    } else if (input_path.empty()) {
      input_path = arg;
    } else {
      return usage_error("one input at a time (" + input_path + ", " + arg + ")");
    }
  }
  if (input_path.empty()) return usage_error("no input");

  cpjit::dis::Input input;
  std::string error;
  const bool ok = input_path == "-" ? [&] {
    std::string text, chunk(1 << 16, '\0');
    size_t n;
    while ((n = std::fread(chunk.data(), 1, chunk.size(), stdin)) > 0) text.append(chunk.data(), n);
    return cpjit::dis::parse_input(text, "<stdin>", input, error);
  }()
                                    : cpjit::dis::read_input(input_path, input, error);
  if (!ok) {
    std::fprintf(stderr, "cpjit-dis: %s\n", error.c_str());
    return 1;
  }

  const cpjit_arch arch = input.kind == cpjit::dis::Input::Kind::kTraceDump ? input.dump.arch : input.manifest.arch;
  auto disassembler = cpjit::tools::Disassembler::create(cpjit::dis::disassembler_triple(arch), error);
  if (!disassembler) {
    std::fprintf(stderr, "cpjit-dis: %s: no disassembler: %s\n", input_path.c_str(), error.c_str());
    return 1;
  }
  const cpjit::dis::Document doc = cpjit::dis::describe(input, *disassembler);
  const std::string text = format == Format::kJson   ? cpjit::dis::render_json(doc)
                           : format == Format::kHtml ? cpjit::dis::render_html(doc)
                                                     : cpjit::dis::render_text(doc);

  if (output_path.empty()) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
      std::fprintf(stderr, "cpjit-dis: cannot write the output\n");
      return 1;
    }
    return 0;
  }
  std::ofstream file(output_path, std::ios::binary);
  file << text;
  file.close();
  if (!file) {
    std::fprintf(stderr, "cpjit-dis: cannot write %s\n", output_path.c_str());
    return 1;
  }
  return 0;
}
