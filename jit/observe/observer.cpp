#include "observer.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "dump_file.h"
#include "gdb_jit.h"
#include "jitdump.h"
#include "names.h"
#include "perf_map.h"

namespace cpjit::jit::observe {

TraceObserver::~TraceObserver() = default;

Status TraceObserver::code_installed(std::string_view, uint64_t, std::span<const uint8_t>) { return ok_status(); }
Status TraceObserver::code_freed(uint64_t, size_t) { return ok_status(); }

ObserverList::ObserverList(std::vector<std::unique_ptr<TraceObserver>> observers) : observers_(std::move(observers)) {}

namespace {

template <typename Call>
Status call_all(const std::vector<std::unique_ptr<TraceObserver>> &observers, Call call) {
  Status first;
  for (const auto &o : observers) {
    Status s = call(*o);
    if (!s.ok() && first.ok()) first = std::move(s);
  }
  return first;
}

}  // namespace

Status ObserverList::trace_compiled(uint64_t trace_id, const TraceDump &dump) {
  return call_all(observers_, [&](TraceObserver &o) { return o.trace_compiled(trace_id, dump); });
}

Status ObserverList::trace_freed(uint64_t trace_id, uint64_t address, size_t size) {
  return call_all(observers_, [&](TraceObserver &o) { return o.trace_freed(trace_id, address, size); });
}

Status ObserverList::code_installed(std::string_view name, uint64_t address, std::span<const uint8_t> bytes) {
  return call_all(observers_, [&](TraceObserver &o) { return o.code_installed(name, address, bytes); });
}

Status ObserverList::code_freed(uint64_t address, size_t size) {
  return call_all(observers_, [&](TraceObserver &o) { return o.code_freed(address, size); });
}

namespace {

// Writes one dump file per compiled trace; nothing to do when a trace goes away (the file
// describes code that existed, which is what someone reading it later wants).
class DumpDirObserver final : public TraceObserver {
 public:
  explicit DumpDirObserver(std::string dir) : dir_(std::move(dir)) {}
  Status trace_compiled(uint64_t trace_id, const TraceDump &dump) override {
    return write_dump_file(dir_, trace_name(trace_id), dump);
  }
  Status trace_freed(uint64_t, uint64_t, size_t) override { return ok_status(); }

 private:
  const std::string dir_;  // immutable: concurrent calls share nothing else
};

bool is_off(const char *value) { return value == nullptr || value[0] == '\0' || std::string_view(value) == "0"; }

void append(std::string &messages, const std::string &message) {
  if (!messages.empty()) messages += "; ";
  messages += message;
}

}  // namespace

Status config_from_environment(ObserverConfig &out, GetEnv getenv_fn) {
  if (getenv_fn == nullptr) getenv_fn = [](const char *name) -> const char * { return std::getenv(name); };
  out = ObserverConfig{};
  std::string errors;

  if (const char *dump = getenv_fn("CPJIT_DUMP"); !is_off(dump)) out.dump_dir = dump;

  if (const char *perf = getenv_fn("CPJIT_PERF"); !is_off(perf)) {
    std::string_view rest(perf);
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      const std::string_view item = rest.substr(0, comma);
      if (item == "map") out.perf_map = true;
      else if (item == "jitdump") out.jitdump = true;
      else {
        append(errors, "CPJIT_PERF=" + std::string(perf) + ": expected map, jitdump or map,jitdump");
        out.perf_map = out.jitdump = false;
        break;
      }
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  if (const char *dir = getenv_fn("CPJIT_PERF_DIR"); !is_off(dir)) out.jitdump_dir = dir;

  if (const char *gdb = getenv_fn("CPJIT_GDB"); !is_off(gdb)) {
    if (std::string_view(gdb) == "1") out.gdb = true;
    else append(errors, "CPJIT_GDB=" + std::string(gdb) + ": expected 1 or 0");
  }
  return errors.empty() ? ok_status() : make_error(ErrorCode::kUnsupported, errors);
}

Status make_observers(const ObserverConfig &config, std::unique_ptr<TraceObserver> &out) {
  out.reset();
  if (!config.any()) return ok_status();
  std::vector<std::unique_ptr<TraceObserver>> list;
  std::string errors;

  if (!config.dump_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(config.dump_dir, ec);
    if (ec) append(errors, "CPJIT_DUMP: cannot create " + config.dump_dir + ": " + ec.message());
    else list.push_back(std::make_unique<DumpDirObserver>(config.dump_dir));
  }
  if (config.perf_map) {
    std::unique_ptr<PerfMapObserver> o;
    Status s = PerfMapObserver::create(PerfMapObserver::default_path(), o);
    if (s.ok()) list.push_back(std::move(o));
    else append(errors, "CPJIT_PERF=map: " + s.message());
  }
  if (config.jitdump) {
    std::unique_ptr<JitdumpObserver> o;
    Status s = JitdumpObserver::create(config.jitdump_dir, o);
    if (s.ok()) list.push_back(std::move(o));
    else append(errors, "CPJIT_PERF=jitdump: " + s.message());
  }
  if (config.gdb) {
    std::unique_ptr<GdbJitObserver> o;
    Status s = GdbJitObserver::create(o);
    if (s.ok()) list.push_back(std::move(o));
    else append(errors, "CPJIT_GDB: " + s.message());
  }

  if (list.size() == 1) out = std::move(list.front());
  else if (!list.empty()) out = std::make_unique<ObserverList>(std::move(list));
  return errors.empty() ? ok_status() : make_error(ErrorCode::kSystem, errors);
}

Status observers_from_environment(std::unique_ptr<TraceObserver> &out, GetEnv getenv_fn, ObserverConfig *config_out) {
  out.reset();
  ObserverConfig config;
  Status parsed = config_from_environment(config, getenv_fn);
  Status built = make_observers(config, out);
  if (config_out != nullptr) *config_out = config;
  if (!parsed.ok() && !built.ok()) return make_error(ErrorCode::kUnsupported, parsed.message() + "; " + built.message());
  return parsed.ok() ? built : parsed;
}

}  // namespace cpjit::jit::observe
