#include "stencils.h"

#include <llvm/BinaryFormat/ELF.h>

#include <algorithm>
#include <cstring>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string_view>
#include <unordered_map>

#include "arch/a64_insn.h"
#include "arch/bits.h"
#include "arch/x86_insn.h"
#include "../common/disasm.h"
#include "relocations.h"

namespace cpjit::gen {

bool Stencil::calls_symbols() const {
  auto is_symbol = [](const Hole &h) { return h.value == CPJIT_HOLE_SYMBOL; };
  return std::any_of(holes.begin(), holes.end(), is_symbol) ||
         std::any_of(data_holes.begin(), data_holes.end(), is_symbol);
}

namespace {

struct MagicHole {
  cpjit_hole_value value;
  uint16_t index;
  cpjit_operand_width width;
};

const std::unordered_map<std::string_view, MagicHole> &magic_holes() {
  static const std::unordered_map<std::string_view, MagicHole> table = [] {
    std::unordered_map<std::string_view, MagicHole> t;
#define CPJIT__MAGIC(sym, value, index, width) \
  t.emplace(#sym, MagicHole{CPJIT_HOLE_##value, index, CPJIT_WIDTH_##width});
    CPJIT_HOLE_SYMBOLS(CPJIT__MAGIC)
#undef CPJIT__MAGIC
    return t;
  }();
  return table;
}

std::string hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// Names that end up in generated C (stencil names, helper symbols) must be identifiers: anything
// else in an object is refused rather than pasted into a header.
bool is_c_identifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool is_constructor_section(const ObjSection &s) {
  return s.type == llvm::ELF::SHT_INIT_ARRAY || s.type == llvm::ELF::SHT_FINI_ARRAY ||
         s.type == llvm::ELF::SHT_PREINIT_ARRAY || starts_with(s.name, ".init_array") ||
         starts_with(s.name, ".fini_array") || starts_with(s.name, ".ctors") || starts_with(s.name, ".dtors");
}

// .data.rel.ro holds constant tables of addresses that need relocating: read-only once
// patched, which is what a stencil's data becomes.
bool is_relro_section(const ObjSection &s) { return starts_with(s.name, ".data.rel.ro"); }

bool is_ignored_section(const ObjSection &s) {
  return !s.is_alloc() || s.name == ".eh_frame" || s.type == llvm::ELF::SHT_GROUP ||
         s.type == llvm::ELF::SHT_RELA || s.type == llvm::ELF::SHT_NOTE;
}

// Why a section cannot travel with a stencil, or an empty string.
std::string forbidden_reason(const ObjSection &s) {
  if (s.is_tls()) return "thread-local data (section " + s.name + ") has no place in copied code";
  if (is_constructor_section(s))
    return "constructors and destructors (section " + s.name + ") never run for stencils";
  if (s.is_write() && !is_relro_section(s))
    return "writable data (section " + s.name + ") cannot be shared by copies of a stencil";
  return {};
}

// The CPJIT_UOP_INFO records of an object, by uop name.
// The base uop a variant's name (<BASE>__<suffix>) names, or "" when it names none.
std::string variant_base(const std::string &name) {
  const size_t at = name.rfind("__");
  return at == std::string::npos || at == 0 || at + 2 == name.size() ? std::string() : name.substr(0, at);
}

std::map<std::string, cpjit_uop_meta> declared_meta(const ObjectFile &object, const std::string &what) {
  std::map<std::string, cpjit_uop_meta> out;
  for (const ObjSection &s : object.sections) {
    if (s.name != CPJIT_META_SECTION) continue;
    if (s.bytes.size() % sizeof(cpjit_uop_meta) != 0)
      fail(what + ": section " + s.name + " is not a whole number of cpjit_uop_meta records");
    for (size_t at = 0; at < s.bytes.size(); at += sizeof(cpjit_uop_meta)) {
      cpjit_uop_meta meta;
      std::memcpy(&meta, s.bytes.data() + at, sizeof meta);
      if (std::memchr(meta.name, 0, sizeof meta.name) == nullptr) fail(what + ": uop metadata with an unterminated name");
      if (!out.emplace(meta.name, meta).second) fail(what + ": metadata for uop " + std::string(meta.name) + " given twice");
    }
  }
  return out;
}

std::set<std::string> declared_helpers(const ObjectFile &object) {
  std::set<std::string> helpers;
  for (const ObjSection &s : object.sections) {
    if (s.name != CPJIT_HELPER_SECTION) continue;
    std::string current;
    for (uint8_t byte : s.bytes) {
      if (byte == 0) {
        if (!current.empty()) helpers.insert(current);
        current.clear();
      } else {
        current.push_back(static_cast<char>(byte));
      }
    }
  }
  return helpers;
}

class Extractor {
 public:
  Extractor(const ObjectFile &object, std::string what)
      : object_(object), what_(std::move(what)), helpers_(declared_helpers(object)), meta_(declared_meta(object, what_)) {}

  std::vector<Stencil> run();

 private:
  Stencil extract(const ObjSymbol &function, const ObjSection &text);
  Hole make_hole(const ObjSection &section, const ObjRelocation &r, bool in_code);
  Hole classify_hole(const ObjSection &section, const ObjRelocation &r, bool in_code);
  uint32_t place_data(uint32_t section_index);
  void pair_got_loads();
  void strip_continuation();
  void thread_branches_a64();
  void thread_branches_x86();
  void refuse_frame_pointer(const Stencil &stencil);
  [[noreturn]] void refuse(const ObjSection &section, const ObjRelocation &r, const std::string &why);
  std::string describe_target(uint32_t symbol, int64_t addend) const;

  const ObjectFile &object_;
  std::string what_;
  std::set<std::string> helpers_;
  std::map<std::string, cpjit_uop_meta> meta_;
  void attach_meta(Stencil &stencil);
  void check_variants(const std::vector<Stencil> &stencils) const;
  // Per-stencil state.
  Stencil *stencil_ = nullptr;
  const ObjSection *text_ = nullptr;
  std::map<uint32_t, uint32_t> data_offsets_;  // section index -> offset in the stencil's data
  std::vector<uint32_t> data_order_;
};

void Extractor::refuse(const ObjSection &section, const ObjRelocation &r, const std::string &why) {
  std::string symbol = r.symbol < object_.symbols.size() ? object_.symbols[r.symbol].name : "?";
  std::string where = section.is_exec() ? "offset " + hex(r.offset)
                                        : "offset " + hex(r.offset) + " of data section " + section.name;
  fail(what_ + ": stencil " + stencil_->name + ": " + where + ": relocation " + r.type_name + " against '" +
       symbol + "': " + why);
}

// A relocation's target in words: the symbol, or for a section symbol the function or object
// that starts at the addressed offset.
std::string Extractor::describe_target(uint32_t index, int64_t addend) const {
  if (index >= object_.symbols.size()) return "";
  const ObjSymbol &sym = object_.symbols[index];
  if (sym.type != llvm::ELF::STT_SECTION) return sym.name;
  for (const ObjSymbol &other : object_.symbols)
    if (other.section == sym.section && other.type != llvm::ELF::STT_SECTION &&
        static_cast<int64_t>(other.value) == static_cast<int64_t>(sym.value) + addend && !other.name.empty() &&
        other.name[0] != '$')
      return other.name;
  return sym.name;
}

uint32_t Extractor::place_data(uint32_t section_index) {
  auto it = data_offsets_.find(section_index);
  if (it != data_offsets_.end()) return it->second;
  const ObjSection &s = object_.sections[section_index];
  uint64_t align = s.align;
  uint64_t offset = (stencil_->data.size() + align - 1) & ~(align - 1);
  if (offset + s.size > (64u << 20)) fail(what_ + ": stencil " + stencil_->name + ": read-only data too large");
  stencil_->data.resize(offset, 0);
  stencil_->data.insert(stencil_->data.end(), s.bytes.begin(), s.bytes.end());
  stencil_->data_align = std::max<uint32_t>(stencil_->data_align, static_cast<uint32_t>(align));
  data_offsets_[section_index] = static_cast<uint32_t>(offset);
  data_order_.push_back(section_index);
  return static_cast<uint32_t>(offset);
}

Hole Extractor::make_hole(const ObjSection &section, const ObjRelocation &r, bool in_code) {
  Hole hole = classify_hole(section, r, in_code);
  // A 32-bit absolute field (x86-64's small data) holds small operands only: code, data and
  // helpers lie anywhere in the address space, and wider operands may not fit.
  const bool absolute32 = hole.kind == CPJIT_PATCH_Abs32 || hole.kind == CPJIT_PATCH_Abs32S;
  if (absolute32 && !(hole.value == CPJIT_HOLE_OPERAND && (hole.width == CPJIT_WIDTH_u8 || hole.width == CPJIT_WIDTH_u16)))
    refuse(section, r,
           "a 32-bit absolute field holds only unsigned 8- and 16-bit operands, not this value; reach data "
           "through a pointer-sized operand or a helper (small objects of one byte are the culprit)");
  return hole;
}

Hole Extractor::classify_hole(const ObjSection &section, const ObjRelocation &r, bool in_code) {
  const ObjSymbol &sym = object_.symbols[r.symbol];
  auto mapping = map_relocation(object_.machine, r.type);
  if (!mapping) refuse(section, r, "unknown relocation kind; cpjit has no patch for it");
  const std::vector<uint8_t> &body = in_code ? stencil_->code : section.bytes;
  if (r.offset > body.size() || body.size() - r.offset < mapping->field_bytes)
    refuse(section, r, "relocation lies outside its section");
  if (!has_expected_shape(mapping->kind, body, r.offset, in_code))
    refuse(section, r, std::string("instruction does not have the shape that ") + patch_kind_name(mapping->kind) +
                           " patches");

  Hole hole;
  hole.offset = static_cast<uint32_t>(r.offset);
  hole.kind = mapping->kind;
  hole.relocation = r.type_name;
  hole.addend = r.addend;
  hole.symbol = sym.name;

  if (sym.type == llvm::ELF::STT_TLS) refuse(section, r, "thread-local data has no place in copied code");
  if (sym.is_undefined()) {
    const auto &magic = magic_holes();
    if (auto it = magic.find(sym.name); it != magic.end()) {
      hole.value = it->second.value;
      hole.index = it->second.index;
      hole.width = it->second.width;
      return hole;
    }
    if (starts_with(sym.name, "__stack_chk"))
      refuse(section, r, "stack-protector canary cannot be patched; compile templates with -fno-stack-protector");
    if (helpers_.count(sym.name) == 0)
      refuse(section, r,
             "undeclared external symbol (clang may have invented this call); declare helpers with "
             "CPJIT_HELPER(" + sym.name + ") or avoid the construct that needs it");
    if (!is_c_identifier(sym.name)) refuse(section, r, "external symbol names must be C identifiers");
    hole.value = CPJIT_HOLE_SYMBOL;
    return hole;
  }
  if (sym.section == UINT32_MAX) refuse(section, r, "absolute or common symbols cannot be patched");
  const ObjSection &target = object_.sections[sym.section];
  if (&target == text_) {
    hole.value = CPJIT_HOLE_CODE;
    hole.addend = static_cast<int64_t>(sym.value) + r.addend;
    hole.symbol = stencil_->name;
    return hole;
  }
  if (target.is_exec())
    refuse(section, r,
           "refers to the code of another function; make it static inline or move it into the interpreter "
           "and declare it with CPJIT_HELPER");
  if (std::string why = forbidden_reason(target); !why.empty()) refuse(section, r, why);
  if (!target.is_alloc() || is_ignored_section(target)) refuse(section, r, "refers to a section that is not loaded");
  if (target.is_nobits()) refuse(section, r, "zero-initialised data (section " + target.name + ") is writable");
  uint32_t base = place_data(sym.section);
  hole.value = CPJIT_HOLE_DATA;
  hole.addend = static_cast<int64_t>(base) + static_cast<int64_t>(sym.value) + r.addend;
  hole.symbol = target.name;
  return hole;
}

// An AArch64 GOT load is an ADRP (A64GotPage21) and an LDR (A64GotLoad12) of the same symbol,
// the LDR's base register being the ADRP's destination. The JIT relaxes them together, so each
// records its partner. Clang emits exactly one LDR per ADRP for these loads; anything else is
// refused rather than half-patched.
void Extractor::pair_got_loads() {
  auto &holes = stencil_->holes;
  auto same_target = [](const Hole &a, const Hole &b) {
    return a.value == b.value && a.index == b.index && a.width == b.width && a.symbol == b.symbol &&
           a.addend == b.addend;
  };
  for (Hole &load : holes) {
    if (load.kind != CPJIT_PATCH_A64GotLoad12) continue;
    uint32_t ldr = arch::load32(stencil_->code.data() + load.offset);
    Hole *best = nullptr;
    for (Hole &page : holes) {
      if (page.kind != CPJIT_PATCH_A64GotPage21 || !same_target(page, load) || page.offset >= load.offset) continue;
      uint32_t adrp = arch::load32(stencil_->code.data() + page.offset);
      if (arch::a64::rd(adrp) != arch::a64::rn(ldr)) continue;
      if (best == nullptr || page.offset > best->offset) best = &page;
    }
    if (best == nullptr)
      fail(what_ + ": stencil " + stencil_->name + ": offset " + hex(load.offset) + ": GOT load of '" +
           load.symbol + "' (" + load.relocation + ") has no matching ADRP");
    if (best->pair != -1)
      fail(what_ + ": stencil " + stencil_->name + ": offset " + hex(best->offset) + ": ADRP of '" + best->symbol +
           "' feeds more than one GOT load; cpjit cannot relax it");
    best->pair = static_cast<int32_t>(load.offset);
    load.pair = static_cast<int32_t>(best->offset);
  }
  for (const Hole &page : holes)
    if (page.kind == CPJIT_PATCH_A64GotPage21 && page.pair == -1)
      fail(what_ + ": stencil " + stencil_->name + ": offset " + hex(page.offset) + ": ADRP of GOT entry '" +
           page.symbol + "' has no matching load");
}

// Where an intra-stencil AArch64 instruction at `at` points (branches without a hole, ADR), or
// nothing. Used to prove that code is reached only from branches a peephole rewrites.
std::optional<int64_t> a64_local_target(uint32_t insn, uint32_t at) {
  auto sext = [](uint32_t v, unsigned bits) { return static_cast<int64_t>(static_cast<uint64_t>(v) << (64 - bits)) >> (64 - bits); };
  if (arch::a64::is_cond_branch19(insn)) return at + sext(arch::get_bits(insn, 5, 19), 19) * 4;
  if (arch::a64::is_test_branch14(insn)) return at + sext(arch::get_bits(insn, 5, 14), 14) * 4;
  if (arch::a64::is_branch26(insn)) return at + sext(arch::get_bits(insn, 0, 26), 26) * 4;
  if (arch::a64::is_adr(insn)) return at + sext(arch::get_bits(insn, 5, 19) << 2 | arch::get_bits(insn, 29, 2), 21);
  return std::nullopt;
}

bool is_control_hole(const Hole &h) {
  return (h.kind == CPJIT_PATCH_A64Branch26 || h.kind == CPJIT_PATCH_X86BranchPcRel32) &&
         (h.value == CPJIT_HOLE_EXIT || h.value == CPJIT_HOLE_ERROR || h.value == CPJIT_HOLE_JUMP ||
          h.value == CPJIT_HOLE_CONTINUE);
}

// AArch64 has no conditional tail call, so a guard compiles to a branch around a tail call
// (`b.vc 1f; b exit; 1:`) or to a branch to a tail call placed last (`cbz x8, L ... b continue;
// L: b error`). Both put a taken branch on the hot path, and the second keeps the continuation
// from being last. Two rewrites fix that, each only when nothing else reaches the code it
// removes (every intra-stencil branch and ADR is decoded; AArch64 code has no inline data):
//   1. `b.cond +8; b <hole>` becomes `b.!cond <hole>; nop` (same size, no offset moves);
//   2. a trailing `b <hole>` that the instruction before it cannot fall into, reached only by
//      B.cond, CBZ/CBNZ or plain `b`, is folded into those branches and dropped (only trailing
//      code goes, so no offset moves).
// TBZ/TBNZ (+-32 KiB) are never retargeted: exits may lie further away in a trace.
void Extractor::thread_branches_a64() {
  auto &code = stencil_->code;
  auto &holes = stencil_->holes;
  if (code.size() % 4 != 0 || !stencil_->data_holes.empty()) return;
  auto hole_at = [&](uint32_t at) {
    return std::find_if(holes.begin(), holes.end(), [&](const Hole &h) { return h.offset == at; });
  };
  auto references = [&](uint32_t target, uint32_t except) {
    int n = 0;
    for (uint32_t at = 0; at + 4 <= code.size(); at += 4) {
      if (at == except || hole_at(at) != holes.end()) continue;
      auto t = a64_local_target(arch::load32(code.data() + at), at);
      n += t && *t == target;
    }
    return n;
  };
  auto by_offset = [](const Hole &a, const Hole &b) { return a.offset < b.offset; };

  // 1. Invert branches around a tail call.
  for (uint32_t at = 0; at + 8 <= code.size(); at += 4) {
    uint32_t insn = arch::load32(code.data() + at);
    if (!arch::a64::is_cond_branch19(insn) || hole_at(at) != holes.end()) continue;
    if (a64_local_target(insn, at) != std::optional<int64_t>(at + 8)) continue;
    auto tail = hole_at(at + 4);
    if (tail == holes.end() || !is_control_hole(*tail) || !arch::a64::is_b(arch::load32(code.data() + at + 4)))
      continue;
    if (references(at + 4, at) != 0) continue;
    bool is_bcond = (insn & 0xff000010u) == 0x54000000u;
    if (is_bcond && arch::get_bits(insn, 1, 3) == 7) continue;  // AL/NV have no inverse
    uint32_t inverted = is_bcond ? (insn ^ 1u) : (insn ^ (1u << 24));  // flip cond / CBZ<->CBNZ
    arch::store32(code.data() + at, arch::set_bits(inverted, 5, 19, 0));
    arch::store32(code.data() + at + 4, 0xd503201fu);  // nop
    tail->offset = at;
    tail->kind = CPJIT_PATCH_A64CondBranch19;
    tail->relocation += " (inverted)";
  }
  std::stable_sort(holes.begin(), holes.end(), by_offset);

  // 2. Fold trailing tail calls into the branches that reach them (not when the instruction
  //    before falls into the tail call: a conditional branch whose other way it is keeps it).
  for (;;) {
    if (code.size() < 8) return;
    const uint32_t last = static_cast<uint32_t>(code.size() - 4);
    auto tail = hole_at(last);
    if (tail == holes.end() || !is_control_hole(*tail) || tail->value == CPJIT_HOLE_CONTINUE ||
        !arch::a64::is_b(arch::load32(code.data() + last)))
      return;
    const uint32_t before = arch::load32(code.data() + last - 4);
    if (!arch::a64::is_b(before) && !arch::a64::is_br_or_ret(before)) return;
    std::vector<uint32_t> conditional, unconditional;
    for (uint32_t at = 0; at < last; at += 4) {
      uint32_t insn = arch::load32(code.data() + at);
      if (hole_at(at) != holes.end()) continue;
      auto target = a64_local_target(insn, at);
      if (!target || *target != last) continue;
      if (arch::a64::is_cond_branch19(insn)) conditional.push_back(at);
      else if (arch::a64::is_b(insn)) unconditional.push_back(at);
      else return;  // TBZ/TBNZ, ADR, BL: leave the tail alone
    }
    if (conditional.empty() && unconditional.empty()) return;
    Hole exit = *tail;
    exit.relocation += " (threaded)";
    holes.erase(tail);
    code.resize(last);
    for (uint32_t at : conditional) {
      arch::store32(code.data() + at, arch::set_bits(arch::load32(code.data() + at), 5, 19, 0));
      Hole h = exit;
      h.offset = at;
      h.kind = CPJIT_PATCH_A64CondBranch19;
      holes.push_back(h);
    }
    for (uint32_t at : unconditional) {
      arch::store32(code.data() + at, arch::set_bits(arch::load32(code.data() + at), 0, 26, 0));
      Hole h = exit;
      h.offset = at;
      holes.push_back(h);
    }
    std::stable_sort(holes.begin(), holes.end(), by_offset);
  }
}

const tools::Disassembler *x86_disassembler() {
  static std::string error;
  static const std::unique_ptr<tools::Disassembler> dis = tools::Disassembler::create("x86_64-linux-gnu", error);
  return dis.get();
}

// Template rule 7: rbp belongs to the entry shim's frame, through which profilers and
// debuggers unwind JIT code, so no stencil may use it, not even saved and restored around its
// own use (a sample in between would unwind through garbage). -mframe-pointer=reserved keeps
// clang off it, except that clang 19 still took it in a stencil short of registers (values
// live across a helper call inside a loop): refused, naming the instruction. (AArch64 stencils
// write x29 only as clang's frame records do, which keeps the chain valid.)
void Extractor::refuse_frame_pointer(const Stencil &stencil) {
  const tools::Disassembler *dis = x86_disassembler();
  if (dis == nullptr) return;
  static const std::regex frame_pointer("%(rbp|ebp|bp|bpl)\\b");
  for (const tools::Instruction &i : dis->disassemble(stencil.code))
    if (i.decoded && std::regex_search(i.text, frame_pointer))
      fail(what_ + ": " + stencil.name + ": offset " + hex(i.offset) + ": '" + i.text +
           "' uses the frame pointer, which stencils must leave alone (template rule 7: profilers and debuggers "
           "unwind through it); keep fewer values live across helper calls, or give the helper the whole slow case");
}

// x86-64 has conditional tail calls, but clang still emits two shapes that put a taken branch
// on a guard's hot path:
//   1. `jcc +5; jmp <hole>` (a short branch over a tail call), rewritten to
//      `j!cc <hole>; nop` (7 bytes either way, nothing moves);
//   2. a trailing `jcc continue; jmp <hole>`, rewritten to `j!cc <hole>` with the tail dropped,
//      so the stencil falls through.
// Instruction boundaries and every local branch target come from LLVM's MC disassembler; a
// rewrite happens only when nothing else branches to the jump it removes. Stencils with
// jump tables are left alone (their targets are data).
void Extractor::thread_branches_x86() {
  auto &code = stencil_->code;
  auto &holes = stencil_->holes;
  const tools::Disassembler *dis = x86_disassembler();
  if (dis == nullptr || !stencil_->data_holes.empty()) return;
  auto hole_at = [&](uint64_t at) {
    return std::find_if(holes.begin(), holes.end(), [&](const Hole &h) { return h.offset == at; });
  };
  auto has_hole = [&](uint64_t from, uint32_t size) {
    return std::any_of(holes.begin(), holes.end(), [&](const Hole &h) { return h.offset >= from && h.offset < from + size; });
  };
  std::vector<tools::Instruction> insns = dis->disassemble(code);
  std::set<int64_t> targets;
  for (const tools::Instruction &i : insns) {
    if (!i.decoded) return;
    if (i.branch_target >= 0 && !has_hole(i.offset, i.size)) targets.insert(i.branch_target);
  }
  auto by_offset = [](const Hole &a, const Hole &b) { return a.offset < b.offset; };

  for (size_t k = 0; k + 1 < insns.size(); ++k) {
    const tools::Instruction &a = insns[k], &b = insns[k + 1];
    if (a.size != 2 || (code[a.offset] & 0xf0) != 0x70 || code[a.offset + 1] != 5) continue;
    if (b.size != 5 || code[b.offset] != arch::x86::kJmpRel32 || targets.count(static_cast<int64_t>(b.offset))) continue;
    auto tail = hole_at(b.offset + 1);
    if (tail == holes.end() || !is_control_hole(*tail)) continue;
    const uint8_t cc = code[a.offset] & 0x0f;
    code[a.offset] = 0x0f;
    code[a.offset + 1] = static_cast<uint8_t>(0x80 | (cc ^ 1));
    arch::store32(code.data() + a.offset + 2, 0);
    code[a.offset + 6] = 0x90;  // nop
    tail->offset = static_cast<uint32_t>(a.offset + 2);
    tail->relocation += " (inverted)";
  }

  if (insns.size() >= 2) {
    const tools::Instruction &a = insns[insns.size() - 2], &b = insns.back();
    bool shape = a.size == 6 && code[a.offset] == 0x0f && (code[a.offset + 1] & 0xf0) == 0x80 && b.size == 5 &&
                 code[b.offset] == arch::x86::kJmpRel32 && b.offset + 5 == code.size() &&
                 !targets.count(static_cast<int64_t>(b.offset));
    auto cont = hole_at(a.offset + 2);
    auto tail = hole_at(b.offset + 1);
    if (shape && cont != holes.end() && cont->value == CPJIT_HOLE_CONTINUE && tail != holes.end() &&
        is_control_hole(*tail) && tail->value != CPJIT_HOLE_CONTINUE) {
      code[a.offset + 1] ^= 1;  // invert the condition
      Hole moved = *tail;
      moved.offset = static_cast<uint32_t>(a.offset + 2);
      moved.relocation += " (inverted)";
      holes.erase(std::max(cont, tail));
      holes.erase(std::min(cont, tail));
      holes.push_back(moved);
      code.resize(b.offset);
      stencil_->falls_through = true;
    }
  }
  std::stable_sort(holes.begin(), holes.end(), by_offset);
}

// The continuation jump at the very end of a uop is removed, so stencils fall through into
// each other (x86-64: `jmp rel32`, 5 bytes; AArch64: `b imm26`, 4 bytes).
void Extractor::strip_continuation() {
  auto &holes = stencil_->holes;
  auto &code = stencil_->code;
  for (auto it = holes.begin(); it != holes.end(); ++it) {
    if (it->value != CPJIT_HOLE_CONTINUE || it->offset + 4 != code.size()) continue;
    size_t cut = 0;
    if (it->kind == CPJIT_PATCH_X86BranchPcRel32 && it->offset >= 1 && code[it->offset - 1] == 0xe9)
      cut = 5;
    else if (it->kind == CPJIT_PATCH_A64Branch26 && arch::a64::is_b(arch::load32(code.data() + it->offset)))
      cut = 4;
    if (cut == 0) return;
    code.resize(code.size() - cut);
    holes.erase(it);
    stencil_->falls_through = true;
    return;
  }
}

// Widths the holes read, and the declared metadata checked against what the stencil does.
void Extractor::attach_meta(Stencil &stencil) {
  bool exits = false, errors = false, jumps = false, reads[CPJIT_MAX_OPERANDS] = {};
  for (const auto *holes : {&stencil.holes, &stencil.data_holes})
    for (const Hole &h : *holes) {
      exits |= h.value == CPJIT_HOLE_EXIT;
      errors |= h.value == CPJIT_HOLE_ERROR;
      jumps |= h.value == CPJIT_HOLE_JUMP;
      if (h.value == CPJIT_HOLE_OPERAND && h.index < CPJIT_MAX_OPERANDS) {
        reads[h.index] = true;
        stencil.operand_widths[h.index] = std::max<uint8_t>(stencil.operand_widths[h.index], h.width);
      }
    }
  auto it = meta_.find(stencil.name);
  if (it == meta_.end()) return;
  const cpjit_uop_meta &m = it->second;
  auto refuse_meta = [&](const std::string &why) {
    fail(what_ + ": CPJIT_UOP_INFO(" + stencil.name + "): " + why);
  };
#define CPJIT__FLAG_BIT(name, bit, doc) | CPJIT_UOP_##name
  constexpr uint32_t kKnownFlags = 0 CPJIT_UOP_FLAGS(CPJIT__FLAG_BIT);
#undef CPJIT__FLAG_BIT
  if (m.flags & ~kKnownFlags) refuse_meta("unknown flags");
  // An idempotent uop may write slots only from immediates (a constant load): written from a
  // slot, a repeat would not store the same value when both operands name one slot.
  const auto has_operand = [&](uint8_t kind) {
    return std::find(std::begin(m.operands), std::end(m.operands), kind) != std::end(m.operands);
  };
  if ((m.flags & CPJIT_UOP_IDEMPOTENT) &&
      (has_operand(CPJIT_OPERAND_SLOT_READ_WRITE) ||
       (has_operand(CPJIT_OPERAND_SLOT_WRITE) && has_operand(CPJIT_OPERAND_SLOT_READ))))
    refuse_meta("CPJIT_UOP_IDEMPOTENT declared but the uop writes a slot from a slot");
  if ((m.flags & CPJIT_UOP_CONST) &&
      (m.operands[0] != CPJIT_OPERAND_SLOT_WRITE || m.operands[1] != CPJIT_OPERAND_IMMEDIATE))
    refuse_meta("CPJIT_UOP_CONST needs operand 0 a written slot and operand 1 an immediate");
  if ((m.flags & CPJIT_UOP_MOVE) &&
      (m.operands[0] != CPJIT_OPERAND_SLOT_WRITE || m.operands[1] != CPJIT_OPERAND_SLOT_READ))
    refuse_meta("CPJIT_UOP_MOVE needs operand 0 a written slot and operand 1 a read slot");
  if (exits && !(m.flags & (CPJIT_UOP_MAY_EXIT | CPJIT_UOP_GUARD))) refuse_meta("the uop takes side exits: declare CPJIT_UOP_MAY_EXIT");
  if (errors && !(m.flags & CPJIT_UOP_MAY_ERROR)) refuse_meta("the uop takes the error exit: declare CPJIT_UOP_MAY_ERROR");
  if (jumps != ((m.flags & CPJIT_UOP_BRANCH) != 0))
    refuse_meta(jumps ? "the uop jumps: declare CPJIT_UOP_BRANCH" : "CPJIT_UOP_BRANCH declared but the uop never jumps");
  if ((m.flags & CPJIT_UOP_ENDS_TRACE) && stencil.falls_through)
    refuse_meta("CPJIT_UOP_ENDS_TRACE declared but the uop continues to the next one");
  if ((m.flags & CPJIT_UOP_GUARD) && !exits) refuse_meta("CPJIT_UOP_GUARD declared but the uop never exits");
  if ((m.flags & CPJIT_UOP_PURE) &&
      std::none_of(std::begin(m.operands), std::end(m.operands), [](uint8_t k) {
        return k == CPJIT_OPERAND_SLOT_WRITE || k == CPJIT_OPERAND_SLOT_READ_WRITE;
      }))
    refuse_meta("CPJIT_UOP_PURE declared but the uop writes no slot operand (whatever else it writes makes it not pure)");
  for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k) {
    if (m.operands[k] >= CPJIT_OPERAND_KIND_COUNT) refuse_meta("operand " + std::to_string(k) + " has an unknown kind");
    if (reads[k] && m.operands[k] == CPJIT_OPERAND_NONE)
      refuse_meta("operand " + std::to_string(k) + " is read by the template but declared CPJIT_OPERAND_NONE");
  }
  for (const cpjit_fact *facts : {m.proves, m.results})
    for (unsigned f = 0; f < CPJIT_MAX_FACTS; ++f) {
      if (facts[f].fact == 0) continue;
      if (facts[f].operand >= CPJIT_MAX_OPERANDS || m.operands[facts[f].operand] < CPJIT_OPERAND_SLOT_READ)
        refuse_meta("a fact names operand " + std::to_string(facts[f].operand) + ", which is not a slot");
    }
  for (unsigned f = 0; f < CPJIT_MAX_FACTS; ++f)
    if (m.proves[f].fact != 0 && !(m.flags & CPJIT_UOP_GUARD)) refuse_meta("only a CPJIT_UOP_GUARD proves facts");
  if (m.cache_out.cache > CPJIT_MAX_CACHES || m.cache_in.cache > CPJIT_MAX_CACHES)
    refuse_meta("caches are numbered 1 to " + std::to_string(CPJIT_MAX_CACHES));
  // A loader (its one operand a read slot, which cache_out names) fills a cache from a slot.
  const bool loader = m.operands[0] == CPJIT_OPERAND_SLOT_READ && m.cache_out.operand == 0 &&
                      std::all_of(m.operands + 1, m.operands + CPJIT_MAX_OPERANDS,
                                  [](uint8_t k) { return k == CPJIT_OPERAND_NONE; });
  if ((m.flags & CPJIT_UOP_KEEPS_ACROSS_CALLS) && (!loader || m.cache_out.cache == 0))
    refuse_meta("KEEPS_ACROSS_CALLS is said of a loader's cache: one read slot, which cache_out names");
  if (m.cache_out.cache && !loader &&
      (m.cache_out.operand >= CPJIT_MAX_OPERANDS || (m.operands[m.cache_out.operand] != CPJIT_OPERAND_SLOT_WRITE &&
                                                     m.operands[m.cache_out.operand] != CPJIT_OPERAND_SLOT_READ_WRITE)))
    refuse_meta("cache_out names operand " + std::to_string(m.cache_out.operand) +
                ", which is not a written slot (nor the read slot of a loader)");
  if (m.cache_in.cache) {
    // A read-write operand makes a carried variant: it leaves what it writes in the cache too.
    if (m.cache_in.operand >= CPJIT_MAX_OPERANDS || (m.operands[m.cache_in.operand] != CPJIT_OPERAND_SLOT_READ &&
                                                     m.operands[m.cache_in.operand] != CPJIT_OPERAND_SLOT_READ_WRITE))
      refuse_meta("cache_in names operand " + std::to_string(m.cache_in.operand) + ", which is not a read slot");
    if (variant_base(stencil.name).empty())
      refuse_meta("a uop with cache_in is a variant: name it <BASE>__<suffix>");
  }
  if (m.given.fact) {
    if (m.given.operand >= CPJIT_MAX_OPERANDS || (m.operands[m.given.operand] != CPJIT_OPERAND_SLOT_WRITE &&
                                                  m.operands[m.given.operand] != CPJIT_OPERAND_SLOT_READ_WRITE))
      refuse_meta("given names operand " + std::to_string(m.given.operand) + ", which is not a written slot");
    if (variant_base(stencil.name).empty()) refuse_meta("a uop with given is a variant: name it <BASE>__<suffix>");
  }
  stencil.meta = m;
  meta_.erase(it);
}

Stencil Extractor::extract(const ObjSymbol &function, const ObjSection &text) {
  Stencil stencil;
  std::string_view name = function.name;
  if (starts_with(name, CPJIT_UOP_PREFIX)) {
    stencil.role = CPJIT_ROLE_UOP;
    stencil.name = std::string(name.substr(std::string_view(CPJIT_UOP_PREFIX).size()));
  } else if (name == CPJIT_ENTRY_NAME) {
    stencil.role = CPJIT_ROLE_ENTRY;
    stencil.name = function.name;
  } else {
    stencil.role = CPJIT_ROLE_EXIT_STUB;
    stencil.name = function.name;
  }
  stencil.code = text.bytes;
  stencil_ = &stencil;
  text_ = &text;
  data_offsets_.clear();
  data_order_.clear();

  if (function.value != 0 || (function.size != 0 && function.size != text.size))
    fail(what_ + ": stencil " + stencil.name + ": its section " + text.name +
         " holds more than the function; compile with -ffunction-sections");

  for (const ObjRelocation &r : text.relocations) stencil.holes.push_back(make_hole(text, r, true));
  // Data sections pulled in by the code may refer to more data (tables of tables) or back to
  // the code (jump tables); data_order_ grows while we walk it.
  for (size_t i = 0; i < data_order_.size(); ++i) {
    const ObjSection &data = object_.sections[data_order_[i]];
    uint32_t base = data_offsets_[data_order_[i]];
    for (const ObjRelocation &r : data.relocations) {
      Hole hole = make_hole(data, r, false);
      hole.offset += base;
      stencil.data_holes.push_back(std::move(hole));
    }
  }
  auto by_offset = [](const Hole &a, const Hole &b) { return a.offset < b.offset; };
  std::stable_sort(stencil.holes.begin(), stencil.holes.end(), by_offset);
  std::stable_sort(stencil.data_holes.begin(), stencil.data_holes.end(), by_offset);

  for (const Hole &h : stencil.holes) {
    bool transfer = h.value == CPJIT_HOLE_CONTINUE || h.value == CPJIT_HOLE_JUMP || h.value == CPJIT_HOLE_EXIT ||
                    h.value == CPJIT_HOLE_ERROR;
    if (stencil.role == CPJIT_ROLE_ENTRY && (transfer || h.value == CPJIT_HOLE_OPERAND))
      fail(what_ + ": entry shim: offset " + hex(h.offset) + ": '" + h.symbol +
           "' is not available in the entry shim (it runs before any trace)");
    if (stencil.role == CPJIT_ROLE_EXIT_STUB && transfer)
      fail(what_ + ": exit stub: offset " + hex(h.offset) + ": '" + h.symbol +
           "' is not available in the exit stub (it ends the trace)");
  }
  if (object_.machine == Machine::AArch64) pair_got_loads();
  if (object_.machine == Machine::X86_64 && stencil.role != CPJIT_ROLE_ENTRY) refuse_frame_pointer(stencil);
  if (stencil.role == CPJIT_ROLE_UOP) {
    if (object_.machine == Machine::AArch64) thread_branches_a64();
    else thread_branches_x86();
    strip_continuation();
    attach_meta(stencil);
  }
  stencil_ = nullptr;
  text_ = nullptr;
  return stencil;
}

std::vector<Stencil> Extractor::run() {
  // Sections that cannot exist in a template at all, referenced or not.
  for (const ObjSection &s : object_.sections) {
    if (!s.is_alloc() || s.size == 0) continue;
    if (std::string why = forbidden_reason(s); !why.empty()) {
      // Name what the section holds and what it points at (a constructor's function).
      std::vector<std::string> names;
      auto add = [&](const std::string &n) {
        if (!n.empty() && n[0] != '$' && std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
      };
      for (const ObjSymbol &sym : object_.symbols)
        if (sym.section == s.index && sym.type != llvm::ELF::STT_SECTION) add(sym.name);
      for (const ObjRelocation &r : s.relocations) add(describe_target(r.symbol, r.addend));
      std::string symbols;
      for (const std::string &n : names) symbols += (symbols.empty() ? "'" : ", '") + n + "'";
      fail(what_ + ": " + why + (symbols.empty() ? "" : " (symbols: " + symbols + ")"));
    }
  }

  std::vector<Stencil> stencils;
  for (const ObjSymbol &sym : object_.symbols) {
    if (sym.type != llvm::ELF::STT_FUNC || sym.is_undefined()) continue;
    if (sym.section == UINT32_MAX) fail(what_ + ": function " + sym.name + " has no section");
    const ObjSection &text = object_.sections[sym.section];
    if (!text.is_exec()) fail(what_ + ": function " + sym.name + " is not in an executable section");
    std::string_view name = sym.name;
    bool stencil = starts_with(name, CPJIT_UOP_PREFIX) || name == CPJIT_ENTRY_NAME || name == CPJIT_EXIT_STUB_NAME;
    if (!stencil) {
      if (sym.binding == llvm::ELF::STB_LOCAL) continue;  // referenced ones are refused at the reference
      fail(what_ + ": function '" + sym.name +
           "' is neither a uop (CPJIT_UOP), the entry shim nor the exit stub; make it static inline, "
           "or move it into the interpreter and declare it with CPJIT_HELPER");
    }
    if (!is_c_identifier(name)) fail(what_ + ": function name is not a C identifier");
    if (starts_with(name, CPJIT_UOP_PREFIX) && name.size() == std::string_view(CPJIT_UOP_PREFIX).size())
      fail(what_ + ": a uop needs a name");
    Stencil s = extract(sym, text);
    s.source = what_;
    stencils.push_back(std::move(s));
  }
  if (!meta_.empty()) fail(what_ + ": CPJIT_UOP_INFO(" + meta_.begin()->first + ") names no uop of this file");
  check_variants(stencils);
  return stencils;
}

// A variant is its base uop reading one operand from a cache (cache_in), or relying on a fact
// about a slot it writes (given): everything else the optimizer relies on must be the same, or
// substituting it would change the trace's meaning. A cache variant's base may be a given
// variant (the optimizer picks the given variant first) or a cache variant reading another
// operand (BASE__1__b reads operands 1 and 2 from caches); a given variant's base is a uop.
void Extractor::check_variants(const std::vector<Stencil> &stencils) const {
  auto find = [&](const std::string &name) {
    return std::find_if(stencils.begin(), stencils.end(), [&](const Stencil &s) { return s.name == name; });
  };
  for (const Stencil &v : stencils) {
    if (!v.meta || !(v.meta->cache_in.cache || v.meta->given.fact)) continue;
    const std::string base = variant_base(v.name);
    auto b = find(base);
    auto refuse = [&](const std::string &why) { fail(what_ + ": CPJIT_UOP_INFO(" + v.name + "): " + why); };
    if (b == stencils.end() || !b->meta) refuse("a variant of " + base + ", which is not a uop with metadata of this file");
    const cpjit_uop_meta &m = *v.meta, &bm = *b->meta;
    const bool cache = m.cache_in.cache != 0;
    if (bm.given.fact && !cache) refuse("a variant of a variant");
    if (bm.cache_in.cache && !cache) refuse("a given variant of a cache variant: name it the other way round");
    // Along a chain of cache variants each reads another operand from a cache.
    for (auto c = b; c != stencils.end() && c->meta && c->meta->cache_in.cache; c = find(variant_base(c->name)))
      if (c->meta->cache_in.operand == m.cache_in.operand)
        refuse("reads operand " + std::to_string(m.cache_in.operand) + " from a cache, as its base " + c->name +
               " does already");
    if (m.flags != bm.flags || std::memcmp(m.operands, bm.operands, sizeof m.operands) != 0 ||
        std::memcmp(m.proves, bm.proves, sizeof m.proves) != 0 || std::memcmp(m.results, bm.results, sizeof m.results) != 0 ||
        std::memcmp(&m.cache_out, &bm.cache_out, sizeof m.cache_out) != 0 ||
        (cache && std::memcmp(&m.given, &bm.given, sizeof m.given) != 0))
      refuse("its metadata must be " + base + "'s but for " + (cache ? "cache_in" : "given"));
  }
}

}  // namespace

std::vector<Stencil> extract_stencils(const ObjectFile &object, const std::string &what) {
  return Extractor(object, what).run();
}

void finalize_set(StencilSet &set) {
  std::sort(set.stencils.begin(), set.stencils.end(),
            [](const Stencil &a, const Stencil &b) { return a.name < b.name; });
  for (size_t i = 1; i < set.stencils.size(); ++i)
    if (set.stencils[i].name == set.stencils[i - 1].name)
      fail("stencil " + set.stencils[i].name + " is defined twice (in " + set.stencils[i - 1].source + " and " +
           set.stencils[i].source + ")");
  std::set<std::string> names;
  for (const Stencil &s : set.stencils) {
    for (const Hole &h : s.holes)
      if (h.value == CPJIT_HOLE_SYMBOL) names.insert(h.symbol);
    for (const Hole &h : s.data_holes)
      if (h.value == CPJIT_HOLE_SYMBOL) names.insert(h.symbol);
  }
  set.symbols.assign(names.begin(), names.end());
  if (set.symbols.size() > UINT16_MAX) fail("too many external symbols in one stencil set");
  for (Stencil &s : set.stencils) {
    for (auto *holes : {&s.holes, &s.data_holes})
      for (Hole &h : *holes)
        if (h.value == CPJIT_HOLE_SYMBOL)
          h.index = static_cast<uint16_t>(std::lower_bound(set.symbols.begin(), set.symbols.end(), h.symbol) -
                                          set.symbols.begin());
  }
}

}  // namespace cpjit::gen
