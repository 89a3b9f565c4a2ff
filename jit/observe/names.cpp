#include "names.h"

#include <elf.h>

#include <algorithm>

namespace cpjit::jit::observe {

std::string trace_name(uint64_t trace_id) { return "trace" + std::to_string(trace_id); }

std::string exit_stub_name(uint32_t exit) { return "exit" + std::to_string(exit); }
std::string link_jump_name(uint32_t exit) { return exit_stub_name(exit) + ".link"; }

const char *patch_kind_name(cpjit_patch_kind kind) {
  switch (kind) {
#define CPJIT__KIND_NAME(name, doc) \
  case CPJIT_PATCH_##name: return #name;
    CPJIT_PATCH_KINDS(CPJIT__KIND_NAME)
#undef CPJIT__KIND_NAME
    default: return "?";
  }
}

const char *hole_value_name(cpjit_hole_value value) {
  switch (value) {
#define CPJIT__VALUE_NAME(name, text) \
  case CPJIT_HOLE_##name: return text;
    CPJIT_HOLE_VALUES(CPJIT__VALUE_NAME)
#undef CPJIT__VALUE_NAME
    default: return "?";
  }
}

const char *width_name(cpjit_operand_width width) {
  switch (width) {
    case CPJIT_WIDTH_none: return "none";
#define CPJIT__WIDTH_NAME(suffix, ctype, bytes, is_signed) \
  case CPJIT_WIDTH_##suffix: return #suffix;
    CPJIT_OPERAND_WIDTHS(CPJIT__WIDTH_NAME)
#undef CPJIT__WIDTH_NAME
    default: return "?";
  }
}

const char *arch_name(cpjit_arch arch) {
  switch (arch) {
    case CPJIT_ARCH_X86_64: return "x86_64";
    case CPJIT_ARCH_AARCH64: return "aarch64";
    default: return "?";
  }
}

uint16_t elf_machine(cpjit_arch arch) {
  switch (arch) {
    case CPJIT_ARCH_X86_64: return EM_X86_64;
    case CPJIT_ARCH_AARCH64: return EM_AARCH64;
    default: return 0;
  }
}

std::vector<CodeRange> code_ranges(const TraceDump &dump, std::string_view trace) {
  using Kind = CodeRange::Kind;
  const uint64_t total = dump.bytes.size();
  std::vector<CodeRange> out;
  auto add = [&](Kind kind, std::string name, uint64_t begin, uint64_t end) {
    end = std::min(end, total);
    if (begin >= end) return;
    out.push_back(CodeRange{kind, std::string(trace) + ":" + name, static_cast<uint32_t>(begin),
                            static_cast<uint32_t>(end - begin)});
  };

  uint64_t uops_end = 0;
  for (const UopRecord &u : dump.uops) {
    add(Kind::kUop, u.name, u.offset, uint64_t{u.offset} + u.size);
    uops_end = std::max<uint64_t>(uops_end, uint64_t{u.offset} + u.size);
  }
  add(Kind::kTrap, "trap", uops_end, dump.hot_size);

  uint64_t code_end = std::max<uint64_t>(uops_end, dump.hot_size);
  for (const StubRecord &s : dump.stubs) {
    add(Kind::kExitStub, exit_stub_name(s.exit), s.offset, uint64_t{s.offset} + s.size);
    if (s.link_offset != kNoExit)
      add(Kind::kExitStub, link_jump_name(s.exit), s.link_offset, uint64_t{s.link_offset} + s.link_size);
    code_end = std::max<uint64_t>(code_end, uint64_t{s.offset} + s.size);
  }
  add(Kind::kData, "data", code_end, dump.pool_offset);
  add(Kind::kPool, "pool", std::max<uint64_t>(dump.pool_offset, code_end), total);

  std::stable_sort(out.begin(), out.end(), [](const CodeRange &a, const CodeRange &b) { return a.offset < b.offset; });
  // A dump built by dump_trace never overlaps; trim anything else so consumers can rely on it.
  for (size_t i = 1; i < out.size(); ++i) {
    const uint32_t prev_end = out[i - 1].offset + out[i - 1].size;
    if (out[i].offset < prev_end) {
      const uint32_t cut = prev_end - out[i].offset;
      out[i].size = out[i].size > cut ? out[i].size - cut : 0;
      out[i].offset = prev_end;
    }
  }
  std::erase_if(out, [](const CodeRange &r) { return r.size == 0; });
  return out;
}

}  // namespace cpjit::jit::observe
