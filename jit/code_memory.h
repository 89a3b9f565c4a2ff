// Executable memory for traces: an arena that packs many traces into shared pages, never has a
// page writable and executable at the same address, and stays within a configured limit.
//
// Two W^X strategies:
//   kDualMapping  one memfd mapped twice: read+execute where code runs, read+write elsewhere
//                 for the JIT to write through. Traces pack into shared pages and publishing
//                 costs only an instruction-cache flush. On AArch64 hosts freed space is reused
//                 only on pages that hold no live code, and such a page's execute permission
//                 is dropped and restored once before reuse: user-mode emulators (qemu) cache
//                 translations per page and only notice a write through the other view that
//                 way, and it is safe because no thread can be running on that page.
//   kMprotect     one anonymous mapping; a block's pages are read+write while it is written,
//                 read+execute once published (several blocks in one batch of mprotect calls),
//                 and inaccessible once released. A page never holds two blocks, so making one
//                 writable can never stop another thread's trace: packing needs kDualMapping.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "status.h"

namespace cpjit::jit {

enum class WxStrategy : uint8_t { kDualMapping = 0, kMprotect = 1 };

struct CodeMemoryConfig {
  size_t limit = size_t{64} << 20;  // bytes of code memory at most (rounded up to pages)
  WxStrategy strategy = WxStrategy::kDualMapping;
  // Place the code within direct-branch reach of this address (x86-64: +-2 GiB, AArch64:
  // +-128 MiB) when the address space allows. Null: the JIT library's own code.
  const void *near = nullptr;
  // Test hook: place the code more than 4 GiB away from `near`, so every helper call needs a
  // veneer or a data slot.
  bool far_for_testing = false;
};

struct CodeMemoryStats {
  size_t limit = 0;          // bytes
  size_t in_use = 0;         // bytes in live blocks
  size_t peak = 0;           // highest in_use seen
  size_t blocks = 0;         // live blocks
  size_t protect_calls = 0;  // mprotect calls made (kMprotect)
  uint64_t base = 0;         // execution address of the arena
};

class CodeMemory {
 public:
  struct Block {
    uint8_t *write = nullptr;  // where the JIT writes (until published)
    uint64_t address = 0;      // where the code runs
    size_t size = 0;
  };

  static Status create(const CodeMemoryConfig &config, std::unique_ptr<CodeMemory> &out);
  ~CodeMemory();
  CodeMemory(const CodeMemory &) = delete;
  CodeMemory &operator=(const CodeMemory &) = delete;

  // A block of at least `size` bytes, 16-byte aligned, writable through `write`.
  // kCodeMemoryExhausted when the limit does not leave room.
  Status allocate(size_t size, Block &out);
  // Gives the bytes of `block` past `used` back (before it is published).
  void shrink(Block &block, size_t used);
  // Makes the blocks executable: flushes the instruction cache for them and, with kMprotect,
  // seals their pages. After this the blocks must not be written.
  Status publish(std::span<const Block> blocks);
  // Returns a block's space for reuse. The caller guarantees that no thread runs it any more.
  void release(const Block &block);
  // Where to write the 8-byte, 8-aligned data word at execution address `address` inside a
  // published block while its code may run (a link slot the code reads), or null when that
  // cannot be done without making code pages writable (kMprotect). Only data the code loads
  // goes through here, stored atomically, never instructions: a data load sees the store on
  // every host without an instruction-cache flush.
  uint64_t *live_word(uint64_t address) const;

  CodeMemoryStats stats() const;
  WxStrategy strategy() const { return config_.strategy; }
  // Whether `address` lies inside this arena's executable range.
  bool contains(uint64_t address) const { return address >= exec_base_ && address < exec_base_ + size_; }
  uint64_t base() const { return exec_base_; }
  size_t size() const { return size_; }

 private:
  explicit CodeMemory(const CodeMemoryConfig &config) : config_(config) {}
  Status map();
  void add_free(size_t offset, size_t size);
  Status protect(size_t offset, size_t size, int prot);
  // First offset in [start, start + length) where `size` bytes touch only pages that may take
  // new code, or SIZE_MAX.
  size_t fit_in(size_t start, size_t length, size_t size) const;
  bool page_usable(size_t page) const { return !page_published_[page] || page_live_[page] == 0; }
  void count_pages(size_t offset, size_t size, int delta);

  CodeMemoryConfig config_;
  size_t page_size_ = 4096;
  size_t size_ = 0;
  uint8_t *exec_view_ = nullptr;
  uint8_t *write_view_ = nullptr;  // == exec_view_ with kMprotect
  uint64_t exec_base_ = 0;
  int memfd_ = -1;

  mutable std::mutex mutex_;
  std::map<size_t, size_t> free_;          // offset -> size, coalesced
  std::map<size_t, size_t> live_;          // offset -> size of live blocks
  // Dual mapping on AArch64 hosts: live blocks per page, and whether the page has held
  // published code since its execute permission was last cycled.
  bool track_pages_ = false;
  std::vector<uint32_t> page_live_;
  std::vector<uint8_t> page_published_;
  size_t in_use_ = 0;
  size_t peak_ = 0;
  size_t protect_calls_ = 0;
};

// Runs `code` as a C function pointer: the address of published code.
template <typename Fn>
Fn code_pointer(uint64_t address) {
  return reinterpret_cast<Fn>(static_cast<uintptr_t>(address));
}

}  // namespace cpjit::jit
