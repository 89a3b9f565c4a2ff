// Value forwarding. Within a straight line of code (a jump target, an escaping or an unknown
// uop forgets everything):
//   - a pure uop that recomputes what an earlier one left in a slot, from the same unchanged
//     inputs, becomes a copy of that slot (or disappears when it would write the same slot);
//   - a copy of a slot into a slot already holding the same value disappears.
// Pure uops that may exit are forwarded too: the earlier one, on the same inputs, did not exit.
#include <map>
#include <vector>

#include "optimizer.h"

namespace cpjit::opt {

namespace {

// "Slot `slot` holds what `insn` computed" (its written operand is ignored in comparisons).
struct Available {
  cpjit_insn insn;
  unsigned output;
  uint64_t slot;
};

bool same_computation(const UopInfo &info, const cpjit_insn &a, const cpjit_insn &b, unsigned output) {
  if (a.uop != b.uop) return false;
  for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
    if (k != output && info.operands[k] != CPJIT_OPERAND_NONE && a.operands[k] != b.operands[k]) return false;
  return true;
}

}  // namespace

void forward_values(const Uops &uops, Trace &trace, Stats &stats) {
  const std::vector<bool> targets = jump_targets(uops, trace);
  std::vector<Available> available;
  std::map<uint64_t, uint64_t> copy_of;  // slot -> the slot it was copied from, unchanged since
  std::vector<bool> keep(trace.size(), true);
  auto written = [&](uint64_t slot) {
    std::erase_if(available, [&](const Available &a) {
      if (a.slot == slot) return true;
      const UopInfo &info = uops.of(a.insn);
      for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
        if (reads_slot(info.operands[k]) && a.insn.operands[k] == slot) return true;
      return false;
    });
    copy_of.erase(slot);
    std::erase_if(copy_of, [&](const auto &c) { return c.second == slot; });
  };
  size_t changed = 0;
  for (size_t i = 0; i < trace.size(); ++i) {
    if (targets[i]) {
      available.clear();
      copy_of.clear();
    }
    cpjit_insn &insn = trace[i];
    const UopInfo &info = uops.of(insn);
    if (!info.known || (info.flags & CPJIT_UOP_ESCAPES)) {
      available.clear();
      copy_of.clear();
      continue;
    }
    if (info.flags & CPJIT_UOP_MOVE) {
      const uint64_t to = insn.operands[0], from = insn.operands[1];
      auto c = copy_of.find(to);
      if (to == from || (c != copy_of.end() && c->second == from)) {
        keep[i] = false;  // the slot already holds that value
        ++changed;
        continue;
      }
      written(to);
      copy_of[to] = from;
      continue;
    }
    int output = -1, outputs = 0;
    for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
      if (writes_slot(info.operands[k])) output = static_cast<int>(k), ++outputs;
    if ((info.flags & CPJIT_UOP_PURE) && outputs == 1 && !reads_slot(info.operands[output])) {
      const uint64_t dst = insn.operands[output];
      const Available *found = nullptr;
      for (const Available &a : available)
        if (same_computation(info, a.insn, insn, static_cast<unsigned>(output)) && a.output == static_cast<unsigned>(output))
          found = &a;
      if (found != nullptr && found->slot == dst) {
        keep[i] = false;
        ++changed;
        continue;
      }
      if (found != nullptr && uops.move != CPJIT_NONE) {
        const uint64_t from = found->slot;
        cpjit_insn copy;
        cpjit_insn_init(&copy, uops.move);
        copy.operands[0] = dst;
        copy.operands[1] = from;
        insn = copy;
        ++changed;
        written(dst);
        copy_of[dst] = from;
        continue;
      }
      written(dst);
      // `s0 = s0 + s1` leaves a value computed from the old s0: nothing to reuse later.
      bool overwrites_input = false;
      for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
        if (reads_slot(info.operands[k]) && insn.operands[k] == dst) overwrites_input = true;
      if (!overwrites_input) available.push_back({insn, static_cast<unsigned>(output), dst});
      continue;
    }
    for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
      if (writes_slot(info.operands[k])) written(insn.operands[k]);
  }
  if (changed == 0) return;
  compact(uops, trace, keep);
  stats.uops_forwarded += changed;
}

}  // namespace cpjit::opt
