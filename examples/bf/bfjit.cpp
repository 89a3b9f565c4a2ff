// bfjit: a Brainf*ck interpreter whose hot loops run as native code, through cpjit's public API.
//
//   bfjit [-v] program.bf < input
//
// Tier 1 interprets a compact instruction list. Each loop counts how often it jumps back; when
// that passes the threshold, the whole loop (inner loops included) is translated into uops,
// cpjit compiles them into an executor, and from then on entering the loop runs native code
// until the loop ends or the tape is about to be left. CPJIT=0 keeps everything in tier 1,
// CPJIT=interp runs the same traces in cpjit's uop interpreter. -v prints what happened.
#include <cpjit/cpjit.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bf_uops.h"
#include "bf_vm.h"

extern "C" void bf_output(struct bf_vm *, uint8_t byte) { putchar_unlocked(byte); }
extern "C" uint8_t bf_input(struct bf_vm *) {
  int c = getchar_unlocked();
  return c == EOF ? 0 : static_cast<uint8_t>(c);
}

namespace {

enum class Op : uint8_t { Add, Move, Clear, Out, In, LoopStart, LoopEnd };

struct Insn {
  Op op;
  int32_t arg;  // Add: amount; Move: distance; LoopStart/LoopEnd: the matching bracket
};

// Runs of + - < > become one instruction; [-] and [+] become Clear.
bool parse(const std::string &source, std::vector<Insn> &out, std::string &error) {
  std::vector<size_t> open;
  for (size_t i = 0; i < source.size(); ++i) {
    char c = source[i];
    auto last = [&](Op op) { return !out.empty() && out.back().op == op; };
    switch (c) {
      case '+':
      case '-':
        if (!last(Op::Add)) out.push_back({Op::Add, 0});
        out.back().arg = (out.back().arg + (c == '+' ? 1 : 255)) & 255;
        break;
      case '>':
      case '<':
        if (!last(Op::Move)) out.push_back({Op::Move, 0});
        out.back().arg += c == '>' ? 1 : -1;
        break;
      case '.': out.push_back({Op::Out, 0}); break;
      case ',': out.push_back({Op::In, 0}); break;
      case '[':
        if (i + 2 < source.size() && (source[i + 1] == '-' || source[i + 1] == '+') && source[i + 2] == ']') {
          out.push_back({Op::Clear, 0});
          i += 2;
          break;
        }
        open.push_back(out.size());
        out.push_back({Op::LoopStart, 0});
        break;
      case ']': {
        if (open.empty()) {
          error = "unmatched ] at byte " + std::to_string(i);
          return false;
        }
        size_t start = open.back();
        open.pop_back();
        out[start].arg = static_cast<int32_t>(out.size());
        out.push_back({Op::LoopEnd, static_cast<int32_t>(start)});
        break;
      }
      default: break;  // everything else is a comment
    }
  }
  if (!open.empty()) {
    error = "unmatched [ (instruction " + std::to_string(open.back()) + ")";
    return false;
  }
  return true;
}

struct Loop {
  uint32_t back_edges = 0;
  cpjit_executor *executor = nullptr;
  bool given_up = false;  // compiling failed: stay in tier 1
};

// Everything bfjit asks of cpjit.
class Jit {
 public:
  bool start(bool verbose) {
    verbose_ = verbose;
    cpjit_config config;
    cpjit_config_init(&config);  // mode from CPJIT, thresholds, code-memory limit
    if (cpjit_context_create(&config, &ctx_) != CPJIT_OK) return warn("no JIT");
    threshold_ = config.hot_threshold;
    if (cpjit_context_mode(ctx_) == CPJIT_MODE_OFF) return false;
#define BF_SYMBOL(name) cpjit_symbol{#name, reinterpret_cast<const void *>(&name)},
    static const cpjit_symbol symbols[] = {CPJIT_STENCILS_BF_UOPS_SYMBOLS(BF_SYMBOL)};
#undef BF_SYMBOL
    if (cpjit_register_stencils(ctx_, CPJIT_STENCILS_BF_UOPS, CPJIT_INTERP_BF_UOPS, symbols,
                                sizeof symbols / sizeof symbols[0], &stencils_) != CPJIT_OK)
      return warn("cannot register the stencils");
    const char *names[] = {"ADD", "CLEAR", "MOVE", "OUTPUT", "INPUT", "JUMP_IF_ZERO", "JUMP_IF_NONZERO", "EXIT_IF_ZERO"};
    uint32_t *ids[] = {&add_, &clear_, &move_, &output_, &input_, &jump_if_zero_, &jump_if_nonzero_, &exit_if_zero_};
    for (size_t i = 0; i < std::size(names); ++i)
      if (cpjit_uop_lookup(stencils_, names[i], ids[i]) != CPJIT_OK) return warn("a uop is missing");
    enabled_ = true;
    return true;
  }

  ~Jit() { cpjit_context_destroy(ctx_); }

  bool enabled() const { return enabled_; }
  uint32_t threshold() const { return threshold_; }

  // The loop from `start` (its [) to its ], inner loops included, as a trace:
  //   EXIT_IF_ZERO            leave when the loop is over (resume after the ])
  //   body...                 MOVE exits (resume at that move) when the tape would be left
  //   JUMP_IF_NONZERO -> 1    the loop's back-edge
  //   EXIT                    the loop is over
  cpjit_executor *compile(const std::vector<Insn> &program, size_t start) {
    const size_t end = static_cast<size_t>(program[start].arg);
    cpjit_trace *trace = nullptr;
    if (cpjit_trace_begin(ctx_, stencils_, &trace) != CPJIT_OK) return nullptr;
    auto add_exit = [&](size_t resume) {
      cpjit_exit_desc exit{CPJIT_EXIT_SIDE, resume, 0};
      uint32_t id = CPJIT_NONE;
      cpjit_trace_add_exit(trace, &exit, &id);
      return id;
    };
    const uint32_t done = add_exit(end + 1);
    std::vector<cpjit_insn> insns;
    std::vector<uint32_t> position(end + 1, CPJIT_NONE);  // instruction -> first uop
    std::vector<std::pair<size_t, size_t>> forward;      // (uop, instruction it jumps past)
    auto emit = [&](uint32_t uop, uint64_t operand = 0) -> cpjit_insn & {
      cpjit_insn insn;
      cpjit_insn_init(&insn, uop);
      insn.operands[0] = operand;
      insns.push_back(insn);
      return insns.back();
    };
    emit(exit_if_zero_).exits[0] = done;
    for (size_t k = start + 1; k < end; ++k) {
      position[k] = static_cast<uint32_t>(insns.size());
      const Insn &in = program[k];
      switch (in.op) {
        case Op::Add: emit(add_, static_cast<uint64_t>(in.arg)); break;
        case Op::Clear: emit(clear_); break;
        case Op::Move: emit(move_, static_cast<uint64_t>(static_cast<int64_t>(in.arg))).exits[0] = add_exit(k); break;
        case Op::Out: emit(output_); break;
        case Op::In: emit(input_); break;
        case Op::LoopStart:
          forward.emplace_back(insns.size(), static_cast<size_t>(in.arg));
          emit(jump_if_zero_);
          break;
        case Op::LoopEnd: emit(jump_if_nonzero_).jump = position[static_cast<size_t>(in.arg) + 1]; break;
      }
    }
    position[end] = static_cast<uint32_t>(insns.size());
    emit(jump_if_nonzero_).jump = 1;
    emit(exit_if_zero_).exits[0] = done;  // the cell is zero here: this always leaves
    for (auto [uop, inner_end] : forward) insns[uop].jump = position[inner_end + 1];

    for (const cpjit_insn &insn : insns) {
      if (cpjit_trace_append(trace, &insn, nullptr) != CPJIT_OK) {
        note("loop at instruction " + std::to_string(start) + " not compiled");
        cpjit_trace_abandon(trace);
        return nullptr;
      }
    }
    cpjit_executor *executor = nullptr;
    if (cpjit_trace_end(trace, &executor) != CPJIT_OK) {
      note("loop at instruction " + std::to_string(start) + " not compiled");
      return nullptr;
    }
    ++compiled_;
    return executor;
  }

  // Runs a compiled loop; returns the instruction to continue at.
  size_t run(cpjit_executor *executor, bf_vm &vm) {
    cpjit_exit_info exit;
    if (cpjit_executor_run(executor, &vm, &exit) != CPJIT_OK) return SIZE_MAX;
    ++runs_;
    return static_cast<size_t>(exit.resume);
  }

  void report() const {
    if (!verbose_) return;
    cpjit_context_stats stats{};
    stats.struct_size = sizeof stats;
    if (ctx_) cpjit_context_stats_get(ctx_, &stats);
    const char *mode = !enabled_ ? "tier 1 only" : cpjit_context_mode(ctx_) == CPJIT_MODE_INTERP ? "uop interpreter" : "jit";
    std::fprintf(stderr, "bfjit: %s; traces compiled %u, trace runs %lu, code bytes %lu, compile time %.3f ms\n", mode,
                 compiled_, runs_, static_cast<unsigned long>(stats.code_bytes), stats.compile_ns / 1e6);
  }

 private:
  bool warn(const char *what) {
    if (verbose_) std::fprintf(stderr, "bfjit: %s: %s (%s)\n", what, cpjit_last_error(), "running in tier 1");
    return false;
  }
  void note(const std::string &what) const {
    if (verbose_) std::fprintf(stderr, "bfjit: %s: %s\n", what.c_str(), cpjit_last_error());
  }

  cpjit_context *ctx_ = nullptr;
  cpjit_stencils *stencils_ = nullptr;
  bool enabled_ = false, verbose_ = false;
  uint32_t threshold_ = 0, compiled_ = 0;
  unsigned long runs_ = 0;
  uint32_t add_ = 0, clear_ = 0, move_ = 0, output_ = 0, input_ = 0, jump_if_zero_ = 0, jump_if_nonzero_ = 0,
           exit_if_zero_ = 0;
};

// Tier 1. Returns false (after a message) when the program moves left of the first cell.
bool interpret(const std::vector<Insn> &program, bf_vm &vm, std::vector<uint8_t> &tape, Jit &jit) {
  std::vector<Loop> loops(program.size());
  size_t pc = 0;
  while (pc < program.size()) {
    const Insn &in = program[pc];
    switch (in.op) {
      case Op::Add: tape[static_cast<size_t>(vm.ptr)] = static_cast<uint8_t>(tape[static_cast<size_t>(vm.ptr)] + in.arg); break;
      case Op::Clear: tape[static_cast<size_t>(vm.ptr)] = 0; break;
      case Op::Move: {
        int64_t next = vm.ptr + in.arg;
        if (next < 0) {
          std::fprintf(stderr, "bfjit: the program moved left of the first cell\n");
          return false;
        }
        if (next >= vm.tape_size) {  // the tape grows to the right as far as needed
          tape.resize(std::max<size_t>(tape.size() * 2, static_cast<size_t>(next) + 1), 0);
          vm.tape = tape.data();
          vm.tape_size = static_cast<int64_t>(tape.size());
        }
        vm.ptr = next;
        break;
      }
      case Op::Out: bf_output(&vm, tape[static_cast<size_t>(vm.ptr)]); break;
      case Op::In: tape[static_cast<size_t>(vm.ptr)] = bf_input(&vm); break;
      case Op::LoopStart:
        if (tape[static_cast<size_t>(vm.ptr)] == 0) {
          pc = static_cast<size_t>(in.arg) + 1;
          continue;
        }
        if (Loop &loop = loops[pc]; loop.executor != nullptr) {
          const size_t next = jit.run(loop.executor, vm);
          if (next != SIZE_MAX) {
            pc = next;
            continue;
          }
          loop.executor = nullptr;  // the runtime refused: stay in tier 1 for this loop
          loop.given_up = true;
        }
        break;
      case Op::LoopEnd:
        if (tape[static_cast<size_t>(vm.ptr)] != 0) {
          const size_t start = static_cast<size_t>(in.arg);
          Loop &loop = loops[start];
          if (jit.enabled() && loop.executor == nullptr && !loop.given_up && ++loop.back_edges >= jit.threshold()) {
            loop.executor = jit.compile(program, start);
            loop.given_up = loop.executor == nullptr;
          }
          // Through the [ again: it enters the compiled loop when there is one.
          pc = loop.executor ? start : start + 1;
          continue;
        }
        break;
    }
    ++pc;
  }
  return true;
}

}  // namespace

int main(int argc, char **argv) {
  bool verbose = false;
  const char *path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-v") == 0) verbose = true;
    else path = argv[i];
  }
  if (path == nullptr) {
    std::fprintf(stderr, "usage: bfjit [-v] program.bf < input\n");
    return 2;
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "bfjit: cannot read %s\n", path);
    return 2;
  }
  std::string source((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<Insn> program;
  std::string error;
  if (!parse(source, program, error)) {
    std::fprintf(stderr, "bfjit: %s: %s\n", path, error.c_str());
    return 2;
  }
  std::vector<uint8_t> tape(30000, 0);
  bf_vm vm{tape.data(), static_cast<int64_t>(tape.size()), 0};
  Jit jit;
  jit.start(verbose);
  bool ok = interpret(program, vm, tape, jit);
  std::fflush(stdout);
  jit.report();
  return ok ? 0 : 1;
}
