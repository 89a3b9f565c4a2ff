// The basic library: print, type, tostring, pcall, load, ...
#include <cstdio>
#include <cstring>

#include "compiler.h"
#include "func.h"
#include "gc.h"
#include "lib.h"

namespace cpjit::lua {

namespace {

int base_print(State* L) {
  int n = nargs(L);
  Value* args = args_base(L);
  for (int i = 0; i < n; i++) {
    String* s = to_display_string(L, args[i]);
    if (i > 0) std::fputc('\t', stdout);
    std::fwrite(s->data, 1, s->len, stdout);
    L->top--;
  }
  std::fputc('\n', stdout);
  return 0;
}

int base_type(State* L) {
  check_any(L, 1);
  return push_value(L, Value::string(L->type_names[arg(L, 1).tag]));
}

int base_tostring(State* L) {
  check_any(L, 1);
  to_display_string(L, arg(L, 1));
  return 1;
}

int base_tonumber(State* L) {
  if (arg_none_or_nil(L, 2)) {
    const Value& v = arg(L, 1);
    if (v.is_number()) return push_value(L, v);
    Value n;
    if (v.is_string() && str_to_number(v.s->data, v.s->len, &n)) return push_value(L, n);
    check_any(L, 1);
    return push_nil(L);
  }
  int64_t base = check_integer(L, 2);
  const Value& v = arg(L, 1);
  if (!v.is_string()) type_arg_error(L, 1, "string");
  if (base < 2 || base > 36) arg_error(L, 2, "base out of range");
  const char* s = v.s->data;
  const char* end = s + v.s->len;
  auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (s < end && space(*s)) s++;
  bool neg = false;
  if (s < end && *s == '-') {
    neg = true;
    s++;
  }
  uint64_t n = 0;
  bool any = false;
  while (s < end) {
    char c = *s;
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'z') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'Z') d = c - 'A' + 10;
    else break;
    if (d >= base) break;
    n = n * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    any = true;
    s++;
  }
  while (s < end && space(*s)) s++;
  if (!any || s != end) return push_nil(L);
  return push_int(L, static_cast<int64_t>(neg ? 0 - n : n));
}

int base_ipairs(State* L) {
  check_any(L, 1);
  push_value(L, Value::cfunction(ipairs_aux));
  push_value(L, arg(L, 1));
  push_int(L, 0);
  return 3;
}

int base_pairs(State* L) {
  check_any(L, 1);
  const Value* tm = get_tm(L, arg(L, 1), kTMPairs);
  if (tm == nullptr) {
    push_value(L, Value::cfunction(base_next));
    push_value(L, arg(L, 1));
    push_nil(L);
    return 3;
  }
  Value* f = L->top;
  f[0] = *tm;
  f[1] = arg(L, 1);
  L->top = f + 2;
  call(L, f, 3);
  return 3;
}

int base_select(State* L) {
  int n = nargs(L);
  const Value& a = arg(L, 1);
  if (a.is_string() && a.s->data[0] == '#') return push_int(L, n - 1);  // as lua5.4: "#..." 
  int64_t i = check_integer(L, 1);
  if (i < 0) i = n + i;
  else if (i > n) i = n;
  if (i < 1) arg_error(L, 1, "index out of range");
  return n - static_cast<int>(i);
}

int base_rawget(State* L) {
  Table* t = check_table(L, 1);
  check_any(L, 2);
  return push_value(L, *table_get(t, arg(L, 2)));
}

int base_rawset(State* L) {
  Table* t = check_table(L, 1);
  check_any(L, 2);
  check_any(L, 3);
  table_set(L, t, arg(L, 2), arg(L, 3));
  return push_value(L, arg(L, 1));
}

int base_rawequal(State* L) {
  check_any(L, 1);
  check_any(L, 2);
  return push_bool(L, raw_equal(arg(L, 1), arg(L, 2)));
}

int base_rawlen(State* L) {
  const Value& v = arg(L, 1);
  if (v.is_table()) return push_int(L, table_length(v.t));
  if (v.is_string()) return push_int(L, static_cast<int64_t>(v.s->len));
  type_arg_error(L, 1, "table or string");
}

int base_setmetatable(State* L) {
  Table* t = check_table(L, 1);
  const Value& mt = arg(L, 2);
  if (!mt.is_nil() && !mt.is_table()) type_arg_error(L, 2, "nil or table");
  if (t->meta && !table_get_short_str(t->meta, L->tm_names[kTMMetatable])->is_nil())
    lib_error(L, "cannot change a protected metatable");
  table_note_store(L, t);
  gc_barrier(L, t, mt);
  t->meta = mt.is_nil() ? nullptr : mt.t;
  return push_value(L, arg(L, 1));
}

int base_getmetatable(State* L) {
  check_any(L, 1);
  Table* mt = get_metatable(L, arg(L, 1));
  if (mt == nullptr) return push_nil(L);
  const Value* protect = table_get_short_str(mt, L->tm_names[kTMMetatable]);
  if (!protect->is_nil()) return push_value(L, *protect);
  return push_value(L, Value::table(mt));
}

int base_assert(State* L) {
  if (!arg(L, 1).is_falsy()) return nargs(L);
  check_any(L, 1);
  if (nargs(L) >= 2) throw_value(L, arg(L, 2));
  lib_error(L, "assertion failed!");
}

int base_error(State* L) {
  int64_t level = opt_integer(L, 2, 1);
  Value v = arg(L, 1);
  if (v.is_string() && level > 0) {
    std::string msg = where(L, static_cast<int>(level)) + std::string(str_view(v.s));
    v = Value::string(str_new(L, msg));
  }
  throw_value(L, v);
}

int base_pcall(State* L) {
  check_any(L, 1);
  // Make room for the status below the function: results then land right after it.
  check_stack(L, 1);
  Value* base = args_base(L);
  for (Value* p = L->top; p > base; p--) *p = p[-1];
  L->top++;
  Status st = pcall(L, base + 1, -1);
  if (st == kOk) {
    set_bool(base, true);
    return static_cast<int>(L->top - base);
  }
  set_bool(base, false);
  L->top = base + 2;
  return 2;
}

int base_xpcall(State* L) {
  if (nargs(L) < 2) check_any(L, 2);
  Value* base = args_base(L);
  Value f = base[0];
  base[0] = base[1];  // the handler stays rooted in the first slot
  base[1] = f;
  Status st = pcall(L, base + 1, -1, base);
  if (st == kOk) {
    set_bool(base, true);
    return static_cast<int>(L->top - base);
  }
  set_bool(base, false);
  L->top = base + 2;
  return 2;
}

int load_from(State* L, const std::string& code, const char* chunkname, const char* mode,
              const Value* env) {
  if (!code.empty() && code[0] == '\x1b') {
    // Precompiled chunks are not supported; say so the way lua5.4 reports unusable ones.
    push_nil(L);
    if (std::strchr(mode, 'b') == nullptr) {
      push_str(L, format("attempt to load a binary chunk (mode is '%s')", mode));
    } else {
      const char* name = chunkname[0] == '=' || chunkname[0] == '@' ? chunkname + 1
                         : chunkname[0] == '\x1b'                   ? "binary string"
                                                                    : chunkname;
      push_str(L, format("%s: bad binary format (precompiled chunks are not supported)", name));
    }
    return 2;
  }
  try {
    LClosure* cl = load_closure(L, code.data(), code.size(), chunkname);
    if (env && cl->nupvals > 0) {
      gc_barrier(L, cl->upvals[0], *env);
      cl->upvals[0]->closed = *env;
    }
    push_value(L, Value::lclosure(cl));
    return 1;
  } catch (LuaError&) {
    Value err = L->errval;
    set_nil(&L->errval);
    push_nil(L);
    push_value(L, err);
    return 2;
  }
}

int base_load(State* L) {
  const Value& chunk = arg(L, 1);
  std::string code;
  std::string name;
  if (chunk.is_string()) {
    code.assign(chunk.s->data, chunk.s->len);
    String* cn = opt_string(L, 2, chunk.s);
    name.assign(cn->data, cn->len);
  } else if (chunk.is_function()) {
    String* cn = opt_string(L, 2, nullptr);
    name = cn ? std::string(cn->data, cn->len) : "=(load)";
    // Collect the pieces first: compiling while the reader runs Lua code would leave the
    // compiler's objects unrooted across collections. Reader errors are load's result.
    for (;;) {
      check_stack(L, 2);
      Value* f = L->top;
      f[0] = chunk;
      L->top = f + 1;
      Status st = pcall(L, f, 1);
      Value piece = *f;
      L->top = f;
      if (st != kOk) {
        push_nil(L);
        push_value(L, piece);
        return 2;
      }
      if (piece.is_nil()) break;
      if (piece.is_number()) to_string_inplace(L, &piece);
      if (!piece.is_string()) {
        push_nil(L);
        push_str(L, "reader function must return a string");
        return 2;
      }
      if (piece.s->len == 0) break;
      code.append(piece.s->data, piece.s->len);
    }
  } else {
    type_arg_error(L, 1, "string");
  }
  String* mode = opt_string(L, 3, nullptr);
  const char* m = mode ? mode->data : "bt";
  if (!(code.size() > 0 && code[0] == '\x1b') && std::strchr(m, 't') == nullptr) {
    push_nil(L);
    push_str(L, format("attempt to load a text chunk (mode is '%s')", m));
    return 2;
  }
  Value env = arg(L, 4);
  return load_from(L, code, name.c_str(), m, arg_none(L, 4) ? nullptr : &env);
}

int base_dofile(State* L) {
  String* fname = opt_string(L, 1, nullptr);
  std::string code, err;
  if (!read_file(fname ? fname->data : nullptr, &code, &err)) lib_error(L, "%s", err.c_str());
  std::string chunkname = fname ? "@" + std::string(fname->data) : "=stdin";
  LClosure* cl = load_closure(L, code.data(), code.size(), chunkname.c_str());
  L->top = args_base(L);
  Value* f = L->top;
  push_value(L, Value::lclosure(cl));
  call(L, f, -1);
  return static_cast<int>(L->top - f);
}

int base_collectgarbage(State* L) {
  static const char* const kOptions[] = {"collect", "stop", "restart", "count", "step",
                                         "setpause", "setstepmul", "isrunning", "generational",
                                         "incremental", nullptr};
  String* opt = opt_string(L, 1, nullptr);
  const char* o = opt ? opt->data : "collect";
  int which = -1;
  for (int i = 0; kOptions[i]; i++)
    if (std::strcmp(o, kOptions[i]) == 0) which = i;
  switch (which) {
    case 0:
      gc_collect(L);
      return push_int(L, 0);
    case 1:
      L->heap.stopped = true;
      L->heap.threshold = static_cast<size_t>(-1);
      return push_int(L, 0);
    case 2:
      L->heap.stopped = false;
      L->heap.threshold = L->heap.total;
      return push_int(L, 0);
    case 3: return push_float(L, static_cast<double>(L->heap.total) / 1024.0);
    case 4:  // the collection that is due now: in generational mode a minor one, as a rule
      gc_step(L);
      return push_bool(L, true);
    case 5: {
      int old = L->heap.pause;
      L->heap.pause = static_cast<int>(opt_integer(L, 2, 200));
      if (L->heap.pause < 100) L->heap.pause = 100;
      return push_int(L, old);
    }
    case 6: return push_int(L, 100);
    case 7: return push_bool(L, !L->heap.stopped);
    case 8:
    case 9: {
      const char* previous = L->heap.generational ? "generational" : "incremental";
      gc_set_generational(L, which == 8);
      return push_str(L, previous);
    }
    default: {
      std::string msg = format("invalid option '%s'", o);
      arg_error(L, 1, msg.c_str());
    }
  }
}

const LibFunc kBaseFuncs[] = {
    {"print", base_print},
    {"type", base_type},
    {"tostring", base_tostring},
    {"tonumber", base_tonumber},
    {"ipairs", base_ipairs},
    {"pairs", base_pairs},
    {"next", base_next},
    {"select", base_select},
    {"rawget", base_rawget},
    {"rawset", base_rawset},
    {"rawequal", base_rawequal},
    {"rawlen", base_rawlen},
    {"setmetatable", base_setmetatable},
    {"getmetatable", base_getmetatable},
    {"assert", base_assert},
    {"error", base_error},
    {"pcall", base_pcall},
    {"xpcall", base_xpcall},
    {"load", base_load},
    {"dofile", base_dofile},
    {"collectgarbage", base_collectgarbage},
    {nullptr, nullptr},
};

}  // namespace

int ipairs_aux(State* L) {
  int64_t i = check_integer(L, 2);
  i = int_add(i, 1);
  Value key = Value::integer(i);
  const Value& t = arg(L, 1);
  Value v;
  if (t.is_table() && (t.t->meta == nullptr)) {
    v = *table_get_int_fast(t.t, i);
  } else {
    index_slow(L, &t, &key, &v);
  }
  if (v.is_nil()) return push_nil(L);
  push_int(L, i);
  push_value(L, v);
  return 2;
}

int base_next(State* L) {
  Table* t = check_table(L, 1);
  Value key = arg(L, 2);
  Value val;
  if (table_next(L, t, &key, &val)) {
    push_value(L, key);
    push_value(L, val);
    return 2;
  }
  return push_nil(L);
}

void open_base(State* L) {
  set_funcs(L, L->globals, kBaseFuncs, "");
  table_set_str(L, L->globals, str_new(L, "_G"), Value::table(L->globals));
  table_set_str(L, L->globals, str_new(L, "_VERSION"), Value::string(str_new(L, "Lua 5.4")));
  L->builtin_names[reinterpret_cast<const void*>(ipairs_aux)] = "ipairs_aux";
}

}  // namespace cpjit::lua
