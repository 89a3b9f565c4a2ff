#include "jitdump.h"

#include "file_io.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include "backend.h"
#include "names.h"

namespace cpjit::jit::observe {

namespace {

uint64_t monotonic_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

// The process's jitdump file: opened once per path, closed with a JIT_CODE_CLOSE record when
// the last observer using it goes away.
class JitdumpFile {
 public:
  static Status open(const std::string &path, std::shared_ptr<JitdumpFile> &out) {
    // A registry, not one global file: tests and embedders may point observers at different
    // directories. Entries are weak so the file closes with its last observer.
    static std::mutex registry_mutex;
    static std::map<std::string, std::weak_ptr<JitdumpFile>> registry;
    std::lock_guard<std::mutex> lock(registry_mutex);
    if (auto existing = registry[path].lock()) {
      out = std::move(existing);
      return ok_status();
    }
    auto file = std::shared_ptr<JitdumpFile>(new JitdumpFile(path));
    CPJIT_PROPAGATE(file->start());
    registry[path] = file;
    out = std::move(file);
    return ok_status();
  }

  ~JitdumpFile() {
    if (fd_ < 0) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      jitdump::RecordHeader close{jitdump::kCodeClose, sizeof(jitdump::RecordHeader), monotonic_ns()};
      (void)write_all(fd_, reinterpret_cast<const uint8_t *>(&close), sizeof close, path_);
    }
    if (mapping_ != MAP_FAILED) ::munmap(mapping_, map_size_);
    ::close(fd_);
  }

  const std::string &path() const { return path_; }

  // One JIT_CODE_LOAD per (name, range); all of them in one write so a crash leaves whole
  // records behind, and timestamps taken under the lock so the file is in time order.
  Status load(const std::vector<std::pair<std::string, std::span<const uint8_t>>> &items,
              const std::vector<uint64_t> &addresses) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<uint8_t> buffer;
    const uint32_t pid = static_cast<uint32_t>(::getpid());
    const uint32_t tid = static_cast<uint32_t>(::gettid());
    for (size_t i = 0; i < items.size(); ++i) {
      const auto &[name, code] = items[i];
      jitdump::CodeLoad rec{};
      const size_t total = sizeof rec + name.size() + 1 + code.size();
      if (total > UINT32_MAX) return make_error(ErrorCode::kInvalidTrace, "jitdump record for " + name + " too large");
      rec.header = {jitdump::kCodeLoad, static_cast<uint32_t>(total), monotonic_ns()};
      rec.pid = pid;
      rec.tid = tid;
      rec.vma = addresses[i];
      rec.code_addr = addresses[i];
      rec.code_size = code.size();
      rec.code_index = next_index_++;
      const auto *p = reinterpret_cast<const uint8_t *>(&rec);
      buffer.insert(buffer.end(), p, p + sizeof rec);
      buffer.insert(buffer.end(), name.begin(), name.end());
      buffer.push_back(0);
      buffer.insert(buffer.end(), code.begin(), code.end());
    }
    return write_all(fd_, buffer.data(), buffer.size(), path_);
  }

 private:
  explicit JitdumpFile(std::string path) : path_(std::move(path)) {}

  Status start() {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return system_error("cannot create", path_, errno);
    jitdump::FileHeader header{};
    header.magic = jitdump::kMagic;
    header.version = jitdump::kVersion;
    header.total_size = sizeof header;
    header.elf_mach = elf_machine(host_arch());
    header.pid = static_cast<uint32_t>(::getpid());
    header.timestamp = monotonic_ns();
    CPJIT_PROPAGATE(write_all(fd_, reinterpret_cast<const uint8_t *>(&header), sizeof header, path_));
    // The mapping is the marker perf looks for: an executable mmap of jit-<pid>.dump in the
    // recorded mmap events. It is never read or executed, and stays until the file closes so
    // that `perf record -p` attaching later still finds it in /proc/<pid>/maps.
    map_size_ = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    mapping_ = ::mmap(nullptr, map_size_, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd_, 0);
    if (mapping_ == MAP_FAILED) return system_error("cannot map (PROT_EXEC)", path_, errno);
    return ok_status();
  }

  const std::string path_;
  int fd_ = -1;
  void *mapping_ = MAP_FAILED;
  size_t map_size_ = 0;
  std::mutex mutex_;
  uint64_t next_index_ = 0;
};

std::string JitdumpObserver::path_in(const std::string &dir) {
  return (dir.empty() ? std::string(".") : dir) + "/jit-" + std::to_string(::getpid()) + ".dump";
}

Status JitdumpObserver::create(const std::string &dir, std::unique_ptr<JitdumpObserver> &out) {
  if (host_arch() == CPJIT_ARCH_NONE) return make_error(ErrorCode::kUnsupported, "jitdump: no JIT on this host");
  std::shared_ptr<JitdumpFile> file;
  CPJIT_PROPAGATE(JitdumpFile::open(path_in(dir), file));
  out.reset(new JitdumpObserver(std::move(file)));
  return ok_status();
}

JitdumpObserver::~JitdumpObserver() = default;

const std::string &JitdumpObserver::path() const { return file_->path(); }

Status JitdumpObserver::trace_compiled(uint64_t trace_id, const TraceDump &dump) {
  if (dump.arch != host_arch())
    return make_error(ErrorCode::kUnsupported, std::string("jitdump: a ") + arch_name(dump.arch) +
                                                   " trace cannot run in this process");
  const std::string trace = trace_name(trace_id);
  std::vector<std::pair<std::string, std::span<const uint8_t>>> items;
  std::vector<uint64_t> addresses;
  const std::span<const uint8_t> bytes(dump.bytes);
  items.emplace_back(trace, bytes);
  addresses.push_back(dump.address);
  for (const CodeRange &r : code_ranges(dump, trace)) {
    if (!r.is_code()) continue;
    items.emplace_back(r.name, bytes.subspan(r.offset, r.size));
    addresses.push_back(dump.address + r.offset);
  }
  return file_->load(items, addresses);
}

Status JitdumpObserver::trace_freed(uint64_t, uint64_t, size_t) {
  // jitdump has no unload record: perf keeps the old symbols until a new load covers the range.
  return ok_status();
}

Status JitdumpObserver::code_installed(std::string_view name, uint64_t address, std::span<const uint8_t> bytes) {
  return file_->load({{std::string(name), bytes}}, {address});
}

}  // namespace cpjit::jit::observe
