// A small layer over the public C API for tests: a context with the sample stencils
// registered, and a trace builder that fails the test on unexpected statuses.
#pragma once

#include <cpjit/cpjit.h>

#include <catch2/catch.hpp>

#include <cstring>
#include <initializer_list>

#include "sample_vm.h"
#include "samples.h"

namespace test {

#define CPJIT_TEST_SYMBOL(name) cpjit_symbol{#name, reinterpret_cast<const void *>(&name)},
inline const cpjit_symbol kSampleSymbols[] = {CPJIT_STENCILS_SAMPLES_SYMBOLS(CPJIT_TEST_SYMBOL)};
#undef CPJIT_TEST_SYMBOL

struct Runtime {
  cpjit_context *ctx = nullptr;
  cpjit_stencils *set = nullptr;

  explicit Runtime(cpjit_mode mode, size_t code_limit = 0, uint32_t max_trace_length = 0, uint32_t passes = 0,
                   bool count_linked_exits = false) {
    cpjit_config config;
    cpjit_config_init(&config);
    config.mode = mode;
    config.count_linked_exits = count_linked_exits ? 1 : 0;
    config.optimizer_passes = passes;
    config.code_memory_limit = code_limit;
    config.max_trace_length = max_trace_length;
    cpjit_status s = cpjit_context_create(&config, &ctx);
    INFO(cpjit_last_error());
    REQUIRE(s == CPJIT_OK);
    s = cpjit_register_stencils(ctx, CPJIT_STENCILS_SAMPLES, CPJIT_INTERP_SAMPLES, kSampleSymbols,
                                sizeof kSampleSymbols / sizeof kSampleSymbols[0], &set);
    INFO(cpjit_last_error());
    REQUIRE(s == CPJIT_OK);
  }
  ~Runtime() { cpjit_context_destroy(ctx); }
  Runtime(const Runtime &) = delete;
  Runtime &operator=(const Runtime &) = delete;

  uint32_t uop(const char *name) const {
    uint32_t id = CPJIT_NONE;
    REQUIRE(cpjit_uop_lookup(set, name, &id) == CPJIT_OK);
    return id;
  }
};

struct Builder {
  const Runtime &rt;
  cpjit_trace *trace = nullptr;

  explicit Builder(const Runtime &r) : rt(r) { REQUIRE(cpjit_trace_begin(r.ctx, r.set, &trace) == CPJIT_OK); }
  ~Builder() {
    if (trace) cpjit_trace_abandon(trace);
  }
  uint32_t exit(uint64_t resume, uint32_t kind = CPJIT_EXIT_SIDE, uint64_t aux = 0) {
    cpjit_exit_desc d{kind, resume, aux};
    uint32_t id = CPJIT_NONE;
    REQUIRE(cpjit_trace_add_exit(trace, &d, &id) == CPJIT_OK);
    return id;
  }
  static cpjit_insn insn(uint32_t uop, std::initializer_list<int64_t> operands, uint32_t jump = CPJIT_NONE,
                         uint32_t exit0 = CPJIT_NONE, uint32_t error = CPJIT_NONE) {
    cpjit_insn i;
    cpjit_insn_init(&i, uop);
    size_t k = 0;
    for (int64_t v : operands) i.operands[k++] = static_cast<uint64_t>(v);
    i.jump = jump;
    i.exits[0] = exit0;
    i.error_exit = error;
    return i;
  }
  uint32_t add(const char *name, std::initializer_list<int64_t> operands, uint32_t jump = CPJIT_NONE,
               uint32_t exit0 = CPJIT_NONE, uint32_t error = CPJIT_NONE) {
    cpjit_insn i = insn(rt.uop(name), operands, jump, exit0, error);
    uint32_t index = CPJIT_NONE;
    cpjit_status s = cpjit_trace_append(trace, &i, &index);
    INFO(cpjit_last_error());
    REQUIRE(s == CPJIT_OK);
    return index;
  }
  cpjit_status end(cpjit_executor **out) {
    cpjit_status s = cpjit_trace_end(trace, out);
    trace = nullptr;
    return s;
  }
  cpjit_executor *end() {
    cpjit_executor *e = nullptr;
    cpjit_status s = end(&e);
    INFO(cpjit_last_error());
    REQUIRE(s == CPJIT_OK);
    return e;
  }
};

inline cpjit_sample_frame fresh_frame() {
  cpjit_sample_frame f;
  std::memset(&f, 0, sizeof f);
  return f;
}

}  // namespace test
