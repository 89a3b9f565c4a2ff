// Which instruction shape each patch kind expects under its hole. Shared by cpjit-stencilgen
// (which refuses a stencil whose shapes are wrong) and the JIT (which validates stencil sets
// when they are registered), so both agree by construction.
#pragma once

#include <cpjit/stencil_set.h>

#include <cstddef>
#include <cstdint>

#include "a64_insn.h"
#include "bits.h"
#include "x86_insn.h"

namespace cpjit::arch {

// `in_code` is false for holes in read-only data, which are plain fields.
inline bool hole_has_expected_shape(cpjit_patch_kind kind, const uint8_t *body, size_t size, size_t offset,
                                    bool in_code) {
  if (!in_code)
    return kind == CPJIT_PATCH_Abs64 || kind == CPJIT_PATCH_Abs32 || kind == CPJIT_PATCH_Abs32S ||
           kind == CPJIT_PATCH_PcRel32 || kind == CPJIT_PATCH_PcRel64;
  const uint32_t insn = (offset + 4 <= size) ? load32(body + offset) : 0;
  switch (kind) {
    case CPJIT_PATCH_Abs64:
    case CPJIT_PATCH_Abs32:
    case CPJIT_PATCH_Abs32S:
    case CPJIT_PATCH_PcRel64:
    case CPJIT_PATCH_PcRel32:
      return true;  // immediates and displacements of many instruction forms
    case CPJIT_PATCH_X86BranchPcRel32: return x86::is_branch_rel32(body, offset);
    case CPJIT_PATCH_X86GotLoadRelaxable: return x86::is_rip_relative_at(body, offset);
    case CPJIT_PATCH_A64Branch26: return a64::is_branch26(insn);
    case CPJIT_PATCH_A64CondBranch19: return a64::is_cond_branch19(insn);
    case CPJIT_PATCH_A64TestBranch14: return a64::is_test_branch14(insn);
    case CPJIT_PATCH_A64AdrPcRel21: return a64::is_adr(insn);
    case CPJIT_PATCH_A64AdrpPage21:
    case CPJIT_PATCH_A64GotPage21: return a64::is_adrp(insn);
    case CPJIT_PATCH_A64PageOffset12: return a64::is_add_imm(insn) || a64::is_ldst_uimm(insn);
    case CPJIT_PATCH_A64GotLoad12: return a64::is_ldr_x_uimm(insn);
    case CPJIT_PATCH_A64MovWide16: return a64::is_move_wide(insn);
    case CPJIT_PATCH_A64LdrLiteral19: return a64::is_ldr_literal(insn);
    case CPJIT_PATCH_KIND_COUNT: break;
  }
  return false;
}

}  // namespace cpjit::arch
