// Helpers the passes share: operand kinds, control flow, removing instructions.
#include "optimizer.h"

namespace cpjit::opt {

bool is_slot(uint8_t kind) { return kind >= CPJIT_OPERAND_SLOT_READ && kind <= CPJIT_OPERAND_SLOT_READ_WRITE; }
bool reads_slot(uint8_t kind) { return kind == CPJIT_OPERAND_SLOT_READ || kind == CPJIT_OPERAND_SLOT_READ_WRITE; }
bool writes_slot(uint8_t kind) { return kind == CPJIT_OPERAND_SLOT_WRITE || kind == CPJIT_OPERAND_SLOT_READ_WRITE; }

bool falls_through(const UopInfo &info) { return !(info.flags & CPJIT_UOP_ENDS_TRACE); }

std::vector<bool> jump_targets(const Uops &uops, const Trace &trace) {
  std::vector<bool> target(trace.size(), false);
  for (const cpjit_insn &insn : trace)
    if ((uops.of(insn).flags & CPJIT_UOP_BRANCH) && insn.jump < trace.size()) target[insn.jump] = true;
  return target;
}

std::optional<Loop> find_loop(const Uops &uops, const Trace &trace) {
  const size_t n = trace.size();
  size_t back = SIZE_MAX;
  for (size_t i = n; i-- > 0;) {
    const cpjit_insn &insn = trace[i];
    if ((uops.of(insn).flags & CPJIT_UOP_BRANCH) && insn.jump <= i) {
      back = i;
      break;
    }
  }
  if (back == SIZE_MAX) return std::nullopt;
  const size_t head = trace[back].jump;
  for (size_t i = 0; i < n; ++i) {
    const cpjit_insn &insn = trace[i];
    if (!(uops.of(insn).flags & CPJIT_UOP_BRANCH) || insn.jump >= n) continue;
    const bool inside = i >= head && i <= back, target_inside = insn.jump >= head && insn.jump <= back;
    if (!inside && target_inside && insn.jump != head) return std::nullopt;
    if (inside && insn.jump < head) return std::nullopt;
  }
  return Loop{head, back};
}

void compact(const Uops &uops, Trace &trace, const std::vector<bool> &keep) {
  const size_t n = trace.size();
  // new_index[i]: where instruction i goes, or the next kept instruction's new place.
  std::vector<uint32_t> new_index(n + 1);
  uint32_t next = 0;
  for (size_t i = 0; i < n; ++i) new_index[i] = keep[i] ? next++ : CPJIT_NONE;
  new_index[n] = next;
  for (size_t i = n; i-- > 0;)
    if (new_index[i] == CPJIT_NONE) new_index[i] = new_index[i + 1];
  Trace out;
  out.reserve(next);
  for (size_t i = 0; i < n; ++i) {
    if (!keep[i]) continue;
    cpjit_insn insn = trace[i];
    if ((uops.of(insn).flags & CPJIT_UOP_BRANCH) && insn.jump < n) insn.jump = new_index[insn.jump];
    out.push_back(insn);
  }
  trace.swap(out);
}

}  // namespace cpjit::opt
