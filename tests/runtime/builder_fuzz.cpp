#include "builder_fuzz.h"

#include <cpjit/cpjit.h>

#include <cstring>

#include "samples.h"
#include "sample_vm.h"

namespace test {

namespace {

#define CPJIT_FUZZ_SYMBOL(name) cpjit_symbol{#name, reinterpret_cast<const void *>(&name)},
const cpjit_symbol kSymbols[] = {CPJIT_STENCILS_SAMPLES_SYMBOLS(CPJIT_FUZZ_SYMBOL)};
#undef CPJIT_FUZZ_SYMBOL

struct Fuzzer {
  cpjit_context *ctx = nullptr;
  cpjit_stencils *set = nullptr;
  Fuzzer() {
    cpjit_config config;
    cpjit_config_init(&config);
    config.mode = CPJIT_MODE_JIT;
    config.max_trace_length = 64;
    config.code_memory_limit = 1 << 20;
    if (cpjit_context_create(&config, &ctx) != CPJIT_OK) return;
    cpjit_register_stencils(ctx, CPJIT_STENCILS_SAMPLES, CPJIT_INTERP_SAMPLES, kSymbols,
                            sizeof kSymbols / sizeof kSymbols[0], &set);
  }
};

struct Reader {
  const uint8_t *data;
  size_t size, at = 0;
  bool done() const { return at >= size; }
  uint8_t byte() { return at < size ? data[at++] : 0; }
  uint64_t word() {
    // Mostly small values, sometimes any 64-bit pattern: the interesting widths are narrow.
    uint8_t shape = byte();
    if (shape < 128) return shape & 31;
    if (shape < 192) return static_cast<uint64_t>(-static_cast<int64_t>(shape & 15));
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | byte();
    return v;
  }
};

bool valid(cpjit_status s) { return s >= CPJIT_OK && s < CPJIT_STATUS_COUNT; }

}  // namespace

bool fuzz_builder_once(const uint8_t *data, size_t size, BuilderFuzzCounts &counts) {
  static Fuzzer fuzzer;
  if (fuzzer.set == nullptr) return false;
  Reader in{data, size};
  const uint32_t uops = cpjit_uop_count(fuzzer.set);
  cpjit_trace *trace = nullptr;
  bool ok = true;
  auto check = [&](cpjit_status s) {
    ok &= valid(s);
    if (s != CPJIT_OK) counts.refused++;
    return s;
  };
  for (int steps = 0; steps < 256 && !in.done(); ++steps) {
    if (trace == nullptr && check(cpjit_trace_begin(fuzzer.ctx, fuzzer.set, &trace)) != CPJIT_OK) return ok;
    switch (in.byte() % 8) {
      case 0: {
        cpjit_exit_desc exit{static_cast<uint32_t>(in.byte() % 3), in.word(), in.word()};
        check(cpjit_trace_add_exit(trace, &exit, nullptr));
        break;
      }
      case 7: {
        cpjit_executor *executor = nullptr;
        cpjit_status s = check(cpjit_trace_end(trace, &executor));
        trace = nullptr;
        if (s == CPJIT_OK) {
          ok &= executor != nullptr;
          counts.executors++;
          if (in.byte() & 1) cpjit_executor_invalidate(executor);
          cpjit_executor_free(executor);
        }
        break;
      }
      default: {
        cpjit_insn insn;
        cpjit_insn_init(&insn, in.byte() % (uops + 2));
        for (uint64_t &op : insn.operands) op = in.word();
        uint8_t jump = in.byte();
        insn.jump = jump == 255 ? CPJIT_NONE : jump % 70;
        for (uint32_t &x : insn.exits) {
          uint8_t e = in.byte();
          x = e >= 200 ? CPJIT_NONE : e % 8;
        }
        uint8_t e = in.byte();
        insn.error_exit = e >= 200 ? CPJIT_NONE : e % 8;
        check(cpjit_trace_append(trace, &insn, nullptr));
      }
    }
  }
  if (trace) cpjit_trace_abandon(trace);
  return ok;
}

}  // namespace test
