// A stencil set checked and bound to this process: tables validated once (ABI version, bounds,
// instruction shapes under every hole) and external symbols resolved to addresses.
#pragma once

#include <cpjit/stencil_set.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "backend.h"
#include "status.h"

namespace cpjit::jit {

struct SymbolBinding {
  const char *name;
  const void *address;
};

class StencilLibrary {
 public:
  // Validates `set` (which must outlive the library) and resolves its symbols from `symbols`.
  // kInvalidStencilSet for tables that fail a check, kUnresolvedSymbol (naming every missing
  // symbol) when the interpreter did not provide one.
  static Status create(const cpjit_stencil_set *set, std::span<const SymbolBinding> symbols,
                       std::unique_ptr<StencilLibrary> &out);

  const cpjit_stencil_set &set() const { return *set_; }
  const Backend &backend() const { return *backend_; }
  uint32_t size() const { return set_->stencil_count; }
  const cpjit_stencil &stencil(uint32_t index) const { return set_->stencils[index]; }
  // Index of the stencil named `name`, or -1.
  int find(std::string_view name) const;
  uint64_t symbol_address(uint16_t index) const { return symbols_[index]; }
  const char *symbol_name(uint16_t index) const { return set_->symbols[index]; }
  int entry_index() const { return entry_; }
  int exit_stub_index() const { return exit_stub_; }

  // Per stencil, facts the assembler needs without walking the holes again.
  struct Facts {
    uint32_t relaxable_holes = 0;  // holes that may need a data slot
    uint32_t branch_holes = 0;     // holes that may need a veneer
    bool uses_jump = false;
    bool uses_error = false;
    uint8_t exits_used = 0;  // bit k: the stencil may take side exit k
    uint16_t operand_widths[CPJIT_MAX_OPERANDS] = {};  // bit w: operand read at cpjit_operand_width w
    // The range every read of each operand allows, for a check of three comparisons.
    uint8_t operands_read = 0;  // bit k: operand k has a hole
    uint64_t operand_umax[CPJIT_MAX_OPERANDS] = {};
    int64_t operand_smin[CPJIT_MAX_OPERANDS] = {};
    int64_t operand_smax[CPJIT_MAX_OPERANDS] = {};
  };
  const Facts &facts(uint32_t index) const { return facts_[index]; }

  // kOperandTooWide, naming the instruction and the width, when an operand of stencil `index`
  // does not fit a hole that reads it.
  Status check_operands(uint32_t index, const uint64_t (&operands)[CPJIT_MAX_OPERANDS], size_t instruction) const;

 private:
  const cpjit_stencil_set *set_ = nullptr;
  const Backend *backend_ = nullptr;
  std::vector<uint64_t> symbols_;
  std::vector<Facts> facts_;
  std::unordered_map<std::string_view, uint32_t> by_name_;
  int entry_ = -1;
  int exit_stub_ = -1;
};

// Whether `value` (an operand as the trace stores it, sign-extended for signed widths) fits
// `width`.
bool operand_fits(uint64_t value, cpjit_operand_width width);
const char *operand_width_name(cpjit_operand_width width);

}  // namespace cpjit::jit
