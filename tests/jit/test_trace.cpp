// End to end: traces built from the sample templates are assembled into executable memory, run
// through the entry shim and compared with the same computation in plain C++. Natively on the
// host and, cross-built, under qemu-aarch64.
#include <catch2/catch.hpp>

#include <climits>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "assembler.h"
#include "sample_reference.h"
#include "sample_vm.h"
#include "samples.h"

using namespace cpjit::jit;

namespace {

#define CPJIT_TEST_SYMBOL(name) SymbolBinding{#name, reinterpret_cast<const void *>(&name)},
const SymbolBinding kSymbols[] = {CPJIT_STENCILS_SAMPLES_SYMBOLS(CPJIT_TEST_SYMBOL)};
#undef CPJIT_TEST_SYMBOL

// The exit stub reads its record (counting hits, following links), so records are real.
cpjit_exit_record g_records[3];
const uint64_t kExitRecord0 = reinterpret_cast<uintptr_t>(&g_records[0]);
const uint64_t kExitRecord1 = reinterpret_cast<uintptr_t>(&g_records[1]);
const uint64_t kErrorRecord = reinterpret_cast<uintptr_t>(&g_records[2]);

struct Jit {
  std::unique_ptr<CodeMemory> memory;
  std::unique_ptr<StencilLibrary> lib;
  CodeMemory::Block entry;

  explicit Jit(WxStrategy strategy, bool far = false, size_t limit = size_t{8} << 20) {
    CodeMemoryConfig config;
    config.strategy = strategy;
    config.far_for_testing = far;
    config.limit = limit;
    config.near = reinterpret_cast<const void *>(&cpjit_sample_helper);
    Status s = CodeMemory::create(config, memory);
    INFO(s.message());
    REQUIRE(s.ok());
    s = StencilLibrary::create(CPJIT_STENCILS_SAMPLES, kSymbols, lib);
    INFO(s.message());
    REQUIRE(s.ok());
    s = install_entry(*memory, *lib, entry);
    INFO(s.message());
    REQUIRE(s.ok());
  }

  uint32_t stencil(const char *name) const {
    int index = lib->find(name);
    REQUIRE(index >= 0);
    return static_cast<uint32_t>(index);
  }

  uint64_t run(uint64_t trace, cpjit_sample_frame &frame) const {
    return code_pointer<EntryFn>(entry.address)(trace, &frame);
  }
};

// Builds a trace by stencil name.
struct Trace {
  const Jit &jit;
  std::vector<TraceInstruction> insns;
  std::vector<uint64_t> exit_records{kExitRecord0, kExitRecord1, kErrorRecord};
  CodeMemory::Block block;
  TraceLayout layout;

  explicit Trace(const Jit &j) : jit(j) {}
  ~Trace() {
    if (block.size != 0) jit.memory->release(block);
  }
  Trace &add(const char *name, std::initializer_list<int64_t> operands, int32_t jump = -1, uint32_t exit = 0) {
    TraceInstruction insn;
    insn.stencil = jit.stencil(name);
    size_t k = 0;
    for (int64_t v : operands) insn.operands[k++] = static_cast<uint64_t>(v);
    insn.jump_target = jump;
    insn.exits[0] = exit;
    insn.error_exit = 2;
    insns.push_back(insn);
    return *this;
  }
  TraceSpec spec() const { return TraceSpec{insns, exit_records}; }
  Status compile() { return assemble_trace(*jit.memory, *jit.lib, spec(), block, layout); }
  uint64_t run(cpjit_sample_frame &frame) {
    if (block.size == 0) {
      Status s = compile();
      INFO(s.message());
      REQUIRE(s.ok());
    }
    return jit.run(layout.address, frame);
  }
};

cpjit_sample_frame fresh_frame() {
  cpjit_sample_frame f;
  std::memset(&f, 0, sizeof f);
  return f;
}


// Mappings of this process that are writable and executable at once.
std::vector<std::string> writable_and_executable_mappings() {
  std::ifstream maps("/proc/self/maps");
  std::vector<std::string> bad;
  std::string line;
  while (std::getline(maps, line)) {
    std::istringstream fields(line);
    std::string range, perms;
    fields >> range >> perms;
    if (perms.size() >= 3 && perms[1] == 'w' && perms[2] == 'x') bad.push_back(line);
  }
  return bad;
}

const WxStrategy kStrategies[] = {WxStrategy::kDualMapping, WxStrategy::kMprotect};

}  // namespace

TEST_CASE("a counting loop", "[e2e]") {
  for (WxStrategy strategy : kStrategies) {
    Jit jit(strategy);
    Trace t(jit);
    t.add("ADD_IMM", {0, 0, 1}).add("JUMP_IF_LT", {0, 1}, 0).add("EXIT", {});
    cpjit_sample_frame f = fresh_frame();
    f.slots[1] = 1000000;
    CHECK(t.run(f) == kExitRecord0);
    CHECK(f.slots[0] == 1000000);
    CHECK(f.exits == 1);
  }
}

TEST_CASE("a branchy computation through a jump table", "[e2e]") {
  Jit jit(WxStrategy::kDualMapping);
  Trace t(jit);
  // do { s2 = f(s0); s3 = s3 + s2 (exit 1 on overflow); s0 += 1 } while (s0 < s1)
  t.add("SWITCH", {2, 0}).add("ADD", {3, 3, 2}, -1, 1).add("ADD_IMM", {0, 0, 1}).add("JUMP_IF_LT", {0, 1}, 0)
      .add("EXIT", {});
  cpjit_sample_frame f = fresh_frame();
  f.slots[0] = -500;
  f.slots[1] = 5000;
  int64_t sum = 0;
  for (int64_t x = -500; x < 5000; ++x) sum += test::switch_reference(x);
  CHECK(t.run(f) == kExitRecord0);
  CHECK(f.slots[3] == sum);
  CHECK(f.slots[0] == 5000);
}

TEST_CASE("helper calls", "[e2e]") {
  Jit jit(WxStrategy::kDualMapping);
  Trace t(jit);
  t.add("CALL_HELPER", {4, 0}).add("ADD", {5, 5, 4}).add("ADD_IMM", {0, 0, 1}).add("JUMP_IF_LT", {0, 1}, 0)
      .add("EXIT", {});
  cpjit_sample_frame f = fresh_frame();
  f.slots[1] = 1000;
  int64_t sum = 0;
  for (int64_t x = 0; x < 1000; ++x) sum += x * 3 + 1;
  CHECK(t.run(f) == kExitRecord0);
  CHECK(f.slots[5] == sum);
  CHECK(f.helper_calls == 1000);
}

TEST_CASE("side exits taken at chosen iterations", "[e2e]") {
  Jit jit(WxStrategy::kDualMapping);
  for (int64_t k : {1, 2, 17, 999, 1000, 5000}) {
    Trace t(jit);
    t.add("ADD_IMM", {0, 0, 1}).add("EXIT_IF_EQ", {0, k}, -1, 1).add("JUMP_IF_LT", {0, 1}, 0).add("EXIT", {});
    cpjit_sample_frame f = fresh_frame();
    f.slots[1] = 1000;
    uint64_t record = t.run(f);
    INFO("exit at " << k);
    if (k <= 1000) {
      CHECK(record == kExitRecord1);
      CHECK(f.slots[0] == k);
    } else {
      CHECK(record == kExitRecord0);
      CHECK(f.slots[0] == 1000);
    }
    CHECK(f.exits == 1);
  }
}

TEST_CASE("overflow takes a side exit, division by zero the error exit", "[e2e]") {
  Jit jit(WxStrategy::kDualMapping);
  Trace overflow(jit);
  overflow.add("SET_I64", {0, INT64_MAX}).add("SET_I64", {1, 1}).add("SET_I64", {2, 77}).add("ADD", {2, 0, 1})
      .add("EXIT", {}, -1, 1);
  cpjit_sample_frame f = fresh_frame();
  CHECK(overflow.run(f) == kExitRecord0);
  CHECK(f.slots[2] == 77);  // not written: the exit came first

  Trace div(jit);
  div.add("SET_I64", {0, 100}).add("SET_I64", {1, 0}).add("DIV", {2, 0, 1}).add("EXIT", {});
  f = fresh_frame();
  CHECK(div.run(f) == kErrorRecord);
  f = fresh_frame();
  Trace div_ok(jit);
  div_ok.add("SET_I64", {0, -100}).add("SET_I64", {1, 7}).add("DIV", {2, 0, 1}).add("EXIT", {});
  CHECK(div_ok.run(f) == kExitRecord0);
  CHECK(f.slots[2] == -14);
}

TEST_CASE("floating-point math", "[e2e]") {
  Jit jit(WxStrategy::kDualMapping);
  Trace t(jit);
  const double y = 3.5;
  uint64_t y_bits;
  std::memcpy(&y_bits, &y, sizeof y);
  // f0 = (double)s0; f1 = f1 * 1.000001 + 0.25 (per iteration); f2 = hypot(f1, 3.5)
  t.add("I2F", {0, 0}).add("FMA_CONST", {1, 1}).add("FHYPOT", {2, 1, static_cast<int64_t>(y_bits)})
      .add("ADD_IMM", {0, 0, 1}).add("JUMP_IF_LT", {0, 1}, 0).add("EXIT", {});
  cpjit_sample_frame f = fresh_frame();
  f.slots[1] = 10000;
  f.fslots[1] = 1.5;
  double f0 = 0, f1 = 1.5, f2 = 0;
  for (int64_t i = 0; i < 10000; ++i) {
    f0 = static_cast<double>(i);
    f1 = f1 * 1.000001 + 0.25;
    f2 = std::hypot(f1, y);
  }
  CHECK(t.run(f) == kExitRecord0);
  CHECK(f.fslots[0] == f0);
  CHECK(f.fslots[1] == f1);  // bit for bit: stencils never contract into FMA
  CHECK(f.fslots[2] == f2);
}

TEST_CASE("operands of every width, and values that need the data area", "[e2e]") {
  for (WxStrategy strategy : kStrategies) {
    Jit jit(strategy);
    Trace t(jit);
    const int64_t big = 0x123456789abcdef0ll;
    t.add("SET_U8", {0, 255}).add("SET_I8", {1, -128}).add("SET_U16", {2, 65535}).add("SET_I16", {3, -32768})
        .add("SET_U32", {4, 0xfffffff0ll}).add("SET_I32", {5, INT32_MIN}).add("SET_U64", {6, big})
        .add("SET_I64", {7, INT64_MIN + 5}).add("SET_I64", {8, -3}).add("SET_U64", {9, 0x7fff0000ll})
        .add("EXIT", {});
    cpjit_sample_frame f = fresh_frame();
    CHECK(t.run(f) == kExitRecord0);
    CHECK(f.slots[0] == 255);
    CHECK(f.slots[1] == -128);
    CHECK(f.slots[2] == 65535);
    CHECK(f.slots[3] == -32768);
    CHECK(f.slots[4] == 0xfffffff0ll);
    CHECK(f.slots[5] == INT32_MIN);
    CHECK(f.slots[6] == big);
    CHECK(f.slots[7] == INT64_MIN + 5);
    CHECK(f.slots[8] == -3);
    CHECK(f.slots[9] == 0x7fff0000ll);
#if defined(__aarch64__)
    CHECK(t.layout.data_slots >= 1);  // the 64-bit values fit no MOVZ/MOVK relaxation of a GOT load
#else
    CHECK(t.layout.data_slots == 0);  // x86-64: wide operands are movabs immediates
#endif
  }
}

TEST_CASE("bad traces get a status, not a crash", "[e2e]") {
  Jit jit(WxStrategy::kDualMapping);
  Trace wide(jit);
  wide.add("SET_U8", {0, 256}).add("EXIT", {});
  Status s = wide.compile();
  CHECK(s.code() == ErrorCode::kOperandTooWide);
  CHECK(s.message().find("SET_U8") != std::string::npos);
  Trace negative(jit);
  negative.add("SET_U16", {-1, 5}).add("EXIT", {});
  CHECK(negative.compile().code() == ErrorCode::kOperandTooWide);
  Trace jump(jit);
  jump.add("JUMP", {}, 5);
  CHECK(jump.compile().code() == ErrorCode::kInvalidTrace);
  Trace no_exit(jit);
  no_exit.add("EXIT", {}, -1, 7);
  CHECK(no_exit.compile().code() == ErrorCode::kInvalidTrace);
  Trace empty(jit);
  CHECK(empty.compile().code() == ErrorCode::kInvalidTrace);
  CHECK(jit.memory->stats().blocks == 1);  // only the entry shim: nothing leaked
}

TEST_CASE("no mapping is ever writable and executable", "[e2e]") {
  for (WxStrategy strategy : kStrategies) {
    Jit jit(strategy);
    std::vector<std::unique_ptr<Trace>> traces;
    for (int i = 0; i < 50; ++i) {
      traces.push_back(std::make_unique<Trace>(jit));
      traces.back()->add("ADD_IMM", {0, 0, i}).add("EXIT", {});
      REQUIRE(traces.back()->compile().ok());
    }
    CHECK(writable_and_executable_mappings().empty());
    cpjit_sample_frame f = fresh_frame();
    for (auto &t : traces) t->run(f);
    CHECK(f.slots[0] == 49 * 50 / 2);
    CHECK(writable_and_executable_mappings().empty());
  }
}

TEST_CASE("reaching the code-memory limit is a clean status", "[e2e]") {
  for (WxStrategy strategy : kStrategies) {
    Jit jit(strategy, false, 64 * 1024);
    std::vector<std::unique_ptr<Trace>> traces;
    Status last;
    for (int i = 0; i < 100000 && last.ok(); ++i) {
      auto t = std::make_unique<Trace>(jit);
      t->add("ADD_IMM", {0, 0, 1}).add("CALL_HELPER", {1, 0}).add("EXIT", {});
      last = t->compile();
      if (last.ok()) traces.push_back(std::move(t));
    }
    CHECK(last.code() == ErrorCode::kCodeMemoryExhausted);
    REQUIRE(traces.size() > 2);
    // Everything compiled before still runs.
    cpjit_sample_frame f = fresh_frame();
    for (auto &t : traces) t->run(f);
    CHECK(f.slots[0] == static_cast<int64_t>(traces.size()));
    // Freed space is reused.
    traces.pop_back();
    Trace again(jit);
    again.add("SET_I64", {0, 42}).add("EXIT", {});
    REQUIRE(again.compile().ok());
    f = fresh_frame();
    again.run(f);
    CHECK(f.slots[0] == 42);
  }
}

TEST_CASE("released code memory is reused for new code", "[e2e]") {
  for (WxStrategy strategy : kStrategies) {
    Jit jit(strategy);
    uint64_t first_address = 0;
    for (int round = 0; round < 20; ++round) {
      Trace t(jit);
      t.add("SET_I64", {0, round * 1000}).add("ADD_IMM", {0, 0, round}).add("EXIT", {});
      cpjit_sample_frame f = fresh_frame();
      CHECK(t.run(f) == kExitRecord0);
      CHECK(f.slots[0] == round * 1001);
      if (round == 0) first_address = t.layout.address;
      CHECK(t.layout.address == first_address);  // first fit: the same place every time
    }
  }
}

TEST_CASE("code placed far from the helpers reaches them through veneers", "[e2e]") {
  for (WxStrategy strategy : kStrategies) {
    Jit jit(strategy, true);
    const uint64_t helper = reinterpret_cast<uintptr_t>(&cpjit_sample_helper);
    const uint64_t base = jit.memory->base();
    const uint64_t distance = base > helper ? base - helper : helper - base;
    INFO("code at 0x" << std::hex << base << ", helper at 0x" << helper);
    REQUIRE(distance > (uint64_t{4} << 30));
    Trace t(jit);
    t.add("CALL_HELPER", {4, 0}).add("ADD", {5, 5, 4}).add("ADD_IMM", {0, 0, 1}).add("JUMP_IF_LT", {0, 1}, 0)
        .add("EXIT", {});
    cpjit_sample_frame f = fresh_frame();
    f.slots[1] = 100;
    CHECK(t.run(f) == kExitRecord0);
    CHECK(f.slots[5] == 100 * 99 / 2 * 3 + 100);
    CHECK(t.layout.veneers + t.layout.data_slots >= 1);
  }
}

TEST_CASE("code placed near the helpers calls them directly", "[e2e]") {
  Jit jit(WxStrategy::kDualMapping);
  Trace t(jit);
  t.add("CALL_HELPER", {4, 0}).add("EXIT", {});
  cpjit_sample_frame f = fresh_frame();
  t.run(f);
  CHECK(f.helper_calls == 1);
  const uint64_t helper = reinterpret_cast<uintptr_t>(&cpjit_sample_helper);
  const uint64_t distance = t.layout.address > helper ? t.layout.address - helper : helper - t.layout.address;
  if (distance < (uint64_t{100} << 20)) CHECK(t.layout.veneers == 0);
}

TEST_CASE("a dump describes the compiled trace", "[e2e]") {
  Jit jit(WxStrategy::kDualMapping);
  Trace t(jit);
  t.add("ADD_IMM", {0, 0, 1}).add("CALL_HELPER", {4, 0}).add("JUMP_IF_LT", {0, 1}, 0).add("EXIT", {}, -1, 1);
  REQUIRE(t.compile().ok());
  const uint8_t *code = reinterpret_cast<const uint8_t *>(static_cast<uintptr_t>(t.layout.address));
  TraceDump d = dump_trace(*jit.lib, t.spec(), t.layout, code);
  REQUIRE(d.uops.size() == 4);
  CHECK(d.uops[0].name == "ADD_IMM");
  CHECK(d.uops[1].name == "CALL_HELPER");
  CHECK(d.uops[0].offset == 0);
  for (size_t i = 1; i < d.uops.size(); ++i) CHECK(d.uops[i].offset >= d.uops[i - 1].offset + d.uops[i - 1].size);
  CHECK(d.bytes.size() == t.layout.size);
  CHECK(std::memcmp(d.bytes.data(), code, d.bytes.size()) == 0);
  REQUIRE(d.stubs.size() == 1);
  CHECK(d.stubs[0].exit == 1);
  CHECK(d.uops[3].exits[0] == 1);
  CHECK(d.stubs[0].record == kExitRecord1);
  CHECK(d.stubs[0].offset >= d.hot_size);
  bool saw_helper = false, saw_jump = false, saw_exit = false, saw_operand = false;
  for (const HoleRecord &h : d.holes) {
    if (h.value == CPJIT_HOLE_SYMBOL) {
      saw_helper = true;
      CHECK(h.symbol == "cpjit_sample_helper");
      CHECK(h.target == reinterpret_cast<uintptr_t>(&cpjit_sample_helper));
    }
    if (h.value == CPJIT_HOLE_JUMP) {
      saw_jump = true;
      CHECK(h.target == t.layout.address);
    }
    if (h.value == CPJIT_HOLE_EXIT && h.owner == 3) {
      saw_exit = true;
      CHECK(h.exit == 1);
      CHECK(h.target == t.layout.address + d.stubs[0].offset);
    }
    if (h.value == CPJIT_HOLE_OPERAND && h.owner == 1 && h.index == 1) {
      saw_operand = true;
      CHECK(h.target == 0);
      CHECK(h.width == CPJIT_WIDTH_u16);
    }
  }
  CHECK(saw_helper);
  CHECK(saw_jump);
  CHECK(saw_exit);
  CHECK(saw_operand);
}

// A side trace, s6 = s0 * 3 + 1 through the helper and then exit 0, and a main trace that counts
// s0 up and takes exit 1 (its record link_record) when s0 == 10: the side trace is compiled.
struct LinkPair {
  Trace side;
  cpjit_exit_record link_record{};
  Trace main_trace;

  explicit LinkPair(const Jit &jit) : side(jit), main_trace(jit) {
    side.add("CALL_HELPER", {6, 0}).add("EXIT", {});
    REQUIRE(side.compile().ok());
    main_trace.exit_records[1] = reinterpret_cast<uintptr_t>(&link_record);
    main_trace.add("ADD_IMM", {0, 0, 1}).add("EXIT_IF_EQ", {0, 10}, -1, 1).add("JUMP_IF_LT", {0, 1}, 0).add("EXIT", {});
  }
};

TEST_CASE("an exit linked to another trace continues there without returning", "[e2e]") {
  for (WxStrategy strategy : kStrategies) {
    Jit jit(strategy);
    LinkPair pair(jit);
    auto &[side, link_record, main_trace] = pair;
    cpjit_sample_frame f = fresh_frame();
    f.slots[1] = 100;
    CHECK(main_trace.run(f) == reinterpret_cast<uintptr_t>(&link_record));
    CHECK(link_record.hits == 1);
    CHECK(f.slots[6] == 0);
    __atomic_store_n(&link_record.link, reinterpret_cast<const void *>(side.layout.address), __ATOMIC_RELEASE);
    f = fresh_frame();
    f.slots[1] = 100;
    CHECK(main_trace.run(f) == kExitRecord0);  // the side trace's exit
    CHECK(link_record.hits == 2);
    CHECK(f.slots[6] == 31);
    CHECK(f.exits == 1);  // the linked exit jumped away before counting; the side trace returned
  }
}

TEST_CASE("a linkable exit's link jump goes where its slot says, past the stub", "[e2e]") {
  for (WxStrategy strategy : kStrategies) {
    Jit jit(strategy);
    LinkPair pair(jit);
    auto &[side, link_record, main_trace] = pair;
    const uint8_t linkable[] = {0, 1, 0};  // exit 1 only
    REQUIRE(assemble_trace(*jit.memory, *jit.lib, TraceSpec{main_trace.insns, main_trace.exit_records, linkable},
                           main_trace.block, main_trace.layout)
                .ok());
    const TraceLayout &l = main_trace.layout;
    REQUIRE(l.link_offsets.size() == 3);
    CHECK(l.link_offsets[0] == UINT32_MAX);
    REQUIRE(l.link_offsets[1] != UINT32_MAX);
    CHECK(l.link_offsets[1] + jit.lib->backend().link_jump_size <= l.stub_offsets[1]);
    CHECK(l.link_slot_offsets[1] % 8 == 0);
    CHECK(l.link_slot_offsets[1] >= l.stub_offsets[1]);
    const uint64_t slot_address = l.address + l.link_slot_offsets[1];
    CHECK(*code_pointer<const uint64_t *>(slot_address) == l.address + l.stub_offsets[1]);  // not linked yet
    // Every branch of the uops to exit 1 goes to the link jump.
    TraceDump d = dump_trace(*jit.lib, main_trace.spec(), l, code_pointer<const uint8_t *>(l.address));
    size_t exit1_holes = 0;
    for (const HoleRecord &h : d.holes)
      if (h.owner < HoleRecord::kStubOwner && h.value == CPJIT_HOLE_EXIT && h.exit == 1) {
        CHECK(h.target == l.address + l.link_offsets[1]);
        ++exit1_holes;
      }
    CHECK(exit1_holes == 1);

    cpjit_sample_frame f = fresh_frame();
    f.slots[1] = 100;
    CHECK(main_trace.run(f) == reinterpret_cast<uintptr_t>(&link_record));  // through the stub
    CHECK(link_record.hits == 1);

    uint64_t *slot = jit.memory->live_word(slot_address);
    if (strategy == WxStrategy::kMprotect) {
      CHECK(slot == nullptr);  // code pages are never writable: links go through the stub there
      continue;
    }
    REQUIRE(slot != nullptr);
    __atomic_store_n(slot, side.layout.address, __ATOMIC_RELEASE);
    f = fresh_frame();
    f.slots[1] = 100;
    CHECK(main_trace.run(f) == kExitRecord0);  // the side trace's exit
    CHECK(link_record.hits == 1);              // the stub did not run
    CHECK(f.slots[6] == 31);
    __atomic_store_n(slot, l.address + l.stub_offsets[1], __ATOMIC_RELEASE);
    f = fresh_frame();
    f.slots[1] = 100;
    CHECK(main_trace.run(f) == reinterpret_cast<uintptr_t>(&link_record));
    CHECK(link_record.hits == 2);
    CHECK(f.slots[6] == 0);
  }
}
