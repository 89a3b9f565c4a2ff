#include "input.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace cpjit::dis {

namespace {

using Json = nlohmann::json;

// A field that fails a check: caught once in parse_input and turned into the error message.
struct BadField {
  std::string message;
};

[[noreturn]] void bad(const std::string &where, const std::string &what) { throw BadField{where + ": " + what}; }

const Json &member(const Json &object, const std::string &where, const char *key) {
  if (!object.is_object()) bad(where, "expected an object");
  auto it = object.find(key);
  if (it == object.end()) bad(where, std::string("missing \"") + key + "\"");
  return *it;
}

const Json *optional_member(const Json &object, const char *key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::string get_string(const Json &v, const std::string &where) {
  if (!v.is_string()) bad(where, "expected a string");
  return v.get<std::string>();
}

uint64_t get_unsigned(const Json &v, const std::string &where, uint64_t max = std::numeric_limits<uint32_t>::max()) {
  if (!v.is_number_integer() || (v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() < 0))
    bad(where, "expected a non-negative integer");
  const uint64_t n = v.get<uint64_t>();
  if (n > max) bad(where, std::to_string(n) + " is too large");
  return n;
}

int64_t get_signed(const Json &v, const std::string &where) {
  if (!v.is_number_integer()) bad(where, "expected an integer");
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    bad(where, "out of range");
  return v.get<int64_t>();
}

// "0x..." → 64-bit value.
uint64_t get_hex(const Json &v, const std::string &where) {
  const std::string s = get_string(v, where);
  if (s.size() < 3 || s.size() > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) bad(where, "expected \"0x...\"");
  uint64_t out = 0;
  for (size_t i = 2; i < s.size(); ++i) {
    const char c = s[i];
    unsigned d;
    if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
    else bad(where, "\"" + s + "\" is not a hex number");
    out = out << 4 | d;
  }
  return out;
}

std::vector<uint8_t> get_bytes(const Json &v, const std::string &where) {
  const std::string s = get_string(v, where);
  if (s.size() % 2 != 0) bad(where, "odd number of hex digits");
  std::vector<uint8_t> out(s.size() / 2);
  auto digit = [&](char c) -> unsigned {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
    bad(where, std::string("'") + c + "' is not a hex digit");
  };
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(digit(s[2 * i]) << 4 | digit(s[2 * i + 1]));
  return out;
}

const Json &get_array(const Json &v, const std::string &where) {
  if (!v.is_array()) bad(where, "expected an array");
  return v;
}

std::string at(const std::string &where, size_t i) { return where + "[" + std::to_string(i) + "]"; }
std::string dot(const std::string &where, const char *key) { return where + "." + key; }

cpjit_arch read_arch(const Json &root) {
  const std::string name = get_string(member(root, "file", "arch"), "arch");
  cpjit_arch arch;
  if (!parse_arch(name, arch)) bad("arch", "unknown architecture \"" + name + "\" (x86_64, aarch64)");
  return arch;
}

// ---- trace dumps ---------------------------------------------------------------------------

void read_trace_dump(const Json &root, Input &out) {
  constexpr int kVersion = 1;  // jit/observe/dump_file.h: kDumpFormatVersion
  const int64_t version = get_signed(member(root, "file", "version"), "version");
  if (version != kVersion)
    bad("version", "dump format version " + std::to_string(version) + ", this cpjit-dis reads version " +
                       std::to_string(kVersion));
  jit::TraceDump &d = out.dump;
  out.kind = Input::Kind::kTraceDump;
  out.trace = get_string(member(root, "file", "trace"), "trace");
  d.arch = read_arch(root);
  d.target = get_string(member(root, "file", "target"), "target");
  d.stencil_set = get_string(member(root, "file", "stencil_set"), "stencil_set");
  d.address = get_hex(member(root, "file", "address"), "address");
  d.bytes = get_bytes(member(root, "file", "code"), "code");
  const uint64_t size = get_unsigned(member(root, "file", "size"), "size");
  if (size != d.bytes.size())
    bad("size", std::to_string(size) + " but \"code\" has " + std::to_string(d.bytes.size()) + " bytes");
  if (d.address > UINT64_MAX - size) bad("address", "the trace would wrap around the address space");
  d.hot_size = static_cast<uint32_t>(get_unsigned(member(root, "file", "hot_size"), "hot_size", size));
  d.pool_offset = static_cast<uint32_t>(get_unsigned(member(root, "file", "pool_offset"), "pool_offset", size));
  d.veneers = static_cast<uint32_t>(get_unsigned(member(root, "file", "veneers"), "veneers"));
  d.data_slots = static_cast<uint32_t>(get_unsigned(member(root, "file", "data_slots"), "data_slots"));

  auto check_range = [&](const std::string &where, uint64_t offset, uint64_t length) {
    if (offset > size || length > size - offset)
      bad(where, "bytes " + std::to_string(offset) + "+" + std::to_string(length) + " lie outside the " +
                     std::to_string(size) + "-byte trace");
  };

  const Json &uops = get_array(member(root, "file", "uops"), "uops");
  for (size_t i = 0; i < uops.size(); ++i) {
    const std::string w = at("uops", i);
    const Json &u = uops[i];
    jit::UopRecord r;
    if (get_unsigned(member(u, w, "index"), dot(w, "index")) != i) bad(dot(w, "index"), "uops are not in order");
    r.name = get_string(member(u, w, "name"), dot(w, "name"));
    r.offset = static_cast<uint32_t>(get_unsigned(member(u, w, "offset"), dot(w, "offset")));
    r.size = static_cast<uint32_t>(get_unsigned(member(u, w, "size"), dot(w, "size")));
    check_range(w, r.offset, r.size);
    const Json &operands = get_array(member(u, w, "operands"), dot(w, "operands"));
    if (operands.size() > CPJIT_MAX_OPERANDS) bad(dot(w, "operands"), "more than " + std::to_string(CPJIT_MAX_OPERANDS));
    for (size_t k = 0; k < operands.size(); ++k) r.operands[k] = get_hex(operands[k], at(dot(w, "operands"), k));
    if (const Json *jump = optional_member(u, "jump_target")) {
      const uint64_t t = get_unsigned(*jump, dot(w, "jump_target"));
      if (t >= uops.size()) bad(dot(w, "jump_target"), "uop " + std::to_string(t) + " is not in the trace");
      r.jump_target = static_cast<int32_t>(t);
    }
    const Json &exits = get_array(member(u, w, "exits"), dot(w, "exits"));
    if (exits.size() > CPJIT_MAX_EXITS) bad(dot(w, "exits"), "more than " + std::to_string(CPJIT_MAX_EXITS));
    for (size_t k = 0; k < CPJIT_MAX_EXITS; ++k)
      r.exits[k] = k < exits.size() && !exits[k].is_null()
                       ? static_cast<uint32_t>(get_unsigned(exits[k], at(dot(w, "exits"), k), UINT32_MAX - 1))
                       : jit::kNoExit;
    r.error_exit = jit::kNoExit;
    if (const Json *e = optional_member(u, "error_exit"))
      r.error_exit = static_cast<uint32_t>(get_unsigned(*e, dot(w, "error_exit"), UINT32_MAX - 1));
    d.uops.push_back(std::move(r));
  }

  const Json &stubs = get_array(member(root, "file", "stubs"), "stubs");
  for (size_t i = 0; i < stubs.size(); ++i) {
    const std::string w = at("stubs", i);
    jit::StubRecord r;
    r.exit = static_cast<uint32_t>(get_unsigned(member(stubs[i], w, "exit"), dot(w, "exit"), UINT32_MAX - 1));
    r.offset = static_cast<uint32_t>(get_unsigned(member(stubs[i], w, "offset"), dot(w, "offset")));
    r.size = static_cast<uint32_t>(get_unsigned(member(stubs[i], w, "size"), dot(w, "size")));
    r.record = get_hex(member(stubs[i], w, "record"), dot(w, "record"));
    check_range(w, r.offset, r.size);
    if (const Json *link = optional_member(stubs[i], "link_offset")) {
      r.link_offset = static_cast<uint32_t>(get_unsigned(*link, dot(w, "link_offset"), UINT32_MAX - 1));
      r.link_size = static_cast<uint32_t>(get_unsigned(member(stubs[i], w, "link_size"), dot(w, "link_size")));
      r.link_slot_offset =
          static_cast<uint32_t>(get_unsigned(member(stubs[i], w, "link_slot_offset"), dot(w, "link_slot_offset")));
      check_range(w, r.link_offset, r.link_size);
      check_range(w, r.link_slot_offset, 8);
    }
    d.stubs.push_back(r);
  }

  const Json &holes = get_array(member(root, "file", "holes"), "holes");
  for (size_t i = 0; i < holes.size(); ++i) {
    const std::string w = at("holes", i);
    const Json &h = holes[i];
    jit::HoleRecord r;
    const std::string owner = get_string(member(h, w, "owner"), dot(w, "owner"));
    const uint64_t owner_index = get_unsigned(member(h, w, "owner_index"), dot(w, "owner_index"));
    if (owner == "uop") {
      if (owner_index >= d.uops.size()) bad(dot(w, "owner_index"), "no uop " + std::to_string(owner_index));
      r.owner = static_cast<uint32_t>(owner_index);
    } else if (owner == "stub") {
      if (owner_index >= d.stubs.size()) bad(dot(w, "owner_index"), "no stub " + std::to_string(owner_index));
      r.owner = jit::HoleRecord::kStubOwner + static_cast<uint32_t>(owner_index);
    } else {
      bad(dot(w, "owner"), "expected \"uop\" or \"stub\"");
    }
    const std::string area = get_string(member(h, w, "area"), dot(w, "area"));
    if (area != "code" && area != "data") bad(dot(w, "area"), "expected \"code\" or \"data\"");
    r.in_data = area == "data";
    r.offset = static_cast<uint32_t>(get_unsigned(member(h, w, "offset"), dot(w, "offset")));
    check_range(w, r.offset, 1);
    const std::string kind = get_string(member(h, w, "kind"), dot(w, "kind"));
    if (!parse_patch_kind(kind, r.kind)) bad(dot(w, "kind"), "unknown patch kind \"" + kind + "\"");
    const std::string value = get_string(member(h, w, "value"), dot(w, "value"));
    if (!parse_hole_value(value, r.value)) bad(dot(w, "value"), "unknown hole value \"" + value + "\"");
    r.index = static_cast<uint16_t>(get_unsigned(member(h, w, "index"), dot(w, "index"), UINT16_MAX));
    if (r.value == CPJIT_HOLE_OPERAND && r.index >= CPJIT_MAX_OPERANDS)
      bad(dot(w, "index"), "operand " + std::to_string(r.index) + " does not exist");
    if (r.value == CPJIT_HOLE_EXIT && r.index >= CPJIT_MAX_EXITS)
      bad(dot(w, "index"), "side exit " + std::to_string(r.index) + " does not exist");
    const std::string width = get_string(member(h, w, "width"), dot(w, "width"));
    if (!parse_width(width, r.width)) bad(dot(w, "width"), "unknown width \"" + width + "\"");
    r.addend = get_signed(member(h, w, "addend"), dot(w, "addend"));
    r.target = get_hex(member(h, w, "target"), dot(w, "target"));
    if (const Json *symbol = optional_member(h, "symbol")) r.symbol = get_string(*symbol, dot(w, "symbol"));
    if (const Json *exit = optional_member(h, "exit"))
      r.exit = static_cast<uint32_t>(get_unsigned(*exit, dot(w, "exit"), UINT32_MAX - 1));
    d.holes.push_back(std::move(r));
  }
}

// ---- stencil manifests ---------------------------------------------------------------------

std::vector<ManifestHole> read_manifest_holes(const Json &list, const std::string &where, size_t body_size,
                                              size_t symbol_count) {
  std::vector<ManifestHole> out;
  get_array(list, where);
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string w = at(where, i);
    const Json &h = list[i];
    ManifestHole r;
    r.offset = static_cast<uint32_t>(get_unsigned(member(h, w, "offset"), dot(w, "offset")));
    if (r.offset >= body_size) bad(dot(w, "offset"), "outside the " + std::to_string(body_size) + "-byte body");
    const std::string kind = get_string(member(h, w, "kind"), dot(w, "kind"));
    if (!parse_patch_kind(kind, r.kind)) bad(dot(w, "kind"), "unknown patch kind \"" + kind + "\"");
    const std::string value = get_string(member(h, w, "value"), dot(w, "value"));
    if (!parse_hole_value(value, r.value)) bad(dot(w, "value"), "unknown hole value \"" + value + "\"");
    if (const Json *index = optional_member(h, "index"))
      r.index = static_cast<uint32_t>(get_unsigned(*index, dot(w, "index"), UINT16_MAX));
    if (const Json *index = optional_member(h, "symbol_index")) {
      r.index = static_cast<uint32_t>(get_unsigned(*index, dot(w, "symbol_index"), UINT16_MAX));
      if (r.index >= symbol_count) bad(dot(w, "symbol_index"), "no symbol " + std::to_string(r.index));
    }
    if (const Json *width = optional_member(h, "width")) {
      const std::string name = get_string(*width, dot(w, "width"));
      if (!parse_width(name, r.width)) bad(dot(w, "width"), "unknown width \"" + name + "\"");
    }
    if (const Json *symbol = optional_member(h, "symbol")) r.symbol = get_string(*symbol, dot(w, "symbol"));
    if (const Json *addend = optional_member(h, "addend")) r.addend = get_signed(*addend, dot(w, "addend"));
    if (const Json *pair = optional_member(h, "pair")) r.pair = get_signed(*pair, dot(w, "pair"));
    if (const Json *reloc = optional_member(h, "relocation")) r.relocation = get_string(*reloc, dot(w, "relocation"));
    out.push_back(std::move(r));
  }
  return out;
}

void read_manifest(const Json &root, Input &out) {
  out.kind = Input::Kind::kManifest;
  Manifest &m = out.manifest;
  m.name = get_string(member(root, "file", "name"), "name");
  m.target = get_string(member(root, "file", "target"), "target");
  m.arch = read_arch(root);
  const Json &symbols = get_array(member(root, "file", "symbols"), "symbols");
  for (size_t i = 0; i < symbols.size(); ++i) m.symbols.push_back(get_string(symbols[i], at("symbols", i)));
  const Json &stencils = get_array(member(root, "file", "stencils"), "stencils");
  for (size_t i = 0; i < stencils.size(); ++i) {
    const std::string w = at("stencils", i);
    const Json &s = stencils[i];
    ManifestStencil r;
    r.name = get_string(member(s, w, "name"), dot(w, "name"));
    r.role = get_string(member(s, w, "role"), dot(w, "role"));
    if (r.role != "uop" && r.role != "entry" && r.role != "exit-stub")
      bad(dot(w, "role"), "unknown role \"" + r.role + "\"");
    if (const Json *ft = optional_member(s, "falls_through")) {
      if (!ft->is_boolean()) bad(dot(w, "falls_through"), "expected true or false");
      r.falls_through = ft->get<bool>();
    }
    r.code = get_bytes(member(s, w, "code"), dot(w, "code"));
    if (const Json *data = optional_member(s, "data")) r.data = get_bytes(*data, dot(w, "data"));
    if (const Json *align = optional_member(s, "data_align"))
      r.data_align = static_cast<uint32_t>(get_unsigned(*align, dot(w, "data_align")));
    r.holes = read_manifest_holes(member(s, w, "holes"), dot(w, "holes"), r.code.size(), m.symbols.size());
    if (const Json *dh = optional_member(s, "data_holes"))
      r.data_holes = read_manifest_holes(*dh, dot(w, "data_holes"), r.data.size(), m.symbols.size());
    if (const Json *meta = optional_member(s, "meta")) {
      const std::string mw = dot(w, "meta");
      if (const Json *flags = optional_member(*meta, "flags")) {
        get_array(*flags, dot(mw, "flags"));
        for (size_t k = 0; k < flags->size(); ++k) r.flags.push_back(get_string((*flags)[k], at(dot(mw, "flags"), k)));
      }
      if (const Json *kinds = optional_member(*meta, "operands")) {
        get_array(*kinds, dot(mw, "operands"));
        if (kinds->size() > CPJIT_MAX_OPERANDS) bad(dot(mw, "operands"), "too many operands");
        for (size_t k = 0; k < kinds->size(); ++k)
          r.operand_kinds.push_back(get_string((*kinds)[k], at(dot(mw, "operands"), k)));
      }
    }
    m.stencils.push_back(std::move(r));
  }
}

}  // namespace

bool parse_patch_kind(const std::string &name, cpjit_patch_kind &out) {
#define CPJIT__KIND_PARSE(kind_name, doc)    \
  if (name == #kind_name) {                  \
    out = CPJIT_PATCH_##kind_name;           \
    return true;                             \
  }
  CPJIT_PATCH_KINDS(CPJIT__KIND_PARSE)
#undef CPJIT__KIND_PARSE
  return false;
}

bool parse_hole_value(const std::string &name, cpjit_hole_value &out) {
#define CPJIT__VALUE_PARSE(value_name, text) \
  if (name == text) {                        \
    out = CPJIT_HOLE_##value_name;           \
    return true;                             \
  }
  CPJIT_HOLE_VALUES(CPJIT__VALUE_PARSE)
#undef CPJIT__VALUE_PARSE
  return false;
}

bool parse_width(const std::string &name, cpjit_operand_width &out) {
  if (name == "none") {
    out = CPJIT_WIDTH_none;
    return true;
  }
#define CPJIT__WIDTH_PARSE(suffix, ctype, bytes, is_signed) \
  if (name == #suffix) {                                    \
    out = CPJIT_WIDTH_##suffix;                             \
    return true;                                            \
  }
  CPJIT_OPERAND_WIDTHS(CPJIT__WIDTH_PARSE)
#undef CPJIT__WIDTH_PARSE
  return false;
}

bool parse_arch(const std::string &name, cpjit_arch &out) {
  if (name == "x86_64") out = CPJIT_ARCH_X86_64;
  else if (name == "aarch64") out = CPJIT_ARCH_AARCH64;
  else return false;
  return true;
}

std::string disassembler_triple(cpjit_arch arch) {
  return arch == CPJIT_ARCH_AARCH64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
}

bool parse_input(const std::string &text, const std::string &origin, Input &out, std::string &error) {
  out = Input{};
  Json root;
  try {
    root = Json::parse(text);
  } catch (const Json::exception &e) {
    error = origin + ": not JSON (" + e.what() + ")";
    return false;
  }
  try {
    if (!root.is_object()) bad("file", "expected a JSON object");
    const std::string format = get_string(member(root, "file", "format"), "format");
    if (format == "cpjit-trace-dump") read_trace_dump(root, out);
    else if (format == "cpjit-stencils") read_manifest(root, out);
    else bad("format", "\"" + format + "\" is neither a trace dump (cpjit-trace-dump) nor a stencil manifest (cpjit-stencils)");
  } catch (const BadField &e) {
    error = origin + ": " + e.message;
    return false;
  } catch (const Json::exception &e) {
    error = origin + ": " + e.what();
    return false;
  }
  return true;
}

bool read_input(const std::string &path, Input &out, std::string &error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = path + ": is a directory";
    return false;
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = path + ": cannot open (" + std::strerror(errno) + ")";
    return false;
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) {
    error = path + ": cannot read";
    return false;
  }
  return parse_input(text.str(), path, out, error);
}

}  // namespace cpjit::dis
