#include "process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

extern char **environ;

namespace cpjit::gen {

namespace {

struct Running {
  pid_t pid = -1;
  int output_fd = -1;  // an unlinked temporary file receiving stdout and stderr
};

std::string read_all(int fd) {
  std::string out;
  if (lseek(fd, 0, SEEK_SET) < 0) return out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

bool start(const std::vector<std::string> &argv, Running &r, std::string &error) {
  const char *tmpdir = std::getenv("TMPDIR");
  std::string pattern = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/cpjit-out-XXXXXX";
  int fd = mkstemp(pattern.data());
  if (fd < 0) {
    error = "cannot create a temporary file: " + std::string(std::strerror(errno));
    return false;
  }
  unlink(pattern.c_str());
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fd, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char *> args;
  for (const std::string &a : argv) args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    close(fd);
    error = "cannot run " + argv[0] + ": " + std::strerror(rc);
    return false;
  }
  r.pid = pid;
  r.output_fd = fd;
  return true;
}

ProcessResult finish(Running &r, int status) {
  ProcessResult result;
  result.output = read_all(r.output_fd);
  close(r.output_fd);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (WIFSIGNALED(status)) result.output += "\n(killed by signal " + std::to_string(WTERMSIG(status)) + ")";
  return result;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string> &argv) { return run_processes({argv}, 1)[0]; }

std::vector<ProcessResult> run_processes(const std::vector<std::vector<std::string>> &jobs, unsigned max_jobs,
                                         const std::function<void(size_t)> &on_done) {
  std::vector<ProcessResult> results(jobs.size());
  std::map<pid_t, std::pair<size_t, Running>> running;
  size_t next = 0;
  if (max_jobs == 0) max_jobs = 1;
  while (next < jobs.size() || !running.empty()) {
    while (next < jobs.size() && running.size() < max_jobs) {
      Running r;
      std::string error;
      if (!start(jobs[next], r, error)) {
        results[next].output = error;
        if (on_done) on_done(next);
      } else {
        running.emplace(r.pid, std::make_pair(next, r));
      }
      ++next;
    }
    if (running.empty()) continue;
    int status = 0;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD: nothing left that we started
    }
    auto it = running.find(pid);
    if (it == running.end()) continue;
    results[it->second.first] = finish(it->second.second, status);
    if (on_done) on_done(it->second.first);
    running.erase(it);
  }
  return results;
}

std::string quote_command(const std::vector<std::string> &argv) {
  std::string out;
  for (const std::string &a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\"'\\$`*?;&|<>()") == std::string::npos;
    if (plain) {
      out += a;
    } else {
      out += '\'';
      for (char c : a) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
      out += '\'';
    }
  }
  return out;
}

}  // namespace cpjit::gen
