// cpjit-lua: the command-line interpreter.
//
//   cpjit-lua [options] [script [args...]]
//     -e code   run 'code' (chunk name "(command line)")
//     -v        print the version
//     -         run the standard input (as does giving no script at all)
//     --        stop handling options
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cpjit_lua/cpjit_lua.h"

namespace {

const char* const kProgName = "cpjit-lua";

void usage() {
  std::fprintf(stderr,
               "usage: %s [options] [script [args]]\n"
               "Available options are:\n"
               "  -e stat   execute string 'stat'\n"
               "  -v        show version information\n"
               "  --        stop handling options\n"
               "  -         stop handling options and execute stdin\n",
               kProgName);
}

int report(cpjit::lua::State* L, cpjit::lua::Status st) {
  if (st == cpjit::lua::kOk) return 0;
  std::fflush(stdout);
  std::fprintf(stderr, "%s: %s\n", kProgName, cpjit::lua::last_error(L).c_str());
  std::fflush(stderr);
  return 1;
}

size_t heap_limit_from_env() {
  const char* s = std::getenv("CPJIT_LUA_HEAP_LIMIT_MB");
  if (s == nullptr) return 0;
  long long mb = std::atoll(s);
  return mb > 0 ? static_cast<size_t>(mb) << 20 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  int script = argc;  // index of the script argument (argc: none)
  bool has_e = false;
  bool has_v = false;
  bool use_stdin = false;
  for (int i = 1; i < argc; i++) {
    const char* a = argv[i];
    if (a[0] != '-') {
      script = i;
      break;
    }
    if (std::strcmp(a, "--") == 0) {
      script = i + 1 < argc ? i + 1 : argc;
      break;
    }
    if (std::strcmp(a, "-") == 0) {
      script = i;
      use_stdin = true;
      break;
    }
    if (std::strcmp(a, "-v") == 0) {
      has_v = true;
    } else if (std::strncmp(a, "-e", 2) == 0) {
      has_e = true;
      if (a[2] == '\0') {
        if (++i >= argc) {
          usage();
          return 1;
        }
      }
    } else {
      std::fprintf(stderr, "%s: unrecognized option '%s'\n", kProgName, a);
      usage();
      return 1;
    }
  }

  if (has_v) std::printf("%s\n", cpjit::lua::version());

  cpjit::lua::State* L = cpjit::lua::open(heap_limit_from_env());
  if (L == nullptr) {
    std::fprintf(stderr, "%s: cannot create state: not enough memory\n", kProgName);
    return 1;
  }
  cpjit::lua::set_args(L, argc, argv, script < argc ? script : 0);

  // -e chunks run in order, before the script.
  for (int i = 1; i < script; i++) {
    const char* a = argv[i];
    if (std::strncmp(a, "-e", 2) != 0) continue;
    const char* code = a[2] ? a + 2 : argv[++i];
    int rc = report(L, cpjit::lua::run_string(L, code, "=(command line)"));
    if (rc != 0) {
      cpjit::lua::close(L);
      return rc;
    }
  }

  int rc = 0;
  if (script < argc) {
    int nargs = argc - script - 1;
    const char* const* args = argv + script + 1;
    if (use_stdin) rc = report(L, cpjit::lua::run_stdin(L, nargs, args));
    else rc = report(L, cpjit::lua::run_file(L, argv[script], nargs, args));
  } else if (!has_e && !has_v) {
    rc = report(L, cpjit::lua::run_stdin(L));
  }
  std::fflush(stdout);
  cpjit::lua::close(L);
  return rc;
}
