// Dead-uop removal. A backward liveness analysis over slots: an exit reads every slot (the
// interpreter resumes with the whole frame), so does an escaping or unknown uop, and one that
// reads slots besides its operands (CPJIT_UOP_READS_SLOTS); a uop reads
// its slot inputs and kills its slot outputs. A pure uop that cannot exit and whose every
// output is dead is removed.
#include <optional>
#include <set>

#include "optimizer.h"

namespace cpjit::opt {

namespace {

// Live slots: either a set, or every slot but a set (after an exit).
struct Live {
  bool all = false;
  std::set<uint64_t> slots;  // all: the dead ones; otherwise: the live ones
  bool has(uint64_t s) const { return all ? slots.count(s) == 0 : slots.count(s) != 0; }
  void kill(uint64_t s) {
    if (all) slots.insert(s);
    else slots.erase(s);
  }
  void use(uint64_t s) {
    if (all) slots.erase(s);
    else slots.insert(s);
  }
  void everything() {
    all = true;
    slots.clear();
  }
  void merge(const Live &o) {
    std::set<uint64_t> out;
    if (all && o.all) {  // dead on both paths
      for (uint64_t s : slots)
        if (o.slots.count(s)) out.insert(s);
    } else if (all || o.all) {  // dead on the "all" path and not live on the other
      const Live &a = all ? *this : o, &b = all ? o : *this;
      for (uint64_t s : a.slots)
        if (!b.slots.count(s)) out.insert(s);
      all = true;
    } else {
      out = slots;
      out.insert(o.slots.begin(), o.slots.end());
    }
    slots.swap(out);
  }
  bool operator==(const Live &o) const { return all == o.all && slots == o.slots; }
};

bool reads_everything(const UopInfo &info) {
  return !info.known || (info.flags & (CPJIT_UOP_ESCAPES | CPJIT_UOP_MAY_EXIT | CPJIT_UOP_MAY_ERROR | CPJIT_UOP_GUARD |
                                       CPJIT_UOP_READS_SLOTS));
}

bool removable(const UopInfo &info) { return info.known && (info.flags & CPJIT_UOP_PURE) && !reads_everything(info); }

}  // namespace

void remove_dead(const Uops &uops, Trace &trace, Stats &stats) {
  const size_t n = trace.size();
  std::vector<Live> live_out(n), live_in(n);
  // Iterate to a fixed point: backward edges (loops) feed liveness around.
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = n; i-- > 0;) {
      const cpjit_insn &insn = trace[i];
      const UopInfo &info = uops.of(insn);
      Live out;
      if (falls_through(info) && i + 1 < n) out.merge(live_in[i + 1]);
      if ((info.flags & CPJIT_UOP_BRANCH) && insn.jump < n) out.merge(live_in[insn.jump]);
      Live in = out;
      if (reads_everything(info)) {
        in.everything();
      } else {
        for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
          if (writes_slot(info.operands[k]) && !reads_slot(info.operands[k])) in.kill(insn.operands[k]);
        for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
          if (reads_slot(info.operands[k])) in.use(insn.operands[k]);
      }
      if (!(in == live_in[i])) {
        live_in[i] = std::move(in);
        changed = true;
      }
      live_out[i] = std::move(out);
    }
  }
  std::vector<bool> keep(n, true);
  size_t removed = 0;
  for (size_t i = 0; i < n; ++i) {
    const UopInfo &info = uops.of(trace[i]);
    if (!removable(info)) continue;
    bool used = false;
    for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
      if (writes_slot(info.operands[k]) && live_out[i].has(trace[i].operands[k])) used = true;
    if (!used) {
      keep[i] = false;
      ++removed;
    }
  }
  if (removed == 0) return;
  compact(uops, trace, keep);
  stats.uops_removed += removed;
}

}  // namespace cpjit::opt
