// Constant folding: a pure uop whose slot inputs all hold known constants is evaluated now,
// by the interpreter's fold hook, and replaced by a constant load (a CPJIT_UOP_CONST uop with
// the result's fact). Constants come from constant loads, copies and earlier folds, within a
// straight line of code: a jump target, an escaping or an unknown uop forgets them.
#include <map>

#include "optimizer.h"
#include "stencil_library.h"

namespace cpjit::opt {

namespace {

uint16_t result_fact(const UopInfo &info, unsigned operand) {
  for (const cpjit_fact &f : info.results)
    if (f.fact != 0 && f.operand == operand) return f.fact;
  return 0;
}

}  // namespace

void fold_constants(const Uops &uops, Trace &trace, Stats &stats) {
  if (uops.fold == nullptr || uops.constants.empty()) return;
  const std::vector<bool> targets = jump_targets(uops, trace);
  std::map<uint64_t, cpjit_fold_value> known;
  for (size_t i = 0; i < trace.size(); ++i) {
    if (targets[i]) known.clear();
    cpjit_insn &insn = trace[i];
    const UopInfo &info = uops.of(insn);
    if (!info.known || (info.flags & CPJIT_UOP_ESCAPES)) {
      known.clear();
      continue;
    }
    if (info.flags & CPJIT_UOP_CONST) {
      known[insn.operands[0]] = cpjit_fold_value{insn.operands[1], result_fact(info, 0)};
      continue;
    }
    if (info.flags & CPJIT_UOP_MOVE) {
      auto it = known.find(insn.operands[1]);
      if (it != known.end()) known[insn.operands[0]] = it->second;
      else known.erase(insn.operands[0]);
      continue;
    }
    // A pure uop with every slot input known and exactly one slot output.
    bool candidate = (info.flags & CPJIT_UOP_PURE) != 0;
    int output = -1;
    cpjit_fold_value inputs[CPJIT_MAX_OPERANDS] = {}, results[CPJIT_MAX_OPERANDS] = {};
    for (unsigned k = 0; k < CPJIT_MAX_OPERANDS && candidate; ++k) {
      if (reads_slot(info.operands[k])) {
        auto it = known.find(insn.operands[k]);
        if (it == known.end()) candidate = false;
        else inputs[k] = it->second;
      }
      if (writes_slot(info.operands[k])) {
        if (output >= 0) candidate = false;
        output = static_cast<int>(k);
      }
    }
    bool folded = false;
    if (candidate && output >= 0 && uops.fold(uops.fold_user, insn.uop, insn.operands, inputs, results)) {
      const cpjit_fold_value value = results[output];
      for (uint32_t c : uops.constants) {
        const UopInfo &cinfo = uops.info[c];
        if (result_fact(cinfo, 0) != value.fact || !jit::operand_fits(value.bits, static_cast<cpjit_operand_width>(cinfo.widths[1]))) continue;
        const uint64_t slot = insn.operands[output];
        cpjit_insn constant;
        cpjit_insn_init(&constant, c);
        constant.operands[0] = slot;
        constant.operands[1] = value.bits;
        known[slot] = value;
        insn = constant;  // `info` still describes the uop that was folded
        folded = true;
        stats.uops_folded++;
        break;
      }
    }
    if (folded) continue;
    for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
      if (writes_slot(info.operands[k])) known.erase(insn.operands[k]);
  }
}

}  // namespace cpjit::opt
