// What the JIT needs from a target architecture: patching every kind of hole, the trap placed
// after a trace, and veneers for far branches. One file per target implements it
// (reloc_x86_64.cpp, reloc_aarch64.cpp); see PORTING.md.
//
// Patching is plain byte manipulation: any host can patch code for any target (tests patch
// AArch64 code at fake addresses on x86-64). Only running the code needs the matching host.
#pragma once

#include <cpjit/stencil_set.h>

#include <cstdint>

#include "status.h"

namespace cpjit::jit {

// Space a patch may ask for in the trace being assembled. Both requests deduplicate: the same
// value gets the same slot, the same target the same veneer.
class SlotAllocator {
 public:
  virtual ~SlotAllocator() = default;
  // Execution address of an 8-byte, 8-aligned read-only slot holding `value` (a GOT entry),
  // or 0 when the trace has no room left (the assembler reserves enough; 0 is a bug).
  virtual uint64_t data_slot(uint64_t value) = 0;
  // Execution address of a veneer that jumps to `target` using only scratch registers
  // (x86-64: none; AArch64: x16), or 0 when there is no room.
  virtual uint64_t veneer(uint64_t target) = 0;
};

// One hole of one stencil copy.
struct PatchSite {
  const cpjit_hole *hole;
  uint8_t *body;          // the stencil copy (code or data) as written, through the write view
  uint64_t body_address;  // where the same bytes execute
  uint32_t body_size;
  uint64_t value;         // S: the address or operand the hole refers to (before the addend)
};

struct Backend {
  cpjit_arch arch;
  const char *name;
  // Patches one hole. Range problems come back as kOutOfRange or are solved with a veneer or
  // a data slot; an instruction of the wrong shape is a generator bug and asserts (stencil
  // sets are validated when registered, see validate_hole_shape).
  Status (*patch)(const PatchSite &site, SlotAllocator &slots);
  // Whether the instruction under a hole has the shape its kind patches.
  bool (*validate_hole_shape)(const cpjit_hole &hole, const uint8_t *body, uint32_t body_size, bool in_code);
  // Bytes placed after the last stencil of a trace: running off the end traps.
  const uint8_t *trap;
  uint32_t trap_size;
  // A veneer: an absolute jump to a 64-bit target placed inside the trace.
  uint32_t veneer_size;
  uint32_t veneer_alignment;
  void (*write_veneer)(uint8_t *write, uint64_t address, uint64_t target);
  // Alignment of stencil copies in the code area.
  uint32_t code_alignment;
  // A link jump: an indirect jump through an 8-byte slot of the trace (a linked exit's way
  // into its side trace, the slot rewritten when the link changes), touching only what a
  // veneer may. False when the slot is out of its reach; `write` null: only that check.
  uint32_t link_jump_size;
  bool (*write_link_jump)(uint8_t *write, uint64_t address, uint64_t slot);
};

// The backend for a target, or null when cpjit has none.
const Backend *backend_for(cpjit_arch arch);
const Backend &x86_64_backend();
const Backend &aarch64_backend();

// The architecture this library was compiled for, or CPJIT_ARCH_NONE.
constexpr cpjit_arch host_arch() {
#if defined(__x86_64__)
  return CPJIT_ARCH_X86_64;
#elif defined(__aarch64__)
  return CPJIT_ARCH_AARCH64;
#else
  return CPJIT_ARCH_NONE;
#endif
}

}  // namespace cpjit::jit
