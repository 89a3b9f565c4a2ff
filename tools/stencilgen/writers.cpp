#include "writers.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

#include "../common/disasm.h"
#include "relocations.h"

namespace cpjit::gen {

namespace {

constexpr const char *kDigestPrefix = "// cpjit-stencils sha256:";

std::string hex_bytes(const std::vector<uint8_t> &bytes) {
  static const char *digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::string fmt(const char *format, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

std::string role_name(cpjit_stencil_role role) {
  switch (role) {
    case CPJIT_ROLE_UOP: return "uop";
    case CPJIT_ROLE_ENTRY: return "entry";
    case CPJIT_ROLE_EXIT_STUB: return "exit-stub";
  }
  return "?";
}

// What fills the hole, in words: "operand 0 (u16)", "exit 1", "symbol pow", "data+0x8".
std::string describe_value(const Hole &h) {
  switch (h.value) {
    case CPJIT_HOLE_OPERAND: return fmt("operand %u (%s)", h.index, width_name(h.width));
    case CPJIT_HOLE_EXIT: return fmt("exit %u", h.index);
    case CPJIT_HOLE_SYMBOL: return "symbol " + h.symbol;
    default: return hole_value_name(h.value);
  }
}

std::string describe_hole(const Hole &h) {
  std::string out = fmt("%04x %s <- %s", h.offset, patch_kind_name(h.kind), describe_value(h).c_str());
  if (h.addend != 0) out += fmt(" %+lld", static_cast<long long>(h.addend));
  if (h.pair >= 0) out += fmt(" (pair %04x)", h.pair);
  out += "  [" + h.relocation + "]";
  return out;
}

std::string bytes_text(const std::vector<uint8_t> &code, uint64_t offset, uint32_t size) {
  std::string out;
  for (uint32_t i = 0; i < size; ++i) out += fmt(i ? " %02x" : "%02x", code[offset + i]);
  return out;
}

std::string flags_text(uint32_t flags) {
  std::string out;
#define CPJIT__FLAG_TEXT(name, bit, doc) \
  if (flags & CPJIT_UOP_##name) out += (out.empty() ? "" : "|") + std::string(#name);
  CPJIT_UOP_FLAGS(CPJIT__FLAG_TEXT)
#undef CPJIT__FLAG_TEXT
  return out.empty() ? "0" : out;
}

const char *operand_kind_text(uint8_t kind) {
  switch (kind) {
    case CPJIT_OPERAND_IMMEDIATE: return "imm";
    case CPJIT_OPERAND_SLOT_READ: return "read";
    case CPJIT_OPERAND_SLOT_WRITE: return "write";
    case CPJIT_OPERAND_SLOT_READ_WRITE: return "read-write";
    default: return "-";
  }
}

std::string facts_text(const cpjit_fact *facts) {
  std::string out;
  for (unsigned f = 0; f < CPJIT_MAX_FACTS; ++f)
    if (facts[f].fact != 0) out += fmt("%s%u:%u", out.empty() ? "" : ",", facts[f].operand, facts[f].fact);
  return out.empty() ? "-" : out;
}

std::string meta_text(const cpjit_uop_meta &m) {
  std::string out = "flags=" + flags_text(m.flags) + " operands=";
  for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k) out += std::string(k ? "," : "") + operand_kind_text(m.operands[k]);
  out += " proves=" + facts_text(m.proves) + " results=" + facts_text(m.results);
  if (m.cache_out.cache) out += fmt(" cache_out=%u:%u", m.cache_out.operand, m.cache_out.cache);
  if (m.cache_in.cache) out += fmt(" cache_in=%u:%u", m.cache_in.operand, m.cache_in.cache);
  if (m.given.fact) out += fmt(" given=%u:%u", m.given.operand, m.given.fact);
  return out;
}

std::string arch_name(const StencilSet &set) { return set.machine == Machine::X86_64 ? "x86_64" : "aarch64"; }

std::string c_ident(const StencilSet &set) { return "cpjit_stencils_" + set.name + "_" + arch_name(set); }

void hole_initializers(std::ostringstream &os, const std::vector<Hole> &holes) {
  for (const Hole &h : holes) {
    os << "  {" << fmt("0x%x", h.offset) << ", " << h.index << ", CPJIT_PATCH_" << patch_kind_name(h.kind)
       << ", CPJIT_HOLE_";
    switch (h.value) {
#define CPJIT__CASE(name, text) \
  case CPJIT_HOLE_##name: os << #name; break;
      CPJIT_HOLE_VALUES(CPJIT__CASE)
#undef CPJIT__CASE
      default: os << "OPERAND"; break;
    }
    os << ", CPJIT_WIDTH_" << width_name(h.width) << ", {0, 0, 0}, " << h.pair << ", "
       << (h.addend == INT64_MIN ? std::string("INT64_MIN") : std::to_string(h.addend) + "LL") << "},";
    os << " /* " << describe_value(h) << " */\n";
  }
}

void byte_array(std::ostringstream &os, const std::vector<uint8_t> &bytes) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i % 16 == 0) os << (i ? "\n  " : "  ");
    os << fmt("0x%02x,", bytes[i]);
  }
  os << "\n";
}

// Disassembly lines with the holes that fall in each instruction underneath it.
std::vector<std::string> annotated_listing(const Stencil &s, const tools::Disassembler &dis) {
  std::vector<std::string> lines;
  size_t next_hole = 0;
  for (const tools::Instruction &insn : dis.disassemble(s.code)) {
    lines.push_back(fmt("%04llx: %-30s %s", static_cast<unsigned long long>(insn.offset),
                        bytes_text(s.code, insn.offset, insn.size).c_str(), insn.text.c_str()));
    while (next_hole < s.holes.size() && s.holes[next_hole].offset < insn.offset + insn.size) {
      lines.push_back("      ^ " + describe_hole(s.holes[next_hole]));
      ++next_hole;
    }
  }
  return lines;
}

}  // namespace

std::string digest_line(const std::string &digest) { return kDigestPrefix + digest; }

std::string read_header_digest(const std::string &text) {
  std::string first = text.substr(0, text.find('\n'));
  std::string prefix = kDigestPrefix;
  if (first.compare(0, prefix.size(), prefix) == 0) return first.substr(prefix.size());
  // A JSON manifest: "digest": "..."
  size_t at = text.find("\"digest\": \"");
  if (at == std::string::npos) return "";
  at += 11;
  size_t end = text.find('"', at);
  return end == std::string::npos ? "" : text.substr(at, end - at);
}

std::string render_header(const StencilSet &set, const SetMeta &meta, const tools::Disassembler &dis) {
  std::ostringstream os;
  const std::string id = c_ident(set);
  std::string guard = id;
  for (char &c : guard) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  os << digest_line(meta.digest) << "\n";
  os << "// Generated by " << meta.generator << " for " << set.target << " from";
  for (const std::string &s : meta.sources) os << " " << s;
  os << ". Do not edit.\n";
  os << "// " << meta.clang_version << "\n";
  os << "#ifndef " << guard << "_H\n#define " << guard << "_H\n\n";
  os << "#include <cpjit/stencil_set.h>\n\n";
  os << "#if CPJIT_STENCIL_ABI_VERSION != " << CPJIT_STENCIL_ABI_VERSION << "\n";
  os << "#error \"" << id << " was generated for stencil ABI " << CPJIT_STENCIL_ABI_VERSION
     << "; regenerate it with this cpjit\"\n#endif\n\n";
  os << "/* External symbols the stencils use: X(name) for each, to build the table the runtime needs. */\n";
  os << "#define " << guard << "_SYMBOLS(X)";
  for (const std::string &sym : set.symbols) os << " X(" << sym << ")";
  os << "\n\n";

  for (const Stencil &s : set.stencils) {
    const std::string sid = id + "_" + s.name;
    os << "/* " << s.name << " (" << role_name(s.role) << (s.falls_through ? ", falls through" : "") << ")\n";
    for (const std::string &line : annotated_listing(s, dis)) os << " * " << line << "\n";
    os << " */\n";
    os << "static const uint8_t " << sid << "_code[" << (s.code.empty() ? 1 : s.code.size()) << "] = {\n";
    if (s.code.empty()) os << "  0\n";
    else byte_array(os, s.code);
    os << "};\n";
    if (!s.data.empty()) {
      os << "static const uint8_t " << sid << "_data[" << s.data.size() << "] = {\n";
      byte_array(os, s.data);
      os << "};\n";
    }
    if (!s.holes.empty()) {
      os << "static const cpjit_hole " << sid << "_holes[" << s.holes.size() << "] = {\n";
      hole_initializers(os, s.holes);
      os << "};\n";
    }
    if (!s.data_holes.empty()) {
      os << "static const cpjit_hole " << sid << "_data_holes[" << s.data_holes.size() << "] = {\n";
      hole_initializers(os, s.data_holes);
      os << "};\n";
    }
    if (s.meta) {
      const cpjit_uop_meta &m = *s.meta;
      os << "static const cpjit_uop_meta " << sid << "_meta = {\"" << m.name << "\", " << fmt("0x%x", m.flags) << ", {";
      for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k) os << (k ? ", " : "") << unsigned{m.operands[k]};
      for (const cpjit_fact *facts : {m.proves, m.results}) {
        os << "}, {";
        for (unsigned f = 0; f < CPJIT_MAX_FACTS; ++f)
          os << (f ? ", " : "") << "{" << unsigned{facts[f].operand} << ", 0, " << facts[f].fact << "}";
      }
      os << "}, {" << unsigned{m.cache_out.operand} << ", " << unsigned{m.cache_out.cache} << "}, {"
         << unsigned{m.cache_in.operand} << ", " << unsigned{m.cache_in.cache} << "}, {" << unsigned{m.given.operand}
         << ", 0, " << m.given.fact << "}}; /* " << meta_text(m) << " */\n";
    }
    os << "\n";
  }

  os << "static const cpjit_stencil " << id << "_list[" << (set.stencils.empty() ? 1 : set.stencils.size())
     << "] = {\n";
  for (const Stencil &s : set.stencils) {
    const std::string sid = id + "_" + s.name;
    std::string flags = "0";
    if (s.falls_through) flags = "CPJIT_STENCIL_FALLS_THROUGH";
    if (s.calls_symbols()) flags = (flags == "0" ? "" : flags + " | ") + "CPJIT_STENCIL_CALLS_SYMBOLS";
    const char *role = s.role == CPJIT_ROLE_UOP ? "CPJIT_ROLE_UOP"
                       : s.role == CPJIT_ROLE_ENTRY ? "CPJIT_ROLE_ENTRY"
                                                    : "CPJIT_ROLE_EXIT_STUB";
    os << "  {\"" << s.name << "\", " << role << ", " << flags << ", " << sid << "_code, " << s.code.size()
       << ", " << s.data.size() << ", " << (s.data.empty() ? "0" : sid + "_data") << ", " << s.data_align << ", "
       << s.holes.size() << ", " << (s.holes.empty() ? "0" : sid + "_holes") << ", " << s.data_holes.size()
       << ", 0, " << (s.data_holes.empty() ? "0" : sid + "_data_holes") << ", " << (s.meta ? "&" + sid + "_meta" : "0")
       << ", {" << unsigned{s.operand_widths[0]} << ", " << unsigned{s.operand_widths[1]} << ", "
       << unsigned{s.operand_widths[2]} << ", " << unsigned{s.operand_widths[3]} << "}, 0},\n";
  }
  if (set.stencils.empty()) os << "  {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, {0, 0, 0, 0}, 0},\n";
  os << "};\n\n";
  if (!set.symbols.empty()) {
    os << "static const char *const " << id << "_symbol_names[" << set.symbols.size() << "] = {";
    for (const std::string &sym : set.symbols) os << "\"" << sym << "\", ";
    os << "};\n\n";
  }
  os << "static const cpjit_stencil_set " << id << " = {\n";
  os << "  CPJIT_STENCIL_ABI_VERSION, " << (set.machine == Machine::X86_64 ? "CPJIT_ARCH_X86_64" : "CPJIT_ARCH_AARCH64")
     << ", \"" << set.name << "\", \"" << set.target << "\",\n";
  os << "  \"" << meta.digest << "\",\n";
  os << "  " << set.stencils.size() << ", " << set.symbols.size() << ", " << id << "_list, "
     << (set.symbols.empty() ? "0" : id + "_symbol_names") << "\n};\n\n";
  os << "#endif /* " << guard << "_H */\n";
  return os.str();
}

namespace {

nlohmann::ordered_json holes_json(const std::vector<Hole> &holes) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const Hole &h : holes) {
    nlohmann::ordered_json j;
    j["offset"] = h.offset;
    j["kind"] = patch_kind_name(h.kind);
    j["value"] = hole_value_name(h.value);
    if (h.value == CPJIT_HOLE_OPERAND || h.value == CPJIT_HOLE_EXIT) j["index"] = h.index;
    if (h.value == CPJIT_HOLE_OPERAND) j["width"] = width_name(h.width);
    if (h.value == CPJIT_HOLE_SYMBOL) j["symbol_index"] = h.index;
    j["symbol"] = h.symbol;
    j["addend"] = h.addend;
    if (h.pair >= 0) j["pair"] = h.pair;
    j["relocation"] = h.relocation;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

std::string render_json(const StencilSet &set, const SetMeta &meta, const tools::Disassembler &dis) {
  nlohmann::ordered_json root;
  root["format"] = "cpjit-stencils";
  root["abi_version"] = CPJIT_STENCIL_ABI_VERSION;
  root["digest"] = meta.digest;
  root["name"] = set.name;
  root["target"] = set.target;
  root["arch"] = arch_name(set);
  root["generator"] = meta.generator;
  root["clang"] = meta.clang_version;
  root["flags"] = meta.flags;
  root["sources"] = meta.sources;
  root["symbols"] = set.symbols;
  nlohmann::ordered_json stencils = nlohmann::ordered_json::array();
  for (const Stencil &s : set.stencils) {
    nlohmann::ordered_json j;
    j["name"] = s.name;
    j["role"] = role_name(s.role);
    j["falls_through"] = s.falls_through;
    j["source"] = s.source;
    j["code"] = hex_bytes(s.code);
    j["code_size"] = s.code.size();
    j["data"] = hex_bytes(s.data);
    j["data_size"] = s.data.size();
    j["data_align"] = s.data_align;
    j["holes"] = holes_json(s.holes);
    j["data_holes"] = holes_json(s.data_holes);
    nlohmann::ordered_json widths = nlohmann::ordered_json::array();
    for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k) widths.push_back(width_name(static_cast<cpjit_operand_width>(s.operand_widths[k])));
    j["operand_widths"] = std::move(widths);
    if (s.meta) {
      const cpjit_uop_meta &m = *s.meta;
      nlohmann::ordered_json meta;
      nlohmann::ordered_json flags = nlohmann::ordered_json::array();
#define CPJIT__FLAG_JSON(name, bit, doc) \
  if (m.flags & CPJIT_UOP_##name) flags.push_back(#name);
      CPJIT_UOP_FLAGS(CPJIT__FLAG_JSON)
#undef CPJIT__FLAG_JSON
      meta["flags"] = std::move(flags);
      nlohmann::ordered_json operands = nlohmann::ordered_json::array();
      for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k) operands.push_back(operand_kind_text(m.operands[k]));
      meta["operands"] = std::move(operands);
      for (auto [key, facts] : {std::pair{"proves", m.proves}, std::pair{"results", m.results}}) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (unsigned f = 0; f < CPJIT_MAX_FACTS; ++f)
          if (facts[f].fact != 0) list.push_back({{"operand", facts[f].operand}, {"fact", facts[f].fact}});
        meta[key] = std::move(list);
      }
      for (auto [key, cache] : {std::pair{"cache_out", m.cache_out}, std::pair{"cache_in", m.cache_in}})
        if (cache.cache != 0) meta[key] = {{"operand", cache.operand}, {"cache", cache.cache}};
      if (m.given.fact != 0) meta["given"] = {{"operand", m.given.operand}, {"fact", m.given.fact}};
      j["meta"] = std::move(meta);
    }
    nlohmann::ordered_json listing = nlohmann::ordered_json::array();
    for (const tools::Instruction &insn : dis.disassemble(s.code)) {
      nlohmann::ordered_json line;
      line["offset"] = insn.offset;
      line["size"] = insn.size;
      line["text"] = insn.text;
      listing.push_back(std::move(line));
    }
    j["disassembly"] = std::move(listing);
    stencils.push_back(std::move(j));
  }
  root["stencils"] = std::move(stencils);
  // Names come from the object file; bytes that are not UTF-8 are replaced, never thrown on.
  return root.dump(1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string render_stencil_text(const StencilSet &set, const Stencil &s, const tools::Disassembler &dis) {
  std::ostringstream os;
  os << "stencil " << s.name << " (" << role_name(s.role) << ", " << set.target
     << (s.falls_through ? ", falls through" : "") << ")\n";
  if (s.meta) os << "  meta: " << meta_text(*s.meta) << "\n";
  os << "  code: " << s.code.size() << " bytes, " << s.holes.size() << " holes\n";
  for (const std::string &line : annotated_listing(s, dis)) os << "    " << line << "\n";
  if (!s.data.empty()) {
    os << "  data: " << s.data.size() << " bytes, align " << s.data_align << ", " << s.data_holes.size()
       << " holes\n";
    for (size_t i = 0; i < s.data.size(); i += 16) {
      std::vector<uint8_t> row(s.data.begin() + static_cast<long>(i),
                               s.data.begin() + static_cast<long>(std::min(i + 16, s.data.size())));
      os << fmt("    %04zx: ", i) << bytes_text(row, 0, static_cast<uint32_t>(row.size())) << "\n";
    }
    for (const Hole &h : s.data_holes) os << "      ^ " << describe_hole(h) << "\n";
  }
  return os.str();
}

std::string render_text(const StencilSet &set, const tools::Disassembler &dis) {
  std::ostringstream os;
  os << "# stencil set " << set.name << " for " << set.target << ": " << set.stencils.size() << " stencils\n";
  os << "# symbols:";
  for (const std::string &sym : set.symbols) os << " " << sym;
  os << "\n";
  for (const Stencil &s : set.stencils) os << "\n" << render_stencil_text(set, s, dis);
  return os.str();
}

}  // namespace cpjit::gen
