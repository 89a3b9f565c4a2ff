// cpjit-lua: embedding interface.
//
//   cpjit::lua::State* L = cpjit::lua::open();          // interpreter + standard library
//   cpjit::lua::set_args(L, argc, argv, script_index);  // optional: the global 'arg'
//   if (cpjit::lua::run_file(L, "script.lua") != cpjit::lua::kOk)
//     fprintf(stderr, "%s\n", cpjit::lua::last_error(L).c_str());
//   cpjit::lua::close(L);
//
// Nothing here throws: Lua errors (including "not enough memory" and "stack overflow") come
// back as a status plus a message with a traceback. The value layout and the interpreter's
// resumable state, which a JIT needs, are documented in src/value.h and src/vm.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cpjit::lua {

struct State;

// Result of loading or running code.
enum Status : int {
  kOk = 0,
  kErrRun = 2,     // runtime error
  kErrSyntax = 3,  // lexical or syntax error while compiling
  kErrMem = 4,     // allocation failed or the heap limit was reached
  kErrErr = 5,     // error while running the message handler
};

// Creates an interpreter with the standard library. heap_limit: bytes the Lua heap may use
// before allocations fail with "not enough memory" (0: the default, 3 GiB). Null on failure.
State* open(size_t heap_limit = 0);
void close(State* L);

// Fills the global 'arg' the way lua5.4 does: argv[script_index] is arg[0], the following
// ones arg[1..], the preceding ones negative indices. script_index may equal argc (no script).
void set_args(State* L, int argc, char** argv, int script_index);

// Compiles and runs a chunk; extra arguments become the chunk's '...'. The chunk name follows
// lua5.4: run_file uses "@path", run_string the given name ("=(command line)").
Status run_file(State* L, const char* path, int nargs = 0, const char* const* args = nullptr);
Status run_string(State* L, std::string_view code, const char* chunkname);
Status run_stdin(State* L, int nargs = 0, const char* const* args = nullptr);

// Compiles without running (the fuzz targets' entry point).
Status compile_only(State* L, const char* code, size_t len, const char* chunkname);

// Message of the last failure: "file.lua:3: message" followed by "\nstack traceback:..." for
// runtime errors.
const std::string& last_error(State* L);

const char* version();

}  // namespace cpjit::lua
