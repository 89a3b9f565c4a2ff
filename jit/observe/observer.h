// Observers: what the runtime tells debuggers, profilers and dump files about compiled code.
//
// The runtime holds at most one TraceObserver (make_observers() combines several) and calls it
// on the compile path only when it holds one: with every switch off the factory returns null
// and compiling pays one null check, nothing else (no dump is built, no file is opened).
//
//   compile:  assemble_trace(...)                           code published
//             if (observer) {
//               TraceDump d = dump_trace(lib, spec, layout, code_pointer<const uint8_t *>(layout.address));
//               Status s = observer->trace_compiled(id, d);  before the trace first runs
//             }
//   free:     if (observer) observer->trace_freed(id, layout.address, layout.size);
//             memory.release(block);                         after: no stale symbols over reused code
//
// Contract for callers:
//   - trace_compiled() after the code is published and before it first runs (a debugger must
//     know a trace before it can stop in it, a profiler before it samples it);
//   - trace_freed() once per compiled trace, after no thread runs it and before its memory is
//     released; ids are unique among live traces;
//   - any thread may call, concurrently: every observer serialises what it shares;
//   - a failure is a Status, never an exception or an abort; the trace is usable whatever an
//     observer returns, so the runtime may count, log or ignore the error and keep going.
// For backtraces through JIT code, run traces with enter_trace() (enter.h), see there.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "assembler.h"
#include "status.h"

namespace cpjit::jit::observe {

class TraceObserver {
 public:
  virtual ~TraceObserver();
  // A trace was published at dump.address; `dump` is only borrowed for the call.
  virtual Status trace_compiled(uint64_t trace_id, const TraceDump &dump) = 0;
  // Trace `trace_id` (published at `address`, `size` bytes) is about to be released.
  virtual Status trace_freed(uint64_t trace_id, uint64_t address, size_t size) = 0;
  // Code that is not a trace, such as the entry shim installed by install_entry(): one named
  // range. Same timing rules as for traces. By default ignored.
  virtual Status code_installed(std::string_view name, uint64_t address, std::span<const uint8_t> bytes);
  virtual Status code_freed(uint64_t address, size_t size);
};

// Several observers behind one: each is called in order; the first failure is returned after
// every observer has been called (one failing observer never starves the others).
class ObserverList final : public TraceObserver {
 public:
  explicit ObserverList(std::vector<std::unique_ptr<TraceObserver>> observers);
  Status trace_compiled(uint64_t trace_id, const TraceDump &dump) override;
  Status trace_freed(uint64_t trace_id, uint64_t address, size_t size) override;
  Status code_installed(std::string_view name, uint64_t address, std::span<const uint8_t> bytes) override;
  Status code_freed(uint64_t address, size_t size) override;
  size_t size() const { return observers_.size(); }

 private:
  std::vector<std::unique_ptr<TraceObserver>> observers_;
};

// What to observe. The environment switches map onto it (config_from_environment):
//   CPJIT_DUMP=<dir>              write <dir>/trace<N>.json per compiled trace (dir is created)
//   CPJIT_PERF=map                append to /tmp/perf-<pid>.map (perf's fixed location)
//   CPJIT_PERF=jitdump            write <CPJIT_PERF_DIR or /tmp>/jit-<pid>.dump for perf inject
//   CPJIT_PERF=map,jitdump        both
//   CPJIT_GDB=1                   register traces with GDB's JIT interface
// Unset, empty or "0" means off.
struct ObserverConfig {
  std::string dump_dir;
  bool perf_map = false;
  bool jitdump = false;
  std::string jitdump_dir = "/tmp";
  bool gdb = false;
  bool any() const { return !dump_dir.empty() || perf_map || jitdump || gdb; }
  // Whether the code memory should be a private mapping (WxStrategy::kMprotect) rather than the
  // dual-mapped memfd: perf reads a perf map only for memory it considers anonymous, and the
  // kernel refuses ptrace writes to a shared read-only mapping, so gdb cannot plant software
  // breakpoints in dual-mapped code (hardware ones, `hbreak`, still work). Backtraces, symbols,
  // jitdump and dump files work with either strategy.
  bool needs_private_code_memory() const { return perf_map || gdb; }
};

// Reads the switches through `getenv` (a parameter so tests need not touch the process
// environment; null means ::getenv). A value it does not understand is a kUnsupported status
// naming the variable and the values it takes; the valid switches are still set in `out`.
using GetEnv = const char *(*)(const char *name);
Status config_from_environment(ObserverConfig &out, GetEnv getenv_fn = nullptr);

// Builds the observers `config` asks for; `out` is null when it asks for none. An observer
// that cannot be set up (directory not creatable, file not writable) is left out and its
// failure is returned; the others are still built, so a bad CPJIT_DUMP never costs the
// perf map. Several failures are reported in one message.
Status make_observers(const ObserverConfig &config, std::unique_ptr<TraceObserver> &out);

// config_from_environment() then make_observers(): what the runtime calls once per context,
// before it creates its code memory (see needs_private_code_memory; `config`, when given,
// receives what was read). Null and ok when no switch is set.
Status observers_from_environment(std::unique_ptr<TraceObserver> &out, GetEnv getenv_fn = nullptr,
                                  ObserverConfig *config = nullptr);

}  // namespace cpjit::jit::observe
