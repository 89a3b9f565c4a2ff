// Native relocation -> semantic patch kind. relocations.cpp holds the only table in the project
// that names R_X86_64_* and R_AARCH64_* relocations; everything downstream sees cpjit_patch_kind.
#pragma once

#include <cpjit/stencil_set.h>

#include <cstdint>
#include <optional>
#include <span>

#include "object_file.h"

namespace cpjit::gen {

struct PatchKindInfo {
  cpjit_patch_kind kind;
  uint32_t field_bytes;  // bytes the fixup touches at its offset (for bounds checks)
};

// The kind a native relocation maps to, or nothing when cpjit does not support it.
std::optional<PatchKindInfo> map_relocation(Machine machine, uint32_t type);

// Whether the instruction (code holes) at `offset` has the shape the kind patches.
// `in_code` is false for holes in read-only data, which have no instruction shape.
bool has_expected_shape(cpjit_patch_kind kind, std::span<const uint8_t> body, uint64_t offset, bool in_code);

const char *patch_kind_name(cpjit_patch_kind kind);
const char *hole_value_name(cpjit_hole_value value);
const char *width_name(cpjit_operand_width width);

}  // namespace cpjit::gen
