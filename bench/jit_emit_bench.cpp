// How fast cpjit turns a trace into machine code, against the physical limit (memcpy of the
// same bytes) and against an assembler (asmjit) emitting the same instruction sequence.
// A benchmark, not a test: it reports figures, it asserts nothing about speed.
//
//   build/bench/jit_emit_bench --benchmark_counters_tabular=true
//
// Traces repeat a representative five-uop pattern (an add, an overflow-checked add, a guard
// with a side exit, a helper call, a 64-bit constant: a movabs on x86-64, the data area on
// AArch64) and end in a loop back-edge and an exit, for 10, 100 and 1000 uops.
#include <benchmark/benchmark.h>

#include <asmjit/x86.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "assembler.h"
#include "sample_vm.h"
#include "samples.h"

using namespace cpjit::jit;

namespace {

#define CPJIT_BENCH_SYMBOL(name) SymbolBinding{#name, reinterpret_cast<const void *>(&name)},
const SymbolBinding kSymbols[] = {CPJIT_STENCILS_SAMPLES_SYMBOLS(CPJIT_BENCH_SYMBOL)};
#undef CPJIT_BENCH_SYMBOL

cpjit_exit_record g_records[2];
const uint64_t kRecords[] = {reinterpret_cast<uintptr_t>(&g_records[0]), reinterpret_cast<uintptr_t>(&g_records[1])};
constexpr int64_t kBig = 0x123456789abcdef0ll;
constexpr int64_t kGuard = 123456;

const StencilLibrary &library() {
  static std::unique_ptr<StencilLibrary> lib = [] {
    std::unique_ptr<StencilLibrary> l;
    Status s = StencilLibrary::create(CPJIT_STENCILS_SAMPLES, kSymbols, l);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      std::abort();
    }
    return l;
  }();
  return *lib;
}

struct Trace {
  std::vector<TraceInstruction> insns;
  TraceSpec spec() const { return TraceSpec{insns, kRecords}; }
};

Trace make_trace(int uops) {
  const StencilLibrary &lib = library();
  auto add = [&](Trace &t, const char *name, std::initializer_list<int64_t> ops, int32_t jump = -1, uint32_t exit = 0) {
    TraceInstruction i;
    i.stencil = static_cast<uint32_t>(lib.find(name));
    size_t k = 0;
    for (int64_t v : ops) i.operands[k++] = static_cast<uint64_t>(v);
    i.jump_target = jump;
    i.exits[0] = exit;
    t.insns.push_back(i);
  };
  Trace t;
  for (int i = 0; i < uops - 2; ++i) {
    switch (i % 5) {
      case 0: add(t, "ADD_IMM", {0, 0, 1}); break;
      case 1: add(t, "ADD", {3, 3, 2}, -1, 1); break;
      case 2: add(t, "EXIT_IF_EQ", {0, kGuard}, -1, 1); break;
      case 3: add(t, "CALL_HELPER", {4, 0}); break;
      case 4: add(t, "SET_I64", {5, kBig}); break;
    }
  }
  add(t, "JUMP_IF_LT", {0, 1}, 0);
  add(t, "EXIT", {});
  return t;
}

// A plain buffer: copy and patch only, no code-memory or protection work.
void BM_Emit(benchmark::State &state) {
  const StencilLibrary &lib = library();
  Trace trace = make_trace(static_cast<int>(state.range(0)));
  const size_t capacity = trace_capacity(lib, trace.spec());
  std::vector<uint8_t> buffer(capacity);
  TraceLayout layout;
  for (auto _ : state) {
    Status s = emit_trace(lib, trace.spec(), buffer.data(), reinterpret_cast<uintptr_t>(buffer.data()), capacity, layout);
    benchmark::DoNotOptimize(s);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * layout.size));
  state.counters["trace_bytes"] = static_cast<double>(layout.size);
}

// The whole compile into executable memory: allocate, copy and patch, give back the tail,
// publish (instruction-cache flush; with mprotect also the protection flips), and free.
void BM_Assemble(benchmark::State &state, WxStrategy strategy) {
  const StencilLibrary &lib = library();
  Trace trace = make_trace(static_cast<int>(state.range(0)));
  CodeMemoryConfig config;
  config.strategy = strategy;
  config.near = reinterpret_cast<const void *>(&cpjit_sample_helper);
  std::unique_ptr<CodeMemory> memory;
  if (!CodeMemory::create(config, memory).ok()) {
    state.SkipWithError("no code memory");
    return;
  }
  TraceLayout layout;
  size_t exec_bytes = 0;
  for (auto _ : state) {
    CodeMemory::Block block;
    Status s = assemble_trace(*memory, lib, trace.spec(), block, layout);
    if (!s.ok()) {
      state.SkipWithError(s.message().c_str());
      return;
    }
    exec_bytes = block.size;
    memory->release(block);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * layout.size));
  state.counters["trace_bytes"] = static_cast<double>(layout.size);
  state.counters["exec_bytes"] = static_cast<double>(exec_bytes);
  state.counters["mprotect_per_trace"] =
      static_cast<double>(memory->stats().protect_calls) / static_cast<double>(state.iterations());
}

// The physical limit: copying the finished trace's bytes.
void BM_Memcpy(benchmark::State &state) {
  const StencilLibrary &lib = library();
  Trace trace = make_trace(static_cast<int>(state.range(0)));
  const size_t capacity = trace_capacity(lib, trace.spec());
  std::vector<uint8_t> source(capacity), target(capacity);
  TraceLayout layout;
  if (!emit_trace(lib, trace.spec(), source.data(), reinterpret_cast<uintptr_t>(source.data()), capacity, layout).ok())
    std::abort();
  for (auto _ : state) {
    std::memcpy(target.data(), source.data(), layout.size);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * layout.size));
  state.counters["trace_bytes"] = static_cast<double>(layout.size);
}

#if defined(__x86_64__)
// asmjit's Assembler emitting, instruction by instruction, what the stencils of the same trace
// contain after patching (operands as immediates, the 64-bit constant as movabs), with labels
// for the loop and the exit stubs, then resolving and copying it into a buffer at its address.
void BM_Asmjit(benchmark::State &state) {
  using namespace asmjit;
  using namespace asmjit::x86;
  Trace trace = make_trace(static_cast<int>(state.range(0)));
  const int uops = static_cast<int>(state.range(0));
  std::vector<uint8_t> buffer(size_t{1} << 20);
  const uint64_t base = reinterpret_cast<uintptr_t>(buffer.data());
  size_t size = 0;
  for (auto _ : state) {
    CodeHolder code;
    code.init(Environment::host(), base);
    Assembler a(&code);
    Label top = a.newLabel(), exit0 = a.newLabel(), exit1 = a.newLabel();
    a.bind(top);
    auto slot = [](const Gp &index) { return qword_ptr(r13, index, 3); };
    for (int i = 0; i < uops - 2; ++i) {
      switch (i % 5) {
        case 0:  // ADD_IMM s0 = s0 + 1
          a.mov(rax, 0);
          a.mov(rcx, 1);
          a.add(rcx, slot(rax));
          a.mov(rax, 0);
          a.mov(slot(rax), rcx);
          break;
        case 1:  // ADD s3 = s3 + s2, exit 1 on overflow
          a.mov(rax, 3);
          a.mov(rax, slot(rax));
          a.mov(rcx, 2);
          a.add(rax, slot(rcx));
          a.jo(exit1);
          a.nop();
          a.mov(rcx, 3);
          a.mov(slot(rcx), rax);
          break;
        case 2:  // EXIT_IF_EQ s0 == kGuard -> exit 1
          a.mov(rax, 0);
          a.mov(rcx, kGuard);
          a.cmp(slot(rax), rcx);
          a.je(exit1);
          break;
        case 3:  // CALL_HELPER s4 = helper(frame, s0)
          a.push(rax);
          a.mov(rax, 0);
          a.mov(rsi, slot(rax));
          a.mov(rdi, r12);
          a.call(imm(reinterpret_cast<uintptr_t>(&cpjit_sample_helper)));
          a.mov(rcx, 4);
          a.mov(slot(rcx), rax);
          a.pop(rax);
          break;
        case 4:  // SET_I64 s5 = kBig
          a.movabs(rax, kBig);
          a.mov(rcx, 5);
          a.mov(slot(rcx), rax);
          break;
      }
    }
    a.mov(rax, 0);  // JUMP_IF_LT s0 < s1 -> top
    a.mov(rax, slot(rax));
    a.mov(rcx, 1);
    a.cmp(rax, slot(rcx));
    a.jl(top);
    a.jmp(exit0);  // EXIT
    a.ud2();       // the trap
    for (auto [label, record] : {std::pair{exit0, kRecords[0]}, std::pair{exit1, kRecords[1]}}) {
      // The exit stub: count the hit, follow a link if any, count the exit, return the record.
      Label unlinked = a.newLabel();
      a.mov(rax, record);
      a.inc(qword_ptr(rax, 8));
      a.mov(rcx, qword_ptr(rax));
      a.test(rcx, rcx);
      a.jz(unlinked);
      a.jmp(rcx);
      a.bind(unlinked);
      a.inc(qword_ptr(r12, 648));
      a.ret();
    }
    code.flatten();
    code.resolveUnresolvedLinks();
    code.relocateToBase(base);
    size = code.codeSize();
    code.copyFlattenedData(buffer.data(), buffer.size());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * uops);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
  state.counters["trace_bytes"] = static_cast<double>(size);
}
BENCHMARK(BM_Asmjit)->ArgName("uops")->Arg(10)->Arg(100)->Arg(1000);
#endif

BENCHMARK(BM_Memcpy)->ArgName("uops")->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_Emit)->ArgName("uops")->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK_CAPTURE(BM_Assemble, dual_mapping, WxStrategy::kDualMapping)->ArgName("uops")->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK_CAPTURE(BM_Assemble, mprotect, WxStrategy::kMprotect)->ArgName("uops")->Arg(10)->Arg(100)->Arg(1000);

}  // namespace

BENCHMARK_MAIN();
