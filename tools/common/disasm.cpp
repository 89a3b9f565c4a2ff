#include "disasm.h"

#include <llvm/MC/MCAsmInfo.h>
#include <llvm/MC/MCContext.h>
#include <llvm/MC/MCDisassembler/MCDisassembler.h>
#include <llvm/MC/MCInst.h>
#include <llvm/MC/MCInstPrinter.h>
#include <llvm/MC/MCInstrAnalysis.h>
#include <llvm/MC/MCInstrInfo.h>
#include <llvm/MC/MCRegisterInfo.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/MCTargetOptions.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/TargetParser/Triple.h>

#include <cstdio>
#include <mutex>

namespace cpjit::tools {

namespace {

class McDisassembler final : public Disassembler {
 public:
  bool init(const std::string &triple_name, std::string &error) {
    static std::once_flag once;
    std::call_once(once, [] {
      LLVMInitializeX86TargetInfo();
      LLVMInitializeX86TargetMC();
      LLVMInitializeX86Disassembler();
      LLVMInitializeAArch64TargetInfo();
      LLVMInitializeAArch64TargetMC();
      LLVMInitializeAArch64Disassembler();
    });
    llvm::Triple triple(triple_name);
    const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple.str(), error);
    if (target == nullptr) return false;
    regs_.reset(target->createMCRegInfo(triple.str()));
    llvm::MCTargetOptions options;
    asm_info_.reset(target->createMCAsmInfo(*regs_, triple.str(), options));
    subtarget_.reset(target->createMCSubtargetInfo(triple.str(), "", ""));
    instr_info_.reset(target->createMCInstrInfo());
    if (!regs_ || !asm_info_ || !subtarget_ || !instr_info_) {
      error = "incomplete LLVM MC support for " + triple_name;
      return false;
    }
    context_ = std::make_unique<llvm::MCContext>(triple, asm_info_.get(), regs_.get(), subtarget_.get());
    disassembler_.reset(target->createMCDisassembler(*subtarget_, *context_));
    printer_.reset(target->createMCInstPrinter(triple, asm_info_->getAssemblerDialect(), *asm_info_, *instr_info_,
                                               *regs_));
    analysis_.reset(target->createMCInstrAnalysis(instr_info_.get()));
    if (!disassembler_ || !printer_ || !analysis_) {
      error = "no disassembler for " + triple_name;
      return false;
    }
    min_size_ = triple.isAArch64() ? 4 : 1;
    return true;
  }

  std::vector<Instruction> disassemble(std::span<const uint8_t> code, uint64_t address) const override {
    std::vector<Instruction> out;
    llvm::ArrayRef<uint8_t> bytes(code.data(), code.size());
    uint64_t offset = 0;
    while (offset < bytes.size()) {
      llvm::MCInst inst;
      uint64_t size = 0;
      Instruction insn;
      insn.offset = offset;
      auto status = disassembler_->getInstruction(inst, size, bytes.slice(offset), address + offset, llvm::nulls());
      if (status == llvm::MCDisassembler::Success && size > 0) {
        std::string text;
        llvm::raw_string_ostream os(text);
        printer_->printInst(&inst, address + offset, "", *subtarget_, os);
        os.flush();
        size_t start = text.find_first_not_of(" \t");
        insn.text = start == std::string::npos ? "" : text.substr(start);
        for (char &c : insn.text)
          if (c == '\t') c = ' ';
        insn.decoded = true;
        uint64_t target = 0;
        if (analysis_->evaluateBranch(inst, address + offset, size, target) && target >= address)
          insn.branch_target = static_cast<int64_t>(target - address);
      } else {
        size = std::min<uint64_t>(min_size_, bytes.size() - offset);
        std::string text = ".byte";
        for (uint64_t i = 0; i < size; ++i) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "%s0x%02x", i ? ", " : " ", bytes[offset + i]);
          text += buf;
        }
        insn.text = text;
      }
      insn.size = static_cast<uint32_t>(size);
      out.push_back(std::move(insn));
      offset += size;
    }
    return out;
  }

 private:
  std::unique_ptr<llvm::MCRegisterInfo> regs_;
  std::unique_ptr<llvm::MCAsmInfo> asm_info_;
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget_;
  std::unique_ptr<llvm::MCInstrInfo> instr_info_;
  std::unique_ptr<llvm::MCContext> context_;
  std::unique_ptr<llvm::MCDisassembler> disassembler_;
  std::unique_ptr<llvm::MCInstPrinter> printer_;
  std::unique_ptr<llvm::MCInstrAnalysis> analysis_;
  uint64_t min_size_ = 1;
};

}  // namespace

std::unique_ptr<Disassembler> Disassembler::create(const std::string &triple, std::string &error) {
  auto d = std::make_unique<McDisassembler>();
  if (!d->init(triple, error)) return nullptr;
  return d;
}

}  // namespace cpjit::tools
