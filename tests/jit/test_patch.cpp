// Every patch kind on both targets: patch an instruction at a pinned fake address, decode the
// field, and check the out-of-range outcome (an error, a veneer or a data slot). Runs on any
// host: patching is byte manipulation.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "arch/bits.h"
#include "backend.h"

using namespace cpjit::jit;
using cpjit::arch::get_bits;
using cpjit::arch::load32;
using cpjit::arch::load64;

namespace {

// Hands out veneers and data slots at fixed addresses and remembers what was asked.
struct FakeSlots final : SlotAllocator {
  const Backend &backend;
  uint64_t next = 0;  // address of the next veneer/slot; 0 refuses
  std::vector<uint8_t> veneer_bytes = std::vector<uint8_t>(16);
  uint64_t veneer_target = 0, slot_value = 0;
  int veneers = 0, slots = 0;
  explicit FakeSlots(const Backend &b, uint64_t at = 0) : backend(b), next(at) {}
  uint64_t data_slot(uint64_t value) override {
    ++slots;
    slot_value = value;
    return next;
  }
  uint64_t veneer(uint64_t target) override {
    ++veneers;
    veneer_target = target;
    if (next) backend.write_veneer(veneer_bytes.data(), next, target);
    return next;
  }
};

struct Site {
  std::vector<uint8_t> body;
  cpjit_hole hole{};
  uint64_t address;
  Site(std::vector<uint8_t> bytes, uint64_t at, uint32_t offset, cpjit_patch_kind kind, int64_t addend = 0,
       int32_t pair = -1)
      : body(std::move(bytes)), address(at) {
    hole.offset = offset;
    hole.kind = static_cast<uint8_t>(kind);
    hole.value = CPJIT_HOLE_SYMBOL;
    hole.addend = addend;
    hole.pair = pair;
  }
  Status patch(const Backend &b, uint64_t value, SlotAllocator &slots) {
    REQUIRE(b.validate_hole_shape(hole, body.data(), static_cast<uint32_t>(body.size()), true));
    PatchSite s{&hole, body.data(), address, static_cast<uint32_t>(body.size()), value};
    return b.patch(s, slots);
  }
  Status patch_data(const Backend &b, uint64_t value, SlotAllocator &slots) {
    REQUIRE(b.validate_hole_shape(hole, body.data(), static_cast<uint32_t>(body.size()), false));
    PatchSite s{&hole, body.data(), address, static_cast<uint32_t>(body.size()), value};
    return b.patch(s, slots);
  }
  uint32_t word(size_t at = 0) const { return load32(body.data() + at); }
  int32_t rel32(size_t at) const { return static_cast<int32_t>(load32(body.data() + at)); }
};

std::vector<uint8_t> words(std::initializer_list<uint32_t> ws) {
  std::vector<uint8_t> out;
  for (uint32_t w : ws)
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(w >> (8 * i)));
  return out;
}

int64_t sext(uint64_t v, unsigned bits) { return static_cast<int64_t>(v << (64 - bits)) >> (64 - bits); }

constexpr uint64_t kP = 0x0000700000001000ull;  // a pinned fake address for the code

}  // namespace

// ---------------------------------------------------------------------------------- x86-64
TEST_CASE("x86-64 Abs64, Abs32, Abs32S", "[unit][patch]") {
  const Backend &b = x86_64_backend();
  FakeSlots none(b);
  Site abs64(std::vector<uint8_t>(8), kP, 0, CPJIT_PATCH_Abs64, 8);
  REQUIRE(abs64.patch_data(b, 0x123456789abcdef0ull, none).ok());
  CHECK(load64(abs64.body.data()) == 0x123456789abcdef8ull);

  Site abs32(std::vector<uint8_t>(4), kP, 0, CPJIT_PATCH_Abs32);
  REQUIRE(abs32.patch_data(b, 0xfffffff0u, none).ok());
  CHECK(abs32.word() == 0xfffffff0u);
  Status s = abs32.patch_data(b, 0x100000000ull, none);
  CHECK(s.code() == ErrorCode::kOutOfRange);

  Site abs32s(std::vector<uint8_t>(4), kP, 0, CPJIT_PATCH_Abs32S);
  REQUIRE(abs32s.patch_data(b, static_cast<uint64_t>(-5), none).ok());
  CHECK(abs32s.rel32(0) == -5);
  CHECK(abs32s.patch_data(b, 0x80000000u, none).code() == ErrorCode::kOutOfRange);
}

TEST_CASE("x86-64 PcRel32 and PcRel64", "[unit][patch]") {
  const Backend &b = x86_64_backend();
  FakeSlots none(b);
  // movsd xmm1, [rip + disp32]: f2 0f 10 0d <disp32>
  Site s({0xf2, 0x0f, 0x10, 0x0d, 0, 0, 0, 0}, kP, 4, CPJIT_PATCH_PcRel32, -4);
  REQUIRE(s.patch(b, kP + 0x400, none).ok());
  CHECK(s.rel32(4) == 0x400 - 4 - 4);  // (S + A) - P with P = kP + 4
  CHECK(s.patch(b, kP + (uint64_t{3} << 30), none).code() == ErrorCode::kOutOfRange);
  CHECK(s.patch(b, kP - (uint64_t{3} << 30), none).code() == ErrorCode::kOutOfRange);

  Site d(std::vector<uint8_t>(16), kP, 8, CPJIT_PATCH_PcRel64);
  REQUIRE(d.patch_data(b, kP - 0x1000, none).ok());
  CHECK(static_cast<int64_t>(load64(d.body.data() + 8)) == -0x1008);
}

TEST_CASE("x86-64 X86BranchPcRel32: direct, and a veneer when out of range", "[unit][patch]") {
  const Backend &b = x86_64_backend();
  for (std::vector<uint8_t> insn : {std::vector<uint8_t>{0xe8, 0, 0, 0, 0}, std::vector<uint8_t>{0xe9, 0, 0, 0, 0},
                                    std::vector<uint8_t>{0x0f, 0x84, 0, 0, 0, 0}}) {
    const uint32_t field = static_cast<uint32_t>(insn.size() - 4);
    Site s(insn, kP, field, CPJIT_PATCH_X86BranchPcRel32, -4);
    FakeSlots none(b);
    REQUIRE(s.patch(b, kP + 0x12345, none).ok());
    CHECK(s.rel32(field) == static_cast<int32_t>(0x12345 - 4 - field));  // target - end of instruction
    CHECK(none.veneers == 0);

    const uint64_t far = kP + (uint64_t{5} << 30);
    FakeSlots slots(b, kP + 0x8000);
    REQUIRE(s.patch(b, far, slots).ok());
    CHECK(slots.veneers == 1);
    CHECK(s.rel32(field) == static_cast<int32_t>(0x8000 - 4 - field));  // to the veneer
    // jmp qword ptr [rip + 0]; .quad far
    CHECK(slots.veneer_bytes[0] == 0xff);
    CHECK(slots.veneer_bytes[1] == 0x25);
    CHECK(load32(slots.veneer_bytes.data() + 2) == 0);
    CHECK(load64(slots.veneer_bytes.data() + 6) == far);

    FakeSlots refuse(b);
    CHECK(s.patch(b, far, refuse).code() == ErrorCode::kOutOfRange);
  }
}

TEST_CASE("x86-64 X86GotLoadRelaxable: mov to immediates, lea or a data slot", "[unit][patch]") {
  const Backend &b = x86_64_backend();
  FakeSlots none(b);
  SECTION("mov rax, [rip+G] with a small value becomes mov rax, imm32 (sign-extended)") {
    Site s({0x48, 0x8b, 0x05, 0, 0, 0, 0}, kP, 3, CPJIT_PATCH_X86GotLoadRelaxable, -4);
    REQUIRE(s.patch(b, static_cast<uint64_t>(-42), none).ok());
    CHECK(s.body == std::vector<uint8_t>{0x48, 0xc7, 0xc0, 0xd6, 0xff, 0xff, 0xff});
  }
  SECTION("mov r9, [rip+G] with a value in [2^31, 2^32) becomes mov r9d, imm32 (zero-extended)") {
    Site s({0x4c, 0x8b, 0x0d, 0, 0, 0, 0}, kP, 3, CPJIT_PATCH_X86GotLoadRelaxable, -4);
    REQUIRE(s.patch(b, 0x80000001u, none).ok());
    CHECK(s.body == std::vector<uint8_t>{0x41, 0xc7, 0xc1, 0x01, 0x00, 0x00, 0x80});
  }
  SECTION("a value near the code becomes lea") {
    Site s({0x48, 0x8b, 0x15, 0, 0, 0, 0}, kP, 3, CPJIT_PATCH_X86GotLoadRelaxable, -4);
    REQUIRE(s.patch(b, kP + 0x100000, none).ok());
    CHECK(s.body[1] == 0x8d);
    CHECK(s.rel32(3) == 0x100000 - 7);
  }
  SECTION("a far value reads a data slot") {
    Site s({0x48, 0x8b, 0x05, 0, 0, 0, 0}, kP, 3, CPJIT_PATCH_X86GotLoadRelaxable, -4);
    FakeSlots slots(b, kP + 0x2000);
    REQUIRE(s.patch(b, 0x123456789abcdef0ull, slots).ok());
    CHECK(slots.slots == 1);
    CHECK(slots.slot_value == 0x123456789abcdef0ull);
    CHECK(s.body[1] == 0x8b);
    CHECK(s.rel32(3) == 0x2000 - 7);
    FakeSlots refuse(b);
    CHECK(s.patch(b, 0x123456789abcdef0ull, refuse).code() == ErrorCode::kOutOfRange);
  }
  SECTION("call [rip+G] becomes addr32 call rel32; jmp [rip+G] becomes jmp rel32; nop") {
    Site call({0xff, 0x15, 0, 0, 0, 0}, kP, 2, CPJIT_PATCH_X86GotLoadRelaxable, -4);
    REQUIRE(call.patch(b, kP + 0x5000, none).ok());
    CHECK(call.body[0] == 0x67);
    CHECK(call.body[1] == 0xe8);
    CHECK(call.rel32(2) == 0x5000 - 6);
    Site jmp({0xff, 0x25, 0, 0, 0, 0, 0xcc}, kP, 2, CPJIT_PATCH_X86GotLoadRelaxable, -4);
    REQUIRE(jmp.patch(b, kP + 0x5000, none).ok());
    CHECK(jmp.body[0] == 0xe9);
    CHECK(jmp.rel32(1) == 0x5000 - 5);
    CHECK(jmp.body[5] == 0x90);
  }
}

// ---------------------------------------------------------------------------------- AArch64
TEST_CASE("AArch64 A64Branch26: direct, veneer, refusal", "[unit][patch]") {
  const Backend &b = aarch64_backend();
  for (uint32_t insn : {0x14000000u /* b */, 0x94000000u /* bl */}) {
    Site s(words({insn}), kP, 0, CPJIT_PATCH_A64Branch26);
    FakeSlots none(b);
    REQUIRE(s.patch(b, kP - 0x1000, none).ok());
    CHECK((s.word() & 0xfc000000u) == insn);
    CHECK(sext(get_bits(s.word(), 0, 26), 26) * 4 == -0x1000);

    const uint64_t far = kP + (uint64_t{256} << 20);
    FakeSlots slots(b, kP + 0x40);
    REQUIRE(s.patch(b, far, slots).ok());
    CHECK(slots.veneers == 1);
    CHECK(sext(get_bits(s.word(), 0, 26), 26) * 4 == 0x40);
    CHECK(load32(slots.veneer_bytes.data()) == 0x58000050u);      // ldr x16, #8
    CHECK(load32(slots.veneer_bytes.data() + 4) == 0xd61f0200u);  // br x16
    CHECK(load64(slots.veneer_bytes.data() + 8) == far);
    FakeSlots refuse(b);
    CHECK(s.patch(b, far, refuse).code() == ErrorCode::kOutOfRange);
  }
}

TEST_CASE("AArch64 A64CondBranch19 and A64TestBranch14", "[unit][patch]") {
  const Backend &b = aarch64_backend();
  FakeSlots none(b);
  Site cond(words({0x54000001u /* b.ne */}), kP, 0, CPJIT_PATCH_A64CondBranch19);
  REQUIRE(cond.patch(b, kP - 0x100, none).ok());
  CHECK(sext(get_bits(cond.word(), 5, 19), 19) * 4 == -0x100);
  CHECK(get_bits(cond.word(), 0, 4) == 1);  // the condition is kept
  CHECK(cond.patch(b, kP + (uint64_t{2} << 20), none).code() == ErrorCode::kOutOfRange);
  FakeSlots slots(b, kP + 0x80);  // a veneer within reach helps
  REQUIRE(cond.patch(b, kP + (uint64_t{2} << 20), slots).ok());
  CHECK(sext(get_bits(cond.word(), 5, 19), 19) * 4 == 0x80);

  Site cbz(words({0xb4000008u /* cbz x8 */}), kP, 0, CPJIT_PATCH_A64CondBranch19);
  REQUIRE(cbz.patch(b, kP + 0xffffc, none).ok());
  CHECK(sext(get_bits(cbz.word(), 5, 19), 19) * 4 == 0xffffc);
  CHECK(cbz.word() % 32 == 8);

  Site tbz(words({0x36180000u /* tbz w0, #3 */}), kP, 0, CPJIT_PATCH_A64TestBranch14);
  REQUIRE(tbz.patch(b, kP + 0x40, none).ok());
  CHECK(sext(get_bits(tbz.word(), 5, 14), 14) * 4 == 0x40);
  CHECK(get_bits(tbz.word(), 19, 5) == 3);
  CHECK(tbz.patch(b, kP + 0x8000, none).code() == ErrorCode::kOutOfRange);
}

TEST_CASE("AArch64 ADR, ADRP, page offsets, LDR literal", "[unit][patch]") {
  const Backend &b = aarch64_backend();
  FakeSlots none(b);
  Site adr(words({0x10000001u /* adr x1 */}), kP, 0, CPJIT_PATCH_A64AdrPcRel21);
  REQUIRE(adr.patch(b, kP + 0x12345, none).ok());
  CHECK(sext(get_bits(adr.word(), 5, 19) << 2 | get_bits(adr.word(), 29, 2), 21) == 0x12345);
  CHECK(adr.patch(b, kP + (uint64_t{1} << 20), none).code() == ErrorCode::kOutOfRange);

  const uint64_t p = 0x10000123;
  Site adrp(words({0x90000002u /* adrp x2 */}), p, 0, CPJIT_PATCH_A64AdrpPage21);
  REQUIRE(adrp.patch(b, 0x20345678, none).ok());
  CHECK(sext(get_bits(adrp.word(), 5, 19) << 2 | get_bits(adrp.word(), 29, 2), 21) == (0x20345000 - 0x10000000) >> 12);
  CHECK(adrp.patch(b, p + (uint64_t{5} << 30), none).code() == ErrorCode::kOutOfRange);

  Site add(words({0x91000000u /* add x0, x0, #0 */}), kP, 0, CPJIT_PATCH_A64PageOffset12);
  REQUIRE(add.patch(b, 0x20345678, none).ok());
  CHECK(get_bits(add.word(), 10, 12) == 0x678);
  Site ldr(words({0xf9400020u /* ldr x0, [x1] */}), kP, 0, CPJIT_PATCH_A64PageOffset12);
  REQUIRE(ldr.patch(b, 0x20345670, none).ok());
  CHECK(get_bits(ldr.word(), 10, 12) == 0x670 / 8);
  CHECK(ldr.patch(b, 0x20345674, none).code() == ErrorCode::kOutOfRange);  // misaligned for 8 bytes
  Site ldrb(words({0x39400000u /* ldrb w0, [x0] */}), kP, 0, CPJIT_PATCH_A64PageOffset12);
  REQUIRE(ldrb.patch(b, 0x20345671, none).ok());
  CHECK(get_bits(ldrb.word(), 10, 12) == 0x671);
  Site ldrq(words({0x3dc00000u /* ldr q0, [x0] */}), kP, 0, CPJIT_PATCH_A64PageOffset12);
  REQUIRE(ldrq.patch(b, 0x20345670, none).ok());
  CHECK(get_bits(ldrq.word(), 10, 12) == 0x670 / 16);

  Site lit(words({0x58000000u /* ldr x0, #0 */}), kP, 0, CPJIT_PATCH_A64LdrLiteral19);
  REQUIRE(lit.patch(b, kP + 0x800, none).ok());
  CHECK(sext(get_bits(lit.word(), 5, 19), 19) * 4 == 0x800);
  CHECK(lit.patch(b, kP + (uint64_t{2} << 20), none).code() == ErrorCode::kOutOfRange);
}

TEST_CASE("AArch64 A64MovWide16 picks the chunk from the instruction", "[unit][patch]") {
  const Backend &b = aarch64_backend();
  FakeSlots none(b);
  const uint64_t v = 0x1122334455667788ull;
  uint32_t forms[] = {0xd2800000u /* movz x0, #0 */, 0xf2a00000u /* movk x0, #0, lsl 16 */,
                      0xf2c00000u /* lsl 32 */, 0xf2e00000u /* lsl 48 */};
  for (unsigned hw = 0; hw < 4; ++hw) {
    Site s(words({forms[hw]}), kP, 0, CPJIT_PATCH_A64MovWide16);
    REQUIRE(s.patch(b, v, none).ok());
    CHECK(get_bits(s.word(), 5, 16) == ((v >> (16 * hw)) & 0xffff));
    CHECK(get_bits(s.word(), 21, 2) == hw);
  }
}

TEST_CASE("AArch64 GOT load pair relaxations", "[unit][patch]") {
  const Backend &b = aarch64_backend();
  // adrp x8, G; mov x3, x4 (unrelated); ldr x8, [x8, :lo12:G]
  auto pair = [](uint32_t ldr) {
    return Site(words({0x90000008u, 0xaa0403e3u, ldr}), kP, 0, CPJIT_PATCH_A64GotPage21, 0, 8);
  };
  FakeSlots none(b);
  SECTION("16-bit values: nop; movz / movn") {
    Site s = pair(0xf9400108u);
    REQUIRE(s.patch(b, 0x1234, none).ok());
    CHECK(s.word(0) == 0xd503201fu);
    CHECK(s.word(4) == 0xaa0403e3u);
    CHECK(s.word(8) == 0xd2824688u);  // movz x8, #0x1234
    Site n = pair(0xf9400109u);       // ldr x9, [x8]: the result register differs
    REQUIRE(n.patch(b, ~uint64_t{0x1234}, none).ok());
    CHECK(n.word(8) == 0x92824689u);  // movn x9, #0x1234
  }
  SECTION("32-bit values with Rt == X: movz/movn + movk") {
    Site s = pair(0xf9400108u);
    REQUIRE(s.patch(b, 0x12345678, none).ok());
    CHECK(s.word(0) == 0xd28acf08u);  // movz x8, #0x5678
    CHECK(s.word(8) == 0xf2a24688u);  // movk x8, #0x1234, lsl 16
    Site n = pair(0xf9400108u);
    REQUIRE(n.patch(b, 0xffffffff87654321ull, none).ok());
    CHECK(n.word(0) == 0x92af1348u);  // movn x8, #0x789a, lsl 16 -> 0xffffffff8765ffff
    CHECK(n.word(8) == 0xf2886428u);  // movk x8, #0x4321
  }
  SECTION("near addresses: adr, then adrp + add") {
    Site s = pair(0xf9400109u);  // Rt != X: no movz/movk pair possible
    REQUIRE(s.patch(b, kP + 0x12340, none).ok());
    CHECK(s.word(0) == 0xd503201fu);
    CHECK((s.word(8) & 0x9f00001fu) == 0x10000009u);  // adr x9
    CHECK(sext(get_bits(s.word(8), 5, 19) << 2 | get_bits(s.word(8), 29, 2), 21) == 0x12340 - 8);
    Site p = pair(0xf9400109u);
    REQUIRE(p.patch(b, kP + 0x12345678, none).ok());
    CHECK((p.word(0) & 0x9f00001fu) == 0x90000008u);  // adrp x8
    CHECK(sext(get_bits(p.word(0), 5, 19) << 2 | get_bits(p.word(0), 29, 2), 21) ==
          static_cast<int64_t>(((kP + 0x12345678) >> 12) - (kP >> 12)));
    CHECK(p.word(8) == (0x91000000u | ((kP + 0x12345678) & 0xfff) << 10 | 8u << 5 | 9u));  // add x9, x8, #lo12
  }
  SECTION("far values: a data slot") {
    Site s = pair(0xf9400109u);
    FakeSlots slots(b, kP + 0x3008);
    REQUIRE(s.patch(b, 0x123456789abcdef0ull, slots).ok());
    CHECK(slots.slots == 1);
    CHECK(sext(get_bits(s.word(0), 5, 19) << 2 | get_bits(s.word(0), 29, 2), 21) == 3);  // page of the slot
    CHECK(s.word(8) == (0xf9400000u | (0x008u / 8) << 10 | 8u << 5 | 9u));               // ldr x9, [x8, #8]
    CHECK(s.patch(b, 0x123456789abcdef0ull, none).code() == ErrorCode::kOutOfRange);
  }
}

TEST_CASE("AArch64 data holes: Abs64, PcRel32, PcRel64", "[unit][patch]") {
  const Backend &b = aarch64_backend();
  FakeSlots none(b);
  Site abs(std::vector<uint8_t>(8), kP, 0, CPJIT_PATCH_Abs64, -8);
  REQUIRE(abs.patch_data(b, 0x1000, none).ok());
  CHECK(load64(abs.body.data()) == 0xff8);
  Site rel(std::vector<uint8_t>(8), kP, 4, CPJIT_PATCH_PcRel32);
  REQUIRE(rel.patch_data(b, kP - 0x20, none).ok());
  CHECK(rel.rel32(4) == -0x24);
  CHECK(rel.patch_data(b, kP + (uint64_t{3} << 30), none).code() == ErrorCode::kOutOfRange);
  Site rel64(std::vector<uint8_t>(8), kP, 0, CPJIT_PATCH_PcRel64);
  REQUIRE(rel64.patch_data(b, kP + 0x123456789ull, none).ok());
  CHECK(load64(rel64.body.data()) == 0x123456789ull);
}

TEST_CASE("shape validation rejects holes on the wrong instruction", "[unit][patch]") {
  cpjit_hole h{};
  h.kind = CPJIT_PATCH_A64Branch26;
  auto add = words({0x91000000u});
  CHECK_FALSE(aarch64_backend().validate_hole_shape(h, add.data(), 4, true));
  h.kind = CPJIT_PATCH_A64GotPage21;
  h.pair = 4;
  auto mismatched = words({0x90000008u, 0xf9400129u});  // ldr x9, [x9]: base is not the adrp's x8
  CHECK_FALSE(aarch64_backend().validate_hole_shape(h, mismatched.data(), 8, true));
  h.kind = CPJIT_PATCH_X86BranchPcRel32;
  h.offset = 3;
  std::vector<uint8_t> mov{0x48, 0x8b, 0x05, 0, 0, 0, 0};
  CHECK_FALSE(x86_64_backend().validate_hole_shape(h, mov.data(), 7, true));
  h.offset = 5;  // runs past the end
  CHECK_FALSE(x86_64_backend().validate_hole_shape(h, mov.data(), 7, true));
}
