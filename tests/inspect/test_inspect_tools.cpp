// The tools' side of inspection, with LLVM: dump files read back by cpjit-dis's reader, stencil
// manifests, the annotated listing, the reader's refusals (and robustness against mutated
// input), and the GDB JIT objects checked with LLVM's own ELF and DWARF readers.
#include <catch2/catch.hpp>

#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/DebugInfo/DWARF/DWARFDebugFrame.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/MemoryBuffer.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "input.h"
#include "listing.h"
#include "observe/dump_file.h"
#include "observe/gdb_jit.h"
#include "observe/names.h"
#include "render.h"
#include "sample_traces.h"
#include "samples_aarch64.h"
#include "samples_x86_64.h"

using namespace cpjit;
using jit::TraceDump;

namespace {

const cpjit_arch kArches[] = {CPJIT_ARCH_X86_64, CPJIT_ARCH_AARCH64};

TraceDump sample(cpjit_arch arch, const std::string &name) {
  TraceDump d;
  jit::Status s = inspect_test::make_sample_dump(arch, name, d);
  INFO(s.message());
  REQUIRE(s.ok());
  return d;
}

std::unique_ptr<tools::Disassembler> disassembler(cpjit_arch arch) {
  std::string error;
  auto d = tools::Disassembler::create(dis::disassembler_triple(arch), error);
  INFO(error);
  REQUIRE(d != nullptr);
  return d;
}

void check_same(const TraceDump &a, const TraceDump &b) {
  CHECK(a.arch == b.arch);
  CHECK(a.target == b.target);
  CHECK(a.stencil_set == b.stencil_set);
  CHECK(a.address == b.address);
  CHECK(a.bytes == b.bytes);
  CHECK(a.hot_size == b.hot_size);
  CHECK(a.pool_offset == b.pool_offset);
  CHECK(a.veneers == b.veneers);
  CHECK(a.data_slots == b.data_slots);
  REQUIRE(a.uops.size() == b.uops.size());
  for (size_t i = 0; i < a.uops.size(); ++i) {
    CHECK(a.uops[i].name == b.uops[i].name);
    CHECK(a.uops[i].offset == b.uops[i].offset);
    CHECK(a.uops[i].size == b.uops[i].size);
    CHECK(std::equal(std::begin(a.uops[i].operands), std::end(a.uops[i].operands), std::begin(b.uops[i].operands)));
    CHECK(a.uops[i].jump_target == b.uops[i].jump_target);
    CHECK(std::equal(std::begin(a.uops[i].exits), std::end(a.uops[i].exits), std::begin(b.uops[i].exits)));
    CHECK(a.uops[i].error_exit == b.uops[i].error_exit);
  }
  REQUIRE(a.stubs.size() == b.stubs.size());
  for (size_t i = 0; i < a.stubs.size(); ++i) {
    CHECK(a.stubs[i].exit == b.stubs[i].exit);
    CHECK(a.stubs[i].offset == b.stubs[i].offset);
    CHECK(a.stubs[i].size == b.stubs[i].size);
    CHECK(a.stubs[i].record == b.stubs[i].record);
  }
  REQUIRE(a.holes.size() == b.holes.size());
  for (size_t i = 0; i < a.holes.size(); ++i) {
    const jit::HoleRecord &x = a.holes[i], &y = b.holes[i];
    INFO("hole " << i);
    CHECK(x.owner == y.owner);
    CHECK(x.in_data == y.in_data);
    CHECK(x.offset == y.offset);
    CHECK(x.kind == y.kind);
    CHECK(x.value == y.value);
    CHECK(x.index == y.index);
    CHECK(x.width == y.width);
    CHECK(x.addend == y.addend);
    CHECK(x.target == y.target);
    CHECK(x.symbol == y.symbol);
    // Only exit and error holes of uops carry the trace exit in the file.
    if ((x.value == CPJIT_HOLE_EXIT || x.value == CPJIT_HOLE_ERROR) && x.owner < jit::HoleRecord::kStubOwner)
      CHECK(x.exit == y.exit);
  }
}

std::string read_file(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("dump files read back into the same TraceDump", "[dis][unit]") {
  for (cpjit_arch arch : kArches)
    for (const std::string &name : inspect_test::sample_trace_names()) {
      INFO(jit::observe::arch_name(arch) << " " << name);
      const TraceDump d = sample(arch, name);
      dis::Input input;
      std::string error;
      REQUIRE(dis::parse_input(jit::observe::dump_to_json(d, "trace9"), "dump", input, error));
      CHECK(input.kind == dis::Input::Kind::kTraceDump);
      CHECK(input.trace == "trace9");
      check_same(d, input.dump);
    }
}

TEST_CASE("the listing explains every hole and links only to blocks that exist", "[dis][unit]") {
  for (cpjit_arch arch : kArches)
    for (const std::string &name : inspect_test::sample_trace_names()) {
      INFO(jit::observe::arch_name(arch) << " " << name);
      const TraceDump d = sample(arch, name);
      const auto dis = disassembler(arch);
      const dis::Document doc = dis::describe_dump("t", d, *dis);
      std::set<std::string> anchors;
      size_t uop_blocks = 0, notes = 0, code_bytes = 0;
      for (const dis::Block &b : doc.blocks) {
        CHECK(anchors.insert(b.anchor).second);
        uop_blocks += b.kind == "uop";
        for (const dis::Line &line : b.lines) {
          if (b.code) code_bytes += line.bytes.size();
          for (const dis::Note &n : line.notes) notes += n.kind != "veneer" && n.kind != "slot";
        }
      }
      CHECK(uop_blocks == d.uops.size());
      CHECK(notes == d.holes.size());  // each hole under exactly one line
      for (const dis::Block &b : doc.blocks)
        for (const dis::Line &line : b.lines) {
          if (!line.link.empty()) CHECK(anchors.count(line.link) == 1);
          for (const dis::Note &n : line.notes)
            if (!n.link.empty()) CHECK(anchors.count(n.link) == 1);
        }
      // Every byte of the trace is listed once, in order.
      uint64_t next = 0;
      for (const dis::Block &b : doc.blocks)
        for (const dis::Line &line : b.lines) {
          CHECK(line.offset == next);
          next += line.bytes.size();
        }
      CHECK(next == d.bytes.size());
      // Renderers agree on the content.
      const std::string html = dis::render_html(doc);
      CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
      for (const std::string &a : anchors) CHECK(html.find("id=\"" + a + "\"") != std::string::npos);
      const auto json = nlohmann::json::parse(dis::render_json(doc));
      CHECK(json["blocks"].size() == doc.blocks.size());
    }
}

TEST_CASE("stencil manifests are read and listed", "[dis][unit]") {
  for (cpjit_arch arch : kArches) {
    const std::string arch_name = jit::observe::arch_name(arch);
    INFO(arch_name);
    dis::Input input;
    std::string error;
    REQUIRE(dis::read_input(std::string(CPJIT_SAMPLES_DIR) + "/samples_" + arch_name + ".json", input, error));
    REQUIRE(input.kind == dis::Input::Kind::kManifest);
    const cpjit_stencil_set &set = inspect_test::sample_set(arch);
    REQUIRE(input.manifest.stencils.size() == set.stencil_count);
    CHECK(input.manifest.arch == arch);
    for (uint32_t i = 0; i < set.stencil_count; ++i) {
      const cpjit_stencil &s = set.stencils[i];
      const dis::ManifestStencil &m = input.manifest.stencils[i];
      CHECK(m.name == s.name);
      CHECK(m.code == std::vector<uint8_t>(s.code, s.code + s.code_size));
      REQUIRE(m.holes.size() == s.hole_count);
      for (uint32_t h = 0; h < s.hole_count; ++h) {
        CHECK(m.holes[h].offset == s.holes[h].offset);
        CHECK(m.holes[h].kind == s.holes[h].kind);
        CHECK(m.holes[h].value == s.holes[h].value);
      }
    }
    const dis::Document doc = dis::describe(input, *disassembler(arch));
    size_t notes = 0, holes = 0;
    for (const dis::Block &b : doc.blocks)
      for (const dis::Line &line : b.lines) notes += line.notes.size();
    for (uint32_t i = 0; i < set.stencil_count; ++i) holes += set.stencils[i].hole_count + set.stencils[i].data_hole_count;
    CHECK(notes == holes);
  }
}

TEST_CASE("the reader refuses bad input with a message naming the field", "[dis][unit]") {
  const std::string good = jit::observe::dump_to_json(sample(CPJIT_ARCH_X86_64, "calls"), "t");
  const nlohmann::json base = nlohmann::json::parse(good);
  struct Case {
    const char *what;
    std::function<void(nlohmann::json &)> change;
    const char *message;
  };
  const std::vector<Case> cases = {
      {"format", [](auto &j) { j["format"] = "something"; }, "format: \"something\" is neither"},
      {"version", [](auto &j) { j["version"] = 2; }, "dump format version 2"},
      {"arch", [](auto &j) { j["arch"] = "riscv64"; }, "unknown architecture \"riscv64\""},
      {"size", [](auto &j) { j["size"] = 3; }, "size: 3 but \"code\" has"},
      {"code", [](auto &j) { j["code"] = "4x"; }, "'x' is not a hex digit"},
      {"address", [](auto &j) { j["address"] = 12; }, "address: expected a string"},
      {"uop offset", [](auto &j) { j["uops"][2]["offset"] = 100000; }, "uops[2]: bytes 100000+"},
      {"uop order", [](auto &j) { j["uops"][1]["index"] = 5; }, "uops[1].index: uops are not in order"},
      {"jump", [](auto &j) { j["uops"][0]["jump_target"] = 99; }, "uops[0].jump_target: uop 99 is not in the trace"},
      {"hole kind", [](auto &j) { j["holes"][0]["kind"] = "Rel99"; }, "holes[0].kind: unknown patch kind \"Rel99\""},
      {"hole owner", [](auto &j) { j["holes"][0]["owner_index"] = 77; }, "holes[0].owner_index: no uop 77"},
      {"hole operand", [](auto &j) { j["holes"][0]["index"] = 9; }, "holes[0].index: operand 9 does not exist"},
      {"missing", [](auto &j) { j.erase("holes"); }, "missing \"holes\""},
      {"negative", [](auto &j) { j["stubs"][0]["size"] = -1; }, "stubs[0].size: expected a non-negative integer"},
  };
  for (const Case &c : cases) {
    INFO(c.what);
    nlohmann::json j = base;
    c.change(j);
    dis::Input input;
    std::string error;
    CHECK(!dis::parse_input(j.dump(), "x.json", input, error));
    CHECK(error.find(std::string("x.json: ")) == 0);
    CHECK(error.find(c.message) != std::string::npos);
  }
  dis::Input input;
  std::string error;
  CHECK(!dis::parse_input("{\"format\": ", "x.json", input, error));
  CHECK(error.find("x.json: not JSON") == 0);
  CHECK(!dis::read_input("/nonexistent/trace.json", input, error));
  CHECK(error.find("/nonexistent/trace.json: cannot open") == 0);
}

TEST_CASE("mutated dumps and manifests never crash the reader or the listing", "[dis][unit]") {
  // Valid inputs with one random change each: whatever the reader accepts must list and
  // render; whatever it refuses must come with a message.
  std::vector<std::string> seeds = {jit::observe::dump_to_json(sample(CPJIT_ARCH_X86_64, "tables"), "a"),
                                    jit::observe::dump_to_json(sample(CPJIT_ARCH_AARCH64, "far"), "b"),
                                    read_file(std::string(CPJIT_SAMPLES_DIR) + "/samples_aarch64.json")};
  std::mt19937_64 rng(12345);
  const auto dis_x86 = disassembler(CPJIT_ARCH_X86_64), dis_a64 = disassembler(CPJIT_ARCH_AARCH64);
  size_t accepted = 0, refused = 0;
  for (int round = 0; round < 1500; ++round) {
    nlohmann::json j = nlohmann::json::parse(seeds[static_cast<size_t>(round) % seeds.size()]);
    // Walk to a random node and change it.
    nlohmann::json *node = &j;
    for (int depth = 0; depth < 4 && (node->is_object() || node->is_array()) && !node->empty(); ++depth) {
      const size_t pick = rng() % node->size();
      auto it = node->begin();
      std::advance(it, static_cast<long>(pick));
      node = &*it;
      if (rng() % 3 == 0) break;
    }
    switch (rng() % 7) {
      case 0: *node = nullptr; break;
      case 1: *node = static_cast<int64_t>(rng() % 4096) - 8; break;
      case 2: *node = static_cast<uint64_t>(rng()); break;
      case 3: *node = "0x" + std::to_string(rng()); break;
      case 4: *node = nlohmann::json::array(); break;
      case 5: *node = "ff00"; break;
      case 6: *node = nlohmann::json::object(); break;
    }
    std::string text = j.dump();
    if (round % 10 == 0) text.resize(rng() % text.size());  // truncated files too
    dis::Input input;
    std::string error;
    if (!dis::parse_input(text, "m.json", input, error)) {
      CHECK(!error.empty());
      ++refused;
      continue;
    }
    ++accepted;
    const cpjit_arch arch = input.kind == dis::Input::Kind::kTraceDump ? input.dump.arch : input.manifest.arch;
    const dis::Document doc = dis::describe(input, arch == CPJIT_ARCH_AARCH64 ? *dis_a64 : *dis_x86);
    CHECK(!dis::render_text(doc).empty());
    CHECK(!dis::render_html(doc).empty());
    CHECK(!dis::render_json(doc).empty());
  }
  INFO(accepted << " accepted, " << refused << " refused");
  CHECK(accepted > 0);
  CHECK(refused > 0);
}

TEST_CASE("GDB JIT objects read back with LLVM's ELF and DWARF readers", "[gdb][unit]") {
  for (cpjit_arch arch : kArches) {
    INFO(jit::observe::arch_name(arch));
    const TraceDump d = sample(arch, "calls");
    const std::vector<uint8_t> object = jit::observe::build_gdb_object(d, "trace12");
    llvm::StringRef bytes(reinterpret_cast<const char *>(object.data()), object.size());
    auto buffer = llvm::MemoryBuffer::getMemBuffer(bytes, "trace12", false);
    auto file = llvm::object::ObjectFile::createObjectFile(buffer->getMemBufferRef());
    if (!file) FAIL(llvm::toString(file.takeError()));
    llvm::object::ObjectFile &obj = **file;
    CHECK(obj.isRelocatableObject());
    CHECK(obj.getArch() == (arch == CPJIT_ARCH_X86_64 ? llvm::Triple::x86_64 : llvm::Triple::aarch64));

    bool text_found = false;
    for (const llvm::object::SectionRef &section : obj.sections()) {
      auto name = section.getName();
      REQUIRE(static_cast<bool>(name));
      if (*name != ".text") continue;
      text_found = true;
      CHECK(section.getAddress() == d.address);
      CHECK(section.isText());
      auto contents = section.getContents();
      REQUIRE(static_cast<bool>(contents));
      CHECK(std::vector<uint8_t>(contents->bytes_begin(), contents->bytes_end()) == d.bytes);
    }
    CHECK(text_found);

    // Symbols: name, address (LLVM adds the section's sh_addr in relocatable objects, as GDB
    // does), size, as code_ranges() names them.
    const std::vector<jit::observe::CodeRange> ranges = jit::observe::code_ranges(d, "trace12");
    size_t matched = 0;
    for (const llvm::object::SymbolRef &sym : obj.symbols()) {
      auto name = sym.getName();
      auto address = sym.getAddress();
      REQUIRE(static_cast<bool>(name));
      REQUIRE(static_cast<bool>(address));
      const llvm::object::ELFSymbolRef elf_sym(sym);
      for (const auto &r : ranges)
        if (r.name == *name && *address == d.address + r.offset && elf_sym.getSize() == r.size) ++matched;
    }
    CHECK(matched == ranges.size());
    CHECK(std::any_of(ranges.begin(), ranges.end(), [](const auto &r) { return r.name == "trace12:CALL_HELPER"; }));

    // .eh_frame: one CIE, one FDE over the trace, and the steady-state rule at its first row.
    auto dwarf = llvm::DWARFContext::create(obj);
    auto frames = dwarf->getEHFrame();
    if (!frames) FAIL(llvm::toString(frames.takeError()));
    // LLVM lists the terminator as an empty CIE; count what has content.
    const llvm::dwarf::FDE *fde = nullptr;
    size_t cies = 0, fdes = 0;
    for (const llvm::dwarf::FrameEntry &entry : (*frames)->entries()) {
      if (entry.getLength() == 0) continue;
      if (const auto *f = llvm::dyn_cast<llvm::dwarf::FDE>(&entry)) {
        fde = f;
        ++fdes;
      } else {
        ++cies;
      }
    }
    CHECK(cies == 1);
    CHECK(fdes == 1);
    REQUIRE(fde != nullptr);
    CHECK(fde->getInitialLocation() == d.address);
    CHECK(fde->getAddressRange() == d.bytes.size());
    auto table = llvm::dwarf::UnwindTable::create(fde);
    if (!table) FAIL(llvm::toString(table.takeError()));
    REQUIRE(table->size() >= 1);
    const llvm::dwarf::UnwindRow &row = (*table)[0];
    const uint32_t fp = arch == CPJIT_ARCH_X86_64 ? 6 : 29, ra = arch == CPJIT_ARCH_X86_64 ? 16 : 30;
    CHECK(row.getCFAValue().getLocation() == llvm::dwarf::UnwindLocation::RegPlusOffset);
    CHECK(row.getCFAValue().getRegister() == fp);
    CHECK(row.getCFAValue().getOffset() == 16);
    auto ra_rule = row.getRegisterLocations().getRegisterLocation(ra);
    auto fp_rule = row.getRegisterLocations().getRegisterLocation(fp);
    REQUIRE(ra_rule.has_value());
    REQUIRE(fp_rule.has_value());
    CHECK(ra_rule->getLocation() == llvm::dwarf::UnwindLocation::CFAPlusOffset);
    CHECK(ra_rule->getOffset() == -8);
    CHECK(fp_rule->getLocation() == llvm::dwarf::UnwindLocation::CFAPlusOffset);
    CHECK(fp_rule->getOffset() == -16);
  }
}
