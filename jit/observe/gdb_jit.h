// GDB's JIT interface: each compiled trace becomes a small in-memory ELF object that GDB reads
// when the process calls __jit_debug_register_code() (GDB manual, "JIT Compilation Interface").
//
// The object carries:
//   .text      the trace's bytes at their run-time address (sh_addr), so `x/i` and `disassemble`
//              work with symbols;
//   .symtab    one function symbol per uop, trap and exit stub ("trace12:ADD_INT"), one object
//              symbol for data and pool: backtraces and `info symbol` name the uop;
//   .eh_frame  one FDE over the whole trace with a single steady-state rule,
//                x86-64:  CFA = rbp + 16, return address at CFA - 8, caller's rbp at CFA - 16
//                AArch64: CFA = x29 + 16, x30 at CFA - 8,            caller's x29 at CFA - 16
//              It holds because stencils never write the frame pointer (-mframe-pointer=reserved)
//              and neither does the entry shim: while JIT code runs, rbp/x29 is the frame of
//              the function that called the shim, so `bt` continues from the uop into that
//              function's caller. enter_trace() (enter.h) provides such a frame; see there.
//
// The interface is process-global by its definition (GDB finds __jit_debug_descriptor by
// name); a lock serialises every change to it, as GDB requires.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "names.h"
#include "observer.h"

namespace cpjit::jit::observe {

// DWARF .eh_frame contents (a CIE, one FDE over [address, address + size), the terminator)
// holding the steady-state frame-pointer rule above. Empty for an unknown architecture.
std::vector<uint8_t> steady_state_eh_frame(cpjit_arch arch, uint64_t address, uint64_t size);

// A relocatable ELF64 object for `code` running at `address`, with a symbol per range.
// Empty for an unknown architecture.
std::vector<uint8_t> build_debug_object(cpjit_arch arch, uint64_t address, std::span<const uint8_t> code,
                                        std::span<const CodeRange> ranges);
// The object for a trace: build_debug_object() over code_ranges(dump, trace).
std::vector<uint8_t> build_gdb_object(const TraceDump &dump, std::string_view trace);

class GdbJitObserver final : public TraceObserver {
 public:
  // kUnsupported when this host has no JIT (the objects describe host code only).
  static Status create(std::unique_ptr<GdbJitObserver> &out);
  // Unregisters whatever is still registered.
  ~GdbJitObserver() override;

  Status trace_compiled(uint64_t trace_id, const TraceDump &dump) override;
  // kInvalidTrace when the trace was not registered by this observer.
  Status trace_freed(uint64_t trace_id, uint64_t address, size_t size) override;
  Status code_installed(std::string_view name, uint64_t address, std::span<const uint8_t> bytes) override;
  Status code_freed(uint64_t address, size_t size) override;

  struct Registration;

 private:
  GdbJitObserver() = default;
  std::mutex mutex_;
  std::map<uint64_t, std::unique_ptr<Registration>> traces_;  // by trace id
  std::map<uint64_t, std::unique_ptr<Registration>> code_;    // by address
};

// The objects on GDB's list right now, newest first (copies; for tests and diagnostics).
std::vector<std::vector<uint8_t>> gdb_registered_objects();

}  // namespace cpjit::jit::observe
