// The pass driver.
//
//   trace (as recorded)
//     │
//     ▼  peel.cpp     one loop iteration copied in front of the loop, so what the first
//     │               iteration checks is known inside the loop
//     ▼  facts.cpp    type propagation: what guards prove (about a value and the slots
//     │               holding copies of it) and uops produce flows forward (meeting at jump
//     │               targets); guards already proven are removed, and idempotent uops that
//     │               already ran as they are
//     ▼  fold.cpp     pure uops whose inputs are constants are evaluated now
//     │               (the interpreter's fold hook) and become constant loads
//     ▼  forward.cpp  a copy into a slot that holds that value already disappears; a pure
//     │               uop that recomputes a value still in a slot becomes a copy
//     ▼  facts.cpp    constant loads that repeat one whose slot nothing wrote since go (the
//     │               loop's copy of a constant stored before it)
//     ▼  dce.cpp      pure uops whose results nobody reads before they are overwritten
//     │               are removed (every exit reads every slot)
//     ▼  given.cpp    a uop writing a slot whose fact is known, and the same as what it
//     │               produces, becomes its variant that skips storing it (a type tag)
//     ▼  cache.cpp    a uop right after the one that left a slot's value in a register
//     │               cache reads it from there (its variant), off the slot's memory
//     ▼
//   assemble (jit/) or the uop interpreter
#include "optimizer.h"

namespace cpjit::opt {

void optimize(const Uops &uops, uint32_t passes, uint32_t max_length, const Facts &entry, Trace &trace, Stats &stats) {
  if (passes & CPJIT_OPT_PEEL) peel_loop(uops, max_length, trace, stats);
  if (passes & CPJIT_OPT_FACTS) propagate_facts(uops, trace, stats, entry);
  if (passes & CPJIT_OPT_FOLD) fold_constants(uops, trace, stats);
  if (passes & CPJIT_OPT_FORWARD) forward_values(uops, trace, stats);
  if (passes & CPJIT_OPT_FACTS) remove_repeated_constants(uops, trace, stats);
  if (passes & CPJIT_OPT_DCE) remove_dead(uops, trace, stats);
  // After DCE: a given variant relies on the writer before it, which DCE may remove (its value
  // is overwritten unread) when it runs before this choice is made.
  if (passes & CPJIT_OPT_GIVEN) use_given_facts(uops, trace, stats, entry);
  if (passes & CPJIT_OPT_CACHE) use_caches(uops, trace, stats);
}

}  // namespace cpjit::opt
