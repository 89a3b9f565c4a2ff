// Given facts: not storing what a slot already holds.
//
// A uop that produces a fact for a slot it writes (an integer add leaves an integer, which an
// interpreter marks with a type tag) stores that mark every time, though in a loop the slot
// usually has it already. An interpreter can declare a variant, BASE__x with given = {k, fact},
// that is BASE when slot operand k already holds `fact`, and skips what the fact implies. Where
// the facts dataflow (facts.cpp) shows the fact holding before the uop on every path, and the
// uop would produce that same fact, the variant is used. Exits see the same slots either way.
//
// Runs after dead-uop removal: the variant relies on whatever wrote the slot before it, and
// that writer's value is overwritten unread, so a later removal of it would break the variant.
#include "optimizer.h"

namespace cpjit::opt {

namespace {

// The fact `info` declares for what it writes to slot operand k (0: none).
uint16_t produced(const UopInfo &info, uint8_t k) {
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
      if (v.base != insn.uop || produced(uops.info[v.base], v.operand) != v.fact) continue;
      auto it = in[i]->find(insn.operands[v.operand]);
      if (it == in[i]->end() || it->second != v.fact) continue;
      insn.uop = v.variant;
      ++stats.uops_given;
      break;
    }
  }
}

}  // namespace cpjit::opt
