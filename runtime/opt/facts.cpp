// Type propagation and guard elimination.
//
// A forward dataflow over the trace: at every instruction, which slots hold a value with which
// fact. Guards add what they prove (to the slot and to every slot holding a copy of the same
// value), written slots lose what they had and gain what the uop declares for them (a copy
// keeps its source's), and escaping or unknown uops forget
// everything. Where control meets (jump targets) only the facts that hold on every incoming
// edge survive. A guard whose every fact already holds before it cannot fail: it is removed.
// A side trace starts with what its parent knew at the exit it continues (facts_at_exits),
// so the guards it begins with, on values its parent had checked, go too.
//
// The same walk tracks which idempotent uops (CPJIT_UOP_IDEMPOTENT: same operands, same
// effect, no new failure) have run with which operands since anything escaped or wrote a slot
// they read or write; a repeat is removed too. After peeling, that is the loop's copy of a
// check the first iteration made (a frame's stack room, a closure's prototype), or of a
// constant it stored in a slot that nothing else in the loop writes.
#include <algorithm>
#include <array>
#include <optional>
#include <set>

#include "optimizer.h"

namespace cpjit::opt {

namespace {

// The facts, and which slots hold copies of which others (MOVE d <- s, neither written since):
// what a guard proves about one of them it proves about all of them, so a loop that copies a
// value it does not change into an argument slot and checks the copy finds the value checked.
struct Known {
  Facts facts;
  std::vector<std::pair<uint64_t, uint64_t>> copies;  // (copy, source); a source is no copy
  bool operator==(const Known &other) const { return facts == other.facts && copies == other.copies; }

  uint64_t source_of(uint64_t slot) const {
    for (const auto &[copy, source] : copies)
      if (copy == slot) return source;
    return slot;
  }
  void prove(uint64_t slot, uint16_t fact) {
    const uint64_t source = source_of(slot);
    facts[source] = fact;
    for (const auto &[copy, from] : copies)
      if (from == source) facts[copy] = fact;
  }
  // The slot gets another value: it is nobody's copy, and its copies are each other's.
  void written(uint64_t slot) {
    facts.erase(slot);
    std::erase_if(copies, [&](const auto &c) { return c.first == slot; });
    std::optional<uint64_t> heir;
    for (auto &[copy, source] : copies) {
      if (source != slot) continue;
      if (!heir) heir = copy;
      source = *heir;
    }
    if (heir) std::erase_if(copies, [&](const auto &c) { return c.first == c.second; });
  }
  void clear() {
    facts.clear();
    copies.clear();
  }
};

void transfer(const UopInfo &info, const cpjit_insn &insn, Known &known) {
  if (!info.known || (info.flags & CPJIT_UOP_ESCAPES)) known.clear();
  if (!info.known) return;
  if (info.flags & CPJIT_UOP_GUARD)
    for (const cpjit_fact &f : info.proves)
      if (f.fact != 0) known.prove(insn.operands[f.operand], f.fact);
  std::optional<uint16_t> copied;
  const bool move = info.flags & CPJIT_UOP_MOVE;
  if (move) {
    auto it = known.facts.find(insn.operands[1]);
    if (it != known.facts.end()) copied = it->second;
  }
  for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
    if (writes_slot(info.operands[k])) known.written(insn.operands[k]);
  if (move) {
    const uint64_t to = insn.operands[0], source = known.source_of(insn.operands[1]);
    if (source != to) known.copies.emplace_back(to, source);
  }
  if (copied) known.facts[insn.operands[0]] = *copied;
  for (const cpjit_fact &f : info.results)
    if (f.fact != 0) known.facts[insn.operands[f.operand]] = f.fact;
}

// An idempotent uop as it ran: its number and operands.
using Ran = std::array<uint64_t, 1 + CPJIT_MAX_OPERANDS>;
using RanSet = std::set<Ran>;

Ran ran_key(const cpjit_insn &insn) {
  Ran key{insn.uop};
  for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k) key[1 + k] = insn.operands[k];
  return key;
}

// Whether the uop as it ran reads or writes that slot: writing it again elsewhere ends what
// the run established (its check of the value, or the value it stored).
bool touches_slot(const UopInfo &info, const Ran &key, uint64_t slot) {
  for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
    if (info.operands[k] != CPJIT_OPERAND_NONE && info.operands[k] != CPJIT_OPERAND_IMMEDIATE && key[1 + k] == slot)
      return true;
  return false;
}

// Whether insn, an idempotent uop, repeats one that `ran` (the runs before it) holds.
bool repeats_run(const UopInfo &info, const cpjit_insn &insn, const std::optional<RanSet> &ran) {
  return ran && (info.flags & CPJIT_UOP_IDEMPOTENT) && info.known && ran->count(ran_key(insn));
}

void transfer_ran(const Uops &uops, const cpjit_insn &insn, RanSet &ran) {
  const UopInfo &info = uops.of(insn);
  if (!info.known || (info.flags & CPJIT_UOP_ESCAPES)) {
    ran.clear();
    return;
  }
  for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k) {
    if (!writes_slot(info.operands[k])) continue;
    for (auto it = ran.begin(); it != ran.end();) {
      if (touches_slot(uops.info[(*it)[0]], *it, insn.operands[k])) it = ran.erase(it);
      else ++it;
    }
  }
  if (info.flags & CPJIT_UOP_IDEMPOTENT) ran.insert(ran_key(insn));
}

bool meet_ran(RanSet &into, const RanSet &other) {
  bool changed = false;
  for (auto it = into.begin(); it != into.end();) {
    if (other.count(*it) == 0) {
      it = into.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  return changed;
}

// A forward dataflow over the trace's control flow (falling through and jumps): the state
// before each instruction, unset where control never arrives. `transfer` applies an
// instruction; `meet` narrows its first argument to what also holds in the second, and says
// whether that changed it. `start` holds at the first instruction.
template <class State, class Transfer, class Meet>
std::vector<std::optional<State>> flow_forward(const Uops &uops, const Trace &trace, const State &start, Transfer transfer,
                                               Meet meet) {
  const size_t n = trace.size();
  std::vector<std::optional<State>> in(n);
  if (n == 0) return in;
  in[0] = start;
  std::vector<size_t> work{0};
  while (!work.empty()) {
    const size_t i = work.back();
    work.pop_back();
    const UopInfo &info = uops.of(trace[i]);
    State out = *in[i];
    transfer(trace[i], out);
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

// Before each instruction: the idempotent uops that have run as they are now.
std::vector<std::optional<RanSet>> ran_before(const Uops &uops, const Trace &trace) {
  return flow_forward<RanSet>(
      uops, trace, RanSet{}, [&](const cpjit_insn &insn, RanSet &ran) { transfer_ran(uops, insn, ran); }, meet_ran);
}

// What holds on both paths.
bool meet(Facts &into, const Facts &other);
bool meet_known(Known &into, const Known &other) {
  bool changed = meet(into.facts, other.facts);
  changed |= std::erase_if(into.copies, [&](const auto &c) {
                return std::find(other.copies.begin(), other.copies.end(), c) == other.copies.end();
              }) != 0;
  return changed;
}
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

std::vector<std::optional<Facts>> facts_before(const Uops &uops, const Trace &trace, const Facts &entry) {
  std::vector<std::optional<Known>> known = flow_forward<Known>(
      uops, trace, Known{entry, {}}, [&](const cpjit_insn &insn, Known &k) { transfer(uops.of(insn), insn, k); },
      meet_known);
  std::vector<std::optional<Facts>> out(known.size());
  for (size_t i = 0; i < known.size(); ++i)
    if (known[i]) out[i] = std::move(known[i]->facts);
  return out;
}

std::vector<Facts> facts_at_exits(const Uops &uops, const Trace &trace, size_t exit_count, const Facts &entry) {
  std::vector<std::optional<Facts>> at(exit_count);
  const std::vector<std::optional<Facts>> in = facts_before(uops, trace, entry);
  for (size_t i = 0; i < trace.size(); ++i) {
    const cpjit_insn &insn = trace[i];
    bool exits = insn.error_exit < exit_count;
    for (uint32_t x : insn.exits) exits |= x < exit_count;
    if (!exits) continue;
    const UopInfo &info = uops.of(insn);
    Facts here;
    if (in[i] && info.known && !(info.flags & CPJIT_UOP_ESCAPES)) {
      here = *in[i];
      for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
        if (writes_slot(info.operands[k])) here.erase(insn.operands[k]);
    }
    auto take = [&](uint32_t x) {
      if (x >= exit_count) return;  // CPJIT_NONE: not used
      if (!at[x]) at[x] = here;
      else meet(*at[x], here);
    };
    for (uint32_t x : insn.exits) take(x);
    take(insn.error_exit);
  }
  std::vector<Facts> out(exit_count);
  for (size_t x = 0; x < exit_count; ++x)
    if (at[x]) out[x] = std::move(*at[x]);
  return out;
}

void propagate_facts(const Uops &uops, Trace &trace, Stats &stats, const Facts &entry) {
  const size_t n = trace.size();
  if (n == 0) return;
  const std::vector<std::optional<Facts>> in = facts_before(uops, trace, entry);
  const std::vector<std::optional<RanSet>> ran = ran_before(uops, trace);
  std::vector<bool> keep(n, true);
  size_t removed = 0;
  for (size_t i = 0; i < n; ++i) {
    const UopInfo &info = uops.of(trace[i]);
    const bool proven_guard = in[i] && (info.flags & CPJIT_UOP_GUARD) && info.known && proven(info, trace[i], *in[i]);
    // A constant's repeat stays for folding to use (remove_repeated_constants, later).
    const bool repeat = !(info.flags & CPJIT_UOP_CONST) && repeats_run(info, trace[i], ran[i]);
    if (proven_guard || repeat) {
      keep[i] = false;
      ++removed;
    }
  }
  if (removed == 0) return;
  compact(uops, trace, keep);
  stats.guards_removed += removed;
}

void remove_repeated_constants(const Uops &uops, Trace &trace, Stats &stats) {
  const size_t n = trace.size();
  const std::vector<std::optional<RanSet>> ran = ran_before(uops, trace);
  std::vector<bool> keep(n, true);
  size_t removed = 0;
  for (size_t i = 0; i < n; ++i) {
    const UopInfo &info = uops.of(trace[i]);
    if ((info.flags & CPJIT_UOP_CONST) && repeats_run(info, trace[i], ran[i])) {
      keep[i] = false;
      ++removed;
    }
  }
  if (removed == 0) return;
  compact(uops, trace, keep);
  stats.guards_removed += removed;
}

}  // namespace cpjit::opt
