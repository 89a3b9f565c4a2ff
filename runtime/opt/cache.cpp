// Register caches: reading a value from where the previous uop left it.
//
// Between uops every value lives in its slot, so a chain of dependent uops goes through memory:
// store, then load again in the next stencil, a store-forwarding delay on every link. An
// interpreter can keep values in pinned state besides the slots (caches, numbered by it): a
// uop declaring cache_out {k, c} writes slot operand k and also leaves the value in cache c; a
// variant BASE__x declaring cache_in {k, c} is BASE reading slot operand k from cache c.
//
// The pass walks each straight line of the trace knowing which slot each cache mirrors, and
// swaps a uop for its variant where the operand's slot is mirrored. The slots stay up to date
// (producers still store), so exits and everything else are unaffected. A cache stops
// mirroring its slot when the slot is written again, when an escaping or unknown uop runs, when
// another uop fills the cache, and at jump targets (another path may arrive there).
#include <optional>

#include "optimizer.h"

namespace cpjit::opt {

namespace {

std::optional<uint32_t> variant_of(const Uops &uops, uint32_t base, uint8_t operand, uint8_t cache) {
  for (const Variant &v : uops.variants)
    if (v.base == base && v.operand == operand && v.cache == cache) return v.variant;
  return std::nullopt;
}

}  // namespace

void use_caches(const Uops &uops, Trace &trace, Stats &stats) {
  if (uops.variants.empty()) return;
  const std::vector<bool> targets = jump_targets(uops, trace);
  std::optional<uint64_t> mirror[CPJIT_MAX_CACHES + 1];  // cache -> the slot it holds
  auto forget = [&] {
    for (auto &m : mirror) m.reset();
  };
  for (size_t i = 0; i < trace.size(); ++i) {
    if (targets[i]) forget();
    cpjit_insn &insn = trace[i];
    const UopInfo &base = uops.of(insn);
    if (base.known && base.cache_in.cache == 0) {
      // The first read operand whose slot a cache holds, if the uop has that variant.
      for (uint8_t k = 0; k < CPJIT_MAX_OPERANDS; ++k) {
        if (base.operands[k] != CPJIT_OPERAND_SLOT_READ) continue;
        bool done = false;
        for (uint8_t c = 1; c <= CPJIT_MAX_CACHES && !done; ++c) {
          if (!mirror[c] || *mirror[c] != insn.operands[k]) continue;
          if (auto v = variant_of(uops, insn.uop, k, c)) {
            insn.uop = *v;
            ++stats.uops_cached;
            done = true;
          }
        }
        if (done) break;
      }
    }
    const UopInfo &info = uops.of(insn);
    if (!info.known || (info.flags & CPJIT_UOP_ESCAPES)) {
      forget();
      continue;
    }
    for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
      if (writes_slot(info.operands[k]))
        for (auto &m : mirror)
          if (m && *m == insn.operands[k]) m.reset();
    if (info.cache_out.cache != 0) mirror[info.cache_out.cache] = insn.operands[info.cache_out.operand];
  }
}

}  // namespace cpjit::opt
