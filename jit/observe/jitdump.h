// jitdump: the file `perf inject --jit` turns into symbols and code for perf report/annotate.
//
// Format: perf's tools/perf/Documentation/jitdump-specification.txt (version 1 header, records
// JIT_CODE_LOAD and JIT_CODE_CLOSE). How perf finds the file: the process maps it with
// PROT_EXEC once, `perf record -k mono` sees that mmap, and `perf inject --jit` reads the file
// named jit-<pid>.dump (any directory) and writes one jitted-<pid>-<index>.so per code load
// next to it. Timestamps are CLOCK_MONOTONIC, which is what `-k mono` makes perf use.
//
// Per compiled trace: a load record for the whole trace ("trace3"), then one per uop, trap and
// exit stub ("trace3:ADD", ...). perf lays later loads over earlier ones, so samples land on
// the uop and the trace record still covers the rest (data, pool).
//
// One file per process: every JitdumpObserver for the same directory shares it (the header is
// written once); records are written whole under a lock, in timestamp order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "observer.h"

namespace cpjit::jit::observe {

namespace jitdump {

inline constexpr uint32_t kMagic = 0x4A695444;  // "JiTD" read as a little-endian word
inline constexpr uint32_t kVersion = 1;
enum RecordType : uint32_t { kCodeLoad = 0, kCodeMove = 1, kCodeDebugInfo = 2, kCodeClose = 3, kUnwindingInfo = 4 };

struct FileHeader {
  uint32_t magic;
  uint32_t version;
  uint32_t total_size;  // of this header
  uint32_t elf_mach;    // e_machine of the code
  uint32_t pad1;
  uint32_t pid;
  uint64_t timestamp;
  uint64_t flags;
};
static_assert(sizeof(FileHeader) == 40);

struct RecordHeader {
  uint32_t id;          // RecordType
  uint32_t total_size;  // of the record, header included
  uint64_t timestamp;
};
static_assert(sizeof(RecordHeader) == 16);

// Followed by the name (NUL-terminated) and code_size bytes of code.
struct CodeLoad {
  RecordHeader header;
  uint32_t pid;
  uint32_t tid;
  uint64_t vma;
  uint64_t code_addr;
  uint64_t code_size;
  uint64_t code_index;  // unique per load in the file
};
static_assert(sizeof(CodeLoad) == 56);

}  // namespace jitdump

class JitdumpFile;

class JitdumpObserver final : public TraceObserver {
 public:
  // "<dir>/jit-<pid>.dump".
  static std::string path_in(const std::string &dir);
  // Opens (or joins) this process's jitdump file in `dir`: creates it, writes the header and
  // maps it executable. kSystem when the file cannot be created or mapped (a noexec /tmp).
  static Status create(const std::string &dir, std::unique_ptr<JitdumpObserver> &out);
  ~JitdumpObserver() override;

  Status trace_compiled(uint64_t trace_id, const TraceDump &dump) override;
  Status trace_freed(uint64_t trace_id, uint64_t address, size_t size) override;
  Status code_installed(std::string_view name, uint64_t address, std::span<const uint8_t> bytes) override;
  const std::string &path() const;

 private:
  explicit JitdumpObserver(std::shared_ptr<JitdumpFile> file) : file_(std::move(file)) {}
  std::shared_ptr<JitdumpFile> file_;
};

}  // namespace cpjit::jit::observe
