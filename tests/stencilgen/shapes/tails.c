// Uops whose code ends in branches that clang lays out in several ways: the generator's branch
// rewrites must keep every way out. Compiled by tails.py for both targets.
#include <stdint.h>
#define CPJIT_STATE(X) X(double *, slots)
#include <cpjit/stencil.h>

// A step that leaves or goes on depending on a sign (the shape of a float for loop's step:
// clang puts the exit last, reached by one branch and fallen into after another).
CPJIT_UOP(STEP_EITHER_WAY) {
  double step = slots[CPJIT_OPERAND_U16(2)], next = slots[CPJIT_OPERAND_U16(0)] + step, lim = slots[CPJIT_OPERAND_U16(1)];
  if (!(step > 0 ? next <= lim : lim <= next)) CPJIT_EXIT(0);
  slots[CPJIT_OPERAND_U16(0)] = next;
  CPJIT_CONTINUE();
}
// Two exits and an error on different conditions.
CPJIT_UOP(THREE_WAYS) {
  double x = slots[CPJIT_OPERAND_U16(0)];
  if (x != x) CPJIT_ERROR();
  if (x > 1.0) CPJIT_EXIT(0);
  if (x < -1.0) CPJIT_EXIT(1);
  slots[CPJIT_OPERAND_U16(1)] = x * 2.0;
  CPJIT_CONTINUE();
}
// A guard that exits on either of two comparisons.
CPJIT_UOP(OUTSIDE) {
  double x = slots[CPJIT_OPERAND_U16(0)];
  if (x < slots[CPJIT_OPERAND_U16(1)] || x > slots[CPJIT_OPERAND_U16(2)]) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
