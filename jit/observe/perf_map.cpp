#include "perf_map.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "names.h"

namespace cpjit::jit::observe {

namespace {

// perf splits a line at the first two spaces and takes the rest as the name; a newline would
// end the entry early, so it is the one character a name must not carry.
std::string line(uint64_t start, uint64_t size, std::string_view name) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%" PRIx64 " %" PRIx64 " ", start, size);
  std::string out = buf;
  for (char c : name) out += (c == '\n' || c == '\r') ? '_' : c;
  out += '\n';
  return out;
}

}  // namespace

std::string perf_map_lines(const TraceDump &dump, std::string_view trace) {
  std::string out;
  for (const CodeRange &r : code_ranges(dump, trace)) out += line(dump.address + r.offset, r.size, r.name);
  return out;
}

std::string PerfMapObserver::default_path() { return "/tmp/perf-" + std::to_string(::getpid()) + ".map"; }

Status PerfMapObserver::create(const std::string &path, std::unique_ptr<PerfMapObserver> &out) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(ErrorCode::kSystem, "cannot open " + path + ": " + std::strerror(errno));
  out.reset(new PerfMapObserver(path, fd));
  return ok_status();
}

PerfMapObserver::~PerfMapObserver() { ::close(fd_); }

Status PerfMapObserver::append(const std::string &text) {
  // O_APPEND makes each write() land at the end as a whole; a short write (disk full) is
  // finished with further writes, which another writer could then interleave, so it is
  // reported as an error rather than retried silently.
  const ssize_t n = ::write(fd_, text.data(), text.size());
  if (n < 0) return make_error(ErrorCode::kSystem, "cannot write " + path_ + ": " + std::strerror(errno));
  if (static_cast<size_t>(n) != text.size())
    return make_error(ErrorCode::kSystem, "short write to " + path_ + " (" + std::to_string(n) + " of " +
                                              std::to_string(text.size()) + " bytes)");
  return ok_status();
}

Status PerfMapObserver::trace_compiled(uint64_t trace_id, const TraceDump &dump) {
  return append(perf_map_lines(dump, trace_name(trace_id)));
}

Status PerfMapObserver::trace_freed(uint64_t, uint64_t, size_t) { return ok_status(); }

Status PerfMapObserver::code_installed(std::string_view name, uint64_t address, std::span<const uint8_t> bytes) {
  return append(line(address, bytes.size(), name));
}

}  // namespace cpjit::jit::observe
