#include "relocations.h"

#include <llvm/BinaryFormat/ELF.h>

#include "arch/shapes.h"

namespace cpjit::gen {

namespace {

struct Mapping {
  Machine machine;
  uint32_t type;
  cpjit_patch_kind kind;
  uint32_t field_bytes;
};

// Every relocation clang 19 emits for templates under cpjit's flags (x86-64: medium code model
// without PIC, whose small operands are 32-bit absolutes and wide ones 64-bit; AArch64: -fpic,
// small code model), plus the few that other flag choices produce (MOVW forms). Anything else stops
// the generator with the stencil, offset, symbol and relocation name.
constexpr Mapping kMappings[] = {
    // x86-64 (System V psABI, "Relocation Types")
    {Machine::X86_64, llvm::ELF::R_X86_64_64, CPJIT_PATCH_Abs64, 8},
    {Machine::X86_64, llvm::ELF::R_X86_64_32, CPJIT_PATCH_Abs32, 4},
    {Machine::X86_64, llvm::ELF::R_X86_64_32S, CPJIT_PATCH_Abs32S, 4},
    {Machine::X86_64, llvm::ELF::R_X86_64_PC32, CPJIT_PATCH_PcRel32, 4},
    {Machine::X86_64, llvm::ELF::R_X86_64_PC64, CPJIT_PATCH_PcRel64, 8},
    {Machine::X86_64, llvm::ELF::R_X86_64_PLT32, CPJIT_PATCH_X86BranchPcRel32, 4},
    {Machine::X86_64, llvm::ELF::R_X86_64_GOTPCREL, CPJIT_PATCH_X86GotLoadRelaxable, 4},
    {Machine::X86_64, llvm::ELF::R_X86_64_GOTPCRELX, CPJIT_PATCH_X86GotLoadRelaxable, 4},
    {Machine::X86_64, llvm::ELF::R_X86_64_REX_GOTPCRELX, CPJIT_PATCH_X86GotLoadRelaxable, 4},
    // AArch64 (ELF for the Arm 64-bit Architecture, "Relocation")
    {Machine::AArch64, llvm::ELF::R_AARCH64_ABS64, CPJIT_PATCH_Abs64, 8},
    {Machine::AArch64, llvm::ELF::R_AARCH64_PREL32, CPJIT_PATCH_PcRel32, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_PREL64, CPJIT_PATCH_PcRel64, 8},
    {Machine::AArch64, llvm::ELF::R_AARCH64_CALL26, CPJIT_PATCH_A64Branch26, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_JUMP26, CPJIT_PATCH_A64Branch26, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_CONDBR19, CPJIT_PATCH_A64CondBranch19, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_TSTBR14, CPJIT_PATCH_A64TestBranch14, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_ADR_PREL_LO21, CPJIT_PATCH_A64AdrPcRel21, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_ADR_PREL_PG_HI21, CPJIT_PATCH_A64AdrpPage21, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_ADR_PREL_PG_HI21_NC, CPJIT_PATCH_A64AdrpPage21, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_ADD_ABS_LO12_NC, CPJIT_PATCH_A64PageOffset12, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_LDST8_ABS_LO12_NC, CPJIT_PATCH_A64PageOffset12, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_LDST16_ABS_LO12_NC, CPJIT_PATCH_A64PageOffset12, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_LDST32_ABS_LO12_NC, CPJIT_PATCH_A64PageOffset12, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_LDST64_ABS_LO12_NC, CPJIT_PATCH_A64PageOffset12, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_LDST128_ABS_LO12_NC, CPJIT_PATCH_A64PageOffset12, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_ADR_GOT_PAGE, CPJIT_PATCH_A64GotPage21, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_LD64_GOT_LO12_NC, CPJIT_PATCH_A64GotLoad12, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_MOVW_UABS_G0, CPJIT_PATCH_A64MovWide16, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_MOVW_UABS_G0_NC, CPJIT_PATCH_A64MovWide16, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_MOVW_UABS_G1, CPJIT_PATCH_A64MovWide16, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_MOVW_UABS_G1_NC, CPJIT_PATCH_A64MovWide16, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_MOVW_UABS_G2, CPJIT_PATCH_A64MovWide16, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_MOVW_UABS_G2_NC, CPJIT_PATCH_A64MovWide16, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_MOVW_UABS_G3, CPJIT_PATCH_A64MovWide16, 4},
    {Machine::AArch64, llvm::ELF::R_AARCH64_LD_PREL_LO19, CPJIT_PATCH_A64LdrLiteral19, 4},
};

constexpr const char *kKindNames[] = {
#define CPJIT__KIND_NAME(name, doc) #name,
    CPJIT_PATCH_KINDS(CPJIT__KIND_NAME)
#undef CPJIT__KIND_NAME
};
static_assert(std::size(kKindNames) == CPJIT_PATCH_KIND_COUNT);

constexpr const char *kValueNames[] = {
#define CPJIT__VALUE_NAME(name, text) text,
    CPJIT_HOLE_VALUES(CPJIT__VALUE_NAME)
#undef CPJIT__VALUE_NAME
};
static_assert(std::size(kValueNames) == CPJIT_HOLE_VALUE_COUNT);

constexpr const char *kWidthNames[] = {
    "none",
#define CPJIT__WIDTH_NAME(suffix, ctype, bytes, is_signed) #suffix,
    CPJIT_OPERAND_WIDTHS(CPJIT__WIDTH_NAME)
#undef CPJIT__WIDTH_NAME
};
static_assert(std::size(kWidthNames) == CPJIT_WIDTH_COUNT);

}  // namespace

std::optional<PatchKindInfo> map_relocation(Machine machine, uint32_t type) {
  for (const Mapping &m : kMappings)
    if (m.machine == machine && m.type == type) return PatchKindInfo{m.kind, m.field_bytes};
  return std::nullopt;
}

bool has_expected_shape(cpjit_patch_kind kind, std::span<const uint8_t> body, uint64_t offset, bool in_code) {
  return arch::hole_has_expected_shape(kind, body.data(), body.size(), static_cast<size_t>(offset), in_code);
}

const char *patch_kind_name(cpjit_patch_kind kind) {
  return kind < CPJIT_PATCH_KIND_COUNT ? kKindNames[kind] : "?";
}
const char *hole_value_name(cpjit_hole_value value) {
  return value < CPJIT_HOLE_VALUE_COUNT ? kValueNames[value] : "?";
}
const char *width_name(cpjit_operand_width width) {
  return width < CPJIT_WIDTH_COUNT ? kWidthNames[width] : "?";
}

}  // namespace cpjit::gen
