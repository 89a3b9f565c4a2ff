// A host program that compiles sample traces into real code memory, tells the observers the
// environment asks for (CPJIT_GDB, CPJIT_PERF, CPJIT_DUMP) and runs the traces through
// enter_trace(). The gdb and perf tests drive it:
//   jit_program gdb [dual|mprotect]         one trace calling a helper; gdb stops in it by
//                                           breaking on cpjit_sample_helper,
//                                           inspect_trace_ready and inspect_after_free
//   jit_program perf <ms> [dual|mprotect]   two loops kept hot for about <ms> ms of CPU
// The code memory is dual-mapped or mprotect'ed as asked, else what the observers need
// (ObserverConfig::needs_private_code_memory), as a runtime would choose.
// Exit status 0 when every trace computed what plain C++ computes.
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "assembler.h"
#include "observe/enter.h"
#include "observe/observer.h"
#include "sample_reference.h"
#include "sample_vm.h"
#include "samples.h"

using namespace cpjit::jit;

extern "C" {

// Helpers the sample stencils call.
__attribute__((noinline)) int64_t cpjit_sample_helper(struct cpjit_sample_frame *frame, int64_t value) {
  frame->helper_calls++;
  return value * 3 + 1;
}
__attribute__((noinline)) double cpjit_sample_hypot(double x, double y) { return std::hypot(x, y); }

// Where the debugger stops: the trace is registered (and not yet run), or already freed.
// g_trace_address holds the trace's address at both stops.
volatile uint64_t g_trace_address = 0;
__attribute__((noinline)) void inspect_trace_ready() { __asm__ volatile("" ::: "memory"); }
__attribute__((noinline)) void inspect_after_free() { __asm__ volatile("" ::: "memory"); }

}  // extern "C"

namespace {

#define CPJIT_PROGRAM_SYMBOL(name) SymbolBinding{#name, reinterpret_cast<const void *>(&name)},
const SymbolBinding kSymbols[] = {CPJIT_STENCILS_SAMPLES_SYMBOLS(CPJIT_PROGRAM_SYMBOL)};
#undef CPJIT_PROGRAM_SYMBOL

[[noreturn]] void fail(const std::string &what, const Status &s) {
  std::fprintf(stderr, "jit_program: %s: %s\n", what.c_str(), s.message().c_str());
  std::exit(1);
}

void warn(const char *what, const Status &s) {
  if (!s.ok()) std::fprintf(stderr, "jit_program: warning: %s: %s\n", what, s.message().c_str());
}

struct Insn {
  const char *name;
  std::vector<int64_t> operands;
  int32_t jump = -1;
  uint32_t exit0 = kNoExit;
};

class Program {
 public:
  // `strategy` "dual" or "mprotect", or empty: what the observers ask for, as a runtime does.
  explicit Program(const std::string &strategy) {
    observe::ObserverConfig wanted;
    warn("observers", observe::observers_from_environment(observer_, nullptr, &wanted));
    CodeMemoryConfig config;
    config.strategy = strategy == "mprotect" || (strategy.empty() && wanted.needs_private_code_memory())
                          ? WxStrategy::kMprotect
                          : WxStrategy::kDualMapping;
    config.near = reinterpret_cast<const void *>(&cpjit_sample_helper);
    Status s = CodeMemory::create(config, memory_);
    if (!s.ok()) fail("code memory", s);
    s = StencilLibrary::create(CPJIT_STENCILS_SAMPLES, kSymbols, lib_);
    if (!s.ok()) fail("stencil library", s);
    s = install_entry(*memory_, *lib_, entry_);
    if (!s.ok()) fail("entry shim", s);
    std::printf("code memory: %s\n", config.strategy == WxStrategy::kMprotect ? "mprotect" : "dual mapping");
    if (observer_) {
      const auto *bytes = code_pointer<const uint8_t *>(entry_.address);
      warn("entry shim observer", observer_->code_installed("cpjit_entry", entry_.address, {bytes, entry_.size}));
    }
  }

  ~Program() {
    for (Compiled &c : traces_) {
      if (observer_) warn("trace_freed", observer_->trace_freed(c.id, c.block.address, c.block.size));
      memory_->release(c.block);
    }
    if (observer_) warn("code_freed", observer_->code_freed(entry_.address, entry_.size));
    memory_->release(entry_);
  }

  // Compiles a trace and announces it; returns its address.
  uint64_t compile(const std::vector<Insn> &insns) {
    std::vector<TraceInstruction> trace;
    for (const Insn &i : insns) {
      const int index = lib_->find(i.name);
      if (index < 0) fail(std::string("no stencil ") + i.name, Status());
      TraceInstruction t;
      t.stencil = static_cast<uint32_t>(index);
      for (size_t k = 0; k < i.operands.size(); ++k) t.operands[k] = static_cast<uint64_t>(i.operands[k]);
      t.jump_target = i.jump;
      t.exits[0] = i.exit0;
      trace.push_back(t);
    }
    Compiled c;
    c.id = traces_.size();
    const TraceSpec spec{trace, records_};
    Status s = assemble_trace(*memory_, *lib_, spec, c.block, c.layout);
    if (!s.ok()) fail("assemble", s);
    if (observer_) {
      const TraceDump dump = dump_trace(*lib_, spec, c.layout, code_pointer<const uint8_t *>(c.layout.address));
      warn("trace_compiled", observer_->trace_compiled(c.id, dump));
    }
    traces_.push_back(c);
    return c.layout.address;
  }

  uintptr_t run(uint64_t trace, cpjit_sample_frame &frame) { return observe::enter_trace(entry_.address, trace, &frame); }

  void free_last() {
    Compiled c = traces_.back();
    traces_.pop_back();
    if (observer_) warn("trace_freed", observer_->trace_freed(c.id, c.block.address, c.block.size));
    memory_->release(c.block);
  }

  uint64_t exit_record(size_t i) const { return reinterpret_cast<uintptr_t>(&exit_records_[i]); }

 private:
  struct Compiled {
    uint64_t id = 0;
    CodeMemory::Block block;
    TraceLayout layout;
  };
  std::unique_ptr<CodeMemory> memory_;
  std::unique_ptr<StencilLibrary> lib_;
  std::unique_ptr<observe::TraceObserver> observer_;
  CodeMemory::Block entry_;
  cpjit_exit_record exit_records_[2] = {};
  const uint64_t records_[2] = {reinterpret_cast<uintptr_t>(&exit_records_[0]),
                                reinterpret_cast<uintptr_t>(&exit_records_[1])};
  std::vector<Compiled> traces_;
};

cpjit_sample_frame fresh_frame() {
  cpjit_sample_frame f;
  std::memset(&f, 0, sizeof f);
  return f;
}

// A trace that calls a helper in a loop; the debugger stops inside the helper.
__attribute__((noinline)) int run_gdb_scenario(const std::string &strategy) {
  Program p(strategy);
  const uint64_t trace = p.compile({{"SET_I32", {4, -7}},
                                    {"CALL_HELPER", {5, 0}},
                                    {"ADD", {6, 6, 5}, -1, 1},
                                    {"ADD_IMM", {0, 0, 1}},
                                    {"JUMP_IF_LT", {0, 1}, 0},
                                    {"EXIT", {}, -1, 0}});
  std::printf("trace0 at 0x%" PRIx64 "\n", trace);
  std::fflush(stdout);
  g_trace_address = trace;
  inspect_trace_ready();
  cpjit_sample_frame f = fresh_frame();
  f.slots[1] = 5;
  const uintptr_t record = p.run(trace, f);
  int64_t expected = 0;
  for (int64_t x = 0; x < 5; ++x) expected += x * 3 + 1;
  p.free_last();
  inspect_after_free();
  if (record != p.exit_record(0) || f.slots[6] != expected || f.helper_calls != 5) {
    std::fprintf(stderr, "jit_program: wrong result %" PRId64 " (expected %" PRId64 ")\n", f.slots[6], expected);
    return 1;
  }
  std::printf("gdb scenario: ok\n");
  std::fflush(stdout);  // before anything at exit can end the process
  return 0;
}


// Two loops run repeatedly for about `ms` milliseconds, so that a profiler's samples land in
// JIT code.
__attribute__((noinline)) int run_perf_scenario(long ms, const std::string &strategy) {
  Program p(strategy);
  const uint64_t integer_loop = p.compile({{"SWITCH", {2, 0}},
                                           {"ADD", {3, 3, 2}, -1, 1},
                                           {"ADD_IMM", {0, 0, 1}},
                                           {"JUMP_IF_LT", {0, 1}, 0},
                                           {"EXIT", {}, -1, 0}});
  const uint64_t float_loop = p.compile({{"I2F", {0, 0}},
                                         {"FMA_CONST", {1, 0}},
                                         {"ADD_IMM", {0, 0, 1}},
                                         {"JUMP_IF_LT", {0, 1}, 0},
                                         {"EXIT", {}, -1, 0}});
  constexpr int64_t kIterations = 200000;
  int64_t sum = 0;
  for (int64_t x = 0; x < kIterations; ++x) sum += test::switch_reference(x);
  const auto start = std::chrono::steady_clock::now();
  long rounds = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(ms)) {
    cpjit_sample_frame f = fresh_frame();
    f.slots[1] = kIterations;
    if (p.run(integer_loop, f) != p.exit_record(0)) return 1;
    if (f.slots[3] != sum) {
      std::fprintf(stderr, "jit_program: integer loop gave %" PRId64 ", expected %" PRId64 "\n", f.slots[3], sum);
      return 1;
    }
    cpjit_sample_frame g = fresh_frame();
    g.slots[1] = kIterations;
    if (p.run(float_loop, g) != p.exit_record(0)) return 1;
    ++rounds;
  }
  std::printf("perf scenario: %ld rounds\n", rounds);
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  std::printf("jit_program pid %d\n", static_cast<int>(getpid()));
  const std::string mode = argc > 1 ? argv[1] : "";
  const std::string strategy = argc > 2 ? argv[argc - 1] : "";
  const bool strategy_ok = strategy == "dual" || strategy == "mprotect";
  if (mode == "gdb" && argc == 2) return run_gdb_scenario("");
  if (mode == "gdb" && argc == 3 && strategy_ok) return run_gdb_scenario(strategy);
  if (mode == "perf" && argc == 3) return run_perf_scenario(std::strtol(argv[2], nullptr, 10), "");
  if (mode == "perf" && argc == 4 && strategy_ok) return run_perf_scenario(std::strtol(argv[2], nullptr, 10), strategy);
  std::fprintf(stderr, "usage: jit_program gdb [dual|mprotect] | perf <milliseconds> [dual|mprotect]\n");
  return 2;
}
