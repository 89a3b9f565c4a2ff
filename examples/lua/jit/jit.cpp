// cpjit-lua's tier 2: hot loops recorded into uops and run by cpjit (through its public C API
// only), side traces for hot exits, and the CPJIT_STATS report.
#include <cpjit/cpjit.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <tuple>

#include "../src/func.h"
#include "../src/str.h"
#include "../src/table.h"
#include "../src/vm.h"
#include "jit_state.h"
#include "lua_helpers.h"
#include "lua_jit.h"
#include "lua_uop_tables.h"

namespace cpjit::lua {

namespace {

constexpr uint16_t kMaxLoopAborts = 5;   // then the loop stays in tier 1
constexpr uint8_t kMaxSideAttempts = 4;  // then the exit stays an exit
constexpr uint32_t kMinRootBytecodes = 6; // a loop trace that stops early must do this much
constexpr uint32_t kMaxTreeSize = 48;      // side traces per root trace, at most
constexpr uint32_t kMaxWaited = 1000;      // Recording::waited before the recording gives up
constexpr uint16_t kMaxLoopLeaves = 32;    // recordings of a loop that left it, before it counts

uint32_t env_number(const char* name, uint32_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  unsigned long n = std::strtoul(v, &end, 10);
  if (*end != '\0' || n == 0 || n > 1000000000ul) return fallback;
  return static_cast<uint32_t>(n);
}

bool stats_requested() {
  const char* v = std::getenv("CPJIT_STATS");
  return v != nullptr && std::strcmp(v, "1") == 0;
}

// The builtins the recorder can inline, by the function pointer the standard library installed.
void find_builtins(Jit& J) {
  State* L = J.L;
  auto add = [&](const char* lib, std::initializer_list<const char*> names, const char* prefix) {
    const Value* t = table_get_short_str(L->globals, str_new(L, lib));
    if (!t->is_table()) return;
    for (const char* name : names) {
      const Value* f = table_get_short_str(t->t, str_new(L, name));
      if (f->tag == kTagCFunction) J.builtins.emplace(f->f, std::string(prefix) + name);
    }
  };
  add("math", {"sqrt", "sin", "cos", "exp", "log", "abs", "floor", "ceil", "max", "min"}, "");
  add("string", {"len", "byte", "sub"}, "string.");
  add("table", {"insert"}, "table.");
  for (const char* name : {"type", "pairs", "ipairs"}) {
    const Value* f = table_get_short_str(L->globals, str_new(L, name));
    if (f->tag == kTagCFunction) J.builtins.emplace(f->f, name);
  }
}

void note_abort(Jit& J, const std::string& reason) { J.aborts[reason]++; }

// Drops the records of freed traces.
void reap_traces(Jit& J) {
  std::erase_if(J.traces, [](const std::unique_ptr<TraceRec>& t) { return t->executor == nullptr; });
}

void free_trace(Jit& J, TraceRec* t) {
  cpjit_executor_free(t->executor);
  t->executor = nullptr;
  // Nothing may enter it any more: the loop or function it starts at goes back to tier 1 (and
  // may be recorded again).
  if (t->loop != nullptr && t->loop->trace == t) t->loop->trace = nullptr;
  if (t->func != nullptr && t->func->proto->jit_entry == t) t->func->proto->jit_entry = nullptr;
}

// Where a trace came from, for messages: "file.lua:12".
std::string where(const Proto* p, uint32_t pc) {
  std::string src = p->source ? std::string(p->source->c_str(), p->source->len) : "?";
  if (!src.empty() && (src[0] == '@' || src[0] == '=')) src.erase(0, 1);
  else src = "[string]";
  const int line = (p->lineinfo && pc < static_cast<uint32_t>(p->ncode)) ? p->lineinfo[pc] : 0;
  return src + ":" + std::to_string(line);
}

void end_recording(Jit& J, const std::string* abort_reason) {
  Recording& R = J.rec;
  J.record_ns += static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - R.started).count());
  if (abort_reason != nullptr) {
    note_abort(J, *abort_reason);
    if (LoopState* loop = R.loop) {
      loop->hits = 0;
      // An iteration that leaves the loop says nothing about the next ones: try again at the
      // loop's next back edge, many times, before counting it against the loop. (Waiting for
      // the threshold again would lock onto the same phase: a loop of three iterations inside
      // another would always be recorded in its last one.)
      if ((*abort_reason == kLeftLoop && ++loop->left < kMaxLoopLeaves) || *abort_reason == kEnteredLoop) {
        loop->hits = loop->threshold > 0 ? loop->threshold - 1 : 0;
      } else if (++loop->aborts >= kMaxLoopAborts) {
        loop->blacklisted = true;
      } else {
        loop->threshold = J.hot_threshold << loop->aborts;  // back off
      }
    } else if (FuncState* func = R.func) {
      if (++func->aborts >= kMaxLoopAborts) {
        func->blacklisted = true;
        func->proto->jit_countdown = INT32_MAX;
      } else {
        func->proto->jit_countdown = static_cast<int32_t>(J.hot_threshold << func->aborts);
      }
    } else if (TraceRec* parent = R.parent) {
      ExitState& e = parent->exits[R.parent_exit];
      e.attempts++;
      e.next_try = static_cast<uint64_t>(J.side_threshold) << (e.attempts + 1);
    }
  }
  R = Recording{};
}

// Compiles the finished recording and hooks it in.
void compile(Jit& J) {
  Recording& R = J.rec;
  // The trace's record exists before its exits do: each exit carries it in resume_aux, so an
  // exit finds its trace without a lookup.
  auto rec = std::make_unique<TraceRec>();
  TraceRec* t = rec.get();
  cpjit_trace* trace = nullptr;
  std::string failure;
  if (cpjit_trace_begin(J.ctx, J.stencils, &trace) != CPJIT_OK) {
    failure = std::string("compile failed: ") + cpjit_last_error();
    end_recording(J, &failure);
    return;
  }
  // A side trace starts where its parent's exit left: the types its parent had checked there
  // need no guards again.
  if (R.parent != nullptr && cpjit_trace_continue_exit(trace, R.parent->executor, R.parent_exit) != CPJIT_OK)
    failure = cpjit_last_error();
  for (const ExitState& e : R.exits) {
    cpjit_exit_desc desc{e.error ? CPJIT_EXIT_ERROR : CPJIT_EXIT_SIDE, e.pc, reinterpret_cast<uint64_t>(t)};
    uint32_t id = 0;
    if (cpjit_trace_add_exit(trace, &desc, &id) != CPJIT_OK) failure = cpjit_last_error();
  }
  finish_constants(J, R);
  for (const cpjit_insn& insn : R.insns)
    if (failure.empty() && cpjit_trace_append(trace, &insn, nullptr) != CPJIT_OK) failure = cpjit_last_error();
  if (!failure.empty()) {
    cpjit_trace_abandon(trace);
    failure = "compile failed: " + failure;
    end_recording(J, &failure);
    return;
  }
  cpjit_executor* executor = nullptr;
  if (cpjit_trace_end(trace, &executor) != CPJIT_OK) {
    failure = std::string("compile failed: ") + cpjit_last_error();
    end_recording(J, &failure);
    return;
  }
  t->number = J.next_number++;
  t->side = R.parent != nullptr;
  t->proto = R.proto;
  t->inlined = R.inlined;
  t->pinned = R.pinned;
  t->sites = std::move(R.sites);
  t->start_pc = static_cast<uint32_t>(R.start - R.proto->code);
  t->uops = static_cast<uint32_t>(R.insns.size());
  t->bytecodes = R.bytecodes;
  t->executor = executor;
  t->exits = R.exits;
  for (ExitState& e : t->exits) e.next_try = J.side_threshold;
  t->parent = R.parent;
  t->parent_exit = R.parent_exit;
  t->root = R.parent ? R.parent->root : t;
  if (R.parent) t->root->tree_size++;
  J.traces.push_back(std::move(rec));
  if (t->side) {
    J.traces_side++;
    if (cpjit_executor_link(R.parent->executor, R.parent_exit, executor) == CPJIT_OK)
      R.parent->exits[R.parent_exit].side = t;
  } else if (R.loop != nullptr) {
    J.traces_root++;
    t->loop = R.loop;
    R.loop->trace = t;
  } else {
    J.traces_entry++;
    t->func = R.func;
    R.proto->jit_entry = t;
    R.proto->jit_countdown = 0;
  }
  // The trace ends where another one starts: go straight on into it.
  if (R.link_to != nullptr && R.link_to->executor != nullptr &&
      cpjit_executor_link(executor, R.link_exit, R.link_to->executor) == CPJIT_OK)
    t->exits[R.link_exit].side = R.link_to;
  end_recording(J, nullptr);
}

// The recording waits for a call it makes through the interpreter (Recording::waited): one
// more back edge or trace entry there, and it gives up after kMaxWaited.
void waited(Jit& J) {
  if (++J.rec.waited <= kMaxWaited) return;
  std::string reason = "a call it makes runs long";
  end_recording(J, &reason);
}

// Is the recorded frame still on the call stack below (or at) ci?
bool recording_frame_live(const Jit& J, const CallInfo* ci) {
  int depth = 0;
  for (const CallInfo* c = ci; c != nullptr && depth < 1000; c = c->prev, depth++)
    if (c == J.rec.ci) return c->base == J.rec.base;
  return false;
}

// Runs root trace t in frame ci. Returns false when the runtime refused to (the trace was
// invalidated); otherwise the trace ran and left the interpreter's state at L->ci.
bool run_trace(State* L, Jit& J, TraceRec* t, CallInfo* ci) {
  lj_trace_entry entry{reinterpret_cast<lj_state*>(L), reinterpret_cast<lj_value*>(ci->base),
                       reinterpret_cast<lj_lclosure*>(ci->func->lcl)};
  cpjit_exit_info exit;
  // Records freed while this trace ran go when it is done with them (free_traces).
  struct Running {
    Jit& J;
    explicit Running(Jit& j) : J(j) { J.running++; }
    ~Running() {
      if (--J.running == 0) reap_traces(J);
    }
  } running(J);
  // The stencils' copy of the trace's closure (state.h); a trace run by a call the trace makes
  // sets its own, and this one's is back when that returns.
  struct OwnClosure {
    State* L;
    LClosure* outer;
    OwnClosure(State* l, LClosure* cl) : L(l), outer(l->jit_closure) { L->jit_closure = cl; }
    ~OwnClosure() { L->jit_closure = outer; }
  } own_closure(L, ci->func->lcl);
  if (cpjit_executor_run(t->executor, &entry, &exit) != CPJIT_OK) {
    note_abort(J, std::string("trace could not run: ") + cpjit_last_error());
    return false;
  }
  J.trace_runs++;
  J.exits_taken++;
  if (J.error_pending) {
    J.error_pending = false;
    throw LuaError{J.pending_status};
  }
  auto* from = reinterpret_cast<TraceRec*>(exit.resume_aux);  // the trace whose exit this is
  // An exit inside a call whose frame the trace did not push (FRAME_VIRTUAL) pushes it now, as
  // PUSH_FRAME_K would have: the callee's registers are in place above its function.
  if (from != nullptr && from->exits[exit.exit_id].virtual_site != nullptr) {
    const ExitState& v = from->exits[exit.exit_id];
    const auto* site = static_cast<const lj_call_site*>(v.virtual_site.get());
    CallInfo* caller = L->ci;
    Value* func = caller->base + v.virtual_call_a;
    caller->savedpc = static_cast<const Instr*>(site->return_pc);
    L->top = func + site->b;
    precall(L, func, site->nresults);
  }
  // The frame current at the exit (an inlined call's, maybe) resumes there; after a return
  // from the trace's own frame, the caller resumes where its frame says.
  CallInfo* now = L->ci;
  ExitState* e = from != nullptr && exit.kind == CPJIT_EXIT_SIDE ? &from->exits[exit.exit_id] : nullptr;
  if (e == nullptr || !e->returned) now->savedpc = now->func->lcl->p->code + exit.resume;
  if (e != nullptr && !J.rec.active && from->executor != nullptr && e->side == nullptr && e->attempts < kMaxSideAttempts &&
      exit.hits >= e->next_try && from->root->tree_size < kMaxTreeSize)
    record_start(J, now, now->savedpc, nullptr, from, exit.exit_id, e->frame_offset);
  return true;
}

// Constant folding (cpjit's fold pass asks): integer and float arithmetic on constant inputs,
// computed as the stencils compute it. Anything else is left alone.
int fold_uop(void* user, uint32_t uop, const uint64_t operands[CPJIT_MAX_OPERANDS],
             const cpjit_fold_value inputs[CPJIT_MAX_OPERANDS], cpjit_fold_value results[CPJIT_MAX_OPERANDS]) {
  const Jit& J = *static_cast<const Jit*>(user);
  const auto it = J.folds.find(uop);
  if (it == J.folds.end()) return 0;
  const FoldOp op = it->second;
  const uint64_t a = inputs[1].bits;
  const uint64_t b = op.immediate ? operands[2] : inputs[2].bits;
  auto f = [](uint64_t bits) { return std::bit_cast<double>(bits); };
  auto as_float = [&](uint64_t bits, bool is_int) { return is_int ? static_cast<double>(static_cast<int64_t>(bits)) : f(bits); };
  if (op.int_result) {
    uint64_t r;
    switch (op.op) {
      case '+': r = a + b; break;
      case '-': r = a - b; break;
      case '*': r = a * b; break;
      case '&': r = a & b; break;
      case '|': r = a | b; break;
      case '^': r = a ^ b; break;
      default: return 0;
    }
    results[0] = {r, LJ_FACT_INT};
    return 1;
  }
  const double x = as_float(a, op.a_int), y = as_float(b, op.b_int);
  double r;
  switch (op.op) {
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    case '/': r = x / y; break;
    default: return 0;
  }
  results[0] = {std::bit_cast<uint64_t>(r), LJ_FACT_FLOAT};
  return 1;
}

// The uops fold_uop evaluates, by name.
void find_folds(Jit& J) {
  for (auto [stem, op] : {std::pair{"ADD", '+'}, {"SUB", '-'}, {"MUL", '*'}, {"BAND", '&'}, {"BOR", '|'}, {"BXOR", '^'}}) {
    if (uint32_t id = J.uop(std::string(stem) + "_II"); id != CPJIT_NONE) J.folds[id] = FoldOp{op, true, false, true, true};
    if (uint32_t id = J.uop(std::string(stem) + "_IK"); id != CPJIT_NONE) J.folds[id] = FoldOp{op, true, true, true, true};
  }
  for (auto [stem, op] : {std::pair{"FADD", '+'}, {"FSUB", '-'}, {"FMUL", '*'}, {"FDIV", '/'}}) {
    const std::string s(stem);
    for (auto [shape, a_int, b_int, imm] : {std::tuple{"_FF", false, false, false}, {"_IF", true, false, false},
                                            {"_FI", false, true, false}, {"_FK", false, false, true}, {"_IK", true, false, true}})
      if (uint32_t id = J.uop(s + shape); id != CPJIT_NONE) J.folds[id] = FoldOp{op, false, imm, a_int, b_int};
  }
  if (uint32_t id = J.uop("FDIV_II"); id != CPJIT_NONE) J.folds[id] = FoldOp{'/', false, false, true, true};
}

}  // namespace

uint32_t Jit::uop(std::string_view name) const {
  auto it = uop_ids.find(name);
  return it == uop_ids.end() ? CPJIT_NONE : it->second;
}

LoopState* Jit::loop_at(const Instr* pc, Proto* p) {
  CacheEntry& c = cache[(reinterpret_cast<uintptr_t>(pc) >> 2) & (kCacheSize - 1)];
  if (c.pc == pc) return c.loop;
  auto [it, fresh] = loops.try_emplace(pc);
  if (fresh) {
    it->second.proto = p;
    it->second.threshold = hot_threshold;
  }
  c.pc = pc;
  c.loop = &it->second;
  return c.loop;
}

Jit* jit_open(State* L) {
  cpjit_config config;
  cpjit_config_init(&config);
  auto J = std::make_unique<Jit>();
  J->L = L;
  J->stats = stats_requested();
  // The report counts every exit taken, into side traces too: linked exits then keep running
  // their stubs, which count, instead of jumping straight into their side traces.
  config.count_linked_exits = J->stats ? 1 : 0;
  auto off = [&](const char* why) -> Jit* {
    if (J->stats) std::fprintf(stderr, "cpjit-lua: tier 2 off: %s%s%s\n", why, *cpjit_last_error() ? ": " : "", cpjit_last_error());
    if (J->ctx) cpjit_context_destroy(J->ctx);
    return nullptr;
  };
  if (cpjit_context_create(&config, &J->ctx) != CPJIT_OK) return off("no cpjit context");
  if (cpjit_context_mode(J->ctx) == CPJIT_MODE_OFF) return off("CPJIT=0");
  cpjit_context_config(J->ctx, &config);
  J->hot_threshold = env_number("CPJIT_LUA_HOT", config.hot_threshold);
  J->side_threshold = env_number("CPJIT_LUA_SIDE", config.side_exit_threshold);
  J->max_uops = std::min<uint32_t>(config.max_trace_length, 1000);
  size_t nsymbols = 0;
  const cpjit_symbol* symbols = lj_uop_symbols(&nsymbols);
  if (lj_uop_stencils() == nullptr) return off("no stencils for this architecture");
  if (cpjit_register_stencils(J->ctx, lj_uop_stencils(), lj_uop_interp(), symbols, nsymbols, &J->stencils) != CPJIT_OK)
    return off("cannot register the stencils");
  const uint32_t n = cpjit_uop_count(J->stencils);
  J->uop_flags.assign(n, 0);
  for (uint32_t id = 0; id < n; id++) {
    J->uop_ids.emplace(cpjit_uop_name(J->stencils, id), id);
    const cpjit_uop_meta* meta = cpjit_uop_info(J->stencils, id);
    J->uop_flags[id] = meta ? meta->flags : (CPJIT_UOP_MAY_EXIT | CPJIT_UOP_MAY_ERROR | CPJIT_UOP_ESCAPES);
  }
  J->constant_load_tag.assign(n, kTagNil);
  const std::pair<const char*, uint8_t> loads[] = {{"LOADTAB", kTagTable}, {"LOADCFUNC", kTagCFunction},
                                                   {"LOADLCL", kTagLClosure}, {"LOADI", kTagInt}, {"LOADF", kTagFloat}};
  for (const auto& [name, tag] : loads)
    if (const uint32_t id = J->uop(name); id != CPJIT_NONE) J->constant_load_tag[id] = tag;
  try {
    find_builtins(*J);
    find_folds(*J);
  } catch (...) {
    return off("out of memory");
  }
  cpjit_stencils_set_fold(J->stencils, fold_uop, J.get());
  return J.release();
}

void jit_close(State* L) {
  Jit* J = L->jit;
  if (J == nullptr) return;
  L->jit = nullptr;
  if (J->stats) {
    cpjit_context_stats cs{};
    cs.struct_size = sizeof cs;
    cpjit_context_stats_get(J->ctx, &cs);
    const char* mode = cpjit_context_mode(J->ctx) == CPJIT_MODE_INTERP ? "uop interpreter" : "jit";
    uint64_t aborted = 0;
    for (const auto& [reason, count] : J->aborts) aborted += count;
    std::FILE* out = stderr;
    std::fprintf(out, "cpjit-lua: tier 2 (%s): %llu traces compiled (%llu root, %llu function entry, %llu side), %llu aborted\n", mode,
                 static_cast<unsigned long long>(J->traces_root + J->traces_entry + J->traces_side),
                 static_cast<unsigned long long>(J->traces_root), static_cast<unsigned long long>(J->traces_entry),
                 static_cast<unsigned long long>(J->traces_side),
                 static_cast<unsigned long long>(aborted));
    for (const auto& [reason, count] : J->aborts)
      std::fprintf(out, "  aborted: %-60s %llu\n", reason.c_str(), static_cast<unsigned long long>(count));
    for (const auto& [reason, count] : J->ended)
      std::fprintf(out, "  ended at: %-59s %llu\n", reason.c_str(), static_cast<unsigned long long>(count));
    std::fprintf(out, "  code bytes %llu, compile time %.3f ms, recording %.3f ms, trace entries %llu\n",
                 static_cast<unsigned long long>(cs.code_bytes), cs.compile_ns / 1e6, J->record_ns / 1e6,
                 static_cast<unsigned long long>(J->trace_runs));
    std::fprintf(out, "  class lookups: their tables changed %llu times\n",
                 static_cast<unsigned long long>(L->class_epoch));
    std::fprintf(out, "  collector (%s): %llu minor and %llu major collections\n",
                 L->heap.generational ? "generational" : "incremental", static_cast<unsigned long long>(L->heap.minors),
                 static_cast<unsigned long long>(L->heap.majors));
    std::fprintf(out,
                 "  optimizer: %llu loops peeled, %llu guards removed, %llu uops folded, %llu forwarded, %llu removed, "
                 "%llu reading a register cache, %llu not storing a known tag, %llu slots kept in registers across "
                 "loops\n",
                 static_cast<unsigned long long>(cs.loops_peeled), static_cast<unsigned long long>(cs.guards_removed),
                 static_cast<unsigned long long>(cs.uops_folded), static_cast<unsigned long long>(cs.uops_forwarded),
                 static_cast<unsigned long long>(cs.uops_removed), static_cast<unsigned long long>(cs.uops_cached),
                 static_cast<unsigned long long>(cs.uops_given), static_cast<unsigned long long>(cs.slots_bound));
    for (const auto& t : J->traces) {
      if (t->executor == nullptr) continue;
      cpjit_executor_stats es{};
      es.struct_size = sizeof es;
      cpjit_executor_stats_get(t->executor, &es);
      uint64_t exits = 0;
      std::string top;
      for (uint32_t x = 0; x < t->exits.size(); x++) {
        uint64_t hits = 0;
        cpjit_executor_exit_hits(t->executor, x, &hits);
        exits += hits;
        const ExitState& e = t->exits[x];
        if (hits > 0)
          top += " " + std::to_string(x) + "@" + (e.returned ? std::string("return") : where(e.proto ? e.proto : t->proto, e.pc)) +
                 (e.side ? "->" + std::to_string(e.side->number) : "") + "=" + std::to_string(hits);
      }
      std::fprintf(out, "  trace %u %s %s: %u bytecodes, %u uops, %llu bytes, %llu entries, exits taken%s%s\n", t->number,
                   t->side ? "side" : t->func ? "entry" : "root", where(t->proto, t->start_pc).c_str(), t->bytecodes, t->uops,
                   static_cast<unsigned long long>(es.code_bytes), static_cast<unsigned long long>(es.runs),
                   exits ? "" : " none", top.c_str());
    }
  }
  for (auto& t : J->traces)
    if (t->executor) cpjit_executor_free(t->executor);
  cpjit_context_destroy(J->ctx);
  delete J;
}

bool jit_recording(const State* L) { return L->jit != nullptr && L->jit->rec.active; }

bool jit_back_edge(State* L, CallInfo* ci, const Instr* from) {
  Jit& J = *L->jit;
  if (J.rec.active) {
    if (J.rec.owns(ci)) {
      // The recorder saw this jump, unless the recording's own frame is gone and this is a new
      // call that happens to reuse it.
      if (J.rec.steps != J.rec.steps_at_last_edge) {
        J.rec.steps_at_last_edge = J.rec.steps;
        return false;
      }
      std::string reason = "recorded frame unwound";
      end_recording(J, &reason);
    } else if (!recording_frame_live(J, ci)) {
      std::string reason = "recorded frame unwound";
      end_recording(J, &reason);
    }
  }
  if (J.rec.active) waited(J);  // a loop in a call the trace makes
  const Instr* pc = ci->savedpc;
  LoopState* loop = J.loop_at(pc, ci->func->lcl->p);
  // No trace runs while a recording is on (see jit_function_entry()).
  if (loop->trace != nullptr && !J.rec.active) {
    if (run_trace(L, J, loop->trace, ci)) return true;
    loop->trace = nullptr;  // refused: this loop stays in tier 1
    loop->blacklisted = true;
    return false;
  }
  if (from > loop->end) loop->end = from;
  if (loop->blacklisted || J.rec.active) return false;
  if (++loop->hits < loop->threshold) return false;
  loop->hits = 0;
  record_start(J, ci, pc, loop, nullptr, 0, 0);
  J.rec.loop_end = loop->end;
  return true;
}

bool jit_function_entry(State* L, CallInfo* ci) {
  Jit& J = *L->jit;
  Proto* p = ci->func->lcl->p;
  // No trace runs while a recording is on: the recorder may be following this very call, and
  // a trace returning into a recorded frame would run instructions it never saw.
  if (auto* t = static_cast<TraceRec*>(p->jit_entry)) {
    p->jit_countdown = 0;
    if (J.rec.active && J.rec.pending_call != ci->func && !J.rec.owns(ci)) waited(J);
    if (J.rec.active) return false;
    if (run_trace(L, J, t, ci)) return true;
    free_trace(J, t);  // refused (invalidated): the function stays in tier 1
    if (t->func != nullptr) t->func->blacklisted = true;
    p->jit_countdown = INT32_MAX;
    return false;
  }
  auto [it, fresh] = J.funcs.try_emplace(p);
  FuncState& f = it->second;
  if (fresh) {
    f.proto = p;
    p->jit_countdown = static_cast<int32_t>(J.hot_threshold);
    return false;
  }
  if (f.blacklisted) {
    p->jit_countdown = INT32_MAX;
    return false;
  }
  p->jit_countdown = static_cast<int32_t>(J.hot_threshold << f.aborts);
  if (J.rec.active) return false;
  record_start(J, ci, p->code, nullptr, nullptr, 0, 0);
  J.rec.func = &f;
  return true;
}

bool jit_record(State* L, CallInfo* ci, const Instr* pc) {
  Jit& J = *L->jit;
  if (!J.rec.active) return false;
  // Instructions of the frame being recorded, or of an inlined call's frame just entered;
  // other frames belong to calls the trace makes through the interpreter.
  const RecFrame& top = J.rec.frames.back();
  if (J.rec.pending_call == nullptr && (ci != top.ci || ci->base != top.base)) return true;
  std::string reason;
  switch (record_instruction(J, ci, pc, reason)) {
    case RecordStep::kContinue: return true;
    case RecordStep::kDone: compile(J); return false;
    case RecordStep::kEnded:
      if (J.rec.parent == nullptr && J.rec.bytecodes < kMinRootBytecodes) {
        // Entering and leaving a trace costs more than interpreting a few instructions.
        reason = "too little before: " + reason;
        end_recording(J, &reason);
        return false;
      }
      J.ended[reason]++;
      compile(J);
      return false;
    default: end_recording(J, &reason); return false;
  }
}

namespace {

// Frees the traces `doomed` picks, the side traces hanging off them (which may start in
// another function) and a recording that depends on them; other traces' exits into them are
// unlinked.
template <typename Doomed>
void free_traces(Jit& J, Doomed doomed) {
  bool any = false;
  for (auto& t : J.traces) {
    if (t->executor == nullptr || !doomed(*t)) continue;
    free_trace(J, t.get());
    any = true;
  }
  for (bool more = any; more;) {
    more = false;
    for (auto& t : J.traces)
      if (t->executor != nullptr && t->parent != nullptr && t->parent->executor == nullptr) {
        free_trace(J, t.get());
        more = true;
      }
  }
  // A side trace being recorded for an exit of a freed trace has nothing to hang off: the
  // recording ends while its parent's record still exists.
  if (J.rec.active && J.rec.parent != nullptr && J.rec.parent->executor == nullptr) {
    std::string reason = "parent trace collected";
    end_recording(J, &reason);
  }
  if (any) {
    // Exits of other traces that linked into the freed ones were unlinked by cpjit.
    for (auto& t : J.traces)
      for (ExitState& e : t->exits)
        if (e.side != nullptr && e.side->executor == nullptr) e.side = nullptr;
    if (J.running == 0) reap_traces(J);
  }
}

template <typename T>
bool holds(const std::vector<T*>& v, const T* x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

void jit_proto_freed(State* L, Proto* p) {
  Jit* J = L->jit;
  if (J == nullptr) return;
  // The recording's starting function too: after a return, its frames may all be elsewhere.
  if (J->rec.active && (J->rec.proto == p || holds(J->rec.inlined, p) ||
                        std::any_of(J->rec.frames.begin(), J->rec.frames.end(), [p](const RecFrame& f) { return f.proto == p; }))) {
    std::string reason = "recorded function collected";
    end_recording(*J, &reason);
  }
  // Traces of p (and side traces hanging off them, which run in the same frame).
  free_traces(*J, [p](const TraceRec& t) { return t.proto == p || holds(t.inlined, p); });
  J->funcs.erase(p);
  const Instr* lo = p->code;
  const Instr* hi = p->code + p->ncode;
  for (auto it = J->loops.begin(); it != J->loops.end();) {
    if (it->first >= lo && it->first < hi) it = J->loops.erase(it);
    else ++it;
  }
  for (Jit::CacheEntry& c : J->cache)
    if (c.pc >= lo && c.pc < hi) c = Jit::CacheEntry{};
}

void jit_closure_freed(State* L, LClosure* cl) {
  Jit* J = L->jit;
  if (J == nullptr) return;
  if (J->rec.active && holds(J->rec.pinned, cl)) {
    std::string reason = "recorded function collected";
    end_recording(*J, &reason);
  }
  free_traces(*J, [cl](const TraceRec& t) { return holds(t.pinned, cl); });
}

void jit_mark_pinned(State* L, void (*mark)(State*, GCObject*)) {
  const Jit* J = L->jit;
  if (J == nullptr || J->running == 0) return;
  for (const auto& t : J->traces)
    if (t->executor != nullptr)
      for (LClosure* c : t->pinned) mark(L, c);
}

void jit_park_error(State* L, Status status) {
  if (L->jit == nullptr) return;
  L->jit->error_pending = true;
  L->jit->pending_status = status;
}

}  // namespace cpjit::lua
