#include "code_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "backend.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

namespace cpjit::jit {

namespace {

size_t round_up(size_t v, size_t to) { return (v + to - 1) / to * to; }

// Direct branches reach +-2 GiB on x86-64 (rel32) and +-128 MiB on AArch64 (imm26).
constexpr uint64_t branch_reach() { return host_arch() == CPJIT_ARCH_AARCH64 ? (uint64_t{128} << 20) : (uint64_t{2} << 30); }

// Bytes that trap when executed: what released code is overwritten with (dual mapping), so a
// stale jump into freed space stops instead of running whatever comes next.
constexpr uint8_t kTrapFill = host_arch() == CPJIT_ARCH_X86_64 ? 0xcc : 0x00;  // int3 / udf #0

Status system_error(const char *what) {
  return make_error(ErrorCode::kSystem, std::string(what) + ": " + std::strerror(errno));
}

void anchor() {}

// Tries to map exactly at `hint`; returns MAP_FAILED when something else is there.
void *map_at(uint64_t hint, size_t size, int prot, int flags, int fd) {
  void *want = reinterpret_cast<void *>(static_cast<uintptr_t>(hint));
  void *got = mmap(want, size, prot, flags | MAP_FIXED_NOREPLACE, fd, 0);
  if (got == MAP_FAILED) return MAP_FAILED;
  if (got != want) {  // a kernel without MAP_FIXED_NOREPLACE took it as a hint
    munmap(got, size);
    return MAP_FAILED;
  }
  return got;
}

// Candidate addresses for the executable view: spiralling out from `near` within branch reach,
// or, for the far test hook, well beyond 4 GiB.
std::vector<uint64_t> candidates(uint64_t near, size_t size, bool far) {
  constexpr uint64_t kGranule = uint64_t{2} << 20;
  std::vector<uint64_t> out;
  near &= ~(kGranule - 1);
  if (far) {
    for (uint64_t d = uint64_t{16} << 30; d <= (uint64_t{64} << 30); d += uint64_t{4} << 30) {
      out.push_back(near + d);
      if (near > d) out.push_back(near - d);
    }
    return out;
  }
  const uint64_t reach = branch_reach();
  if (size + kGranule >= reach) return out;
  for (uint64_t d = kGranule * 16; d + size + kGranule < reach; d += reach / 16) {
    out.push_back(near + d);
    if (near > d + size) out.push_back(near - d - round_up(size, kGranule));
  }
  return out;
}

}  // namespace

Status CodeMemory::create(const CodeMemoryConfig &config, std::unique_ptr<CodeMemory> &out) {
  if (host_arch() == CPJIT_ARCH_NONE) return make_error(ErrorCode::kUnsupported, "no JIT backend for this host");
  if (config.limit == 0) return make_error(ErrorCode::kCodeMemoryExhausted, "code memory limit is 0");
  std::unique_ptr<CodeMemory> memory(new CodeMemory(config));
  CPJIT_PROPAGATE(memory->map());
  out = std::move(memory);
  return ok_status();
}

Status CodeMemory::map() {
  long page = sysconf(_SC_PAGESIZE);
  page_size_ = page > 0 ? static_cast<size_t>(page) : 4096;
  size_ = round_up(config_.limit, page_size_);
  const uint64_t near = reinterpret_cast<uintptr_t>(config_.near ? config_.near : reinterpret_cast<const void *>(&anchor));

  int exec_prot = PROT_NONE, exec_flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  if (config_.strategy == WxStrategy::kDualMapping) {
    memfd_ = memfd_create("cpjit-code", MFD_CLOEXEC);
    if (memfd_ < 0) return system_error("memfd_create");
    if (ftruncate(memfd_, static_cast<off_t>(size_)) != 0) return system_error("ftruncate");
    exec_prot = PROT_READ | PROT_EXEC;
    exec_flags = MAP_SHARED;
  }
  void *exec = MAP_FAILED;
  for (uint64_t hint : candidates(near, size_, config_.far_for_testing)) {
    exec = map_at(hint, size_, exec_prot, exec_flags, memfd_);
    if (exec != MAP_FAILED) break;
  }
  if (exec == MAP_FAILED) exec = mmap(nullptr, size_, exec_prot, exec_flags, memfd_, 0);
  if (exec == MAP_FAILED) return system_error("mmap of code memory");
  exec_view_ = static_cast<uint8_t *>(exec);
  exec_base_ = reinterpret_cast<uintptr_t>(exec);
  if (config_.strategy == WxStrategy::kDualMapping) {
    void *write = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED, memfd_, 0);
    if (write == MAP_FAILED) return system_error("mmap of the code memory's write view");
    write_view_ = static_cast<uint8_t *>(write);
  } else {
    write_view_ = exec_view_;
  }
  free_.emplace(0, size_);
  track_pages_ = config_.strategy == WxStrategy::kDualMapping && host_arch() == CPJIT_ARCH_AARCH64;
  if (track_pages_) {
    page_live_.assign(size_ / page_size_, 0);
    page_published_.assign(size_ / page_size_, 0);
  }
  return ok_status();
}

size_t CodeMemory::fit_in(size_t start, size_t length, size_t size) const {
  size_t offset = start;
  while (offset + size <= start + length) {
    if (!track_pages_) return offset;
    size_t blocked = SIZE_MAX;
    for (size_t page = offset / page_size_; page <= (offset + size - 1) / page_size_; ++page)
      if (!page_usable(page)) blocked = page;
    if (blocked == SIZE_MAX) return offset;
    offset = (blocked + 1) * page_size_;
  }
  return SIZE_MAX;
}

void CodeMemory::count_pages(size_t offset, size_t size, int delta) {
  if (!track_pages_ || size == 0) return;
  for (size_t page = offset / page_size_; page <= (offset + size - 1) / page_size_; ++page)
    page_live_[page] = static_cast<uint32_t>(static_cast<int64_t>(page_live_[page]) + delta);
}

CodeMemory::~CodeMemory() {
  if (exec_view_) munmap(exec_view_, size_);
  if (write_view_ && write_view_ != exec_view_) munmap(write_view_, size_);
  if (memfd_ >= 0) close(memfd_);
}

void CodeMemory::add_free(size_t offset, size_t size) {
  if (size == 0) return;
  auto next = free_.lower_bound(offset);
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == offset) {
      offset = prev->first;
      size += prev->second;
      free_.erase(prev);
    }
  }
  if (next != free_.end() && offset + size == next->first) {
    size += next->second;
    free_.erase(next);
  }
  free_.emplace(offset, size);
}

Status CodeMemory::protect(size_t offset, size_t size, int prot) {
  ++protect_calls_;
  if (mprotect(exec_view_ + offset, size, prot) != 0) return system_error("mprotect");
  return ok_status();
}

Status CodeMemory::allocate(size_t size, Block &out) {
  const size_t granule = config_.strategy == WxStrategy::kMprotect ? page_size_ : 16;
  size = round_up(size == 0 ? 1 : size, granule);
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    if (it->second < size) continue;
    const size_t offset = fit_in(it->first, it->second, size);
    if (offset == SIZE_MAX) continue;
    const size_t range = it->first, range_size = it->second;
    free_.erase(it);
    if (offset > range) free_.emplace(range, offset - range);
    if (range + range_size > offset + size) free_.emplace(offset + size, range + range_size - offset - size);
    if (config_.strategy == WxStrategy::kMprotect) {
      Status s = protect(offset, size, PROT_READ | PROT_WRITE);
      if (!s.ok()) {
        add_free(offset, size);
        return s;
      }
    }
    if (track_pages_) {
      // Pages that held code now freed: cycle their execute permission once (see header).
      for (size_t page = offset / page_size_; page <= (offset + size - 1) / page_size_; ++page) {
        if (!page_published_[page]) continue;
        Status s = protect(page * page_size_, page_size_, PROT_READ);
        if (s.ok()) s = protect(page * page_size_, page_size_, PROT_READ | PROT_EXEC);
        if (!s.ok()) {
          add_free(offset, size);
          return s;
        }
        page_published_[page] = 0;
      }
      count_pages(offset, size, +1);
    }
    live_.emplace(offset, size);
    in_use_ += size;
    peak_ = std::max(peak_, in_use_);
    out = Block{write_view_ + offset, exec_base_ + offset, size};
    return ok_status();
  }
  return make_error(ErrorCode::kCodeMemoryExhausted,
                    "code memory limit of " + std::to_string(size_) + " bytes reached: " + std::to_string(in_use_) +
                        " in use, " + std::to_string(size) + " more needed");
}

void CodeMemory::shrink(Block &block, size_t used) {
  const size_t granule = config_.strategy == WxStrategy::kMprotect ? page_size_ : 16;
  used = round_up(used == 0 ? 1 : used, granule);
  if (used >= block.size) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const size_t offset = block.address - exec_base_;
  auto it = live_.find(offset);
  if (it == live_.end()) return;
  const size_t tail = block.size - used;
  if (config_.strategy == WxStrategy::kMprotect) (void)protect(offset + used, tail, PROT_NONE);
  count_pages(offset, block.size, -1);
  count_pages(offset, used, +1);
  it->second = used;
  in_use_ -= tail;
  add_free(offset + used, tail);
  block.size = used;
}

Status CodeMemory::publish(std::span<const Block> blocks) {
  for (const Block &b : blocks) {
    // Data written through the write view reaches the instruction stream of the execution
    // view: clean and invalidate by the execution address (a no-op on x86-64).
    __builtin___clear_cache(reinterpret_cast<char *>(b.address), reinterpret_cast<char *>(b.address + b.size));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (track_pages_)
    for (const Block &b : blocks) {
      const size_t offset = b.address - exec_base_;
      for (size_t page = offset / page_size_; page <= (offset + b.size - 1) / page_size_; ++page)
        page_published_[page] = 1;
    }
  if (config_.strategy != WxStrategy::kMprotect) return ok_status();
  for (const Block &b : blocks) CPJIT_PROPAGATE(protect(b.address - exec_base_, b.size, PROT_READ | PROT_EXEC));
  return ok_status();
}

uint64_t *CodeMemory::live_word(uint64_t address) const {
  if (config_.strategy != WxStrategy::kDualMapping || !contains(address) || address + 8 > exec_base_ + size_ ||
      (address & 7) != 0)
    return nullptr;
  return reinterpret_cast<uint64_t *>(write_view_ + (address - exec_base_));
}

void CodeMemory::release(const Block &block) {
  std::lock_guard<std::mutex> lock(mutex_);
  const size_t offset = block.address - exec_base_;
  auto it = live_.find(offset);
  if (it == live_.end()) return;
  const size_t size = it->second;
  live_.erase(it);
  in_use_ -= size;
  count_pages(offset, size, -1);
  if (config_.strategy == WxStrategy::kMprotect) {
    (void)protect(offset, size, PROT_NONE);
  } else {
    std::memset(write_view_ + offset, kTrapFill, size);
  }
  add_free(offset, size);
}

CodeMemoryStats CodeMemory::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  CodeMemoryStats s;
  s.limit = size_;
  s.in_use = in_use_;
  s.peak = peak_;
  s.blocks = live_.size();
  s.protect_calls = protect_calls_;
  s.base = exec_base_;
  return s;
}

}  // namespace cpjit::jit
