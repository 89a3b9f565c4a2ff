// The C API: argument checks, the thread's last error, and no exception ever crosses it.
#include <cpjit/cpjit.h>

#include <cstring>
#include <new>
#include <string>

#include "runtime.h"

using cpjit::rt::Failure;

namespace {

// The detailed message of the calling thread's last failure. Per thread, so no context state
// is shared by it.
thread_local std::string t_last_error;

cpjit_status report(const Failure &f) {
  t_last_error = f.message;
  return f.status;
}

cpjit_status invalid(const char *what) { return report(cpjit::rt::fail(CPJIT_ERR_INVALID_ARGUMENT, what)); }

// Writes `value` into the caller's struct `out` as far as the caller's struct_size reaches (see
// cpjit.h): a caller built against a shorter struct gets its prefix, bytes beyond it untouched.
template <typename T>
cpjit_status fill_sized(T *out, const T &value, const char *what) {
  if (out == nullptr) return invalid("null argument");
  if (out->struct_size < sizeof out->struct_size)
    return report(cpjit::rt::fail(CPJIT_ERR_INVALID_ARGUMENT,
                                  std::string(what) + ".struct_size is not set (the caller sets it to sizeof its struct)"));
  const uint32_t size = out->struct_size < sizeof(T) ? out->struct_size : static_cast<uint32_t>(sizeof(T));
  T copy = value;
  copy.struct_size = size;
  std::memcpy(static_cast<void *>(out), &copy, size);
  t_last_error.clear();
  return CPJIT_OK;
}

// Runs `body` (returning Failure) with every exception turned into a status.
template <typename Body>
cpjit_status guarded(Body &&body) {
  try {
    Failure f = body();
    if (f.ok()) {
      t_last_error.clear();
      return CPJIT_OK;
    }
    return report(f);
  } catch (const std::bad_alloc &) {
    return report(cpjit::rt::fail(CPJIT_ERR_OUT_OF_MEMORY, "out of memory"));
  } catch (const std::exception &e) {
    return report(cpjit::rt::fail(CPJIT_ERR_SYSTEM, e.what()));
  } catch (...) {
    return report(cpjit::rt::fail(CPJIT_ERR_SYSTEM, "unexpected failure"));
  }
}

const char *const kStatusStrings[] = {
    "ok",
    "invalid argument",
    "out of memory",
    "code memory exhausted",
    "unsupported",
    "invalid stencil set",
    "unresolved symbol",
    "unknown uop",
    "operand too wide",
    "bad jump target",
    "bad exit",
    "empty trace",
    "trace too long",
    "out of range",
    "invalidated",
    "invalid state",
    "system error",
};
static_assert(sizeof kStatusStrings / sizeof kStatusStrings[0] == CPJIT_STATUS_COUNT);

#define CPJIT_STR2(x) #x
#define CPJIT_STR(x) CPJIT_STR2(x)

}  // namespace

extern "C" {

const char *cpjit_version(void) {
  return CPJIT_STR(CPJIT_VERSION_MAJOR) "." CPJIT_STR(CPJIT_VERSION_MINOR) "." CPJIT_STR(CPJIT_VERSION_PATCH);
}
unsigned cpjit_version_number(void) { return CPJIT_VERSION_NUMBER; }

const char *cpjit_status_string(cpjit_status status) {
  // A C caller may pass any int: read it as one (loading an out-of-range enum is undefined in C++).
  int value;
  std::memcpy(&value, &status, sizeof value);
  return value >= 0 && value < CPJIT_STATUS_COUNT ? kStatusStrings[value] : "unknown status";
}
const char *cpjit_last_error(void) { return t_last_error.c_str(); }

int cpjit_is_supported(void) {
  try {
    return cpjit::rt::host_supported() ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

const char *cpjit_build_target(void) {
#if defined(__x86_64__)
  return "x86_64-linux-gnu";
#elif defined(__aarch64__)
  return "aarch64-linux-gnu";
#else
  return "unknown";
#endif
}

cpjit_mode cpjit_mode_from_environment(void) { return cpjit::rt::mode_from_environment(); }

void cpjit_config_init(cpjit_config *config) {
  if (config == nullptr) return;
  *config = cpjit_config{};
  config->struct_size = sizeof(cpjit_config);
  config->mode = CPJIT_MODE_DEFAULT;
  config->code_memory_limit = size_t{64} << 20;
  config->hot_threshold = 56;
  config->side_exit_threshold = 16;
  config->max_trace_length = 4096;
  config->wx_strategy = CPJIT_WX_DEFAULT;
}

cpjit_status cpjit_context_create(const cpjit_config *config, cpjit_context **out) {
  return guarded([&] { return cpjit::rt::create_context(config, out); });
}

void cpjit_context_destroy(cpjit_context *ctx) {
  if (ctx == nullptr) return;
  try {
    cpjit::rt::destroy_context(ctx);
  } catch (...) {
  }
}

cpjit_mode cpjit_context_mode(const cpjit_context *ctx) { return ctx ? ctx->mode : CPJIT_MODE_OFF; }

cpjit_status cpjit_context_config(const cpjit_context *ctx, cpjit_config *out) {
  if (ctx == nullptr) return invalid("null argument");
  return fill_sized(out, ctx->config, "cpjit_config");
}

cpjit_status cpjit_context_stats_get(const cpjit_context *ctx, cpjit_context_stats *out) {
  if (ctx == nullptr || out == nullptr) return invalid("null argument");
  cpjit_context_stats stats{};
  stats.traces_compiled = ctx->traces_compiled.load(std::memory_order_relaxed);
  stats.compile_failures = ctx->compile_failures.load(std::memory_order_relaxed);
  stats.executors_live = ctx->executors_live.load(std::memory_order_relaxed);
  stats.compile_ns = ctx->compile_ns.load(std::memory_order_relaxed);
  stats.observer_errors = ctx->observer_errors.load(std::memory_order_relaxed);
  const cpjit_status locked = guarded([&] {
    std::lock_guard<std::mutex> lock(const_cast<cpjit_context *>(ctx)->opt_stats_mutex);
    stats.loops_peeled = ctx->opt_stats.loops_peeled;
    stats.guards_removed = ctx->opt_stats.guards_removed;
    stats.uops_folded = ctx->opt_stats.uops_folded;
    stats.uops_forwarded = ctx->opt_stats.uops_forwarded;
    stats.uops_removed = ctx->opt_stats.uops_removed;
    stats.uops_cached = ctx->opt_stats.uops_cached;
    stats.uops_given = ctx->opt_stats.uops_given;
    stats.slots_bound = ctx->opt_stats.slots_bound;
    return Failure{};
  });
  if (locked != CPJIT_OK) return locked;
  if (ctx->memory) {
    cpjit::jit::CodeMemoryStats s = ctx->memory->stats();
    stats.code_bytes = s.in_use;
    stats.code_bytes_peak = s.peak;
  }
  return fill_sized(out, stats, "cpjit_context_stats");
}

cpjit_status cpjit_register_stencils(cpjit_context *ctx, const cpjit_stencil_set *set, const cpjit_interp_table *interp,
                                     const cpjit_symbol *symbols, size_t symbol_count, cpjit_stencils **out) {
  return guarded([&] { return cpjit::rt::register_stencils(ctx, set, interp, symbols, symbol_count, out); });
}

cpjit_status cpjit_uop_lookup(const cpjit_stencils *stencils, const char *name, uint32_t *out) {
  if (stencils == nullptr || name == nullptr || out == nullptr) return invalid("null argument");
  int index = stencils->lib->find(name);
  if (index < 0 || stencils->stencil_to_uop[static_cast<uint32_t>(index)] == CPJIT_NONE)
    return report(cpjit::rt::fail(CPJIT_ERR_UNKNOWN_UOP, std::string("no uop named ") + name));
  *out = stencils->stencil_to_uop[static_cast<uint32_t>(index)];
  t_last_error.clear();
  return CPJIT_OK;
}

uint32_t cpjit_uop_count(const cpjit_stencils *stencils) {
  return stencils ? static_cast<uint32_t>(stencils->uops.size()) : 0;
}

const char *cpjit_uop_name(const cpjit_stencils *stencils, uint32_t uop) {
  if (stencils == nullptr || uop >= stencils->uops.size()) return nullptr;
  return stencils->lib->stencil(stencils->uops[uop]).name;
}

const cpjit_uop_meta *cpjit_uop_info(const cpjit_stencils *stencils, uint32_t uop) {
  if (stencils == nullptr || uop >= stencils->uops.size()) return nullptr;
  return stencils->lib->stencil(stencils->uops[uop]).meta;
}

cpjit_status cpjit_stencils_set_fold(cpjit_stencils *stencils, cpjit_fold_fn fold, void *user) {
  if (stencils == nullptr) return invalid("null stencil set");
  std::lock_guard<std::mutex> lock(stencils->fold_mutex);
  stencils->model.fold = fold;
  stencils->model.fold_user = user;
  t_last_error.clear();
  return CPJIT_OK;
}

void cpjit_insn_init(cpjit_insn *insn, uint32_t uop) {
  if (insn == nullptr) return;
  *insn = cpjit_insn{};
  insn->uop = uop;
  insn->jump = CPJIT_NONE;
  for (uint32_t &e : insn->exits) e = CPJIT_NONE;
  insn->error_exit = CPJIT_NONE;
}

cpjit_status cpjit_trace_begin(cpjit_context *ctx, cpjit_stencils *stencils, cpjit_trace **out) {
  if (ctx == nullptr || stencils == nullptr || out == nullptr) return invalid("null argument");
  if (stencils->ctx != ctx) return invalid("the stencil set belongs to another context");
  return guarded([&] {
    if (ctx->mode == CPJIT_MODE_OFF) return cpjit::rt::fail(CPJIT_ERR_UNSUPPORTED, "tier 2 is off (CPJIT=0)");
    auto *t = new cpjit_trace();
    t->ctx = ctx;
    t->set = stencils;
    *out = t;
    return cpjit::rt::success();
  });
}

cpjit_status cpjit_trace_add_exit(cpjit_trace *trace, const cpjit_exit_desc *exit, uint32_t *out_id) {
  if (trace == nullptr || exit == nullptr) return invalid("null argument");
  return guarded([&] {
    if (exit->kind != CPJIT_EXIT_SIDE && exit->kind != CPJIT_EXIT_ERROR)
      return cpjit::rt::fail(CPJIT_ERR_INVALID_ARGUMENT, "exit kind must be CPJIT_EXIT_SIDE or CPJIT_EXIT_ERROR");
    if (trace->exits.size() >= trace->ctx->config.max_trace_length)
      return cpjit::rt::fail(CPJIT_ERR_TRACE_TOO_LONG, "too many exits");
    if (out_id) *out_id = static_cast<uint32_t>(trace->exits.size());
    trace->exits.push_back(*exit);
    return cpjit::rt::success();
  });
}

cpjit_status cpjit_trace_append(cpjit_trace *trace, const cpjit_insn *insn, uint32_t *out_index) {
  if (trace == nullptr || insn == nullptr) return invalid("null argument");
  return guarded([&] { return cpjit::rt::append(trace, *insn, out_index); });
}

cpjit_status cpjit_trace_continue_exit(cpjit_trace *trace, const cpjit_executor *parent, uint32_t exit_id) {
  if (trace == nullptr || parent == nullptr) return invalid("null argument");
  return guarded([&] { return cpjit::rt::continue_exit(trace, parent, exit_id); });
}

cpjit_status cpjit_trace_end(cpjit_trace *trace, cpjit_executor **out) {
  if (trace == nullptr) return invalid("null argument");
  cpjit_context *ctx = trace->ctx;
  cpjit_status s = out == nullptr ? invalid("no place for the executor")
                                  : guarded([&] { return cpjit::rt::end_trace(trace, out); });
  if (s != CPJIT_OK) ctx->compile_failures.fetch_add(1, std::memory_order_relaxed);
  delete trace;
  return s;
}

void cpjit_trace_abandon(cpjit_trace *trace) { delete trace; }

cpjit_status cpjit_executor_run(cpjit_executor *executor, void *arg, cpjit_exit_info *out) {
  if (executor == nullptr) return invalid("null executor");
  return guarded([&] { return cpjit::rt::run(executor, arg, out); });
}

cpjit_status cpjit_executor_link(cpjit_executor *from, uint32_t exit_id, cpjit_executor *side) {
  if (from == nullptr || side == nullptr) return invalid("null executor");
  return guarded([&] { return cpjit::rt::link(from, exit_id, side); });
}

cpjit_status cpjit_executor_unlink(cpjit_executor *from, uint32_t exit_id) {
  if (from == nullptr) return invalid("null executor");
  return guarded([&] { return cpjit::rt::unlink(from, exit_id); });
}

cpjit_status cpjit_executor_invalidate(cpjit_executor *executor) {
  if (executor == nullptr) return invalid("null executor");
  return guarded([&] {
    cpjit::rt::invalidate(executor);
    return cpjit::rt::success();
  });
}

void cpjit_executor_free(cpjit_executor *executor) {
  if (executor == nullptr) return;
  try {
    cpjit::rt::free_executor(executor);
  } catch (...) {
  }
}

int cpjit_executor_valid(const cpjit_executor *executor) {
  return executor && executor->valid.load(std::memory_order_acquire) ? 1 : 0;
}

cpjit_status cpjit_executor_stats_get(const cpjit_executor *executor, cpjit_executor_stats *out) {
  if (executor == nullptr || out == nullptr) return invalid("null argument");
  cpjit_executor_stats stats{};
  stats.instructions = static_cast<uint32_t>(executor->insns.size());
  stats.exits = executor->exit_count;
  stats.code_bytes = executor->block.size;
  stats.entry_address = executor->block.size ? executor->layout.address : 0;
  stats.runs = executor->runs.load(std::memory_order_relaxed);
  return fill_sized(out, stats, "cpjit_executor_stats");
}

cpjit_status cpjit_executor_exit_hits(const cpjit_executor *executor, uint32_t exit_id, uint64_t *out) {
  if (executor == nullptr || out == nullptr) return invalid("null argument");
  if (exit_id >= executor->exit_count)
    return report(cpjit::rt::fail(CPJIT_ERR_BAD_EXIT, "exit " + std::to_string(exit_id) + " does not exist"));
  *out = __atomic_load_n(&executor->exits[exit_id].hits, __ATOMIC_RELAXED);
  t_last_error.clear();
  return CPJIT_OK;
}

cpjit_status cpjit_executor_dump(const cpjit_executor *executor, const char *path) {
  if (executor == nullptr || path == nullptr) return invalid("null argument");
  return guarded([&] { return cpjit::rt::dump(executor, path); });
}

}  // extern "C"
