#include "stencil_library.h"

#include <algorithm>
#include <cstring>

namespace cpjit::jit {

namespace {

Status invalid(const cpjit_stencil_set &set, const std::string &what) {
  return make_error(ErrorCode::kInvalidStencilSet,
                    std::string("stencil set ") + (set.name ? set.name : "?") + ": " + what);
}

bool is_branch_kind(uint8_t kind) {
  return kind == CPJIT_PATCH_X86BranchPcRel32 || kind == CPJIT_PATCH_A64Branch26 ||
         kind == CPJIT_PATCH_A64CondBranch19 || kind == CPJIT_PATCH_A64TestBranch14;
}

bool is_relaxable_kind(uint8_t kind) {
  return kind == CPJIT_PATCH_X86GotLoadRelaxable || kind == CPJIT_PATCH_A64GotPage21;
}

}  // namespace

const char *operand_width_name(cpjit_operand_width width) {
  switch (width) {
#define CPJIT__WIDTH_NAME(suffix, ctype, bytes, is_signed) \
  case CPJIT_WIDTH_##suffix: return #suffix;
    CPJIT_OPERAND_WIDTHS(CPJIT__WIDTH_NAME)
#undef CPJIT__WIDTH_NAME
    default: return "none";
  }
}

bool operand_fits(uint64_t value, cpjit_operand_width width) {
  const int64_t s = static_cast<int64_t>(value);
  switch (width) {
    case CPJIT_WIDTH_u8: return value <= UINT8_MAX;
    case CPJIT_WIDTH_i8: return s >= INT8_MIN && s <= INT8_MAX;
    case CPJIT_WIDTH_u16: return value <= UINT16_MAX;
    case CPJIT_WIDTH_i16: return s >= INT16_MIN && s <= INT16_MAX;
    case CPJIT_WIDTH_u32: return value <= UINT32_MAX;
    case CPJIT_WIDTH_i32: return s >= INT32_MIN && s <= INT32_MAX;
    case CPJIT_WIDTH_u64:
    case CPJIT_WIDTH_i64: return true;
    default: return false;
  }
}

Status StencilLibrary::create(const cpjit_stencil_set *set, std::span<const SymbolBinding> symbols,
                              std::unique_ptr<StencilLibrary> &out) {
  if (set == nullptr) return make_error(ErrorCode::kInvalidStencilSet, "no stencil set");
  if (set->abi_version != CPJIT_STENCIL_ABI_VERSION)
    return invalid(*set, "generated for stencil ABI " + std::to_string(set->abi_version) + ", this cpjit reads " +
                             std::to_string(CPJIT_STENCIL_ABI_VERSION) + "; regenerate it");
  const Backend *backend = backend_for(static_cast<cpjit_arch>(set->arch));
  if (backend == nullptr) return invalid(*set, "unknown architecture " + std::to_string(set->arch));
  if (set->stencil_count != 0 && set->stencils == nullptr) return invalid(*set, "no stencil table");
  if (set->symbol_count != 0 && set->symbols == nullptr) return invalid(*set, "no symbol table");

  auto lib = std::unique_ptr<StencilLibrary>(new StencilLibrary());
  lib->set_ = set;
  lib->backend_ = backend;
  lib->facts_.resize(set->stencil_count);

  for (uint32_t i = 0; i < set->stencil_count; ++i) {
    const cpjit_stencil &s = set->stencils[i];
    const std::string name = s.name ? s.name : "";
    if (name.empty()) return invalid(*set, "stencil " + std::to_string(i) + " has no name");
    if (!lib->by_name_.emplace(s.name, i).second) return invalid(*set, "stencil " + name + " appears twice");
    if ((s.code_size != 0 && s.code == nullptr) || (s.data_size != 0 && s.data == nullptr) ||
        (s.hole_count != 0 && s.holes == nullptr) || (s.data_hole_count != 0 && s.data_holes == nullptr))
      return invalid(*set, "stencil " + name + " has a missing table");
    if (s.data_align == 0 || (s.data_align & (s.data_align - 1)) != 0 || s.data_align > 4096)
      return invalid(*set, "stencil " + name + " has an invalid data alignment");
    if (s.role == CPJIT_ROLE_ENTRY) lib->entry_ = static_cast<int>(i);
    else if (s.role == CPJIT_ROLE_EXIT_STUB) lib->exit_stub_ = static_cast<int>(i);
    else if (s.role != CPJIT_ROLE_UOP) return invalid(*set, "stencil " + name + " has an unknown role");

    Facts &facts = lib->facts_[i];
    for (int pass = 0; pass < 2; ++pass) {
      const bool in_code = pass == 0;
      const cpjit_hole *holes = in_code ? s.holes : s.data_holes;
      const uint32_t count = in_code ? s.hole_count : s.data_hole_count;
      const uint8_t *body = in_code ? s.code : s.data;
      const uint32_t size = in_code ? s.code_size : s.data_size;
      for (uint32_t h = 0; h < count; ++h) {
        const cpjit_hole &hole = holes[h];
        const std::string where = "stencil " + name + (in_code ? " code" : " data") + " offset " +
                                  std::to_string(hole.offset);
        if (hole.kind >= CPJIT_PATCH_KIND_COUNT || hole.value >= CPJIT_HOLE_VALUE_COUNT)
          return invalid(*set, where + ": unknown hole kind or value");
        if (!backend->validate_hole_shape(hole, body, size, in_code))
          return invalid(*set, where + ": the instruction does not have the shape its patch kind needs");
        switch (hole.value) {
          case CPJIT_HOLE_OPERAND:
            if (hole.index >= CPJIT_MAX_OPERANDS || hole.width == CPJIT_WIDTH_none || hole.width >= CPJIT_WIDTH_COUNT)
              return invalid(*set, where + ": bad operand hole");
            facts.operand_widths[hole.index] |= static_cast<uint16_t>(1u << hole.width);
            facts.operands_read |= static_cast<uint8_t>(1u << hole.index);
            break;
          case CPJIT_HOLE_EXIT:
            if (hole.index >= CPJIT_MAX_EXITS) return invalid(*set, where + ": bad exit number");
            facts.exits_used |= static_cast<uint8_t>(1u << hole.index);
            break;
          case CPJIT_HOLE_JUMP: facts.uses_jump = true; break;
          case CPJIT_HOLE_ERROR: facts.uses_error = true; break;
          case CPJIT_HOLE_SYMBOL:
            if (hole.index >= set->symbol_count) return invalid(*set, where + ": bad symbol index");
            break;
          default: break;
        }
        bool control = hole.value == CPJIT_HOLE_CONTINUE || hole.value == CPJIT_HOLE_JUMP ||
                       hole.value == CPJIT_HOLE_EXIT || hole.value == CPJIT_HOLE_ERROR;
        if (s.role != CPJIT_ROLE_UOP && (control || (s.role == CPJIT_ROLE_ENTRY && hole.value == CPJIT_HOLE_OPERAND)))
          return invalid(*set, where + ": hole not allowed in the entry shim or exit stub");
        if (is_relaxable_kind(hole.kind)) ++facts.relaxable_holes;
        if (is_branch_kind(hole.kind)) ++facts.branch_holes;
      }
    }
  }

  for (Facts &facts : lib->facts_) {
    for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k) {
      uint64_t umax = UINT64_MAX;
      int64_t smin = INT64_MIN, smax = INT64_MAX;
      for (unsigned w = 1; w < CPJIT_WIDTH_COUNT; ++w) {
        if (!((facts.operand_widths[k] >> w) & 1)) continue;
        switch (static_cast<cpjit_operand_width>(w)) {
          case CPJIT_WIDTH_u8: umax = std::min<uint64_t>(umax, UINT8_MAX); break;
          case CPJIT_WIDTH_u16: umax = std::min<uint64_t>(umax, UINT16_MAX); break;
          case CPJIT_WIDTH_u32: umax = std::min<uint64_t>(umax, UINT32_MAX); break;
          case CPJIT_WIDTH_i8: smin = std::max<int64_t>(smin, INT8_MIN), smax = std::min<int64_t>(smax, INT8_MAX); break;
          case CPJIT_WIDTH_i16: smin = std::max<int64_t>(smin, INT16_MIN), smax = std::min<int64_t>(smax, INT16_MAX); break;
          case CPJIT_WIDTH_i32: smin = std::max<int64_t>(smin, INT32_MIN), smax = std::min<int64_t>(smax, INT32_MAX); break;
          default: break;
        }
      }
      facts.operand_umax[k] = umax;
      facts.operand_smin[k] = smin;
      facts.operand_smax[k] = smax;
    }
  }

  // Resolve symbols; name every missing one.
  lib->symbols_.assign(set->symbol_count, 0);
  std::string missing;
  for (uint32_t i = 0; i < set->symbol_count; ++i) {
    const char *name = set->symbols[i];
    bool found = false;
    for (const SymbolBinding &b : symbols) {
      if (b.name != nullptr && name != nullptr && std::strcmp(b.name, name) == 0) {
        lib->symbols_[i] = reinterpret_cast<uintptr_t>(b.address);
        found = b.address != nullptr;
        break;
      }
    }
    if (!found) missing += std::string(missing.empty() ? "" : ", ") + (name ? name : "?");
  }
  if (!missing.empty())
    return make_error(ErrorCode::kUnresolvedSymbol,
                      std::string("stencil set ") + set->name + " needs symbols the interpreter did not provide: " + missing);
  out = std::move(lib);
  return ok_status();
}

Status StencilLibrary::check_operands(uint32_t index, const uint64_t (&operands)[CPJIT_MAX_OPERANDS],
                                      size_t instruction) const {
  const Facts &f = facts_[index];
  for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k) {
    if (!((f.operands_read >> k) & 1)) continue;
    const uint64_t v = operands[k];
    if (v <= f.operand_umax[k] && static_cast<int64_t>(v) >= f.operand_smin[k] &&
        static_cast<int64_t>(v) <= f.operand_smax[k])
      continue;
    // Name the first width the value does not fit.
    for (unsigned w = 1; w < CPJIT_WIDTH_COUNT; ++w) {
      if (!((f.operand_widths[k] >> w) & 1) || operand_fits(v, static_cast<cpjit_operand_width>(w))) continue;
      return make_error(ErrorCode::kOperandTooWide,
                        "instruction " + std::to_string(instruction) + " (" + set_->stencils[index].name + "): operand " +
                            std::to_string(k) + " = " + std::to_string(static_cast<int64_t>(v)) + " does not fit " +
                            operand_width_name(static_cast<cpjit_operand_width>(w)));
    }
  }
  return ok_status();
}

int StencilLibrary::find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? -1 : static_cast<int>(it->second);
}

}  // namespace cpjit::jit
