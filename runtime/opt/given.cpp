// Given facts: not storing what a slot already holds.
//
// A uop that produces a fact for a slot it writes (an integer add leaves an integer, which an
// interpreter marks with a type tag) stores that mark every time, though in a loop the slot
// usually has it already. An interpreter can declare a variant, BASE__x with given = {k, fact},
// that is BASE when slot operand k already holds `fact`, and skips what the fact implies. Where
// the facts dataflow (facts.cpp) shows the fact holding before the uop on every path, and the
// uop would produce that same fact, the variant is used (a copy produces its source's fact: a
// copy between slots known to hold the same kind of value may copy less). Exits see the same
// slots either way.
//
// Runs after dead-uop removal: the variant relies on whatever wrote the slot before it, and
// that writer's value is overwritten unread, so a later removal of it would break the variant.
#include "optimizer.h"

namespace cpjit::opt {

namespace {

// The fact `insn` leaves in what it writes to slot operand k (0: none): what its metadata
// declares, or for a copy (CPJIT_UOP_MOVE) the fact its source holds before it.
uint16_t produced(const UopInfo &info, const cpjit_insn &insn, uint8_t k, const Facts &before) {
  if ((info.flags & CPJIT_UOP_MOVE) && k == 0) {
    const auto it = before.find(insn.operands[1]);
    return it == before.end() ? 0 : it->second;
  }
  for (const cpjit_fact &f : info.results)
    if (f.fact != 0 && f.operand == k) return f.fact;
  return 0;
}

}  // namespace

void use_given_facts(const Uops &uops, Trace &trace, Stats &stats, const Facts &entry) {
  if (uops.given.empty() || trace.empty()) return;
  const std::vector<std::optional<Facts>> in = facts_before(uops, trace, entry);
  for (size_t i = 0; i < trace.size(); ++i) {
    if (!in[i]) continue;
    cpjit_insn &insn = trace[i];
    for (const GivenVariant &v : uops.given) {
      if (v.base != insn.uop || produced(uops.info[v.base], insn, v.operand, *in[i]) != v.fact) continue;
      auto it = in[i]->find(insn.operands[v.operand]);
      if (it == in[i]->end() || it->second != v.fact) continue;
      insn.uop = v.variant;
      ++stats.uops_given;
      break;
    }
  }
}

}  // namespace cpjit::opt
