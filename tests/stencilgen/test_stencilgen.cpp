// Unit tests of cpjit-stencilgen's pieces: the relocation table, instruction shapes, extraction
// from real objects, and the agreement of the generated header with the JSON manifest.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "arch/a64_insn.h"
#include "object_file.h"
#include "relocations.h"
#include "samples_aarch64.h"
#include "samples_x86_64.h"
#include "stencils.h"
#include "untrusted.h"

using namespace cpjit::gen;

namespace {

std::vector<uint8_t> read_bytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

StencilSet load_seed(const std::string &arch) {
  ObjectFile object = read_object(read_bytes(std::string(CPJIT_SEED_DIR) + "/" + arch + "_0.o"), "samples.c");
  StencilSet set;
  set.name = "samples";
  set.machine = object.machine;
  set.stencils = extract_stencils(object, "samples.c");
  finalize_set(set);
  return set;
}

const Stencil &find(const StencilSet &set, const std::string &name) {
  for (const Stencil &s : set.stencils)
    if (s.name == name) return s;
  FAIL("no stencil " << name);
  throw;
}

}  // namespace

TEST_CASE("relocation table maps what clang emits and nothing else", "[unit]") {
  CHECK(map_relocation(Machine::X86_64, 4 /* R_X86_64_PLT32 */)->kind == CPJIT_PATCH_X86BranchPcRel32);
  CHECK(map_relocation(Machine::X86_64, 42 /* R_X86_64_REX_GOTPCRELX */)->kind == CPJIT_PATCH_X86GotLoadRelaxable);
  CHECK(map_relocation(Machine::X86_64, 2 /* R_X86_64_PC32 */)->kind == CPJIT_PATCH_PcRel32);
  CHECK(map_relocation(Machine::AArch64, 283 /* R_AARCH64_CALL26 */)->kind == CPJIT_PATCH_A64Branch26);
  CHECK(map_relocation(Machine::AArch64, 311 /* R_AARCH64_ADR_GOT_PAGE */)->kind == CPJIT_PATCH_A64GotPage21);
  CHECK(map_relocation(Machine::AArch64, 312 /* R_AARCH64_LD64_GOT_LO12_NC */)->kind == CPJIT_PATCH_A64GotLoad12);
  CHECK_FALSE(map_relocation(Machine::X86_64, 25 /* R_X86_64_GOTOFF64 */).has_value());
  CHECK_FALSE(map_relocation(Machine::AArch64, 4 /* x86 number on the wrong machine */).has_value());
  CHECK_FALSE(map_relocation(Machine::X86_64, 283).has_value());
}

TEST_CASE("instruction shapes", "[unit]") {
  using namespace cpjit::arch::a64;
  CHECK(is_adrp(0x90000008u));         // adrp x8, 0
  CHECK_FALSE(is_adrp(0x10000008u));   // adr x8, 0
  CHECK(is_adr(0x10000008u));
  CHECK(is_ldr_x_uimm(0xf9400108u));   // ldr x8, [x8]
  CHECK(is_b(0x14000000u));
  CHECK_FALSE(is_b(0x94000000u));      // bl
  CHECK(is_bl(0x94000000u));
  CHECK(is_cond_branch19(0x54000047u)); // b.vc
  CHECK(is_cond_branch19(0xb4000228u)); // cbz x8
  CHECK(is_test_branch14(0x36000000u));
  CHECK(is_move_wide(0xd2800000u));     // movz x0, #0
  CHECK(is_move_wide(0xf2a00000u));     // movk x0, #0, lsl 16
  CHECK(ldst_scale(0xfd401e80u) == 3);  // ldr d0, [x20, #0x38]
  CHECK(ldst_scale(0xf9400108u) == 3);
  CHECK(ldst_scale(0xb9400000u) == 2);  // ldr w0, [x0]

  const uint8_t call[] = {0xe8, 0, 0, 0, 0};
  const uint8_t jcc[] = {0x0f, 0x84, 0, 0, 0, 0};
  const uint8_t movq[] = {0x48, 0x8b, 0x05, 0, 0, 0, 0};
  CHECK(has_expected_shape(CPJIT_PATCH_X86BranchPcRel32, call, 1, true));
  CHECK(has_expected_shape(CPJIT_PATCH_X86BranchPcRel32, jcc, 2, true));
  CHECK_FALSE(has_expected_shape(CPJIT_PATCH_X86BranchPcRel32, movq, 3, true));
  CHECK(has_expected_shape(CPJIT_PATCH_X86GotLoadRelaxable, movq, 3, true));
  CHECK_FALSE(has_expected_shape(CPJIT_PATCH_X86GotLoadRelaxable, call, 1, true));
  CHECK_FALSE(has_expected_shape(CPJIT_PATCH_A64Branch26, movq, 0, false));  // data holes are plain fields
}

TEST_CASE("extraction from the x86-64 sample object", "[unit]") {
  StencilSet set = load_seed("x86_64");
  REQUIRE(set.stencils.size() == 25);
  CHECK(set.symbols == std::vector<std::string>{"cpjit_sample_helper", "cpjit_sample_hypot"});

  const Stencil &add = find(set, "ADD");
  CHECK(add.falls_through);
  int exits = 0;
  for (const Hole &h : add.holes) exits += h.value == CPJIT_HOLE_EXIT && h.index == 0;
  CHECK(exits == 1);

  // x86-64 stencils are compiled without jump tables (the medium code model would address one
  // with a 32-bit absolute, out of code memory's reach): a switch is a tree of compares, and no
  // read-only data points back into code.
  const Stencil &sw = find(set, "SWITCH");
  for (const Hole &h : sw.data_holes) CHECK(h.value != CPJIT_HOLE_CODE);
  // Unsigned 8- and 16-bit operands are 32-bit absolute fields of the instructions that use
  // them (displacements or immediates); wider operands are movabs immediates, which hold any
  // 64-bit value; read-only data is reached PC-relative (constant pools, copied next to the
  // code) or with a movabs (large objects).
  int small = 0, wide = 0, data = 0;
  for (const Stencil &s : set.stencils) {
    INFO(s.name);
    for (const Hole &h : s.holes) {
      if (h.value == CPJIT_HOLE_OPERAND && (h.width == CPJIT_WIDTH_u8 || h.width == CPJIT_WIDTH_u16)) {
        CHECK((h.kind == CPJIT_PATCH_Abs32S || h.kind == CPJIT_PATCH_Abs32));
        small++;
      } else if (h.value == CPJIT_HOLE_OPERAND) {
        CHECK(h.kind == CPJIT_PATCH_Abs64);
        wide++;
      } else if (h.value == CPJIT_HOLE_DATA) {
        CHECK((h.kind == CPJIT_PATCH_Abs64 || h.kind == CPJIT_PATCH_PcRel32));
        data++;
      }
    }
  }
  CHECK(small > 0);
  CHECK(wide > 0);
  CHECK(data > 0);

  const Stencil &jump = find(set, "JUMP");
  CHECK_FALSE(jump.falls_through);  // it always jumps: nothing to strip
  REQUIRE(jump.holes.size() == 1);
  CHECK(jump.holes[0].value == CPJIT_HOLE_JUMP);

  const Stencil &entry = find(set, "cpjit_entry");
  CHECK(entry.role == CPJIT_ROLE_ENTRY);
  CHECK(entry.holes.empty());
  CHECK(find(set, "cpjit_exit_stub").role == CPJIT_ROLE_EXIT_STUB);

  for (const Stencil &s : set.stencils) {
    INFO(s.name);
    for (const Hole &h : s.holes) CHECK(h.offset + 4 <= s.code.size());
    // Guards are rewritten so that every uop that can continue falls through.
    if (s.role == CPJIT_ROLE_UOP && s.name != "JUMP" && s.name != "EXIT") CHECK(s.falls_through);
  }
}

TEST_CASE("extraction from the AArch64 sample object pairs every GOT load", "[unit]") {
  StencilSet set = load_seed("aarch64");
  REQUIRE(set.stencils.size() == 25);
  int pairs = 0;
  for (const Stencil &s : set.stencils) {
    for (const Hole &h : s.holes) {
      if (h.kind != CPJIT_PATCH_A64GotPage21 && h.kind != CPJIT_PATCH_A64GotLoad12) continue;
      REQUIRE(h.pair >= 0);
      const Hole *partner = nullptr;
      for (const Hole &p : s.holes)
        if (p.offset == static_cast<uint32_t>(h.pair)) partner = &p;
      REQUIRE(partner != nullptr);
      CHECK(partner->pair == static_cast<int32_t>(h.offset));
      CHECK(partner->value == h.value);
      CHECK(partner->index == h.index);
      pairs += h.kind == CPJIT_PATCH_A64GotPage21;
    }
    INFO(s.name);
    if (s.role == CPJIT_ROLE_UOP && s.name != "JUMP" && s.name != "EXIT") CHECK(s.falls_through);
  }
  CHECK(pairs > 20);
  const Stencil &fma = find(set, "FMA_CONST");
  CHECK(fma.data.size() == 8);  // 1.000001 from .rodata.cst8; 0.25 is an fmov immediate
}

TEST_CASE("the generated header carries exactly the manifest's content", "[unit]") {
  for (const cpjit_stencil_set *set : {&cpjit_stencils_samples_x86_64, &cpjit_stencils_samples_aarch64}) {
    std::string arch = set->arch == CPJIT_ARCH_X86_64 ? "x86_64" : "aarch64";
    std::ifstream in(std::string(CPJIT_SAMPLES_DIR) + "/samples_" + arch + ".json");
    REQUIRE(in.good());
    nlohmann::json manifest = nlohmann::json::parse(in);
    CHECK(set->abi_version == CPJIT_STENCIL_ABI_VERSION);
    CHECK(manifest["digest"] == set->digest);
    CHECK(manifest["target"] == set->target);
    REQUIRE(manifest["stencils"].size() == set->stencil_count);
    REQUIRE(manifest["symbols"].size() == set->symbol_count);
    for (uint32_t i = 0; i < set->symbol_count; ++i) CHECK(manifest["symbols"][i] == set->symbols[i]);
    for (uint32_t i = 0; i < set->stencil_count; ++i) {
      const cpjit_stencil &s = set->stencils[i];
      const auto &j = manifest["stencils"][i];
      INFO(arch << " " << s.name);
      CHECK(j["name"] == s.name);
      CHECK(j["code_size"] == s.code_size);
      std::string hex;
      for (uint32_t b = 0; b < s.code_size; ++b) {
        char buf[3];
        std::snprintf(buf, sizeof buf, "%02x", s.code[b]);
        hex += buf;
      }
      CHECK(j["code"] == hex);
      CHECK(j["data_size"] == s.data_size);
      CHECK(((s.flags & CPJIT_STENCIL_FALLS_THROUGH) != 0) == j["falls_through"].get<bool>());
      REQUIRE(j["holes"].size() == s.hole_count);
      for (uint32_t h = 0; h < s.hole_count; ++h) {
        CHECK(j["holes"][h]["offset"] == s.holes[h].offset);
        CHECK(j["holes"][h]["addend"] == s.holes[h].addend);
        CHECK(j["holes"][h].contains("pair") == (s.holes[h].pair >= 0));
      }
      REQUIRE(j["data_holes"].size() == s.data_hole_count);
      if (i > 0) CHECK(std::string(set->stencils[i - 1].name) < s.name);
    }
  }
}

TEST_CASE("untrusted input is refused with a message", "[unit]") {
  std::string error;
  std::vector<uint8_t> nothing;
  CHECK_FALSE(process_untrusted_object(nothing, error));
  CHECK(error.find("not a 64-bit little-endian ELF") != std::string::npos);
  std::vector<uint8_t> seed = read_bytes(std::string(CPJIT_SEED_DIR) + "/x86_64_0.o");
  CHECK(process_untrusted_object(seed, error));
  seed.resize(seed.size() / 2);
  CHECK_FALSE(process_untrusted_object(seed, error));
  CHECK_FALSE(error.empty());
}
