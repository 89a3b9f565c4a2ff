#include "dump_file.h"

#include "file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "names.h"

namespace cpjit::jit::observe {

namespace {

// A small JSON emitter: the dump format is flat enough that a library would add more than it
// saves, and jit/ stays free of third-party headers.
class Json {
 public:
  std::string take() { return std::move(out_); }

  void raw(std::string_view s) { out_ += s; }
  void string(std::string_view s) {
    out_ += '"';
    for (char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += c;
      } else if (u < 0x20 || u >= 0x7f) {
        // Names come from stencil sets; anything outside printable ASCII is escaped, never
        // written raw, so the file is valid UTF-8 whatever the input.
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", u);
        out_ += buf;
      } else {
        out_ += c;
      }
    }
    out_ += '"';
  }
  void number(int64_t v) { out_ += std::to_string(v); }
  void unsigned_number(uint64_t v) { out_ += std::to_string(v); }
  void hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "\"0x%" PRIx64 "\"", v);
    out_ += buf;
  }
  void key(std::string_view k) {
    string(k);
    out_ += ": ";
  }

 private:
  std::string out_;
};

void hex_bytes(Json &j, const std::vector<uint8_t> &bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2 + 2);
  s += '"';
  for (uint8_t b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  s += '"';
  j.raw(s);
}

}  // namespace

std::string dump_to_json(const TraceDump &dump, std::string_view trace) {
  Json j;
  j.raw("{\n ");
  j.key("format");
  j.string(kDumpFormat);
  j.raw(",\n ");
  j.key("version");
  j.number(kDumpFormatVersion);
  j.raw(",\n ");
  j.key("trace");
  j.string(trace);
  j.raw(",\n ");
  j.key("arch");
  j.string(arch_name(dump.arch));
  j.raw(",\n ");
  j.key("target");
  j.string(dump.target);
  j.raw(",\n ");
  j.key("stencil_set");
  j.string(dump.stencil_set);
  j.raw(",\n ");
  j.key("address");
  j.hex(dump.address);
  j.raw(",\n ");
  j.key("size");
  j.unsigned_number(dump.bytes.size());
  j.raw(",\n ");
  j.key("hot_size");
  j.unsigned_number(dump.hot_size);
  j.raw(",\n ");
  j.key("pool_offset");
  j.unsigned_number(dump.pool_offset);
  j.raw(",\n ");
  j.key("veneers");
  j.unsigned_number(dump.veneers);
  j.raw(",\n ");
  j.key("data_slots");
  j.unsigned_number(dump.data_slots);
  j.raw(",\n ");
  j.key("code");
  hex_bytes(j, dump.bytes);

  j.raw(",\n ");
  j.key("uops");
  j.raw("[");
  for (size_t i = 0; i < dump.uops.size(); ++i) {
    const UopRecord &u = dump.uops[i];
    j.raw(i ? ",\n  {" : "\n  {");
    j.key("index");
    j.unsigned_number(i);
    j.raw(", ");
    j.key("name");
    j.string(u.name);
    j.raw(", ");
    j.key("offset");
    j.unsigned_number(u.offset);
    j.raw(", ");
    j.key("size");
    j.unsigned_number(u.size);
    j.raw(", ");
    j.key("operands");
    j.raw("[");
    for (unsigned k = 0; k < CPJIT_MAX_OPERANDS; ++k) {
      if (k) j.raw(", ");
      j.hex(u.operands[k]);
    }
    j.raw("], ");
    j.key("jump_target");
    if (u.jump_target >= 0) j.number(u.jump_target);
    else j.raw("null");
    j.raw(", ");
    j.key("exits");
    j.raw("[");
    for (unsigned k = 0; k < CPJIT_MAX_EXITS; ++k) {
      if (k) j.raw(", ");
      if (u.exits[k] == kNoExit) j.raw("null");
      else j.unsigned_number(u.exits[k]);
    }
    j.raw("], ");
    j.key("error_exit");
    if (u.error_exit == kNoExit) j.raw("null");
    else j.unsigned_number(u.error_exit);
    j.raw("}");
  }
  j.raw(dump.uops.empty() ? "]" : "\n ]");

  j.raw(",\n ");
  j.key("stubs");
  j.raw("[");
  for (size_t i = 0; i < dump.stubs.size(); ++i) {
    const StubRecord &s = dump.stubs[i];
    j.raw(i ? ",\n  {" : "\n  {");
    j.key("exit");
    j.unsigned_number(s.exit);
    j.raw(", ");
    j.key("offset");
    j.unsigned_number(s.offset);
    j.raw(", ");
    j.key("size");
    j.unsigned_number(s.size);
    j.raw(", ");
    j.key("record");
    j.hex(s.record);
    if (s.link_offset != kNoExit) {
      j.raw(", ");
      j.key("link_offset");
      j.unsigned_number(s.link_offset);
      j.raw(", ");
      j.key("link_size");
      j.unsigned_number(s.link_size);
      j.raw(", ");
      j.key("link_slot_offset");
      j.unsigned_number(s.link_slot_offset);
    }
    j.raw("}");
  }
  j.raw(dump.stubs.empty() ? "]" : "\n ]");

  j.raw(",\n ");
  j.key("holes");
  j.raw("[");
  for (size_t i = 0; i < dump.holes.size(); ++i) {
    const HoleRecord &h = dump.holes[i];
    const bool stub = h.owner >= HoleRecord::kStubOwner;
    j.raw(i ? ",\n  {" : "\n  {");
    j.key("owner");
    j.string(stub ? "stub" : "uop");
    j.raw(", ");
    j.key("owner_index");
    j.unsigned_number(stub ? h.owner - HoleRecord::kStubOwner : h.owner);
    j.raw(", ");
    j.key("area");
    j.string(h.in_data ? "data" : "code");
    j.raw(", ");
    j.key("offset");
    j.unsigned_number(h.offset);
    j.raw(", ");
    j.key("kind");
    j.string(patch_kind_name(h.kind));
    j.raw(", ");
    j.key("value");
    j.string(hole_value_name(h.value));
    j.raw(", ");
    j.key("index");
    j.unsigned_number(h.index);
    j.raw(", ");
    j.key("width");
    j.string(width_name(h.width));
    j.raw(", ");
    j.key("addend");
    j.number(h.addend);
    j.raw(", ");
    j.key("target");
    j.hex(h.target);
    if (h.value == CPJIT_HOLE_SYMBOL) {
      j.raw(", ");
      j.key("symbol");
      j.string(h.symbol);
    }
    if ((h.value == CPJIT_HOLE_EXIT || h.value == CPJIT_HOLE_ERROR) && !stub) {
      j.raw(", ");
      j.key("exit");
      j.unsigned_number(h.exit);
    }
    j.raw("}");
  }
  j.raw(dump.holes.empty() ? "]" : "\n ]");
  j.raw("\n}\n");
  return j.take();
}

namespace {

}  // namespace

Status write_dump_file(const std::string &dir, std::string_view trace, const TraceDump &dump) {
  if (trace.empty() || trace.front() == '.' || trace.find('/') != std::string_view::npos ||
      trace.find('\0') != std::string_view::npos || trace.size() > 200)
    return make_error(ErrorCode::kInvalidTrace, "dump file name \"" + std::string(trace) + "\" is not a plain file name");
  const std::string base = (dir.empty() ? std::string(".") : dir) + "/";
  const std::string path = base + std::string(trace) + ".json";
  // Unique per process and call, so concurrent writers of the same trace never share a
  // temporary file; the last rename wins and every version is complete.
  static std::atomic<uint64_t> counter{0};
  const std::string temp = base + "." + std::string(trace) + ".json." + std::to_string(::getpid()) + "." +
                           std::to_string(counter.fetch_add(1, std::memory_order_relaxed)) + ".tmp";
  const std::string text = dump_to_json(dump, trace);

  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return system_error("cannot create", temp, errno);
  Status s = write_all(fd, text.data(), text.size(), temp);
  if (::close(fd) != 0 && s.ok()) s = system_error("cannot close", temp, errno);
  if (s.ok() && ::rename(temp.c_str(), path.c_str()) != 0) s = system_error("cannot rename to", path, errno);
  if (!s.ok()) ::unlink(temp.c_str());
  return s;
}

}  // namespace cpjit::jit::observe
