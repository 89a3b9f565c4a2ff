/* bfjit's uops: what a hot Brainf*ck loop becomes. Each is a C function that cpjit compiles
 * into a machine-code stencil; the JIT copies the stencils of a loop one after another. */
#include "bf_vm.h"

/* The state every uop receives in registers: the machine, its tape, the current cell. */
#define CPJIT_STATE(X) X(struct bf_vm *, vm) X(uint8_t *, tape) X(int64_t, ptr)
#include <cpjit/stencil.h>

CPJIT_HELPER(bf_output);
CPJIT_HELPER(bf_input);

#define IMM CPJIT_OPERAND_IMMEDIATE

/* tape[ptr] += n */
CPJIT_UOP_INFO(ADD, .operands = {IMM});
CPJIT_UOP(ADD) {
  tape[ptr] = (uint8_t)(tape[ptr] + CPJIT_OPERAND_U8(0));
  CPJIT_CONTINUE();
}

/* tape[ptr] = 0: the loop [-] */
CPJIT_UOP_INFO(CLEAR);
CPJIT_UOP(CLEAR) {
  tape[ptr] = 0;
  CPJIT_CONTINUE();
}

/* ptr += n; side exit 0 (before moving) when the tape would be left: the interpreter grows
 * the tape or reports the error. */
CPJIT_UOP_INFO(MOVE, .flags = CPJIT_UOP_GUARD | CPJIT_UOP_MAY_EXIT, .operands = {IMM});
CPJIT_UOP(MOVE) {
  int64_t next = ptr + CPJIT_OPERAND_I32(0);
  if ((uint64_t)next >= (uint64_t)vm->tape_size) CPJIT_EXIT(0);
  ptr = next;
  CPJIT_CONTINUE();
}

CPJIT_UOP_INFO(OUTPUT, .flags = CPJIT_UOP_ESCAPES);
CPJIT_UOP(OUTPUT) {
  bf_output(vm, tape[ptr]);
  CPJIT_CONTINUE();
}

CPJIT_UOP_INFO(INPUT, .flags = CPJIT_UOP_ESCAPES);
CPJIT_UOP(INPUT) {
  tape[ptr] = bf_input(vm);
  CPJIT_CONTINUE();
}

/* The brackets of loops inside the trace: jumps within the trace. */
CPJIT_UOP_INFO(JUMP_IF_ZERO, .flags = CPJIT_UOP_BRANCH);
CPJIT_UOP(JUMP_IF_ZERO) {
  if (tape[ptr] == 0) CPJIT_JUMP();
  CPJIT_CONTINUE();
}

CPJIT_UOP_INFO(JUMP_IF_NONZERO, .flags = CPJIT_UOP_BRANCH);
CPJIT_UOP(JUMP_IF_NONZERO) {
  if (tape[ptr] != 0) CPJIT_JUMP();
  CPJIT_CONTINUE();
}

/* The traced loop's own bracket: leave the trace when the cell is zero. */
CPJIT_UOP_INFO(EXIT_IF_ZERO, .flags = CPJIT_UOP_GUARD | CPJIT_UOP_MAY_EXIT);
CPJIT_UOP(EXIT_IF_ZERO) {
  if (tape[ptr] == 0) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* From the C ABI into the trace: load the pinned state from the machine. */
CPJIT_ENTRY(arg) {
  struct bf_vm *machine = (struct bf_vm *)arg;
  return CPJIT_ENTER(machine, machine->tape, machine->ptr);
}

/* Leaving a trace: follow a linked side trace, or store the cell pointer back and tell the
 * runtime which exit it was. */
CPJIT_EXIT_STUB() {
  cpjit_exit_record *exit = CPJIT_EXIT_RECORD();
  CPJIT_TAKE_EXIT(exit);
  vm->ptr = ptr;
  return (cpjit_result)exit;
}
