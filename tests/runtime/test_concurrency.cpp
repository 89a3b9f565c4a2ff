// Threads compiling, running, linking and invalidating at once on one context. Runs in every
// build; under ThreadSanitizer it is the `tsan` label.
#include <cpjit/cpjit.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "runtime_support.h"

using test::Builder;
using test::fresh_frame;
using test::Runtime;

namespace {

// Executors shared between threads: the test frees them once no test thread holds them (the
// contract of cpjit_executor_free); code reached through links is the runtime's business.
// `holders` counts the pool's reference and every running thread's; it is acquired only while
// it is not zero.
struct Shared {
  cpjit_executor *executor;
  cpjit_executor *side;  // linked to exit 1; freed with the main trace
  int64_t limit;         // the loop count it runs
  int64_t hot;           // the iteration at which it takes exit 1
  std::atomic<int> holders{1};

  bool acquire() {
    int h = holders.load();
    while (h > 0)
      if (holders.compare_exchange_weak(h, h + 1)) return true;
    return false;
  }
  void release() {
    if (holders.fetch_sub(1) == 1) {
      cpjit_executor_free(executor);
      cpjit_executor_free(side);
    }
  }
};

struct Pool {
  std::mutex mutex;
  std::vector<std::shared_ptr<Shared>> live;

  std::shared_ptr<Shared> pick(std::mt19937 &rng) {
    std::lock_guard<std::mutex> lock(mutex);
    if (live.empty()) return nullptr;
    return live[std::uniform_int_distribution<size_t>(0, live.size() - 1)(rng)];
  }
};

cpjit_executor *compile_loop(const Runtime &rt, int64_t limit, int64_t hot) {
  Builder b(rt);
  const uint32_t done = b.exit(1), exit_hot = b.exit(2);
  b.add("SET_I64", {1, limit});
  const uint32_t loop = b.add("ADD_IMM", {0, 0, 1});
  b.add("EXIT_IF_EQ", {0, hot}, CPJIT_NONE, exit_hot);
  b.add("JUMP_IF_LT", {0, 1}, loop);
  b.add("EXIT", {}, CPJIT_NONE, done);
  return b.end();
}

cpjit_executor *compile_side(const Runtime &rt) {
  Builder b(rt);
  const uint32_t done = b.exit(3);
  b.add("CALL_HELPER", {6, 0});
  b.add("EXIT", {}, CPJIT_NONE, done);
  return b.end();
}

void stress(cpjit_mode mode) {
  Runtime rt(mode);
  Pool pool;
  std::atomic<bool> stop{false};
  std::atomic<long> runs{0}, invalidated_runs{0}, linked_runs{0}, compiled{0}, failures{0};

  std::vector<std::thread> threads;
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      std::mt19937 rng(r + 1);
      while (!stop.load()) {
        std::shared_ptr<Shared> s = pool.pick(rng);
        if (!s || !s->acquire()) continue;
        cpjit_sample_frame f = fresh_frame();
        cpjit_exit_info info;
        cpjit_status st = cpjit_executor_run(s->executor, &f, &info);
        if (st == CPJIT_ERR_INVALIDATED) {
          invalidated_runs++;
        } else if (st != CPJIT_OK) {
          failures++;
        } else if (info.executor == s->executor) {
          // Either the loop ran out or the hot exit came back to us.
          bool ok = (info.resume == 1 && f.slots[0] == s->limit) || (info.resume == 2 && f.slots[0] == s->hot);
          if (!ok) failures++;
        } else {
          // A linked side trace finished the run.
          linked_runs++;
          if (info.resume != 3 || f.slots[6] != s->hot * 3 + 1) failures++;
        }
        runs++;
        s->release();
      }
    });
  }
  // The compiler: new main traces, each with a side trace linked to its hot exit.
  threads.emplace_back([&] {
    std::mt19937 rng(7);
    while (!stop.load()) {
      const int64_t limit = std::uniform_int_distribution<int64_t>(1, 300)(rng);
      const int64_t hot = std::uniform_int_distribution<int64_t>(1, 400)(rng);
      cpjit_executor *main_trace = compile_loop(rt, limit, hot);
      cpjit_executor *side = compile_side(rt);
      if (cpjit_executor_link(main_trace, 1, side) != CPJIT_OK) failures++;
      auto s = std::make_shared<Shared>();
      s->executor = main_trace;
      s->side = side;
      s->limit = limit;
      s->hot = hot;
      {
        std::lock_guard<std::mutex> lock(pool.mutex);
        pool.live.push_back(s);
      }
      compiled++;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  // The invalidator: invalidates executors while they run, then retires them.
  threads.emplace_back([&] {
    std::mt19937 rng(11);
    while (!stop.load()) {
      std::shared_ptr<Shared> s;
      {
        std::lock_guard<std::mutex> lock(pool.mutex);
        if (pool.live.size() > 8) {
          size_t i = std::uniform_int_distribution<size_t>(0, pool.live.size() - 1)(rng);
          s = pool.live[i];
          pool.live.erase(pool.live.begin() + static_cast<long>(i));
        }
      }
      if (!s) {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
        continue;
      }
      // Sometimes only the side trace: runs already inside it finish there, later ones exit to
      // the interpreter. Then the main trace, while other threads may be running it.
      if (std::uniform_int_distribution<int>(0, 1)(rng) == 0 && cpjit_executor_invalidate(s->side) != CPJIT_OK)
        failures++;
      if (cpjit_executor_invalidate(s->executor) != CPJIT_OK) failures++;
      s->release();
    }
  });

  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  stop.store(true);
  for (auto &t : threads) t.join();
  for (auto &s : pool.live) s->release();
  INFO("runs " << runs << ", through links " << linked_runs << ", refused as invalidated " << invalidated_runs
               << ", traces compiled " << compiled);
  CHECK(failures == 0);
  CHECK(runs > 100);
  CHECK(compiled > 10);
  CHECK(linked_runs > 0);
}

}  // namespace

TEST_CASE("compile, run, link and invalidate from several threads: JIT", "[concurrency]") { stress(CPJIT_MODE_JIT); }
TEST_CASE("compile, run, link and invalidate from several threads: uop interpreter", "[concurrency]") {
  stress(CPJIT_MODE_INTERP);
}
