#include "lib.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "gc.h"

namespace cpjit::lua {

void set_funcs(State* L, Table* t, const LibFunc* funcs, const char* prefix) {
  for (const LibFunc* f = funcs; f->name; f++) {
    table_set_str(L, t, str_new(L, f->name), Value::cfunction(f->func));
    if (prefix) L->builtin_names[reinterpret_cast<const void*>(f->func)] = std::string(prefix) + f->name;
  }
}

Table* new_lib(State* L, const char* name, const LibFunc* funcs) {
  Table* t = table_new(L, 0, 32);
  table_set_str(L, L->globals, str_new(L, name), Value::table(t));
  std::string prefix = std::string(name) + ".";
  set_funcs(L, t, funcs, prefix.c_str());
  return t;
}

void open_libs(State* L) {
  open_base(L);
  open_string(L);
  open_table(L);
  open_math(L);
  open_io(L);
  open_os(L);
  open_debug(L);
}

std::string builtin_name(State* L) {
  const char* name = nullptr;
  const char* kind = function_name(L, L->ci, &name);
  if (kind && name) return name;
  const Value* f = L->ci->func;
  const void* key = f->tag == kTagCFunction ? reinterpret_cast<const void*>(f->f)
                                            : (f->tag == kTagCClosure ? reinterpret_cast<const void*>(f->ccl->f) : nullptr);
  auto it = L->builtin_names.find(key);
  if (it != L->builtin_names.end()) return it->second;
  return "?";
}

void arg_error(State* L, int i, const char* msg) {
  const char* name = nullptr;
  const char* kind = function_name(L, L->ci, &name);
  if (kind && std::strcmp(kind, "method") == 0) {
    i--;
    if (i == 0) lib_error(L, "calling '%s' on bad self (%s)", name, msg);
  }
  std::string fname = builtin_name(L);
  lib_error(L, "bad argument #%d to '%s' (%s)", i, fname.c_str(), msg);
}

void type_arg_error(State* L, int i, const char* expected) {
  const char* got;
  if (arg_none(L, i)) got = "no value";
  else got = obj_type_name(L, arg(L, i));
  std::string msg = format("%s expected, got %s", expected, got);
  arg_error(L, i, msg.c_str());
}

void check_any(State* L, int i) {
  if (arg_none(L, i)) arg_error(L, i, "value expected");
}

int64_t check_integer(State* L, int i) {
  const Value& v = arg(L, i);
  if (v.is_int()) return v.i;
  int64_t r;
  if (v.is_float()) {
    if (float_to_integer(v.n, &r)) return r;
    arg_error(L, i, "number has no integer representation");
  }
  Value n;
  if (v.is_string() && str_to_number(v.s->data, v.s->len, &n)) {
    if (number_to_integer(n, &r)) return r;
    arg_error(L, i, "number has no integer representation");
  }
  type_arg_error(L, i, "number");
}

int64_t opt_integer(State* L, int i, int64_t def) {
  if (arg_none_or_nil(L, i)) return def;
  return check_integer(L, i);
}

Value check_number_value(State* L, int i) {
  const Value& v = arg(L, i);
  if (v.is_number()) return v;
  Value n;
  // A numeric string is not an integer argument (lua_isinteger is false for it): it counts
  // as a float, so math.abs("10") is 10.0 as in lua5.4.
  if (v.is_string() && str_to_number(v.s->data, v.s->len, &n)) return Value::number(to_double(n));
  type_arg_error(L, i, "number");
}

double check_number(State* L, int i) { return to_double(check_number_value(L, i)); }

double opt_number(State* L, int i, double def) {
  if (arg_none_or_nil(L, i)) return def;
  return check_number(L, i);
}

String* check_string(State* L, int i) {
  if (i <= nargs(L)) {
    Value* v = args_base(L) + i - 1;
    if (v->is_string()) return v->s;
    if (v->is_number()) {
      *v = Value::string(number_to_string(L, *v));
      return v->s;
    }
  }
  type_arg_error(L, i, "string");
}

String* opt_string(State* L, int i, String* def) {
  if (arg_none_or_nil(L, i)) return def;
  return check_string(L, i);
}

Table* check_table(State* L, int i) {
  const Value& v = arg(L, i);
  if (v.is_table()) return v.t;
  type_arg_error(L, i, "table");
}

int push_fail(State* L, const std::string& msg, int err) {
  push_nil(L);
  push_str(L, msg);
  push_int(L, err);
  return 3;
}

bool read_file(const char* path, std::string* out, std::string* err) {
  FILE* f = path ? std::fopen(path, "rb") : stdin;
  if (f == nullptr) {
    *err = format("cannot open %s: %s", path, std::strerror(errno));
    return false;
  }
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
  bool failed = std::ferror(f);
  if (path) std::fclose(f);
  if (failed) {
    *err = format("cannot read %s: %s", path ? path : "stdin", std::strerror(errno));
    return false;
  }
  return true;
}

}  // namespace cpjit::lua
