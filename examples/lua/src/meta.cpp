// Generic operations: the slow paths of the interpreter, with metamethods.
#include <cstdio>
#include <cstring>

#include "gc.h"
#include "str.h"
#include "vm.h"

namespace cpjit::lua {

namespace {

constexpr int kMaxTagLoop = 2000;  // __index / __newindex chains longer than this are loops

// Calls metamethod f(a, b) and returns its first result.
Value call_tm_result(State* L, const Value& f, const Value& a, const Value& b) {
  Value* func = L->top;
  if (func + 3 > L->stack_limit) rt_error(L, "stack overflow");
  func[0] = f;
  func[1] = a;
  func[2] = b;
  L->top = func + 3;
  call(L, func, 1);
  Value r = *func;
  L->top = func;
  return r;
}

void call_tm_void(State* L, const Value& f, const Value& a, const Value& b, const Value& c) {
  Value* func = L->top;
  if (func + 4 > L->stack_limit) rt_error(L, "stack overflow");
  func[0] = f;
  func[1] = a;
  func[2] = b;
  func[3] = c;
  L->top = func + 4;
  call(L, func, 0);
  L->top = func;
}

inline bool is_str_or_num(const Value& v) { return v.is_string() || v.is_number(); }

}  // namespace

const char* type_name(int tag) {
  switch (tag) {
    case kTagNil: return "nil";
    case kTagFalse:
    case kTagTrue: return "boolean";
    case kTagInt:
    case kTagFloat: return "number";
    case kTagString: return "string";
    case kTagTable: return "table";
    case kTagLClosure:
    case kTagCFunction:
    case kTagCClosure: return "function";
    case kTagUserdata: return "userdata";
    default: return "no value";
  }
}

Table* get_metatable(const State* L, const Value& v) {
  switch (v.tag) {
    case kTagTable: return v.t->meta;
    case kTagUserdata: return v.ud->meta;
    case kTagString: return L->string_meta;
    default: return nullptr;
  }
}

const Value* get_tm(State* L, const Value& v, TM event) {
  Table* mt = get_metatable(L, v);
  if (mt == nullptr) return nullptr;
  return fast_tm(L, mt, event);
}

const char* obj_type_name(State* L, const Value& v) {
  if (v.is_table() || v.tag == kTagUserdata) {
    Table* mt = get_metatable(L, v);
    if (mt) {
      const Value* name = table_get_short_str(mt, L->tm_names[kTMName]);
      if (name->is_string()) return name->s->data;
    }
  }
  return type_name(v.tag);
}

void index_slow(State* L, const Value* t, const Value* key, Value* out) {
  Value tv = *t;
  Value kv = *key;
  const Value* where = t;  // for naming the variable in an error (first step only)
  for (int loop = 0; loop < kMaxTagLoop; loop++) {
    const Value* tm;
    if (tv.is_table()) {
      const Value* res = table_get(tv.t, kv);
      if (!res->is_nil()) {
        *out = *res;
        return;
      }
      tm = fast_tm(L, tv.t->meta, kTMIndex);
      if (tm == nullptr) {
        set_nil(out);
        return;
      }
    } else {
      tm = get_tm(L, tv, kTMIndex);
      if (tm == nullptr) type_error(L, where ? where : &tv, "index");
    }
    if (tm->is_function()) {
      *out = call_tm_result(L, *tm, tv, kv);
      return;
    }
    tv = *tm;
    where = nullptr;
  }
  rt_error(L, "'__index' chain too long; possible loop");
}

void newindex_slow(State* L, const Value* t, const Value* key, const Value* v) {
  Value tv = *t;
  Value kv = *key;
  Value vv = *v;
  const Value* where = t;
  for (int loop = 0; loop < kMaxTagLoop; loop++) {
    const Value* tm;
    if (tv.is_table()) {
      Table* h = tv.t;
      const Value* slot = table_get(h, kv);
      if (!slot->is_nil()) {
        table_note_store(L, h);
        gc_barrier(L, h, vv);
        *const_cast<Value*>(slot) = vv;
        return;
      }
      tm = fast_tm(L, h->meta, kTMNewIndex);
      if (tm == nullptr) {
        table_set(L, h, kv, vv);
        return;
      }
    } else {
      tm = get_tm(L, tv, kTMNewIndex);
      if (tm == nullptr) type_error(L, where ? where : &tv, "index");
    }
    if (tm->is_function()) {
      call_tm_void(L, *tm, tv, kv, vv);
      return;
    }
    tv = *tm;
    where = nullptr;
  }
  rt_error(L, "'__newindex' chain too long; possible loop");
}

void arith_slow(State* L, int op, const Value* a, const Value* b, Value* out) {
  if (a->is_number() && b->is_number()) {
    if (fold_arith(op, *a, *b, out)) return;
    if (op >= kArBAnd) int_error(L, a, b);
    if (op == kArMod) rt_error(L, "attempt to perform 'n%%0'");
    rt_error(L, "attempt to divide by zero");
  }
  TM event = static_cast<TM>(kTMAdd + op);
  const Value* tm = get_tm(L, *a, event);
  if (tm == nullptr) tm = get_tm(L, *b, event);
  if (tm != nullptr) {
    *out = call_tm_result(L, *tm, *a, *b);
    return;
  }
  if (op >= kArBAnd) {
    if (a->is_number() && b->is_number()) int_error(L, a, b);
    arith_error(L, a, b, "perform bitwise operation on");
  }
  arith_error(L, a, b, "perform arithmetic on");
}

void unm_slow(State* L, const Value* a, Value* out) {
  if (a->is_int()) {
    set_int(out, int_sub(0, a->i));
    return;
  }
  if (a->is_float()) {
    set_float(out, -a->n);
    return;
  }
  const Value* tm = get_tm(L, *a, kTMUnm);
  if (tm != nullptr) {
    *out = call_tm_result(L, *tm, *a, *a);
    return;
  }
  arith_error(L, a, a, "perform arithmetic on");
}

void bnot_slow(State* L, const Value* a, Value* out) {
  int64_t i;
  if (number_to_integer(*a, &i)) {
    set_int(out, ~i);
    return;
  }
  const Value* tm = get_tm(L, *a, kTMBNot);
  if (tm != nullptr) {
    *out = call_tm_result(L, *tm, *a, *a);
    return;
  }
  if (a->is_number()) int_error(L, a, a);
  arith_error(L, a, a, "perform bitwise operation on");
}

void len_slow(State* L, const Value* a, Value* out) {
  if (a->is_string()) {
    set_int(out, static_cast<int64_t>(a->s->len));
    return;
  }
  const Value* tm = get_tm(L, *a, kTMLen);
  if (tm != nullptr) {
    *out = call_tm_result(L, *tm, *a, *a);
    return;
  }
  if (a->is_table()) {
    set_int(out, table_length(a->t));
    return;
  }
  type_error(L, a, "get length of");
}

bool raw_equal(const Value& a, const Value& b) {
  if (a.tag != b.tag) {
    if (a.is_number() && b.is_number()) return eq_num(a, b);
    return false;
  }
  switch (a.tag) {
    case kTagNil:
    case kTagFalse:
    case kTagTrue: return true;
    case kTagInt: return a.i == b.i;
    case kTagFloat: return a.n == b.n;
    case kTagString: return str_eq(a.s, b.s);
    default: return a.p == b.p;
  }
}

bool equal_obj(State* L, const Value* a, const Value* b) {
  if (a->tag != b->tag || (a->tag != kTagTable && a->tag != kTagUserdata) || a->p == b->p)
    return raw_equal(*a, *b);
  const Value* tm = get_tm(L, *a, kTMEq);
  if (tm == nullptr) tm = get_tm(L, *b, kTMEq);
  if (tm == nullptr) return false;
  return !call_tm_result(L, *tm, *a, *b).is_falsy();
}

bool less_than(State* L, const Value* a, const Value* b) {
  if (a->is_number() && b->is_number()) return lt_num(*a, *b);
  if (a->is_string() && b->is_string()) return str_compare(a->s, b->s) < 0;
  const Value* tm = get_tm(L, *a, kTMLt);
  if (tm == nullptr) tm = get_tm(L, *b, kTMLt);
  if (tm == nullptr) order_error(L, a, b);
  return !call_tm_result(L, *tm, *a, *b).is_falsy();
}

bool less_equal(State* L, const Value* a, const Value* b) {
  if (a->is_number() && b->is_number()) return le_num(*a, *b);
  if (a->is_string() && b->is_string()) return str_compare(a->s, b->s) <= 0;
  const Value* tm = get_tm(L, *a, kTMLe);
  if (tm == nullptr) tm = get_tm(L, *b, kTMLe);
  if (tm == nullptr) order_error(L, a, b);
  return !call_tm_result(L, *tm, *a, *b).is_falsy();
}

namespace {

// Joins values[0 .. n), all strings or numbers, into one string.
String* join(State* L, const Value* values, int n) {
  size_t total = 0;
  char numbuf[64];
  for (int i = 0; i < n; i++) {
    size_t len = values[i].is_string() ? values[i].s->len : static_cast<size_t>(number_to_chars(values[i], numbuf));
    if (len > (static_cast<size_t>(1) << 62) - total) rt_error(L, "string length overflow");
    total += len;
  }
  if (total <= kMaxShortLen) {
    char buf[kMaxShortLen + 1];
    size_t pos = 0;
    for (int i = 0; i < n; i++) {
      if (values[i].is_string()) {
        std::memcpy(buf + pos, values[i].s->data, values[i].s->len);
        pos += values[i].s->len;
      } else {
        int len = number_to_chars(values[i], numbuf);
        std::memcpy(buf + pos, numbuf, static_cast<size_t>(len));
        pos += static_cast<size_t>(len);
      }
    }
    return str_new(L, buf, pos);
  }
  String* s = str_new_uninit(L, total);
  char* p = s->data;
  for (int i = 0; i < n; i++) {
    if (values[i].is_string()) {
      std::memcpy(p, values[i].s->data, values[i].s->len);
      p += values[i].s->len;
    } else {
      int len = number_to_chars(values[i], numbuf);
      std::memcpy(p, numbuf, static_cast<size_t>(len));
      p += len;
    }
  }
  return s;
}

}  // namespace

void concat_values(State* L, Value* first, int n, Value* out) {
  bool simple = true;
  for (int i = 0; i < n; i++)
    if (!is_str_or_num(first[i])) simple = false;
  if (simple) {
    *out = Value::string(join(L, first, n));
    return;
  }
  // Right to left, as the operator associates: runs of strings/numbers are joined at once,
  // anything else goes through __concat two operands at a time.
  Value* top = first + n;
  while (top - first > 1) {
    Value* a = top - 2;
    Value* b = top - 1;
    if (is_str_or_num(*a) && is_str_or_num(*b)) {
      Value* start = a;
      while (start > first && is_str_or_num(start[-1])) start--;
      int k = static_cast<int>(top - start);
      *start = Value::string(join(L, start, k));
      top = start + 1;
      continue;
    }
    const Value* tm = get_tm(L, *a, kTMConcat);
    if (tm == nullptr) tm = get_tm(L, *b, kTMConcat);
    if (tm == nullptr) concat_error(L, a, b);
    *a = call_tm_result(L, *tm, *a, *b);
    top = b;
  }
  *out = *first;
}

String* to_display_string(State* L, const Value& v) {
  const Value* tm = get_tm(L, v, kTMToString);
  if (tm != nullptr) {
    Value r = call_tm_result(L, *tm, v, v);
    if (!r.is_string() && !r.is_number()) lib_error(L, "'__tostring' must return a string");
    if (r.is_number()) r = Value::string(number_to_string(L, r));
    check_stack(L, 1);
    push(L, r);
    return r.s;
  }
  String* s;
  switch (v.tag) {
    case kTagNil: s = str_new(L, "nil"); break;
    case kTagFalse: s = str_new(L, "false"); break;
    case kTagTrue: s = str_new(L, "true"); break;
    case kTagInt:
    case kTagFloat: s = number_to_string(L, v); break;
    case kTagString: s = v.s; break;
    default: {
      char buf[128];
      const char* kind = obj_type_name(L, v);
      const void* p = v.tag == kTagCFunction ? reinterpret_cast<const void*>(v.f) : v.p;
      int n = std::snprintf(buf, sizeof buf, "%.80s: %p", kind, p);
      s = str_new(L, buf, static_cast<size_t>(n));
      break;
    }
  }
  check_stack(L, 1);
  push(L, Value::string(s));
  return s;
}

}  // namespace cpjit::lua
