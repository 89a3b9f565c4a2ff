/* The state of bfjit's Brainf*ck machine, shared by the interpreter (C++) and the uop
 * templates (C, compiled by clang into stencils). */
#ifndef BF_VM_H
#define BF_VM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bf_vm {
  uint8_t *tape;     /* the cells */
  int64_t tape_size;
  int64_t ptr;       /* the current cell; a trace keeps it in a register and stores it on exit */
};

/* Helpers the stencils call: write a cell to stdout, read a byte from stdin (0 at end of input). */
void bf_output(struct bf_vm *vm, uint8_t byte);
uint8_t bf_input(struct bf_vm *vm);

#ifdef __cplusplus
}
#endif

#endif
