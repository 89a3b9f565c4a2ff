// Running a trace so that debuggers and profilers can walk out of it.
//
// JIT code has no unwind tables of its own. Its unwind rule (gdb_jit.h) is "the frame pointer
// (rbp / x29) still holds the frame of whoever called the entry shim": stencils and the shim
// never write it. That is only true if the caller of the shim *has* a frame record in rbp/x29,
// which an optimised C++ function usually does not. enter_trace() is that caller: a few
// instructions of assembly with a standard frame record (push rbp; mov rbp, rsp / stp x29, x30;
// mov x29, sp) and nothing else in its frame, so CFA = frame pointer + 16 is exact.
//
// With it, `bt` from a helper called by a trace reads
//     #0 helper  #1 trace3:CALL_HELPER  #2 <the function that called enter_trace>  #3 ...
// (enter_trace's own frame and the shim's are folded into the JIT frame), and perf's
// frame-pointer call graphs continue the same way. The callers of enter_trace need no frame
// pointer of their own. Calling the shim directly instead also runs correctly; only unwinding
// through JIT code then depends on the caller's frame pointer.
#pragma once

#include <cstdint>

#include "assembler.h"

extern "C" uintptr_t cpjit_enter_with_frame(cpjit::jit::EntryFn entry, uint64_t trace, void *arg);

namespace cpjit::jit::observe {

// entry(trace, arg) called from a frame with a frame record: `entry_address` is the installed
// entry shim (install_entry), `trace` a published trace.
inline uintptr_t enter_trace(uint64_t entry_address, uint64_t trace, void *arg) {
  return cpjit_enter_with_frame(code_pointer<EntryFn>(entry_address), trace, arg);
}

}  // namespace cpjit::jit::observe
