// cpjit-lua's tier 2, as the interpreter sees it.
//
// The interpreter calls in at three places (src/vm.cpp):
//   - every loop back edge in a frame runs jit_back_edge(), which counts the loop's hotness,
//     starts recording a hot loop, enters compiled traces and handles their exits;
//   - a Lua-to-Lua call runs jit_function_entry() when the callee's countdown
//     (Proto::jit_countdown) runs out: the same for the function's entry;
//   - while a recording is on, the interpreter dispatches every instruction through
//     jit_record() first, which turns it into uops using the values it is about to operate on.
// Everything else (the cpjit context, the traces, side traces, statistics) stays in here. The
// JIT is off (L->jit is null) with CPJIT=0 or when cpjit cannot run on this host.
#pragma once

#include "../src/state.h"

namespace cpjit::lua {

struct Jit;

// The tier-2 state for L, or null when tier 2 is off. Never throws.
Jit* jit_open(State* L);
// Prints the CPJIT_STATS=1 report and frees everything.
void jit_close(State* L);

// A back edge of frame ci (which is L->ci) at instruction `from` just jumped to ci->savedpc.
// Returns true when the interpreter must reload its state from L->ci (a trace ran and left at
// L->ci->savedpc, or a recording starts there). May throw a Lua error that a call made by
// compiled code raised.
bool jit_back_edge(State* L, CallInfo* ci, const Instr* from);
// Frame ci (which is L->ci) was just entered by a call from Lua and its countdown ran out.
// Returns true when the interpreter must reload its state from L->ci: a trace ran (and left
// at L->ci->savedpc, in this frame, a caller or a callee) or a recording starts at the
// function's first instruction. May throw like jit_back_edge().
bool jit_function_entry(State* L, CallInfo* ci);
// Is a recording on? The interpreter then dispatches through jit_record().
bool jit_recording(const State* L);
// Records instruction pc of frame ci before the interpreter executes it. Returns false when
// the recording has ended (a trace was compiled, or it was given up). Never throws.
bool jit_record(State* L, CallInfo* ci, const Instr* pc);

// A prototype is being freed: its traces go with it.
void jit_proto_freed(State* L, Proto* p);
// A closure whose address a trace holds (LClosure::jit_pinned) is being freed: those traces go.
void jit_closure_freed(State* L, LClosure* cl);
// The collector's roots while a trace runs: the closures that traces hold. A running trace
// cannot be stopped, so a closure it checks must not be freed (and its address taken by
// another) before the trace is done; the next collection outside traces frees them.
void jit_mark_pinned(State* L, void (*mark)(State*, GCObject*));

// Helpers (jit/helpers.cpp): an error raised by a call from compiled code, to be rethrown
// once the trace has exited.
void jit_park_error(State* L, Status status);

}  // namespace cpjit::lua
