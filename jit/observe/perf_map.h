// perf map: /tmp/perf-<pid>.map, the symbol table perf reads for anonymous executable memory.
//
// One line per symbol, "<start hex> <size hex> <name>\n" (perf's tools/perf/Documentation/
// jit-interface.txt). Per compiled trace: one line per uop ("trace3:ADD") and per trap, exit
// stub, data and pool range (names from code_ranges()), so the lines of a trace tile it. There
// is deliberately no line for the whole trace: perf resolves overlapping entries arbitrarily,
// and with one (perf 6.1) the samples of a trace's first uop were reported as "trace3" instead
// of "trace3:SWITCH". Per-trace totals are the sum of the trace3:* lines (`perf report
// --sort sym` and a grep, or the jitdump, whose later records do override earlier ones).
//
// perf reads the map only for memory it considers anonymous ("//anon", /dev/zero): code
// memory with WxStrategy::kDualMapping is a memfd, whose samples perf attributes to the memfd
// instead, so the map needs WxStrategy::kMprotect (ObserverConfig::needs_private_code_memory).
// jitdump works with either strategy.
// The lines of a trace go out in one append-mode write(), so concurrent writers in one
// process or several never interleave a trace's lines. perf maps cannot say that code went
// away: a later trace at the same address adds lines, and perf may show either name for it;
// use jitdump when traces are freed and recompiled often.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "observer.h"

namespace cpjit::jit::observe {

// The lines written for one trace.
std::string perf_map_lines(const TraceDump &dump, std::string_view trace);

class PerfMapObserver final : public TraceObserver {
 public:
  // "/tmp/perf-<pid>.map": the only place perf looks.
  static std::string default_path();
  // Opens `path` for appending (created if missing). kSystem when it cannot be opened.
  static Status create(const std::string &path, std::unique_ptr<PerfMapObserver> &out);
  ~PerfMapObserver() override;

  Status trace_compiled(uint64_t trace_id, const TraceDump &dump) override;
  Status trace_freed(uint64_t trace_id, uint64_t address, size_t size) override;
  Status code_installed(std::string_view name, uint64_t address, std::span<const uint8_t> bytes) override;
  const std::string &path() const { return path_; }

 private:
  PerfMapObserver(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  Status append(const std::string &text);

  const std::string path_;
  const int fd_;
};

}  // namespace cpjit::jit::observe
