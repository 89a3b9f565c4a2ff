// The functions cpjit-lua's stencils call (declared in lua_helpers.h).
//
// Compiled code has no unwind information the C++ runtime could use, so nothing here lets an
// exception out: every helper either completes the operation or reports failure before it has
// changed anything, and the uop then leaves the trace so that the interpreter performs the
// instruction itself, with every metamethod and error message of tier 1. The one exception is
// lj_call, whose callee may already have run when an error is raised: it parks the error in
// the JIT state and the uop takes its error exit, after which the interpreter rethrows it.
//
// Helpers that allocate end at a GC safe point: a trace keeps every value in the Lua stack, so
// whenever a helper runs, everything live is below the running frame's top.
#include <new>

#include "../src/arith.h"
#include "../src/func.h"
#include "../src/gc.h"
#include "../src/lib.h"
#include "../src/str.h"
#include "../src/table.h"
#include "../src/vm.h"
#include "lua_helpers.h"
#include "lua_jit.h"

using namespace cpjit::lua;

namespace {

State *S(lj_state *L) { return reinterpret_cast<State *>(L); }
Table *T(lj_table *t) { return reinterpret_cast<Table *>(t); }
const Table *T(const lj_table *t) { return reinterpret_cast<const Table *>(t); }
Value *V(lj_value *v) { return reinterpret_cast<Value *>(v); }
const Value *V(const lj_value *v) { return reinterpret_cast<const Value *>(v); }
const String *Str(const lj_string *s) { return reinterpret_cast<const String *>(s); }
Value constant(int64_t payload, uint8_t tag) {
  Value v;
  v.i = payload;
  v.tag = tag;
  return v;
}

bool no_tm(const Table *mt, TM event) { return mt == nullptr || (mt->tm_absent & (1u << event)); }

// A safe point after an allocation, inside a trace. Every slot up to the stack's high-water
// mark counts as live: a trace keeps values and what it knows of them (a slot's type, which
// the `__t` uops rely on to store a payload alone) in slots above the running frame's top too,
// the registers of calls whose frames it did not push (FRAME_ROOM, FRAME_VIRTUAL) and of
// inlined calls that returned. The collector would set those to nil (mark_roots) and break
// the trace's next store there. What they keep alive waits for a collection in tier 1; every
// slot below the mark holds nil or an object alive at the last collection or made since, so
// marking them is safe.
[[gnu::noinline]] void collect_now(State *L) {
  try {
    Value *live = L->stack_hwm;  // frame pushes keep it at or above their tops; L->top may pass it
    if (L->ci->top > live) live = L->ci->top;
    if (L->top > live) live = L->top;
    gc_check(L, live);
  } catch (...) {
    // Collecting allocates nothing the program can see; if its own bookkeeping ran out of
    // memory the next safe point in the interpreter tries again.
  }
}
// Inline: the test, in every helper that allocates.
inline void collect(State *L) {
  if (L->heap.total >= L->heap.threshold) collect_now(L);
}

// Stores v under `key` of a table without __newindex where the lookup found no value: `slot`
// is what the lookup returned (table_slot_for_nil). False when memory ran out (nothing the
// program sees changed).
bool store_absent(State *L, Table *t, Value *slot, const Value &key, const Value &v) {
  try {
    *table_slot_for_nil(L, t, slot, key) = v;
  } catch (...) {
    return false;
  }
  collect(L);
  return true;
}

// Runs f, which may call Lua code: an error it raises is parked in the JIT state for the
// interpreter to rethrow after the trace's error exit (false).
template <class F>
bool run_parked(State *L, F f) {
  try {
    f();
    return true;
  } catch (const LuaError &e) {
    jit_park_error(L, e.status);
  } catch (const std::bad_alloc &) {
    // Raised by the C++ library inside a builtin: report it as a protected call would.
    L->errval = Value::string(L->memerr_msg);
    jit_park_error(L, kErrMem);
  }
  return false;
}

}  // namespace

extern "C" {

const lj_value *lj_get_int(const lj_table *t, int64_t key) {
  return reinterpret_cast<const lj_value *>(table_get_int(T(t), key));
}

int lj_index_int(const lj_table *lt, int64_t key, lj_value *out) {
  const Table *t = T(lt);
  const Value *v = table_get_int(t, key);
  if (v->is_nil() && !no_tm(t->meta, kTMIndex)) return 0;
  *V(out) = *v;
  return 1;
}

int lj_set_int(lj_state *L, lj_table *lt, int64_t key, const lj_value *v) {
  Table *t = T(lt);
  auto *slot = const_cast<Value *>(table_get_int_fast(t, key));
  if (!slot->is_nil()) {
    gc_barrier(S(L), t, *V(v));
    *slot = *V(v);
    return 1;
  }
  if (!no_tm(t->meta, kTMNewIndex)) return 0;
  try {
    table_set_int(S(L), t, key, *V(v));
  } catch (...) {
    return 0;  // out of memory: the interpreter redoes the store and raises the error
  }
  collect(S(L));
  return 1;
}

int lj_set_int_c(lj_state *L, lj_table *t, int64_t key, int64_t payload, uint8_t tag) {
  const Value v = constant(payload, tag);
  return lj_set_int(L, t, key, reinterpret_cast<const lj_value *>(&v));
}

int lj_set_field_c(lj_state *L, lj_table *t, const lj_string *key, int64_t payload, uint8_t tag) {
  const Value v = constant(payload, tag);
  return lj_set_field(L, t, key, reinterpret_cast<const lj_value *>(&v));
}

int lj_get_field(lj_state *L, lj_table *lt, const lj_string *key, lj_value *out) {
  // Through chains of __index tables (objects, their classes, base classes), like tier 1.
  Table *t = T(lt);
  for (int depth = 0; depth < 8; depth++) {
    const Value *v = table_get_short_str(t, Str(key));
    if (!v->is_nil()) {
      *V(out) = *v;
      return 1;
    }
    Table *mt = t->meta;
    if (no_tm(mt, kTMIndex)) {
      set_nil(V(out));
      return 1;
    }
    const Value *idx = table_get_short_str(mt, S(L)->tm_names[kTMIndex]);
    if (!idx->is_table()) return 0;
    t = idx->t;
  }
  return 0;
}

int lj_get_field_typed(lj_state *L, lj_table *lt, const lj_string *key, lj_value *out, uint8_t tag) {
  lj_value v;
  if (!lj_get_field(L, lt, key, &v) || v.tag != tag) return 0;
  *out = v;
  return 1;
}

int lj_set_field(lj_state *L, lj_table *lt, const lj_string *key, const lj_value *v) {
  Table *t = T(lt);
  auto *slot = const_cast<Value *>(table_get_short_str(t, Str(key)));
  if (!slot->is_nil()) {
    table_note_store(S(L), t);
    gc_barrier(S(L), t, *V(v));
    *slot = *V(v);
    return 1;
  }
  if (!no_tm(t->meta, kTMNewIndex)) return 0;
  return store_absent(S(L), t, slot, Value::string(const_cast<String *>(Str(key))), *V(v));
}

int64_t lj_table_length(lj_table *t) { return table_length(T(t)); }

int lj_new_table(lj_state *L, lj_value *out, uint32_t narray, uint32_t nhash) {
  try {
    *V(out) = Value::table(table_new(S(L), narray, nhash));
  } catch (...) {
    return 0;
  }
  collect(S(L));
  return 1;
}

int lj_concat(lj_state *L, lj_value *out, lj_value *lfirst, uint32_t n) {
  Value *first = V(lfirst);
  for (uint32_t i = 0; i < n; i++)
    if (!first[i].is_string() && !first[i].is_number()) return 0;  // __concat: the interpreter's
  try {
    concat_values(S(L), first, static_cast<int>(n), V(out));
  } catch (...) {
    return 0;
  }
  collect(S(L));
  return 1;
}

int lj_get(lj_state *L, lj_table *lt, const lj_value *key, lj_value *out) {
  (void)L;
  Table *t = T(lt);
  const Value *k = V(key);
  const Value *v;
  if (k->is_int()) v = table_get_int_fast(t, k->i);
  else if (k->is_string()) v = table_get_str(t, k->s);
  else v = table_get(t, *k);
  if (v->is_nil() && !no_tm(t->meta, kTMIndex)) return 0;
  *V(out) = *v;
  return 1;
}

int lj_set(lj_state *L, lj_table *lt, const lj_value *key, const lj_value *v) {
  Table *t = T(lt);
  const Value *k = V(key);
  if (k->is_int() && static_cast<uint64_t>(k->i) - 1 < t->asize) {
    Value *slot = &t->array[k->i - 1];
    if (!slot->is_nil() || no_tm(t->meta, kTMNewIndex)) {
      gc_barrier(S(L), t, *V(v));
      *slot = *V(v);
      return 1;
    }
    return 0;
  }
  auto *slot = const_cast<Value *>(k->is_string() ? table_get_str(t, k->s) : table_get(t, *k));
  if (!slot->is_nil()) {
    table_note_store(S(L), t);
    gc_barrier(S(L), t, *V(v));
    *slot = *V(v);
    return 1;
  }
  if (!no_tm(t->meta, kTMNewIndex)) return 0;
  if (k->is_nil() || (k->is_float() && k->n != k->n)) return 0;  // the interpreter raises
  return store_absent(S(L), t, slot, *k, *V(v));
}

int lj_string_method(lj_state *L, const lj_string *key, lj_value *out) {
  State *st = S(L);
  if (st->string_meta == nullptr) return 0;
  const Value *idx = table_get_short_str(st->string_meta, st->tm_names[kTMIndex]);
  if (!idx->is_table()) return 0;
  const Value *v = table_get_short_str(idx->t, Str(key));
  if (v->is_nil()) return 0;
  *V(out) = *v;
  return 1;
}

int lj_string_method_kept(lj_state *L, lj_class_site *site, lj_value *out) {
  if (!lj_string_method(L, site->key, out)) return 0;
  // The tables the answer came through are watched: a change to either moves class_epoch,
  // which the kept answer is valid for (uops.c, keep_class_answer, the same for classes).
  State *st = S(L);
  Table *methods = table_get_short_str(st->string_meta, st->tm_names[kTMIndex])->t;
  st->string_meta->watched = 1;
  methods->watched = 1;
  lj_class_site_refresh(site, st->class_epoch);
  site->meta[0] = reinterpret_cast<const lj_table *>(st->string_meta);
  site->value[0] = *out;
  return 1;
}

int lj_call(lj_state *L, lj_value *lfunc, uint32_t b, uint32_t c, const void *next_pc) {
  State *st = S(L);
  // Every call from compiled code nests on the C++ stack: leave deep recursion to tier 1, which
  // calls Lua functions without nesting (and reports a real overflow the way lua5.4 does).
  if (st->ccalls >= kMaxCCalls / 2) return 0;
  CallInfo *ci = st->ci;
  Value *func = V(lfunc);
  ci->savedpc = static_cast<const Instr *>(next_pc);  // tracebacks and error positions
  if (b != 0) st->top = func + b;  // else the arguments end where the previous call's results do
  if (!run_parked(st, [&] { call(st, func, static_cast<int>(c) - 1); })) return -1;
  if (c != 0) {
    st->top = ci->top;
    collect(st);
  } else {
    // All results stay, up to the stack top, for the next call. Collect above them.
    if (st->heap.total >= st->heap.threshold) {
      try {
        gc_check(st, st->top > ci->top ? st->top : ci->top);
      } catch (...) {
      }
    }
  }
  return 1;
}

int lj_push_frame(lj_state *L, lj_value *lfunc, uint32_t b, uint32_t c, const void *next_pc) {
  State *st = S(L);
  Value *func = V(lfunc);
  CallInfo *ci = st->ci;
  Proto *p = func->lcl->p;
  // Room for the callee (varargs are copied above the arguments): otherwise the interpreter
  // makes the call and reports the overflow.
  if (func + b + p->numparams + p->maxstack >= st->stack_limit) return 0;
  Value *saved_top = st->top;
  ci->savedpc = static_cast<const Instr *>(next_pc);
  st->top = func + b;
  try {
    if (precall(st, func, static_cast<int>(c) - 1) == nullptr) {
      st->top = saved_top;  // not a Lua function after all (the guard before makes it one)
      return 0;
    }
  } catch (...) {
    st->top = saved_top;
    return 0;
  }
  return 1;
}

void lj_pop_frame(lj_state *L, lj_value *first, uint32_t n) {
  State *st = S(L);
  CallInfo *ci = st->ci;
  if (st->open_upvals && st->open_upvals->v >= ci->base) close_upvals(st, ci->base);
  const int wanted = ci->nresults;
  poscall(st, ci, V(first), static_cast<int>(n));
  if (wanted >= 0) st->top = st->ci->top;
}

int lj_set_list(lj_state *L, lj_value *list, uint32_t n, uint32_t start, int reset_top) {
  const uint64_t size = static_cast<uint64_t>(start) + n;
  if (size > UINT32_MAX) return 0;  // the interpreter raises the error
  Table *t = V(list)->t;
  try {
    table_ensure_array(S(L), t, static_cast<uint32_t>(size));
  } catch (...) {
    return 0;
  }
  // No collection here: the list's values may lie above the frame's top (a call's results),
  // where the collector does not look. The interpreter collects at its next safe point.
  gc_barrier_any(S(L), t);
  for (uint32_t j = 1; j <= n; j++) t->array[start + j - 1] = V(list)[j];
  if (reset_top) S(L)->top = S(L)->ci->top;
  return 1;
}

int lj_next(lj_state *L, const lj_table *t, const lj_value *control, lj_value *key, lj_value *val) {
  Value k = *V(control), v = Value::nil();
  try {
    if (!table_next(S(L), T(t), &k, &v)) k = Value::nil();
  } catch (...) {
    return 0;  // "invalid key to 'next'": the interpreter raises it
  }
  *V(key) = k;
  if (val != nullptr) *V(val) = v;
  return 1;
}

int lj_closure(lj_state *L, lj_value *out, const lj_proto *lp, const lj_lclosure *enclosing, lj_value *frame_base) {
  State *st = S(L);
  Proto *p = reinterpret_cast<Proto *>(const_cast<lj_proto *>(lp));
  const auto *outer = reinterpret_cast<const LClosure *>(enclosing);
  try {
    LClosure *ncl = lclosure_new(st, p);
    for (int j = 0; j < p->nupvals; j++) {
      const UpvalDesc &d = p->upvals[j];
      ncl->upvals[j] = d.in_stack ? find_upval(st, V(frame_base) + d.idx) : outer->upvals[d.idx];
    }
    *V(out) = Value::lclosure(ncl);
  } catch (...) {
    return 0;  // out of memory: upvalues opened so far stay open, as they may in tier 1
  }
  collect(st);
  return 1;
}

void lj_close_upvals(lj_state *L, lj_value *level) { close_upvals(S(L), V(level)); }

void lj_gc_store(lj_state *L, void *o, lj_value *dst, const lj_value *src) {
  gc_touch(S(L), static_cast<GCObject *>(o));
  *V(dst) = *V(src);
}

int lj_str_sub(lj_state *L, lj_value *out, const lj_string *ls, int64_t i, int64_t j) {
  const String *s = Str(ls);
  const size_t from = pos_start(i, s->len), to = pos_end(j, s->len);
  try {
    *V(out) = Value::string(from > to ? str_new(S(L), "", 0) : str_new(S(L), s->data + from - 1, to - from + 1));
  } catch (...) {
    return 0;
  }
  collect(S(L));
  return 1;
}

int lj_str_cmp(const lj_string *a, const lj_string *b) { return str_compare(Str(a), Str(b)); }
int lj_num_lt(const lj_value *a, const lj_value *b) { return lt_num(*V(a), *V(b)); }
int lj_num_le(const lj_value *a, const lj_value *b) { return le_num(*V(a), *V(b)); }

int lj_meta(lj_state *L, lj_value *lbase, const lj_meta_site *site) {
  State *st = S(L);
  if (st->ccalls >= kMaxCCalls / 2) return 0;  // metamethods nest on the C++ stack: see lj_call
  Value *base = V(lbase);
  auto at = [&](int32_t off) -> Value * {
    if (off == LJ_META_K) return const_cast<Value *>(V(&site->k));
    if (off == LJ_META_K2) return const_cast<Value *>(V(&site->k2));
    return reinterpret_cast<Value *>(reinterpret_cast<char *>(base) + off);
  };
  CallInfo *ci = st->ci;
  ci->savedpc = static_cast<const Instr *>(site->next_pc);  // as the interpreter's PROTECT
  st->top = ci->top;
  bool res = false;
  bool known = true;
  const bool ok = run_parked(st, [&] {
    switch (site->kind) {
      case LJ_META_ARITH: arith_slow(st, static_cast<int>(site->op), at(site->b), at(site->c), at(site->a)); break;
      case LJ_META_UNM: unm_slow(st, at(site->b), at(site->a)); break;
      case LJ_META_BNOT: bnot_slow(st, at(site->b), at(site->a)); break;
      case LJ_META_LEN: len_slow(st, at(site->b), at(site->a)); break;
      case LJ_META_CONCAT: concat_values(st, at(site->b), site->c, at(site->a)); break;
      case LJ_META_EQ: res = equal_obj(st, at(site->a), at(site->b)); break;
      case LJ_META_LT: res = less_than(st, at(site->a), at(site->b)); break;
      case LJ_META_LE: res = less_equal(st, at(site->a), at(site->b)); break;
      case LJ_META_INDEX: index_slow(st, at(site->b), at(site->c), at(site->a)); break;
      case LJ_META_NEWINDEX: newindex_slow(st, at(site->a), at(site->b), at(site->c)); break;
      default: known = false;
    }
  });
  if (!known) return 0;
  if (!ok) return -1;
  st->top = ci->top;
  collect(st);
  const bool compare = site->kind == LJ_META_EQ || site->kind == LJ_META_LT || site->kind == LJ_META_LE;
  return compare && !res ? 2 : 1;
}

int lj_has_open_upvalues(lj_state *L, const lj_value *level) {
  const UpVal *uv = S(L)->open_upvals;
  return uv != nullptr && uv->v >= V(level);
}

}  // extern "C"
