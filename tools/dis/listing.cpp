#include "listing.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <set>

#include "backend.h"
#include "observe/names.h"

namespace cpjit::dis {

namespace {

using jit::HoleRecord;
using jit::TraceDump;

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

std::string offset_text(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "+0x%04" PRIx64, v);
  return buf;
}

bool is_signed(cpjit_operand_width w) {
  switch (w) {
#define CPJIT__SIGNED(suffix, ctype, bytes, sign) \
  case CPJIT_WIDTH_##suffix: return sign;
    CPJIT_OPERAND_WIDTHS(CPJIT__SIGNED)
#undef CPJIT__SIGNED
    default: return false;
  }
}

// An operand as people read it: signed widths in decimal (the trace stores them
// sign-extended), small unsigned values in decimal, everything else (pointers, double bits)
// in hex.
std::string operand_text(uint64_t v, cpjit_operand_width w) {
  if (is_signed(w)) return std::to_string(static_cast<int64_t>(v));
  if (v <= 0xffff && w != CPJIT_WIDTH_u64) return std::to_string(v);
  return hex(v);
}

std::string count(uint64_t n, const std::string &noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string join(const std::vector<std::string> &parts, const char *separator) {
  std::string out;
  for (const std::string &p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

// Rows of data: 8 bytes each, from `begin` to `end` of `bytes` (offsets in `bytes`).
std::vector<Line> data_rows(const std::vector<uint8_t> &bytes, uint32_t begin, uint32_t end, uint64_t address,
                            uint32_t offset_base) {
  std::vector<Line> lines;
  for (uint32_t o = begin; o < end; o += 8) {
    const uint32_t n = std::min<uint32_t>(8, end - o);
    Line line;
    line.address = address + (o - begin);
    line.offset = offset_base + (o - begin);
    line.bytes.assign(bytes.begin() + o, bytes.begin() + o + n);
    if (n == 8) {
      uint64_t q = 0;
      for (int i = 7; i >= 0; --i) q = q << 8 | bytes[o + static_cast<uint32_t>(i)];
      line.text = ".quad " + hex(q);
    } else {
      line.text = ".byte";
      for (uint32_t i = 0; i < n; ++i) line.text += (i ? ", " : " ") + hex(bytes[o + i]);
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

// Attaches each note to the line whose bytes contain its field.
void attach_notes(std::vector<Line> &lines, std::vector<Note> notes) {
  std::stable_sort(notes.begin(), notes.end(), [](const Note &a, const Note &b) { return a.offset < b.offset; });
  size_t next = 0;
  for (Line &line : lines) {
    while (next < notes.size() && notes[next].offset < line.offset) ++next;  // before any line: dropped
    while (next < notes.size() && notes[next].offset < line.offset + line.bytes.size())
      line.notes.push_back(std::move(notes[next++]));
  }
}

std::vector<Line> code_lines(const tools::Disassembler &dis, const std::vector<uint8_t> &bytes, uint32_t begin,
                             uint32_t size, uint64_t address, uint32_t offset_base) {
  std::vector<Line> lines;
  const std::span<const uint8_t> code(bytes.data() + begin, size);
  for (const tools::Instruction &insn : dis.disassemble(code, address)) {
    Line line;
    line.address = address + insn.offset;
    line.offset = offset_base + static_cast<uint32_t>(insn.offset);
    line.bytes.assign(code.begin() + static_cast<long>(insn.offset),
                      code.begin() + static_cast<long>(insn.offset + insn.size));
    line.text = insn.text;
    if (insn.branch_target >= 0) line.branch = address + static_cast<uint64_t>(insn.branch_target);
    lines.push_back(std::move(line));
  }
  return lines;
}

// ---- trace dumps ---------------------------------------------------------------------------

class DumpDescriber {
 public:
  DumpDescriber(const std::string &trace, const TraceDump &dump, const tools::Disassembler &dis)
      : trace_(trace), d_(dump), dis_(dis) {}

  Document run() {
    Document doc;
    doc.source = "trace-dump";
    doc.name = trace_;
    doc.arch = jit::observe::arch_name(d_.arch);
    doc.target = d_.target;
    doc.stencil_set = d_.stencil_set;
    doc.address = d_.address;
    doc.size = d_.bytes.size();
    plan_blocks();
    for (size_t i = 0; i < d_.uops.size(); ++i) doc.blocks.push_back(uop_block(i));
    if (trap_end_ > trap_begin_) doc.blocks.push_back(trap_block());
    for (size_t s = 0; s < d_.stubs.size(); ++s) {
      doc.blocks.push_back(stub_block(s));
      if (d_.stubs[s].link_offset != jit::kNoExit) doc.blocks.push_back(link_block(s));
    }
    for (Block &b : data_blocks()) doc.blocks.push_back(std::move(b));
    if (d_.bytes.size() > pool_begin_) doc.blocks.push_back(pool_block());
    std::stable_sort(doc.blocks.begin(), doc.blocks.end(), [](const Block &a, const Block &b) { return a.offset < b.offset; });
    for (Block &b : doc.blocks) resolve_comments(b);

    doc.summary.push_back(doc.arch + " trace " + trace_ + " of stencil set " + d_.stencil_set + " (" + d_.target + ")");
    doc.summary.push_back("address " + hex(d_.address) + ", " + count(d_.bytes.size(), "byte") + ": " +
                          count(d_.uops.size(), "uop") + " in " + count(d_.hot_size, "hot byte") + ", " +
                          count(d_.stubs.size(), "exit stub") + ", " +
                          count(pool_begin_ - std::min(pool_begin_, code_end_), "byte") + " of data, pool " +
                          count(d_.bytes.size() - std::min<uint64_t>(d_.bytes.size(), pool_begin_), "byte") + " (" +
                          count(d_.veneers, "veneer") + ", " + count(d_.data_slots, "data slot") + ")");
    return doc;
  }

 private:
  void plan_blocks() {
    uint64_t uops_end = 0;
    for (const jit::UopRecord &u : d_.uops) uops_end = std::max<uint64_t>(uops_end, uint64_t{u.offset} + u.size);
    trap_begin_ = static_cast<uint32_t>(std::min<uint64_t>(uops_end, d_.bytes.size()));
    trap_end_ = std::max(trap_begin_, std::min<uint32_t>(d_.hot_size, static_cast<uint32_t>(d_.bytes.size())));
    uint64_t code_end = trap_end_;
    for (const jit::StubRecord &s : d_.stubs) code_end = std::max<uint64_t>(code_end, uint64_t{s.offset} + s.size);
    code_end_ = static_cast<uint32_t>(code_end);
    pool_begin_ = std::max(code_end_, d_.pool_offset);
    for (size_t s = 0; s < d_.stubs.size(); ++s) stub_by_exit_[d_.stubs[s].exit] = s;
    // Where each uop's copy of its read-only data starts: its DATA holes point there.
    for (const HoleRecord &h : d_.holes)
      if (h.value == CPJIT_HOLE_DATA && h.owner < HoleRecord::kStubOwner && h.target >= d_.address &&
          h.target - d_.address >= code_end_ && h.target - d_.address < pool_begin_)
        data_owners_.emplace(static_cast<uint32_t>(h.target - d_.address), h.owner);
  }

  std::string uop_label(size_t i) const { return "uop " + std::to_string(i) + " " + d_.uops[i].name; }

  // Where an address inside the trace is, for notes and branch comments: a label and the
  // anchor of its block.
  std::pair<std::string, std::string> locate(uint64_t address) const {
    if (address < d_.address || address - d_.address >= d_.bytes.size()) return {hex(address), ""};
    const uint64_t off = address - d_.address;
    auto with_delta = [&](std::string label, uint64_t start) {
      if (off != start) label += "+" + hex(off - start);
      return label;
    };
    for (size_t i = 0; i < d_.uops.size(); ++i) {
      const jit::UopRecord &u = d_.uops[i];
      if (off >= u.offset && off < uint64_t{u.offset} + std::max<uint32_t>(u.size, 1))
        return {with_delta(uop_label(i), u.offset), "uop" + std::to_string(i)};
    }
    if (off >= trap_begin_ && off < trap_end_) return {with_delta("trap", trap_begin_), "trap"};
    for (const jit::StubRecord &s : d_.stubs) {
      if (off >= s.offset && off < uint64_t{s.offset} + s.size)
        return {with_delta("exit stub " + std::to_string(s.exit), s.offset), jit::observe::exit_stub_name(s.exit)};
      if (s.link_offset != jit::kNoExit && off >= s.link_offset && off < uint64_t{s.link_offset} + s.link_size)
        return {with_delta("link jump of exit " + std::to_string(s.exit), s.link_offset),
                jit::observe::link_jump_name(s.exit)};
    }
    if (off >= pool_begin_) return {"pool" + offset_text(off), "pool"};
    for (auto it = data_owners_.rbegin(); it != data_owners_.rend(); ++it)
      if (off >= it->first) return {with_delta("data of " + uop_label(it->second), it->first), "data" + std::to_string(it->second)};
    return {"trace" + offset_text(off), ""};
  }

  std::string exit_text(uint32_t exit) const {
    auto it = stub_by_exit_.find(exit);
    if (it == stub_by_exit_.end()) return "trace exit " + std::to_string(exit);
    const jit::StubRecord &s = d_.stubs[it->second];
    if (s.link_offset != jit::kNoExit)
      return "trace exit " + std::to_string(exit) + " (link jump " + offset_text(s.link_offset) + ", stub " +
             offset_text(s.offset) + ")";
    return "trace exit " + std::to_string(exit) + " (stub " + offset_text(s.offset) + ")";
  }

  Note note_for(const HoleRecord &h) const {
    Note n;
    n.offset = h.offset;
    n.kind = jit::observe::patch_kind_name(h.kind);
    const bool stub = h.owner >= HoleRecord::kStubOwner;
    switch (h.value) {
      case CPJIT_HOLE_OPERAND:
        if (stub && h.index == 0) n.text = "exit record " + hex(h.target);
        else
          n.text = "operand " + std::to_string(h.index) + " (" + jit::observe::width_name(h.width) + ") = " +
                   operand_text(h.target, h.width);
        break;
      case CPJIT_HOLE_CONTINUE: {
        auto [label, anchor] = locate(h.target);
        n.text = "continue -> " + label;
        n.link = anchor;
        break;
      }
      case CPJIT_HOLE_JUMP: {
        auto [label, anchor] = locate(h.target);
        n.text = "jump -> " + label;
        n.link = anchor;
        break;
      }
      case CPJIT_HOLE_EXIT:
      case CPJIT_HOLE_ERROR: {
        const std::string what = h.value == CPJIT_HOLE_EXIT ? "exit " + std::to_string(h.index) : "error";
        if (stub) {
          auto [label, anchor] = locate(h.target);
          n.text = what + " -> " + label;
          n.link = anchor;
        } else {
          n.text = what + " -> " + exit_text(h.exit);
          n.link = jit::observe::exit_stub_name(h.exit);
        }
        break;
      }
      case CPJIT_HOLE_SYMBOL: n.text = "symbol " + h.symbol + " = " + hex(h.target); break;
      case CPJIT_HOLE_CODE:
      case CPJIT_HOLE_DATA: {
        auto [label, anchor] = locate(h.target);
        n.text = std::string(h.value == CPJIT_HOLE_CODE ? "code" : "data") + " -> " + label;
        // PC-relative fields (jump tables) store S + A - P: the addend is part of the answer.
        if (h.addend != 0) n.text += ", addend " + std::to_string(h.addend);
        n.link = anchor;
        break;
      }
      default: n.text = std::string(jit::observe::hole_value_name(h.value)) + " = " + hex(h.target); break;
    }
    return n;
  }

  std::vector<Note> notes_in(uint32_t begin, uint32_t end, bool in_data) const {
    std::vector<Note> out;
    for (const HoleRecord &h : d_.holes)
      if (h.in_data == in_data && h.offset >= begin && h.offset < end) out.push_back(note_for(h));
    return out;
  }

  Block code_block(std::string anchor, std::string kind, std::string title, uint32_t offset, uint32_t size) const {
    Block b;
    b.anchor = std::move(anchor);
    b.kind = std::move(kind);
    b.title = std::move(title);
    b.offset = offset;
    b.size = size;
    b.address = d_.address + offset;
    b.lines = code_lines(dis_, d_.bytes, offset, size, b.address, offset);
    attach_notes(b.lines, notes_in(offset, offset + size, false));
    return b;
  }

  Block uop_block(size_t i) const {
    const jit::UopRecord &u = d_.uops[i];
    Block b = code_block("uop" + std::to_string(i), "uop", "uop " + std::to_string(i) + ": " + u.name, u.offset, u.size);
    // Operands, exits and jumps the uop's holes actually read: the record keeps every slot.
    cpjit_operand_width widths[CPJIT_MAX_OPERANDS] = {};
    bool read[CPJIT_MAX_OPERANDS] = {};
    std::set<unsigned> exits;
    bool jumps = false, errors = false;
    for (const HoleRecord &h : d_.holes) {
      if (h.owner != i) continue;
      if (h.value == CPJIT_HOLE_OPERAND && h.index < CPJIT_MAX_OPERANDS) {
        // The widest read shows the value best (a u8 read of a u16 operand is a truncation).
        if (!read[h.index] || h.width > widths[h.index]) widths[h.index] = h.width;
        read[h.index] = true;
      }
      if (h.value == CPJIT_HOLE_EXIT) exits.insert(h.index);
      jumps |= h.value == CPJIT_HOLE_JUMP;
      errors |= h.value == CPJIT_HOLE_ERROR;
    }
    std::vector<std::string> operands;
    int last = -1;
    for (int k = 0; k < CPJIT_MAX_OPERANDS; ++k)
      if (read[k]) last = k;
    for (int k = 0; k <= last; ++k) operands.push_back(read[k] ? operand_text(u.operands[k], widths[k]) : "_");
    if (!operands.empty()) b.facts.emplace_back("operands", join(operands, ", "));
    if (jumps && u.jump_target >= 0 && static_cast<size_t>(u.jump_target) < d_.uops.size())
      b.facts.emplace_back("jump", "-> " + uop_label(static_cast<size_t>(u.jump_target)));
    std::vector<std::string> exit_texts;
    for (unsigned k : exits)
      if (u.exits[k] != jit::kNoExit) exit_texts.push_back(std::to_string(k) + " -> trace exit " + std::to_string(u.exits[k]));
    if (!exit_texts.empty()) b.facts.emplace_back("exits", join(exit_texts, ", "));
    if (errors && u.error_exit != jit::kNoExit) b.facts.emplace_back("error", "-> trace exit " + std::to_string(u.error_exit));
    b.facts.emplace_back("at", offset_text(u.offset) + " (" + hex(b.address) + "), " + std::to_string(u.size) + " bytes");
    return b;
  }

  Block trap_block() const {
    Block b = code_block("trap", "trap", "trap", trap_begin_, trap_end_ - trap_begin_);
    b.facts.emplace_back("at", offset_text(trap_begin_) + ", " + std::to_string(b.size) + " bytes");
    return b;
  }

  Block stub_block(size_t s) const {
    const jit::StubRecord &r = d_.stubs[s];
    Block b = code_block(jit::observe::exit_stub_name(r.exit), "exit-stub", "exit stub " + std::to_string(r.exit), r.offset, r.size);
    b.facts.emplace_back("record", hex(r.record));
    std::vector<std::string> from;
    for (const HoleRecord &h : d_.holes) {
      if (h.owner >= HoleRecord::kStubOwner || h.exit != r.exit) continue;
      if (h.value == CPJIT_HOLE_EXIT) from.push_back(uop_label(h.owner) + " (exit " + std::to_string(h.index) + ")");
      if (h.value == CPJIT_HOLE_ERROR) from.push_back(uop_label(h.owner) + " (error)");
    }
    from.erase(std::unique(from.begin(), from.end()), from.end());
    if (!from.empty()) b.facts.emplace_back("from", join(from, ", "));
    b.facts.emplace_back("at", offset_text(r.offset) + ", " + std::to_string(r.size) + " bytes");
    return b;
  }

  // The jump in front of a linkable exit's stub, through the exit's link slot: to the stub, or
  // to the side trace linked there.
  Block link_block(size_t s) const {
    const jit::StubRecord &r = d_.stubs[s];
    Block b = code_block(jit::observe::link_jump_name(r.exit), "link-jump",
                         "link jump of exit " + std::to_string(r.exit), r.link_offset, r.link_size);
    b.facts.emplace_back("slot", offset_text(r.link_slot_offset));
    b.facts.emplace_back("at", offset_text(r.link_offset) + ", " + std::to_string(r.link_size) + " bytes");
    return b;
  }

  // Data copied with the stencils, split where each uop's copy starts (its DATA holes say where).
  std::vector<Block> data_blocks() const {
    std::vector<Block> out;
    std::vector<std::pair<uint32_t, int64_t>> starts;  // offset, owner (-1: none)
    if (code_end_ < pool_begin_) starts.emplace_back(code_end_, -1);
    for (auto [offset, owner] : data_owners_) {
      if (!starts.empty() && starts.back().first == offset) starts.back().second = owner;
      else starts.emplace_back(offset, owner);
    }
    for (size_t i = 0; i < starts.size(); ++i) {
      const uint32_t begin = starts[i].first;
      const uint32_t end = i + 1 < starts.size() ? starts[i + 1].first : pool_begin_;
      if (begin >= end) continue;
      Block b;
      b.code = false;
      b.kind = "data";
      b.offset = begin;
      b.size = end - begin;
      b.address = d_.address + begin;
      if (starts[i].second >= 0) {
        const size_t owner = static_cast<size_t>(starts[i].second);
        b.anchor = "data" + std::to_string(owner);
        b.title = "data of " + uop_label(owner);
      } else {
        b.anchor = "data";
        b.title = "data";
      }
      b.lines = data_rows(d_.bytes, begin, end, b.address, begin);
      std::vector<Note> notes = notes_in(begin, end, true);
      if (starts[i].second < 0 && notes.empty() &&
          std::all_of(d_.bytes.begin() + begin, d_.bytes.begin() + end, [](uint8_t v) { return v == 0; })) {
        b.anchor = "padding";
        b.kind = "padding";
        b.title = "padding";
      }
      attach_notes(b.lines, std::move(notes));
      b.facts.emplace_back("at", offset_text(begin) + ", " + std::to_string(b.size) + " bytes");
      out.push_back(std::move(b));
    }
    return out;
  }

  // Veneers and data slots. Which is which is not recorded, so both are recognised: a veneer
  // by asking the target's backend to write one for each known target and comparing bytes
  // (the JIT stays the only place that knows the encoding), a slot by its value.
  Block pool_block() const {
    Block b;
    b.code = false;
    b.anchor = "pool";
    b.kind = "pool";
    b.title = "pool";
    b.offset = pool_begin_;
    b.size = static_cast<uint32_t>(d_.bytes.size() - pool_begin_);
    b.address = d_.address + pool_begin_;
    b.lines = data_rows(d_.bytes, pool_begin_, static_cast<uint32_t>(d_.bytes.size()), b.address, pool_begin_);
    b.facts.emplace_back("holds", count(d_.veneers, "veneer") + ", " + count(d_.data_slots, "data slot"));
    b.facts.emplace_back("at", offset_text(pool_begin_) + ", " + std::to_string(b.size) + " bytes");

    std::map<uint64_t, std::string> known;  // value -> what it is
    for (const HoleRecord &h : d_.holes) {
      if (h.value == CPJIT_HOLE_SYMBOL) known.emplace(h.target, "symbol " + h.symbol);
      else if (h.value == CPJIT_HOLE_OPERAND && h.owner < HoleRecord::kStubOwner)
        known.emplace(h.target, "operand " + std::to_string(h.index) + " of " + uop_label(h.owner));
      else if (h.value == CPJIT_HOLE_OPERAND) known.emplace(h.target, "exit record " + hex(h.target));
      else if (h.target >= d_.address && h.target - d_.address < d_.bytes.size()) known.emplace(h.target, locate(h.target).first);
    }
    std::vector<Note> notes;
    const jit::Backend *backend = jit::backend_for(d_.arch);
    std::vector<uint8_t> veneer(backend ? backend->veneer_size : 0);
    uint32_t o = pool_begin_;
    while (o < d_.bytes.size()) {
      bool matched = false;
      if (backend && (d_.address + o) % backend->veneer_alignment == 0 && o + veneer.size() <= d_.bytes.size()) {
        for (const auto &[target, what] : known) {
          backend->write_veneer(veneer.data(), d_.address + o, target);
          if (std::equal(veneer.begin(), veneer.end(), d_.bytes.begin() + o)) {
            notes.push_back(Note{o, "veneer", "", "veneer -> " + what + " (" + hex(target) + ")", ""});
            o += static_cast<uint32_t>(veneer.size());
            matched = true;
            break;
          }
        }
      }
      if (matched) continue;
      if ((d_.address + o) % 8 == 0 && o + 8 <= d_.bytes.size()) {
        uint64_t q = 0;
        for (int i = 7; i >= 0; --i) q = q << 8 | d_.bytes[o + static_cast<uint32_t>(i)];
        auto it = known.find(q);
        if (it != known.end()) notes.push_back(Note{o, "slot", "", "data slot: " + it->second, ""});
        o += 8;
      } else {
        ++o;
      }
    }
    attach_notes(b.lines, std::move(notes));
    return b;
  }

  // Branch comments: the disassembler gives an address; say which uop or stub it is. A line
  // whose note already says where it goes keeps only the note.
  void resolve_comments(Block &b) const {
    for (Line &line : b.lines) {
      if (!line.branch) continue;
      bool explained = false;
      for (const Note &n : line.notes) explained |= !n.link.empty() || n.text.rfind("symbol", 0) == 0;
      if (explained) continue;
      auto [label, anchor] = locate(*line.branch);
      line.comment = "-> " + label;
      line.link = anchor;
    }
  }

  const std::string &trace_;
  const TraceDump &d_;
  const tools::Disassembler &dis_;
  uint32_t trap_begin_ = 0, trap_end_ = 0, code_end_ = 0, pool_begin_ = 0;
  std::map<uint32_t, size_t> stub_by_exit_;  // trace exit -> index in d_.stubs
  std::map<uint32_t, uint32_t> data_owners_;  // data offset -> uop
};

// ---- stencil manifests ---------------------------------------------------------------------

std::string manifest_note_text(const ManifestHole &h, const Manifest &m) {
  std::string out;
  switch (h.value) {
    case CPJIT_HOLE_OPERAND:
      out = "operand " + std::to_string(h.index) + " (" + jit::observe::width_name(h.width) + ")";
      break;
    case CPJIT_HOLE_EXIT: out = "exit " + std::to_string(h.index); break;
    case CPJIT_HOLE_SYMBOL:
      out = "symbol " + (!h.symbol.empty() ? h.symbol : h.index < m.symbols.size() ? m.symbols[h.index] : "?");
      break;
    default: out = jit::observe::hole_value_name(h.value); break;
  }
  if (h.addend != 0) out += (h.addend > 0 ? " +" : " ") + std::to_string(h.addend);
  if (h.pair >= 0) out += " (pair " + offset_text(static_cast<uint64_t>(h.pair)) + ")";
  return out;
}

std::vector<Note> manifest_notes(const std::vector<ManifestHole> &holes, const Manifest &m) {
  std::vector<Note> out;
  for (const ManifestHole &h : holes)
    out.push_back(Note{h.offset, jit::observe::patch_kind_name(h.kind), h.relocation, manifest_note_text(h, m), ""});
  return out;
}

}  // namespace

Document describe_dump(const std::string &trace, const TraceDump &dump, const tools::Disassembler &dis) {
  return DumpDescriber(trace, dump, dis).run();
}

Document describe_manifest(const Manifest &m, const tools::Disassembler &dis) {
  Document doc;
  doc.source = "stencil-manifest";
  doc.name = m.name;
  doc.arch = jit::observe::arch_name(m.arch);
  doc.target = m.target;
  doc.stencil_set = m.name;
  doc.summary.push_back("stencil set " + m.name + " for " + m.target + ": " + std::to_string(m.stencils.size()) +
                        " stencils");
  doc.summary.push_back("symbols: " + (m.symbols.empty() ? std::string("none") : join(m.symbols, " ")));
  for (const ManifestStencil &s : m.stencils) {
    Block b;
    b.anchor = "s-" + s.name;
    b.kind = "stencil";
    b.title = "stencil " + s.name + " (" + s.role + (s.falls_through ? ", falls through" : "") + ")";
    b.size = static_cast<uint32_t>(s.code.size());
    b.lines = code_lines(dis, s.code, 0, b.size, 0, 0);
    attach_notes(b.lines, manifest_notes(s.holes, m));
    // Unpatched branches under a hole point at themselves or the next instruction: only the
    // others (in-stencil targets) get a comment.
    for (Line &line : b.lines)
      if (line.branch && line.notes.empty()) line.comment = "-> " + offset_text(*line.branch);

    cpjit_operand_width widths[CPJIT_MAX_OPERANDS] = {};
    for (const auto *holes : {&s.holes, &s.data_holes})
      for (const ManifestHole &h : *holes)
        if (h.value == CPJIT_HOLE_OPERAND && h.index < CPJIT_MAX_OPERANDS && h.width > widths[h.index])
          widths[h.index] = h.width;
    std::vector<std::string> operands;
    for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k) {
      const std::string kind = k < s.operand_kinds.size() && s.operand_kinds[k] != "-" ? s.operand_kinds[k] : "";
      if (widths[k] == CPJIT_WIDTH_none && kind.empty()) continue;
      std::string text = std::to_string(k) + ":";
      text += widths[k] == CPJIT_WIDTH_none ? "unread" : jit::observe::width_name(widths[k]);
      if (!kind.empty()) text += " " + kind;
      operands.push_back(text);
    }
    if (!operands.empty()) b.facts.emplace_back("operands", join(operands, ", "));
    if (!s.flags.empty()) b.facts.emplace_back("flags", join(s.flags, "|"));
    b.facts.emplace_back("size", std::to_string(s.code.size()) + " bytes, " + std::to_string(s.holes.size()) + " holes");
    doc.blocks.push_back(std::move(b));

    if (!s.data.empty()) {
      Block data;
      data.anchor = "s-" + s.name + "-data";
      data.kind = "stencil-data";
      data.title = "data of " + s.name;
      data.code = false;
      data.size = static_cast<uint32_t>(s.data.size());
      data.lines = data_rows(s.data, 0, data.size, 0, 0);
      attach_notes(data.lines, manifest_notes(s.data_holes, m));
      data.facts.emplace_back("size", std::to_string(s.data.size()) + " bytes, align " + std::to_string(s.data_align) +
                                          ", " + std::to_string(s.data_holes.size()) + " holes");
      doc.blocks.push_back(std::move(data));
    }
  }
  return doc;
}

Document describe(const Input &input, const tools::Disassembler &dis) {
  return input.kind == Input::Kind::kTraceDump ? describe_dump(input.trace, input.dump, dis)
                                               : describe_manifest(input.manifest, dis);
}

}  // namespace cpjit::dis
