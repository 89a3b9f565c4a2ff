// The embedding interface (include/cpjit_lua/cpjit_lua.h).
#include <cstdio>
#include <new>

#include "compiler.h"
#include "func.h"
#include "gc.h"
#include "lib.h"
#include "state.h"
#include "vm.h"
#include "lua_jit.h"

namespace cpjit::lua {

namespace {

// Message handler for top-level runs: turns any error object into a message and appends the
// traceback of the point where the error was raised.
int message_handler(State* L) {
  const Value& err = arg(L, 1);
  std::string msg;
  if (err.is_string()) {
    msg.assign(err.s->data, err.s->len);
  } else if (err.is_number()) {
    char buf[64];
    msg.assign(buf, static_cast<size_t>(number_to_chars(err, buf)));
  } else if (get_tm(L, err, kTMToString) != nullptr) {
    String* s = to_display_string(L, err);
    msg.assign(s->data, s->len);
  } else {
    msg = format("(error object is a %s value)", obj_type_name(L, err));
  }
  std::string tb = traceback(L, msg.c_str(), 1);
  return push_str(L, tb);
}

std::string error_text(State* L, const Value& v) {
  if (v.is_string()) return std::string(v.s->data, v.s->len);
  if (v.is_number()) {
    char buf[64];
    return std::string(buf, static_cast<size_t>(number_to_chars(v, buf)));
  }
  return format("(error object is a %s value)", type_name(v.tag));
}

// Runs the closure at L->top - 1 - nargs with a traceback-producing handler.
Status run_protected(State* L, Value* func) {
  Value handler = Value::cfunction(message_handler);
  Status st = pcall(L, func, 0, &handler);
  if (st != kOk) {
    L->last_error = error_text(L, *func);
    L->top = func;
  }
  return st;
}

Status load_and_run(State* L, const std::string& code, const char* chunkname, int nargs,
                    const char* const* args) {
  L->top = L->base_ci.base;
  L->ci = &L->base_ci;
  LClosure* cl;
  try {
    cl = load_closure(L, code.data(), code.size(), chunkname);
  } catch (LuaError& e) {
    L->last_error = error_text(L, L->errval);
    set_nil(&L->errval);
    return e.status;
  } catch (std::bad_alloc&) {
    L->last_error = "not enough memory";
    return kErrMem;
  }
  Value* func = L->top;
  *L->top++ = Value::lclosure(cl);
  try {
    for (int i = 0; i < nargs; i++) {
      check_stack(L, 1);
      *L->top++ = Value::string(str_new(L, args[i]));
    }
  } catch (LuaError& e) {
    L->last_error = error_text(L, L->errval);
    set_nil(&L->errval);
    L->top = func;
    return e.status;
  }
  return run_protected(L, func);
}

}  // namespace

const char* version() { return "cpjit-lua 0.1 (Lua 5.4)"; }

State* open(size_t heap_limit) {
  State* L = state_new(heap_limit);
  if (L == nullptr) return nullptr;
  try {
    open_libs(L);
  } catch (...) {
    state_close(L);
    return nullptr;
  }
  L->jit = jit_open(L);  // after the libraries: it looks up the builtins it can inline
  return L;
}

void close(State* L) { state_close(L); }

void set_args(State* L, int argc, char** argv, int script_index) {
  try {
    Table* t = table_new(L, static_cast<uint32_t>(argc > script_index ? argc - script_index : 0), 4);
    for (int i = 0; i < argc; i++) {
      table_set_int(L, t, i - script_index, Value::string(str_new(L, argv[i])));
    }
    table_set_str(L, L->globals, str_new(L, "arg"), Value::table(t));
  } catch (...) {
    L->last_error = "not enough memory";
  }
}

Status run_file(State* L, const char* path, int nargs, const char* const* args) {
  std::string code, err;
  if (!read_file(path, &code, &err)) {
    L->last_error = err;
    return kErrRun;
  }
  return load_and_run(L, code, (std::string("@") + path).c_str(), nargs, args);
}

Status run_stdin(State* L, int nargs, const char* const* args) {
  std::string code, err;
  if (!read_file(nullptr, &code, &err)) {
    L->last_error = err;
    return kErrRun;
  }
  return load_and_run(L, code, "=stdin", nargs, args);
}

Status run_string(State* L, std::string_view code, const char* chunkname) {
  return load_and_run(L, std::string(code), chunkname, 0, nullptr);
}

Status compile_only(State* L, const char* code, size_t len, const char* chunkname) {
  Status st = kOk;
  try {
    load_proto(L, code, len, chunkname);
  } catch (LuaError& e) {
    L->last_error = error_text(L, L->errval);
    set_nil(&L->errval);
    st = e.status;
  } catch (std::bad_alloc&) {
    L->last_error = "not enough memory";
    st = kErrMem;
  }
  // Nothing compiled here is rooted: collect it now so repeated calls stay bounded.
  L->top = L->base_ci.base;
  gc_collect(L);
  return st;
}

const std::string& last_error(State* L) { return L->last_error; }

}  // namespace cpjit::lua
