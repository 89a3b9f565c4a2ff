// Trace assembly: stencils copied one after another into one allocation and their holes
// patched. Two passes: size everything (code, trap, exit stubs, data, worst-case veneers and
// data slots), then copy and patch at the final address; the unused tail is given back.
//
//   [uop 0][uop 1]...[uop n-1][trap][exit stubs...][error stub][data copies][link slots]
//   [veneers, slots]
//
// Exit stubs sit after the hot code, one per distinct trace exit. Jumps inside the trace,
// continuations and exits are direct branches; helpers are reached directly or through a
// veneer; operands become immediates or, when they do not fit one, a data slot.
//
// A linkable exit has a link jump in front of its stub: the uops' branches for that exit go to
// the jump, which goes where the exit's link slot says: to the stub after the trace is
// emitted, to a side trace once the runtime links one (rewriting the slot, a data word, through
// code memory's writable view), so that a linked exit costs one indirect jump.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "code_memory.h"
#include "stencil_library.h"

namespace cpjit::jit {

inline constexpr uint32_t kNoExit = UINT32_MAX;

struct TraceInstruction {
  uint32_t stencil = 0;                       // index in the library; a uop
  uint64_t operands[CPJIT_MAX_OPERANDS] = {};  // signed operands sign-extended to 64 bits
  int32_t jump_target = -1;                    // instruction the JUMP hole goes to
  uint32_t exits[CPJIT_MAX_EXITS] = {kNoExit, kNoExit, kNoExit, kNoExit, kNoExit, kNoExit, kNoExit, kNoExit};
  uint32_t error_exit = kNoExit;               // trace exit the ERROR hole goes to
};

// A trace exit is an exit stub after the hot code whose operand 0 is the exit's record; side
// exits and error exits differ only in what the record says.
struct TraceSpec {
  std::span<const TraceInstruction> instructions;
  std::span<const uint64_t> exit_records;  // operand 0 of the exit stub, per trace exit
  std::span<const uint8_t> linkable = {};  // per trace exit, nonzero: give it a link jump (empty: none)
};

// Where everything went; enough to describe a compiled trace again (see dump.h).
struct TraceLayout {
  uint64_t address = 0;                    // start of the trace: its entry point
  size_t size = 0;                         // bytes used in the allocation
  std::vector<uint32_t> code_offsets;      // per instruction, then one more: the trap
  std::vector<uint32_t> data_offsets;      // per instruction (UINT32_MAX: no data)
  std::vector<uint32_t> stub_offsets;      // per trace exit (UINT32_MAX: not used)
  std::vector<uint32_t> stub_data_offsets; // per trace exit
  std::vector<uint32_t> link_offsets;      // per trace exit: its link jump (UINT32_MAX: none)
  std::vector<uint32_t> link_slot_offsets; // per trace exit: the 8-byte slot the jump reads
  uint32_t hot_size = 0;                   // the uops' code, up to the trap
  uint32_t stencil_bytes = 0;              // code and data copied from stencils
  uint32_t pool_offset = 0;                // veneers and data slots
  uint32_t veneers = 0;
  uint32_t data_slots = 0;

  // What exit e's link slot holds while no side trace is linked there: its stub's address.
  uint64_t unlinked_target(size_t e) const { return address + stub_offsets[e]; }
};

// Checks a trace against the library: stencils exist and are uops, operands fit their holes,
// jump targets lie inside the trace, exits used have records. kInvalidTrace /
// kOperandTooWide with a message naming the instruction.
Status validate_trace(const StencilLibrary &lib, const TraceSpec &spec);

// Bytes the trace needs at most (before the unused pool is given back).
size_t trace_capacity(const StencilLibrary &lib, const TraceSpec &spec);

// Copies and patches the trace at `write` (bytes that will run at `address`), within
// `capacity` bytes. Validates first. Works for any target on any host.
Status emit_trace(const StencilLibrary &lib, const TraceSpec &spec, uint8_t *write, uint64_t address,
                  size_t capacity, TraceLayout &layout);

// emit_trace into code memory: allocate, emit, give back the tail, publish.
Status assemble_trace(CodeMemory &memory, const StencilLibrary &lib, const TraceSpec &spec,
                      CodeMemory::Block &block, TraceLayout &layout);

// The entry shim of the library copied into code memory and published. Calling
// code_pointer<cpjit_entry_fn>(address)(trace, arg) runs a trace.
using EntryFn = uintptr_t (*)(uint64_t trace, void *arg);
Status install_entry(CodeMemory &memory, const StencilLibrary &lib, CodeMemory::Block &block);

// ---- dumps -------------------------------------------------------------------------------
// A compiled trace described for people and tools: its bytes, where each uop and exit stub
// starts, and what every hole was patched with. Recomputed from the trace on request, so
// compiling pays nothing for it.
struct UopRecord {
  std::string name;
  uint32_t offset = 0;  // from the start of the trace
  uint32_t size = 0;
  uint64_t operands[CPJIT_MAX_OPERANDS] = {};
  int32_t jump_target = -1;
  uint32_t exits[CPJIT_MAX_EXITS] = {};
  uint32_t error_exit = kNoExit;
};

struct StubRecord {
  uint32_t exit = 0;  // trace exit number
  uint32_t offset = 0;
  uint32_t size = 0;
  uint64_t record = 0;  // the exit stub's operand 0
  uint32_t link_offset = kNoExit;  // the exit's link jump, in front of the stub (kNoExit: none)
  uint32_t link_size = 0;
  uint32_t link_slot_offset = kNoExit;
};

struct HoleRecord {
  static constexpr uint32_t kStubOwner = 0x80000000u;
  uint32_t owner = 0;  // instruction index, or kStubOwner + index into TraceDump::stubs
  bool in_data = false;
  uint32_t offset = 0;  // from the start of the trace
  cpjit_patch_kind kind = CPJIT_PATCH_Abs64;
  cpjit_hole_value value = CPJIT_HOLE_OPERAND;
  uint16_t index = 0;
  cpjit_operand_width width = CPJIT_WIDTH_none;
  int64_t addend = 0;
  uint64_t target = 0;   // S: the operand, address or symbol the hole was patched with
  uint32_t exit = 0;     // for exit and error holes of uops: the trace exit taken
  std::string symbol;    // for symbol holes
};

struct TraceDump {
  cpjit_arch arch = CPJIT_ARCH_NONE;
  std::string target;       // the stencil set's triple
  std::string stencil_set;  // its name
  uint64_t address = 0;
  std::vector<uint8_t> bytes;  // the whole trace as it runs
  uint32_t hot_size = 0;       // uops and the trap
  uint32_t pool_offset = 0;    // veneers and data slots from here
  uint32_t veneers = 0;
  uint32_t data_slots = 0;
  std::vector<UopRecord> uops;
  std::vector<StubRecord> stubs;
  std::vector<HoleRecord> holes;
};

// `code` points at the trace's bytes as emitted (layout.size of them).
TraceDump dump_trace(const StencilLibrary &lib, const TraceSpec &spec, const TraceLayout &layout, const uint8_t *code);

}  // namespace cpjit::jit
