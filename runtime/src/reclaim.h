// Deferred freeing of code that threads may still be running.
//
// Every executor run enters the reclaimer and leaves it when it returns. Freed executors are
// retired, not freed: a retired item is destroyed only once every run that might have seen it
// has returned. Two phases are counted, as in quiescent-state RCU: retiring flips the phase,
// and the items retired before a flip are destroyed once no run of the old phase is active.
// Runs never block or take a lock; retiring and collecting take one (they are rare).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace cpjit::rt {

class Reclaimer {
 public:
  // Called at the start of a run; pass the result to leave().
  uint32_t enter() {
    for (;;) {
      uint32_t phase = phase_.load(std::memory_order_seq_cst);
      active_[phase].fetch_add(1, std::memory_order_seq_cst);
      // A flip between the two lines would let the collector miss this run: back off and retry.
      if (phase_.load(std::memory_order_seq_cst) == phase) return phase;
      active_[phase].fetch_sub(1, std::memory_order_seq_cst);
    }
  }
  void leave(uint32_t phase) { active_[phase].fetch_sub(1, std::memory_order_seq_cst); }

  // Destroys `item` once no run that started before now can still be using it.
  void retire(std::function<void()> item);
  // Destroys what is safe to destroy now. Never waits.
  void collect();
  // Destroys everything: only when no run can be in progress (context teardown).
  void drain();

  size_t pending() const;

 private:
  std::atomic<uint32_t> phase_{0};
  std::atomic<uint64_t> active_[2] = {0, 0};
  mutable std::mutex mutex_;
  std::vector<std::function<void()>> retired_;  // not yet behind a flip
  std::vector<std::function<void()>> waiting_;  // behind a flip, waiting for the old phase to drain
  uint32_t waiting_phase_ = 0;
};

}  // namespace cpjit::rt
