// The tier-2 state behind lua_jit.h: loops and their hotness, compiled traces with their exits,
// and the recording in progress.
#pragma once

#include <cpjit/cpjit.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "../src/object.h"
#include "../src/state.h"
#include "lua_layout.h"

namespace cpjit::lua {

struct TraceRec;

// What the interpreter resumes at when a trace leaves through one of its exits.
struct ExitState {
  uint32_t pc = 0;           // instruction index in the prototype of the frame that is current then
  uint32_t frame_offset = 0; // that frame's base, in registers above the trace's base
  const Proto* proto = nullptr;  // that frame's function
  bool error = false;        // an error exit (the interpreter raises the error)
  bool returned = false;     // after a return from the trace's own frame: the caller resumes
                             // where its frame says (pc, frame_offset and proto are unused)
  // An exit inside an inlined call whose frame the trace does not push (FRAME_VIRTUAL): the
  // frame to push, at the caller's register call_a, before the interpreter resumes in it.
  std::shared_ptr<void> virtual_site;  // the call's lj_call_site (null: no such frame)
  int virtual_call_a = 0;
  uint64_t next_try = 0;     // hits at which a side trace is (next) attempted
  uint8_t attempts = 0;      // side traces that could not be recorded from here
  TraceRec* side = nullptr;  // the side trace linked to this exit
  // The closure that frame runs, when the trace knows it wherever it takes this exit
  // (RecFrame::closure_known): a side trace from here knows it too.
  LClosure* known_closure = nullptr;
};

struct LoopState;
struct FuncState;

struct TraceRec {
  uint32_t number = 0;  // 1, 2, ... in order of compilation (CPJIT_STATS)
  bool side = false;
  LoopState* loop = nullptr;  // root traces: the loop they run
  FuncState* func = nullptr;  // or the function at whose entry they start
  Proto* proto = nullptr;
  std::vector<Proto*> inlined;  // functions whose calls the trace inlined
  std::vector<LClosure*> pinned;  // closures whose addresses the trace checks (jit_closure_freed)
  // The lj_*_site records its uops point to (lua_layout.h): read, and some updated, by them.
  std::vector<std::shared_ptr<void>> sites;
  uint32_t start_pc = 0;
  uint32_t uops = 0;
  uint32_t bytecodes = 0;    // instructions recorded
  cpjit_executor* executor = nullptr;
  std::vector<ExitState> exits;
  TraceRec* parent = nullptr;  // side traces: the trace and exit they hang off
  uint32_t parent_exit = 0;
  TraceRec* root = nullptr;    // the root of the tree of traces this one belongs to
  uint32_t tree_size = 1;      // roots: traces in the tree
};

struct LoopState {
  Proto* proto = nullptr;
  uint32_t hits = 0;       // back edges since the last recording attempt
  uint32_t threshold = 0;  // back edges before the next attempt (grows after each abort)
  uint16_t aborts = 0;
  uint16_t left = 0;         // recordings abandoned because the iteration left the loop
  uint16_t entered = 0;      // ... because it entered an inner loop that has a trace
  const Instr* end = nullptr;  // the last instruction of the loop (its back edge)
  bool blacklisted = false;
  TraceRec* trace = nullptr;  // the root trace that starts here
};

// A function called often enough from the interpreter gets a root trace at its entry
// (entered by the interpreter's call, jit_function_entry()); its countdown is Proto's.
struct FuncState {
  Proto* proto = nullptr;
  uint16_t aborts = 0;
  bool blacklisted = false;
};

constexpr uint8_t kUnknownTag = 0xff;

// A frame the recording is in: the one it started in, and those of inlined calls.
struct RecFrame {
  CallInfo* ci = nullptr;
  Value* base = nullptr;
  Proto* proto = nullptr;
  uint32_t offset = 0;             // base - the trace's base, in registers
  bool pushed = false;             // entered by this trace (an inlined call): it may return
  // The trace knows the frame's function is ci->func's closure itself (a guard on its address,
  // or a constant call): its fixed upvalues are constants.
  bool closure_known = false;
  const Instr* return_pc = nullptr;  // pushed frames: where the caller goes on
  int call_a = 0;                  // pushed frames: the caller's register of the function
  int nresults = 0;                // pushed frames: results the caller wants
  size_t push_insn = SIZE_MAX;     // pushed frames: the uop that pushed it
};

// A recording in progress (recorder.cpp).
struct Recording {
  bool active = false;
  CallInfo* ci = nullptr;  // the frame the recording started in
  Value* base = nullptr;
  Proto* proto = nullptr;
  Value* trace_base = nullptr;    // the base the trace runs with (slot operands count from it)
  uint32_t start_offset = 0;      // the starting frame's offset from trace_base
  const Instr* start = nullptr;
  const Instr* loop_end = nullptr;  // root traces: the loop's back edge (the body is start .. it)
  const Instr* expect = nullptr;  // the instruction that must come next
  std::vector<RecFrame> frames;   // frames.back() is being recorded
  uint32_t body = 0;              // the first uop of what runs again when the trace loops (after
                                  // a side trace's push of a frame its parent had not pushed, its
                                  // check of the call site a return went to, or the check of the
                                  // closure a root trace starts in)
  // The closure the trace starts in when it knows it: a root trace checks it at body - 1
  // (start_guarded), a side trace knows it from its parent's exit.
  // Back edges of loops, and entries of functions with traces, in calls that the trace makes
  // through the interpreter (no frame of the recording's): a call that runs long holds up
  // every trace it could run and every loop it could record (kMaxWaited).
  uint32_t waited = 0;
  LClosure* start_closure = nullptr;
  bool start_guarded = false;
  Value* pending_call = nullptr;  // an inlined call was recorded: its frame comes next
  int pending_a = 0;              // ... called from this register of the caller
  int pending_nresults = 0;       // ... wanting this many results
  size_t pending_push = SIZE_MAX; // ... whose frame this uop pushes
  int pending_nargs = 0;          // ... passing this many arguments
  bool pending_tail = false;      // an inlined tail call was recorded: its callee takes over the frame
  const Instr* fused_to = nullptr; // the instructions up to this one went into an earlier one's uop
  std::vector<Proto*> inlined;
  std::vector<LClosure*> pinned;
  std::vector<std::shared_ptr<void>> sites;  // of the uops recorded so far
  std::string ended_after;        // the last instruction recorded ends the trace (why)
  LoopState* loop = nullptr;      // root traces: the loop
  FuncState* func = nullptr;      // or the function whose entry the trace starts at
  // Every trace but a loop's root (which must come back to its loop) may move its base: a
  // recursive call, a return or a tail call in the trace's own frame makes another frame the
  // trace's own (see moves_base()).
  bool pending_rebase = false;    // the pending call moves the base (CALL_REBASE)
  bool pending_known = false;     // the pending call's closure is known (RecFrame::closure_known)
  TraceRec* parent = nullptr;     // side traces: where they hang off
  uint32_t parent_exit = 0;
  TraceRec* link_to = nullptr;    // ends in an exit linked to this root trace
  uint32_t link_exit = 0;
  uint32_t bytecodes = 0;
  bool top_set = false;           // the last call left all its results (the stack top is live)
  uint64_t steps = 0;             // instructions seen, for detecting a recording whose frame is gone
  uint64_t steps_at_last_edge = 0;
  std::vector<cpjit_insn> insns;
  std::vector<ExitState> exits;
  std::map<std::tuple<const Proto*, uint32_t, uint32_t, bool>, uint32_t> exit_ids;  // (proto, offset, pc, error)
  std::vector<uint8_t> tags;      // what each slot is known to hold (kUnknownTag: nothing)
  // The uop that last wrote each slot (since the last escaping one), and the loads a type
  // guard on their result may join (GETI forms that found their key in the array part,
  // GETFIELD_H, GETUPVAL forms): need() fuses it into them.
  std::unordered_map<uint64_t, size_t> last_writer;
  std::unordered_set<size_t> fusable_loads;
  std::unordered_map<size_t, uint32_t> load_exits;  // GETUPVAL forms: where a fused check leaves
  // Upvalues whose value is in a slot which nothing has written since, with no uop escaping in
  // between: those of the trace's own closure that a GETUPVAL, SETUPVAL_NS or a MOVE of their
  // value left there, and those of an inlined call's closure (in slot `closure`, unchanged
  // since) that a SETUPVAL_F_NS stored, having checked that the cell is no slot.
  struct UpvalSlot {
    static constexpr uint64_t kOwn = UINT64_MAX;  // `closure` of the trace's own closure
    uint64_t closure;
    int upval;
    uint64_t slot;
  };
  std::vector<UpvalSlot> upval_slots;
  // The last GETUPVAL of the running frame's closure: its uop's index, instruction, upvalue
  // and register, for the next instruction to fuse with (GETI_UP, GETI_FUP).
  struct UpvalLoad {
    size_t insn = SIZE_MAX;
    const Instr* pc = nullptr;
    int upval = 0;
    int reg = 0;
  } last_upval_load;
  // The last constant load of a fixed upvalue (Recorder::fixed_upval): its uop's index and
  // instruction, for the next instruction to do without (Recorder::unwritten_constant).
  struct FixedLoad {
    size_t insn = SIZE_MAX;
    const Instr* pc = nullptr;
  } fixed_load;
  // Fields taken as constants (Recorder::constant_field): the guards' uops, and what the trace
  // stores into: the string keys of its field stores, or any key (a store whose key is a
  // string in a register). Recorder::finish_constants picks each guard's form from them.
  std::vector<size_t> constant_guards;
  // The instruction of each GETFIELD_H form (by uop), for Recorder::pair_field_store.
  std::unordered_map<size_t, const Instr*> field_read_pcs;
  std::unordered_set<const void*> stored_keys;
  bool stores_any_key = false;
  // Inner loops' back edges the recording followed once (Recorder::another_lap()).
  std::set<std::pair<const Instr*, uint32_t>> laps;
  std::chrono::steady_clock::time_point started;

  bool moves_base() const { return loop == nullptr && frames.size() == 1; }
  // The trace's base moved to frame ci: it is the one frame being recorded, its registers are
  // slots 0.., nothing is known about them.
  // Where the trace goes on when it comes back to its start (in frames.back()): past the
  // check of the closure it started in when the frame runs that closure and the trace knows it.
  // None: the trace cannot go back there (it would know a closure the frame may not run).
  std::optional<uint32_t> loop_target() const {
    const RecFrame& f = frames.back();
    if (start_closure == nullptr || (f.closure_known && f.ci->func->lcl == start_closure)) return body;
    if (start_guarded) return body - 1;
    return std::nullopt;
  }
  // The trace holds c's address: freeing c frees the trace (jit_closure_freed).
  void pin(LClosure* c) {
    if (std::find(pinned.begin(), pinned.end(), c) == pinned.end()) pinned.push_back(c);
    c->jit_pinned = 1;
  }
  void rebase_to(CallInfo* c) {
    RecFrame f;
    f.ci = c;
    f.base = c->base;
    f.proto = c->func->lcl->p;
    frames.assign(1, f);
    ci = c;
    base = c->base;
    trace_base = c->base;
    tags.assign(f.proto->maxstack, kUnknownTag);
  }

  // Is ci one of the recording's frames?
  bool owns(const CallInfo* c) const {
    for (const RecFrame& f : frames)
      if (f.ci == c && f.base == c->base) return true;
    return false;
  }
};

// An arithmetic uop the fold hook evaluates: the operator, and how its operands read.
struct FoldOp {
  char op;
  bool int_result;  // integer arithmetic (wraps), else float
  bool immediate;   // operand 2 is an immediate (integer, or float bits), else a slot
  bool a_int, b_int;  // float arithmetic: the operand is an integer to convert
};

struct Jit {
  State* L = nullptr;
  cpjit_context* ctx = nullptr;
  cpjit_stencils* stencils = nullptr;
  std::unordered_map<std::string_view, uint32_t> uop_ids;
  std::vector<uint32_t> uop_flags;  // CPJIT_UOP_* by uop id
  // By uop id: the type of the constant operand 1 that a constant load (LOADTAB, LOADCFUNC,
  // LOADLCL, LOADI, LOADF) writes into slot operand 0; 0 (nil) for other uops.
  std::vector<uint8_t> constant_load_tag;
  uint32_t hot_threshold = 56;
  uint32_t side_threshold = 16;
  uint32_t max_uops = 1000;
  bool stats = false;

  // Loops by the instruction their back edge jumps to; a direct-mapped cache in front.
  std::unordered_map<const Instr*, LoopState> loops;
  std::unordered_map<const Proto*, FuncState> funcs;
  struct CacheEntry {
    const Instr* pc = nullptr;
    LoopState* loop = nullptr;
  };
  static constexpr size_t kCacheSize = 1024;
  CacheEntry cache[kCacheSize];

  std::vector<std::unique_ptr<TraceRec>> traces;
  // Traces running (a trace's helper may run the interpreter, which runs traces): records of
  // freed traces stay (executor null) until none runs, as an exit still reads its record.
  int running = 0;
  Recording rec;
  // GETTABUP and GETFIELD instructions whose value the recorder takes no longer as a
  // constant: a side trace started there (its guard kept failing: a global that changes).
  std::unordered_set<const Instr*> varying_fields;

  // Builtins the recorder inlines, found in the standard library when the JIT starts.
  std::unordered_map<CFunction, std::string> builtins;
  std::unordered_map<uint32_t, FoldOp> folds;  // by uop id

  // An error raised by a call from compiled code, rethrown once the trace has exited.
  bool error_pending = false;
  Status pending_status = kOk;

  // CPJIT_STATS
  uint64_t traces_root = 0, traces_entry = 0, traces_side = 0, trace_runs = 0, exits_taken = 0;
  uint64_t record_ns = 0;  // wall time while recordings were on (the interpreter runs meanwhile)
  std::map<std::string, uint64_t> aborts;  // reason -> count
  std::map<std::string, uint64_t> ended;   // traces cut short: reason -> count
  uint32_t next_number = 1;

  uint32_t uop(std::string_view name) const;  // CPJIT_NONE when missing
  LoopState* loop_at(const Instr* pc, Proto* p);
};

// recorder.cpp
// The abort reason of a root recording whose iteration left the loop (retried soon).
inline const std::string kLeftLoop = "iteration left the loop";
inline const std::string kEnteredLoop = "iteration entered an inner loop";
constexpr uint16_t kMaxLoopEntries = 2;  // such recordings of a loop, before one is kept
// kDone: the trace is complete; kEnded: complete, but cut short at an instruction it does not
// cover (abort_reason says which); kAbort: nothing to compile (abort_reason says why).
enum class RecordStep { kContinue, kDone, kEnded, kAbort };
// Starts recording at pc in frame ci, whose base is frame_offset registers above the base the
// trace will run with (side traces started inside an inlined call).
void record_start(Jit& J, CallInfo* ci, const Instr* pc, LoopState* loop, TraceRec* parent, uint32_t parent_exit,
                  uint32_t frame_offset);
RecordStep record_instruction(Jit& J, CallInfo* ci, const Instr* pc, std::string& abort_reason);
// Before compiling: the guards on constant fields whose key the trace stores (or any key) check
// on every pass (GUARD_TABUP_IS_EACH, GUARD_FIELD_IS_EACH); the others once per entry.
void finish_constants(Jit& J, Recording& R);

}  // namespace cpjit::lua
