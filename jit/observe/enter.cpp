// enter_trace()'s frame, written out so that its layout does not depend on compiler flags:
// a frame record at the frame pointer and nothing else, so "CFA = fp + 16" is exact for the JIT
// code it calls. The .cfi directives describe the function itself for unwinders stopped in it.
#include "enter.h"

#if defined(__x86_64__) && defined(__ELF__)
// cpjit_enter_with_frame(entry = rdi, trace = rsi, arg = rdx): entry(trace, arg).
// After the push the stack is 16-byte aligned again, as the call requires.
__asm__(
    ".pushsection .text\n"
    ".globl cpjit_enter_with_frame\n"
    ".type cpjit_enter_with_frame, @function\n"
    ".p2align 4\n"
    "cpjit_enter_with_frame:\n"
    ".cfi_startproc\n"
    "  pushq %rbp\n"
    ".cfi_def_cfa_offset 16\n"
    ".cfi_offset %rbp, -16\n"
    "  movq %rsp, %rbp\n"
    ".cfi_def_cfa_register %rbp\n"
    "  movq %rdi, %rax\n"
    "  movq %rsi, %rdi\n"
    "  movq %rdx, %rsi\n"
    "  callq *%rax\n"
    "  popq %rbp\n"
    ".cfi_def_cfa %rsp, 8\n"
    "  retq\n"
    ".cfi_endproc\n"
    ".size cpjit_enter_with_frame, .-cpjit_enter_with_frame\n"
    ".popsection\n");
#elif defined(__aarch64__) && defined(__ELF__)
// cpjit_enter_with_frame(entry = x0, trace = x1, arg = x2): entry(trace, arg).
__asm__(
    ".pushsection .text\n"
    ".globl cpjit_enter_with_frame\n"
    ".type cpjit_enter_with_frame, %function\n"
    ".p2align 2\n"
    "cpjit_enter_with_frame:\n"
    ".cfi_startproc\n"
    "  stp x29, x30, [sp, #-16]!\n"
    ".cfi_def_cfa_offset 16\n"
    ".cfi_offset x29, -16\n"
    ".cfi_offset x30, -8\n"
    "  mov x29, sp\n"
    ".cfi_def_cfa x29, 16\n"
    "  mov x3, x0\n"
    "  mov x0, x1\n"
    "  mov x1, x2\n"
    "  blr x3\n"
    "  ldp x29, x30, [sp], #16\n"
    ".cfi_def_cfa sp, 0\n"
    ".cfi_restore x29\n"
    ".cfi_restore x30\n"
    "  ret\n"
    ".cfi_endproc\n"
    ".size cpjit_enter_with_frame, .-cpjit_enter_with_frame\n"
    ".popsection\n");
#else
// No JIT backend for this host: a plain call keeps the symbol defined.
extern "C" uintptr_t cpjit_enter_with_frame(cpjit::jit::EntryFn entry, uint64_t trace, void *arg) {
  return entry(trace, arg);
}
#endif
