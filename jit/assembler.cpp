#include "assembler.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "arch/bits.h"

namespace cpjit::jit {

namespace {

constexpr uint32_t kNone = UINT32_MAX;

size_t align_up(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

// One stencil copy in the trace: a uop, an exit stub, the error stub or the entry shim.
struct Item {
  uint32_t stencil;
  const uint64_t *operands;  // CPJIT_MAX_OPERANDS values, or null
  uint64_t stub_operand;     // operand 0 of a stub
  uint32_t code_offset;
  uint32_t data_offset;
  size_t instruction;        // index in the trace, or SIZE_MAX for stubs and the shim
};

// Veneers and data slots, bump-allocated at the end of the trace and deduplicated.
class Pool final : public SlotAllocator {
 public:
  Pool(const Backend &backend, uint8_t *write, uint64_t address, size_t capacity)
      : backend_(backend), write_(write), address_(address), capacity_(capacity) {}

  uint64_t data_slot(uint64_t value) override {
    for (const auto &[v, at] : slots_)
      if (v == value) return at;
    size_t offset = align_up(used_, 8);
    if (offset + 8 > capacity_) return 0;
    arch::store64(write_ + offset, value);
    used_ = offset + 8;
    slots_.emplace_back(value, address_ + offset);
    return address_ + offset;
  }

  uint64_t veneer(uint64_t target) override {
    for (const auto &[t, at] : veneers_)
      if (t == target) return at;
    size_t offset = align_up(used_, backend_.veneer_alignment);
    if (offset + backend_.veneer_size > capacity_) return 0;
    backend_.write_veneer(write_ + offset, address_ + offset, target);
    used_ = offset + backend_.veneer_size;
    veneers_.emplace_back(target, address_ + offset);
    return address_ + offset;
  }

  size_t used() const { return used_; }
  uint32_t slots() const { return static_cast<uint32_t>(slots_.size()); }
  uint32_t veneers() const { return static_cast<uint32_t>(veneers_.size()); }

 private:
  const Backend &backend_;
  uint8_t *write_;
  uint64_t address_;
  size_t capacity_;
  size_t used_ = 0;
  std::vector<std::pair<uint64_t, uint64_t>> slots_;
  std::vector<std::pair<uint64_t, uint64_t>> veneers_;
};

std::string describe(const StencilLibrary &lib, size_t index, uint32_t stencil) {
  return "instruction " + std::to_string(index) + " (" +
         (stencil < lib.size() ? lib.stencil(stencil).name : std::string("?")) + ")";
}

// Where everything goes, and the most bytes the trace can need.
struct Plan {
  TraceLayout layout;
  size_t capacity = 0;
};

Plan plan_trace(const StencilLibrary &lib, const TraceSpec &spec) {
  const Backend &backend = lib.backend();
  const size_t n = spec.instructions.size();
  Plan p;
  TraceLayout &l = p.layout;
  l.code_offsets.resize(n + 1);
  l.data_offsets.assign(n, kNone);
  l.stub_offsets.assign(spec.exit_records.size(), kNone);
  l.stub_data_offsets.assign(spec.exit_records.size(), kNone);
  l.link_offsets.assign(spec.exit_records.size(), kNone);
  l.link_slot_offsets.assign(spec.exit_records.size(), kNone);

  size_t offset = 0, relaxable = 0, symbol_branches = 0, stencil_bytes = 0;
  std::vector<uint8_t> exit_used(spec.exit_records.size(), 0);
  for (size_t i = 0; i < n; ++i) {
    const TraceInstruction &insn = spec.instructions[i];
    const cpjit_stencil &s = lib.stencil(insn.stencil);
    const auto &facts = lib.facts(insn.stencil);
    offset = align_up(offset, backend.code_alignment);
    l.code_offsets[i] = static_cast<uint32_t>(offset);
    offset += s.code_size;
    relaxable += facts.relaxable_holes;
    symbol_branches += facts.branch_holes;
    if (facts.uses_error && insn.error_exit < exit_used.size()) exit_used[insn.error_exit] = 1;
    for (unsigned used = facts.exits_used; used != 0; used &= used - 1) {
      const uint32_t exit = insn.exits[__builtin_ctz(used)];
      if (exit < exit_used.size()) exit_used[exit] = 1;
    }
  }
  offset = align_up(offset, backend.code_alignment);
  l.code_offsets[n] = static_cast<uint32_t>(offset);
  offset += backend.trap_size;
  l.hot_size = static_cast<uint32_t>(offset);

  const int stub = lib.exit_stub_index();
  size_t stubs = 0;
  if (stub >= 0) {
    const cpjit_stencil &s = lib.stencil(static_cast<uint32_t>(stub));
    for (size_t e = 0; e < exit_used.size(); ++e) {
      if (!exit_used[e]) continue;
      if (e < spec.linkable.size() && spec.linkable[e]) {
        offset = align_up(offset, backend.code_alignment);
        l.link_offsets[e] = static_cast<uint32_t>(offset);
        offset += backend.link_jump_size;
      }
      offset = align_up(offset, backend.code_alignment);
      l.stub_offsets[e] = static_cast<uint32_t>(offset);
      offset += s.code_size;
      ++stubs;
    }
    relaxable += stubs * lib.facts(static_cast<uint32_t>(stub)).relaxable_holes;
    symbol_branches += stubs * lib.facts(static_cast<uint32_t>(stub)).branch_holes;
  }
  const size_t code_end = offset;

  for (size_t i = 0; i < n; ++i) {
    const cpjit_stencil &s = lib.stencil(spec.instructions[i].stencil);
    stencil_bytes += s.code_size + s.data_size;
    if (s.data_size == 0) continue;
    offset = align_up(offset, s.data_align);
    l.data_offsets[i] = static_cast<uint32_t>(offset);
    offset += s.data_size;
  }
  if (stub >= 0) {
    const cpjit_stencil &s = lib.stencil(static_cast<uint32_t>(stub));
    stencil_bytes += stubs * (s.code_size + s.data_size);
    if (s.data_size != 0) {
      for (size_t e = 0; e < exit_used.size(); ++e) {
        if (l.stub_offsets[e] == kNone) continue;
        offset = align_up(offset, s.data_align);
        l.stub_data_offsets[e] = static_cast<uint32_t>(offset);
        offset += s.data_size;
      }
    }
  }
  for (size_t e = 0; e < l.link_offsets.size(); ++e) {
    if (l.link_offsets[e] == kNone) continue;
    offset = align_up(offset, 8);
    // Out of the jump's reach (an AArch64 trace of more than a MiB): the exit goes to its stub.
    if (!backend.write_link_jump(nullptr, l.link_offsets[e], offset)) {
      l.link_offsets[e] = kNone;
      continue;
    }
    l.link_slot_offsets[e] = static_cast<uint32_t>(offset);
    offset += 8;
  }

  // Worst case for the pool: a data slot per relaxable hole; a veneer per branch to a symbol,
  // and, once the trace is too large for the shortest branch (TBZ: +-32 KiB), one per branch.
  offset = align_up(offset, 16);
  l.pool_offset = static_cast<uint32_t>(offset);
  size_t veneers = symbol_branches;
  if (code_end < (size_t{32} << 10)) {
    veneers = 0;
    for (size_t i = 0; i < n; ++i) {
      const cpjit_stencil &s = lib.stencil(spec.instructions[i].stencil);
      for (uint32_t h = 0; h < s.hole_count; ++h)
        veneers += s.holes[h].value == CPJIT_HOLE_SYMBOL;
    }
    if (stub >= 0) {
      const cpjit_stencil &s = lib.stencil(static_cast<uint32_t>(stub));
      for (uint32_t h = 0; h < s.hole_count; ++h) veneers += stubs * (s.holes[h].value == CPJIT_HOLE_SYMBOL);
    }
  }
  p.capacity = offset + relaxable * 8 + veneers * (backend.veneer_size + backend.veneer_alignment);
  l.stencil_bytes = static_cast<uint32_t>(stencil_bytes);
  return p;
}

struct Emitter {
  const StencilLibrary &lib;
  const TraceSpec &spec;
  const TraceLayout &layout;
  uint64_t address;

  // Where the uops' branches for trace exit e go: its link jump, or its stub.
  uint64_t exit_address(uint32_t e) const {
    const bool link = e < layout.link_offsets.size() && layout.link_offsets[e] != kNone;
    return address + (link ? layout.link_offsets[e] : layout.stub_offsets[e]);
  }

  uint64_t value_of(const Item &item, const cpjit_hole &hole) const {
    switch (hole.value) {
      case CPJIT_HOLE_OPERAND:
        return item.operands ? item.operands[hole.index] : (hole.index == 0 ? item.stub_operand : 0);
      case CPJIT_HOLE_CONTINUE: return address + layout.code_offsets[item.instruction + 1];
      case CPJIT_HOLE_JUMP:
        return address + layout.code_offsets[static_cast<size_t>(spec.instructions[item.instruction].jump_target)];
      case CPJIT_HOLE_EXIT: return exit_address(spec.instructions[item.instruction].exits[hole.index]);
      case CPJIT_HOLE_ERROR: return exit_address(spec.instructions[item.instruction].error_exit);
      case CPJIT_HOLE_SYMBOL: return lib.symbol_address(hole.index);
      case CPJIT_HOLE_CODE: return address + item.code_offset;
      case CPJIT_HOLE_DATA: return address + item.data_offset;
      default: return 0;
    }
  }

  Status patch_item(uint8_t *write, const Item &item, SlotAllocator &pool) const {
    const cpjit_stencil &s = lib.stencil(item.stencil);
    std::memcpy(write + item.code_offset, s.code, s.code_size);
    if (s.data_size != 0) std::memcpy(write + item.data_offset, s.data, s.data_size);
    for (uint32_t h = 0; h < s.hole_count; ++h) {
      PatchSite site{&s.holes[h], write + item.code_offset, address + item.code_offset, s.code_size,
                     value_of(item, s.holes[h])};
      CPJIT_PROPAGATE(lib.backend().patch(site, pool));
    }
    for (uint32_t h = 0; h < s.data_hole_count; ++h) {
      PatchSite site{&s.data_holes[h], write + item.data_offset, address + item.data_offset, s.data_size,
                     value_of(item, s.data_holes[h])};
      CPJIT_PROPAGATE(lib.backend().patch(site, pool));
    }
    return ok_status();
  }
};

}  // namespace

Status validate_trace(const StencilLibrary &lib, const TraceSpec &spec) {
  const size_t n = spec.instructions.size();
  if (n == 0) return make_error(ErrorCode::kInvalidTrace, "empty trace");
  bool needs_stub = false;
  for (size_t i = 0; i < n; ++i) {
    const TraceInstruction &insn = spec.instructions[i];
    if (insn.stencil >= lib.size())
      return make_error(ErrorCode::kInvalidTrace, "instruction " + std::to_string(i) + ": no stencil number " +
                                                       std::to_string(insn.stencil));
    const cpjit_stencil &s = lib.stencil(insn.stencil);
    if (s.role != CPJIT_ROLE_UOP)
      return make_error(ErrorCode::kInvalidTrace, describe(lib, i, insn.stencil) + " is not a uop");
    const auto &facts = lib.facts(insn.stencil);
    CPJIT_PROPAGATE(lib.check_operands(insn.stencil, insn.operands, i));
    if (facts.uses_jump && (insn.jump_target < 0 || static_cast<size_t>(insn.jump_target) >= n))
      return make_error(ErrorCode::kInvalidTrace, describe(lib, i, insn.stencil) + ": jump target " +
                                                      std::to_string(insn.jump_target) + " is outside the trace");
    for (unsigned used = facts.exits_used; used != 0; used &= used - 1) {
      const unsigned k = static_cast<unsigned>(__builtin_ctz(used));
      needs_stub = true;
      if (insn.exits[k] == kNoExit || insn.exits[k] >= spec.exit_records.size())
        return make_error(ErrorCode::kInvalidTrace, describe(lib, i, insn.stencil) + " may take side exit " +
                                                        std::to_string(k) + " but has no exit record for it");
    }
    if (facts.uses_error) {
      needs_stub = true;
      if (insn.error_exit == kNoExit || insn.error_exit >= spec.exit_records.size())
        return make_error(ErrorCode::kInvalidTrace,
                          describe(lib, i, insn.stencil) + " may take the error exit but has no exit record for it");
    }
  }
  if (needs_stub && lib.exit_stub_index() < 0)
    return make_error(ErrorCode::kInvalidTrace, "the trace exits but the stencil set has no exit stub");
  return ok_status();
}

size_t trace_capacity(const StencilLibrary &lib, const TraceSpec &spec) {
  if (!validate_trace(lib, spec).ok()) return 0;
  return plan_trace(lib, spec).capacity;
}

namespace {

// Copies and patches a validated, planned trace.
Status emit_planned(const StencilLibrary &lib, const TraceSpec &spec, Plan &plan, uint8_t *write, uint64_t address,
                    TraceLayout &layout) {
  layout = std::move(plan.layout);
  layout.address = address;
  const Backend &backend = lib.backend();
  Emitter emitter{lib, spec, layout, address};
  Pool pool(backend, write + layout.pool_offset, address + layout.pool_offset, plan.capacity - layout.pool_offset);

  // Alignment gaps and padding: zeros (data) and traps (code) so nothing is left over from
  // earlier use of the memory.
  std::memset(write, 0, layout.pool_offset);
  const size_t n = spec.instructions.size();
  for (size_t i = 0; i < n; ++i) {
    const TraceInstruction &insn = spec.instructions[i];
    Item item{insn.stencil, insn.operands, 0, layout.code_offsets[i], layout.data_offsets[i], i};
    CPJIT_PROPAGATE(emitter.patch_item(write, item, pool));
  }
  std::memcpy(write + layout.code_offsets[n], backend.trap, backend.trap_size);
  const int stub = lib.exit_stub_index();
  for (size_t e = 0; e < layout.stub_offsets.size(); ++e) {
    if (layout.stub_offsets[e] == kNone) continue;
    Item item{static_cast<uint32_t>(stub), nullptr, spec.exit_records[e], layout.stub_offsets[e],
              layout.stub_data_offsets[e], SIZE_MAX};
    CPJIT_PROPAGATE(emitter.patch_item(write, item, pool));
    if (layout.link_offsets[e] == kNone) continue;
    // The slot starts at the stub: an exit not linked yet runs it.
    backend.write_link_jump(write + layout.link_offsets[e], address + layout.link_offsets[e],
                            address + layout.link_slot_offsets[e]);
    arch::store64(write + layout.link_slot_offsets[e], layout.unlinked_target(e));
  }
  layout.size = layout.pool_offset + pool.used();
  layout.veneers = pool.veneers();
  layout.data_slots = pool.slots();
  return ok_status();
}

Status check_size(const Plan &plan, size_t capacity) {
  if (plan.capacity > capacity || plan.capacity >= (size_t{1} << 31))
    return make_error(ErrorCode::kInvalidTrace, "trace needs " + std::to_string(plan.capacity) + " bytes, " +
                                                    std::to_string(capacity) + " available");
  return ok_status();
}

}  // namespace

Status emit_trace(const StencilLibrary &lib, const TraceSpec &spec, uint8_t *write, uint64_t address,
                  size_t capacity, TraceLayout &layout) {
  CPJIT_PROPAGATE(validate_trace(lib, spec));
  Plan plan = plan_trace(lib, spec);
  CPJIT_PROPAGATE(check_size(plan, capacity));
  return emit_planned(lib, spec, plan, write, address, layout);
}

Status assemble_trace(CodeMemory &memory, const StencilLibrary &lib, const TraceSpec &spec,
                      CodeMemory::Block &block, TraceLayout &layout) {
  if (lib.backend().arch != host_arch())
    return make_error(ErrorCode::kUnsupported, std::string("stencils for ") + lib.backend().name +
                                                   " cannot run on this host");
  CPJIT_PROPAGATE(validate_trace(lib, spec));
  Plan plan = plan_trace(lib, spec);
  CPJIT_PROPAGATE(check_size(plan, SIZE_MAX));
  CPJIT_PROPAGATE(memory.allocate(plan.capacity, block));
  Status s = emit_planned(lib, spec, plan, block.write, block.address, layout);
  if (!s.ok()) {
    memory.release(block);
    block = {};
    return s;
  }
  memory.shrink(block, layout.size);
  s = memory.publish({&block, 1});
  if (!s.ok()) {
    memory.release(block);
    block = {};
  }
  return s;
}

Status install_entry(CodeMemory &memory, const StencilLibrary &lib, CodeMemory::Block &block) {
  if (lib.entry_index() < 0) return make_error(ErrorCode::kInvalidStencilSet, "the stencil set has no entry shim");
  if (lib.backend().arch != host_arch())
    return make_error(ErrorCode::kUnsupported, std::string("stencils for ") + lib.backend().name +
                                                   " cannot run on this host");
  const uint32_t index = static_cast<uint32_t>(lib.entry_index());
  const cpjit_stencil &s = lib.stencil(index);
  const size_t data_offset = align_up(s.code_size, std::max<uint32_t>(s.data_align, 16));
  const size_t pool_offset = align_up(data_offset + s.data_size, 16);
  const auto &facts = lib.facts(index);
  const size_t capacity = pool_offset + facts.relaxable_holes * 8 +
                          facts.branch_holes * (lib.backend().veneer_size + lib.backend().veneer_alignment);
  CPJIT_PROPAGATE(memory.allocate(capacity, block));
  std::memset(block.write, 0, pool_offset);
  TraceSpec none;
  TraceLayout layout;
  Emitter emitter{lib, none, layout, block.address};
  Pool pool(lib.backend(), block.write + pool_offset, block.address + pool_offset, capacity - pool_offset);
  Item item{index, nullptr, 0, 0, static_cast<uint32_t>(data_offset), SIZE_MAX};
  Status st = emitter.patch_item(block.write, item, pool);
  if (st.ok()) {
    memory.shrink(block, pool_offset + pool.used());
    st = memory.publish({&block, 1});
  }
  if (!st.ok()) {
    memory.release(block);
    block = {};
  }
  return st;
}

TraceDump dump_trace(const StencilLibrary &lib, const TraceSpec &spec, const TraceLayout &layout,
                     const uint8_t *code) {
  TraceDump d;
  d.arch = static_cast<cpjit_arch>(lib.set().arch);
  d.target = lib.set().target ? lib.set().target : "";
  d.stencil_set = lib.set().name ? lib.set().name : "";
  d.address = layout.address;
  d.bytes.assign(code, code + layout.size);
  d.hot_size = layout.hot_size;
  d.pool_offset = layout.pool_offset;
  d.veneers = layout.veneers;
  d.data_slots = layout.data_slots;
  Emitter emitter{lib, spec, layout, layout.address};
  auto record_holes = [&](const Item &item, uint32_t owner) {
    const cpjit_stencil &s = lib.stencil(item.stencil);
    for (int pass = 0; pass < 2; ++pass) {
      const bool in_data = pass == 1;
      const cpjit_hole *holes = in_data ? s.data_holes : s.holes;
      const uint32_t count = in_data ? s.data_hole_count : s.hole_count;
      for (uint32_t h = 0; h < count; ++h) {
        HoleRecord r;
        r.owner = owner;
        r.in_data = in_data;
        r.offset = (in_data ? item.data_offset : item.code_offset) + holes[h].offset;
        r.kind = static_cast<cpjit_patch_kind>(holes[h].kind);
        r.value = static_cast<cpjit_hole_value>(holes[h].value);
        r.index = holes[h].index;
        r.width = static_cast<cpjit_operand_width>(holes[h].width);
        r.addend = holes[h].addend;
        r.target = emitter.value_of(item, holes[h]);
        if (r.value == CPJIT_HOLE_SYMBOL) r.symbol = lib.symbol_name(holes[h].index);
        if (r.value == CPJIT_HOLE_EXIT && item.instruction != SIZE_MAX)
          r.exit = spec.instructions[item.instruction].exits[holes[h].index];
        if (r.value == CPJIT_HOLE_ERROR && item.instruction != SIZE_MAX)
          r.exit = spec.instructions[item.instruction].error_exit;
        d.holes.push_back(std::move(r));
      }
    }
  };
  for (size_t i = 0; i < spec.instructions.size(); ++i) {
    const TraceInstruction &insn = spec.instructions[i];
    const cpjit_stencil &s = lib.stencil(insn.stencil);
    UopRecord u;
    u.name = s.name;
    u.offset = layout.code_offsets[i];
    u.size = s.code_size;
    std::copy(std::begin(insn.operands), std::end(insn.operands), u.operands);
    u.jump_target = insn.jump_target;
    std::copy(std::begin(insn.exits), std::end(insn.exits), u.exits);
    u.error_exit = insn.error_exit;
    d.uops.push_back(std::move(u));
    record_holes(Item{insn.stencil, insn.operands, 0, layout.code_offsets[i], layout.data_offsets[i], i},
                 static_cast<uint32_t>(i));
  }
  const int stub = lib.exit_stub_index();
  auto add_stub = [&](uint32_t exit, uint32_t offset, uint32_t data_offset, uint64_t record) {
    StubRecord r{exit, offset, lib.stencil(static_cast<uint32_t>(stub)).code_size, record};
    if (exit < layout.link_offsets.size() && layout.link_offsets[exit] != kNone) {
      r.link_offset = layout.link_offsets[exit];
      r.link_size = lib.backend().link_jump_size;
      r.link_slot_offset = layout.link_slot_offsets[exit];
    }
    d.stubs.push_back(r);
    record_holes(Item{static_cast<uint32_t>(stub), nullptr, record, offset, data_offset, SIZE_MAX},
                 HoleRecord::kStubOwner + static_cast<uint32_t>(d.stubs.size() - 1));
  };
  for (size_t e = 0; e < layout.stub_offsets.size(); ++e)
    if (layout.stub_offsets[e] != kNone)
      add_stub(static_cast<uint32_t>(e), layout.stub_offsets[e], layout.stub_data_offsets[e], spec.exit_records[e]);
  return d;
}

}  // namespace cpjit::jit
