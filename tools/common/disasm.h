// Machine-code disassembly through LLVM MC, for x86-64 and AArch64 on any host.
// Used by cpjit-stencilgen (manifests, golden text) and by the inspector.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace cpjit::tools {

struct Instruction {
  uint64_t offset = 0;
  uint32_t size = 0;
  std::string text;  // e.g. "movq (%rip), %rax"; ".byte 0x.." when undecodable
  bool decoded = false;
  // For branches and calls with a PC-relative target: the target, relative to the start of the
  // code given to disassemble(); -1 otherwise.
  int64_t branch_target = -1;
};

class Disassembler {
 public:
  // `triple` such as "x86_64-linux-gnu" or "aarch64-linux-gnu". Returns null and sets `error`
  // when LLVM has no disassembler for it.
  static std::unique_ptr<Disassembler> create(const std::string &triple, std::string &error);
  virtual ~Disassembler() = default;

  // Decodes `code` as if loaded at `address` (branch targets are printed relative to it).
  virtual std::vector<Instruction> disassemble(std::span<const uint8_t> code, uint64_t address = 0) const = 0;
};

}  // namespace cpjit::tools
