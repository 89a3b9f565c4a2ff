// The public C API: each status for each kind of misuse, and executors in every mode.
#include <cpjit/cpjit.h>

#include <cstdio>
#include <cstdlib>
#include <cstddef>
#include <cstring>
#include <string>

#include "runtime_support.h"
#include "samples_aarch64.h"
#include "samples_x86_64.h"

using test::Builder;
using test::fresh_frame;
using test::Runtime;

namespace {

const cpjit_mode kRunModes[] = {CPJIT_MODE_JIT, CPJIT_MODE_INTERP};

std::string last_error() { return cpjit_last_error(); }

}  // namespace

TEST_CASE("version, status strings, features", "[unit]") {
  CHECK(cpjit_version_number() == CPJIT_VERSION_NUMBER);
  CHECK(std::string(cpjit_version()) == "0.1.0");
  for (int s = 0; s < CPJIT_STATUS_COUNT; ++s) CHECK(std::string(cpjit_status_string(static_cast<cpjit_status>(s))) != "");
  CHECK(std::string(cpjit_status_string(CPJIT_ERR_OPERAND_TOO_WIDE)) == "operand too wide");
  CHECK(std::string(cpjit_status_string(static_cast<cpjit_status>(999))) == "unknown status");
  CHECK(cpjit_is_supported() == 1);
#if defined(__x86_64__)
  CHECK(std::string(cpjit_build_target()) == "x86_64-linux-gnu");
#else
  CHECK(std::string(cpjit_build_target()) == "aarch64-linux-gnu");
#endif
}

TEST_CASE("the CPJIT environment variable picks the mode", "[unit]") {
  const char *old = std::getenv("CPJIT");
  std::string saved = old ? old : "";
  unsetenv("CPJIT");
  CHECK(cpjit_mode_from_environment() == CPJIT_MODE_JIT);
  setenv("CPJIT", "0", 1);
  CHECK(cpjit_mode_from_environment() == CPJIT_MODE_OFF);
  setenv("CPJIT", "interp", 1);
  CHECK(cpjit_mode_from_environment() == CPJIT_MODE_INTERP);
  cpjit_config config;
  cpjit_config_init(&config);
  cpjit_context *ctx = nullptr;
  REQUIRE(cpjit_context_create(&config, &ctx) == CPJIT_OK);
  CHECK(cpjit_context_mode(ctx) == CPJIT_MODE_INTERP);
  cpjit_context_destroy(ctx);
  setenv("CPJIT", "0", 1);
  REQUIRE(cpjit_context_create(&config, &ctx) == CPJIT_OK);
  CHECK(cpjit_context_mode(ctx) == CPJIT_MODE_OFF);
  cpjit_stencils *set = nullptr;
  CHECK(cpjit_register_stencils(ctx, CPJIT_STENCILS_SAMPLES, CPJIT_INTERP_SAMPLES, test::kSampleSymbols, 2, &set) ==
        CPJIT_ERR_UNSUPPORTED);
  CHECK(last_error().find("CPJIT=0") != std::string::npos);
  cpjit_context_destroy(ctx);
  if (old) setenv("CPJIT", saved.c_str(), 1);
  else unsetenv("CPJIT");
}

TEST_CASE("bad arguments to contexts and registration", "[unit]") {
  CHECK(cpjit_context_create(nullptr, nullptr) == CPJIT_ERR_INVALID_ARGUMENT);
  cpjit_config config;
  cpjit_config_init(&config);
  config.struct_size = 3;
  cpjit_context *ctx = nullptr;
  CHECK(cpjit_context_create(&config, &ctx) == CPJIT_ERR_INVALID_ARGUMENT);
  CHECK(last_error().find("struct_size") != std::string::npos);
  cpjit_config_init(&config);
  config.wx_strategy = static_cast<cpjit_wx_strategy>(9);
  CHECK(cpjit_context_create(&config, &ctx) == CPJIT_ERR_INVALID_ARGUMENT);
  cpjit_config_init(&config);
  config.mode = CPJIT_MODE_JIT;
  REQUIRE(cpjit_context_create(&config, &ctx) == CPJIT_OK);
  cpjit_stencils *set = nullptr;
  CHECK(cpjit_register_stencils(ctx, nullptr, nullptr, nullptr, 0, &set) == CPJIT_ERR_INVALID_ARGUMENT);
  // A helper left out.
  CHECK(cpjit_register_stencils(ctx, CPJIT_STENCILS_SAMPLES, nullptr, test::kSampleSymbols, 1, &set) ==
        CPJIT_ERR_UNRESOLVED_SYMBOL);
  CHECK(last_error().find("cpjit_sample_hypot") != std::string::npos);
  // Stencils for the other architecture.
#if defined(__x86_64__)
  const cpjit_stencil_set *foreign = &cpjit_stencils_samples_aarch64;
#else
  const cpjit_stencil_set *foreign = &cpjit_stencils_samples_x86_64;
#endif
  CHECK(cpjit_register_stencils(ctx, foreign, nullptr, test::kSampleSymbols, 2, &set) == CPJIT_ERR_UNSUPPORTED);
  // A table from another ABI version.
  cpjit_stencil_set old = *CPJIT_STENCILS_SAMPLES;
  old.abi_version = 1;
  CHECK(cpjit_register_stencils(ctx, &old, nullptr, test::kSampleSymbols, 2, &set) == CPJIT_ERR_INVALID_STENCIL_SET);
  CHECK(last_error().find("regenerate") != std::string::npos);
  cpjit_context_destroy(ctx);

  cpjit_config_init(&config);
  config.mode = CPJIT_MODE_INTERP;
  REQUIRE(cpjit_context_create(&config, &ctx) == CPJIT_OK);
  CHECK(cpjit_register_stencils(ctx, CPJIT_STENCILS_SAMPLES, nullptr, test::kSampleSymbols, 2, &set) ==
        CPJIT_ERR_UNSUPPORTED);
  cpjit_context_destroy(ctx);
}

TEST_CASE("structs the library fills are written as far as the caller's struct_size says", "[unit]") {
  cpjit_config config;
  cpjit_config_init(&config);
  config.mode = CPJIT_MODE_INTERP;
  config.hot_threshold = 77;
  cpjit_context *ctx = nullptr;
  REQUIRE(cpjit_context_create(&config, &ctx) == CPJIT_OK);

  cpjit_config got;
  cpjit_config_init(&got);
  REQUIRE(cpjit_context_config(ctx, &got) == CPJIT_OK);
  CHECK(got.struct_size == sizeof(cpjit_config));
  CHECK(got.hot_threshold == 77);
  CHECK(got.mode == CPJIT_MODE_INTERP);

  // A caller built against an older, shorter struct: only its prefix is written.
  struct {
    cpjit_context_stats stats;
    unsigned char guard[16];
  } older;
  std::memset(&older, 0xAB, sizeof older);
  older.stats.struct_size = offsetof(cpjit_context_stats, compile_failures);
  REQUIRE(cpjit_context_stats_get(ctx, &older.stats) == CPJIT_OK);
  CHECK(older.stats.struct_size == offsetof(cpjit_context_stats, compile_failures));
  CHECK(older.stats.traces_compiled == 0);
  const auto *bytes = reinterpret_cast<const unsigned char *>(&older);
  for (size_t i = offsetof(cpjit_context_stats, compile_failures); i < sizeof older; ++i) {
    INFO("byte " << i);
    CHECK(bytes[i] == 0xAB);
  }

  // A newer, longer struct gets what this library knows and says so.
  struct {
    cpjit_context_stats stats;
    uint64_t later_field;
  } newer{};
  newer.stats.struct_size = sizeof newer;
  newer.later_field = 42;
  REQUIRE(cpjit_context_stats_get(ctx, &newer.stats) == CPJIT_OK);
  CHECK(newer.stats.struct_size == sizeof(cpjit_context_stats));
  CHECK(newer.later_field == 42);

  // struct_size not set: an error, nothing written.
  cpjit_context_stats unset{};
  unset.traces_compiled = 5;
  CHECK(cpjit_context_stats_get(ctx, &unset) == CPJIT_ERR_INVALID_ARGUMENT);
  CHECK(last_error().find("struct_size") != std::string::npos);
  CHECK(unset.traces_compiled == 5);
  cpjit_config zero{};
  CHECK(cpjit_context_config(ctx, &zero) == CPJIT_ERR_INVALID_ARGUMENT);
  CHECK(cpjit_context_stats_get(ctx, nullptr) == CPJIT_ERR_INVALID_ARGUMENT);
  CHECK(cpjit_context_stats_get(nullptr, &newer.stats) == CPJIT_ERR_INVALID_ARGUMENT);
  cpjit_context_destroy(ctx);
}

TEST_CASE("uop lookup and metadata", "[unit]") {
  Runtime rt(CPJIT_MODE_JIT);
  uint32_t id = 0;
  CHECK(cpjit_uop_lookup(rt.set, "NO_SUCH_UOP", &id) == CPJIT_ERR_UNKNOWN_UOP);
  CHECK(cpjit_uop_lookup(rt.set, "cpjit_entry", &id) == CPJIT_ERR_UNKNOWN_UOP);  // not a uop
  REQUIRE(cpjit_uop_lookup(rt.set, "EXIT_IF_EQ", &id) == CPJIT_OK);
  CHECK(std::string(cpjit_uop_name(rt.set, id)) == "EXIT_IF_EQ");
  const cpjit_uop_meta *meta = cpjit_uop_info(rt.set, id);
  REQUIRE(meta != nullptr);
  CHECK((meta->flags & CPJIT_UOP_GUARD) != 0);
  CHECK(meta->operands[0] == CPJIT_OPERAND_SLOT_READ);
  CHECK(cpjit_uop_count(rt.set) == 23);
  CHECK(cpjit_uop_name(rt.set, 23) == nullptr);
}

TEST_CASE("each trace-building mistake has its status", "[unit]") {
  Runtime rt(CPJIT_MODE_JIT, 0, 8);
  cpjit_executor *e = nullptr;
  SECTION("unknown uop") {
    Builder b(rt);
    cpjit_insn i = Builder::insn(999, {});
    CHECK(cpjit_trace_append(b.trace, &i, nullptr) == CPJIT_ERR_UNKNOWN_UOP);
  }
  SECTION("operand too wide, at every width") {
    Builder b(rt);
    struct Case { const char *uop; int64_t value; } cases[] = {
        {"SET_U8", 256}, {"SET_U8", -1}, {"SET_I8", 128}, {"SET_I8", -129}, {"SET_U16", 65536},
        {"SET_I16", 32768}, {"SET_U32", 1ll << 32}, {"SET_I32", 1ll << 31}, {"SET_I32", -(1ll << 31) - 1}};
    for (const Case &c : cases) {
      INFO(c.uop << " " << c.value);
      cpjit_insn i = Builder::insn(rt.uop(c.uop), {0, c.value});
      CHECK(cpjit_trace_append(b.trace, &i, nullptr) == CPJIT_ERR_OPERAND_TOO_WIDE);
    }
    cpjit_insn slot = Builder::insn(rt.uop("SET_I8"), {70000, 1});  // the slot operand is u16
    CHECK(cpjit_trace_append(b.trace, &slot, nullptr) == CPJIT_ERR_OPERAND_TOO_WIDE);
    CHECK(last_error().find("operand 0 = 70000 does not fit u16") != std::string::npos);
    cpjit_insn fits = Builder::insn(rt.uop("SET_I8"), {3, -128});
    CHECK(cpjit_trace_append(b.trace, &fits, nullptr) == CPJIT_OK);
  }
  SECTION("too long") {
    Builder b(rt);
    for (int i = 0; i < 8; ++i) b.add("SET_I64", {0, i});
    cpjit_insn i = Builder::insn(rt.uop("SET_I64"), {0, 9});
    CHECK(cpjit_trace_append(b.trace, &i, nullptr) == CPJIT_ERR_TRACE_TOO_LONG);
  }
  SECTION("empty") {
    Builder b(rt);
    CHECK(b.end(&e) == CPJIT_ERR_EMPTY_TRACE);
  }
  SECTION("jump outside the trace, or missing") {
    Builder b(rt);
    b.add("JUMP", {}, 5);
    CHECK(b.end(&e) == CPJIT_ERR_BAD_JUMP_TARGET);
    Builder c(rt);
    c.add("JUMP_IF_LT", {0, 1});
    CHECK(c.end(&e) == CPJIT_ERR_BAD_JUMP_TARGET);
    CHECK(last_error().find("missing") != std::string::npos);
  }
  SECTION("exits that do not exist") {
    Builder b(rt);
    b.add("EXIT", {});
    CHECK(b.end(&e) == CPJIT_ERR_BAD_EXIT);
    Builder c(rt);
    c.exit(1);
    c.add("EXIT", {}, CPJIT_NONE, 3);
    CHECK(c.end(&e) == CPJIT_ERR_BAD_EXIT);
    Builder d(rt);
    uint32_t x = d.exit(1);
    d.add("DIV", {0, 1, 2});
    d.add("EXIT", {}, CPJIT_NONE, x);
    CHECK(d.end(&e) == CPJIT_ERR_BAD_EXIT);  // DIV may raise an error but has no error exit
    CHECK(last_error().find("error") != std::string::npos);
  }
  SECTION("bad exit kind, null arguments") {
    Builder b(rt);
    cpjit_exit_desc bad{7, 0, 0};
    CHECK(cpjit_trace_add_exit(b.trace, &bad, nullptr) == CPJIT_ERR_INVALID_ARGUMENT);
    CHECK(cpjit_trace_append(b.trace, nullptr, nullptr) == CPJIT_ERR_INVALID_ARGUMENT);
    CHECK(cpjit_trace_append(nullptr, nullptr, nullptr) == CPJIT_ERR_INVALID_ARGUMENT);
    CHECK(cpjit_executor_run(nullptr, nullptr, nullptr) == CPJIT_ERR_INVALID_ARGUMENT);
  }
  cpjit_context_stats stats{};
  stats.struct_size = sizeof stats;
  REQUIRE(cpjit_context_stats_get(rt.ctx, &stats) == CPJIT_OK);
  CHECK(stats.executors_live == 0);
}

TEST_CASE("running executors: exits, resume points, errors", "[unit]") {
  for (cpjit_mode mode : kRunModes) {
    INFO("mode " << mode);
    Runtime rt(mode);
    Builder b(rt);
    const uint32_t done = b.exit(100), hit = b.exit(200, CPJIT_EXIT_SIDE, 7), error = b.exit(300, CPJIT_EXIT_ERROR);
    b.add("ADD_IMM", {0, 0, 1});
    b.add("EXIT_IF_EQ", {0, 50}, CPJIT_NONE, hit);
    b.add("DIV", {2, 3, 4}, CPJIT_NONE, CPJIT_NONE, error);
    b.add("JUMP_IF_LT", {0, 1}, 0);
    b.add("EXIT", {}, CPJIT_NONE, done);
    cpjit_executor *e = b.end();

    cpjit_sample_frame f = fresh_frame();
    f.slots[1] = 10;
    f.slots[3] = 42;
    f.slots[4] = 2;
    cpjit_exit_info info;
    REQUIRE(cpjit_executor_run(e, &f, &info) == CPJIT_OK);
    CHECK(info.executor == e);
    CHECK(info.exit_id == done);
    CHECK(info.resume == 100);
    CHECK(info.kind == CPJIT_EXIT_SIDE);
    CHECK(f.slots[0] == 10);
    CHECK(f.slots[2] == 21);

    f = fresh_frame();
    f.slots[1] = 1000;
    f.slots[4] = 1;
    REQUIRE(cpjit_executor_run(e, &f, &info) == CPJIT_OK);
    CHECK(info.exit_id == hit);
    CHECK(info.resume == 200);
    CHECK(info.resume_aux == 7);
    CHECK(info.hits == 1);
    CHECK(f.slots[0] == 50);

    f = fresh_frame();
    f.slots[1] = 1000;  // slots[4] == 0: division by zero
    REQUIRE(cpjit_executor_run(e, &f, &info) == CPJIT_OK);
    CHECK(info.exit_id == error);
    CHECK(info.kind == CPJIT_EXIT_ERROR);
    CHECK(info.resume == 300);
    uint64_t hits = 0;
    REQUIRE(cpjit_executor_exit_hits(e, hit, &hits) == CPJIT_OK);
    CHECK(hits == 1);
    CHECK(cpjit_executor_exit_hits(e, 99, &hits) == CPJIT_ERR_BAD_EXIT);
    cpjit_executor_stats stats{};
    stats.struct_size = sizeof stats;
    REQUIRE(cpjit_executor_stats_get(e, &stats) == CPJIT_OK);
    CHECK(stats.runs == 3);
    CHECK(stats.instructions >= 5);  // the optimizer may peel the loop
    CHECK(stats.exits == 3);
    CHECK((stats.code_bytes > 0) == (mode == CPJIT_MODE_JIT));
    cpjit_executor_free(e);
  }
}

TEST_CASE("side traces linked to exits, invalidation, freeing", "[unit]") {
  for (cpjit_mode mode : kRunModes)
  for (bool count_linked : {false, true}) {
    INFO("mode " << mode << ", counting linked exits " << count_linked);
    Runtime rt(mode, 0, 0, 0, count_linked);
    // Main: count s0 up to s1; exit `hot` whenever s0 == 5.
    Builder m(rt);
    const uint32_t done = m.exit(1), hot = m.exit(2);
    m.add("ADD_IMM", {0, 0, 1});
    m.add("EXIT_IF_EQ", {0, 5}, CPJIT_NONE, hot);
    m.add("JUMP_IF_LT", {0, 1}, 0);
    m.add("EXIT", {}, CPJIT_NONE, done);
    cpjit_executor *main_trace = m.end();
    // Side: s6 = helper(s0), then back through its own exit.
    Builder s(rt);
    const uint32_t side_done = s.exit(3);
    s.add("CALL_HELPER", {6, 0});
    s.add("EXIT", {}, CPJIT_NONE, side_done);
    cpjit_executor *side = s.end();

    cpjit_sample_frame f = fresh_frame();
    f.slots[1] = 100;
    cpjit_exit_info info;
    REQUIRE(cpjit_executor_run(main_trace, &f, &info) == CPJIT_OK);
    CHECK(info.exit_id == hot);
    CHECK(info.hits == 1);

    REQUIRE(cpjit_executor_link(main_trace, hot, side) == CPJIT_OK);
    f = fresh_frame();
    f.slots[1] = 100;
    REQUIRE(cpjit_executor_run(main_trace, &f, &info) == CPJIT_OK);
    CHECK(info.executor == side);  // the exit came from the side trace, no round trip
    CHECK(info.resume == 3);
    CHECK(f.slots[6] == 16);
    // Native code goes from the exit into the side trace through its link jump, past the stub
    // that counts, unless asked to count.
    uint64_t hits = 0;
    REQUIRE(cpjit_executor_exit_hits(main_trace, hot, &hits) == CPJIT_OK);
    CHECK(hits == (mode == CPJIT_MODE_JIT && !count_linked ? 1u : 2u));

    CHECK(cpjit_executor_link(main_trace, 42, side) == CPJIT_ERR_BAD_EXIT);

    // Invalidating the side trace unlinks it: the exit returns to the interpreter again.
    REQUIRE(cpjit_executor_invalidate(side) == CPJIT_OK);
    CHECK(cpjit_executor_valid(side) == 0);
    CHECK(cpjit_executor_run(side, &f, &info) == CPJIT_ERR_INVALIDATED);
    CHECK(last_error().find("invalidated") != std::string::npos);
    f = fresh_frame();
    f.slots[1] = 100;
    REQUIRE(cpjit_executor_run(main_trace, &f, &info) == CPJIT_OK);
    CHECK(info.executor == main_trace);
    CHECK(info.exit_id == hot);
    CHECK(info.hits == (mode == CPJIT_MODE_JIT && !count_linked ? 2u : 3u));  // counted by the stub again
    CHECK(cpjit_executor_link(main_trace, hot, side) == CPJIT_ERR_INVALIDATED);

    // Link another, then unlink explicitly, and free in any order.
    Builder s2(rt);
    const uint32_t d2 = s2.exit(4);
    s2.add("EXIT", {}, CPJIT_NONE, d2);
    cpjit_executor *side2 = s2.end();
    REQUIRE(cpjit_executor_link(main_trace, hot, side2) == CPJIT_OK);
    f = fresh_frame();
    f.slots[1] = 100;
    REQUIRE(cpjit_executor_run(main_trace, &f, &info) == CPJIT_OK);
    CHECK(info.executor == side2);
    CHECK(info.resume == 4);
    REQUIRE(cpjit_executor_unlink(main_trace, hot) == CPJIT_OK);
    f = fresh_frame();
    f.slots[1] = 100;
    REQUIRE(cpjit_executor_run(main_trace, &f, &info) == CPJIT_OK);
    CHECK(info.executor == main_trace);
    REQUIRE(cpjit_executor_link(main_trace, hot, side2) == CPJIT_OK);
    cpjit_executor_free(main_trace);  // frees its outgoing link
    cpjit_executor_free(side);
    f = fresh_frame();
    REQUIRE(cpjit_executor_run(side2, &f, &info) == CPJIT_OK);
    CHECK(info.resume == 4);
    cpjit_context_stats stats{};
    stats.struct_size = sizeof stats;
    REQUIRE(cpjit_context_stats_get(rt.ctx, &stats) == CPJIT_OK);
    CHECK(stats.executors_live == 1);
    CHECK(stats.traces_compiled == 3);
    // side2 is freed by the context.
  }
}

TEST_CASE("a side trace declared for an exit starts with what its parent knew there", "[unit]") {
  for (cpjit_mode mode : kRunModes) {
    INFO("mode " << mode);
    Runtime rt(mode);
    // Main: s1 = 7 (a SMALL value), then exit `hot` when s0 == 5.
    Builder m(rt);
    const uint32_t done = m.exit(1), hot = m.exit(2);
    m.add("SET_I16", {1, 7});
    m.add("EXIT_IF_EQ", {0, 5}, CPJIT_NONE, hot);
    m.add("EXIT", {}, CPJIT_NONE, done);
    cpjit_executor *main_trace = m.end();
    // The same side trace twice: checks s1, then s0 + s1 into s2.
    auto side_trace = [&](bool declared) {
      Builder s(rt);
      const uint32_t side_done = s.exit(3), fail = s.exit(4);
      if (declared) REQUIRE(cpjit_trace_continue_exit(s.trace, main_trace, hot) == CPJIT_OK);
      s.add("GUARD_SMALL", {1}, CPJIT_NONE, fail);
      s.add("ADD", {2, 0, 1}, CPJIT_NONE, fail);
      s.add("EXIT", {}, CPJIT_NONE, side_done);
      return s.end();
    };
    cpjit_executor *plain = side_trace(false);
    cpjit_executor *side = side_trace(true);
    cpjit_executor_stats stats{};
    stats.struct_size = sizeof stats;
    REQUIRE(cpjit_executor_stats_get(plain, &stats) == CPJIT_OK);
    CHECK(stats.instructions == 3);
    REQUIRE(cpjit_executor_stats_get(side, &stats) == CPJIT_OK);
    CHECK(stats.instructions == 2);  // the guard on s1 is gone: the parent set it

    // It is entered through that exit only.
    cpjit_sample_frame f = fresh_frame();
    cpjit_exit_info info;
    CHECK(cpjit_executor_run(side, &f, &info) == CPJIT_ERR_INVALID_STATE);
    CHECK(last_error().find("side trace") != std::string::npos);
    CHECK(cpjit_executor_link(main_trace, done, side) == CPJIT_ERR_INVALID_ARGUMENT);
    CHECK(cpjit_executor_link(plain, 1, side) == CPJIT_ERR_INVALID_ARGUMENT);
    REQUIRE(cpjit_executor_link(main_trace, hot, side) == CPJIT_OK);
    f = fresh_frame();
    f.slots[0] = 5;
    REQUIRE(cpjit_executor_run(main_trace, &f, &info) == CPJIT_OK);
    CHECK(info.executor == side);
    CHECK(info.resume == 3);
    CHECK(f.slots[2] == 12);

    // Bad declarations are statuses.
    Builder b(rt);
    CHECK(cpjit_trace_continue_exit(b.trace, main_trace, 42) == CPJIT_ERR_BAD_EXIT);
    CHECK(cpjit_trace_continue_exit(b.trace, nullptr, 0) == CPJIT_ERR_INVALID_ARGUMENT);
    CHECK(cpjit_trace_continue_exit(nullptr, main_trace, 0) == CPJIT_ERR_INVALID_ARGUMENT);
    Runtime other(mode);
    CHECK(cpjit_trace_continue_exit(b.trace, main_trace, hot) == CPJIT_OK);
    Builder o(other);
    CHECK(cpjit_trace_continue_exit(o.trace, main_trace, hot) == CPJIT_ERR_INVALID_ARGUMENT);
  }
}

TEST_CASE("code memory exhaustion is a status and the context keeps working", "[unit]") {
  Runtime rt(CPJIT_MODE_JIT, 64 * 1024);
  std::vector<cpjit_executor *> all;
  cpjit_status last = CPJIT_OK;
  while (last == CPJIT_OK && all.size() < 100000) {
    Builder b(rt);
    uint32_t x = b.exit(0);
    b.add("CALL_HELPER", {1, 0});
    b.add("EXIT", {}, CPJIT_NONE, x);
    cpjit_executor *e = nullptr;
    last = b.end(&e);
    if (last == CPJIT_OK) all.push_back(e);
  }
  CHECK(last == CPJIT_ERR_CODE_MEMORY_EXHAUSTED);
  CHECK(last_error().find("limit") != std::string::npos);
  REQUIRE(all.size() > 10);
  cpjit_context_stats stats{};
  stats.struct_size = sizeof stats;
  REQUIRE(cpjit_context_stats_get(rt.ctx, &stats) == CPJIT_OK);
  CHECK(stats.compile_failures == 1);
  // Freed executors give their memory back once no run can be inside them.
  for (size_t i = 0; i < all.size() / 2; ++i) cpjit_executor_free(all[i]);
  Builder b(rt);
  uint32_t x = b.exit(9);
  b.add("SET_I64", {2, 77});
  b.add("EXIT", {}, CPJIT_NONE, x);
  cpjit_executor *again = b.end();
  cpjit_sample_frame f = fresh_frame();
  cpjit_exit_info info;
  REQUIRE(cpjit_executor_run(again, &f, &info) == CPJIT_OK);
  CHECK(f.slots[2] == 77);
  CHECK(info.resume == 9);
  REQUIRE(cpjit_executor_run(all.back(), &f, &info) == CPJIT_OK);
  CHECK(f.helper_calls == 1);
}

TEST_CASE("dumps, and observers switched on by config or environment", "[unit]") {
  char dir_template[] = "/tmp/cpjit-dump-XXXXXX";
  REQUIRE(mkdtemp(dir_template) != nullptr);
  const std::string dir = dir_template;
  auto slurp = [](const std::string &path) {
    std::FILE *f = std::fopen(path.c_str(), "rb");
    std::string out;
    if (f == nullptr) return out;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    std::fclose(f);
    return out;
  };
  {
    // The API call.
    Runtime rt(CPJIT_MODE_JIT);
    Builder b(rt);
    uint32_t x = b.exit(5);
    b.add("CALL_HELPER", {1, 0});
    b.add("EXIT", {}, CPJIT_NONE, x);
    cpjit_executor *e = b.end();
    const std::string path = dir + "/api.json";
    REQUIRE(cpjit_executor_dump(e, path.c_str()) == CPJIT_OK);
    const std::string json = slurp(path);
    CHECK(json.find("\"CALL_HELPER\"") != std::string::npos);
    CHECK(json.find("cpjit_sample_helper") != std::string::npos);
    CHECK(cpjit_executor_dump(e, "/nonexistent-dir/x.json") == CPJIT_ERR_SYSTEM);
  }
  {
    Runtime rt(CPJIT_MODE_INTERP);
    Builder b(rt);
    uint32_t x = b.exit(5);
    b.add("EXIT", {}, CPJIT_NONE, x);
    cpjit_executor *e = b.end();
    CHECK(cpjit_executor_dump(e, (dir + "/interp.json").c_str()) == CPJIT_ERR_UNSUPPORTED);
  }
  {
    // The config: a dump directory for every compiled trace.
    cpjit_config config;
    cpjit_config_init(&config);
    config.mode = CPJIT_MODE_JIT;
    const std::string auto_dir = dir + "/auto";
    config.dump_dir = auto_dir.c_str();
    cpjit_context *ctx = nullptr;
    REQUIRE(cpjit_context_create(&config, &ctx) == CPJIT_OK);
    cpjit_stencils *set = nullptr;
    REQUIRE(cpjit_register_stencils(ctx, CPJIT_STENCILS_SAMPLES, nullptr, test::kSampleSymbols, 2, &set) == CPJIT_OK);
    cpjit_trace *t = nullptr;
    REQUIRE(cpjit_trace_begin(ctx, set, &t) == CPJIT_OK);
    cpjit_exit_desc d{CPJIT_EXIT_SIDE, 1, 0};
    uint32_t x = 0;
    REQUIRE(cpjit_trace_add_exit(t, &d, &x) == CPJIT_OK);
    uint32_t exit_uop = 0;
    REQUIRE(cpjit_uop_lookup(set, "EXIT", &exit_uop) == CPJIT_OK);
    cpjit_insn i = Builder::insn(exit_uop, {}, CPJIT_NONE, x);
    REQUIRE(cpjit_trace_append(t, &i, nullptr) == CPJIT_OK);
    cpjit_executor *e = nullptr;
    REQUIRE(cpjit_trace_end(t, &e) == CPJIT_OK);
    CHECK(slurp(auto_dir + "/trace0.json").find("\"EXIT\"") != std::string::npos);
    cpjit_context_stats stats{};
    stats.struct_size = sizeof stats;
    REQUIRE(cpjit_context_stats_get(ctx, &stats) == CPJIT_OK);
    CHECK(stats.observer_errors == 0);
    cpjit_context_destroy(ctx);
    config.debug_flags = 1u << 20;
    CHECK(cpjit_context_create(&config, &ctx) == CPJIT_ERR_INVALID_ARGUMENT);
  }
  std::string cleanup = "rm -rf '" + dir + "'";
  CHECK(std::system(cleanup.c_str()) == 0);
}
