// x86-64 instruction shapes that holes may sit on (Intel SDM vol. 2). A hole's offset points
// at a 32-bit field; these predicates look at the bytes before it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cpjit::arch::x86 {

constexpr uint8_t kCallRel32 = 0xe8;
constexpr uint8_t kJmpRel32 = 0xe9;

// ModRM with mod = 00 and r/m = 101: [rip + disp32].
constexpr bool is_rip_relative_modrm(uint8_t modrm) { return (modrm & 0xc7) == 0x05; }

// `call rel32` or `jmp rel32` whose displacement starts at `field`.
inline bool is_branch_rel32(const uint8_t *code, size_t field) {
  if (field >= 1 && (code[field - 1] == kCallRel32 || code[field - 1] == kJmpRel32)) return true;
  // jcc rel32: 0f 80+cc
  return field >= 2 && code[field - 2] == 0x0f && (code[field - 1] & 0xf0) == 0x80;
}

// An instruction whose memory operand is [rip + disp32] with the displacement at `field`.
inline bool is_rip_relative_at(const uint8_t *code, size_t field) {
  return field >= 2 && is_rip_relative_modrm(code[field - 1]);
}

// `mov r64, [rip + disp32]` (REX.W 8b /r) with the displacement at `field`.
inline bool is_mov_load_rip(const uint8_t *code, size_t field) {
  return field >= 3 && (code[field - 3] & 0xf8) == 0x48 && code[field - 2] == 0x8b &&
         is_rip_relative_modrm(code[field - 1]);
}
// `call [rip + disp32]` (ff /2) and `jmp [rip + disp32]` (ff /4).
inline bool is_call_indirect_rip(const uint8_t *code, size_t field) {
  return field >= 2 && code[field - 2] == 0xff && code[field - 1] == 0x15;
}
inline bool is_jmp_indirect_rip(const uint8_t *code, size_t field) {
  return field >= 2 && code[field - 2] == 0xff && code[field - 1] == 0x25;
}

}  // namespace cpjit::arch::x86
