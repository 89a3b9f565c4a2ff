// Type propagation and guard elimination.
//
// A forward dataflow over the trace: at every instruction, which slots hold a value with which
// fact. Guards add what they prove, written slots lose what they had and gain what the uop
// declares for them (a copy keeps its source's), and escaping or unknown uops forget
// everything. Where control meets (jump targets) only the facts that hold on every incoming
// edge survive. A guard whose every fact already holds before it cannot fail: it is removed.
#include "optimizer.h"

namespace cpjit::opt {

namespace {

void transfer(const UopInfo &info, const cpjit_insn &insn, Facts &facts) {
  if (!info.known || (info.flags & CPJIT_UOP_ESCAPES)) facts.clear();
  if (!info.known) return;
  if (info.flags & CPJIT_UOP_GUARD)
    for (const cpjit_fact &f : info.proves)
      if (f.fact != 0) facts[insn.operands[f.operand]] = f.fact;
  std::optional<uint16_t> copied;
  if (info.flags & CPJIT_UOP_MOVE) {
    auto it = facts.find(insn.operands[1]);
    if (it != facts.end()) copied = it->second;
  }
  for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
    if (writes_slot(info.operands[k])) facts.erase(insn.operands[k]);
  if (copied) facts[insn.operands[0]] = *copied;
  for (const cpjit_fact &f : info.results)
    if (f.fact != 0) facts[insn.operands[f.operand]] = f.fact;
}

// What holds on both paths.
bool meet(Facts &into, const Facts &other) {
  bool changed = false;
  for (auto it = into.begin(); it != into.end();) {
    auto o = other.find(it->first);
    if (o == other.end() || o->second != it->second) {
      it = into.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  return changed;
}

bool proven(const UopInfo &info, const cpjit_insn &insn, const Facts &facts) {
  bool any = false;
  for (const cpjit_fact &f : info.proves) {
    if (f.fact == 0) continue;
    any = true;
    auto it = facts.find(insn.operands[f.operand]);
    if (it == facts.end() || it->second != f.fact) return false;
  }
  return any;
}

}  // namespace

std::vector<std::optional<Facts>> facts_before(const Uops &uops, const Trace &trace) {
  const size_t n = trace.size();
  std::vector<std::optional<Facts>> in(n);  // unset: not reached yet
  if (n == 0) return in;
  in[0] = Facts{};
  std::vector<size_t> work{0};
  while (!work.empty()) {
    const size_t i = work.back();
    work.pop_back();
    const UopInfo &info = uops.of(trace[i]);
    Facts out = *in[i];
    transfer(info, trace[i], out);
    auto flow = [&](size_t to) {
      if (to >= n) return;
      if (!in[to]) {
        in[to] = out;
        work.push_back(to);
      } else if (meet(*in[to], out)) {
        work.push_back(to);
      }
    };
    if (falls_through(info)) flow(i + 1);
    if (info.flags & CPJIT_UOP_BRANCH) flow(trace[i].jump);
  }
  return in;
}

void propagate_facts(const Uops &uops, Trace &trace, Stats &stats) {
  const size_t n = trace.size();
  if (n == 0) return;
  const std::vector<std::optional<Facts>> in = facts_before(uops, trace);
  std::vector<bool> keep(n, true);
  size_t removed = 0;
  for (size_t i = 0; i < n; ++i) {
    const UopInfo &info = uops.of(trace[i]);
    if (in[i] && (info.flags & CPJIT_UOP_GUARD) && info.known && proven(info, trace[i], *in[i])) {
      keep[i] = false;
      ++removed;
    }
  }
  if (removed == 0) return;
  compact(uops, trace, keep);
  stats.guards_removed += removed;
}

}  // namespace cpjit::opt
