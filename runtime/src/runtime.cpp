#include "runtime.h"

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "backend.h"
#include "observe/dump_file.h"
#include "observe/enter.h"
#include "observe/names.h"

namespace cpjit::rt {

Failure fail(cpjit_status status, std::string message) { return Failure{status, std::move(message)}; }

Failure from_jit(const jit::Status &status) {
  using jit::ErrorCode;
  cpjit_status s = CPJIT_ERR_SYSTEM;
  switch (status.code()) {
    case ErrorCode::kOk: return success();
    case ErrorCode::kOutOfMemory: s = CPJIT_ERR_OUT_OF_MEMORY; break;
    case ErrorCode::kCodeMemoryExhausted: s = CPJIT_ERR_CODE_MEMORY_EXHAUSTED; break;
    case ErrorCode::kOutOfRange: s = CPJIT_ERR_OUT_OF_RANGE; break;
    case ErrorCode::kOperandTooWide: s = CPJIT_ERR_OPERAND_TOO_WIDE; break;
    case ErrorCode::kInvalidTrace: s = CPJIT_ERR_INVALID_ARGUMENT; break;
    case ErrorCode::kUnresolvedSymbol: s = CPJIT_ERR_UNRESOLVED_SYMBOL; break;
    case ErrorCode::kInvalidStencilSet: s = CPJIT_ERR_INVALID_STENCIL_SET; break;
    case ErrorCode::kUnsupported: s = CPJIT_ERR_UNSUPPORTED; break;
    case ErrorCode::kSystem: s = CPJIT_ERR_SYSTEM; break;
  }
  return fail(s, status.message());
}

cpjit_mode mode_from_environment() {
  const char *v = std::getenv("CPJIT");
  if (v == nullptr || *v == '\0') return CPJIT_MODE_JIT;
  if (std::strcmp(v, "0") == 0 || std::strcmp(v, "off") == 0) return CPJIT_MODE_OFF;
  if (std::strcmp(v, "interp") == 0) return CPJIT_MODE_INTERP;
  return CPJIT_MODE_JIT;
}

bool host_supported() {
  // Computed once: whether this architecture has a backend and executable memory can be
  // mapped here (a hardened kernel may refuse it).
  static const bool supported = [] {
    if (jit::host_arch() == CPJIT_ARCH_NONE) return false;
    jit::CodeMemoryConfig config;
    config.limit = 1 << 16;
    std::unique_ptr<jit::CodeMemory> memory;
    return jit::CodeMemory::create(config, memory).ok();
  }();
  return supported;
}

// ---- context --------------------------------------------------------------------------------

Failure create_context(const cpjit_config *config, cpjit_context **out) {
  if (out == nullptr) return fail(CPJIT_ERR_INVALID_ARGUMENT, "no place for the context");
  cpjit_config c;
  cpjit_config_init(&c);
  if (config != nullptr) {
    if (config->struct_size < sizeof(uint32_t) || config->struct_size > sizeof(cpjit_config))
      return fail(CPJIT_ERR_INVALID_ARGUMENT, "cpjit_config.struct_size is wrong; call cpjit_config_init first");
    std::memcpy(&c, config, config->struct_size);
    c.struct_size = sizeof c;
  }
  // Enums from C may hold any int; read them as ints before trusting them.
  auto as_int = [](const auto &e) {
    int v;
    std::memcpy(&v, &e, sizeof v);
    return v;
  };
  if (as_int(c.mode) < 0 || as_int(c.mode) > CPJIT_MODE_OFF) return fail(CPJIT_ERR_INVALID_ARGUMENT, "unknown mode");
  if (as_int(c.wx_strategy) < 0 || as_int(c.wx_strategy) > CPJIT_WX_MPROTECT)
    return fail(CPJIT_ERR_INVALID_ARGUMENT, "unknown W^X strategy");
  cpjit_config defaults;
  cpjit_config_init(&defaults);
  if (c.code_memory_limit == 0) c.code_memory_limit = defaults.code_memory_limit;
  if (c.hot_threshold == 0) c.hot_threshold = defaults.hot_threshold;
  if (c.side_exit_threshold == 0) c.side_exit_threshold = defaults.side_exit_threshold;
  if (c.max_trace_length == 0) c.max_trace_length = defaults.max_trace_length;
  if (c.max_trace_length > (1u << 20)) return fail(CPJIT_ERR_INVALID_ARGUMENT, "max_trace_length above 1048576");
  cpjit_mode mode = c.mode == CPJIT_MODE_DEFAULT ? mode_from_environment() : c.mode;
  if (mode == CPJIT_MODE_JIT && !host_supported())
    return fail(CPJIT_ERR_UNSUPPORTED, "this host cannot run native code from cpjit (use CPJIT=interp or CPJIT=0)");
  auto ctx = std::make_unique<cpjit_context>();
  // Observers asked for by the config or the environment. A failing environment switch costs
  // only its own observer (with a warning: someone asked for it); a failing config is an error.
  jit::observe::ObserverConfig observe;
  if (jit::Status env = jit::observe::config_from_environment(observe); !env.ok())
    std::fprintf(stderr, "cpjit: %s\n", env.message().c_str());
  if (c.debug_flags & ~(CPJIT_DEBUG_PERF_MAP | CPJIT_DEBUG_JITDUMP | CPJIT_DEBUG_GDB))
    return fail(CPJIT_ERR_INVALID_ARGUMENT, "unknown debug flags");
  observe.perf_map |= (c.debug_flags & CPJIT_DEBUG_PERF_MAP) != 0;
  observe.jitdump |= (c.debug_flags & CPJIT_DEBUG_JITDUMP) != 0;
  observe.gdb |= (c.debug_flags & CPJIT_DEBUG_GDB) != 0;
  if (c.dump_dir != nullptr && *c.dump_dir != '\0') observe.dump_dir = c.dump_dir;
  if (mode == CPJIT_MODE_JIT && observe.any()) {
    jit::Status made = jit::observe::make_observers(observe, ctx->observer);
    if (!made.ok()) {
      if (c.debug_flags != 0 || c.dump_dir != nullptr) return from_jit(made);
      std::fprintf(stderr, "cpjit: %s\n", made.message().c_str());
    }
    if (observe.needs_private_code_memory() && c.wx_strategy == CPJIT_WX_DEFAULT) c.wx_strategy = CPJIT_WX_MPROTECT;
  }
  ctx->config = c;
  ctx->mode = mode;
  ctx->passes = c.optimizer_passes == 0 ? CPJIT_OPT_ALL : (c.optimizer_passes & CPJIT_OPT_ALL);
  if (const char *v = std::getenv("CPJIT_OPT"); v != nullptr && (std::strcmp(v, "0") == 0 || std::strcmp(v, "off") == 0))
    ctx->passes = 0;
  *out = ctx.release();
  return success();
}

namespace {

void notify(cpjit_context *ctx, const jit::Status &s) {
  if (!s.ok()) ctx->observer_errors.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

void destroy_context(cpjit_context *ctx) {
  // No call may race with this one, so nothing is running: executors the host did not free and
  // everything retired go now.
  std::vector<cpjit_executor *> live = ctx->executors;
  for (cpjit_executor *e : live) free_executor(e);
  ctx->reclaimer.drain();
  for (auto &set : ctx->sets) {
    if (set->entry.size == 0) continue;
    if (ctx->observer) notify(ctx, ctx->observer->code_freed(set->entry.address, set->entry.size));
    ctx->memory->release(set->entry);
  }
  delete ctx;
}

Failure register_stencils(cpjit_context *ctx, const cpjit_stencil_set *set, const cpjit_interp_table *interp,
                          const cpjit_symbol *symbols, size_t count, cpjit_stencils **out) {
  if (ctx == nullptr || set == nullptr || out == nullptr || (symbols == nullptr && count != 0))
    return fail(CPJIT_ERR_INVALID_ARGUMENT, "null argument");
  if (ctx->mode == CPJIT_MODE_OFF) return fail(CPJIT_ERR_UNSUPPORTED, "tier 2 is off (CPJIT=0)");
  std::vector<jit::SymbolBinding> bindings;
  for (size_t i = 0; i < count; ++i) bindings.push_back({symbols[i].name, symbols[i].address});
  auto s = std::make_unique<cpjit_stencils>();
  s->ctx = ctx;
  if (Failure f = from_jit(jit::StencilLibrary::create(set, bindings, s->lib)); !f.ok()) return f;
  const jit::StencilLibrary &lib = *s->lib;
  s->stencil_to_uop.assign(lib.size(), CPJIT_NONE);
  for (uint32_t i = 0; i < lib.size(); ++i) {
    if (lib.stencil(i).role != CPJIT_ROLE_UOP) continue;
    s->stencil_to_uop[i] = static_cast<uint32_t>(s->uops.size());
    s->uops.push_back(i);
  }
  // The optimizer's view of the uops: their metadata, or "anything may happen" without it.
  for (uint32_t id = 0; id < s->uops.size(); ++id) {
    const cpjit_stencil &st = lib.stencil(s->uops[id]);
    opt::UopInfo info;
    std::memcpy(info.widths, st.operand_widths, sizeof info.widths);
    info.calls = (st.flags & CPJIT_STENCIL_CALLS_SYMBOLS) != 0;
    if (st.meta != nullptr) {
      info.known = true;
      info.flags = st.meta->flags;
      std::memcpy(info.operands, st.meta->operands, sizeof info.operands);
      std::memcpy(info.proves, st.meta->proves, sizeof info.proves);
      std::memcpy(info.results, st.meta->results, sizeof info.results);
      info.cache_out = st.meta->cache_out;
      info.cache_in = st.meta->cache_in;
      info.given = st.meta->given;
      const bool no_operands = std::all_of(std::begin(info.operands), std::end(info.operands),
                                           [](uint8_t k) { return k == CPJIT_OPERAND_NONE; });
      if ((info.flags & CPJIT_UOP_BRANCH) && (info.flags & CPJIT_UOP_ENDS_TRACE) && no_operands &&
          s->model.jump == CPJIT_NONE)
        s->model.jump = id;
      // The plain copy, not a given variant of it (which relies on a fact about its slot).
      if ((info.flags & CPJIT_UOP_MOVE) && info.given.fact == 0 && s->model.move == CPJIT_NONE) s->model.move = id;
      if (info.flags & CPJIT_UOP_CONST) s->model.constants.push_back(id);
    } else {
      info.flags = CPJIT_UOP_ESCAPES | CPJIT_UOP_MAY_EXIT | CPJIT_UOP_MAY_ERROR;
    }
    s->model.info.push_back(info);
  }
  // Register-cache and given-fact variants (BASE__suffix, checked against BASE by the generator).
  for (uint32_t id = 0; id < s->uops.size(); ++id) {
    const opt::UopInfo &info = s->model.info[id];
    if (!info.known || (info.cache_in.cache == 0 && info.given.fact == 0)) continue;
    const std::string name = lib.stencil(s->uops[id]).name;
    const size_t at = name.rfind("__");
    const int base = at == std::string::npos ? -1 : lib.find(name.substr(0, at));
    if (base < 0 || s->stencil_to_uop[static_cast<uint32_t>(base)] == CPJIT_NONE)
      return fail(CPJIT_ERR_INVALID_STENCIL_SET, "uop " + name + " is a variant but its base uop is missing");
    const uint32_t base_uop = s->stencil_to_uop[static_cast<uint32_t>(base)];
    if (info.cache_in.cache != 0)
      s->model.variants.push_back({base_uop, info.cache_in.operand, info.cache_in.cache, id});
    else
      s->model.given.push_back({base_uop, info.given.operand, info.given.fact, id});
  }
  s->model.index();

  if (ctx->mode == CPJIT_MODE_INTERP) {
    if (interp == nullptr)
      return fail(CPJIT_ERR_UNSUPPORTED, "CPJIT=interp needs the uop interpreter (CPJIT_INTERP_<NAME>)");
    if (interp->abi_version != CPJIT_STENCIL_ABI_VERSION || interp->entry == nullptr || interp->exit_stub == nullptr ||
        interp->fall_off == nullptr || (interp->count != 0 && (interp->names == nullptr || interp->handlers == nullptr)))
      return fail(CPJIT_ERR_INVALID_STENCIL_SET, "the uop interpreter table is incomplete or from another cpjit");
    s->interp_handlers.assign(lib.size(), nullptr);
    for (uint32_t i = 0; i < interp->count; ++i) {
      int index = interp->names[i] ? lib.find(interp->names[i]) : -1;
      if (index >= 0) s->interp_handlers[static_cast<uint32_t>(index)] = interp->handlers[i];
    }
    for (uint32_t id : s->uops)
      if (s->interp_handlers[id] == nullptr)
        return fail(CPJIT_ERR_INVALID_STENCIL_SET,
                    std::string("the uop interpreter has no function for uop ") + lib.stencil(id).name);
    s->interp = interp;
  } else {
    if (lib.backend().arch != jit::host_arch())
      return fail(CPJIT_ERR_UNSUPPORTED, std::string("stencil set ") + set->name + " was built for " +
                                             (set->target ? set->target : "?") + ", not for this host");
    std::lock_guard<std::mutex> lock(ctx->mutex);
    if (!ctx->memory) {
      jit::CodeMemoryConfig mc;
      mc.limit = ctx->config.code_memory_limit;
      mc.strategy = ctx->config.wx_strategy == CPJIT_WX_MPROTECT ? jit::WxStrategy::kMprotect
                                                                  : jit::WxStrategy::kDualMapping;
      mc.near = ctx->config.near ? ctx->config.near : (count > 0 ? symbols[0].address : nullptr);
      if (Failure f = from_jit(jit::CodeMemory::create(mc, ctx->memory)); !f.ok()) return f;
    }
    if (Failure f = from_jit(jit::install_entry(*ctx->memory, lib, s->entry)); !f.ok()) return f;
    s->entry_fn = jit::code_pointer<jit::EntryFn>(s->entry.address);
    if (ctx->observer)
      notify(ctx, ctx->observer->code_installed(
                      "cpjit_entry", s->entry.address,
                      {jit::code_pointer<const uint8_t *>(s->entry.address), s->entry.size}));
    s->interp = interp;
  }
  std::lock_guard<std::mutex> lock(ctx->mutex);
  *out = s.get();
  ctx->sets.push_back(std::move(s));
  return success();
}

// ---- traces ---------------------------------------------------------------------------------

Failure append(cpjit_trace *trace, const cpjit_insn &insn, uint32_t *out_index) {
  const cpjit_stencils &set = *trace->set;
  if (trace->insns.size() >= trace->ctx->config.max_trace_length)
    return fail(CPJIT_ERR_TRACE_TOO_LONG, "the trace already has " + std::to_string(trace->insns.size()) +
                                              " instructions, the configured maximum");
  if (insn.uop >= set.uops.size())
    return fail(CPJIT_ERR_UNKNOWN_UOP, "no uop with id " + std::to_string(insn.uop) + " (the set has " +
                                           std::to_string(set.uops.size()) + ")");
  if (Failure f = from_jit(set.lib->check_operands(set.uops[insn.uop], insn.operands, trace->insns.size())); !f.ok())
    return f;
  if (out_index) *out_index = static_cast<uint32_t>(trace->insns.size());
  trace->insns.push_back(insn);
  return success();
}

namespace {

Failure validate_whole(const cpjit_trace &trace) {
  const cpjit_stencils &set = *trace.set;
  const size_t n = trace.insns.size();
  if (n == 0) return fail(CPJIT_ERR_EMPTY_TRACE, "the trace has no instructions");
  for (size_t i = 0; i < n; ++i) {
    const cpjit_insn &insn = trace.insns[i];
    const uint32_t stencil = set.uops[insn.uop];
    const auto &facts = set.lib->facts(stencil);
    const std::string where = "instruction " + std::to_string(i) + " (" + set.lib->stencil(stencil).name + ")";
    if (facts.uses_jump && insn.jump >= n)
      return fail(CPJIT_ERR_BAD_JUMP_TARGET, where + ": jump target " +
                                                 (insn.jump == CPJIT_NONE ? std::string("missing") : std::to_string(insn.jump)) +
                                                 ", the trace has " + std::to_string(n) + " instructions");
    for (unsigned k = 0; k < CPJIT_MAX_EXITS; ++k)
      if (((facts.exits_used >> k) & 1) && insn.exits[k] >= trace.exits.size())
        return fail(CPJIT_ERR_BAD_EXIT, where + ": side exit " + std::to_string(k) + " goes to " +
                                            (insn.exits[k] == CPJIT_NONE ? std::string("no exit") : "exit " + std::to_string(insn.exits[k])) +
                                            "; the trace has " + std::to_string(trace.exits.size()) + " exits");
    if (facts.uses_error && insn.error_exit >= trace.exits.size())
      return fail(CPJIT_ERR_BAD_EXIT, where + ": the uop may raise an error but its error exit " +
                                          (insn.error_exit == CPJIT_NONE ? std::string("is missing") : std::to_string(insn.error_exit) + " does not exist"));
  }
  return success();
}

// The uop interpreter's program: the instructions, a trap after the last, one instruction per
// exit running the exit stub.
void build_program(cpjit_executor &e) {
  const cpjit_stencils &set = *e.set;
  const size_t n = e.insns.size();
  e.program.assign(n + 1 + e.exit_count, cpjit_interp_insn{});
  for (size_t i = 0; i < n; ++i) {
    const jit::TraceInstruction &insn = e.insns[i];
    cpjit_interp_insn &p = e.program[i];
    p.handler = set.interp_handlers[insn.stencil];
    std::memcpy(p.operands, insn.operands, sizeof p.operands);
    p.jump = insn.jump_target >= 0 ? &e.program[static_cast<size_t>(insn.jump_target)] : nullptr;
    for (unsigned k = 0; k < CPJIT_MAX_EXITS; ++k)
      p.exits[k] = insn.exits[k] < e.exit_count ? &e.program[n + 1 + insn.exits[k]] : nullptr;
    p.error = insn.error_exit < e.exit_count ? &e.program[n + 1 + insn.error_exit] : nullptr;
  }
  e.program[n].handler = set.interp->fall_off;
  for (uint32_t x = 0; x < e.exit_count; ++x) {
    cpjit_interp_insn &p = e.program[n + 1 + x];
    p.handler = set.interp->exit_stub;
    p.operands[0] = reinterpret_cast<uintptr_t>(&e.exits[x]);
  }
}

}  // namespace

Failure end_trace(cpjit_trace *trace, cpjit_executor **out) {
  const auto started = std::chrono::steady_clock::now();
  cpjit_context *ctx = trace->ctx;
  ctx->reclaimer.collect();
  if (Failure f = validate_whole(*trace); !f.ok()) return f;
  auto e = std::make_unique<cpjit_executor>();
  e->ctx = ctx;
  e->set = trace->set;
  e->exit_count = static_cast<uint32_t>(trace->exits.size());
  e->serial = ctx->next_serial.fetch_add(1, std::memory_order_relaxed);
  e->parent_serial = trace->parent_serial;
  e->parent_exit = trace->parent_exit;
  e->exits.reset(new cpjit_exit_record[e->exit_count == 0 ? 1 : e->exit_count]());
  e->linked_to.assign(e->exit_count, nullptr);
  for (uint32_t x = 0; x < e->exit_count; ++x) {
    cpjit_exit_record &r = e->exits[x];
    r.exit_id = x;
    r.kind = trace->exits[x].kind;
    r.resume = trace->exits[x].resume;
    r.resume_aux = trace->exits[x].resume_aux;
    r.owner = e.get();
    e->exit_addresses.push_back(reinterpret_cast<uintptr_t>(&r));
  }
  // The passes work on a copy: the builder's instructions stay as the interpreter gave them.
  opt::Trace optimized = trace->insns;
  if (ctx->passes != 0) {
    opt::Stats stats;
    {
      std::lock_guard<std::mutex> lock(trace->set->fold_mutex);
      opt::optimize(trace->set->model, ctx->passes, ctx->config.max_trace_length, trace->entry_facts, optimized, stats);
    }
    std::lock_guard<std::mutex> lock(ctx->opt_stats_mutex);
    ctx->opt_stats.loops_peeled += stats.loops_peeled;
    ctx->opt_stats.guards_removed += stats.guards_removed;
    ctx->opt_stats.uops_folded += stats.uops_folded;
    ctx->opt_stats.uops_forwarded += stats.uops_forwarded;
    ctx->opt_stats.uops_removed += stats.uops_removed;
    ctx->opt_stats.uops_cached += stats.uops_cached;
    ctx->opt_stats.uops_given += stats.uops_given;
    ctx->opt_stats.slots_bound += stats.slots_bound;
  }
  if (ctx->passes & CPJIT_OPT_FACTS) {
    e->facts_known = true;
    e->entry_facts = trace->entry_facts;
  }
  e->insns.reserve(optimized.size());
  for (const cpjit_insn &insn : optimized) {
    jit::TraceInstruction t;
    t.stencil = trace->set->uops[insn.uop];
    std::memcpy(t.operands, insn.operands, sizeof t.operands);
    t.jump_target = insn.jump == CPJIT_NONE ? -1 : static_cast<int32_t>(insn.jump);
    std::memcpy(t.exits, insn.exits, sizeof t.exits);
    t.error_exit = insn.error_exit;
    e->insns.push_back(t);
  }
  if (e->facts_known) e->optimized = std::move(optimized);
  if (ctx->mode == CPJIT_MODE_INTERP) {
    build_program(*e);
  } else {
    // Side exits get link jumps when a link can be written into the running code's data.
    std::vector<uint8_t> linkable(e->exit_count, 0);
    if (!ctx->config.count_linked_exits && ctx->memory->strategy() == jit::WxStrategy::kDualMapping)
      for (uint32_t x = 0; x < e->exit_count; ++x) linkable[x] = e->exits[x].kind == CPJIT_EXIT_SIDE;
    jit::TraceSpec spec{e->insns, e->exit_addresses, linkable};
    if (Failure f = from_jit(jit::assemble_trace(*ctx->memory, *trace->set->lib, spec, e->block, e->layout)); !f.ok())
      return f;
    e->trace_id = ctx->next_trace_id.fetch_add(1, std::memory_order_relaxed);
    // Observers hear of the trace before it can first run (a debugger must know it first).
    if (ctx->observer) {
      jit::TraceDump dump = jit::dump_trace(*trace->set->lib, spec, e->layout,
                                            jit::code_pointer<const uint8_t *>(e->layout.address));
      notify(ctx, ctx->observer->trace_compiled(e->trace_id, dump));
    }
  }
  ctx->traces_compiled.fetch_add(1, std::memory_order_relaxed);
  ctx->executors_live.fetch_add(1, std::memory_order_relaxed);
  ctx->compile_ns.fetch_add(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                      std::chrono::steady_clock::now() - started)
                                                      .count()),
                            std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(ctx->mutex);
    ctx->executors.push_back(e.get());
  }
  *out = e.release();
  return success();
}

// ---- executors ------------------------------------------------------------------------------

Failure continue_exit(cpjit_trace *trace, const cpjit_executor *parent, uint32_t exit_id) {
  if (parent->set != trace->set)
    return fail(CPJIT_ERR_INVALID_ARGUMENT, "a side trace must use its parent's stencil set");
  if (exit_id >= parent->exit_count)
    return fail(CPJIT_ERR_BAD_EXIT, "exit " + std::to_string(exit_id) + " does not exist (the parent has " +
                                        std::to_string(parent->exit_count) + ")");
  trace->parent_serial = parent->serial;
  trace->parent_exit = exit_id;
  trace->entry_facts.clear();
  if (parent->facts_known) {
    std::lock_guard<std::mutex> lock(parent->facts_mutex);
    if (!parent->exit_facts)
      parent->exit_facts = opt::facts_at_exits(parent->set->model, parent->optimized, parent->exit_count, parent->entry_facts);
    trace->entry_facts = (*parent->exit_facts)[exit_id];
  }
  return success();
}

Failure run(cpjit_executor *e, void *arg, cpjit_exit_info *out) {
  cpjit_context *ctx = e->ctx;
  if (e->parent_serial != 0)
    return fail(CPJIT_ERR_INVALID_STATE, "the executor is a side trace of exit " + std::to_string(e->parent_exit) +
                                             " of another trace: it runs only linked there");
  const uint32_t phase = ctx->reclaimer.enter();
  if (!e->valid.load(std::memory_order_acquire)) {
    ctx->reclaimer.leave(phase);
    return fail(CPJIT_ERR_INVALIDATED, "the executor was invalidated");
  }
  // A statistic: a plain load and store, not a locked increment (threads running the same
  // executor at once may lose a count, as exit hits may).
  e->runs.store(e->runs.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  uintptr_t result;
  if (ctx->mode == CPJIT_MODE_INTERP) result = e->set->interp->entry(e->program.data(), arg);
  else result = jit::observe::enter_trace(e->set->entry.address, e->layout.address, arg);  // a frame record for unwinders
  // The record may belong to a linked side trace: read it before leaving, while it is
  // guaranteed to exist.
  const cpjit_exit_record *record = reinterpret_cast<const cpjit_exit_record *>(result);
  if (out != nullptr) {
    out->executor = static_cast<cpjit_executor *>(record->owner);
    out->exit_id = record->exit_id;
    out->kind = record->kind;
    out->resume = record->resume;
    out->resume_aux = record->resume_aux;
    out->hits = __atomic_load_n(&record->hits, __ATOMIC_RELAXED);
  }
  ctx->reclaimer.leave(phase);
  return success();
}

namespace {

// Exit `exit_id` of `from` goes on into `to` (null: back to the interpreter), through its stub
// and, in native code, its link jump. Under ctx->mutex.
void set_link(cpjit_executor *from, uint32_t exit_id, const cpjit_executor *to) {
  __atomic_store_n(&from->exits[exit_id].link, to != nullptr ? to->link_address() : nullptr, __ATOMIC_RELEASE);
  // The link jump's slot, written through code memory's writable view (native code only).
  const jit::TraceLayout &l = from->layout;
  if (exit_id >= l.link_slot_offsets.size() || l.link_slot_offsets[exit_id] == UINT32_MAX) return;
  if (uint64_t *slot = from->ctx->memory->live_word(l.address + l.link_slot_offsets[exit_id])) {
    const uint64_t target =
        to != nullptr ? reinterpret_cast<uintptr_t>(to->link_address()) : l.unlinked_target(exit_id);
    __atomic_store_n(slot, target, __ATOMIC_RELEASE);
  }
}

// Under ctx->mutex.
void drop_link(cpjit_executor *from, uint32_t exit_id) {
  cpjit_executor *to = from->linked_to[exit_id];
  if (to == nullptr) return;
  cpjit_exit_record *record = &from->exits[exit_id];
  set_link(from, exit_id, nullptr);
  auto &in = to->inbound;
  in.erase(std::remove(in.begin(), in.end(), record), in.end());
  from->linked_to[exit_id] = nullptr;
}

}  // namespace

Failure link(cpjit_executor *from, uint32_t exit_id, cpjit_executor *side) {
  if (from->set != side->set)
    return fail(CPJIT_ERR_INVALID_ARGUMENT, "a trace can only be linked to one of the same stencil set");
  if (exit_id >= from->exit_count)
    return fail(CPJIT_ERR_BAD_EXIT, "exit " + std::to_string(exit_id) + " does not exist (the executor has " +
                                        std::to_string(from->exit_count) + ")");
  if (side->parent_serial != 0 && (side->parent_serial != from->serial || side->parent_exit != exit_id))
    return fail(CPJIT_ERR_INVALID_ARGUMENT, "the side trace continues another exit (cpjit_trace_continue_exit), not exit " +
                                                std::to_string(exit_id) + " of this trace: what it assumes at entry would not hold");
  std::lock_guard<std::mutex> lock(from->ctx->mutex);
  if (!side->valid.load(std::memory_order_acquire))
    return fail(CPJIT_ERR_INVALIDATED, "the side trace was invalidated");
  drop_link(from, exit_id);
  from->linked_to[exit_id] = side;
  side->inbound.push_back(&from->exits[exit_id]);
  set_link(from, exit_id, side);
  return success();
}

Failure unlink(cpjit_executor *from, uint32_t exit_id) {
  if (exit_id >= from->exit_count) return fail(CPJIT_ERR_BAD_EXIT, "exit " + std::to_string(exit_id) + " does not exist");
  std::lock_guard<std::mutex> lock(from->ctx->mutex);
  drop_link(from, exit_id);
  return success();
}

void invalidate(cpjit_executor *e) {
  std::lock_guard<std::mutex> lock(e->ctx->mutex);
  e->valid.store(false, std::memory_order_release);
  // Whatever links here now exits to the interpreter instead.
  for (cpjit_exit_record *record : e->inbound) {
    cpjit_executor *from = static_cast<cpjit_executor *>(record->owner);
    set_link(from, record->exit_id, nullptr);
    from->linked_to[record->exit_id] = nullptr;
  }
  e->inbound.clear();
}

void free_executor(cpjit_executor *e) {
  invalidate(e);
  cpjit_context *ctx = e->ctx;
  {
    std::lock_guard<std::mutex> lock(ctx->mutex);
    for (uint32_t x = 0; x < e->exit_count; ++x) drop_link(e, x);
    auto &all = ctx->executors;
    all.erase(std::remove(all.begin(), all.end(), e), all.end());
  }
  ctx->executors_live.fetch_sub(1, std::memory_order_relaxed);
  // Runs that started before now may still be inside this code (directly or through a link
  // taken before the links were dropped): the memory goes once they have all returned.
  ctx->reclaimer.retire([e] {
    if (e->block.size != 0) {
      if (e->ctx->observer) notify(e->ctx, e->ctx->observer->trace_freed(e->trace_id, e->layout.address, e->layout.size));
      e->ctx->memory->release(e->block);
    }
    delete e;
  });
}

Failure dump(const cpjit_executor *e, const std::string &path) {
  if (e->ctx->mode != CPJIT_MODE_JIT || e->block.size == 0)
    return fail(CPJIT_ERR_UNSUPPORTED, "the executor runs in the uop interpreter: it has no machine code to dump");
  jit::TraceSpec spec{e->insns, e->exit_addresses};
  jit::TraceDump d = jit::dump_trace(*e->set->lib, spec, e->layout, jit::code_pointer<const uint8_t *>(e->layout.address));
  const std::string json = jit::observe::dump_to_json(d, jit::observe::trace_name(e->trace_id));
  const std::string temp = path + ".tmp." + std::to_string(e->trace_id);
  std::FILE *f = std::fopen(temp.c_str(), "wb");
  if (f == nullptr) return fail(CPJIT_ERR_SYSTEM, "cannot write " + temp + ": " + std::strerror(errno));
  bool written = std::fwrite(json.data(), 1, json.size(), f) == json.size();
  written &= std::fclose(f) == 0;
  if (!written || std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    return fail(CPJIT_ERR_SYSTEM, "cannot write " + path + ": " + std::strerror(errno));
  }
  return success();
}

}  // namespace cpjit::rt

const void *cpjit_executor::link_address() const {
  if (ctx->mode == CPJIT_MODE_INTERP) return program.data();
  return reinterpret_cast<const void *>(static_cast<uintptr_t>(layout.address));
}
