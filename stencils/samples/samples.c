/* Sample uop templates: cpjit's own stencils for golden files and end-to-end tests.
 * Each uop exercises one kind of hole: operands of every width, helper calls, side exits, the
 * error exit, intra-trace jumps, floating-point constants in read-only data and a switch that
 * clang turns into a jump table. Slots are operands 0..2 (u16 indexes into frame->slots). */
#include "sample_vm.h"

#define CPJIT_STATE(X) X(struct cpjit_sample_frame *, frame) X(int64_t *, slots) X(double *, fslots)
#include <cpjit/stencil.h>

CPJIT_HELPER(cpjit_sample_helper);
CPJIT_HELPER(cpjit_sample_hypot);

/* Metadata. Slots are frame->slots; fslots indexes are a separate space, declared as plain
 * immediates so that slot-based passes leave them alone. Fact 1: "an integer" (trivially true
 * here; it exercises the tables). */
#define W CPJIT_OPERAND_SLOT_WRITE
#define R CPJIT_OPERAND_SLOT_READ
#define I CPJIT_OPERAND_IMMEDIATE
/* Fact 1, SMALL: the slot holds a value in [-2^31, 2^31). */
#define SMALL 1
CPJIT_UOP_INFO(SET_U8, .flags = CPJIT_UOP_PURE | CPJIT_UOP_CONST, .operands = {W, I}, .results = {{0, 0, SMALL}});
CPJIT_UOP_INFO(SET_I8, .flags = CPJIT_UOP_PURE | CPJIT_UOP_CONST, .operands = {W, I}, .results = {{0, 0, SMALL}});
CPJIT_UOP_INFO(SET_U16, .flags = CPJIT_UOP_PURE | CPJIT_UOP_CONST, .operands = {W, I}, .results = {{0, 0, SMALL}});
CPJIT_UOP_INFO(SET_I16, .flags = CPJIT_UOP_PURE | CPJIT_UOP_CONST, .operands = {W, I}, .results = {{0, 0, SMALL}});
CPJIT_UOP_INFO(SET_U32, .flags = CPJIT_UOP_PURE | CPJIT_UOP_CONST, .operands = {W, I});
CPJIT_UOP_INFO(SET_I32, .flags = CPJIT_UOP_PURE | CPJIT_UOP_CONST, .operands = {W, I}, .results = {{0, 0, SMALL}});
CPJIT_UOP_INFO(SET_U64, .flags = CPJIT_UOP_PURE | CPJIT_UOP_CONST, .operands = {W, I});
CPJIT_UOP_INFO(SET_I64, .flags = CPJIT_UOP_PURE | CPJIT_UOP_CONST | CPJIT_UOP_IDEMPOTENT, .operands = {W, I});
CPJIT_UOP_INFO(GUARD_SMALL, .flags = CPJIT_UOP_GUARD | CPJIT_UOP_MAY_EXIT, .operands = {R}, .proves = {{0, 0, SMALL}});
CPJIT_UOP_INFO(MOVE, .flags = CPJIT_UOP_PURE | CPJIT_UOP_MOVE, .operands = {W, R});
CPJIT_UOP_INFO(ADD, .flags = CPJIT_UOP_PURE | CPJIT_UOP_MAY_EXIT, .operands = {W, R, R});
CPJIT_UOP_INFO(ADD_IMM, .flags = CPJIT_UOP_PURE, .operands = {W, R, I});
CPJIT_UOP_INFO(DIV, .flags = CPJIT_UOP_PURE | CPJIT_UOP_MAY_ERROR, .operands = {W, R, R});
CPJIT_UOP_INFO(JUMP_IF_LT, .flags = CPJIT_UOP_BRANCH, .operands = {R, R});
CPJIT_UOP_INFO(JUMP, .flags = CPJIT_UOP_BRANCH | CPJIT_UOP_ENDS_TRACE);
CPJIT_UOP_INFO(EXIT, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ENDS_TRACE);
CPJIT_UOP_INFO(EXIT_IF_EQ, .flags = CPJIT_UOP_GUARD | CPJIT_UOP_MAY_EXIT, .operands = {R, I});
CPJIT_UOP_INFO(CALL_HELPER, .flags = CPJIT_UOP_ESCAPES, .operands = {W, R});
CPJIT_UOP_INFO(EXIT_IF_ABOVE, .flags = CPJIT_UOP_GUARD | CPJIT_UOP_MAY_EXIT | CPJIT_UOP_IDEMPOTENT, .operands = {R, I});
/* These write fslots, which slot-based passes do not track: not pure for them. */
CPJIT_UOP_INFO(FMA_CONST, .operands = {I, I});
CPJIT_UOP_INFO(FHYPOT, .operands = {I, I, I});
CPJIT_UOP_INFO(I2F, .operands = {I, R});
CPJIT_UOP_INFO(SWITCH, .flags = CPJIT_UOP_PURE, .operands = {W, R});
#undef W
#undef R
#undef I

/* slots[op0] = op1, read at each width. */
CPJIT_UOP(SET_U8) { slots[CPJIT_OPERAND_U16(0)] = CPJIT_OPERAND_U8(1); CPJIT_CONTINUE(); }
CPJIT_UOP(SET_I8) { slots[CPJIT_OPERAND_U16(0)] = CPJIT_OPERAND_I8(1); CPJIT_CONTINUE(); }
CPJIT_UOP(SET_U16) { slots[CPJIT_OPERAND_U16(0)] = CPJIT_OPERAND_U16(1); CPJIT_CONTINUE(); }
CPJIT_UOP(SET_I16) { slots[CPJIT_OPERAND_U16(0)] = CPJIT_OPERAND_I16(1); CPJIT_CONTINUE(); }
CPJIT_UOP(SET_U32) { slots[CPJIT_OPERAND_U16(0)] = CPJIT_OPERAND_U32(1); CPJIT_CONTINUE(); }
CPJIT_UOP(SET_I32) { slots[CPJIT_OPERAND_U16(0)] = CPJIT_OPERAND_I32(1); CPJIT_CONTINUE(); }
CPJIT_UOP(SET_U64) { slots[CPJIT_OPERAND_U16(0)] = (int64_t)CPJIT_OPERAND_U64(1); CPJIT_CONTINUE(); }
CPJIT_UOP(SET_I64) { slots[CPJIT_OPERAND_U16(0)] = CPJIT_OPERAND_I64(1); CPJIT_CONTINUE(); }

/* Side exit 0 unless slots[op0] fits 32 bits signed: proves the fact SMALL. */
CPJIT_UOP(GUARD_SMALL) {
  int64_t v = slots[CPJIT_OPERAND_U16(0)];
  if (v < INT32_MIN || v > INT32_MAX) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* slots[op0] = slots[op1] */
CPJIT_UOP(MOVE) {
  slots[CPJIT_OPERAND_U16(0)] = slots[CPJIT_OPERAND_U16(1)];
  CPJIT_CONTINUE();
}

/* slots[op0] = slots[op1] + slots[op2]; side exit 0 on signed overflow. */
CPJIT_UOP(ADD) {
  int64_t r;
  if (__builtin_add_overflow(slots[CPJIT_OPERAND_U16(1)], slots[CPJIT_OPERAND_U16(2)], &r)) CPJIT_EXIT(0);
  slots[CPJIT_OPERAND_U16(0)] = r;
  CPJIT_CONTINUE();
}

/* slots[op0] = slots[op1] + op2 (signed 32-bit immediate), wrapping. */
CPJIT_UOP(ADD_IMM) {
  slots[CPJIT_OPERAND_U16(0)] = (int64_t)((uint64_t)slots[CPJIT_OPERAND_U16(1)] + (uint64_t)(int64_t)CPJIT_OPERAND_I32(2));
  CPJIT_CONTINUE();
}

/* slots[op0] = slots[op1] / slots[op2]; the error exit on division by zero or overflow. */
CPJIT_UOP(DIV) {
  int64_t b = slots[CPJIT_OPERAND_U16(2)], a = slots[CPJIT_OPERAND_U16(1)];
  if (b == 0 || (a == INT64_MIN && b == -1)) CPJIT_ERROR();
  slots[CPJIT_OPERAND_U16(0)] = a / b;
  CPJIT_CONTINUE();
}

/* Jump to the instruction's target while slots[op0] < slots[op1] (a loop back-edge). */
CPJIT_UOP(JUMP_IF_LT) {
  if (slots[CPJIT_OPERAND_U16(0)] < slots[CPJIT_OPERAND_U16(1)]) CPJIT_JUMP();
  CPJIT_CONTINUE();
}

CPJIT_UOP(JUMP) { CPJIT_JUMP(); }

/* Leave the trace through side exit 0. */
CPJIT_UOP(EXIT) { CPJIT_EXIT(0); }

/* Side exit 0 taken when slots[op0] equals op1: exits chosen per iteration. */
CPJIT_UOP(EXIT_IF_EQ) {
  if (slots[CPJIT_OPERAND_U16(0)] == CPJIT_OPERAND_I64(1)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* A check that a repeat adds nothing to (IDEMPOTENT): the optimizer drops repeats. */
CPJIT_UOP(EXIT_IF_ABOVE) {
  if (slots[CPJIT_OPERAND_U16(0)] > CPJIT_OPERAND_I64(1)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* slots[op0] = cpjit_sample_helper(frame, slots[op1]). */
CPJIT_UOP(CALL_HELPER) {
  slots[CPJIT_OPERAND_U16(0)] = cpjit_sample_helper(frame, slots[CPJIT_OPERAND_U16(1)]);
  CPJIT_CONTINUE();
}

/* fslots[op0] = fslots[op1] * 1.000001 + 0.25: constants from read-only data. */
CPJIT_UOP(FMA_CONST) {
  fslots[CPJIT_OPERAND_U16(0)] = fslots[CPJIT_OPERAND_U16(1)] * 1.000001 + 0.25;
  CPJIT_CONTINUE();
}

/* fslots[op0] = hypot(fslots[op1], op2 as double bits) through a helper. */
CPJIT_UOP(FHYPOT) {
  fslots[CPJIT_OPERAND_U16(0)] = cpjit_sample_hypot(fslots[CPJIT_OPERAND_U16(1)], CPJIT_OPERAND_F64(2));
  CPJIT_CONTINUE();
}

/* fslots[op0] = (double)slots[op1] */
CPJIT_UOP(I2F) {
  fslots[CPJIT_OPERAND_U16(0)] = (double)slots[CPJIT_OPERAND_U16(1)];
  CPJIT_CONTINUE();
}

/* slots[op0] = f(slots[op1] & 15): a dense switch that clang lowers to a jump table.
 * Unsigned arithmetic: it wraps, where signed overflow would be undefined. */
CPJIT_UOP(SWITCH) {
  uint64_t x = (uint64_t)slots[CPJIT_OPERAND_U16(1)], r;
  switch (x & 15) {
    case 0: r = x + 11; break;
    case 1: r = x * 7; break;
    case 2: r = x ^ 0x5a5a; break;
    case 3: r = x - 1000; break;
    case 4: r = x << 3; break;
    case 5: r = (uint64_t)((int64_t)x >> 2); break;
    case 6: r = ~x; break;
    case 7: r = x * x; break;
    case 8: r = x | 0x100; break;
    case 9: r = 99; break;
    case 10: r = x + x + x; break;
    case 11: r = 0 - x; break;
    default: r = 0; break;
  }
  slots[CPJIT_OPERAND_U16(0)] = (int64_t)r;
  CPJIT_CONTINUE();
}

/* The entry shim: `arg` is the frame. */
CPJIT_ENTRY(arg) {
  struct cpjit_sample_frame *f = (struct cpjit_sample_frame *)arg;
  return CPJIT_ENTER(f, f->slots, f->fslots);
}

/* The exit stub: count the exit, follow a linked side trace if there is one, else return the
 * record to the shim. */
CPJIT_EXIT_STUB() {
  cpjit_exit_record *exit = CPJIT_EXIT_RECORD();
  CPJIT_TAKE_EXIT(exit);
  frame->exits++;
  return (cpjit_result)exit;
}
