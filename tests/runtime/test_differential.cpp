// Differential: random valid traces of the sample uops run through the JIT and through the uop
// interpreter must end in the same state (every slot, bit for bit) and leave by the same exit.
#include <cpjit/cpjit.h>

#include <cstring>
#include <random>
#include <vector>

#include "runtime_support.h"
#include "sample_fold.h"

using test::Builder;
using test::fresh_frame;
using test::Runtime;

namespace {

struct Op {
  const char *uop;
  cpjit_insn insn;
};

// Slots 0..11 are scratch, 14 holds the loop limit and 15 the loop counter.
constexpr int kScratch = 12, kLimit = 14, kCounter = 15;

struct Generator {
  std::mt19937_64 rng;
  const Runtime &rt;
  uint32_t exit_done = 0, exit_guard = 1, exit_overflow = 2, exit_error = 3;

  int64_t pick(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }
  int64_t slot() { return pick(0, kScratch - 1); }
  int64_t fslot() { return pick(0, 7); }

  cpjit_insn make(const char *name, std::initializer_list<int64_t> operands) {
    cpjit_insn i = Builder::insn(rt.uop(name), operands);
    i.exits[0] = std::strcmp(name, "ADD") == 0 ? exit_overflow : exit_guard;
    i.error_exit = exit_error;
    return i;
  }

  // One random straight-line uop.
  cpjit_insn random_uop() {
    switch (pick(0, 16)) {
      case 15: return make("GUARD_SMALL", {slot()});
      case 16: return make("MOVE", {slot(), slot()});
      case 0: return make("SET_U8", {slot(), pick(0, 255)});
      case 1: return make("SET_I8", {slot(), pick(-128, 127)});
      case 2: return make("SET_I16", {slot(), pick(-32768, 32767)});
      case 3: return make("SET_U32", {slot(), pick(0, UINT32_MAX)});
      case 4: return make("SET_I32", {slot(), pick(INT32_MIN, INT32_MAX)});
      case 5: return make("SET_I64", {slot(), static_cast<int64_t>(rng())});
      case 6: return make("ADD", {slot(), slot(), slot()});
      case 7: return make("ADD_IMM", {slot(), slot(), pick(INT32_MIN, INT32_MAX)});
      case 8: return make("DIV", {slot(), slot(), slot()});
      case 9: return make("SWITCH", {slot(), slot()});
      case 10: return make("CALL_HELPER", {slot(), slot()});
      case 11: return make("EXIT_IF_EQ", {slot(), pick(-3, 3)});
      case 12: return make("I2F", {fslot(), slot()});
      case 13: return make("FMA_CONST", {fslot(), fslot()});
      default: {
        double y = std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
        uint64_t bits;
        std::memcpy(&bits, &y, sizeof bits);
        return make("FHYPOT", {fslot(), fslot(), static_cast<int64_t>(bits)});
      }
    }
  }

  std::vector<cpjit_insn> trace() {
    std::vector<cpjit_insn> t;
    for (int i = pick(0, 6); i > 0; --i) t.push_back(random_uop());
    t.push_back(make("SET_I64", {kCounter, 0}));
    t.push_back(make("SET_I64", {kLimit, pick(0, 40)}));
    const uint32_t loop = static_cast<uint32_t>(t.size());
    for (int i = pick(1, 8); i > 0; --i) t.push_back(random_uop());
    t.push_back(make("ADD_IMM", {kCounter, kCounter, 1}));
    cpjit_insn back = make("JUMP_IF_LT", {kCounter, kLimit});
    back.jump = loop;
    t.push_back(back);
    for (int i = pick(0, 4); i > 0; --i) t.push_back(random_uop());
    cpjit_insn end = make("EXIT", {});
    end.exits[0] = exit_done;
    t.push_back(end);
    return t;
  }

  cpjit_sample_frame frame() {
    cpjit_sample_frame f = fresh_frame();
    for (int i = 0; i < kScratch; ++i) {
      switch (pick(0, 3)) {
        case 0: f.slots[i] = pick(-5, 5); break;
        case 1: f.slots[i] = static_cast<int64_t>(rng()); break;
        case 2: f.slots[i] = pick(0, 1) ? INT64_MAX - pick(0, 3) : INT64_MIN + pick(0, 3); break;
        default: f.slots[i] = pick(-100000, 100000); break;
      }
    }
    for (int i = 0; i < 8; ++i) f.fslots[i] = std::uniform_real_distribution<double>(-1e3, 1e3)(rng);
    return f;
  }
};

cpjit_executor *compile(const Runtime &rt, const std::vector<cpjit_insn> &insns) {
  Builder b(rt);
  for (uint32_t x = 0; x < 4; ++x) b.exit(100 + x, x == 3 ? CPJIT_EXIT_ERROR : CPJIT_EXIT_SIDE);
  for (const cpjit_insn &i : insns) {
    cpjit_status s = cpjit_trace_append(b.trace, &i, nullptr);
    INFO(cpjit_last_error());
    REQUIRE(s == CPJIT_OK);
  }
  return b.end();
}

}  // namespace

TEST_CASE("random traces: the optimized JIT and the plain uop interpreter agree", "[differential]") {
  // The JIT runs every optimizer pass (with constant folding); the uop interpreter none: the
  // comparison checks the passes and the native code at once.
  Runtime jit(CPJIT_MODE_JIT), interp(CPJIT_MODE_INTERP, 0, 0, CPJIT_OPT_NONE);
  REQUIRE(cpjit_stencils_set_fold(jit.set, test::fold_sample, jit.set) == CPJIT_OK);
  Generator gen{std::mt19937_64(20261125), jit};
  int exits_seen[4] = {};
  const int kTraces = 400;
  for (int n = 0; n < kTraces; ++n) {
    std::vector<cpjit_insn> insns = gen.trace();
    cpjit_executor *native = compile(jit, insns);
    cpjit_executor *interpreted = compile(interp, insns);
    for (int run = 0; run < 3; ++run) {
      cpjit_sample_frame a = gen.frame(), b = a;
      cpjit_exit_info ia, ib;
      REQUIRE(cpjit_executor_run(native, &a, &ia) == CPJIT_OK);
      REQUIRE(cpjit_executor_run(interpreted, &b, &ib) == CPJIT_OK);
      INFO("trace " << n << " run " << run);
      CHECK(ia.exit_id == ib.exit_id);
      CHECK(ia.resume == ib.resume);
      CHECK(ia.kind == ib.kind);
      CHECK(std::memcmp(a.slots, b.slots, sizeof a.slots) == 0);
      CHECK(std::memcmp(a.fslots, b.fslots, sizeof a.fslots) == 0);
      CHECK(a.helper_calls == b.helper_calls);
      CHECK(a.exits == b.exits);
      if (ia.exit_id < 4) exits_seen[ia.exit_id]++;
    }
    cpjit_executor_free(native);
    cpjit_executor_free(interpreted);
  }
  // The generator reaches every kind of exit, so all paths are compared.
  for (int x = 0; x < 4; ++x) {
    INFO("exit " << x);
    CHECK(exits_seen[x] > 0);
  }
}
