// The table library. Element access honours __index/__newindex (as lua_geti/lua_seti do) but
// takes the raw path when the table has no metatable.
#include <climits>
#include <cstring>
#include <string>

#include "lib.h"

namespace cpjit::lua {

namespace {

Value get_i(State* L, const Value* t, int64_t i) {
  if (t->is_table() && t->t->meta == nullptr) return *table_get_int_fast(t->t, i);
  Value key = Value::integer(i);
  Value out;
  index_slow(L, t, &key, &out);
  return out;
}

void set_i(State* L, const Value* t, int64_t i, const Value& v) {
  if (t->is_table() && t->t->meta == nullptr) {
    table_set_int(L, t->t, i, v);
    return;
  }
  Value key = Value::integer(i);
  newindex_slow(L, t, &key, &v);
}

// #t with __len; the result must be an integer.
int64_t length_of(State* L, const Value* t) {
  if (t->is_table() && (t->t->meta == nullptr || get_tm(L, *t, kTMLen) == nullptr))
    return table_length(t->t);
  Value n;
  len_slow(L, t, &n);
  int64_t r;
  if (!number_to_integer(n, &r)) lib_error(L, "object length is not an integer");
  return r;
}

// A table, or something that behaves like one through its metatable.
const Value* check_tablelike(State* L, int i) {
  const Value& v = arg(L, i);
  if (v.is_table()) return &args_base(L)[i - 1];
  if (Table* mt = get_metatable(L, v)) {
    if (!table_get_short_str(mt, L->tm_names[kTMIndex])->is_nil() ||
        !table_get_short_str(mt, L->tm_names[kTMNewIndex])->is_nil() ||
        !table_get_short_str(mt, L->tm_names[kTMLen])->is_nil())
      return &args_base(L)[i - 1];
  }
  type_arg_error(L, i, "table");
}

int tinsert(State* L) {
  const Value* t = check_tablelike(L, 1);
  int64_t e = length_of(L, t);
  e = int_add(e, 1);  // first empty slot
  switch (nargs(L)) {
    case 2: {
      set_i(L, t, e, arg(L, 2));
      return 0;
    }
    case 3: {
      int64_t pos = check_integer(L, 2);
      if (static_cast<uint64_t>(pos) - 1u >= static_cast<uint64_t>(e))
        arg_error(L, 2, "position out of bounds");
      for (int64_t i = e; i > pos; i--) set_i(L, t, i, get_i(L, t, i - 1));
      set_i(L, t, pos, arg(L, 3));
      return 0;
    }
    default: lib_error(L, "wrong number of arguments to 'insert'");
  }
}

int tremove(State* L) {
  const Value* t = check_tablelike(L, 1);
  int64_t size = length_of(L, t);
  int64_t pos = opt_integer(L, 2, size);
  if (pos != size && static_cast<uint64_t>(pos) - 1u > static_cast<uint64_t>(size))
    arg_error(L, 1, "position out of bounds");  // lua5.4 names argument 1 here
  Value result = get_i(L, t, pos);
  push_value(L, result);
  for (; pos < size; pos++) set_i(L, t, pos, get_i(L, t, pos + 1));
  set_i(L, t, pos, Value::nil());
  return 1;
}

// table.concat's common case: a table without a metatable whose items i .. last are all
// strings in its array part. The result is measured first, then filled in one allocation
// (long results are not interned: no buffer in between). Null otherwise (the general loop).
String* concat_strings(State* L, const Value* tv, const String* sep, int64_t i, int64_t last) {
  if (!tv->is_table() || tv->t->meta != nullptr || i > last || i < 1) return nullptr;
  const Table* t = tv->t;
  if (static_cast<uint64_t>(last) > t->asize) return nullptr;
  const Value* items = t->array + (i - 1);
  const size_t n = static_cast<size_t>(last - i + 1);
  const size_t sep_len = sep ? sep->len : 0;
  if (sep_len == 0) {
    // Short results (a line of characters) in one pass through a buffer on the stack.
    char buf[256];
    size_t used = 0, k = 0;
    for (; k < n; k++) {
      if (!items[k].is_string()) return nullptr;
      const String* s = items[k].s;
      if (s->len > sizeof buf - used) break;
      if (s->len == 1) {
        buf[used++] = s->data[0];  // a character at a time: no call
      } else {
        std::memcpy(buf + used, s->data, s->len);
        used += s->len;
      }
    }
    if (k == n) return str_new(L, buf, used);
  }
  size_t len;
  if (__builtin_mul_overflow(sep_len, n - 1, &len)) return nullptr;
  for (size_t k = 0; k < n; k++) {
    if (!items[k].is_string() || __builtin_add_overflow(len, items[k].s->len, &len)) return nullptr;
  }
  char small[kMaxShortLen];
  String* long_result = len > kMaxShortLen ? str_new_uninit(L, len) : nullptr;
  char* out = long_result ? long_result->data : small;
  for (size_t k = 0; k < n; k++) {
    if (k > 0 && sep_len) {
      std::memcpy(out, sep->data, sep_len);
      out += sep_len;
    }
    std::memcpy(out, items[k].s->data, items[k].s->len);
    out += items[k].s->len;
  }
  return long_result ? long_result : str_new(L, small, len);
}

int tconcat(State* L) {
  const Value* t = check_tablelike(L, 1);
  String* sep = opt_string(L, 2, nullptr);
  int64_t i = opt_integer(L, 3, 1);
  int64_t last = arg_none_or_nil(L, 4) ? length_of(L, t) : check_integer(L, 4);
  if (String* s = concat_strings(L, t, sep, i, last)) {
    *L->top++ = Value::string(s);
    return 1;
  }
  std::string b;
  for (; i <= last; i++) {
    Value v = get_i(L, t, i);
    if (v.is_string()) {
      b.append(v.s->data, v.s->len);
    } else if (v.is_number()) {
      char buf[64];
      b.append(buf, static_cast<size_t>(number_to_chars(v, buf)));
    } else {
      lib_error(L, "invalid value (%s) at index %lld in table for 'concat'", type_name(v.tag),
                static_cast<long long>(i));
    }
    if (i != last && sep) b.append(sep->data, sep->len);
    if (i == INT64_MAX) break;
  }
  return push_str(L, b);
}

int tpack(State* L) {
  int n = nargs(L);
  Table* t = table_new(L, static_cast<uint32_t>(n), 1);
  Value* args = args_base(L);
  for (int i = 0; i < n; i++) t->array[i] = args[i];
  table_set_str(L, t, str_new(L, "n"), Value::integer(n));
  return push_value(L, Value::table(t));
}

int tunpack(State* L) {
  const Value* t = &args_base(L)[0];
  if (arg_none(L, 1)) type_arg_error(L, 1, "table");
  int64_t i = opt_integer(L, 2, 1);
  int64_t e = arg_none_or_nil(L, 3) ? length_of(L, t) : check_integer(L, 3);
  if (i > e) return 0;
  uint64_t n = static_cast<uint64_t>(e) - static_cast<uint64_t>(i);
  if (n >= static_cast<uint64_t>(INT_MAX) || L->top + n + 1 > L->stack_limit)
    lib_error(L, "too many results to unpack");
  check_stack(L, static_cast<int>(n) + 1);
  t = &args_base(L)[0];
  for (; i < e; i++) push_value(L, get_i(L, t, i));
  push_value(L, get_i(L, t, e));
  return static_cast<int>(n) + 1;
}

int tmove(State* L) {
  const Value* a1 = check_tablelike(L, 1);
  int64_t f = check_integer(L, 2);
  int64_t e = check_integer(L, 3);
  int64_t t = check_integer(L, 4);
  int tt = arg_none_or_nil(L, 5) ? 1 : 5;
  const Value* a2 = tt == 1 ? a1 : check_tablelike(L, 5);
  if (e >= f) {
    if (!(f > 0 || e < INT64_MAX + f)) arg_error(L, 3, "too many elements to move");
    int64_t n = e - f + 1;
    if (t > INT64_MAX - n + 1) arg_error(L, 4, "destination wrap around");
    if (t > e || t <= f || (tt != 1 && !raw_equal(*a1, *a2))) {
      for (int64_t i = 0; i < n; i++) set_i(L, a2, t + i, get_i(L, a1, f + i));
    } else {
      for (int64_t i = n - 1; i >= 0; i--) set_i(L, a2, t + i, get_i(L, a1, f + i));
    }
  }
  return push_value(L, *a2);
}

// --- sort ----------------------------------------------------------------------------------
// Quicksort with median-of-three pivots and insertion sort for short ranges. Values being
// compared stay reachable from the table or from the stack, since the comparison may run Lua
// code (and so the collector). An inconsistent comparison function cannot make the scans run
// off the range: that raises "invalid order function for sorting".

struct Sorter {
  State* L;
  const Value* t;
  Value comp;

  bool lt(const Value& a, const Value& b) {
    if (comp.is_nil()) {
      if (a.is_int() && b.is_int()) return a.i < b.i;
      if (a.is_string() && b.is_string()) return str_compare(a.s, b.s) < 0;
      return less_than(L, &a, &b);
    }
    Value* f = L->top;
    check_stack(L, 3);
    f[0] = comp;
    f[1] = a;
    f[2] = b;
    L->top = f + 3;
    call(L, f, 1);
    bool r = !f->is_falsy();
    L->top = f;
    return r;
  }

  Value get(int64_t i) { return get_i(L, t, i); }
  void set(int64_t i, const Value& v) { set_i(L, t, i, v); }
  void swap(int64_t i, int64_t j) {
    Value a = get(i), b = get(j);
    set(i, b);
    set(j, a);
  }

  void insertion(int64_t lo, int64_t hi) {
    for (int64_t i = lo + 1; i <= hi; i++) {
      check_stack(L, 1);
      Value* v = L->top++;  // rooted while it is out of the table
      *v = get(i);
      int64_t j = i - 1;
      while (j >= lo) {
        Value tj = get(j);
        if (!lt(*v, tj)) break;
        set(j + 1, tj);
        j--;
      }
      set(j + 1, *v);
      L->top--;
    }
  }

  void sort(int64_t lo, int64_t hi) {
    while (hi - lo >= 12) {
      int64_t mid = lo + (hi - lo) / 2;
      if (lt(get(mid), get(lo))) swap(mid, lo);
      if (lt(get(hi), get(mid))) {
        swap(hi, mid);
        if (lt(get(mid), get(lo))) swap(mid, lo);
      }
      // Pivot to hi - 1; lo and hi already bound the scans.
      swap(mid, hi - 1);
      check_stack(L, 1);
      Value* pivot = L->top++;
      *pivot = get(hi - 1);
      int64_t i = lo, j = hi - 1;
      for (;;) {
        while (lt(get(++i), *pivot)) {
          if (i >= hi) lib_error(L, "invalid order function for sorting");
        }
        while (lt(*pivot, get(--j))) {
          if (j <= lo) lib_error(L, "invalid order function for sorting");
        }
        if (j < i) break;
        swap(i, j);
      }
      swap(i, hi - 1);
      L->top--;
      // Recurse into the smaller part, loop on the larger one: the depth stays logarithmic.
      if (i - lo < hi - i) {
        sort(lo, i - 1);
        lo = i + 1;
      } else {
        sort(i + 1, hi);
        hi = i - 1;
      }
    }
    if (hi > lo) insertion(lo, hi);
  }
};

int tsort(State* L) {
  const Value* t = check_tablelike(L, 1);
  int64_t n = length_of(L, t);
  if (n > 1) {
    if (n >= INT_MAX) arg_error(L, 1, "array too big");
    Value comp = Value::nil();
    if (!arg_none_or_nil(L, 2)) {
      if (!arg(L, 2).is_function()) type_arg_error(L, 2, "function");
      comp = arg(L, 2);
    }
    Sorter s{L, t, comp};
    s.sort(1, n);
  }
  return 0;
}

const LibFunc kTableFuncs[] = {
    {"insert", tinsert}, {"remove", tremove}, {"concat", tconcat}, {"pack", tpack},
    {"unpack", tunpack}, {"move", tmove},     {"sort", tsort},     {nullptr, nullptr},
};

}  // namespace

void open_table(State* L) {
  new_lib(L, "table", kTableFuncs);
  // Lua 5.1 programs call unpack() as a global; keep it available.
  table_set_str(L, L->globals, str_new(L, "unpack"), Value::cfunction(tunpack));
}

}  // namespace cpjit::lua
