// Support for builtins (the standard library) and the library entry points.
//
// A builtin receives its arguments in L->ci->func + 1 .. L->top, pushes its results and
// returns how many it pushed. It may push kMinCStack values without check_stack().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "object.h"
#include "state.h"
#include "str.h"
#include "table.h"
#include "vm.h"

namespace cpjit::lua {

struct LibFunc {
  const char* name;
  CFunction func;
};

void open_libs(State* L);
void open_base(State* L);
void open_string(State* L);
void open_table(State* L);
void open_math(State* L);
void open_io(State* L);
void open_os(State* L);
void open_debug(State* L);

// Sets fields of t from a null-terminated list; 'prefix' ("string.") names them in messages
// and tracebacks (null: no name, for functions no loaded library holds).
void set_funcs(State* L, Table* t, const LibFunc* funcs, const char* prefix);
Table* new_lib(State* L, const char* name, const LibFunc* funcs);

// next(); the interpreter steps pairs() loops over plain tables without calling it.
int base_next(State* L);
// The iterator ipairs() returns (tier 2 steps it inline).
int ipairs_aux(State* L);
// string.sub's and string.byte's positions (tier 2 computes them too): a start position,
// negative counting from the end, clamped to 1; an end position clamped to [0, len].
inline size_t pos_start(int64_t pos, size_t len) {
  if (pos > 0) return static_cast<size_t>(pos);
  if (pos == 0) return 1;
  if (pos < -static_cast<int64_t>(len)) return 1;
  return len + static_cast<size_t>(pos) + 1;
}
inline size_t pos_end(int64_t pos, size_t len) {
  if (pos > static_cast<int64_t>(len)) return len;
  if (pos >= 0) return static_cast<size_t>(pos);
  if (pos < -static_cast<int64_t>(len)) return 0;
  return len + static_cast<size_t>(pos) + 1;
}

// --- arguments (1-based) -----------------------------------------------------------------

inline Value* args_base(State* L) { return L->ci->func + 1; }
inline int nargs(State* L) { return static_cast<int>(L->top - args_base(L)); }
inline const Value& arg(State* L, int i) {
  return i <= nargs(L) ? args_base(L)[i - 1] : kNilValue;
}
inline bool arg_none(State* L, int i) { return i > nargs(L); }
inline bool arg_none_or_nil(State* L, int i) { return i > nargs(L) || args_base(L)[i - 1].is_nil(); }

[[noreturn]] void arg_error(State* L, int i, const char* msg);
[[noreturn]] void type_arg_error(State* L, int i, const char* expected);

void check_any(State* L, int i);
int64_t check_integer(State* L, int i);
int64_t opt_integer(State* L, int i, int64_t def);
double check_number(State* L, int i);
double opt_number(State* L, int i, double def);
Value check_number_value(State* L, int i);  // int or float as given
// A string argument (numbers are converted in place, as lua5.4 does).
String* check_string(State* L, int i);
String* opt_string(State* L, int i, String* def);
Table* check_table(State* L, int i);
// Name of the running builtin for messages ("insert", or "table.insert" when called
// anonymously).
std::string builtin_name(State* L);

// --- results -----------------------------------------------------------------------------

inline int push_nil(State* L) { set_nil(L->top++); return 1; }
inline int push_bool(State* L, bool b) { set_bool(L->top, b); L->top++; return 1; }
inline int push_int(State* L, int64_t i) { set_int(L->top++, i); return 1; }
inline int push_float(State* L, double d) { set_float(L->top++, d); return 1; }
inline int push_str(State* L, std::string_view s) {
  *L->top++ = Value::string(str_new(L, s));
  return 1;
}
inline int push_value(State* L, const Value& v) { *L->top++ = v; return 1; }
// Pushes nil, message (and errno) like luaL_fileresult.
int push_fail(State* L, const std::string& msg, int err);

// Reads a whole file (path null: standard input). False with an error message on failure.
bool read_file(const char* path, std::string* out, std::string* err);

}  // namespace cpjit::lua
