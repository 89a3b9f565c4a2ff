// From a compiled template object to stencils: code bytes, read-only data and typed holes.
#pragma once

#include <cpjit/stencil_set.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "object_file.h"

namespace cpjit::gen {

struct Hole {
  uint32_t offset = 0;
  cpjit_patch_kind kind = CPJIT_PATCH_Abs64;
  cpjit_hole_value value = CPJIT_HOLE_OPERAND;
  uint16_t index = 0;  // operand/exit number; for SYMBOL assigned by finalize_set()
  cpjit_operand_width width = CPJIT_WIDTH_none;
  int32_t pair = -1;
  int64_t addend = 0;
  std::string symbol;      // the symbol the relocation named (magic hole, helper, or section)
  std::string relocation;  // the native relocation name

  bool operator==(const Hole &) const = default;
};

struct Stencil {
  std::string name;  // uop name, or "cpjit_entry" / "cpjit_exit_stub"
  cpjit_stencil_role role = CPJIT_ROLE_UOP;
  bool falls_through = false;
  std::vector<uint8_t> code;
  std::vector<uint8_t> data;
  uint32_t data_align = 1;
  std::vector<Hole> holes;
  std::vector<Hole> data_holes;
  std::string source;  // the template file it came from (base name)
  std::optional<cpjit_uop_meta> meta;                  // CPJIT_UOP_INFO, when declared
  uint8_t operand_widths[CPJIT_MAX_OPERANDS] = {};     // widest width any hole reads

  bool calls_symbols() const;
};

struct StencilSet {
  std::string name;
  std::string target;  // triple
  Machine machine = Machine::X86_64;
  std::vector<Stencil> stencils;     // sorted by name
  std::vector<std::string> symbols;  // sorted; SYMBOL holes index into it
};

// Every stencil defined by one template object. `what` names the template in messages.
// Throws StencilgenError when the object holds something a stencil cannot carry.
std::vector<Stencil> extract_stencils(const ObjectFile &object, const std::string &what);

// Sorts the stencils, refuses duplicates, collects the symbol table and numbers SYMBOL holes.
void finalize_set(StencilSet &set);

}  // namespace cpjit::gen
