// cpjit-dis inputs: trace dump files (jit/observe/dump_file.h) and stencil manifests
// (cpjit-stencilgen --json). Both are read completely and checked before anything is printed:
// every offset inside its bytes, every name one the hole ABI knows; a file that fails a check
// is refused with a message naming the field, never half-printed.
#pragma once

#include <cpjit/stencil_set.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "assembler.h"

namespace cpjit::dis {

// A hole of a stencil manifest (unpatched: nothing is known about its value yet).
struct ManifestHole {
  uint32_t offset = 0;
  cpjit_patch_kind kind = CPJIT_PATCH_Abs64;
  cpjit_hole_value value = CPJIT_HOLE_OPERAND;
  uint32_t index = 0;
  cpjit_operand_width width = CPJIT_WIDTH_none;
  std::string symbol;
  int64_t addend = 0;
  int64_t pair = -1;
  std::string relocation;
};

struct ManifestStencil {
  std::string name;
  std::string role;  // "uop", "entry", "exit-stub"
  bool falls_through = false;
  std::vector<uint8_t> code;
  std::vector<uint8_t> data;
  uint32_t data_align = 1;
  std::vector<ManifestHole> holes;
  std::vector<ManifestHole> data_holes;
  // From the uop's declared metadata, when the manifest has it.
  std::vector<std::string> flags;
  std::vector<std::string> operand_kinds;  // "imm", "read", "write", "read-write", "-"
};

struct Manifest {
  std::string name;    // the stencil set
  std::string target;  // triple
  cpjit_arch arch = CPJIT_ARCH_NONE;
  std::vector<std::string> symbols;
  std::vector<ManifestStencil> stencils;
};

// What a file holds.
struct Input {
  enum class Kind { kTraceDump, kManifest } kind = Kind::kTraceDump;
  std::string trace;  // trace dumps: the trace's name
  jit::TraceDump dump;
  Manifest manifest;
};

// Reads `path`. False with `error` ("<path>: <what is wrong>") for a missing file, text that
// is not JSON, an unknown format or version, an unknown architecture, or inconsistent fields.
bool read_input(const std::string &path, Input &out, std::string &error);
// The same for JSON text already in memory; `origin` names it in messages.
bool parse_input(const std::string &text, const std::string &origin, Input &out, std::string &error);

// Name tables shared with the writers, from the X-macros: false for an unknown name.
bool parse_patch_kind(const std::string &name, cpjit_patch_kind &out);
bool parse_hole_value(const std::string &name, cpjit_hole_value &out);
bool parse_width(const std::string &name, cpjit_operand_width &out);
bool parse_arch(const std::string &name, cpjit_arch &out);
// The LLVM triple to disassemble an architecture with.
std::string disassembler_triple(cpjit_arch arch);

}  // namespace cpjit::dis
