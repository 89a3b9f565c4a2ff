// Running clang: one process, or many at once with a bound on how many run together.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace cpjit::gen {

struct ProcessResult {
  int exit_code = -1;  // -1 when the process could not start or was killed by a signal
  std::string output;  // stdout and stderr, interleaved
};

ProcessResult run_process(const std::vector<std::string> &argv);

// Runs every job, at most `max_jobs` at a time. `on_done(index)` is called as each finishes.
std::vector<ProcessResult> run_processes(const std::vector<std::vector<std::string>> &jobs, unsigned max_jobs,
                                         const std::function<void(size_t)> &on_done = {});

// "a b 'c d'": a command line for messages.
std::string quote_command(const std::vector<std::string> &argv);

}  // namespace cpjit::gen
