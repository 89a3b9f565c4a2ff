// Names for compiled code, shared by every observer: a perf profile, a gdb backtrace and a dump
// file call the same bytes the same thing ("trace12:ADD_INT").
#pragma once

#include <cpjit/stencil_set.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "assembler.h"

namespace cpjit::jit::observe {

// "trace<N>": the name of trace `trace_id` everywhere (dump files, symbols, perf).
std::string trace_name(uint64_t trace_id);
// "exit<k>" and "exit<k>.link": a trace's exit stub for exit k and the link jump in front of it.
std::string exit_stub_name(uint32_t exit);
std::string link_jump_name(uint32_t exit);

// Names used in dump files, from the X-macro tables of <cpjit/stencil_set.h> and
// <cpjit/hole_abi.h>: "A64Branch26", "operand", "u16", "x86_64". "?" for values outside them.
const char *patch_kind_name(cpjit_patch_kind kind);
const char *hole_value_name(cpjit_hole_value value);
const char *width_name(cpjit_operand_width width);
const char *arch_name(cpjit_arch arch);

// ELF e_machine of an architecture (EM_X86_64, EM_AARCH64), 0 when unknown.
uint16_t elf_machine(cpjit_arch arch);

// One named part of a compiled trace.
struct CodeRange {
  enum class Kind : uint8_t { kUop, kTrap, kExitStub, kData, kPool };
  Kind kind = Kind::kUop;
  std::string name;     // "trace3:ADD", "trace3:trap", "trace3:exit1", "trace3:data", ...
  uint32_t offset = 0;  // from the start of the trace
  uint32_t size = 0;
  bool is_code() const { return kind != Kind::kData && kind != Kind::kPool; }
};

// The parts of `dump` in address order, none empty and none overlapping:
//   <trace>:<UOP>        each uop (a name may repeat when a uop occurs twice)
//   <trace>:trap         the trap after the last uop
//   <trace>:exit<k>      the exit stub of trace exit k (side exits and error exits alike)
//   <trace>:exit<k>.link the link jump in front of a linkable exit's stub
//   <trace>:data         read-only data copied with the stencils (constants, jump tables)
//   <trace>:pool         veneers and data slots
// Ranges that fall outside dump.bytes are clipped (a dump is trusted, but clipping keeps every
// consumer inside the buffer).
std::vector<CodeRange> code_ranges(const TraceDump &dump, std::string_view trace);

}  // namespace cpjit::jit::observe
