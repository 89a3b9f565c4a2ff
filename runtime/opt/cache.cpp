// Register caches: reading a value from where the previous uop left it, and keeping the values a
// loop carries in registers across its iterations.
//
// Between uops every value lives in its slot, so a chain of dependent uops goes through memory:
// store, then load again in the next stencil, a store-forwarding delay on every link. An
// interpreter can keep values in pinned state besides the slots (caches, numbered by it): a
// uop declaring cache_out {k, c} writes slot operand k and also leaves the value in cache c; a
// variant BASE__x declaring cache_in {k, c} is BASE reading slot operand k from cache c (and a
// variant of that variant may read a second operand from another cache).
//
// use_caches walks each straight line of the trace knowing which slot each cache mirrors, and
// swaps a uop for its variant where an operand's slot is mirrored. The slots stay up to date
// (producers still store), so exits and everything else are unaffected. A cache stops
// mirroring its slot when the slot is written again, when an escaping or unknown uop runs, when
// another uop fills the cache, when a uop calls a helper (for caches only loaders fill: the
// interpreter may let calls clobber those, unless their loader says KEEPS_ACROSS_CALLS), when a
// uop says CLOBBERS_CACHES (those caches), and at jump targets (another path may arrive there).
//
// Loop-carried values. A value computed in one iteration and read in the
// next still goes through its slot: the store, then the load next time round, lies on the
// loop's critical path. With loaders (a uop reading one slot into a cache, cache_out {0, c})
// and home caches (filled only by loaders, read only by loaders), the loop's most-read written
// slots get a home each for the whole loop:
//
//   before:  preamble  L: body (writes s, reads s) ... back-edge -> L
//   after:   preamble  load h <- s  L: body (writes s; reload h <- s) ... back-edge -> L
//
// A reload follows every write of s and every uop that may clobber the home, so the home mirrors
// s at every instruction of the loop, the loop head included. A read of s then copies the
// home into a cache that the reader has a variant for (a loader's variant: one register move)
// instead of loading the slot, and the reload after a write that left s in a cache is a move
// too. A writer with a carried variant (reading s from the home and leaving what it writes
// there: a loop's counters at its back edge, where no reload could follow) becomes that variant
// and needs none. The slots are still written as before: exits see them as tier 1 would.
#include <optional>
#include <set>
#include <tuple>

#include "optimizer.h"

namespace cpjit::opt {

namespace {

// A loader: reads its one operand, a slot, into a cache (cache_out names that operand).
bool is_loader(const UopInfo &info) {
  if (!info.known || info.operands[0] != CPJIT_OPERAND_SLOT_READ || info.cache_out.cache == 0 ||
      info.cache_out.operand != 0)
    return false;
  for (unsigned k = 1; k < CPJIT_MAX_OPERANDS; ++k)
    if (info.operands[k] != CPJIT_OPERAND_NONE) return false;
  return true;
}

// A carried variant: reads a read-write slot operand from a cache and leaves what it writes
// there, so the cache goes on holding that slot after it.
bool is_carried(const UopInfo &info) {
  return info.known && info.cache_in.cache != 0 && info.operands[info.cache_in.operand] == CPJIT_OPERAND_SLOT_READ_WRITE;
}

uint64_t variant_key(uint32_t base, uint8_t operand, uint8_t cache) {
  return (uint64_t{base} << 16) | (uint64_t{operand} << 8) | cache;
}

// Whether the uop may leave cache c, one that only loaders fill, clobbered (or any slot
// changed): a uop that escapes or says so does; one that calls does unless the cache is kept
// across calls.
bool clobbers(const UopInfo &info, const CacheRoles &roles, uint8_t c) {
  if (!info.known || (info.flags & (CPJIT_UOP_ESCAPES | CPJIT_UOP_CLOBBERS_CACHES))) return true;
  return info.calls && !roles.kept[c];
}

// The loop bind() made: instructions [head, back] of the trace, slot `slot[c]` kept in home
// cache c throughout.
struct Binding {
  size_t head = 0, back = 0;
  std::optional<uint64_t> slot[CPJIT_MAX_CACHES + 1];
  bool any() const {
    for (const auto &s : slot)
      if (s) return true;
    return false;
  }
};

cpjit_insn loader_insn(uint32_t uop, uint64_t slot) {
  cpjit_insn insn;
  cpjit_insn_init(&insn, uop);
  insn.operands[0] = slot;
  return insn;
}

Binding bind(const Uops &uops, Trace &trace, Stats &stats) {
  const CacheRoles &roles = uops.caches;
  Binding none;
  const size_t n = trace.size();
  const std::optional<Loop> loop = find_loop(uops, trace);
  if (!loop) return none;
  const size_t head = loop->head, back = loop->back;
  // Caches a read can come from (a reader has variants for them) and that a loader variant
  // copies a home into: where a bound slot goes to be read.
  std::vector<uint8_t> homes;
  for (uint8_t c = 1; c <= CPJIT_MAX_CACHES; ++c)
    if (roles.home[c]) homes.push_back(c);
  if (homes.empty()) return none;
  auto readable = [&](uint32_t uop, uint8_t k, uint8_t home) {
    for (uint8_t c = 1; c <= CPJIT_MAX_CACHES; ++c)
      if (!roles.home[c] && roles.loader[c] != CPJIT_NONE && uops.variant(uop, k, c) &&
          uops.variant(roles.loader[c], 0, home))
        return true;
    return false;
  };
  // Score each slot the loop writes, for each home: reads that the home would serve, less the
  // reloads it needs after uops that may clobber it. Only values the loop carries: read in an
  // iteration before it writes them, so that the load waits for the store of the iteration
  // before (a temporary, written and then read in one iteration, is served by the cache its
  // producer left it in when the read comes right after, and forwarded by the store buffer soon
  // enough otherwise). Each write of the slot must keep the home holding it:
  //   - a carried variant of the writer (reading the slot from the home and leaving what it
  //     writes there) does so itself, and serves its read too; it may be the loop's back edge;
  //   - else a reload after the writer copies the value from the cache the writer left it in.
  //     A branch would skip that reload on the jump, and a writer that leaves the value in no
  //     cache would have it load the slot right after the store, the delay the home is there to
  //     avoid: such a slot gets no home.
  // A branch that clobbers would skip the reloads after it: such a loop is left alone.
  size_t clobbering[CPJIT_MAX_CACHES + 1] = {};  // by home
  std::map<uint64_t, std::vector<std::pair<size_t, uint8_t>>> writes;  // slot -> (instruction, operand)
  std::set<uint64_t> carried;
  for (size_t i = head; i <= back; ++i) {
    const UopInfo &info = uops.of(trace[i]);
    for (uint8_t home : homes)
      if (clobbers(info, roles, home)) {
        if (info.flags & CPJIT_UOP_BRANCH) return none;
        ++clobbering[home];
      }
    for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
      if (reads_slot(info.operands[k]) && !writes.count(trace[i].operands[k])) carried.insert(trace[i].operands[k]);
    for (uint8_t k = 0; k < CPJIT_MAX_OPERANDS; ++k)
      if (writes_slot(info.operands[k])) writes[trace[i].operands[k]].push_back({i, k});
  }
  auto carries = [&](size_t i, uint8_t k, uint8_t home) {
    return uops.of(trace[i]).operands[k] == CPJIT_OPERAND_SLOT_READ_WRITE && uops.reaches(trace[i].uop, k, home);
  };
  auto refreshable = [&](size_t i, uint8_t k, uint8_t home) {
    const UopInfo &info = uops.of(trace[i]);
    const uint8_t c = info.cache_out.cache;
    return !(info.flags & CPJIT_UOP_BRANCH) && c != 0 && info.cache_out.operand == k &&
           uops.variant(roles.loader[home], 0, c);
  };
  struct Option {
    long benefit;
    uint64_t slot;
    uint8_t home;
    bool operator<(const Option &o) const {  // best first, then lowest slot, then lowest home
      return std::tie(o.benefit, slot, home) < std::tie(benefit, o.slot, o.home);
    }
  };
  std::vector<Option> options;
  for (const auto &[slot, at] : writes) {
    if (!carried.count(slot)) continue;
    for (uint8_t home : homes) {
      long reads = 0;
      bool usable = true;
      for (const auto &[i, k] : at) {
        if (carries(i, k, home))
          ++reads;  // the carried variant reads the home instead of the slot
        else
          usable = usable && refreshable(i, k, home);
      }
      if (!usable) continue;
      for (size_t i = head; i <= back; ++i) {
        const cpjit_insn &insn = trace[i];
        const UopInfo &info = uops.of(insn);
        if (!info.known || info.cache_in.cache != 0) continue;
        for (uint8_t k = 0; k < CPJIT_MAX_OPERANDS; ++k) {
          if (info.operands[k] != CPJIT_OPERAND_SLOT_READ || insn.operands[k] != slot || !readable(insn.uop, k, home))
            continue;
          // Right after the uop that wrote it, the value is in that uop's cache already.
          const cpjit_insn &prev = trace[i > head ? i - 1 : back];
          const UopInfo &pinfo = uops.of(prev);
          if (pinfo.cache_out.cache != 0 && prev.operands[pinfo.cache_out.operand] == slot) continue;
          ++reads;
        }
      }
      const long benefit = reads - static_cast<long>(clobbering[home]);
      if (benefit >= 1) options.push_back({benefit, slot, home});
    }
  }
  std::sort(options.begin(), options.end());
  // Each best option whose slot and home are still free, as long as every writer of a bound
  // slot that carries one still has a variant carrying all of them.
  Binding b;
  std::map<size_t, uint32_t> carrier;  // instruction -> the variant it becomes
  for (const Option &o : options) {
    if (b.slot[o.home] || std::any_of(std::begin(b.slot), std::end(b.slot), [&](const auto &s) { return s == o.slot; }))
      continue;
    b.slot[o.home] = o.slot;
    std::map<size_t, uint32_t> chosen;
    bool ok = true;
    for (size_t i = head; i <= back && ok; ++i) {
      std::vector<std::pair<uint8_t, uint8_t>> want;  // (operand, home) to carry
      for (uint8_t k = 0; k < CPJIT_MAX_OPERANDS; ++k)
        for (uint8_t c = 1; c <= CPJIT_MAX_CACHES; ++c)
          if (b.slot[c] && writes_slot(uops.of(trace[i]).operands[k]) && trace[i].operands[k] == *b.slot[c] &&
              carries(i, k, c))
            want.push_back({k, c});
      if (want.empty()) continue;
      uint32_t uop = trace[i].uop;
      for (bool changed = true; changed;) {
        changed = false;
        for (auto w = want.begin(); w != want.end() && !changed; ++w)
          if (const auto v = uops.variant(uop, w->first, w->second)) {
            uop = *v;
            want.erase(w);
            changed = true;
          }
      }
      ok = want.empty();
      chosen[i] = uop;
    }
    if (ok)
      carrier.swap(chosen);
    else
      b.slot[o.home].reset();
  }
  if (!b.any()) return none;

  // Rebuild: the loads before the head, a reload after every write of a bound slot and every
  // uop that clobbers.
  const size_t loads = std::count_if(std::begin(b.slot), std::end(b.slot), [](const auto &s) { return s.has_value(); });
  Trace out;
  std::vector<uint32_t> new_index(n + 1);
  for (size_t i = 0; i < head; ++i) {
    new_index[i] = static_cast<uint32_t>(out.size());
    out.push_back(trace[i]);
  }
  const uint32_t loads_at = static_cast<uint32_t>(out.size());
  for (uint8_t c = 1; c <= CPJIT_MAX_CACHES; ++c)
    if (b.slot[c]) out.push_back(loader_insn(roles.loader[c], *b.slot[c]));
  for (size_t i = head; i < n; ++i) {
    new_index[i] = static_cast<uint32_t>(out.size());
    out.push_back(trace[i]);
    if (i > back) continue;
    const auto carrying = carrier.find(i);
    if (carrying != carrier.end()) out.back().uop = carrying->second;
    const UopInfo &info = uops.of(out.back());
    for (uint8_t c = 1; c <= CPJIT_MAX_CACHES; ++c) {
      // (A carried variant keeps its home; one that clobbers it is reloaded after all, as any.)
      if (!b.slot[c] || ((info.keeps & (1u << c)) && !clobbers(info, roles, c))) continue;
      bool reload = clobbers(info, roles, c);
      for (unsigned k = 0; k < CPJIT_MAX_OPERANDS && !reload; ++k)
        reload = writes_slot(info.operands[k]) && trace[i].operands[k] == *b.slot[c];
      if (reload) out.push_back(loader_insn(roles.loader[c], *b.slot[c]));
    }
  }
  new_index[n] = static_cast<uint32_t>(out.size());
  // Jumps: the back edges to the head itself, everything else arriving at the head through the
  // loads; the rest to where their target went. (Old indices: recomputed from the copy.)
  std::vector<uint32_t> old_of(out.size(), CPJIT_NONE);
  for (size_t i = 0; i < n; ++i) old_of[new_index[i]] = static_cast<uint32_t>(i);
  for (size_t j = 0; j < out.size(); ++j) {
    cpjit_insn &insn = out[j];
    if (!(uops.of(insn).flags & CPJIT_UOP_BRANCH) || insn.jump >= n || old_of[j] == CPJIT_NONE) continue;
    const size_t from = old_of[j];
    const bool inside = from >= head && from <= back;
    insn.jump = insn.jump == head && !inside ? loads_at : new_index[insn.jump];
  }
  b.head = new_index[head];
  b.back = new_index[back];  // a branch: nothing was inserted after it
  stats.slots_bound += loads;
  trace.swap(out);
  return b;
}

}  // namespace

void Uops::index() {
  variant_index.clear();
  for (const Variant &v : variants) variant_index.emplace(variant_key(v.base, v.operand, v.cache), v.variant);
  // The caches a carried variant keeps, its own and its base's (a base before its variants: the
  // chain is walked from each variant down).
  std::unordered_map<uint32_t, uint32_t> base_of;
  for (const Variant &v : variants) base_of.emplace(v.variant, v.base);
  for (UopInfo &u : info) u.keeps = 0;
  for (const Variant &v : variants)
    for (uint32_t id = v.variant;;) {
      if (is_carried(info[id])) info[v.variant].keeps |= 1u << info[id].cache_in.cache;
      const auto it = base_of.find(id);
      if (it == base_of.end()) break;
      id = it->second;
    }
  bool filled_otherwise[CPJIT_MAX_CACHES + 1] = {}, read_otherwise[CPJIT_MAX_CACHES + 1] = {};
  for (uint32_t c = 0; c <= CPJIT_MAX_CACHES; ++c) caches.loader[c] = CPJIT_NONE;
  for (uint32_t id = 0; id < info.size(); ++id) {
    const UopInfo &u = info[id];
    if (!u.known) continue;
    const bool load = is_loader(u);
    if (u.cache_out.cache != 0 && !load) filled_otherwise[u.cache_out.cache] = true;
    // (A variant of a variant reads its base's cache too, which the base marks already. A
    // carried variant keeps the cache holding its slot: that neither reads it for another use
    // nor fills it with another value.)
    if (u.cache_in.cache != 0 && !load && !is_carried(u)) read_otherwise[u.cache_in.cache] = true;
    if (load && u.cache_in.cache == 0 && caches.loader[u.cache_out.cache] == CPJIT_NONE)
      caches.loader[u.cache_out.cache] = id;
  }
  for (uint32_t c = 0; c <= CPJIT_MAX_CACHES; ++c) {
    caches.loader_fed[c] = c != 0 && caches.loader[c] != CPJIT_NONE && !filled_otherwise[c];
    caches.home[c] = caches.loader_fed[c] && !read_otherwise[c];
    caches.kept[c] = caches.loader_fed[c] && (info[caches.loader[c]].flags & CPJIT_UOP_KEEPS_ACROSS_CALLS);
  }
}

std::optional<uint32_t> Uops::variant(uint32_t base, uint8_t operand, uint8_t cache) const {
  const auto it = variant_index.find(variant_key(base, operand, cache));
  return it == variant_index.end() ? std::nullopt : std::optional<uint32_t>(it->second);
}

bool Uops::reaches(uint32_t base, uint8_t operand, uint8_t cache) const {
  for (const Variant &v : variants)
    if (v.base == base && ((v.operand == operand && v.cache == cache) || reaches(v.variant, operand, cache))) return true;
  return false;
}

void use_caches(const Uops &uops, Trace &trace, Stats &stats) {
  if (uops.variants.empty()) return;
  const Binding bound = bind(uops, trace, stats);
  const std::vector<bool> targets = jump_targets(uops, trace);
  const size_t n = trace.size();
  const CacheRoles &roles = uops.caches;
  std::optional<uint64_t> mirror[CPJIT_MAX_CACHES + 1];  // cache -> the slot it holds
  auto in_loop = [&](size_t i) { return bound.any() && i >= bound.head && i <= bound.back; };
  // After a clobber the reloads that follow it in the loop set the homes again.
  auto forget = [&]() {
    for (auto &m : mirror) m.reset();
  };
  auto forget_clobbered = [&](const UopInfo &info) {
    for (uint8_t c = 1; c <= CPJIT_MAX_CACHES; ++c)
      if (roles.loader_fed[c] && clobbers(info, roles, c)) mirror[c].reset();
  };
  Trace out;
  out.reserve(n);
  std::vector<uint32_t> new_index(n + 1);
  for (size_t i = 0; i < n; ++i) {
    new_index[i] = static_cast<uint32_t>(out.size());
    if (targets[i]) {
      // Another path may arrive here; in the bound loop the homes hold their slots on all.
      forget();
      if (in_loop(i))
        for (uint8_t c = 1; c <= CPJIT_MAX_CACHES; ++c)
          if (bound.slot[c]) mirror[c] = bound.slot[c];
    }
    cpjit_insn insn = trace[i];
    bool read_from[CPJIT_MAX_CACHES + 1] = {};  // caches the chosen variant reads
    bool operand_cached[CPJIT_MAX_OPERANDS] = {};
    if (uops.of(insn).known && uops.of(insn).cache_in.cache == 0) {
      // Operands whose slot a cache holds, one after another while variants allow.
      for (bool changed = true; changed;) {
        changed = false;
        for (uint8_t k = 0; k < CPJIT_MAX_OPERANDS && !changed; ++k) {
          if (uops.of(insn).operands[k] != CPJIT_OPERAND_SLOT_READ || operand_cached[k]) continue;
          for (uint8_t c = 1; c <= CPJIT_MAX_CACHES && !changed; ++c) {
            if (!mirror[c] || *mirror[c] != insn.operands[k]) continue;
            if (auto v = uops.variant(insn.uop, k, c)) {
              insn.uop = *v;
              read_from[c] = operand_cached[k] = changed = true;
              ++stats.uops_cached;
            }
          }
        }
      }
      // Operands a home holds: copied into a cache the uop can read, by a loader variant.
      for (uint8_t k = 0; k < CPJIT_MAX_OPERANDS; ++k) {
        if (uops.of(insn).operands[k] != CPJIT_OPERAND_SLOT_READ || operand_cached[k]) continue;
        for (uint8_t h = 1; h <= CPJIT_MAX_CACHES && !operand_cached[k]; ++h) {
          if (!roles.home[h] || !mirror[h] || *mirror[h] != insn.operands[k]) continue;
          for (uint8_t c = 1; c <= CPJIT_MAX_CACHES; ++c) {
            if (read_from[c] || roles.home[c] || roles.loader[c] == CPJIT_NONE) continue;
            const auto v = uops.variant(insn.uop, k, c);
            const auto copy = uops.variant(roles.loader[c], 0, h);
            if (!v || !copy) continue;
            out.push_back(loader_insn(*copy, insn.operands[k]));
            mirror[c] = insn.operands[k];
            insn.uop = *v;
            read_from[c] = operand_cached[k] = true;
            ++stats.uops_cached;
            break;
          }
        }
      }
    }
    const UopInfo &info = uops.of(insn);
    out.push_back(insn);
    if (!info.known || (info.flags & CPJIT_UOP_ESCAPES)) {
      forget();
      continue;
    }
    std::optional<uint64_t> kept[CPJIT_MAX_CACHES + 1];  // what a carried variant leaves its caches holding
    for (uint8_t c = 1; c <= CPJIT_MAX_CACHES; ++c)
      if (info.keeps & (1u << c)) kept[c] = mirror[c];
    forget_clobbered(info);
    for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k)
      if (writes_slot(info.operands[k]))
        for (auto &m : mirror)
          if (m && *m == insn.operands[k]) m.reset();
    for (uint8_t c = 1; c <= CPJIT_MAX_CACHES; ++c)
      if (kept[c]) mirror[c] = kept[c];
    if (info.cache_out.cache != 0) mirror[info.cache_out.cache] = insn.operands[info.cache_out.operand];
  }
  new_index[n] = static_cast<uint32_t>(out.size());
  for (cpjit_insn &insn : out)
    if ((uops.of(insn).flags & CPJIT_UOP_BRANCH) && insn.jump < n) insn.jump = new_index[insn.jump];
  trace.swap(out);
}

}  // namespace cpjit::opt
