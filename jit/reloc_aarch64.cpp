// AArch64 backend: one function per patch kind, the trap and the veneer.
//
// Notation (as in JITLink): S is the value the hole refers to (PatchSite::value), A the
// addend, P the execution address of the patched instruction, V a veneer, G a data slot.
// Instruction fields follow the Arm ARM; relocation semantics follow "ELF for the Arm 64-bit
// Architecture" (AAELF64).
#include <cassert>
#include <cstdio>
#include <string>

#include "arch/a64_insn.h"
#include "arch/bits.h"
#include "arch/shapes.h"
#include "backend.h"

namespace cpjit::jit {

namespace {

namespace a64 = arch::a64;
using arch::fits_signed;
using arch::get_bits;
using arch::load32;
using arch::set_bits;
using arch::store32;
using arch::store64;

struct Insn {
  uint8_t *write;
  uint64_t at;  // P
  uint32_t word;
};

Insn insn_at(const PatchSite &site, uint32_t offset) {
  return {site.body + offset, site.body_address + offset, load32(site.body + offset)};
}

uint64_t target_of(const PatchSite &site) { return site.value + static_cast<uint64_t>(site.hole->addend); }

Status out_of_range(const char *kind, uint64_t at, int64_t delta) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s at 0x%llx: displacement %lld does not fit", kind,
                static_cast<unsigned long long>(at), static_cast<long long>(delta));
  return make_error(ErrorCode::kOutOfRange, buf);
}

// A PC-relative branch field of `bits` bits counting words at `lo`; a veneer when out of range.
Status patch_branch(const PatchSite &site, SlotAllocator &slots, unsigned lo, unsigned bits, const char *kind) {
  Insn i = insn_at(site, site.hole->offset);
  uint64_t target = target_of(site);
  int64_t delta = static_cast<int64_t>(target - i.at);
  if ((delta & 3) != 0) return out_of_range(kind, i.at, delta);
  if (!fits_signed(delta, bits + 2)) {
    uint64_t veneer = slots.veneer(target);
    delta = static_cast<int64_t>(veneer - i.at);
    if (veneer == 0 || !fits_signed(delta, bits + 2)) return out_of_range(kind, i.at, delta);
  }
  store32(i.write, set_bits(i.word, lo, bits, static_cast<uint64_t>(delta >> 2)));
  return ok_status();
}

// Abs64: a 64-bit absolute value in read-only data (tables of addresses).
//   Fixup <- S + A : 64 bits
//   Errors: none.  Covers R_AARCH64_ABS64.
Status patch_abs64(const PatchSite &site, SlotAllocator &) {
  store64(site.body + site.hole->offset, target_of(site));
  return ok_status();
}

// PcRel32: a 32-bit PC-relative value in data (offset tables).
//   Fixup <- S + A - P : int32
//   Errors: kOutOfRange beyond +-2 GiB.  Covers R_AARCH64_PREL32.
Status patch_pcrel32(const PatchSite &site, SlotAllocator &) {
  uint64_t at = site.body_address + site.hole->offset;
  int64_t delta = static_cast<int64_t>(target_of(site) - at);
  if (!fits_signed(delta, 32)) return out_of_range("PcRel32", at, delta);
  store32(site.body + site.hole->offset, static_cast<uint32_t>(delta));
  return ok_status();
}

// PcRel64: a 64-bit PC-relative value in data.
//   Fixup <- S + A - P : 64 bits
//   Errors: none.  Covers R_AARCH64_PREL64.
Status patch_pcrel64(const PatchSite &site, SlotAllocator &) {
  uint64_t at = site.body_address + site.hole->offset;
  store64(site.body + site.hole->offset, target_of(site) - at);
  return ok_status();
}

// A64Branch26: B or BL to a uop, an exit stub or a helper.
//   Fixup <- (S + A - P) >> 2 : int26 (+-128 MiB), else via V: ldr x16, #8; br x16; .quad S
//   Errors: kOutOfRange when no veneer is in reach.  Covers R_AARCH64_CALL26, JUMP26.
Status patch_branch26(const PatchSite &site, SlotAllocator &slots) {
  return patch_branch(site, slots, 0, 26, "A64Branch26");
}

// A64CondBranch19: B.cond, CBZ, CBNZ.
//   Fixup <- (S + A - P) >> 2 : int19 (+-1 MiB), else via a veneer within +-1 MiB
//   Errors: kOutOfRange.  Covers R_AARCH64_CONDBR19.
Status patch_cond_branch19(const PatchSite &site, SlotAllocator &slots) {
  return patch_branch(site, slots, 5, 19, "A64CondBranch19");
}

// A64TestBranch14: TBZ, TBNZ.
//   Fixup <- (S + A - P) >> 2 : int14 (+-32 KiB), else via a veneer within +-32 KiB
//   Errors: kOutOfRange.  Covers R_AARCH64_TSTBR14.
Status patch_test_branch14(const PatchSite &site, SlotAllocator &slots) {
  return patch_branch(site, slots, 5, 14, "A64TestBranch14");
}

// A64LdrLiteral19: LDR (literal).
//   Fixup <- (S + A - P) >> 2 : int19 (+-1 MiB)
//   Errors: kOutOfRange.  Covers R_AARCH64_LD_PREL_LO19.
Status patch_ldr_literal19(const PatchSite &site, SlotAllocator &) {
  Insn i = insn_at(site, site.hole->offset);
  int64_t delta = static_cast<int64_t>(target_of(site) - i.at);
  if ((delta & 3) != 0 || !fits_signed(delta, 21)) return out_of_range("A64LdrLiteral19", i.at, delta);
  store32(i.write, set_bits(i.word, 5, 19, static_cast<uint64_t>(delta >> 2)));
  return ok_status();
}

// A64AdrPcRel21: ADR.
//   Fixup <- S + A - P : int21 (+-1 MiB)
//   Errors: kOutOfRange.  Covers R_AARCH64_ADR_PREL_LO21.
Status patch_adr21(const PatchSite &site, SlotAllocator &) {
  Insn i = insn_at(site, site.hole->offset);
  int64_t delta = static_cast<int64_t>(target_of(site) - i.at);
  if (!fits_signed(delta, 21)) return out_of_range("A64AdrPcRel21", i.at, delta);
  store32(i.write, a64::with_adr_imm(i.word, delta));
  return ok_status();
}

// A64AdrpPage21: ADRP.
//   Fixup <- (Page(S + A) - Page(P)) >> 12 : int21 (+-4 GiB)
//   Errors: kOutOfRange.  Covers R_AARCH64_ADR_PREL_PG_HI21 (and _NC).
Status patch_adrp21(const PatchSite &site, SlotAllocator &) {
  Insn i = insn_at(site, site.hole->offset);
  int64_t pages = static_cast<int64_t>(a64::page_of(target_of(site)) - a64::page_of(i.at)) >> 12;
  if (!fits_signed(pages, 21)) return out_of_range("A64AdrpPage21", i.at, pages);
  store32(i.write, a64::with_adr_imm(i.word, pages));
  return ok_status();
}

// A64PageOffset12: the low 12 bits of an address in ADD (immediate) or a load/store, where
// the field counts units of the access size.
//   Fixup <- (S + A)[11:0] >> scale : uint12
//   Errors: kOutOfRange when the address is not aligned to the access size.
//   Covers R_AARCH64_ADD_ABS_LO12_NC, LDST{8,16,32,64,128}_ABS_LO12_NC.
Status patch_page_offset12(const PatchSite &site, SlotAllocator &) {
  Insn i = insn_at(site, site.hole->offset);
  uint64_t lo12 = target_of(site) & 0xfff;
  unsigned scale = a64::is_add_imm(i.word) ? 0 : a64::ldst_scale(i.word);
  if ((lo12 & ((1u << scale) - 1)) != 0) return out_of_range("A64PageOffset12 (misaligned)", i.at, static_cast<int64_t>(lo12));
  store32(i.write, set_bits(i.word, 10, 12, lo12 >> scale));
  return ok_status();
}

// A64MovWide16: MOVZ/MOVN/MOVK, the chunk selected by the instruction's hw field.
//   Fixup <- (S + A) >> (16 * hw) : uint16
//   Errors: none.  Covers R_AARCH64_MOVW_UABS_G0..G3 (and _NC).
Status patch_move_wide16(const PatchSite &site, SlotAllocator &) {
  Insn i = insn_at(site, site.hole->offset);
  unsigned hw = get_bits(i.word, 21, 2);
  store32(i.write, set_bits(i.word, 5, 16, target_of(site) >> (16 * hw)));
  return ok_status();
}

// A64GotPage21 + A64GotLoad12: `adrp X, :got:S; ldr Rt, [X, :got_lo12:S]` loads S from a GOT
// entry. The pair is patched together, here, from the ADRP's hole, into the cheapest form
// that produces S + A in Rt (the ADRP's register X is dead after the load):
//   S + A fits 16 bits (or its complement does)  ->  nop;               movz/movn Rt, #v
//   Rt == X and S + A fits 32 bits (zero or one extended)
//                                                ->  movz/movn X, #lo;  movk X, #hi, lsl 16
//   S + A within +-1 MiB of the LDR              ->  nop;               adr Rt, S + A
//   S + A within +-4 GiB                         ->  adrp X, S + A;     add Rt, X, #lo12
//   otherwise a data slot G holding S + A        ->  adrp X, G;         ldr Rt, [X, #lo12(G)]
//   Errors: kOutOfRange when no data slot is in reach.
//   Covers R_AARCH64_ADR_GOT_PAGE with R_AARCH64_LD64_GOT_LO12_NC.
Status patch_got_pair(const PatchSite &site, SlotAllocator &slots) {
  Insn adrp = insn_at(site, site.hole->offset);
  Insn ldr = insn_at(site, static_cast<uint32_t>(site.hole->pair));
  assert(a64::is_adrp(adrp.word) && a64::is_ldr_x_uimm(ldr.word) && a64::rn(ldr.word) == a64::rd(adrp.word));
  const uint32_t x = a64::rd(adrp.word), rt = a64::rd(ldr.word);
  const uint64_t v = target_of(site);
  auto write = [&](uint32_t first, uint32_t second) {
    store32(adrp.write, first);
    store32(ldr.write, second);
    return ok_status();
  };
  if (v <= 0xffff) return write(a64::kNop, a64::movz_x(rt, static_cast<uint32_t>(v), 0));
  if (~v <= 0xffff) return write(a64::kNop, a64::movn_x(rt, static_cast<uint32_t>(~v), 0));
  if (rt == x && v <= 0xffffffffu)
    return write(a64::movz_x(x, v & 0xffff, 0), a64::movk_x(x, static_cast<uint32_t>(v >> 16) & 0xffff, 1));
  if (rt == x && (v >> 32) == 0xffffffffu)
    return write(a64::movn_x(x, static_cast<uint32_t>(~v >> 16) & 0xffff, 1), a64::movk_x(x, v & 0xffff, 0));
  const int64_t near = static_cast<int64_t>(v - ldr.at);
  if (fits_signed(near, 21)) return write(a64::kNop, a64::adr_x(rt, near));
  int64_t pages = static_cast<int64_t>(a64::page_of(v) - a64::page_of(adrp.at)) >> 12;
  if (fits_signed(pages, 21))
    return write(a64::adrp_x(x, pages), a64::add_x_imm(rt, x, static_cast<uint32_t>(v & 0xfff)));
  uint64_t slot = slots.data_slot(v);
  pages = static_cast<int64_t>(a64::page_of(slot) - a64::page_of(adrp.at)) >> 12;
  if (slot == 0 || (slot & 7) != 0 || !fits_signed(pages, 21))
    return out_of_range("A64GotPage21 (no data slot in reach)", adrp.at, pages);
  return write(a64::adrp_x(x, pages), a64::ldr_x_uimm(rt, x, static_cast<uint32_t>((slot & 0xfff) >> 3)));
}

// The LDR half of a GOT pair: written together with its ADRP (patch_got_pair).
Status patch_got_load12(const PatchSite &, SlotAllocator &) { return ok_status(); }

Status patch(const PatchSite &site, SlotAllocator &slots) {
  switch (site.hole->kind) {
    case CPJIT_PATCH_Abs64: return patch_abs64(site, slots);
    case CPJIT_PATCH_PcRel32: return patch_pcrel32(site, slots);
    case CPJIT_PATCH_PcRel64: return patch_pcrel64(site, slots);
    case CPJIT_PATCH_A64Branch26: return patch_branch26(site, slots);
    case CPJIT_PATCH_A64CondBranch19: return patch_cond_branch19(site, slots);
    case CPJIT_PATCH_A64TestBranch14: return patch_test_branch14(site, slots);
    case CPJIT_PATCH_A64LdrLiteral19: return patch_ldr_literal19(site, slots);
    case CPJIT_PATCH_A64AdrPcRel21: return patch_adr21(site, slots);
    case CPJIT_PATCH_A64AdrpPage21: return patch_adrp21(site, slots);
    case CPJIT_PATCH_A64PageOffset12: return patch_page_offset12(site, slots);
    case CPJIT_PATCH_A64MovWide16: return patch_move_wide16(site, slots);
    case CPJIT_PATCH_A64GotPage21: return patch_got_pair(site, slots);
    case CPJIT_PATCH_A64GotLoad12: return patch_got_load12(site, slots);
    default:
      return make_error(ErrorCode::kInvalidStencilSet,
                        "patch kind " + std::to_string(site.hole->kind) + " does not exist on AArch64");
  }
}

bool validate(const cpjit_hole &hole, const uint8_t *body, uint32_t size, bool in_code) {
  const uint32_t width = (hole.kind == CPJIT_PATCH_Abs64 || hole.kind == CPJIT_PATCH_PcRel64) ? 8 : 4;
  if (hole.offset > size || size - hole.offset < width) return false;
  switch (hole.kind) {
    case CPJIT_PATCH_Abs64:
    case CPJIT_PATCH_PcRel32:
    case CPJIT_PATCH_PcRel64:
      break;
    case CPJIT_PATCH_A64GotPage21:
    case CPJIT_PATCH_A64GotLoad12: {
      if (!in_code || hole.pair < 0 || static_cast<uint32_t>(hole.pair) > size - 4 || (hole.pair & 3) != 0)
        return false;
      const bool page = hole.kind == CPJIT_PATCH_A64GotPage21;
      uint32_t adrp = load32(body + (page ? hole.offset : static_cast<uint32_t>(hole.pair)));
      uint32_t ldr = load32(body + (page ? static_cast<uint32_t>(hole.pair) : hole.offset));
      if (!a64::is_adrp(adrp) || !a64::is_ldr_x_uimm(ldr) || a64::rn(ldr) != a64::rd(adrp)) return false;
      break;
    }
    default:
      if (hole.kind >= CPJIT_PATCH_KIND_COUNT || hole.kind < CPJIT_PATCH_A64Branch26) return false;
      if (!in_code || (hole.offset & 3) != 0) return false;
  }
  return arch::hole_has_expected_shape(static_cast<cpjit_patch_kind>(hole.kind), body, size, hole.offset, in_code);
}

// ldr x16, #8; br x16; .quad target — x16 (IP0) is the register AAPCS64 reserves for veneers.
void write_veneer(uint8_t *w, uint64_t, uint64_t target) {
  store32(w, a64::ldr_x_literal(16, 2));
  store32(w + 4, a64::br_x(16));
  store64(w + 8, target);
}

// ldr x16, slot; br x16 — a literal load reaches +-1 MiB.
bool write_link_jump(uint8_t *w, uint64_t address, uint64_t slot) {
  const int64_t delta = static_cast<int64_t>(slot - address);
  if ((delta & 3) != 0 || !fits_signed(delta, 21)) return false;
  if (w != nullptr) {
    store32(w, a64::ldr_x_literal(16, static_cast<int32_t>(delta / 4)));
    store32(w + 4, a64::br_x(16));
  }
  return true;
}

// brk #0x3e8: running off the end of a trace stops with SIGTRAP.
const uint8_t kTrap[] = {0x00, 0x7d, 0x20, 0xd4};
static_assert(a64::brk(0x3e8) == 0xd4207d00u);

const Backend kBackend = {
    CPJIT_ARCH_AARCH64, "AArch64", patch, validate, kTrap, sizeof kTrap, 16, 8, write_veneer, 4, 8, write_link_jump,
};

}  // namespace

const Backend &aarch64_backend() { return kBackend; }

}  // namespace cpjit::jit
