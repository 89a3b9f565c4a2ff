// The runtime behind the C API: contexts, registered stencil sets, trace builders, executors.
#pragma once

#include <cpjit/cpjit.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "assembler.h"
#include "code_memory.h"
#include "observe/observer.h"
#include "opt/optimizer.h"
#include "reclaim.h"
#include "stencil_library.h"

namespace cpjit::rt {

// The failure of a runtime operation: a public status and a message for cpjit_last_error().
struct Failure {
  cpjit_status status = CPJIT_OK;
  std::string message;
  bool ok() const { return status == CPJIT_OK; }
};
Failure fail(cpjit_status status, std::string message);
Failure from_jit(const jit::Status &status);
inline Failure success() { return {}; }

struct Executor;

}  // namespace cpjit::rt

// The opaque handles of the C API are these structs.
struct cpjit_stencils {
  cpjit_context *ctx = nullptr;
  std::unique_ptr<cpjit::jit::StencilLibrary> lib;
  const cpjit_interp_table *interp = nullptr;
  std::vector<uint32_t> uops;               // uop id -> stencil index
  std::vector<uint32_t> stencil_to_uop;     // stencil index -> uop id (CPJIT_NONE for others)
  std::vector<const void *> interp_handlers;  // per stencil index
  cpjit::jit::CodeMemory::Block entry;      // the installed entry shim (JIT mode)
  cpjit::jit::EntryFn entry_fn = nullptr;
  cpjit::opt::Uops model;                   // what the optimizer knows of each uop
  std::mutex fold_mutex;                    // the fold hook may be replaced while compiling
};

struct cpjit_context {
  cpjit_config config{};
  cpjit_mode mode = CPJIT_MODE_JIT;
  std::unique_ptr<cpjit::jit::CodeMemory> memory;  // created at the first registration (JIT)
  std::mutex mutex;                                // sets, links, executor list
  std::vector<std::unique_ptr<cpjit_stencils>> sets;
  std::vector<cpjit_executor *> executors;        // live handles, freed at teardown if still there
  cpjit::rt::Reclaimer reclaimer;
  std::atomic<uint64_t> traces_compiled{0};
  std::atomic<uint64_t> compile_failures{0};
  std::atomic<uint64_t> executors_live{0};
  std::atomic<uint64_t> compile_ns{0};
  // Debuggers, profilers and dump files; null when none is switched on.
  std::unique_ptr<cpjit::jit::observe::TraceObserver> observer;
  std::atomic<uint64_t> next_trace_id{0};
  std::atomic<uint64_t> next_serial{1};
  std::atomic<uint64_t> observer_errors{0};
  uint32_t passes = CPJIT_OPT_ALL;  // effective optimizer passes
  std::mutex opt_stats_mutex;
  cpjit::opt::Stats opt_stats;
};

struct cpjit_trace {
  cpjit_context *ctx = nullptr;
  cpjit_stencils *set = nullptr;
  std::vector<cpjit_insn> insns;
  std::vector<cpjit_exit_desc> exits;
  // A side trace of an exit (cpjit_trace_continue_exit): that exit, and what held there.
  uint64_t parent_serial = 0;
  uint32_t parent_exit = CPJIT_NONE;
  cpjit::opt::Facts entry_facts;
};

struct cpjit_executor {
  cpjit_context *ctx = nullptr;
  cpjit_stencils *set = nullptr;
  std::vector<cpjit::jit::TraceInstruction> insns;  // what was compiled (dumps)
  std::unique_ptr<cpjit_exit_record[]> exits;       // stable: stubs and links point here
  uint32_t exit_count = 0;
  std::vector<uint64_t> exit_addresses;             // operand 0 of each exit stub
  // Native code.
  cpjit::jit::CodeMemory::Block block;
  cpjit::jit::TraceLayout layout;
  // Uop interpreter.
  std::vector<cpjit_interp_insn> program;
  uint64_t trace_id = 0;  // names it for observers: trace<N>
  uint64_t serial = 0;    // unique in the context (an address may be reused after a free)
  // For side traces (cpjit_trace_continue_exit): the optimized trace and what held at its
  // entry, from which what holds at its exits is worked out when the first side trace asks
  // (exit_facts, under facts_mutex); only when the facts pass ran (facts_known).
  cpjit::opt::Trace optimized;
  cpjit::opt::Facts entry_facts;
  bool facts_known = false;
  mutable std::mutex facts_mutex;
  mutable std::optional<std::vector<cpjit::opt::Facts>> exit_facts;
  // A side trace: entered only through exit parent_exit of the executor numbered parent_serial.
  uint64_t parent_serial = 0;
  uint32_t parent_exit = CPJIT_NONE;
  std::atomic<bool> valid{true};
  std::atomic<uint64_t> runs{0};
  // Links, guarded by ctx->mutex: exit records (of any executor) whose link points here, and
  // for each of our exits, the executor it links to.
  std::vector<cpjit_exit_record *> inbound;
  std::vector<cpjit_executor *> linked_to;

  // What an exit links to: the native entry or the first interpreter instruction.
  const void *link_address() const;
};

namespace cpjit::rt {

Failure create_context(const cpjit_config *config, cpjit_context **out);
void destroy_context(cpjit_context *ctx);
Failure register_stencils(cpjit_context *ctx, const cpjit_stencil_set *set, const cpjit_interp_table *interp,
                          const cpjit_symbol *symbols, size_t count, cpjit_stencils **out);
Failure append(cpjit_trace *trace, const cpjit_insn &insn, uint32_t *out_index);
Failure continue_exit(cpjit_trace *trace, const cpjit_executor *parent, uint32_t exit_id);
Failure end_trace(cpjit_trace *trace, cpjit_executor **out);
Failure run(cpjit_executor *executor, void *arg, cpjit_exit_info *out);
Failure link(cpjit_executor *from, uint32_t exit_id, cpjit_executor *side);
Failure unlink(cpjit_executor *from, uint32_t exit_id);
void invalidate(cpjit_executor *executor);
void free_executor(cpjit_executor *executor);
Failure dump(const cpjit_executor *executor, const std::string &path);

cpjit_mode mode_from_environment();
bool host_supported();

}  // namespace cpjit::rt
