// Loop peeling: one iteration of the trace's loop copied in front of it.
//
//   before:  prefix  L: body ... back-edge -> L  suffix
//   after:   prefix  body' ... back-edge' -> L2  [jump -> suffix]  L2: body ... back-edge -> L2  suffix
//
// The copy runs the first iteration; its guards establish facts that then hold on entry to
// the loop, and propagate_facts removes the loop's own checks of whatever the loop does not
// change (LuaJIT's loop optimisation in its simplest form). The copy shares the loop's exits.
// A loop whose body is entered other than at its head, or which would make the trace too long,
// is left alone; so is a trace without an unconditional jump uop to leave the copy with.
#include "optimizer.h"

namespace cpjit::opt {

void peel_loop(const Uops &uops, uint32_t max_length, Trace &trace, Stats &stats) {
  const size_t n = trace.size();
  // The loop (the last backward jump), entered only at its head, and left only by falling out
  // of the back edge or by jumps past it (to the suffix).
  const std::optional<Loop> loop = find_loop(uops, trace);
  if (!loop) return;
  const size_t head = loop->head, back = loop->back, len = back - head + 1;
  const bool back_falls_through = falls_through(uops.of(trace[back]));
  const size_t extra = back_falls_through ? 1 : 0;
  if (back_falls_through && uops.jump == CPJIT_NONE) return;
  if (n + len + extra > max_length) return;

  // Where each original instruction goes.
  auto moved = [&](size_t i) -> uint32_t { return static_cast<uint32_t>(i < head ? i : i + len + extra); };
  const uint32_t loop_head = moved(head), suffix = moved(back + 1);
  Trace out;
  out.reserve(n + len + extra);
  for (size_t i = 0; i < head; ++i) out.push_back(trace[i]);
  for (size_t i = head; i <= back; ++i) {  // the peeled iteration
    cpjit_insn insn = trace[i];
    if ((uops.of(insn).flags & CPJIT_UOP_BRANCH) && insn.jump < n) {
      if (insn.jump == head) insn.jump = loop_head;              // on to the second iteration
      else if (insn.jump <= back) insn.jump = static_cast<uint32_t>(insn.jump);  // within the copy
      else insn.jump = moved(insn.jump);                           // out of the loop
    }
    out.push_back(insn);
  }
  if (extra) {  // the peeled iteration ended the loop: skip it
    cpjit_insn jump;
    cpjit_insn_init(&jump, uops.jump);
    jump.jump = suffix;
    out.push_back(jump);
  }
  for (size_t i = head; i < n; ++i) {
    cpjit_insn insn = trace[i];
    if ((uops.of(insn).flags & CPJIT_UOP_BRANCH) && insn.jump < n) insn.jump = moved(insn.jump);
    out.push_back(insn);
  }
  trace.swap(out);
  stats.loops_peeled++;
}

}  // namespace cpjit::opt
