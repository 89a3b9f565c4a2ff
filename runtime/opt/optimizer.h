// The tier-2 optimizer: passes over a trace of uops, generic over uop metadata. The interpreter
// supplies facts (CPJIT_UOP_INFO: what each uop reads, writes, proves and produces; an
// optional evaluation hook for constant folding), never passes.
//
// A trace here is what cpjit_trace_append built: instructions whose jumps are instruction
// indices and whose exits are the trace's exit ids. Every pass keeps the trace valid and its
// meaning the same for an interpreter that resumes at any exit: a side exit sees every slot as
// tier 1 would have left it, so a pass never delays a write past an exit.
#pragma once

#include <cpjit/cpjit.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cpjit::opt {

// What the passes know about one uop.
struct UopInfo {
  uint32_t flags = 0;  // CPJIT_UOP_*; uops without metadata count as ESCAPES | MAY_EXIT | MAY_ERROR
  uint8_t operands[CPJIT_MAX_OPERANDS] = {};
  cpjit_fact proves[CPJIT_MAX_FACTS] = {};
  cpjit_fact results[CPJIT_MAX_FACTS] = {};
  uint8_t widths[CPJIT_MAX_OPERANDS] = {};  // cpjit_operand_width the stencil reads each operand at
  cpjit_cache cache_out = {};                // leaves a written slot's value in a register cache
  cpjit_cache cache_in = {};                 // a variant reading a slot from a register cache
  cpjit_fact given = {};                     // a variant relying on a fact about a slot it writes
  uint32_t keeps = 0;  // bit c: a carried variant (along its chain) leaves cache c holding the slot it read there
  bool known = false;                        // has metadata
  bool calls = false;                        // its stencil calls a helper (CPJIT_STENCIL_CALLS_SYMBOLS)
};

// A uop's variant that reads slot operand `operand` from register cache `cache`.
struct Variant {
  uint32_t base;
  uint8_t operand;
  uint8_t cache;
  uint32_t variant;
};

// A uop's variant for when slot operand `operand` already holds `fact` before it.
struct GivenVariant {
  uint32_t base;
  uint8_t operand;
  uint16_t fact;
  uint32_t variant;
};

// What the uop model says about each register cache (Uops::index, cache.cpp).
struct CacheRoles {
  uint32_t loader[CPJIT_MAX_CACHES + 1];  // the loader (not a variant) filling cache c, or none
  bool loader_fed[CPJIT_MAX_CACHES + 1];  // only loaders fill it: calls may clobber it
  bool home[CPJIT_MAX_CACHES + 1];        // ... and only loaders read it
  bool kept[CPJIT_MAX_CACHES + 1];        // its loader says KEEPS_ACROSS_CALLS: calls leave it be
};

struct Uops {
  std::vector<UopInfo> info;        // by uop id
  uint32_t jump = CPJIT_NONE;       // unconditional intra-trace jump (BRANCH | ENDS_TRACE, no operands)
  uint32_t move = CPJIT_NONE;       // CPJIT_UOP_MOVE
  std::vector<uint32_t> constants;  // CPJIT_UOP_CONST uops
  std::vector<Variant> variants;    // register-cache variants (cache.cpp)
  std::vector<GivenVariant> given;  // given-fact variants (given.cpp)
  cpjit_fold_fn fold = nullptr;
  void *fold_user = nullptr;

  const UopInfo &of(const cpjit_insn &insn) const { return info[insn.uop]; }

  // Derived once from info and variants by index() (cache.cpp), which whoever fills them calls
  // before the passes run: the register-cache pass reads these for every trace.
  CacheRoles caches = {};
  std::unordered_map<uint64_t, uint32_t> variant_index;  // (base, operand, cache) -> variant
  void index();
  // The variant of `base` reading slot operand `operand` from cache `cache`, if any.
  std::optional<uint32_t> variant(uint32_t base, uint8_t operand, uint8_t cache) const;
  // Whether a chain of variants from `base` comes to one reading slot operand `operand` from
  // cache `cache`.
  bool reaches(uint32_t base, uint8_t operand, uint8_t cache) const;
};

struct Stats {
  uint64_t loops_peeled = 0;
  uint64_t guards_removed = 0;
  uint64_t uops_folded = 0;
  uint64_t uops_forwarded = 0;
  uint64_t uops_removed = 0;
  uint64_t uops_cached = 0;
  uint64_t uops_given = 0;
  uint64_t slots_bound = 0;
};

using Trace = std::vector<cpjit_insn>;

// Slot -> fact (a cpjit_fact's fact about the value in that slot), kept sorted by slot in one
// vector: a trace knows a few dozen facts at most, and the dataflow copies them before every
// instruction (a tree would allocate a node per fact per copy).
class Facts {
 public:
  using value_type = std::pair<uint64_t, uint16_t>;
  using const_iterator = std::vector<value_type>::const_iterator;
  using iterator = std::vector<value_type>::iterator;

  Facts() = default;
  Facts(std::initializer_list<value_type> facts) {
    for (const value_type &f : facts) (*this)[f.first] = f.second;
  }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  void clear() { items_.clear(); }
  const_iterator find(uint64_t slot) const {
    const auto it = lower(slot);
    return it != items_.end() && it->first == slot ? it : items_.end();
  }
  uint16_t &operator[](uint64_t slot) {
    auto it = items_.begin() + (lower(slot) - items_.cbegin());
    if (it == items_.end() || it->first != slot) it = items_.insert(it, {slot, 0});
    return it->second;
  }
  void erase(uint64_t slot) {
    const auto it = find(slot);
    if (it != items_.end()) items_.erase(it);
  }
  iterator erase(iterator it) { return items_.erase(it); }
  bool operator==(const Facts &other) const { return items_ == other.items_; }

 private:
  const_iterator lower(uint64_t slot) const {
    return std::lower_bound(items_.begin(), items_.end(), slot,
                            [](const value_type &f, uint64_t s) { return f.first < s; });
  }
  std::vector<value_type> items_;
};

// Runs the passes selected by `passes` (CPJIT_OPT_*) in order; see pipeline.cpp. `entry` holds
// when the trace starts (a side trace: what its parent knew at the exit it continues).
void optimize(const Uops &uops, uint32_t passes, uint32_t max_length, const Facts &entry, Trace &trace, Stats &stats);

// ---- the passes (one per file) ------------------------------------------------------------
void peel_loop(const Uops &uops, uint32_t max_length, Trace &trace, Stats &stats);  // peel.cpp
void propagate_facts(const Uops &uops, Trace &trace, Stats &stats, const Facts &entry = {});  // facts.cpp
// Removes a constant load (CPJIT_UOP_CONST and IDEMPOTENT) that repeats one whose slot nothing
// wrote since: after peeling, the loop's copy of a constant the first iteration stored. After
// folding, which reads constants where they are loaded.
void remove_repeated_constants(const Uops &uops, Trace &trace, Stats &stats);      // facts.cpp
void fold_constants(const Uops &uops, Trace &trace, Stats &stats);                 // fold.cpp
void forward_values(const Uops &uops, Trace &trace, Stats &stats);                 // forward.cpp
void remove_dead(const Uops &uops, Trace &trace, Stats &stats);                    // dce.cpp
void use_given_facts(const Uops &uops, Trace &trace, Stats &stats, const Facts &entry = {});  // given.cpp
void use_caches(const Uops &uops, Trace &trace, Stats &stats);                     // cache.cpp

// ---- shared helpers ------------------------------------------------------------------------------
// facts_before(): what holds before each instruction (facts.cpp's dataflow), `entry` at the
// start; unset where no path reaches.
std::vector<std::optional<Facts>> facts_before(const Uops &uops, const Trace &trace, const Facts &entry = {});
// What holds when each exit (0 .. exit_count) is taken: the meet over the instructions that
// take it of what held before them, less the slots they write (an exit may come after a
// write); nothing after an escaping or unknown uop, nor for an exit no instruction takes.
std::vector<Facts> facts_at_exits(const Uops &uops, const Trace &trace, size_t exit_count, const Facts &entry);
// (trace.cpp)
bool is_slot(uint8_t kind);
bool reads_slot(uint8_t kind);
bool writes_slot(uint8_t kind);
// Whether control can continue from instruction i to i + 1.
bool falls_through(const UopInfo &info);
// Instructions that some jump targets.
std::vector<bool> jump_targets(const Uops &uops, const Trace &trace);
// The trace's loop: the last backward jump (at `back`) and its target (`head`), when the body
// is entered only at its head and no jump from inside it leads back before the head.
struct Loop {
  size_t head, back;
};
std::optional<Loop> find_loop(const Uops &uops, const Trace &trace);
// Keeps the instructions with keep[i]; a jump to a removed instruction goes to the next kept one.
void compact(const Uops &uops, Trace &trace, const std::vector<bool> &keep);

}  // namespace cpjit::opt
