#include "sample_traces.h"

#include <cstring>

#include "samples_aarch64.h"
#include "samples_x86_64.h"

namespace cpjit::inspect_test {

namespace {

using jit::TraceInstruction;

// Fake addresses: the code is never run, only patched and described.
constexpr uint64_t kNearTrace = 0x10000000;
constexpr uint64_t kFarTrace = 0x7f0000000000;  // beyond every direct branch to the helpers
constexpr uint64_t kHelper = 0x10400000;
constexpr uint64_t kHypot = 0x10400040;
constexpr uint64_t kExitRecords[] = {0x5000, 0x5040, 0x5080};

struct Insn {
  const char *name;
  std::vector<int64_t> operands;
  int32_t jump = -1;
  uint32_t exit0 = jit::kNoExit;
  uint32_t error = jit::kNoExit;
};

uint64_t double_bits(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

bool sample_trace(const std::string &name, std::vector<Insn> &out, uint64_t &address) {
  address = kNearTrace;
  if (name == "loop") {
    // do { s0 += 1 } while (s0 < s1); exit 0
    out = {{"ADD_IMM", {0, 0, 1}}, {"JUMP_IF_LT", {0, 1}, 0}, {"EXIT", {}, -1, 0}};
  } else if (name == "calls") {
    // Helper calls, a side exit on overflow, the error exit of a division, a double operand.
    out = {{"SET_I32", {4, -7}},
           {"CALL_HELPER", {5, 4}},
           {"I2F", {0, 5}},
           {"FHYPOT", {1, 0, static_cast<int64_t>(double_bits(3.0))}},
           {"ADD", {6, 5, 4}, -1, 1},
           {"DIV", {7, 6, 4}, -1, jit::kNoExit, 2},
           {"EXIT", {}, -1, 0}};
  } else if (name == "tables") {
    // Read-only data (a jump table, double constants), every operand width, a guard, a loop.
    out = {{"SWITCH", {2, 0}},
           {"FMA_CONST", {1, 1}},
           {"SET_U8", {3, 200}},
           {"SET_I16", {4, -300}},
           {"SET_U64", {5, static_cast<int64_t>(0x123456789abcdef0)}},
           {"EXIT_IF_EQ", {2, 99}, -1, 1},
           {"JUMP", {}, 0}};
  } else if (name == "far") {
    // Helpers out of direct reach and an operand too wide for an immediate: veneers and data
    // slots in the pool.
    address = kFarTrace;
    out = {{"CALL_HELPER", {5, 4}},
           {"FHYPOT", {1, 0, static_cast<int64_t>(double_bits(0.5))}},
           {"SET_U64", {6, static_cast<int64_t>(0x0123456789abcdef)}},
           {"EXIT", {}, -1, 0}};
  } else {
    return false;
  }
  return true;
}

}  // namespace

const cpjit_stencil_set &sample_set(cpjit_arch arch) {
  return arch == CPJIT_ARCH_AARCH64 ? cpjit_stencils_samples_aarch64 : cpjit_stencils_samples_x86_64;
}

const std::vector<std::string> &sample_trace_names() {
  static const std::vector<std::string> names = {"loop", "calls", "tables", "far"};
  return names;
}

jit::Status make_sample_dump(cpjit_arch arch, const std::string &name, jit::TraceDump &out) {
  std::vector<Insn> insns;
  uint64_t address = 0;
  if (!sample_trace(name, insns, address))
    return jit::make_error(jit::ErrorCode::kInvalidTrace, "no sample trace named " + name);

  const jit::SymbolBinding symbols[] = {{"cpjit_sample_helper", reinterpret_cast<const void *>(kHelper)},
                                        {"cpjit_sample_hypot", reinterpret_cast<const void *>(kHypot)}};
  std::unique_ptr<jit::StencilLibrary> lib;
  CPJIT_PROPAGATE(jit::StencilLibrary::create(&sample_set(arch), symbols, lib));

  std::vector<TraceInstruction> trace;
  for (const Insn &i : insns) {
    const int index = lib->find(i.name);
    if (index < 0) return jit::make_error(jit::ErrorCode::kInvalidTrace, std::string("no stencil ") + i.name);
    TraceInstruction t;
    t.stencil = static_cast<uint32_t>(index);
    for (size_t k = 0; k < i.operands.size(); ++k) t.operands[k] = static_cast<uint64_t>(i.operands[k]);
    t.jump_target = i.jump;
    t.exits[0] = i.exit0;
    t.error_exit = i.error;
    trace.push_back(t);
  }
  // The calls trace's side exits (not its error exit, 2) have link jumps, as the runtime gives
  // them.
  std::vector<uint8_t> linkable(std::size(kExitRecords), 0);
  if (name == "calls") linkable[0] = linkable[1] = 1;
  const jit::TraceSpec spec{trace, kExitRecords, linkable};
  const size_t capacity = jit::trace_capacity(*lib, spec);
  if (capacity == 0) CPJIT_PROPAGATE(jit::validate_trace(*lib, spec));
  std::vector<uint8_t> buffer(capacity);
  jit::TraceLayout layout;
  CPJIT_PROPAGATE(jit::emit_trace(*lib, spec, buffer.data(), address, buffer.size(), layout));
  out = jit::dump_trace(*lib, spec, layout, buffer.data());
  return jit::ok_status();
}

}  // namespace cpjit::inspect_test
