// AArch64 instruction shapes that holes may sit on (Arm ARM, A64 base instruction encodings).
// Each predicate names one instruction class; patchers check the shape before writing.
#pragma once

#include <cstdint>

#include "bits.h"

namespace cpjit::arch::a64 {

// B / BL: x00101 imm26
constexpr bool is_branch26(uint32_t insn) { return (insn & 0x7c000000u) == 0x14000000u; }
constexpr bool is_b(uint32_t insn) { return (insn & 0xfc000000u) == 0x14000000u; }
constexpr bool is_bl(uint32_t insn) { return (insn & 0xfc000000u) == 0x94000000u; }
// B.cond: 01010100 imm19 0 cond;  CBZ/CBNZ: sf 011010 op imm19 Rt
constexpr bool is_cond_branch19(uint32_t insn) {
  return (insn & 0xff000010u) == 0x54000000u || (insn & 0x7e000000u) == 0x34000000u;
}
// BR Xn / RET Xn: the indirect branches that never fall through (BLR returns)
constexpr bool is_br_or_ret(uint32_t insn) {
  return (insn & 0xfffffc1fu) == 0xd61f0000u || (insn & 0xfffffc1fu) == 0xd65f0000u;
}
// TBZ/TBNZ: b5 011011 op b40 imm14 Rt
constexpr bool is_test_branch14(uint32_t insn) { return (insn & 0x7e000000u) == 0x36000000u; }
// ADR: 0 immlo 10000 immhi Rd;  ADRP: 1 immlo 10000 immhi Rd
constexpr bool is_adr(uint32_t insn) { return (insn & 0x9f000000u) == 0x10000000u; }
constexpr bool is_adrp(uint32_t insn) { return (insn & 0x9f000000u) == 0x90000000u; }
// ADD (immediate), 32 or 64 bit: sf 0 0 100010 sh imm12 Rn Rd
constexpr bool is_add_imm(uint32_t insn) { return (insn & 0x7f800000u) == 0x11000000u; }
// LDR/STR (unsigned immediate), any size, integer or SIMD&FP: size 111 V 01 opc imm12 Rn Rt
constexpr bool is_ldst_uimm(uint32_t insn) { return (insn & 0x3b000000u) == 0x39000000u; }
// LDR Xt, [Xn, #imm] (64-bit integer load, unsigned immediate)
constexpr bool is_ldr_x_uimm(uint32_t insn) { return (insn & 0xffc00000u) == 0xf9400000u; }
// MOVN/MOVZ/MOVK: sf opc 100101 hw imm16 Rd (opc 01 is unallocated)
constexpr bool is_move_wide(uint32_t insn) {
  return (insn & 0x1f800000u) == 0x12800000u && get_bits(insn, 29, 2) != 1;
}
// LDR (literal): opc 011 V 00 imm19 Rt
constexpr bool is_ldr_literal(uint32_t insn) { return (insn & 0x3b000000u) == 0x18000000u; }

constexpr uint32_t rd(uint32_t insn) { return get_bits(insn, 0, 5); }
constexpr uint32_t rn(uint32_t insn) { return get_bits(insn, 5, 5); }

// log2 of the access size of a load/store (unsigned immediate); the imm12 field is scaled by it.
constexpr unsigned ldst_scale(uint32_t insn) {
  unsigned size = get_bits(insn, 30, 2);
  bool simd = get_bits(insn, 26, 1) != 0;
  if (simd && get_bits(insn, 23, 1) != 0 && size == 0) return 4;  // 128-bit Q register
  return size;
}

// ---- encoders for the instructions the JIT writes ------------------------------------------
constexpr uint32_t kNop = 0xd503201fu;
// MOVZ/MOVN/MOVK Xd, #imm16, LSL #(16 * hw)
constexpr uint32_t movz_x(uint32_t rd, uint32_t imm16, uint32_t hw) {
  return 0xd2800000u | (hw & 3) << 21 | (imm16 & 0xffff) << 5 | (rd & 31);
}
constexpr uint32_t movn_x(uint32_t rd, uint32_t imm16, uint32_t hw) {
  return 0x92800000u | (hw & 3) << 21 | (imm16 & 0xffff) << 5 | (rd & 31);
}
constexpr uint32_t movk_x(uint32_t rd, uint32_t imm16, uint32_t hw) {
  return 0xf2800000u | (hw & 3) << 21 | (imm16 & 0xffff) << 5 | (rd & 31);
}
// ADR Xd, #delta (+-1 MiB) and ADRP Xd, #pages (+-4 GiB): immlo in [30:29], immhi in [23:5].
constexpr uint32_t with_adr_imm(uint32_t insn, int64_t imm21) {
  const uint64_t v = static_cast<uint64_t>(imm21);
  return set_bits(set_bits(insn, 29, 2, v & 3), 5, 19, v >> 2);
}
constexpr uint32_t adr_x(uint32_t rd, int64_t delta) { return with_adr_imm(0x10000000u | (rd & 31), delta); }
constexpr uint32_t adrp_x(uint32_t rd, int64_t pages) { return with_adr_imm(0x90000000u | (rd & 31), pages); }
// ADD Xd, Xn, #imm12
constexpr uint32_t add_x_imm(uint32_t rd, uint32_t rn, uint32_t imm12) {
  return 0x91000000u | (imm12 & 0xfff) << 10 | (rn & 31) << 5 | (rd & 31);
}
// LDR Xt, [Xn, #(imm12 * 8)]
constexpr uint32_t ldr_x_uimm(uint32_t rt, uint32_t rn, uint32_t imm12_scaled) {
  return 0xf9400000u | (imm12_scaled & 0xfff) << 10 | (rn & 31) << 5 | (rt & 31);
}
// LDR Xt, #(imm19 * 4) and BR Xn: the two instructions of a veneer.
constexpr uint32_t ldr_x_literal(uint32_t rt, int32_t imm19) {
  return 0x58000000u | (static_cast<uint32_t>(imm19) & 0x7ffff) << 5 | (rt & 31);
}
constexpr uint32_t br_x(uint32_t rn) { return 0xd61f0000u | (rn & 31) << 5; }
// BRK #imm16
constexpr uint32_t brk(uint32_t imm16) { return 0xd4200000u | (imm16 & 0xffff) << 5; }

constexpr uint64_t page_of(uint64_t address) { return address & ~uint64_t{0xfff}; }

}  // namespace cpjit::arch::a64
