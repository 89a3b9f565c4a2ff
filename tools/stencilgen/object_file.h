// A neutral view of one relocatable object: sections, symbols and relocations, copied out of
// the file so that nothing refers back into it. Read with LLVM's Object library (ELFFile),
// whose accessors all return Expected<> and check bounds; every failure becomes a
// StencilgenError with a message, never a crash (the object reader is fuzzed).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "error.h"

namespace cpjit::gen {

enum class Machine { X86_64, AArch64 };

struct ObjRelocation {
  uint64_t offset = 0;
  uint32_t type = 0;
  uint32_t symbol = 0;  // index into ObjectFile::symbols
  int64_t addend = 0;
  std::string type_name;  // the native name, for messages and manifests
};

struct ObjSection {
  uint32_t index = 0;
  std::string name;
  uint32_t type = 0;
  uint64_t flags = 0;
  uint64_t align = 1;
  uint64_t entsize = 0;
  uint64_t size = 0;
  std::vector<uint8_t> bytes;  // empty for SHT_NOBITS
  std::vector<ObjRelocation> relocations;

  bool is_alloc() const;
  bool is_exec() const;
  bool is_write() const;
  bool is_tls() const;
  bool is_nobits() const;
};

struct ObjSymbol {
  std::string name;
  uint32_t section = 0;  // 0: undefined
  uint64_t value = 0;
  uint64_t size = 0;
  uint8_t type = 0;     // STT_*
  uint8_t binding = 0;  // STB_*
  bool is_undefined() const { return section == 0; }
};

struct ObjectFile {
  Machine machine = Machine::X86_64;
  std::vector<ObjSection> sections;  // indexed by ELF section index
  std::vector<ObjSymbol> symbols;    // indexed by ELF symbol index
};

// Parses a 64-bit little-endian ELF relocatable object for x86-64 or AArch64.
// `what` names the input in messages. Throws StencilgenError.
ObjectFile read_object(std::span<const uint8_t> bytes, const std::string &what);

}  // namespace cpjit::gen
