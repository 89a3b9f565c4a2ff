// x86-64 backend: one function per patch kind, the trap and the veneer.
//
// Notation (as in JITLink): S is the value the hole refers to (PatchSite::value), A the
// addend, P the execution address of the fixup, V a veneer, G a data slot holding S.
#include <cassert>
#include <cstdio>
#include <string>

#include "arch/bits.h"
#include "arch/shapes.h"
#include "arch/x86_insn.h"
#include "backend.h"

namespace cpjit::jit {

namespace {

using arch::fits_signed;
using arch::store32;
using arch::store64;

struct Fixup {
  uint8_t *write;   // the field, through the write view
  uint64_t at;      // P
  int64_t addend;   // A
};

Fixup fixup_of(const PatchSite &site) {
  return {site.body + site.hole->offset, site.body_address + site.hole->offset, site.hole->addend};
}

Status out_of_range(const char *kind, uint64_t at, int64_t delta) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s at 0x%llx: displacement %lld does not fit", kind,
                static_cast<unsigned long long>(at), static_cast<long long>(delta));
  return make_error(ErrorCode::kOutOfRange, buf);
}

// Abs64: a 64-bit absolute value (data tables, movabs immediates).
//   Fixup <- S + A : 64 bits
//   Errors: none.  Covers R_X86_64_64.
Status patch_abs64(const PatchSite &site, SlotAllocator &) {
  Fixup f = fixup_of(site);
  store64(f.write, site.value + static_cast<uint64_t>(f.addend));
  return ok_status();
}

// Abs32: a 32-bit absolute value that the instruction zero-extends.
//   Fixup <- S + A : uint32
//   Errors: kOutOfRange when S + A >= 2^32.  Covers R_X86_64_32.
Status patch_abs32(const PatchSite &site, SlotAllocator &) {
  Fixup f = fixup_of(site);
  uint64_t v = site.value + static_cast<uint64_t>(f.addend);
  if (v > UINT32_MAX) return out_of_range("Abs32", f.at, static_cast<int64_t>(v));
  store32(f.write, static_cast<uint32_t>(v));
  return ok_status();
}

// Abs32S: a 32-bit absolute value that the instruction sign-extends.
//   Fixup <- S + A : int32
//   Errors: kOutOfRange outside [-2^31, 2^31).  Covers R_X86_64_32S.
Status patch_abs32s(const PatchSite &site, SlotAllocator &) {
  Fixup f = fixup_of(site);
  int64_t v = static_cast<int64_t>(site.value + static_cast<uint64_t>(f.addend));
  if (!fits_signed(v, 32)) return out_of_range("Abs32S", f.at, v);
  store32(f.write, static_cast<uint32_t>(v));
  return ok_status();
}

// PcRel32: a PC-relative data or code reference ([rip+disp32], jump-table entries).
//   Fixup <- S + A - P : int32
//   Errors: kOutOfRange beyond +-2 GiB (never within one trace).  Covers R_X86_64_PC32.
Status patch_pcrel32(const PatchSite &site, SlotAllocator &) {
  Fixup f = fixup_of(site);
  int64_t delta = static_cast<int64_t>(site.value + static_cast<uint64_t>(f.addend) - f.at);
  if (!fits_signed(delta, 32)) return out_of_range("PcRel32", f.at, delta);
  store32(f.write, static_cast<uint32_t>(delta));
  return ok_status();
}

// PcRel64: a 64-bit PC-relative value.
//   Fixup <- S + A - P : 64 bits
//   Errors: none.  Covers R_X86_64_PC64.
Status patch_pcrel64(const PatchSite &site, SlotAllocator &) {
  Fixup f = fixup_of(site);
  store64(f.write, site.value + static_cast<uint64_t>(f.addend) - f.at);
  return ok_status();
}

// X86BranchPcRel32: call/jmp/jcc rel32 to a uop, an exit stub or a helper.
//   Fixup <- S + A - P : int32, or, out of range, Fixup <- V + A - P with V: jmp *S
//   Errors: kOutOfRange when no veneer fits (the assembler reserves one per symbol).
//   Covers R_X86_64_PLT32.
Status patch_branch_pcrel32(const PatchSite &site, SlotAllocator &slots) {
  Fixup f = fixup_of(site);
  assert(arch::x86::is_branch_rel32(site.body, site.hole->offset));
  int64_t delta = static_cast<int64_t>(site.value + static_cast<uint64_t>(f.addend) - f.at);
  if (!fits_signed(delta, 32)) {
    uint64_t veneer = slots.veneer(site.value);
    if (veneer == 0) return out_of_range("X86BranchPcRel32 (no veneer left)", f.at, delta);
    delta = static_cast<int64_t>(veneer + static_cast<uint64_t>(f.addend) - f.at);
    if (!fits_signed(delta, 32)) return out_of_range("X86BranchPcRel32 via veneer", f.at, delta);
  }
  store32(f.write, static_cast<uint32_t>(delta));
  return ok_status();
}

// X86GotLoadRelaxable: an instruction that reads S from a GOT entry at [rip+disp32]. Relaxed,
// like a static linker relaxes GOTPCRELX (x86-64 psABI, "Optimize GOTPCRELX Relocations"):
//   mov r64, [rip+G]  ->  mov r64, imm32 (sign-extended)  when S fits int32
//                     ->  mov r32, imm32 (zero-extended)  when S fits uint32
//                     ->  lea r64, [rip+S]                when S is within +-2 GiB
//   call [rip+G]      ->  addr32 call S                   when S is within +-2 GiB
//   jmp [rip+G]       ->  jmp S; nop                      when S is within +-2 GiB
// otherwise the instruction keeps its form and reads a data slot G in the trace holding S:
//   Fixup <- G + A - P : int32
// The rewritten forms have the same length, so nothing moves.
//   Errors: kOutOfRange when no data slot fits.  Covers R_X86_64_GOTPCREL, GOTPCRELX,
//   REX_GOTPCRELX.
Status patch_got_load_relaxable(const PatchSite &site, SlotAllocator &slots) {
  Fixup f = fixup_of(site);
  const size_t at = site.hole->offset;
  uint8_t *code = site.body;
  assert(arch::x86::is_rip_relative_at(code, at));
  const int64_t direct = static_cast<int64_t>(site.value + static_cast<uint64_t>(f.addend) - f.at);
  if (arch::x86::is_mov_load_rip(code, at)) {
    const uint8_t rex = code[at - 3];
    const uint8_t reg = (code[at - 1] >> 3) & 7;
    const int64_t s = static_cast<int64_t>(site.value);
    if (fits_signed(s, 32) || site.value <= UINT32_MAX) {
      // REX.R names the destination in the load; in `mov r/m, imm32` it is REX.B.
      const uint8_t rex_b = (rex & 0x04) ? 0x01 : 0x00;
      code[at - 3] = fits_signed(s, 32) ? static_cast<uint8_t>(0x48 | rex_b) : static_cast<uint8_t>(0x40 | rex_b);
      code[at - 2] = 0xc7;
      code[at - 1] = static_cast<uint8_t>(0xc0 | reg);
      store32(f.write, static_cast<uint32_t>(site.value));
      return ok_status();
    }
    if (fits_signed(direct, 32)) {
      code[at - 2] = 0x8d;  // lea
      store32(f.write, static_cast<uint32_t>(direct));
      return ok_status();
    }
  } else if (arch::x86::is_call_indirect_rip(code, at) && fits_signed(direct, 32)) {
    code[at - 2] = 0x67;  // addr32 prefix: keeps the length at 6 bytes
    code[at - 1] = arch::x86::kCallRel32;
    store32(f.write, static_cast<uint32_t>(direct));
    return ok_status();
  } else if (arch::x86::is_jmp_indirect_rip(code, at)) {
    // jmp rel32 starts one byte earlier; its field ends one byte earlier too.
    const int64_t delta = direct + 1;
    if (fits_signed(delta, 32)) {
      code[at - 2] = arch::x86::kJmpRel32;
      store32(code + at - 1, static_cast<uint32_t>(delta));
      code[at + 3] = 0x90;
      return ok_status();
    }
  }
  uint64_t slot = slots.data_slot(site.value);
  if (slot == 0) return out_of_range("X86GotLoadRelaxable (no data slot left)", f.at, direct);
  int64_t delta = static_cast<int64_t>(slot + static_cast<uint64_t>(f.addend) - f.at);
  if (!fits_signed(delta, 32)) return out_of_range("X86GotLoadRelaxable via data slot", f.at, delta);
  store32(f.write, static_cast<uint32_t>(delta));
  return ok_status();
}

Status patch_unsupported(const PatchSite &site, SlotAllocator &) {
  return make_error(ErrorCode::kInvalidStencilSet,
                    "patch kind " + std::to_string(site.hole->kind) + " does not exist on x86-64");
}

Status patch(const PatchSite &site, SlotAllocator &slots) {
  switch (site.hole->kind) {
    case CPJIT_PATCH_Abs64: return patch_abs64(site, slots);
    case CPJIT_PATCH_Abs32: return patch_abs32(site, slots);
    case CPJIT_PATCH_Abs32S: return patch_abs32s(site, slots);
    case CPJIT_PATCH_PcRel32: return patch_pcrel32(site, slots);
    case CPJIT_PATCH_PcRel64: return patch_pcrel64(site, slots);
    case CPJIT_PATCH_X86BranchPcRel32: return patch_branch_pcrel32(site, slots);
    case CPJIT_PATCH_X86GotLoadRelaxable: return patch_got_load_relaxable(site, slots);
    default: return patch_unsupported(site, slots);
  }
}

bool validate(const cpjit_hole &hole, const uint8_t *body, uint32_t size, bool in_code) {
  switch (hole.kind) {
    case CPJIT_PATCH_Abs64:
    case CPJIT_PATCH_PcRel64:
      if (hole.offset > size || size - hole.offset < 8) return false;
      break;
    case CPJIT_PATCH_Abs32:
    case CPJIT_PATCH_Abs32S:
    case CPJIT_PATCH_PcRel32:
    case CPJIT_PATCH_X86BranchPcRel32:
      if (hole.offset > size || size - hole.offset < 4) return false;
      break;
    case CPJIT_PATCH_X86GotLoadRelaxable:
      // The jmp relaxation writes one byte after the field.
      if (hole.offset > size || size - hole.offset < 4) return false;
      if (arch::x86::is_jmp_indirect_rip(body, hole.offset) && size - hole.offset < 5) return false;
      break;
    default: return false;
  }
  return arch::hole_has_expected_shape(static_cast<cpjit_patch_kind>(hole.kind), body, size, hole.offset, in_code);
}

// jmp qword ptr [rip + 0]; .quad target — no register is touched.
void write_veneer(uint8_t *w, uint64_t, uint64_t target) {
  static const uint8_t jmp[] = {0xff, 0x25, 0, 0, 0, 0};
  for (size_t i = 0; i < sizeof jmp; ++i) w[i] = jmp[i];
  store64(w + 6, target);
  w[14] = 0xcc;
  w[15] = 0xcc;
}

// jmp qword ptr [rip + disp32] to the slot, within +-2 GiB — no register is touched.
bool write_link_jump(uint8_t *w, uint64_t address, uint64_t slot) {
  const int64_t disp = static_cast<int64_t>(slot - (address + 6));
  if (!fits_signed(disp, 32)) return false;
  if (w != nullptr) {
    w[0] = 0xff;
    w[1] = 0x25;
    store32(w + 2, static_cast<uint32_t>(disp));
  }
  return true;
}

// ud2: a trace that runs off its end stops with SIGILL instead of running into other code.
const uint8_t kTrap[] = {0x0f, 0x0b};

const Backend kBackend = {
    CPJIT_ARCH_X86_64, "x86-64", patch, validate, kTrap, sizeof kTrap, 16, 16, write_veneer, 1, 6, write_link_jump,
};

}  // namespace

const Backend &x86_64_backend() { return kBackend; }

}  // namespace cpjit::jit
