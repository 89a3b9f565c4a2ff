// Each optimizer pass on small traces of the sample uops: what it must change and what it must
// leave alone. The results are also run, and must match the unoptimized trace.
#include <cpjit/cpjit.h>

#include <cstring>
#include <string>
#include <vector>

#include "opt/optimizer.h"
#include "runtime.h"
#include "runtime_support.h"
#include "sample_fold.h"

using test::Builder;
using test::fresh_frame;
using test::Runtime;

namespace {

struct Case {
  Runtime rt{CPJIT_MODE_JIT};
  cpjit::opt::Trace trace;
  cpjit::opt::Stats stats;

  Case() { cpjit_stencils_set_fold(rt.set, test::fold_sample, rt.set); }
  uint32_t add(const char *name, std::initializer_list<int64_t> operands, uint32_t jump = CPJIT_NONE) {
    cpjit_insn insn = Builder::insn(rt.uop(name), operands, jump, 0, 0);
    trace.push_back(insn);
    return static_cast<uint32_t>(trace.size() - 1);
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const cpjit_insn &i : trace) out.push_back(cpjit_uop_name(rt.set, i.uop));
    return out;
  }
  const cpjit::opt::Uops &uops() const { return rt.set->model; }
};

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("facts: a guard whose fact is known is removed", "[unit][opt]") {
  Case c;
  c.add("SET_I16", {0, 5});
  c.add("GUARD_SMALL", {0});
  c.add("SET_I64", {0, 1ll << 40});  // no fact: the next guard must stay
  c.add("GUARD_SMALL", {0});
  c.add("EXIT", {});
  cpjit::opt::propagate_facts(c.uops(), c.trace, c.stats);
  CHECK(c.names() == Names{"SET_I16", "SET_I64", "GUARD_SMALL", "EXIT"});
  CHECK(c.stats.guards_removed == 1);
}

TEST_CASE("facts: what an escaping uop may change is forgotten; copies keep facts", "[unit][opt]") {
  Case c;
  c.add("SET_I8", {0, 1});
  c.add("MOVE", {1, 0});
  c.add("GUARD_SMALL", {1});  // the copy holds a SMALL value
  c.add("CALL_HELPER", {2, 0});
  c.add("GUARD_SMALL", {0});  // after a helper call, nothing is known
  c.add("EXIT", {});
  cpjit::opt::propagate_facts(c.uops(), c.trace, c.stats);
  CHECK(c.names() == Names{"SET_I8", "MOVE", "CALL_HELPER", "GUARD_SMALL", "EXIT"});
}

TEST_CASE("facts: a guard on a copy proves its source and the other copies", "[unit][opt]") {
  Case c;
  c.add("SET_I64", {0, 1ll << 40});
  c.add("MOVE", {1, 0});
  c.add("MOVE", {2, 1});      // a copy of the copy: the same value as s0
  c.add("GUARD_SMALL", {2});  // holds for s0 and s1 too
  c.add("GUARD_SMALL", {0});  // removed
  c.add("GUARD_SMALL", {1});  // removed
  c.add("ADD", {0, 0, 0});    // s0 changes; s1 and s2 still hold the checked value
  c.add("GUARD_SMALL", {0});  // stays
  c.add("GUARD_SMALL", {1});  // removed
  c.add("MOVE", {3, 1});
  c.add("SET_I64", {1, 7});   // s3 was copied from s1, and still holds the checked value
  c.add("GUARD_SMALL", {3});  // removed
  c.add("SET_I64", {4, 1ll << 40});
  c.add("MOVE", {5, 4});
  c.add("SET_I64", {4, 3});   // s5 is no copy of s4 any more
  c.add("GUARD_SMALL", {5});
  c.add("GUARD_SMALL", {4});  // stays: s5's check says nothing about the new s4
  c.add("EXIT", {});
  cpjit::opt::propagate_facts(c.uops(), c.trace, c.stats);
  CHECK(c.names() == Names{"SET_I64", "MOVE", "MOVE", "GUARD_SMALL", "ADD", "GUARD_SMALL", "MOVE", "SET_I64", "SET_I64",
                           "MOVE", "SET_I64", "GUARD_SMALL", "GUARD_SMALL", "EXIT"});
  CHECK(c.stats.guards_removed == 4);
}

TEST_CASE("peeling and copies: a loop checking the copy of a value it does not change checks it once", "[unit][opt]") {
  Case c;
  c.add("SET_I64", {1, 100});
  const uint32_t head = c.add("MOVE", {3, 2});  // s2 is never written in the loop; s3 is its copy
  c.add("GUARD_SMALL", {3});
  c.add("ADD", {0, 0, 3});
  c.add("JUMP_IF_LT", {0, 1}, head);
  c.add("EXIT", {});
  cpjit::opt::peel_loop(c.uops(), 4096, c.trace, c.stats);
  cpjit::opt::propagate_facts(c.uops(), c.trace, c.stats);
  CHECK(c.names() == Names{"SET_I64", "MOVE", "GUARD_SMALL", "ADD", "JUMP_IF_LT", "JUMP", "MOVE", "ADD", "JUMP_IF_LT",
                           "EXIT"});
}

TEST_CASE("facts: a repeated idempotent uop is removed until its slot is written or a uop escapes", "[unit][opt]") {
  Case c;
  c.add("SET_I64", {0, 5});
  c.add("EXIT_IF_ABOVE", {0, 10});
  c.add("EXIT_IF_ABOVE", {0, 10});  // a repeat: removed
  c.add("EXIT_IF_ABOVE", {0, 11});  // other operands: stays
  c.add("ADD", {1, 0, 0});          // writes another slot: the first check still holds
  c.add("EXIT_IF_ABOVE", {0, 10});  // removed
  c.add("ADD", {0, 0, 0});          // writes its slot
  c.add("EXIT_IF_ABOVE", {0, 10});  // stays
  c.add("CALL_HELPER", {2, 1});     // escapes
  c.add("EXIT_IF_ABOVE", {0, 10});  // stays
  c.add("EXIT", {});
  cpjit::opt::propagate_facts(c.uops(), c.trace, c.stats);
  CHECK(c.names() == Names{"SET_I64", "EXIT_IF_ABOVE", "EXIT_IF_ABOVE", "ADD", "ADD", "EXIT_IF_ABOVE", "CALL_HELPER",
                           "EXIT_IF_ABOVE", "EXIT"});
  CHECK(c.stats.guards_removed == 2);
}

TEST_CASE("peeling one iteration lets the loop drop repeats of idempotent uops", "[unit][opt]") {
  Case c;
  c.add("SET_I64", {1, 100});
  c.add("SET_I64", {2, 7});
  const uint32_t head = c.add("EXIT_IF_ABOVE", {2, 50});  // s2 is never written in the loop
  c.add("EXIT_IF_ABOVE", {0, 1000});                      // s0 is: its check stays
  c.add("ADD", {0, 0, 2});
  c.add("JUMP_IF_LT", {0, 1}, head);
  c.add("EXIT", {});
  cpjit::opt::peel_loop(c.uops(), 4096, c.trace, c.stats);
  cpjit::opt::propagate_facts(c.uops(), c.trace, c.stats);
  CHECK(c.names() == Names{"SET_I64", "SET_I64", "EXIT_IF_ABOVE", "EXIT_IF_ABOVE", "ADD", "JUMP_IF_LT", "JUMP",
                           "EXIT_IF_ABOVE", "ADD", "JUMP_IF_LT", "EXIT"});
}

TEST_CASE("peeling one iteration lets the loop drop constants it stores again, after folding", "[unit][opt]") {
  Case c;
  c.add("SET_I64", {0, 0});
  const uint32_t head = c.add("SET_I64", {2, 7});  // s2: nothing else in the loop writes it
  c.add("SET_I64", {3, 1});                        // s3: the ADD below writes it too
  c.add("ADD", {4, 2, 2});                         // folds to 14 (s2 is 7 in the same straight line)
  c.add("ADD", {0, 0, 3});
  c.add("ADD", {3, 3, 3});
  c.add("JUMP_IF_LT", {0, 2}, head);
  c.add("EXIT", {});
  cpjit::opt::peel_loop(c.uops(), 4096, c.trace, c.stats);
  cpjit::opt::propagate_facts(c.uops(), c.trace, c.stats);
  cpjit::opt::fold_constants(c.uops(), c.trace, c.stats);
  cpjit::opt::remove_repeated_constants(c.uops(), c.trace, c.stats);
  // The peeled iteration folds to constants. In the loop, s2 = 7 and the folded s4 = 14 go;
  // s3 = 1 stays (the loop writes s3 after it), and so does s3 + s3 folded to 2.
  CHECK(c.names() == Names{"SET_I64", "SET_I64", "SET_I64", "SET_I64", "SET_I64", "SET_I64", "JUMP_IF_LT", "JUMP",
                           "SET_I64", "ADD", "SET_I64", "JUMP_IF_LT", "EXIT"});
  CHECK(c.trace[8].operands[0] == 3);
  CHECK(c.trace[10].operands[0] == 3);
  CHECK(c.trace[10].operands[1] == 2);
  CHECK(c.stats.uops_folded == 5);
  CHECK(c.stats.guards_removed == 2);
}

TEST_CASE("peeling one iteration lets the loop drop guards on values it does not change", "[unit][opt]") {
  Case c;
  c.add("SET_I64", {1, 100});
  const uint32_t head = c.add("GUARD_SMALL", {2});  // s2 is never written in the loop
  c.add("GUARD_SMALL", {0});                        // s0 is: its guard stays
  c.add("ADD", {0, 0, 2});
  c.add("JUMP_IF_LT", {0, 1}, head);
  c.add("EXIT", {});
  cpjit::opt::peel_loop(c.uops(), 4096, c.trace, c.stats);
  CHECK(c.stats.loops_peeled == 1);
  CHECK(c.names() == Names{"SET_I64", "GUARD_SMALL", "GUARD_SMALL", "ADD", "JUMP_IF_LT", "JUMP",  // the first iteration
                           "GUARD_SMALL", "GUARD_SMALL", "ADD", "JUMP_IF_LT", "EXIT"});
  CHECK(c.trace[4].jump == 6);   // on to the loop
  CHECK(c.trace[5].jump == 10);  // or past it
  CHECK(c.trace[9].jump == 6);
  cpjit::opt::propagate_facts(c.uops(), c.trace, c.stats);
  CHECK(c.names() == Names{"SET_I64", "GUARD_SMALL", "GUARD_SMALL", "ADD", "JUMP_IF_LT", "JUMP", "GUARD_SMALL", "ADD",
                           "JUMP_IF_LT", "EXIT"});
  CHECK(c.trace[7 - 1].operands[0] == 0);  // the loop keeps the guard of s0 only
}

TEST_CASE("facts at exits: what held before the uops taking each exit, less what they write", "[unit][opt]") {
  using cpjit::opt::Facts;
  constexpr uint16_t kSmall = 1;  // samples.c
  Case c;
  // (Case::add gives every uop exit 0: here only the exiting ones have exits.)
  auto add_exiting = [&](const char *name, std::initializer_list<int64_t> operands, uint32_t exit = CPJIT_NONE) {
    c.trace.push_back(test::Builder::insn(c.rt.uop(name), operands, CPJIT_NONE, exit));
  };
  add_exiting("SET_I16", {0, 5});
  add_exiting("SET_I16", {1, 6});
  add_exiting("ADD", {1, 0, 0}, 0);       // exit 0: may leave after writing s1
  add_exiting("EXIT_IF_EQ", {0, 3}, 1);   // exit 1: s1 holds ADD's result now, no fact
  add_exiting("SET_I16", {2, 7});
  add_exiting("EXIT_IF_EQ", {2, 3}, 2);   // exit 2 is taken in two places: what both know
  add_exiting("EXIT_IF_EQ", {0, 4}, 2);
  add_exiting("CALL_HELPER", {3, 0});
  add_exiting("EXIT", {}, 3);             // exit 3: after an escaping uop, nothing is known
  // Exit 4 is taken nowhere.
  const std::vector<Facts> at = cpjit::opt::facts_at_exits(c.uops(), c.trace, 5, Facts{{9, kSmall}});
  REQUIRE(at.size() == 5);
  CHECK(at[0] == Facts{{0, kSmall}, {9, kSmall}});  // s9: the entry's fact, still true
  CHECK(at[1] == Facts{{0, kSmall}, {9, kSmall}});
  CHECK(at[2] == Facts{{0, kSmall}, {2, kSmall}, {9, kSmall}});
  CHECK(at[3].empty());
  CHECK(at[4].empty());
}

TEST_CASE("facts: a side trace's entry facts remove its first guards", "[unit][opt]") {
  using cpjit::opt::Facts;
  Case c;
  c.add("GUARD_SMALL", {0});
  c.add("GUARD_SMALL", {1});
  c.add("EXIT", {});
  cpjit::opt::propagate_facts(c.uops(), c.trace, c.stats, Facts{{1, 1}, {2, 1}});
  CHECK(c.names() == Names{"GUARD_SMALL", "EXIT"});
  CHECK(c.trace[0].operands[0] == 0);
}

TEST_CASE("folding evaluates pure uops on constants through the hook", "[unit][opt]") {
  Case c;
  c.add("SET_I64", {0, 40});
  c.add("ADD_IMM", {1, 0, 2});
  c.add("ADD", {2, 1, 1});
  c.add("ADD", {3, 2, 4});  // s4 is unknown: stays
  c.add("SET_I64", {5, INT64_MAX});
  c.add("ADD", {6, 5, 5});  // would overflow: the hook refuses, the uop stays
  c.add("EXIT", {});
  cpjit::opt::fold_constants(c.uops(), c.trace, c.stats);
  CHECK(c.names() == Names{"SET_I64", "SET_I64", "SET_I64", "ADD", "SET_I64", "ADD", "EXIT"});
  CHECK(c.trace[1].operands[1] == 42);
  CHECK(c.trace[2].operands[1] == 84);
  CHECK(c.stats.uops_folded == 2);
}

TEST_CASE("forwarding reuses values still in slots", "[unit][opt]") {
  Case c;
  c.add("ADD", {2, 0, 1});
  c.add("ADD", {3, 0, 1});  // the same sum: a copy of s2
  c.add("ADD", {2, 0, 1});  // already in s2: gone
  c.add("MOVE", {4, 0});
  c.add("MOVE", {4, 0});    // s4 already holds s0: gone
  c.add("SET_I64", {0, 7}); // s0 changes: the sum is no longer available
  c.add("ADD", {5, 0, 1});
  c.add("ADD", {0, 0, 1});  // the value s5 holds: a copy; but it changes s0...
  c.add("ADD", {6, 0, 1});  // ...so this sum, of the new s0, is computed again
  c.add("EXIT", {});
  cpjit::opt::forward_values(c.uops(), c.trace, c.stats);
  CHECK(c.names() == Names{"ADD", "MOVE", "MOVE", "SET_I64", "ADD", "MOVE", "ADD", "EXIT"});
  CHECK(c.trace[5].operands[0] == 0);
  CHECK(c.trace[5].operands[1] == 5);
  CHECK(c.trace[1].operands[0] == 3);
  CHECK(c.trace[1].operands[1] == 2);
}

TEST_CASE("dead pure uops are removed; anything an exit can see stays", "[unit][opt]") {
  Case c;
  c.add("SET_I64", {0, 1});   // overwritten before anything reads it: dead
  c.add("SET_I64", {0, 2});
  c.add("SET_I64", {1, 3});   // an exit follows: the interpreter reads it
  c.add("GUARD_SMALL", {0});
  c.add("SET_I64", {1, 4});
  c.add("EXIT", {});
  cpjit::opt::remove_dead(c.uops(), c.trace, c.stats);
  CHECK(c.names() == Names{"SET_I64", "SET_I64", "GUARD_SMALL", "SET_I64", "EXIT"});
  CHECK(c.trace[0].operands[1] == 2);
}

TEST_CASE("optimized traces compute what unoptimized ones do", "[unit][opt]") {
  for (uint32_t passes : {CPJIT_OPT_NONE, CPJIT_OPT_ALL}) {
    cpjit_config config;
    cpjit_config_init(&config);
    config.mode = CPJIT_MODE_JIT;
    config.optimizer_passes = passes;
    cpjit_context *ctx = nullptr;
    REQUIRE(cpjit_context_create(&config, &ctx) == CPJIT_OK);
    cpjit_stencils *set = nullptr;
    REQUIRE(cpjit_register_stencils(ctx, CPJIT_STENCILS_SAMPLES, nullptr, test::kSampleSymbols, 2, &set) == CPJIT_OK);
    REQUIRE(cpjit_stencils_set_fold(set, test::fold_sample, set) == CPJIT_OK);
    cpjit_trace *t = nullptr;
    REQUIRE(cpjit_trace_begin(ctx, set, &t) == CPJIT_OK);
    cpjit_exit_desc done{CPJIT_EXIT_SIDE, 1, 0}, guard{CPJIT_EXIT_SIDE, 2, 0};
    uint32_t d = 0, g = 0;
    cpjit_trace_add_exit(t, &done, &d);
    cpjit_trace_add_exit(t, &guard, &g);
    auto uop = [&](const char *name) {
      uint32_t id = 0;
      REQUIRE(cpjit_uop_lookup(set, name, &id) == CPJIT_OK);
      return id;
    };
    std::vector<cpjit_insn> insns = {
        Builder::insn(uop("SET_I64"), {1, 1000}),       Builder::insn(uop("SET_I16"), {2, 3}),
        Builder::insn(uop("ADD_IMM"), {3, 2, 4}),       Builder::insn(uop("GUARD_SMALL"), {2}, CPJIT_NONE, g),
        Builder::insn(uop("ADD"), {0, 0, 3}, CPJIT_NONE, g), Builder::insn(uop("ADD"), {4, 0, 3}, CPJIT_NONE, g),
        Builder::insn(uop("JUMP_IF_LT"), {0, 1}, 3),    Builder::insn(uop("EXIT"), {}, CPJIT_NONE, d)};
    for (const cpjit_insn &i : insns) REQUIRE(cpjit_trace_append(t, &i, nullptr) == CPJIT_OK);
    cpjit_executor *e = nullptr;
    REQUIRE(cpjit_trace_end(t, &e) == CPJIT_OK);
    cpjit_sample_frame f = fresh_frame();
    cpjit_exit_info info;
    REQUIRE(cpjit_executor_run(e, &f, &info) == CPJIT_OK);
    INFO("passes " << passes);
    CHECK(info.resume == 1);
    CHECK(f.slots[0] == 1001);  // 7 per iteration, 143 iterations
    CHECK(f.slots[4] == 1008);
    cpjit_context_stats stats{};
    stats.struct_size = sizeof stats;
    REQUIRE(cpjit_context_stats_get(ctx, &stats) == CPJIT_OK);
    if (passes == CPJIT_OPT_ALL) {
      CHECK(stats.loops_peeled == 1);
      CHECK(stats.guards_removed >= 1);
      CHECK(stats.uops_folded >= 1);
    } else {
      CHECK(stats.loops_peeled == 0);
    }
    cpjit_context_destroy(ctx);
  }
}

namespace {

// A uop model for the register-cache pass, without stencils: what the pass reads is metadata.
struct CacheModel {
  enum : uint32_t {
    kProduce, kUse, kUseFromA, kUseFromB, kWrite, kEscape, kJump,
    // Two-cache variants: operand 1 from cache 1 and 2 from cache 2, and the other way round.
    kUseFromAB, kUseFromBA,
    // Loaders: cache 1 (facc-like), cache 2 (a second operand register), cache 3 (a home), and
    // their copies from one cache into another.
    kLoadA, kLoadB, kLoadH, kLoadAFromH, kLoadBFromH, kLoadHFromA,
    kCall, kBranch,
    // A loop's counters (s0 and s1 read and written, a branch) and its carried variants: s0 kept
    // in home cache 3, then also s1 in home cache 4, which loader kLoadG fills.
    kStep, kStepH, kStepHG, kLoadG,
    kClobber,  // says CLOBBERS_CACHES, calls nothing
    kCount
  };
  cpjit::opt::Uops uops;
  CacheModel() {
    uops.info.resize(kCount);
    for (auto &i : uops.info) i.known = true;
    auto &produce = uops.info[kProduce];  // s0 = ..., also into cache 1
    produce.operands[0] = CPJIT_OPERAND_SLOT_WRITE;
    produce.cache_out = {0, 1};
    for (uint32_t u : {kUse, kUseFromA, kUseFromB}) {  // s0 = s1 op s2
      auto &use = uops.info[u];
      use.flags = CPJIT_UOP_PURE;
      use.operands[0] = CPJIT_OPERAND_SLOT_WRITE;
      use.operands[1] = use.operands[2] = CPJIT_OPERAND_SLOT_READ;
    }
    uops.info[kUseFromA].cache_in = {1, 1};
    uops.info[kUseFromB].cache_in = {2, 1};
    uops.variants = {{kUse, 1, 1, kUseFromA}, {kUse, 2, 1, kUseFromB}};
    uops.info[kWrite].operands[0] = CPJIT_OPERAND_SLOT_WRITE;
    uops.info[kEscape].flags = CPJIT_UOP_ESCAPES;
    uops.info[kJump].flags = CPJIT_UOP_BRANCH | CPJIT_UOP_ENDS_TRACE;
    uops.info[kBranch].flags = CPJIT_UOP_BRANCH;
    uops.info[kCall].calls = true;
    uops.info[kClobber].flags = CPJIT_UOP_CLOBBERS_CACHES;
    uops.index();
  }
  // The loaders and two-cache variants: a model with home caches.
  void add_homes() {
    for (uint32_t u : {kUseFromAB, kUseFromBA}) uops.info[u] = uops.info[kUse];
    uops.info[kUseFromAB].cache_in = {2, 2};
    uops.info[kUseFromBA].cache_in = {1, 2};
    const std::pair<uint32_t, uint8_t> loaders[] = {{kLoadA, 1}, {kLoadB, 2}, {kLoadH, 3}, {kLoadAFromH, 1},
                                                    {kLoadBFromH, 2}, {kLoadHFromA, 3}};
    for (auto [u, cache] : loaders) {
      uops.info[u].operands[0] = CPJIT_OPERAND_SLOT_READ;
      uops.info[u].cache_out = {0, cache};
    }
    uops.info[kLoadAFromH].cache_in = {0, 3};
    uops.info[kLoadBFromH].cache_in = {0, 3};
    uops.info[kLoadHFromA].cache_in = {0, 1};
    uops.variants.push_back({kUseFromA, 2, 2, kUseFromAB});
    uops.variants.push_back({kUseFromB, 1, 2, kUseFromBA});
    uops.variants.push_back({kLoadA, 0, 3, kLoadAFromH});
    uops.variants.push_back({kLoadB, 0, 3, kLoadBFromH});
    uops.variants.push_back({kLoadH, 0, 1, kLoadHFromA});
    uops.index();
  }
  // The counters' uop and its carried variants (after add_homes()).
  void add_carried() {
    for (uint32_t u : {kStep, kStepH, kStepHG}) {
      uops.info[u].flags = CPJIT_UOP_BRANCH;
      uops.info[u].operands[0] = uops.info[u].operands[1] = CPJIT_OPERAND_SLOT_READ_WRITE;
    }
    uops.info[kStepH].cache_in = {0, 3};
    uops.info[kStepHG].cache_in = {1, 4};
    uops.info[kLoadG].operands[0] = CPJIT_OPERAND_SLOT_READ;
    uops.info[kLoadG].cache_out = {0, 4};
    uops.variants.push_back({kStep, 0, 3, kStepH});
    uops.variants.push_back({kStepH, 1, 4, kStepHG});
    uops.index();
  }
  static cpjit_insn insn(uint32_t uop, std::initializer_list<uint64_t> operands, uint32_t jump = CPJIT_NONE) {
    cpjit_insn i;
    cpjit_insn_init(&i, uop);
    size_t k = 0;
    for (uint64_t o : operands) i.operands[k++] = o;
    i.jump = jump;
    return i;
  }
  std::vector<uint32_t> run(cpjit::opt::Trace trace, cpjit::opt::Stats &stats) const {
    cpjit::opt::use_caches(uops, trace, stats);
    return uop_ids(trace);
  }
  static std::vector<uint32_t> uop_ids(const cpjit::opt::Trace &trace) {
    std::vector<uint32_t> out;
    for (const cpjit_insn &i : trace) out.push_back(i.uop);
    return out;
  }
};

}  // namespace

TEST_CASE("caches: a uop right after the producer reads the cache, on either operand", "[unit][opt]") {
  CacheModel m;
  cpjit::opt::Stats stats;
  using M = CacheModel;
  CHECK(m.run({M::insn(M::kProduce, {5}), M::insn(M::kUse, {6, 5, 7})}, stats) ==
        std::vector<uint32_t>{M::kProduce, M::kUseFromA});
  CHECK(m.run({M::insn(M::kProduce, {5}), M::insn(M::kUse, {6, 7, 5})}, stats) ==
        std::vector<uint32_t>{M::kProduce, M::kUseFromB});
  // Neither operand is the cached slot: the base stays.
  CHECK(m.run({M::insn(M::kProduce, {5}), M::insn(M::kUse, {6, 7, 8})}, stats) ==
        std::vector<uint32_t>{M::kProduce, M::kUse});
  // The cache still holds s5 after a uop that writes another slot.
  CHECK(m.run({M::insn(M::kProduce, {5}), M::insn(M::kWrite, {9}), M::insn(M::kUse, {6, 5, 7})}, stats) ==
        std::vector<uint32_t>{M::kProduce, M::kWrite, M::kUseFromA});
  CHECK(stats.uops_cached == 3);
}

TEST_CASE("caches: forgotten when the slot is written, after escaping uops and at jump targets", "[unit][opt]") {
  CacheModel m;
  cpjit::opt::Stats stats;
  using M = CacheModel;
  CHECK(m.run({M::insn(M::kProduce, {5}), M::insn(M::kWrite, {5}), M::insn(M::kUse, {6, 5, 7})}, stats) ==
        std::vector<uint32_t>{M::kProduce, M::kWrite, M::kUse});
  CHECK(m.run({M::insn(M::kProduce, {5}), M::insn(M::kEscape, {}), M::insn(M::kUse, {6, 5, 7})}, stats) ==
        std::vector<uint32_t>{M::kProduce, M::kEscape, M::kUse});
  // uop 1 is a loop head: the back edge arrives there with the cache holding something else.
  CHECK(m.run({M::insn(M::kProduce, {5}), M::insn(M::kUse, {6, 5, 7}), M::insn(M::kProduce, {8}),
               M::insn(M::kJump, {}, 1)},
              stats) == std::vector<uint32_t>{M::kProduce, M::kUse, M::kProduce, M::kJump});
  // A use writing the cached slot ends the mirror for the next one.
  CHECK(m.run({M::insn(M::kProduce, {5}), M::insn(M::kUse, {5, 5, 7}), M::insn(M::kUse, {6, 5, 7})}, stats) ==
        std::vector<uint32_t>{M::kProduce, M::kUseFromA, M::kUse});
  CHECK(stats.uops_cached == 1);
}

TEST_CASE("caches: a uop reads two operands from two caches through a chain of variants", "[unit][opt]") {
  CacheModel m;
  m.add_homes();
  cpjit::opt::Stats stats;
  using M = CacheModel;
  // s5 in cache 1 (a producer), s7 in cache 2 (a loader): both operands from caches.
  CHECK(m.run({M::insn(M::kLoadB, {7}), M::insn(M::kProduce, {5}), M::insn(M::kUse, {6, 5, 7})}, stats) ==
        std::vector<uint32_t>{M::kLoadB, M::kProduce, M::kUseFromAB});
  CHECK(m.run({M::insn(M::kLoadB, {7}), M::insn(M::kProduce, {5}), M::insn(M::kUse, {6, 7, 5})}, stats) ==
        std::vector<uint32_t>{M::kLoadB, M::kProduce, M::kUseFromBA});
  // Cache 2 is lost across a uop that calls (only loaders fill it); cache 1 is not.
  CHECK(m.run({M::insn(M::kLoadB, {7}), M::insn(M::kProduce, {5}), M::insn(M::kCall, {}), M::insn(M::kUse, {6, 5, 7})},
              stats) == std::vector<uint32_t>{M::kLoadB, M::kProduce, M::kCall, M::kUseFromA});
}

TEST_CASE("caches: a slot the loop writes and reads stays in a home cache across iterations", "[unit][opt]") {
  CacheModel m;
  m.add_homes();
  cpjit::opt::Stats stats;
  using M = CacheModel;
  cpjit::opt::Trace trace = {
      M::insn(M::kProduce, {5}),         // 0 before the loop
      M::insn(M::kUse, {6, 5, 7}),       // 1 loop head: reads s5, last written a whole iteration ago
      M::insn(M::kProduce, {5}),         // 2 writes s5 (and leaves it in cache 1)
      M::insn(M::kUse, {8, 9, 5}),       // 3 reads it from cache 1 anyway
      M::insn(M::kBranch, {}, 1),        // 4 the back edge
      M::insn(M::kWrite, {9}),           // 5 after the loop
  };
  cpjit::opt::use_caches(m.uops, trace, stats);
  CHECK(M::uop_ids(trace) == std::vector<uint32_t>{M::kProduce,
                                                   M::kLoadHFromA,  // the home filled before the head (s5 is in cache 1)
                                                   M::kLoadAFromH,  // the head: s5 copied into cache 1
                                                   M::kUseFromA, M::kProduce,
                                                   M::kLoadHFromA,  // the home refreshed after the write
                                                   M::kUseFromB, M::kBranch, M::kWrite});
  CHECK(trace[1].operands[0] == 5);
  CHECK(trace[7].jump == 2);  // the back edge skips the load
  CHECK(stats.slots_bound == 1);

  // A call in the loop loses the homes: each is reloaded right after it, from its slot when no
  // other cache holds the value.
  stats = {};
  trace = {
      M::insn(M::kUse, {6, 5, 7}),  // 0 head
      M::insn(M::kUse, {8, 5, 7}),  // 1
      M::insn(M::kProduce, {9}),    // 2 cache 1 holds s9 now
      M::insn(M::kCall, {}),        // 3
      M::insn(M::kProduce, {5}),    // 4 writes s5
      M::insn(M::kUse, {7, 6, 8}),  // 5 writes s7, leaving it in no cache: s7 gets no home
      M::insn(M::kBranch, {}, 0),   // 6
  };
  cpjit::opt::use_caches(m.uops, trace, stats);
  CHECK(stats.slots_bound == 1);
  CHECK(M::uop_ids(trace) == std::vector<uint32_t>{M::kLoadH, M::kLoadAFromH, M::kUseFromA,
                                                   M::kUseFromA,  // cache 1 still holds s5
                                                   M::kProduce, M::kCall,
                                                   M::kLoadH,  // the reload after the call, from the slot
                                                   M::kProduce,
                                                   M::kLoadHFromA,  // after the write, from cache 1
                                                   M::kUse, M::kBranch});
  CHECK(trace[6].operands[0] == 5);
  CHECK(trace.back().jump == 1);
}

TEST_CASE("caches: no home for a loop entered in the middle, nor for a slot a branch writes", "[unit][opt]") {
  CacheModel m;
  m.add_homes();
  cpjit::opt::Stats stats;
  using M = CacheModel;
  // A jump from before the loop into its body.
  cpjit::opt::Trace trace = {M::insn(M::kBranch, {}, 3),  M::insn(M::kUse, {6, 5, 7}), M::insn(M::kProduce, {5}),
                             M::insn(M::kUse, {8, 9, 7}), M::insn(M::kBranch, {}, 1)};
  cpjit::opt::use_caches(m.uops, trace, stats);
  CHECK(stats.slots_bound == 0);
  CHECK(trace.size() == 5);
  // The back edge itself writes s5: the reload after it would be skipped on the jump.
  CacheModel branchy;
  branchy.add_homes();
  branchy.uops.info[M::kBranch].operands[0] = CPJIT_OPERAND_SLOT_WRITE;
  trace = {M::insn(M::kUse, {6, 5, 7}), M::insn(M::kUse, {8, 5, 7}), M::insn(M::kBranch, {5}, 0)};
  cpjit::opt::use_caches(branchy.uops, trace, stats);
  CHECK(stats.slots_bound == 0);
  // A temporary: written before it is read in every iteration, nothing to carry.
  trace = {M::insn(M::kProduce, {5}), M::insn(M::kWrite, {9}), M::insn(M::kUse, {6, 5, 7}),
           M::insn(M::kWrite, {9}), M::insn(M::kUse, {8, 5, 7}), M::insn(M::kBranch, {}, 0)};
  cpjit::opt::use_caches(m.uops, trace, stats);
  CHECK(stats.slots_bound == 0);
  // A slot written by a uop that leaves it in no cache: the refresh would be a load.
  trace = {M::insn(M::kUse, {6, 5, 7}), M::insn(M::kUse, {8, 5, 7}), M::insn(M::kWrite, {5}),
           M::insn(M::kBranch, {}, 0)};
  cpjit::opt::use_caches(m.uops, trace, stats);
  CHECK(stats.slots_bound == 0);
  // More calls in the loop than reads the home would serve.
  trace = {M::insn(M::kUse, {6, 5, 7}), M::insn(M::kCall, {}), M::insn(M::kCall, {}), M::insn(M::kProduce, {5}),
           M::insn(M::kBranch, {}, 0)};
  cpjit::opt::use_caches(m.uops, trace, stats);
  CHECK(stats.slots_bound == 0);
}

TEST_CASE("caches: a back edge with carried variants keeps the counters it updates in homes", "[unit][opt]") {
  CacheModel m;
  m.add_homes();
  m.add_carried();
  cpjit::opt::Stats stats;
  using M = CacheModel;
  CHECK(m.uops.caches.home[3]);
  CHECK(m.uops.caches.home[4]);
  CHECK(m.uops.info[M::kStepHG].keeps == ((1u << 3) | (1u << 4)));
  cpjit::opt::Trace trace = {
      M::insn(M::kUse, {9, 8, 7}),      // 0 loop head
      M::insn(M::kStep, {5, 6}, 0),     // 1 the back edge: reads and writes s5 and s6
      M::insn(M::kUse, {10, 5, 7}),     // 2 after the loop: s5 still in its home
  };
  cpjit::opt::use_caches(m.uops, trace, stats);
  CHECK(stats.slots_bound == 2);
  CHECK(M::uop_ids(trace) == std::vector<uint32_t>{M::kLoadH, M::kLoadG, M::kUse,
                                                   M::kStepHG,  // both counters read from and left in their homes
                                                   M::kLoadAFromH, M::kUseFromA});
  CHECK(trace[0].operands[0] == 5);
  CHECK(trace[1].operands[0] == 6);
  CHECK(trace[3].jump == 2);  // no reload after it: the back edge goes straight to the head

  // The second counter has a variant only after the first's. When the first needs no home (the
  // loop sets it before reading it), the second cannot be carried alone and gets none either.
  stats = {};
  trace = {M::insn(M::kProduce, {5}), M::insn(M::kStep, {5, 6}, 0)};
  cpjit::opt::use_caches(m.uops, trace, stats);
  CHECK(stats.slots_bound == 0);
  CHECK(M::uop_ids(trace) == std::vector<uint32_t>{M::kProduce, M::kStep});

  // A uop that calls in the loop costs each home a reload, as much as carrying saves.
  stats = {};
  trace = {M::insn(M::kCall, {}), M::insn(M::kStep, {5, 6}, 0)};
  cpjit::opt::use_caches(m.uops, trace, stats);
  CHECK(stats.slots_bound == 0);
  CHECK(M::uop_ids(trace) == std::vector<uint32_t>{M::kCall, M::kStep});
}

TEST_CASE("caches: homes whose loaders keep them across calls need no reload after a call", "[unit][opt]") {
  CacheModel m;
  m.add_homes();
  m.add_carried();
  using M = CacheModel;
  m.uops.info[M::kLoadH].flags |= CPJIT_UOP_KEEPS_ACROSS_CALLS;
  m.uops.info[M::kLoadG].flags |= CPJIT_UOP_KEEPS_ACROSS_CALLS;
  m.uops.index();
  CHECK(m.uops.caches.kept[3]);
  CHECK(m.uops.caches.kept[4]);
  CHECK(!m.uops.caches.kept[1]);  // filled by producers too: not a loader's alone
  CHECK(!m.uops.caches.kept[2]);
  cpjit::opt::Stats stats;
  cpjit::opt::Trace trace = {
      M::insn(M::kCall, {}),         // 0 loop head: calls a helper
      M::insn(M::kStep, {5, 6}, 0),  // 1 the back edge
      M::insn(M::kUse, {10, 5, 7}),  // 2 after the loop
  };
  cpjit::opt::use_caches(m.uops, trace, stats);
  CHECK(stats.slots_bound == 2);
  CHECK(M::uop_ids(trace) == std::vector<uint32_t>{M::kLoadH, M::kLoadG, M::kCall, M::kStepHG, M::kLoadAFromH,
                                                   M::kUseFromA});
  CHECK(trace[3].jump == 2);

  // A uop that says CLOBBERS_CACHES takes them, as a call takes the others: the reloads would
  // cost what the homes save.
  stats = {};
  trace = {M::insn(M::kClobber, {}), M::insn(M::kStep, {5, 6}, 0)};
  cpjit::opt::use_caches(m.uops, trace, stats);
  CHECK(stats.slots_bound == 0);
  CHECK(M::uop_ids(trace) == std::vector<uint32_t>{M::kClobber, M::kStep});
  // ... and a home is forgotten after it: a read of its slot goes to the slot again.
  stats = {};
  trace = {M::insn(M::kLoadH, {5}), M::insn(M::kClobber, {}), M::insn(M::kUse, {11, 5, 7})};
  cpjit::opt::use_caches(m.uops, trace, stats);
  CHECK(M::uop_ids(trace) == std::vector<uint32_t>{M::kLoadH, M::kClobber, M::kUse});
  // A call leaves it be.
  trace = {M::insn(M::kLoadH, {5}), M::insn(M::kCall, {}), M::insn(M::kUse, {11, 5, 7})};
  cpjit::opt::use_caches(m.uops, trace, stats);
  CHECK(M::uop_ids(trace) == std::vector<uint32_t>{M::kLoadH, M::kCall, M::kLoadAFromH, M::kUseFromA});
}

namespace {

// A uop model for the given-facts pass: ADD produces fact 1 in its slot operand 0, and has a
// variant for when that slot holds fact 1 already.
struct GivenModel {
  enum : uint32_t { kSetInt, kSetFloat, kAdd, kAddGiven, kEscape, kJump, kBranch, kMove, kMoveGiven, kCount };
  cpjit::opt::Uops uops;
  GivenModel() {
    uops.info.resize(kCount);
    for (auto &i : uops.info) i.known = true;
    for (auto [u, fact] : {std::pair{kSetInt, 1}, std::pair{kSetFloat, 2}}) {
      uops.info[u].flags = CPJIT_UOP_PURE;
      uops.info[u].operands[0] = CPJIT_OPERAND_SLOT_WRITE;
      uops.info[u].results[0] = {0, 0, static_cast<uint16_t>(fact)};
    }
    for (uint32_t u : {kAdd, kAddGiven}) {  // s0 = s1 + s2
      auto &add = uops.info[u];
      add.flags = CPJIT_UOP_PURE;
      add.operands[0] = CPJIT_OPERAND_SLOT_WRITE;
      add.operands[1] = add.operands[2] = CPJIT_OPERAND_SLOT_READ;
      add.results[0] = {0, 0, 1};
    }
    uops.info[kAddGiven].given = {0, 0, 1};
    for (uint32_t u : {kMove, kMoveGiven}) {  // s0 = s1: produces whatever s1 holds
      uops.info[u].flags = CPJIT_UOP_PURE | CPJIT_UOP_MOVE;
      uops.info[u].operands[0] = CPJIT_OPERAND_SLOT_WRITE;
      uops.info[u].operands[1] = CPJIT_OPERAND_SLOT_READ;
    }
    uops.info[kMoveGiven].given = {0, 0, 1};
    uops.given = {{kAdd, 0, 1, kAddGiven}, {kMove, 0, 1, kMoveGiven}};
    uops.info[kEscape].flags = CPJIT_UOP_ESCAPES;
    uops.info[kJump].flags = CPJIT_UOP_BRANCH | CPJIT_UOP_ENDS_TRACE;
    uops.info[kBranch].flags = CPJIT_UOP_BRANCH;
  }
  std::vector<uint32_t> run(cpjit::opt::Trace trace, cpjit::opt::Stats &stats) const {
    cpjit::opt::use_given_facts(uops, trace, stats);
    return CacheModel::uop_ids(trace);
  }
};

}  // namespace

TEST_CASE("given facts: a uop whose slot already holds what it produces uses its variant", "[unit][opt]") {
  GivenModel m;
  cpjit::opt::Stats stats;
  using M = GivenModel;
  using CM = CacheModel;
  using U = std::vector<uint32_t>;
  CHECK(m.run({CM::insn(M::kSetInt, {5}), CM::insn(M::kAdd, {5, 6, 7})}, stats) == U{M::kSetInt, M::kAddGiven});
  // Another fact in the slot, nothing known about it, or another slot: the base stays.
  CHECK(m.run({CM::insn(M::kSetFloat, {5}), CM::insn(M::kAdd, {5, 6, 7})}, stats) == U{M::kSetFloat, M::kAdd});
  CHECK(m.run({CM::insn(M::kAdd, {5, 6, 7})}, stats) == U{M::kAdd});
  CHECK(m.run({CM::insn(M::kSetInt, {4}), CM::insn(M::kAdd, {5, 6, 7})}, stats) == U{M::kSetInt, M::kAdd});
  // The add's own result: the second add of the same slot relies on the first.
  CHECK(m.run({CM::insn(M::kAdd, {5, 6, 7}), CM::insn(M::kAdd, {5, 5, 7})}, stats) == U{M::kAdd, M::kAddGiven});
  CHECK(stats.uops_given == 2);
}

TEST_CASE("given facts: a copy produces its source's fact", "[unit][opt]") {
  GivenModel m;
  cpjit::opt::Stats stats;
  using M = GivenModel;
  using CM = CacheModel;
  using U = std::vector<uint32_t>;
  // Both slots hold fact 1: the copy's variant.
  CHECK(m.run({CM::insn(M::kSetInt, {5}), CM::insn(M::kSetInt, {6}), CM::insn(M::kMove, {5, 6})}, stats) ==
        U{M::kSetInt, M::kSetInt, M::kMoveGiven});
  // The source holds another fact, or an unknown one; the destination holds nothing known.
  CHECK(m.run({CM::insn(M::kSetInt, {5}), CM::insn(M::kSetFloat, {6}), CM::insn(M::kMove, {5, 6})}, stats) ==
        U{M::kSetInt, M::kSetFloat, M::kMove});
  CHECK(m.run({CM::insn(M::kSetInt, {5}), CM::insn(M::kMove, {5, 6})}, stats) == U{M::kSetInt, M::kMove});
  CHECK(m.run({CM::insn(M::kSetInt, {6}), CM::insn(M::kMove, {5, 6})}, stats) == U{M::kSetInt, M::kMove});
  CHECK(stats.uops_given == 1);
}

TEST_CASE("given facts: only what holds on every path, and nothing across an escaping uop", "[unit][opt]") {
  GivenModel m;
  cpjit::opt::Stats stats;
  using M = GivenModel;
  using CM = CacheModel;
  using U = std::vector<uint32_t>;
  CHECK(m.run({CM::insn(M::kSetInt, {5}), CM::insn(M::kEscape, {}), CM::insn(M::kAdd, {5, 6, 7})}, stats) ==
        U{M::kSetInt, M::kEscape, M::kAdd});
  // A loop whose body writes s5 with an integer, entered with s5 an integer: the body's add
  // relies on it; entered with a float, it cannot.
  CHECK(m.run({CM::insn(M::kSetInt, {5}), CM::insn(M::kAdd, {5, 5, 7}), CM::insn(M::kJump, {}, 1)}, stats) ==
        U{M::kSetInt, M::kAddGiven, M::kJump});
  CHECK(m.run({CM::insn(M::kSetFloat, {5}), CM::insn(M::kAdd, {5, 5, 7}), CM::insn(M::kJump, {}, 1)}, stats) ==
        U{M::kSetFloat, M::kAdd, M::kJump});
  // A branch around the integer store: the paths meet without the fact.
  CHECK(m.run({CM::insn(M::kBranch, {}, 2), CM::insn(M::kSetInt, {5}), CM::insn(M::kAdd, {5, 6, 7})}, stats) ==
        U{M::kBranch, M::kSetInt, M::kAdd});
  CHECK(stats.uops_given == 1);
}
