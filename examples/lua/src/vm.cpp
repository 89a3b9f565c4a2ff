// The tier-1 interpreter: direct-threaded dispatch over the register bytecode.
//
// Hot state lives in locals: pc, base (register 0 of the running frame), k (constants) and cl
// (the running closure). The frame's CallInfo holds the same state when it is not running:
// before anything that can raise an error or re-enter the interpreter the handler saves pc
// into ci->savedpc (SAVEPC), which is what error messages, tracebacks and the garbage
// collector read. Lua-to-Lua calls and returns do not recurse on the C++ stack: they switch
// ci and reload the hot state (label newframe), so execute() returns only when the frame it
// was entered with (marked kCIFresh) returns.
//
// Resuming at an arbitrary point (a side exit from compiled code) is: set ci->savedpc to the
// instruction and ci->base to the frame's base, make ci current (L->ci), and call execute().
#include <cstring>

#include "func.h"
#include "gc.h"
#include "lua_jit.h"
#include "lib.h"
#include "opcodes.h"
#include "str.h"
#include "vm.h"

namespace cpjit::lua {

// ---------------------------------------------------------------------------------------------
// Tier 2 (jit/lua_jit.h). Every loop back edge (FORLOOP and TFORLOOP when they jump back, a JMP
// or a conditional jump with a negative offset) runs this macro with the interpreter's state
// after the jump: 'pc' is the first instruction of the loop body or loop head, 'from' the
// instruction that jumped (the loop's last). The JIT counts
// the loop's hotness there, records it once it is hot, and enters its compiled trace; after a
// trace ran (or when a recording starts) the interpreter reloads its state from L->ci, which
// is where the trace left off. While a recording is on, every instruction is dispatched
// through op_RECORD first. With the JIT off (L->jit null) this is one test per back edge.
// ---------------------------------------------------------------------------------------------
#define CPJIT_LUA_LOOP_BACK_EDGE(L, ci, pc, from)                \
  do {                                                            \
    if (L->jit != nullptr) {                                      \
      SAVEPC();                                                   \
      if (jit_back_edge(L, ci, from)) {                           \
        disp = jit_recording(L) ? kRecordDispatch : kDispatch;    \
        ci = L->ci;                                               \
        goto newframe;                                            \
      }                                                           \
    }                                                             \
  } while (0)

namespace {

inline bool no_tm(const Table* mt, TM event) {
  return mt == nullptr || (mt->tm_absent & (1u << event));
}

// Integer loop whose limit is not an integer: convert it (floor for ascending loops, ceil for
// descending ones; values beyond the integer range clip). Returns true if the loop must not
// run at all.
bool for_limit(State* L, const Value* lim, int64_t init, int64_t step, int64_t* out) {
  Value v;
  if (!to_number(*lim, &v)) for_error(L, lim, "limit");
  if (v.is_int()) {
    *out = v.i;
  } else {
    double f = step < 0 ? std::ceil(v.n) : std::floor(v.n);
    if (f >= -9223372036854775808.0 && f < 9223372036854775808.0) {
      *out = static_cast<int64_t>(f);
    } else if (v.n > 0) {
      if (step < 0) return true;
      *out = INT64_MAX;
    } else {
      if (step > 0) return true;
      *out = INT64_MIN;
    }
  }
  return step > 0 ? init > *out : init < *out;
}

// Float loop (any of init/step not an integer): everything becomes a float. Returns true if
// the loop must not run.
bool float_for_prep(State* L, Value* ra) {
  Value init, lim, step;
  if (!to_number(ra[1], &lim)) for_error(L, ra + 1, "limit");
  if (!to_number(ra[2], &step)) for_error(L, ra + 2, "step");
  if (!to_number(ra[0], &init)) for_error(L, ra, "initial value");
  double fi = to_double(init), fl = to_double(lim), fs = to_double(step);
  if (fs == 0) rt_error(L, "'for' step is zero");
  if (fs > 0 ? fl < fi : fi < fl) return true;
  set_float(ra, fi);
  set_float(ra + 1, fl);
  set_float(ra + 2, fs);
  set_float(ra + 3, fi);
  return false;
}

// Field lookup through a chain of __index tables (objects, their classes, base classes),
// the common shape of method calls. Returns false when the chain involves anything but
// plain tables: the caller then takes the general path.
inline bool field_through_classes(State* L, Table* t, const String* key, Value* out) {
  for (int depth = 0; depth < 8; depth++) {
    const Value* v = table_get_short_str(t, key);
    if (!v->is_nil()) {
      *out = *v;
      return true;
    }
    Table* mt = t->meta;
    if (no_tm(mt, kTMIndex)) {
      set_nil(out);
      return true;
    }
    const Value* idx = table_get_short_str(mt, L->tm_names[kTMIndex]);
    if (!idx->is_table()) return false;
    t = idx->t;
  }
  return false;
}

}  // namespace

void execute(State* L, CallInfo* ci) {
  static const void* const kDispatch[kNumOpcodes] = {
#define CPJIT_LUA_OP_LABEL(name, operands, text) &&op_##name,
      CPJIT_LUA_OPCODES(CPJIT_LUA_OP_LABEL)
#undef CPJIT_LUA_OP_LABEL
  };
  // While a trace is being recorded: every instruction goes through the recorder first.
  static const void* const kRecordDispatch[kNumOpcodes] = {
#define CPJIT_LUA_OP_RECORD(name, operands, text) &&op_RECORD,
      CPJIT_LUA_OPCODES(CPJIT_LUA_OP_RECORD)
#undef CPJIT_LUA_OP_RECORD
  };
  const void* const* disp = kDispatch;

  LClosure* cl;
  const Value* k;
  Value* base;
  const Instr* pc;
  Instr i;
  Value* rfirst;  // results of a return: first value and count
  int rn;

#define DISPATCH()                  \
  do {                              \
    i = *pc++;                      \
    goto* disp[op_of(i)];           \
  } while (0)
#define RA (base + arg_a(i))
#define RB (base + arg_b(i))
#define RC (base + arg_c(i))
#define SAVEPC() (ci->savedpc = pc)
// For slow paths that may raise errors or call metamethods: publish pc and make L->top the
// frame top, so callees push above every live register.
#define PROTECT(x)     \
  do {                 \
    SAVEPC();          \
    L->top = ci->top;  \
    x;                 \
  } while (0)
#define CHECK_GC()                                         \
  do {                                                     \
    if (L->heap.total >= L->heap.threshold) {              \
      SAVEPC();                                            \
      gc_check(L, ci->top);                                \
    }                                                      \
  } while (0)
#define COND_JUMP(cond)                                    \
  do {                                                     \
    if (static_cast<int>(cond) != arg_c(i)) {              \
      pc++;                                                \
    } else {                                               \
      int off_ = arg_sj(*pc) + 1;                          \
      pc += off_;                                          \
      if (off_ < 0) CPJIT_LUA_LOOP_BACK_EDGE(L, ci, pc, pc - off_); \
    }                                                      \
    DISPATCH();                                            \
  } while (0)

newframe:
  cl = ci->func->lcl;
  k = cl->p->k;
  base = ci->base;
  pc = ci->savedpc;
  DISPATCH();

op_RECORD: {
  // The recorder sees the instruction before it runs (pc is already past it).
  if (!jit_record(L, ci, pc - 1)) disp = kDispatch;
  goto* kDispatch[op_of(i)];
}

op_MOVE: {
  base[arg_a(i)] = base[arg_b(i)];
  DISPATCH();
}
op_LOADI: {
  set_int(RA, arg_sbx(i));
  DISPATCH();
}
op_LOADF: {
  set_float(RA, static_cast<double>(arg_sbx(i)));
  DISPATCH();
}
op_LOADK: {
  *RA = k[arg_bx(i)];
  DISPATCH();
}
op_LOADKX: {
  *RA = k[*pc++];
  DISPATCH();
}
op_LOADFALSE: {
  set_bool(RA, false);
  DISPATCH();
}
op_LOADTRUE: {
  set_bool(RA, true);
  DISPATCH();
}
op_LOADNIL: {
  Value* ra = RA;
  int b = arg_b(i);
  do {
    set_nil(ra++);
  } while (b--);
  DISPATCH();
}
op_GETUPVAL: {
  *RA = *cl->upvals[arg_b(i)]->v;
  DISPATCH();
}
op_SETUPVAL: {
  UpVal* uv = cl->upvals[arg_b(i)];
  gc_barrier(L, uv, *RA);
  *uv->v = *RA;
  DISPATCH();
}
op_GETTABUP: {
  const Value* up = cl->upvals[arg_b(i)]->v;
  const Value* key = k + arg_c(i);
  if (up->is_table()) {
    const Value* v = table_get_short_str(up->t, key->s);
    if (!v->is_nil() || no_tm(up->t->meta, kTMIndex)) {
      *RA = *v;
      DISPATCH();
    }
  }
  PROTECT(index_slow(L, up, key, RA));
  DISPATCH();
}
#define SETTABUP_OP(name, VALUE)                                   \
  op_##name: {                                                      \
    const Value* up = cl->upvals[arg_a(i)]->v;                      \
    const Value* key = k + arg_b(i);                                \
    const Value* rc = VALUE;                                        \
    if (up->is_table()) {                                           \
      Table* t = up->t;                                             \
      auto* slot = const_cast<Value*>(table_get_short_str(t, key->s)); \
      if (!slot->is_nil()) {                                        \
        table_note_store(L, t);                                     \
        gc_barrier(L, t, *rc);                                      \
        *slot = *rc;                                                \
        DISPATCH();                                                 \
      }                                                             \
      if (no_tm(t->meta, kTMNewIndex)) {                            \
        SAVEPC();                                                   \
        table_set_str(L, t, key->s, *rc);                           \
        DISPATCH();                                                 \
      }                                                             \
    }                                                               \
    PROTECT(newindex_slow(L, up, key, rc));                         \
    DISPATCH();                                                     \
  }
  SETTABUP_OP(SETTABUP, RC)
  SETTABUP_OP(SETTABUPK, k + arg_c(i))

op_GETTABLE: {
  Value* rb = RB;
  Value* rc = RC;
  if (rb->is_table()) {
    Table* t = rb->t;
    const Value* v;
    if (rc->is_int()) v = table_get_int_fast(t, rc->i);
    else if (rc->is_string()) v = table_get_str(t, rc->s);
    else v = table_get(t, *rc);
    if (!v->is_nil() || no_tm(t->meta, kTMIndex)) {
      *RA = *v;
      DISPATCH();
    }
  }
  PROTECT(index_slow(L, rb, rc, RA));
  DISPATCH();
}
op_GETI: {
  Value* rb = RB;
  if (rb->is_table()) {
    const Value* v = table_get_int_fast(rb->t, arg_c(i));
    if (!v->is_nil() || no_tm(rb->t->meta, kTMIndex)) {
      *RA = *v;
      DISPATCH();
    }
  }
  Value key = Value::integer(arg_c(i));
  PROTECT(index_slow(L, rb, &key, RA));
  DISPATCH();
}
op_GETFIELD: {
  Value* rb = RB;
  const Value* key = k + arg_c(i);
  if (rb->is_table()) {
    Table* t = rb->t;
    const Value* v = table_get_short_str(t, key->s);
    if (!v->is_nil() || no_tm(t->meta, kTMIndex)) {
      *RA = *v;
      DISPATCH();
    }
    Value r = Value::nil();  // RA may be RB: write only once the chain is done
    if (field_through_classes(L, t, key->s, &r)) {
      *RA = r;
      DISPATCH();
    }
  }
  PROTECT(index_slow(L, rb, key, RA));
  DISPATCH();
}
// Stores; the value operand is a register or (the K forms) a constant.
#define SETTABLE_OP(name, VALUE)                                                         \
  op_##name: {                                                                            \
    Value* ra = RA;                                                                       \
    Value* rb = RB;                                                                       \
    const Value* rc = VALUE;                                                              \
    if (ra->is_table()) {                                                                 \
      Table* t = ra->t;                                                                   \
      if (rb->is_int() && static_cast<uint64_t>(rb->i) - 1 < t->asize) {                 \
        Value* slot = &t->array[rb->i - 1];                                               \
        if (!slot->is_nil() || no_tm(t->meta, kTMNewIndex)) {                             \
          gc_barrier(L, t, *rc);                                                          \
          *slot = *rc;                                                                    \
          DISPATCH();                                                                     \
        }                                                                                 \
      } else {                                                                            \
        auto* slot = const_cast<Value*>(rb->is_string() ? table_get_str(t, rb->s) : table_get(t, *rb)); \
        if (!slot->is_nil()) {                                                            \
          table_note_store(L, t);                                                         \
          gc_barrier(L, t, *rc);                                                          \
          *slot = *rc;                                                                    \
          DISPATCH();                                                                     \
        }                                                                                 \
        if (no_tm(t->meta, kTMNewIndex)) {                                                \
          SAVEPC();                                                                       \
          *table_slot_for_nil(L, t, slot, *rb) = *rc;                                     \
          DISPATCH();                                                                     \
        }                                                                                 \
      }                                                                                   \
    }                                                                                     \
    PROTECT(newindex_slow(L, ra, rb, rc));                                                \
    DISPATCH();                                                                           \
  }
  SETTABLE_OP(SETTABLE, RC)
  SETTABLE_OP(SETTABLEK, k + arg_c(i))

#define SETI_OP(name, VALUE)                                               \
  op_##name: {                                                              \
    Value* ra = RA;                                                         \
    int64_t key = arg_b(i);                                                 \
    const Value* rc = VALUE;                                                \
    if (ra->is_table()) {                                                   \
      Table* t = ra->t;                                                     \
      auto* slot = const_cast<Value*>(table_get_int_fast(t, key));          \
      if (!slot->is_nil()) {                                                \
        gc_barrier(L, t, *rc);                                              \
        *slot = *rc;                                                        \
        DISPATCH();                                                         \
      }                                                                     \
      if (no_tm(t->meta, kTMNewIndex)) {                                    \
        SAVEPC();                                                           \
        table_set_int(L, t, key, *rc);                                      \
        DISPATCH();                                                         \
      }                                                                     \
    }                                                                       \
    Value kv = Value::integer(key);                                         \
    PROTECT(newindex_slow(L, ra, &kv, rc));                                 \
    DISPATCH();                                                             \
  }
  SETI_OP(SETI, RC)
  SETI_OP(SETIK, k + arg_c(i))

#define SETFIELD_OP(name, VALUE)                                             \
  op_##name: {                                                                \
    Value* ra = RA;                                                           \
    const Value* key = k + arg_b(i);                                          \
    const Value* rc = VALUE;                                                  \
    if (ra->is_table()) {                                                     \
      Table* t = ra->t;                                                       \
      auto* slot = const_cast<Value*>(table_get_short_str(t, key->s));        \
      if (!slot->is_nil()) {                                                  \
        table_note_store(L, t);                                               \
        gc_barrier(L, t, *rc);                                                \
        *slot = *rc;                                                          \
        DISPATCH();                                                           \
      }                                                                       \
      if (no_tm(t->meta, kTMNewIndex)) {                                      \
        SAVEPC();                                                             \
        *table_slot_for_nil(L, t, slot, *key) = *rc;                          \
        DISPATCH();                                                           \
      }                                                                       \
    }                                                                         \
    PROTECT(newindex_slow(L, ra, key, rc));                                   \
    DISPATCH();                                                               \
  }
  SETFIELD_OP(SETFIELD, RC)
  SETFIELD_OP(SETFIELDK, k + arg_c(i))

op_NEWTABLE: {
  int b = arg_b(i);
  uint32_t asize = *pc;
  SAVEPC();
  pc++;
  Table* t = table_new(L, asize, b ? (1u << (b - 1)) : 0);
  *RA = Value::table(t);
  CHECK_GC();
  DISPATCH();
}
op_SELF: {
  Value* ra = RA;
  Value* rb = RB;
  const Value* key = k + arg_c(i);
  Value obj = *rb;
  ra[1] = obj;
  // Methods usually live in a class table that the metatable's __index points to.
  if (obj.is_table() && field_through_classes(L, obj.t, key->s, ra)) DISPATCH();
  if (obj.is_string()) {
    // String methods: the string metatable's __index is normally the string table.
    const Value* idx = table_get_short_str(L->string_meta, L->tm_names[kTMIndex]);
    if (idx->is_table()) {
      const Value* v = table_get_short_str(idx->t, key->s);
      if (!v->is_nil()) {
        *ra = *v;
        DISPATCH();
      }
    }
  }
  PROTECT(index_slow(L, rb, key, ra));  // rb still holds obj: ra is written last
  DISPATCH();
}

#define ARITH_OP(name, kname, arop, int_expr, float_expr)                      \
  op_##name: {                                                                  \
    Value* rb = RB;                                                            \
    Value* rc = RC;                                                            \
    if (rb->is_int() && rc->is_int()) {                                        \
      int64_t x = rb->i, y = rc->i;                                            \
      set_int(RA, int_expr);                                                   \
      DISPATCH();                                                              \
    }                                                                          \
    if (rb->is_float() && rc->is_float()) {                                    \
      double x = rb->n, y = rc->n;                                             \
      set_float(RA, float_expr);                                               \
      DISPATCH();                                                              \
    }                                                                          \
    if (rb->is_number() && rc->is_number()) {                                  \
      double x = to_double(*rb), y = to_double(*rc);                           \
      set_float(RA, float_expr);                                               \
      DISPATCH();                                                              \
    }                                                                          \
    PROTECT(arith_slow(L, arop, rb, rc, RA));                                  \
    DISPATCH();                                                                \
  }                                                                            \
  op_##kname: {                                                                 \
    Value* rb = RB;                                                            \
    const Value* rc = k + arg_c(i);                                            \
    if (rb->is_int() && rc->is_int()) {                                        \
      int64_t x = rb->i, y = rc->i;                                            \
      set_int(RA, int_expr);                                                   \
      DISPATCH();                                                              \
    }                                                                          \
    if (rb->is_number()) {                                                     \
      double x = to_double(*rb), y = to_double(*rc);                           \
      set_float(RA, float_expr);                                               \
      DISPATCH();                                                              \
    }                                                                          \
    PROTECT(arith_slow(L, arop, rb, rc, RA));                                  \
    DISPATCH();                                                                \
  }

  ARITH_OP(ADD, ADDK, kArAdd, int_add(x, y), float_add(x, y))
  ARITH_OP(SUB, SUBK, kArSub, int_sub(x, y), x - y)
  ARITH_OP(MUL, MULK, kArMul, int_mul(x, y), float_mul(x, y))

// Division-like operators: integer forms need a nonzero divisor (else the slow path raises).
#define DIV_OP(name, kname, arop, int_expr, float_expr)                        \
  op_##name: {                                                                  \
    Value* rb = RB;                                                            \
    Value* rc = RC;                                                            \
    if (rb->is_int() && rc->is_int() && rc->i != 0) {                          \
      int64_t x = rb->i, y = rc->i;                                            \
      set_int(RA, int_expr);                                                   \
      DISPATCH();                                                              \
    }                                                                          \
    if (rb->is_number() && rc->is_number() && !(rb->is_int() && rc->is_int())) { \
      double x = to_double(*rb), y = to_double(*rc);                           \
      set_float(RA, float_expr);                                               \
      DISPATCH();                                                              \
    }                                                                          \
    PROTECT(arith_slow(L, arop, rb, rc, RA));                                  \
    DISPATCH();                                                                \
  }                                                                            \
  op_##kname: {                                                                 \
    Value* rb = RB;                                                            \
    const Value* rc = k + arg_c(i);                                            \
    if (rb->is_int() && rc->is_int() && rc->i != 0) {                          \
      int64_t x = rb->i, y = rc->i;                                            \
      set_int(RA, int_expr);                                                   \
      DISPATCH();                                                              \
    }                                                                          \
    if (rb->is_number() && !(rb->is_int() && rc->is_int())) {                  \
      double x = to_double(*rb), y = to_double(*rc);                           \
      set_float(RA, float_expr);                                               \
      DISPATCH();                                                              \
    }                                                                          \
    PROTECT(arith_slow(L, arop, rb, rc, RA));                                  \
    DISPATCH();                                                                \
  }

  DIV_OP(MOD, MODK, kArMod, int_mod(x, y), float_mod(x, y))
  DIV_OP(IDIV, IDIVK, kArIDiv, int_floordiv(x, y), float_floordiv(x, y))

// Float-only operators.
#define FLOAT_OP(name, kname, arop, expr)                                      \
  op_##name: {                                                                  \
    Value* rb = RB;                                                            \
    Value* rc = RC;                                                            \
    if (rb->is_float() && rc->is_float()) {                                    \
      double x = rb->n, y = rc->n;                                             \
      set_float(RA, expr);                                                     \
      DISPATCH();                                                              \
    }                                                                          \
    if (rb->is_number() && rc->is_number()) {                                  \
      double x = to_double(*rb), y = to_double(*rc);                           \
      set_float(RA, expr);                                                     \
      DISPATCH();                                                              \
    }                                                                          \
    PROTECT(arith_slow(L, arop, rb, rc, RA));                                  \
    DISPATCH();                                                                \
  }                                                                            \
  op_##kname: {                                                                 \
    Value* rb = RB;                                                            \
    const Value* rc = k + arg_c(i);                                            \
    if (rb->is_number()) {                                                     \
      double x = to_double(*rb), y = to_double(*rc);                           \
      set_float(RA, expr);                                                     \
      DISPATCH();                                                              \
    }                                                                          \
    PROTECT(arith_slow(L, arop, rb, rc, RA));                                  \
    DISPATCH();                                                                \
  }

  FLOAT_OP(POW, POWK, kArPow, (y == 2 ? x * x : std::pow(x, y)))
  FLOAT_OP(DIV, DIVK, kArDiv, x / y)

#define BIT_OP(name, kname, arop, expr)                                        \
  op_##name: {                                                                  \
    Value* rb = RB;                                                            \
    Value* rc = RC;                                                            \
    if (rb->is_int() && rc->is_int()) {                                        \
      int64_t x = rb->i, y = rc->i;                                            \
      set_int(RA, expr);                                                       \
      DISPATCH();                                                              \
    }                                                                          \
    PROTECT(arith_slow(L, arop, rb, rc, RA));                                  \
    DISPATCH();                                                                \
  }                                                                            \
  op_##kname: {                                                                 \
    Value* rb = RB;                                                            \
    const Value* rc = k + arg_c(i);                                            \
    if (rb->is_int() && rc->is_int()) {                                        \
      int64_t x = rb->i, y = rc->i;                                            \
      set_int(RA, expr);                                                       \
      DISPATCH();                                                              \
    }                                                                          \
    PROTECT(arith_slow(L, arop, rb, rc, RA));                                  \
    DISPATCH();                                                                \
  }

  BIT_OP(BAND, BANDK, kArBAnd, x & y)
  BIT_OP(BOR, BORK, kArBOr, x | y)
  BIT_OP(BXOR, BXORK, kArBXor, x ^ y)
  BIT_OP(SHL, SHLK, kArShl, int_shl(x, y))
  BIT_OP(SHR, SHRK, kArShr, int_shr(x, y))

// Constant on the left of a commutative operator (kept on the left, so even NaN payloads
// come out as lua5.4's do).
#define RARITH_OP(name, arop, int_expr, float_expr)                   \
  op_##name: {                                                         \
    Value* rb = RB;                                                   \
    const Value* kc = k + arg_c(i);                                   \
    if (rb->is_int() && kc->is_int()) {                               \
      int64_t x = kc->i, y = rb->i;                                   \
      set_int(RA, int_expr);                                          \
      DISPATCH();                                                     \
    }                                                                 \
    if (rb->is_number()) {                                            \
      double x = to_double(*kc), y = to_double(*rb);                  \
      set_float(RA, float_expr);                                      \
      DISPATCH();                                                     \
    }                                                                 \
    PROTECT(arith_slow(L, arop, kc, rb, RA));                         \
    DISPATCH();                                                       \
  }
  RARITH_OP(RADDK, kArAdd, int_add(x, y), float_add(x, y))
  RARITH_OP(RMULK, kArMul, int_mul(x, y), float_mul(x, y))

op_ADDI: {
  Value* rb = RB;
  int sc = arg_sc(i);
  if (rb->is_int()) {
    set_int(RA, int_add(rb->i, sc));
    DISPATCH();
  }
  if (rb->is_float()) {
    set_float(RA, rb->n + sc);
    DISPATCH();
  }
  Value imm = Value::integer(sc);
  PROTECT(arith_slow(L, kArAdd, rb, &imm, RA));
  DISPATCH();
}
op_UNM: {
  Value* rb = RB;
  if (rb->is_int()) {
    set_int(RA, int_sub(0, rb->i));
    DISPATCH();
  }
  if (rb->is_float()) {
    set_float(RA, -rb->n);
    DISPATCH();
  }
  PROTECT(unm_slow(L, rb, RA));
  DISPATCH();
}
op_BNOT: {
  Value* rb = RB;
  if (rb->is_int()) {
    set_int(RA, ~rb->i);
    DISPATCH();
  }
  PROTECT(bnot_slow(L, rb, RA));
  DISPATCH();
}
op_NOT: {
  bool f = RB->is_falsy();
  set_bool(RA, f);
  DISPATCH();
}
op_LEN: {
  Value* rb = RB;
  if (rb->is_string()) {
    set_int(RA, static_cast<int64_t>(rb->s->len));
    DISPATCH();
  }
  if (rb->is_table() && no_tm(rb->t->meta, kTMLen)) {
    set_int(RA, table_length(rb->t));
    DISPATCH();
  }
  PROTECT(len_slow(L, rb, RA));
  DISPATCH();
}
op_CONCAT: {
  PROTECT(concat_values(L, base + arg_b(i), arg_c(i), RA));
  CHECK_GC();
  DISPATCH();
}
op_CLOSE: {
  close_upvals(L, RA);
  DISPATCH();
}
op_JMP: {
  int off = arg_sj(i);
  pc += off;
  if (off < 0) CPJIT_LUA_LOOP_BACK_EDGE(L, ci, pc, pc - off - 1);
  DISPATCH();
}
op_EQ: {
  Value* ra = RA;
  Value* rb = RB;
  bool res;
  if (ra->is_int() && rb->is_int()) {
    res = ra->i == rb->i;
  } else if (ra->tag == rb->tag && (ra->is_table() || ra->tag == kTagUserdata) && ra->p != rb->p) {
    PROTECT(res = equal_obj(L, ra, rb));
  } else {
    res = raw_equal(*ra, *rb);
  }
  COND_JUMP(res);
}
op_LT: {
  Value* ra = RA;
  Value* rb = RB;
  bool res;
  if (ra->is_int() && rb->is_int()) res = ra->i < rb->i;
  else if (ra->is_float() && rb->is_float()) res = ra->n < rb->n;
  else if (ra->is_number() && rb->is_number()) res = lt_num(*ra, *rb);
  else PROTECT(res = less_than(L, ra, rb));
  COND_JUMP(res);
}
op_LE: {
  Value* ra = RA;
  Value* rb = RB;
  bool res;
  if (ra->is_int() && rb->is_int()) res = ra->i <= rb->i;
  else if (ra->is_float() && rb->is_float()) res = ra->n <= rb->n;
  else if (ra->is_number() && rb->is_number()) res = le_num(*ra, *rb);
  else PROTECT(res = less_equal(L, ra, rb));
  COND_JUMP(res);
}
op_EQK: {
  bool res = raw_equal(*RA, k[arg_b(i)]);
  COND_JUMP(res);
}
op_EQI: {
  Value* ra = RA;
  int imm = arg_sb(i);
  bool res;
  if (ra->is_int()) res = ra->i == imm;
  else if (ra->is_float()) res = ra->n == static_cast<double>(imm);
  else res = false;
  COND_JUMP(res);
}

#define CMP_IMM(name, op, slow)                                  \
  op_##name: {                                                    \
    Value* ra = RA;                                              \
    int imm = arg_sb(i);                                         \
    bool res;                                                    \
    if (ra->is_int()) {                                          \
      res = ra->i op imm;                                        \
    } else if (ra->is_float()) {                                 \
      res = ra->n op static_cast<double>(imm);                   \
    } else {                                                     \
      Value iv = Value::integer(imm);                            \
      PROTECT(res = slow);                                       \
    }                                                            \
    COND_JUMP(res);                                              \
  }

  CMP_IMM(LTI, <, less_than(L, ra, &iv))
  CMP_IMM(LEI, <=, less_equal(L, ra, &iv))
  CMP_IMM(GTI, >, less_than(L, &iv, ra))
  CMP_IMM(GEI, >=, less_equal(L, &iv, ra))

op_TEST: {
  bool truthy = !RA->is_falsy();
  COND_JUMP(truthy);
}
op_TESTSET: {
  Value* rb = RB;
  bool truthy = !rb->is_falsy();
  if (static_cast<int>(truthy) != arg_c(i)) {
    pc++;
  } else {
    *RA = *rb;
    pc += arg_sj(*pc) + 1;
  }
  DISPATCH();
}
op_CALL: {
  Value* ra = RA;
  int b = arg_b(i);
  int nresults = arg_c(i) - 1;
  if (b != 0) L->top = ra + b;
  SAVEPC();
  if (ra->tag == kTagLClosure) {
    Proto* p = ra->lcl->p;
    Value* nbase = ra + 1;
    if (!p->is_vararg && nbase + p->maxstack <= L->stack_limit) {
      // Lua-to-Lua call: a new frame and a jump, nothing on the C++ stack.
      int nargs = static_cast<int>(L->top - nbase);
      for (; nargs < p->numparams; nargs++) set_nil(nbase + nargs);
      CallInfo* nci = ci->next ? ci->next : next_ci(L);
      nci->func = ra;
      nci->base = nbase;
      nci->top = nbase + p->maxstack;
      nci->savedpc = p->code;
      nci->nresults = nresults;
      nci->nvarargs = 0;
      nci->status = kCILua;
      Value* hi = nci->top > L->top ? nci->top : L->top;
      if (hi > L->stack_hwm) L->stack_hwm = hi;
      L->ci = nci;
      ci = nci;
      // Tier 2 counts calls per function and enters a trace that starts at its entry.
      if (L->jit != nullptr && --p->jit_countdown < 0 && jit_function_entry(L, nci)) {
        disp = jit_recording(L) ? kRecordDispatch : kDispatch;
        ci = L->ci;
        goto newframe;
      }
      // The new frame's state is at hand: no need to reload it through ci.
      cl = ra->lcl;
      k = p->k;
      base = nbase;
      pc = p->code;
      DISPATCH();
    }
  }
  if (ra->tag == kTagCFunction && L->top + kMinCStack <= L->stack_limit) {
    // Builtin call, inlined: frame, call, results to ra.
    CallInfo* nci = ci->next ? ci->next : next_ci(L);
    nci->func = ra;
    nci->base = ra + 1;
    nci->top = L->top + kMinCStack;
    nci->nresults = nresults;
    nci->nvarargs = 0;
    nci->status = 0;
    if (nci->top > L->stack_hwm) L->stack_hwm = nci->top;
    L->ci = nci;
    int n = ra->f(L);
    if (nresults == 1) {
      if (n > 0) *ra = L->top[-n];
      else set_nil(ra);
      L->ci = ci;
    } else {
      poscall(L, nci, L->top - n, n);
    }
  } else {
    CallInfo* nci = precall(L, ra, nresults);
    if (nci != nullptr) {
      ci = nci;
      goto newframe;
    }
  }
  // A builtin ran; its results are in place.
  if (nresults >= 0) {
    L->top = ci->top;
    CHECK_GC();
  } else if (L->heap.total >= L->heap.threshold) {
    gc_check(L, L->top > ci->top ? L->top : ci->top);
  }
  DISPATCH();
}
op_TAILCALL: {
  Value* ra = RA;
  int b = arg_b(i);
  if (b != 0) L->top = ra + b;
  SAVEPC();
  if (!ra->is_function()) resolve_call(L, ra);
  if (L->open_upvals && L->open_upvals->v >= base) close_upvals(L, base);
  if (ra->tag == kTagLClosure) {
    // Reuse this frame: move the function and its arguments down to ci->func.
    Value* func = ci->func;
    int n = static_cast<int>(L->top - ra);
    for (int j = 0; j < n; j++) func[j] = ra[j];
    L->top = func + n;
    Proto* p = func->lcl->p;
    int nargs = n - 1;
    int nfix = p->numparams;
    if (func + 1 + nargs + nfix + p->maxstack > L->stack_limit) rt_error(L, "stack overflow");
    for (; nargs < nfix; nargs++) set_nil(func + 1 + nargs);
    Value* nbase = func + 1;
    int nvarargs = 0;
    if (p->is_vararg) {
      nvarargs = nargs - nfix;
      nbase = func + 1 + nargs;
      for (int j = 0; j < nfix; j++) nbase[j] = func[1 + j];
    }
    ci->base = nbase;
    ci->top = nbase + p->maxstack;
    ci->savedpc = p->code;
    ci->nvarargs = nvarargs;
    ci->status |= kCITail;
    Value* hi = ci->top > L->top ? ci->top : L->top;
    if (hi > L->stack_hwm) L->stack_hwm = hi;
    goto newframe;
  }
  precall(L, ra, -1);
  rfirst = ra;
  rn = static_cast<int>(L->top - ra);
  goto do_return;
}
op_RETURN: {
  Value* ra = RA;
  int b = arg_b(i);
  rfirst = ra;
  rn = b != 0 ? b - 1 : static_cast<int>(L->top - ra);
  goto do_return;
}
do_return: {
  if (L->open_upvals && L->open_upvals->v >= base) close_upvals(L, base);
  bool fresh = ci->status & kCIFresh;
  int wanted = ci->nresults;
  poscall(L, ci, rfirst, rn);
  if (fresh) return;
  ci = L->ci;
  if (wanted >= 0) L->top = ci->top;
  goto newframe;
}
op_RETURN0: {
  if (L->open_upvals && L->open_upvals->v >= base) close_upvals(L, base);
  bool fresh = ci->status & kCIFresh;
  int wanted = ci->nresults;
  Value* res = ci->func;
  L->ci = ci->prev;
  if (wanted < 0) {
    L->top = res;
  } else {
    for (int j = 0; j < wanted; j++) set_nil(res + j);
    L->top = res + wanted;
  }
  if (fresh) return;
  ci = L->ci;
  if (wanted >= 0) L->top = ci->top;
  goto newframe;
}
op_RETURN1: {
  if (L->open_upvals && L->open_upvals->v >= base) close_upvals(L, base);
  bool fresh = ci->status & kCIFresh;
  int wanted = ci->nresults;
  Value* res = ci->func;
  Value* ra = RA;
  L->ci = ci->prev;
  if (wanted == 1) {
    *res = *ra;
    L->top = res + 1;
  } else if (wanted < 0) {
    *res = *ra;
    L->top = res + 1;
  } else {
    if (wanted > 0) *res = *ra;
    for (int j = 1; j < wanted; j++) set_nil(res + j);
    L->top = res + wanted;
  }
  if (fresh) return;
  ci = L->ci;
  if (wanted >= 0) L->top = ci->top;
  goto newframe;
}
op_FORPREP: {
  Value* ra = RA;
  if (ra[0].is_int() && ra[2].is_int()) {
    int64_t init = ra[0].i;
    int64_t step = ra[2].i;
    int64_t limit;
    if (step == 0) {
      SAVEPC();
      rt_error(L, "'for' step is zero");
    }
    bool skip;
    if (ra[1].is_int()) {
      limit = ra[1].i;
      skip = step > 0 ? init > limit : init < limit;
    } else {
      SAVEPC();
      skip = for_limit(L, ra + 1, init, step, &limit);
    }
    if (skip) {
      pc += arg_bx(i) + 1;
      DISPATCH();
    }
    // Iteration count, computed in unsigned arithmetic so no step can overflow.
    uint64_t count;
    if (step > 0)
      count = (static_cast<uint64_t>(limit) - static_cast<uint64_t>(init)) / static_cast<uint64_t>(step);
    else
      count = (static_cast<uint64_t>(init) - static_cast<uint64_t>(limit)) /
              (static_cast<uint64_t>(-(step + 1)) + 1u);
    set_int(ra + 1, static_cast<int64_t>(count));
    set_int(ra + 3, init);
  } else {
    SAVEPC();
    if (float_for_prep(L, ra)) pc += arg_bx(i) + 1;
  }
  DISPATCH();
}
op_FORLOOP: {
  Value* ra = RA;
  if (ra[2].is_int()) {
    uint64_t count = static_cast<uint64_t>(ra[1].i);
    if (count > 0) {
      ra[1].i = static_cast<int64_t>(count - 1);
      int64_t idx = int_add(ra[0].i, ra[2].i);
      ra[0].i = idx;
      set_int(ra + 3, idx);
      pc -= arg_bx(i);
      CPJIT_LUA_LOOP_BACK_EDGE(L, ci, pc, pc + arg_bx(i) - 1);
    }
  } else {
    double step = ra[2].n;
    double idx = ra[0].n + step;
    double lim = ra[1].n;
    if (step > 0 ? idx <= lim : lim <= idx) {
      ra[0].n = idx;
      set_float(ra + 3, idx);
      pc -= arg_bx(i);
      CPJIT_LUA_LOOP_BACK_EDGE(L, ci, pc, pc + arg_bx(i) - 1);
    }
  }
  DISPATCH();
}
op_TFORPREP: {
  pc += arg_bx(i);
  DISPATCH();
}
op_TFORCALL: {
  Value* ra = RA;
  int nres = arg_c(i);
  if (ra[0].tag == kTagCFunction && ra[0].f == base_next && ra[1].is_table()) {
    // pairs() over a plain table: step the traversal without a call.
    Value key = ra[2];
    SAVEPC();
    Value val;
    if (table_next(L, ra[1].t, &key, &val)) {
      ra[3] = key;
      if (nres >= 2) ra[4] = val;
      for (int j = 2; j < nres; j++) set_nil(ra + 3 + j);
    } else {
      for (int j = 0; j < nres; j++) set_nil(ra + 3 + j);
    }
    DISPATCH();
  }
  ra[3] = ra[0];
  ra[4] = ra[1];
  ra[5] = ra[2];
  L->top = ra + 6;
  SAVEPC();
  CallInfo* nci = precall(L, ra + 3, nres);
  if (nci != nullptr) {
    ci = nci;
    goto newframe;
  }
  L->top = ci->top;
  CHECK_GC();
  DISPATCH();
}
op_TFORLOOP: {
  Value* ra = RA;
  if (!ra[3].is_nil()) {
    ra[2] = ra[3];
    pc -= arg_bx(i);
    CPJIT_LUA_LOOP_BACK_EDGE(L, ci, pc, pc + arg_bx(i) - 1);
  }
  DISPATCH();
}
op_SETLIST: {
  Value* ra = RA;
  int n = arg_b(i);
  uint32_t start = *pc;
  SAVEPC();
  pc++;
  if (n == 0) {
    n = static_cast<int>(L->top - ra - 1);
    L->top = ci->top;
  }
  Table* t = ra->t;
  uint64_t last = static_cast<uint64_t>(start) + static_cast<uint64_t>(n);
  if (last > t->asize) {
    if (last > UINT32_MAX) rt_error(L, "table overflow");
    table_ensure_array(L, t, static_cast<uint32_t>(last));
  }
  gc_barrier_any(L, t);  // the constructor's table may have grown old while its items ran
  for (int j = 1; j <= n; j++) t->array[start + j - 1] = ra[j];
  DISPATCH();
}
op_CLOSURE: {
  Proto* p = cl->p->protos[arg_bx(i)];
  SAVEPC();
  LClosure* ncl = lclosure_new(L, p);
  for (int j = 0; j < p->nupvals; j++) {
    const UpvalDesc& d = p->upvals[j];
    ncl->upvals[j] = d.in_stack ? find_upval(L, base + d.idx) : cl->upvals[d.idx];
  }
  *RA = Value::lclosure(ncl);
  CHECK_GC();
  DISPATCH();
}
op_VARARG: {
  Value* ra = RA;
  int n = ci->nvarargs;
  int wanted = arg_c(i) - 1;
  Value* src = base - n;
  if (wanted < 0) {
    wanted = n;
    if (ra + n > L->stack_limit) {
      SAVEPC();
      rt_error(L, "stack overflow");
    }
    L->top = ra + n;
    if (L->top > L->stack_hwm) L->stack_hwm = L->top;
  }
  for (int j = 0; j < wanted; j++) {
    if (j < n) ra[j] = src[j];
    else set_nil(ra + j);
  }
  DISPATCH();
}

#undef DISPATCH
#undef RA
#undef RB
#undef RC
#undef SAVEPC
#undef PROTECT
#undef CHECK_GC
#undef COND_JUMP
#undef ARITH_OP
#undef DIV_OP
#undef FLOAT_OP
#undef BIT_OP
#undef CMP_IMM
#undef RARITH_OP
#undef SETTABUP_OP
#undef SETTABLE_OP
#undef SETI_OP
#undef SETFIELD_OP
}

}  // namespace cpjit::lua
