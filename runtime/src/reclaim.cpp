#include "reclaim.h"

namespace cpjit::rt {

void Reclaimer::retire(std::function<void()> item) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    retired_.push_back(std::move(item));
  }
  collect();
}

void Reclaimer::collect() {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!waiting_.empty() && active_[waiting_phase_].load(std::memory_order_seq_cst) == 0) {
      ready.swap(waiting_);
    }
    if (waiting_.empty() && !retired_.empty()) {
      // Flip: runs from now on count in the other phase; those of the old phase may still hold
      // what was retired so far.
      waiting_phase_ = phase_.load(std::memory_order_seq_cst);
      phase_.store(waiting_phase_ ^ 1u, std::memory_order_seq_cst);
      waiting_.swap(retired_);
      if (active_[waiting_phase_].load(std::memory_order_seq_cst) == 0) {
        for (auto &item : waiting_) ready.push_back(std::move(item));
        waiting_.clear();
      }
    }
  }
  for (auto &item : ready) item();
}

void Reclaimer::drain() {
  std::vector<std::function<void()>> all;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    all.swap(waiting_);
    for (auto &item : retired_) all.push_back(std::move(item));
    retired_.clear();
  }
  for (auto &item : all) item();
}

size_t Reclaimer::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return retired_.size() + waiting_.size();
}

}  // namespace cpjit::rt
