/* cpjit-lua's uops: what a hot Lua loop becomes in tier 2.
 *
 * Operands are register numbers (slots relative to the frame's base, 8 bits), constants
 * (immediates of up to 64 bits: integers, float bits, pointers to interned strings) and
 * upvalue numbers. Registers live in the Lua stack at all times, so a side exit needs no state
 * restored but the resume point: the interpreter continues at that bytecode instruction.
 *
 * Every uop that can fail (a type is not what the recorder saw, a table has a metamethod, a
 * helper could not complete without raising an error) leaves through side exit 0 *before*
 * changing anything; the interpreter then runs that instruction itself, with all of Lua's
 * semantics (metamethods, error messages). Helpers never throw.
 *
 * Facts (lua_layout.h, LJ_FACT_*) say which tag a register holds; type guards prove them,
 * arithmetic produces them, and the optimizer removes guards whose fact is already known. */
#include <math.h>
#include <stdint.h>

#include "lua_layout.h"
#include "lua_helpers.h"

/* Pinned state: the interpreter, the frame's registers, two integer homes and float register
 * caches (cpjit/stencil_set.h):
 *   ih1, ih2  a numeric for loop's index and iteration count, kept there for the whole loop by
 *             FORLOOP_I's carried variants (FORLOOP_I__H1__H2) and filled by ILOAD_H1/H2. They
 *             are the third and fourth integers, in registers that calls preserve (x86-64 r14
 *             and r15, AArch64 x22 and x23), so they stay across the helper calls of the loop's
 *             other uops at no cost (KEEPS_ACROSS_CALLS);
 *   facc      the float that the last float-producing uop stored: a uop right after it reads
 *             its operand from there instead of from the slot (the __<k> variants);
 *   fb        a second operand register: BASE__1__b reads operand 1 from facc and 2 from fb;
 *   fh1..fh4  homes: floats a loop carries from one iteration to the next, each kept there for
 *             the whole loop and copied into facc or fb to be read (FLOAD_A__H1 ...).
 *   cl        the closure of the frame the trace runs as its own (its base's), after them in a
 *             register that calls do not preserve: a stencil loads it again from the state after
 *             a call (L->jit_closure, which run_trace sets and a uop that makes another frame
 *             the trace's own updates with SET_CLOSURE), rather than keep it across the call.
 * fb and the float homes are given up across helper calls (CPJIT_CALL_CLOBBERS): saving four
 * more doubles around every call would cost the stencils that call on their fast path. */
#define CPJIT_STATE(X)                                                                            \
  X(struct lj_state *, L) X(lj_value *, base) X(int64_t, ih1) X(int64_t, ih2) X(lj_lclosure *, cl) \
  X(double, facc) X(double, fb) X(double, fh1) X(double, fh2) X(double, fh3) X(double, fh4)
#define FACC 1 /* cache numbers */
#define FB 2
#define FH1 3
#define FH2 4
#define FH3 5
#define FH4 6
#define IH1 7
#define IH2 8
#define CPJIT_CALL_CLOBBERS() \
  (CPJIT_LOSE(fb), CPJIT_LOSE(fh1), CPJIT_LOSE(fh2), CPJIT_LOSE(fh3), CPJIT_LOSE(fh4), cl = L->jit_closure)
#define SET_CLOSURE(X) (cl = (X), L->jit_closure = cl)
#include <cpjit/stencil.h>

/* A libm call inside an expression gives fb and the homes up as CPJIT_CALL does, without pinning
 * the state right after it (which would keep facc's old value alive across the call when the
 * expression's result replaces it). */
#define LIBM_CALL(call)                          \
  ({                                             \
    __typeof__(call) libm_result_ = (call);      \
    CPJIT_CALL_CLOBBERS();                       \
    libm_result_;                                \
  })

CPJIT_HELPER(lj_get_int);
CPJIT_HELPER(lj_index_int);
CPJIT_HELPER(lj_set_int);
CPJIT_HELPER(lj_get_field);
CPJIT_HELPER(lj_get_field_typed);
CPJIT_HELPER(lj_set_field);
CPJIT_HELPER(lj_table_length);
CPJIT_HELPER(lj_new_table);
CPJIT_HELPER(lj_concat);
CPJIT_HELPER(lj_get);
CPJIT_HELPER(lj_set);
CPJIT_HELPER(lj_string_method);
CPJIT_HELPER(lj_string_method_kept);
CPJIT_HELPER(lj_call);
CPJIT_HELPER(lj_push_frame);
CPJIT_HELPER(lj_pop_frame);
CPJIT_HELPER(lj_set_int_c);
CPJIT_HELPER(lj_set_field_c);
CPJIT_HELPER(lj_has_open_upvalues);
CPJIT_HELPER(lj_set_list);
CPJIT_HELPER(lj_next);
CPJIT_HELPER(lj_closure);
CPJIT_HELPER(lj_close_upvals);
CPJIT_HELPER(lj_gc_store);
CPJIT_HELPER(lj_str_sub);
CPJIT_HELPER(lj_str_cmp);
CPJIT_HELPER(lj_num_lt);
CPJIT_HELPER(lj_num_le);
CPJIT_HELPER(lj_meta);
CPJIT_HELPER(pow);
CPJIT_HELPER(fmod);
CPJIT_HELPER(floor);
CPJIT_HELPER(ceil);
CPJIT_HELPER(sin);
CPJIT_HELPER(cos);
CPJIT_HELPER(exp);
CPJIT_HELPER(log);

#define R_ CPJIT_OPERAND_SLOT_READ
#define W_ CPJIT_OPERAND_SLOT_WRITE
#define RW_ CPJIT_OPERAND_SLOT_READ_WRITE
#define I_ CPJIT_OPERAND_IMMEDIATE
#define GUARD_FLAGS (CPJIT_UOP_GUARD | CPJIT_UOP_MAY_EXIT)

/* Slot operands are byte offsets of registers from the trace's frame base (register r is operand
 * 16 * r): the address needs no scaling. 16 bits leave room for inlined frames above it. */
#define REG(n) ((lj_value *)((char *)base + CPJIT_OPERAND_U16(n)))
/* Upvalue operands are byte offsets of the upvalue's pointer in its closure
 * (offsetof(lj_lclosure, upvals) + 8 * index), folded into the load's displacement too. */
#define UPVAL(CLOSURE, N) (*(lj_upval *const *)((const char *)(CLOSURE) + CPJIT_OPERAND_U16(N)))
/* The closure of an inlined function, in the slot below its frame (operand N). */
#define CLOSURE_AT(N) ((lj_lclosure *)REG(N)->u.p)

static inline __attribute__((always_inline)) void set_int(lj_value *v, int64_t x) {
  v->u.i = x;
  v->tag = LJ_INT;
}
static inline __attribute__((always_inline)) void set_float(lj_value *v, double x) {
  v->u.n = x;
  v->tag = LJ_FLOAT;
}
/* Given-fact variants (the __t uops, .given = {0, 0, fact}): the optimizer uses them where the
 * slot they write holds a value of the result's type already, and they leave its tag as it is.
 * KNOWN is a literal. */
static inline __attribute__((always_inline)) void put_int(lj_value *v, int64_t x, int known) {
  v->u.i = x;
  if (!known) v->tag = LJ_INT;
}
static inline __attribute__((always_inline)) void put_float(lj_value *v, double x, int known) {
  v->u.n = x;
  if (!known) v->tag = LJ_FLOAT;
}
/* Frame loops copy a handful of values: kept as plain loops (vectorised, each grew its stencil
 * to over a kilobyte of code). */
#define NO_VECTOR _Pragma("clang loop vectorize(disable) interleave(disable) unroll(disable)")
static inline __attribute__((always_inline)) void copy_value(lj_value *to, const lj_value *from) {
  to->u.i = from->u.i;  /* payload and tag, not the padding */
  to->tag = from->tag;
}
/* The generational write barrier (src/gc.h, gc_barrier): before object O (a table or an
 * upvalue) may come to refer to a value with tag TAG, an old one not yet touched since the last
 * collection goes on the collector's list of touched objects. A store's fast path runs only
 * when GC_TOUCHES is false; else its helper, which runs the barrier, stores (a call on the fast
 * path would make clang set a stack frame up on it). Number and boolean stores (the typed forms)
 * need no barrier. STORE_VALUE is the same for a uop without a helper: the barrier's own
 * helper touches O and stores, so that nothing stays live across the call. */
#define GC_TOUCHES(O, TAG) (((const lj_gcobject *)(O))->marked == LJ_GC_OLD && (TAG) >= LJ_STRING)
#define STORE_VALUE(O, DST, SRC)                         \
  do {                                                   \
    lj_value *dst_ = (DST);                              \
    const lj_value *src_ = (SRC);                        \
    if (__builtin_expect(GC_TOUCHES((O), src_->tag), 0)) { \
      lj_gc_store(L, (void *)(O), dst_, src_);           \
      CPJIT_PIN_STATE();                                 \
    } else {                                             \
      copy_value(dst_, src_);                            \
    }                                                    \
  } while (0)
/* Metamethod `tm` may apply to a table with metatable `mt`. */
static inline __attribute__((always_inline)) int may_have_tm(const lj_table *mt, unsigned tm) {
  return mt != 0 && !(mt->tm_absent & (1u << tm));
}
/* Before a store into table t under a string key (src/table.h, table_note_store): a table that
 * class lookup caches rely on invalidates them. `watched` is 0 or 1: added without a branch,
 * whose rare block clang placed last, so that every store's fast path ended in a jump to the
 * next uop instead of falling through. */
static inline __attribute__((always_inline)) void note_store(struct lj_state *L, const lj_table *t) {
  L->class_epoch += t->watched;
}

/* The condition of a fast path, the case that runs almost every time, told to clang as the
 * unlikely one: clang then places that block last in the stencil, where its jump to the next
 * uop is removed and it falls through. The hot path takes one branch into the block instead of
 * one jump out of it, and runs one instruction less. */
#define LAID_OUT_LAST(COND) __builtin_expect(!!(COND), 0)

/* The integer homes given up for a whole stencil: its paths leave zeros there, so clang has
 * their two registers for its own values (without, it saves rbp and uses it, which rule 7 of
 * cpjit/stencil.h refuses). Only in a uop that says so: CPJIT_UOP_CLOBBERS_CACHES or ESCAPES. */
#define GIVE_UP_INT_HOMES() (ih1 = 0, ih2 = 0)

/* ---- type guards ------------------------------------------------------------------------- */
#define TAG_GUARD(NAME, TAG, FACT)                                                          \
  CPJIT_UOP_INFO(NAME, .flags = GUARD_FLAGS, .operands = {R_}, .proves = {{0, 0, FACT}}); \
  CPJIT_UOP(NAME) {                                                                         \
    if (REG(0)->tag != TAG) CPJIT_EXIT(0);                                                  \
    CPJIT_CONTINUE();                                                                       \
  }
TAG_GUARD(GUARD_INT, LJ_INT, LJ_FACT_INT)
TAG_GUARD(GUARD_FLOAT, LJ_FLOAT, LJ_FACT_FLOAT)
TAG_GUARD(GUARD_TABLE, LJ_TABLE, LJ_FACT_TABLE)
TAG_GUARD(GUARD_STRING, LJ_STRING, LJ_FACT_STRING)
TAG_GUARD(GUARD_NIL, LJ_NIL, LJ_FACT_NIL)

/* Any other tag (booleans, functions): no fact the optimizer tracks. */
CPJIT_UOP_INFO(GUARD_TAG, .flags = GUARD_FLAGS, .operands = {R_, I_});
CPJIT_UOP(GUARD_TAG) {
  if (REG(0)->tag != CPJIT_OPERAND_U8(1)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(GUARD_NONNIL, .flags = GUARD_FLAGS, .operands = {R_});
CPJIT_UOP(GUARD_NONNIL) {
  if (REG(0)->tag == LJ_NIL) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* Truth tests (TEST, TESTSET): false and nil are the only false values. */
CPJIT_UOP_INFO(GUARD_TRUTHY, .flags = GUARD_FLAGS, .operands = {R_});
CPJIT_UOP(GUARD_TRUTHY) {
  if (REG(0)->tag <= LJ_FALSE) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(GUARD_FALSY, .flags = GUARD_FLAGS, .operands = {R_});
CPJIT_UOP(GUARD_FALSY) {
  if (REG(0)->tag > LJ_FALSE) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* A table without a metatable (pairs() then has no __pairs to call). */
CPJIT_UOP_INFO(GUARD_NOMETA, .flags = GUARD_FLAGS, .operands = {R_});
CPJIT_UOP(GUARD_NOMETA) {
  if (((const lj_table *)REG(0)->u.p)->meta != 0) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* The called value is this builtin (a CFunction pointer), before a call is inlined. */
CPJIT_UOP_INFO(GUARD_CFUNC, .flags = GUARD_FLAGS | CPJIT_UOP_IDEMPOTENT, .operands = {R_, I_});
CPJIT_UOP(GUARD_CFUNC) {
  const lj_value *f = REG(0);
  if (f->tag != LJ_CFUNCTION || (uint64_t)(uintptr_t)f->u.p != CPJIT_OPERAND_U64(1)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* ---- constants and copies ------------------------------------------------------------------
 * Storing a constant again into a slot that still holds it changes nothing (IDEMPOTENT): the
 * optimizer drops a loop's copy of a constant stored before the loop into a slot that nothing
 * in the loop writes otherwise. */
#define STORES_CONSTANT (CPJIT_UOP_PURE | CPJIT_UOP_IDEMPOTENT)
#define CONST_FLAGS (STORES_CONSTANT | CPJIT_UOP_CONST) /* operand 1 the value, which folding reads */
CPJIT_UOP_INFO(LOADI, .flags = CONST_FLAGS, .operands = {W_, I_}, .results = {{0, 0, LJ_FACT_INT}});
CPJIT_UOP(LOADI) {
  set_int(REG(0), CPJIT_OPERAND_I64(1));
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(LOADF, .flags = CONST_FLAGS, .operands = {W_, I_}, .results = {{0, 0, LJ_FACT_FLOAT}});
CPJIT_UOP(LOADF) {
  set_float(REG(0), CPJIT_OPERAND_F64(1));
  CPJIT_CONTINUE();
}
/* An interned string constant (the pointer). */
CPJIT_UOP_INFO(LOADSTR, .flags = CONST_FLAGS, .operands = {W_, I_}, .results = {{0, 0, LJ_FACT_STRING}});
CPJIT_UOP(LOADSTR) {
  lj_value *v = REG(0);
  v->u.p = CPJIT_OPERAND_PTR(1, void *);
  v->tag = LJ_STRING;
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(LOADNIL, .flags = STORES_CONSTANT, .operands = {W_}, .results = {{0, 0, LJ_FACT_NIL}});
CPJIT_UOP(LOADNIL) {
  REG(0)->tag = LJ_NIL;
  CPJIT_CONTINUE();
}
/* A function or table known as a constant: a builtin (pairs() and ipairs() return their
 * iterators, LOADCFUNC), or a value behind a GUARD_..._IS (LOADTAB, LOADLCL too). */
#define LOAD_OBJECT(NAME, TAG, FACT)                                                                 \
  CPJIT_UOP_INFO(NAME, .flags = STORES_CONSTANT, .operands = {W_, I_}, .results = {{0, 0, FACT}});   \
  CPJIT_UOP(NAME) {                                                                                 \
    lj_value *v = REG(0);                                                                           \
    v->u.i = CPJIT_OPERAND_I64(1);                                                                  \
    v->tag = TAG;                                                                                   \
    CPJIT_CONTINUE();                                                                               \
  }
LOAD_OBJECT(LOADCFUNC, LJ_CFUNCTION, 0)
LOAD_OBJECT(LOADTAB, LJ_TABLE, LJ_FACT_TABLE)
LOAD_OBJECT(LOADLCL, LJ_LCLOSURE, 0)
CPJIT_UOP_INFO(LOADTRUE, .flags = STORES_CONSTANT, .operands = {W_}, .results = {{0, 0, LJ_FACT_TRUE}});
CPJIT_UOP(LOADTRUE) {
  REG(0)->tag = LJ_TRUE;
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(LOADFALSE, .flags = STORES_CONSTANT, .operands = {W_}, .results = {{0, 0, LJ_FACT_FALSE}});
CPJIT_UOP(LOADFALSE) {
  REG(0)->tag = LJ_FALSE;
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(MOVE, .flags = CPJIT_UOP_PURE | CPJIT_UOP_MOVE, .operands = {W_, R_});
CPJIT_UOP(MOVE) {
  copy_value(REG(0), REG(1));
  CPJIT_CONTINUE();
}
/* A copy into a slot that holds a value of the source's type already (the optimizer knows both
 * facts, and every fact is one tag): the payload alone. One form per fact, the same code. */
#define MOVE_GIVEN(NAME, FACT)                                                                        \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_PURE | CPJIT_UOP_MOVE, .operands = {W_, R_}, .given = {0, 0, FACT}); \
  CPJIT_UOP(NAME) {                                                                                   \
    REG(0)->u.i = REG(1)->u.i;                                                                        \
    CPJIT_CONTINUE();                                                                                 \
  }
MOVE_GIVEN(MOVE__ti, LJ_FACT_INT)
MOVE_GIVEN(MOVE__tf, LJ_FACT_FLOAT)
MOVE_GIVEN(MOVE__ts, LJ_FACT_STRING)
MOVE_GIVEN(MOVE__tt, LJ_FACT_TABLE)

CPJIT_UOP_INFO(NOT, .flags = CPJIT_UOP_PURE, .operands = {W_, R_});
CPJIT_UOP(NOT) {
  REG(0)->tag = REG(1)->tag <= LJ_FALSE ? LJ_TRUE : LJ_FALSE;
  CPJIT_CONTINUE();
}

/* ---- integer arithmetic (Lua integers wrap) ---------------------------------------------- */
#define INT_OP_K(NAME, KNOWN, GIVEN, OPB_KIND, LOAD_B, EXPR)                                               \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_PURE, .operands = {W_, R_, OPB_KIND}, .results = {{0, 0, LJ_FACT_INT}}, \
                 .given = {0, 0, GIVEN});                                                                      \
  CPJIT_UOP(NAME) {                                                                                            \
    uint64_t a = (uint64_t)REG(1)->u.i, b = LOAD_B;                                                            \
    put_int(REG(0), (int64_t)(EXPR), KNOWN);                                                                   \
    CPJIT_CONTINUE();                                                                                          \
  }
#define INT_BINOP(NAME, EXPR)                                         \
  INT_OP_K(NAME, 0, 0, R_, (uint64_t)REG(2)->u.i, EXPR)               \
  INT_OP_K(NAME##__t, 1, LJ_FACT_INT, R_, (uint64_t)REG(2)->u.i, EXPR)
#define INT_IMMOP(NAME, EXPR)                                         \
  INT_OP_K(NAME, 0, 0, I_, CPJIT_OPERAND_U64(2), EXPR)                \
  INT_OP_K(NAME##__t, 1, LJ_FACT_INT, I_, CPJIT_OPERAND_U64(2), EXPR)
INT_BINOP(ADD_II, a + b)
INT_BINOP(SUB_II, a - b)
INT_BINOP(MUL_II, a *b)
INT_BINOP(BAND_II, a &b)
INT_BINOP(BOR_II, a | b)
INT_BINOP(BXOR_II, a ^ b)
INT_IMMOP(ADD_IK, a + b)
INT_IMMOP(SUB_IK, a - b)
INT_IMMOP(MUL_IK, a *b)
INT_IMMOP(BAND_IK, a &b)
INT_IMMOP(BOR_IK, a | b)
INT_IMMOP(BXOR_IK, a ^ b)

/* Shifts: Lua shifts logically, by any amount; a negative count shifts the other way. */
static inline __attribute__((always_inline)) uint64_t lua_shl(uint64_t x, int64_t n) {
  if (n <= -64 || n >= 64) return 0;
  return n >= 0 ? x << n : x >> -n;
}
INT_BINOP(SHL_II, lua_shl(a, (int64_t)b))
INT_BINOP(SHR_II, lua_shl(a, -(int64_t)b))
INT_IMMOP(SHL_IK, lua_shl(a, (int64_t)b))
INT_IMMOP(SHR_IK, lua_shl(a, -(int64_t)b))

CPJIT_UOP_INFO(UNM_I, .flags = CPJIT_UOP_PURE, .operands = {W_, R_}, .results = {{0, 0, LJ_FACT_INT}});
CPJIT_UOP(UNM_I) {
  set_int(REG(0), (int64_t)(0 - (uint64_t)REG(1)->u.i));
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(BNOT_I, .flags = CPJIT_UOP_PURE, .operands = {W_, R_}, .results = {{0, 0, LJ_FACT_INT}});
CPJIT_UOP(BNOT_I) {
  set_int(REG(0), ~REG(1)->u.i);
  CPJIT_CONTINUE();
}

/* Floor division and modulo round towards minus infinity; a zero divisor is an error, left to
 * the interpreter (error exit: it raises "attempt to perform 'n//0'"). */
static inline __attribute__((always_inline)) int64_t lua_idiv(int64_t a, int64_t b) {
  if (b == -1) return (int64_t)(0 - (uint64_t)a); /* avoids INT64_MIN / -1 */
  int64_t q = a / b;
  if ((a % b != 0) && ((a ^ b) < 0)) q -= 1;
  return q;
}
static inline __attribute__((always_inline)) int64_t lua_imod(int64_t a, int64_t b) {
  if (b == -1) return 0;
  int64_t m = a % b;
  if (m != 0 && ((m ^ b) < 0)) m += b;
  return m;
}
#define INT_DIVOP(NAME, FN)                                                                                  \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_PURE | CPJIT_UOP_MAY_ERROR, .operands = {W_, R_, R_},              \
                 .results = {{0, 0, LJ_FACT_INT}});                                                          \
  CPJIT_UOP(NAME) {                                                                                          \
    int64_t b = REG(2)->u.i;                                                                                 \
    if (b == 0) CPJIT_ERROR();                                                                               \
    set_int(REG(0), FN(REG(1)->u.i, b));                                                                     \
    CPJIT_CONTINUE();                                                                                        \
  }
INT_DIVOP(IDIV_II, lua_idiv)
INT_DIVOP(MOD_II, lua_imod)
/* With a constant divisor the recorder checked is not zero. */
#define INT_DIVK(NAME, FN)                                                                                    \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_PURE, .operands = {W_, R_, I_}, .results = {{0, 0, LJ_FACT_INT}}); \
  CPJIT_UOP(NAME) {                                                                                           \
    set_int(REG(0), FN(REG(1)->u.i, CPJIT_OPERAND_I64(2)));                                                   \
    CPJIT_CONTINUE();                                                                                         \
  }
INT_DIVK(IDIV_IK, lua_idiv)
INT_DIVK(MOD_IK, lua_imod)
/* The same for a divisor d of at least 2 (operand 2) with operand 3 m = floor(2^64 / d) + 1,
 * which the recorder computes: a multiply instead of a division, whose latency is several
 * times a multiply's. For 0 <= u < 2^63, u*m / 2^64 lies in [u/d, u/d + u/2^64), less than 1/2
 * above u/d, so its floor (the high half of the product) is floor(u/d) or one more, and a
 * negative remainder says which (Granlund and Montgomery, "Division by invariant integers
 * using multiplication", PLDI 1994, with an exponent that needs no shift and a correction
 * step instead of a 65-bit multiplier). A negative n is u = ~n = -n - 1: floored,
 * n // d = -1 - u // d = ~(u // d) and n % d = d - 1 - u % d = ~(u % d) + d. */
static inline __attribute__((always_inline)) int64_t udiv_magic(uint64_t u, uint64_t d, uint64_t m, int64_t *rem) {
  uint64_t q = (uint64_t)(((unsigned __int128)u * m) >> 64);
  int64_t r = (int64_t)(u - q * d);
  const int64_t over = r >> 63; /* -1 when q is one too many */
  *rem = r + (int64_t)(d & (uint64_t)over);
  return (int64_t)q + over;
}
static inline __attribute__((always_inline)) int64_t lua_idiv_magic(int64_t n, uint64_t d, uint64_t m) {
  const int64_t sign = n >> 63;
  int64_t r;
  return udiv_magic((uint64_t)(n ^ sign), d, m, &r) ^ sign;
}
static inline __attribute__((always_inline)) int64_t lua_imod_magic(int64_t n, uint64_t d, uint64_t m) {
  const int64_t sign = n >> 63;
  int64_t r;
  udiv_magic((uint64_t)(n ^ sign), d, m, &r);
  return (r ^ sign) + (int64_t)(d & (uint64_t)sign);
}
#define INT_DIVM(NAME, FN)                                                                                        \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_PURE, .operands = {W_, R_, I_, I_}, .results = {{0, 0, LJ_FACT_INT}}); \
  CPJIT_UOP(NAME) {                                                                                               \
    set_int(REG(0), FN(REG(1)->u.i, CPJIT_OPERAND_U64(2), CPJIT_OPERAND_U64(3)));                                 \
    CPJIT_CONTINUE();                                                                                             \
  }
INT_DIVM(IDIV_IM, lua_idiv_magic)
INT_DIVM(MOD_IM, lua_imod_magic)

/* ---- float arithmetic ------------------------------------------------------------------------
 * Operand shapes: FF (two floats), IF / FI (an integer converted exactly as Lua does), II (two
 * integers into a float result: division and power), FK / IK (a float constant). Every one
 * leaves its result in facc too; the __1 and __2 variants read that float operand from facc. */
#define FLOAT_UOP_K(NAME, KNOWN, GIVEN, OPB_KIND, LOAD_A, LOAD_B, EXPR, ...)                                        \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_PURE, .operands = {W_, R_, OPB_KIND}, .results = {{0, 0, LJ_FACT_FLOAT}}, \
                 .cache_out = {0, FACC}, .given = {0, 0, GIVEN}, ##__VA_ARGS__);                                   \
  CPJIT_UOP(NAME) {                                                                                                 \
    double a = LOAD_A, b = LOAD_B;                                                                                  \
    facc = EXPR;                                                                                                    \
    put_float(REG(0), facc, KNOWN);                                                                                 \
    CPJIT_CONTINUE();                                                                                               \
  }
#define FLOAT_UOP(NAME, OPB_KIND, LOAD_A, LOAD_B, EXPR, ...) \
  FLOAT_UOP_K(NAME, 0, 0, OPB_KIND, LOAD_A, LOAD_B, EXPR, ##__VA_ARGS__)
#define F1 REG(1)->u.n
#define F2 REG(2)->u.n
#define I1 ((double)REG(1)->u.i)
#define I2 ((double)REG(2)->u.i)
#define K2 CPJIT_OPERAND_F64(2)
/* Every shape, with its cache variants, as BASE (SUF empty) or as its given variant (SUF __t,
 * whose cache variants are BASE__t__1 and so on). */
#define FLOAT_OPS_K(NAME, SUF, KNOWN, GIVEN, EXPR)                                                 \
  FLOAT_UOP_K(NAME##_FF##SUF, KNOWN, GIVEN, R_, F1, F2, EXPR)                                     \
  FLOAT_UOP_K(NAME##_FF##SUF##__1, KNOWN, GIVEN, R_, facc, F2, EXPR, .cache_in = {1, FACC})       \
  FLOAT_UOP_K(NAME##_FF##SUF##__2, KNOWN, GIVEN, R_, F1, facc, EXPR, .cache_in = {2, FACC})       \
  FLOAT_UOP_K(NAME##_FF##SUF##__1__b, KNOWN, GIVEN, R_, facc, fb, EXPR, .cache_in = {2, FB})       \
  FLOAT_UOP_K(NAME##_FF##SUF##__2__b, KNOWN, GIVEN, R_, fb, facc, EXPR, .cache_in = {1, FB})       \
  FLOAT_UOP_K(NAME##_IF##SUF, KNOWN, GIVEN, R_, I1, F2, EXPR)                                     \
  FLOAT_UOP_K(NAME##_IF##SUF##__2, KNOWN, GIVEN, R_, I1, facc, EXPR, .cache_in = {2, FACC})       \
  FLOAT_UOP_K(NAME##_FI##SUF, KNOWN, GIVEN, R_, F1, I2, EXPR)                                     \
  FLOAT_UOP_K(NAME##_FI##SUF##__1, KNOWN, GIVEN, R_, facc, I2, EXPR, .cache_in = {1, FACC})       \
  FLOAT_UOP_K(NAME##_FK##SUF, KNOWN, GIVEN, I_, F1, K2, EXPR)                                     \
  FLOAT_UOP_K(NAME##_FK##SUF##__1, KNOWN, GIVEN, I_, facc, K2, EXPR, .cache_in = {1, FACC})       \
  FLOAT_UOP_K(NAME##_IK##SUF, KNOWN, GIVEN, I_, I1, K2, EXPR)
#define FLOAT_OPS(NAME, EXPR)                  \
  FLOAT_OPS_K(NAME, , 0, 0, EXPR)               \
  FLOAT_OPS_K(NAME, __t, 1, LJ_FACT_FLOAT, EXPR)
/* When both operands are NaNs, x86-64 returns the first source operand's: a commutative
 * operation must keep `a` first whatever registers clang picked (a variant reading facc would
 * otherwise print nan where the interpreter prints -nan; tier 1 keeps the same order, with
 * float_add and float_mul in src/arith.h). AArch64 keeps source order. */
static inline __attribute__((always_inline)) double add_ordered(double a, double b) {
#if defined(__x86_64__)
  __asm__("addsd %1, %0" : "+x"(a) : "x"(b));
  return a;
#else
  return a + b;
#endif
}
static inline __attribute__((always_inline)) double mul_ordered(double a, double b) {
#if defined(__x86_64__)
  __asm__("mulsd %1, %0" : "+x"(a) : "x"(b));
  return a;
#else
  return a * b;
#endif
}
FLOAT_OPS(FADD, add_ordered(a, b))
FLOAT_OPS(FSUB, a - b)
FLOAT_OPS(FMUL, mul_ordered(a, b))
FLOAT_OPS(FDIV, a / b)
/* x * x, the recorder's FMUL of a float by itself: one read of x, none in the __1 variants
 * (x in facc). A square's two reads of one slot would both wait for the store before them. */
#define FLOAT_SQUARE(NAME, KNOWN, GIVEN, LOAD, ...)                                                                \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_PURE, .operands = {W_, R_}, .results = {{0, 0, LJ_FACT_FLOAT}},            \
                 .cache_out = {0, FACC}, .given = {0, 0, GIVEN}, ##__VA_ARGS__);                                   \
  CPJIT_UOP(NAME) {                                                                                                 \
    const double a = LOAD;                                                                                          \
    facc = a * a;                                                                                                 \
    put_float(REG(0), facc, KNOWN);                                                                                 \
    CPJIT_CONTINUE();                                                                                               \
  }
FLOAT_SQUARE(FSQ_F, 0, 0, F1)
FLOAT_SQUARE(FSQ_F__1, 0, 0, facc, .cache_in = {1, FACC})
FLOAT_SQUARE(FSQ_F__t, 1, LJ_FACT_FLOAT, F1)
FLOAT_SQUARE(FSQ_F__t__1, 1, LJ_FACT_FLOAT, facc, .cache_in = {1, FACC})
/* Loaders (cpjit/stencil_set.h): a float slot into a cache, and their variants copying one cache
 * into another. The optimizer keeps a float that a loop carries in a home (fh1..fh4) for the
 * whole loop, copies it into facc or fb where it is read (FLOAD_A__H1, FLOAD_B__H1, ...), and
 * refreshes the home after each store to its slot (FLOAD_H1__a when the store left the value in
 * facc). They move the slot's eight bytes whatever it holds: a variant reads a cache as a float
 * only where its base would read the slot as one. */
#define LOADER(NAME, DST, DST_CACHE, SRC, ...)                                                  \
  CPJIT_UOP_INFO(NAME, .operands = {R_}, .cache_out = {0, DST_CACHE}, ##__VA_ARGS__); \
  CPJIT_UOP(NAME) {                                                                   \
    DST = SRC;                                                                        \
    CPJIT_CONTINUE();                                                                 \
  }
#define HOME_LOADERS(H, HOME, CACHE)                                   \
  LOADER(FLOAD_##H, HOME, CACHE, REG(0)->u.n)                                 \
  LOADER(FLOAD_##H##__a, HOME, CACHE, facc, .cache_in = {0, FACC})     \
  LOADER(FLOAD_A__##H, facc, FACC, HOME, .cache_in = {0, CACHE})       \
  LOADER(FLOAD_B__##H, fb, FB, HOME, .cache_in = {0, CACHE})
LOADER(FLOAD_A, facc, FACC, REG(0)->u.n)
LOADER(FLOAD_B, fb, FB, REG(0)->u.n)
HOME_LOADERS(H1, fh1, FH1)
HOME_LOADERS(H2, fh2, FH2)
HOME_LOADERS(H3, fh3, FH3)
HOME_LOADERS(H4, fh4, FH4)
/* The integer homes' loaders: FORLOOP_I's carried variants read and update them. */
LOADER(ILOAD_H1, ih1, IH1, REG(0)->u.i, .flags = CPJIT_UOP_KEEPS_ACROSS_CALLS)
LOADER(ILOAD_H2, ih2, IH2, REG(0)->u.i, .flags = CPJIT_UOP_KEEPS_ACROSS_CALLS)
/* N shapes: an operand that is a number of either kind, its tag read here (FN, NF, NK). The
 * recorder uses them for an integer loaded from a table and mixed with floats, where a float
 * may take its place later: an integer guard would then fail every time. They leave the trace
 * for anything but a number, so they are not pure. */
/* The number operand is a float (the path tested first, a straight line that computes on its
 * own: sharing the computation with the integer path cost the float one two jumps) or an
 * integer, converted; anything else leaves before facc changes. */
#define FLOAT_NUM_UOP(NAME, KNOWN, GIVEN, OPB_KIND, N_LEFT, LOAD_F, EXPR, ...)                                         \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_, OPB_KIND}, .results = {{0, 0, LJ_FACT_FLOAT}}, \
                 .cache_out = {0, FACC}, .given = {0, 0, GIVEN}, ##__VA_ARGS__);                                      \
  CPJIT_UOP(NAME) {                                                                                                    \
    const lj_value *n_ = N_LEFT ? REG(1) : REG(2);                                                                     \
    const uint8_t tag_ = n_->tag;                                                                                      \
    if (__builtin_expect(tag_ == LJ_FLOAT, 1)) {                                                                       \
      const double a = N_LEFT ? n_->u.n : (LOAD_F), b = N_LEFT ? (LOAD_F) : n_->u.n;                                  \
      facc = EXPR;                                                                                                     \
      put_float(REG(0), facc, KNOWN);                                                                                  \
      CPJIT_CONTINUE();                                                                                                \
    }                                                                                                                  \
    if (tag_ != LJ_INT) CPJIT_EXIT(0);                                                                                 \
    const double a = N_LEFT ? (double)n_->u.i : (LOAD_F), b = N_LEFT ? (LOAD_F) : (double)n_->u.i;                    \
    facc = EXPR;                                                                                                       \
    put_float(REG(0), facc, KNOWN);                                                                                    \
    CPJIT_CONTINUE();                                                                                                  \
  }
#define FLOAT_NUM_OPS_K(NAME, SUF, KNOWN, GIVEN, EXPR)                                                 \
  FLOAT_NUM_UOP(NAME##_FN##SUF, KNOWN, GIVEN, R_, 0, F1, EXPR)                                        \
  FLOAT_NUM_UOP(NAME##_FN##SUF##__1, KNOWN, GIVEN, R_, 0, facc, EXPR, .cache_in = {1, FACC})          \
  FLOAT_NUM_UOP(NAME##_NF##SUF, KNOWN, GIVEN, R_, 1, F2, EXPR)                                        \
  FLOAT_NUM_UOP(NAME##_NF##SUF##__2, KNOWN, GIVEN, R_, 1, facc, EXPR, .cache_in = {2, FACC})          \
  FLOAT_NUM_UOP(NAME##_NK##SUF, KNOWN, GIVEN, I_, 1, K2, EXPR)
#define FLOAT_NUM_OPS(NAME, EXPR)             \
  FLOAT_NUM_OPS_K(NAME, , 0, 0, EXPR)         \
  FLOAT_NUM_OPS_K(NAME, __t, 1, LJ_FACT_FLOAT, EXPR)
FLOAT_NUM_OPS(FADD, add_ordered(a, b))
FLOAT_NUM_OPS(FSUB, a - b)
FLOAT_NUM_OPS(FMUL, mul_ordered(a, b))
FLOAT_NUM_OPS(FDIV, a / b)
FLOAT_OPS(FPOW, (b == 2.0 ? a * a : LIBM_CALL(pow(a, b))))
/* Float modulo with the sign of the divisor, as the interpreter computes it (src/arith.h). */
static inline __attribute__((always_inline)) double lua_fmod(double a, double b) {
  /* Integral operands below 2^53 (`x % 2` on a float that holds an integer): the floored
   * integer remainder is the same value, exactly, without libm's fmod; a zero keeps the
   * dividend's sign, as fmod's does. */
  if (a > -9007199254740992.0 && a < 9007199254740992.0 && b > -9007199254740992.0 && b < 9007199254740992.0) {
    const int64_t ia = (int64_t)a, ib = (int64_t)b;
    if ((double)ia == a && (double)ib == b && ib != 0) {
      const int64_t r = lua_imod(ia, ib);
      return r == 0 ? __builtin_copysign(0.0, a) : (double)r;
    }
  }
  double m = fmod(a, b);
  if (m != 0 && ((m < 0) != (b < 0))) m += b;
  return m;
}
FLOAT_OPS(FMOD, LIBM_CALL(lua_fmod(a, b)))
/* x % 2^k, the constant a power of two from 1 to 2^52 (the recorder's FMODP): an integral x
 * below 2^53 leaves its low bits, which two's complement makes the floored remainder for a
 * positive divisor, exactly what lua_fmod's integral case computes with a division; anything
 * else is lua_fmod's. */
static inline __attribute__((always_inline)) double lua_fmod_pow2(double a, double b) {
  if (a > -9007199254740992.0 && a < 9007199254740992.0) {
    const int64_t ia = (int64_t)a;
    if ((double)ia == a) {
      const int64_t r = ia & ((int64_t)b - 1);
      return r == 0 ? __builtin_copysign(0.0, a) : (double)r;
    }
  }
  return lua_fmod(a, b);
}
FLOAT_UOP_K(FMODP_FK, 0, 0, I_, F1, K2, LIBM_CALL(lua_fmod_pow2(a, b)))
FLOAT_UOP_K(FMODP_FK__1, 0, 0, I_, facc, K2, LIBM_CALL(lua_fmod_pow2(a, b)), .cache_in = {1, FACC})
FLOAT_UOP_K(FMODP_FK__t, 1, LJ_FACT_FLOAT, I_, F1, K2, LIBM_CALL(lua_fmod_pow2(a, b)))
FLOAT_UOP_K(FMODP_FK__t__1, 1, LJ_FACT_FLOAT, I_, facc, K2, LIBM_CALL(lua_fmod_pow2(a, b)), .cache_in = {1, FACC})
FLOAT_OPS(FIDIV, LIBM_CALL(floor(a / b)))

/* Integer / integer and integer ^ integer are floats in Lua. */
FLOAT_UOP(FDIV_II, R_, I1, I2, a / b)
FLOAT_UOP(FPOW_II, R_, I1, I2, (b == 2.0 ? a * a : LIBM_CALL(pow(a, b))))

/* One float operand (operand 1) into a float result. */
#define FLOAT_UNARY(NAME, LOAD, EXPR, ...)                                                                   \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_PURE, .operands = {W_, R_}, .results = {{0, 0, LJ_FACT_FLOAT}}, \
                 .cache_out = {0, FACC}, ##__VA_ARGS__);                                                     \
  CPJIT_UOP(NAME) {                                                                                           \
    double x = LOAD;                                                                                          \
    facc = EXPR;                                                                                              \
    set_float(REG(0), facc);                                                                                  \
    CPJIT_CONTINUE();                                                                                         \
  }
#define FLOAT_UNARY_OPS(NAME, EXPR)   \
  FLOAT_UNARY(NAME, F1, EXPR)         \
  FLOAT_UNARY(NAME##__1, facc, EXPR, .cache_in = {1, FACC})
FLOAT_UNARY_OPS(UNM_F, -x)
/* An integer register converted to a float (math on mixed operands, float loops). */
FLOAT_UNARY(TOFLOAT, I1, x)

/* ---- comparisons: guards that leave when the outcome differs from the recorded one --------
 * X_LT exits unless a < b; X_NLT exits if a < b (for floats NLT is not GE: NaN). */
#define CMP_GUARDS(NAME, TYPE_A, FIELD_A, TYPE_B, OPB, OPERAND_B, CMP)                           \
  CPJIT_UOP_INFO(NAME, .flags = GUARD_FLAGS, .operands = {R_, OPERAND_B});                      \
  CPJIT_UOP(NAME) {                                                                             \
    TYPE_A a = (TYPE_A)REG(0)->FIELD_A;                                                         \
    TYPE_B b = OPB;                                                                             \
    if (!(CMP)) CPJIT_EXIT(0);                                                                  \
    CPJIT_CONTINUE();                                                                           \
  }                                                                                             \
  CPJIT_UOP_INFO(N##NAME, .flags = GUARD_FLAGS, .operands = {R_, OPERAND_B});                   \
  CPJIT_UOP(N##NAME) {                                                                          \
    TYPE_A a = (TYPE_A)REG(0)->FIELD_A;                                                         \
    TYPE_B b = OPB;                                                                             \
    if (CMP) CPJIT_EXIT(0);                                                                     \
    CPJIT_CONTINUE();                                                                           \
  }
CMP_GUARDS(LT_II, int64_t, u.i, int64_t, REG(1)->u.i, R_, a < b)
CMP_GUARDS(LE_II, int64_t, u.i, int64_t, REG(1)->u.i, R_, a <= b)
CMP_GUARDS(EQ_II, int64_t, u.i, int64_t, REG(1)->u.i, R_, a == b)
/* Strings, and numbers of mixed subtypes (an integer against a float, exactly), through
 * helpers. */
#define STR_B ((const lj_string *)REG(1)->u.p)
CMP_GUARDS(LT_SS, const lj_string *, u.p, const lj_string *, STR_B, R_, CPJIT_CALL(lj_str_cmp(a, b)) < 0)
CMP_GUARDS(LE_SS, const lj_string *, u.p, const lj_string *, STR_B, R_, CPJIT_CALL(lj_str_cmp(a, b)) <= 0)
CMP_GUARDS(LT_NN, const lj_value *, u.p, const lj_value *, REG(1), R_, CPJIT_CALL(lj_num_lt(REG(0), b)))
CMP_GUARDS(LE_NN, const lj_value *, u.p, const lj_value *, REG(1), R_, CPJIT_CALL(lj_num_le(REG(0), b)))
/* Float comparisons, and their variants reading operand 0 (__0) or 1 (__1) from facc. */
#define FLOAT_CMP(NAME, LOAD_A, LOAD_B, OPERAND_B, CMP, ...)                                 \
  CPJIT_UOP_INFO(NAME, .flags = GUARD_FLAGS, .operands = {R_, OPERAND_B}, ##__VA_ARGS__); \
  CPJIT_UOP(NAME) {                                                                       \
    double a = LOAD_A, b = LOAD_B;                                                        \
    if (!(CMP)) CPJIT_EXIT(0);                                                            \
    CPJIT_CONTINUE();                                                                     \
  }
#define F0 REG(0)->u.n
#define F1R REG(1)->u.n
#define K1 ((double)CPJIT_OPERAND_I32(1))
#define FLOAT_CMP_FF(NAME, CMP)                                          \
  FLOAT_CMP(NAME, F0, F1R, R_, CMP)                                      \
  FLOAT_CMP(NAME##__0, facc, F1R, R_, CMP, .cache_in = {0, FACC})        \
  FLOAT_CMP(NAME##__1, F0, facc, R_, CMP, .cache_in = {1, FACC})         \
  FLOAT_CMP(NAME##__0__b, facc, fb, R_, CMP, .cache_in = {1, FB})        \
  FLOAT_CMP(NAME##__1__b, fb, facc, R_, CMP, .cache_in = {0, FB})        \
  FLOAT_CMP(N##NAME, F0, F1R, R_, !(CMP))                                \
  FLOAT_CMP(N##NAME##__0, facc, F1R, R_, !(CMP), .cache_in = {0, FACC})  \
  FLOAT_CMP(N##NAME##__1, F0, facc, R_, !(CMP), .cache_in = {1, FACC})   \
  FLOAT_CMP(N##NAME##__0__b, facc, fb, R_, !(CMP), .cache_in = {1, FB})  \
  FLOAT_CMP(N##NAME##__1__b, fb, facc, R_, !(CMP), .cache_in = {0, FB})
FLOAT_CMP_FF(LT_FF, a < b)
FLOAT_CMP_FF(LE_FF, a <= b)
FLOAT_CMP_FF(EQ_FF, a == b)
CMP_GUARDS(LT_IK, int64_t, u.i, int64_t, CPJIT_OPERAND_I64(1), I_, a < b)
CMP_GUARDS(LE_IK, int64_t, u.i, int64_t, CPJIT_OPERAND_I64(1), I_, a <= b)
CMP_GUARDS(EQ_IK, int64_t, u.i, int64_t, CPJIT_OPERAND_I64(1), I_, a == b)
/* A float register against a small integer constant (LTI with a float): exact in a double. */
#define FLOAT_CMP_FK(NAME, CMP)                                        \
  FLOAT_CMP(NAME, F0, K1, I_, CMP)                                     \
  FLOAT_CMP(NAME##__0, facc, K1, I_, CMP, .cache_in = {0, FACC})       \
  FLOAT_CMP(N##NAME, F0, K1, I_, !(CMP))                               \
  FLOAT_CMP(N##NAME##__0, facc, K1, I_, !(CMP), .cache_in = {0, FACC})
FLOAT_CMP_FK(LT_FK, a < b)
FLOAT_CMP_FK(LE_FK, a <= b)
FLOAT_CMP_FK(GT_FK, a > b)
FLOAT_CMP_FK(GE_FK, a >= b)
FLOAT_CMP_FK(EQ_FK, a == b)

/* Raw equality of values whose payload decides it (nil, booleans, tables, functions, short
 * strings, which are interned): same tag and same payload. The recorder uses it only there. */
static inline __attribute__((always_inline)) int raw_same(const lj_value *a, const lj_value *b) {
  if (a->tag != b->tag) return 0;
  return a->tag <= LJ_TRUE || a->u.i == b->u.i;
}
CPJIT_UOP_INFO(EQ_RAW, .flags = GUARD_FLAGS, .operands = {R_, R_});
CPJIT_UOP(EQ_RAW) {
  if (!raw_same(REG(0), REG(1))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(NEQ_RAW, .flags = GUARD_FLAGS, .operands = {R_, R_});
CPJIT_UOP(NEQ_RAW) {
  if (raw_same(REG(0), REG(1))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* Against a constant short string (EQK). */
CPJIT_UOP_INFO(EQ_STR, .flags = GUARD_FLAGS, .operands = {R_, I_});
CPJIT_UOP(EQ_STR) {
  const lj_value *a = REG(0);
  if (a->tag != LJ_STRING || a->u.p != CPJIT_OPERAND_PTR(1, void *)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(NEQ_STR, .flags = GUARD_FLAGS, .operands = {R_, I_});
CPJIT_UOP(NEQ_STR) {
  const lj_value *a = REG(0);
  if (a->tag == LJ_STRING && a->u.p == CPJIT_OPERAND_PTR(1, void *)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* An integer and a float (Lua compares them exactly: equal when the float is that integer). */
static inline __attribute__((always_inline)) int int_equals_float(int64_t i, double f) {
  if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) return 0; /* NaN, out of range */
  const int64_t fi = (int64_t)f;
  return (double)fi == f && fi == i;
}
CPJIT_UOP_INFO(EQ_IF, .flags = GUARD_FLAGS, .operands = {R_, R_});
CPJIT_UOP(EQ_IF) {
  if (!int_equals_float(REG(0)->u.i, REG(1)->u.n)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(NEQ_IF, .flags = GUARD_FLAGS, .operands = {R_, R_});
CPJIT_UOP(NEQ_IF) {
  if (int_equals_float(REG(0)->u.i, REG(1)->u.n)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* Two values of the same reference type (the recorder guards both tags): equal when they are
 * the same object; different short strings, functions, and tables whose metatables have no
 * __eq are not. Anything else (long strings, a possible __eq) leaves for the interpreter. */
static inline __attribute__((always_inline)) int ref_equal(const lj_value *a, const lj_value *b) {
  if (a->u.p == b->u.p) return 1;
  switch (a->tag) {
    case LJ_STRING: return (((const lj_string *)a->u.p)->is_short && ((const lj_string *)b->u.p)->is_short) ? 0 : -1;
    case LJ_TABLE:
      return (may_have_tm(((const lj_table *)a->u.p)->meta, LJ_TM_EQ) ||
              may_have_tm(((const lj_table *)b->u.p)->meta, LJ_TM_EQ)) ? -1 : 0;
    case LJ_LCLOSURE:
    case LJ_CFUNCTION:
    case LJ_CCLOSURE: return 0;
    default: return -1;
  }
}
CPJIT_UOP_INFO(EQ_REF, .flags = GUARD_FLAGS, .operands = {R_, R_});
CPJIT_UOP(EQ_REF) {
  if (ref_equal(REG(0), REG(1)) != 1) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(NEQ_REF, .flags = GUARD_FLAGS, .operands = {R_, R_});
CPJIT_UOP(NEQ_REF) {
  if (ref_equal(REG(0), REG(1)) != 0) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* ---- loops ---------------------------------------------------------------------------------
 * FORLOOP with integer control (src/vm.cpp): R[a+1] counts the iterations left, R[a+2] is the
 * step, R[a+3] the visible control variable. Operands: a, a+1, a+2, a+3. */
CPJIT_UOP_INFO(FORLOOP_I, .flags = CPJIT_UOP_BRANCH, .operands = {RW_, RW_, R_, W_},
               .results = {{0, 0, LJ_FACT_INT}, {1, 0, LJ_FACT_INT}, {3, 0, LJ_FACT_INT}});
/* One more iteration of an integer loop when any are left: step the index, copy it to the
 * visible control variable, count down. Returns 0 when the count was 0, with the count and the
 * index as they were. The count goes down last, in memory, and the borrow is the test
 * (`subq $1, slot; jae <loop>` on x86-64): the loop's branch is the only one taken per
 * iteration, and what the last step changed is put back on the way out, which runs once per
 * loop. The control variable keeps the stepped value then: it goes out of scope when the loop
 * ends (tier 1 leaves the last iteration's value in that dead register). Testing the count
 * first made clang load, test, address the slot again and store: three instructions more.
 * IDX and COUNT are where the index and the count are read from and kept besides their slots:
 * the slots themselves (int_for_step), or the homes of the carried variants below. */
static inline __attribute__((always_inline)) int int_for_step_kept(int64_t *idx, int64_t *count, lj_value *idx_slot,
                                                                   lj_value *count_slot, const lj_value *step,
                                                                   lj_value *control, int known) {
  const int64_t next = (int64_t)((uint64_t)*idx + (uint64_t)step->u.i);
  *idx = next;
  idx_slot->u.i = next;
  put_int(control, next, known);
  const uint64_t left = (uint64_t)*count;
  *count = (int64_t)(left - 1u);
  count_slot->u.i = *count;
  if (left == 0) {
    *count = 0;
    count_slot->u.i = 0;
    *idx = (int64_t)((uint64_t)next - (uint64_t)step->u.i); /* in place: the hot path keeps no copy */
    idx_slot->u.i = *idx;
    return 0;
  }
  return 1;
}
static inline __attribute__((always_inline)) int int_for_step(lj_value *idx, lj_value *count, const lj_value *step,
                                                              lj_value *control, int known) {
  return int_for_step_kept(&idx->u.i, &count->u.i, idx, count, step, control, known);
}
/* The way out laid out last: the loop's branch is a `jae` to the loop and the restore falls
 * through into the next uop. */
CPJIT_UOP(FORLOOP_I) {
  if (LAID_OUT_LAST(!int_for_step(REG(0), REG(1), REG(2), REG(3), 0))) CPJIT_CONTINUE();
  CPJIT_JUMP();
}
/* The control variable is an integer already (the loop body did not change its type). */
CPJIT_UOP_INFO(FORLOOP_I__t, .flags = CPJIT_UOP_BRANCH, .operands = {RW_, RW_, R_, W_},
               .results = {{0, 0, LJ_FACT_INT}, {1, 0, LJ_FACT_INT}, {3, 0, LJ_FACT_INT}},
               .given = {3, 0, LJ_FACT_INT});
CPJIT_UOP(FORLOOP_I__t) {
  if (LAID_OUT_LAST(!int_for_step(REG(0), REG(1), REG(2), REG(3), 1))) CPJIT_CONTINUE();
  CPJIT_JUMP();
}
/* Carried variants (cpjit/stencil_set.h): the index read from and kept in ih1 (__H1), then also
 * the count in ih2 (__H1__H2). The slots are written as before, for the exits, but nothing in
 * the loop reads them back: the next iteration's step waits for one add and one subtract in
 * registers, not for two stores to reach the next iteration's loads (about five cycles a lap on
 * x86-64). When the count was 0 the index and count stay as they were, in the homes too, and
 * the control variable holds the stepped value, as int_for_step leaves them. COUNT: where the
 * count is read from and kept (ih2, or its slot). */
#define FORLOOP_KEPT(NAME, KNOWN, COUNT, ...)                                                              \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_BRANCH, .operands = {RW_, RW_, R_, W_},                         \
                 .results = {{0, 0, LJ_FACT_INT}, {1, 0, LJ_FACT_INT}, {3, 0, LJ_FACT_INT}}, __VA_ARGS__); \
  CPJIT_UOP(NAME) {                                                                                        \
    if (LAID_OUT_LAST(!int_for_step_kept(&ih1, COUNT, REG(0), REG(1), REG(2), REG(3), KNOWN)))            \
      CPJIT_CONTINUE();                                                                                    \
    CPJIT_JUMP();                                                                                          \
  }
FORLOOP_KEPT(FORLOOP_I__H1, 0, &REG(1)->u.i, .cache_in = {0, IH1})
FORLOOP_KEPT(FORLOOP_I__H1__H2, 0, &ih2, .cache_in = {1, IH2})
FORLOOP_KEPT(FORLOOP_I__t__H1, 1, &REG(1)->u.i, .given = {3, 0, LJ_FACT_INT}, .cache_in = {0, IH1})
FORLOOP_KEPT(FORLOOP_I__t__H1__H2, 1, &ih2, .given = {3, 0, LJ_FACT_INT}, .cache_in = {1, IH2})
CPJIT_UOP_INFO(FORLOOP_F, .flags = CPJIT_UOP_BRANCH, .operands = {RW_, R_, R_, W_},
               .results = {{0, 0, LJ_FACT_FLOAT}, {3, 0, LJ_FACT_FLOAT}});
CPJIT_UOP(FORLOOP_F) {
  lj_value *idx = REG(0);
  double step = REG(2)->u.n, next = idx->u.n + step, lim = REG(1)->u.n;
  if (step > 0 ? next <= lim : lim <= next) {
    idx->u.n = next;
    set_float(REG(3), next);
    CPJIT_JUMP();
  }
  CPJIT_CONTINUE();
}
/* The same step where the loop's back edge is not the trace's own (side traces): leaves when
 * the loop is over (the interpreter then runs the FORLOOP, which falls through). */
CPJIT_UOP_INFO(FORLOOP_IX, .flags = CPJIT_UOP_MAY_EXIT, .operands = {RW_, RW_, R_, W_},
               .results = {{0, 0, LJ_FACT_INT}, {1, 0, LJ_FACT_INT}, {3, 0, LJ_FACT_INT}});
CPJIT_UOP(FORLOOP_IX) {
  if (!int_for_step(REG(0), REG(1), REG(2), REG(3), 0)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(FORLOOP_FX, .flags = CPJIT_UOP_MAY_EXIT, .operands = {RW_, R_, R_, W_},
               .results = {{0, 0, LJ_FACT_FLOAT}, {3, 0, LJ_FACT_FLOAT}});
CPJIT_UOP(FORLOOP_FX) {
  lj_value *idx = REG(0);
  double step = REG(2)->u.n, next = idx->u.n + step, lim = REG(1)->u.n;
  if (!(step > 0 ? next <= lim : lim <= next)) CPJIT_EXIT(0);
  idx->u.n = next;
  set_float(REG(3), next);
  CPJIT_CONTINUE();
}
/* The last iteration of an integer loop: leaves if the loop would go on. */
CPJIT_UOP_INFO(FORDONE_I, .flags = GUARD_FLAGS, .operands = {R_});
CPJIT_UOP(FORDONE_I) {
  if ((uint64_t)REG(0)->u.i != 0) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* FORPREP with integer start, limit and step (src/vm.cpp): R[a+1] becomes the iteration count.
 * Leaves (before changing anything) when the loop would not run or the step is zero. */
CPJIT_UOP_INFO(FORPREP_I, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, RW_, R_, W_},
               .results = {{1, 0, LJ_FACT_INT}, {3, 0, LJ_FACT_INT}});
CPJIT_UOP(FORPREP_I) {
  int64_t init = REG(0)->u.i, limit = REG(1)->u.i, step = REG(2)->u.i;
  if (step == 0 || (step > 0 ? init > limit : init < limit)) CPJIT_EXIT(0);
  uint64_t count;
  if (step > 0)
    count = ((uint64_t)limit - (uint64_t)init) / (uint64_t)step;
  else
    count = ((uint64_t)init - (uint64_t)limit) / ((uint64_t)(-(step + 1)) + 1u);
  set_int(REG(1), (int64_t)count);
  set_int(REG(3), init);
  CPJIT_CONTINUE();
}
/* FORPREP of a float loop (start or step not an integer; the recorder guarded all three to be
 * numbers): everything becomes a float, as float_for_prep() makes it. Leaves (before changing
 * anything) when the loop would not run or the step is zero; FORSKIP_F unless it still would
 * not run. FORDONE_F: a float loop's FORLOOP that falls through (it leaves unless it does). */
static inline __attribute__((always_inline)) double number_of(const lj_value *v) {
  return v->tag == LJ_INT ? (double)v->u.i : v->u.n;
}
static inline __attribute__((always_inline)) int float_for_skips(double fi, double fl, double fs) {
  return fs > 0 ? fl < fi : fi < fl;
}
CPJIT_UOP_INFO(FORPREP_F, .flags = CPJIT_UOP_MAY_EXIT, .operands = {RW_, RW_, RW_, W_},
               .results = {{0, 0, LJ_FACT_FLOAT}, {1, 0, LJ_FACT_FLOAT}, {2, 0, LJ_FACT_FLOAT}, {3, 0, LJ_FACT_FLOAT}});
CPJIT_UOP(FORPREP_F) {
  const double fi = number_of(REG(0)), fl = number_of(REG(1)), fs = number_of(REG(2));
  if (fs == 0 || float_for_skips(fi, fl, fs)) CPJIT_EXIT(0);
  set_float(REG(0), fi);
  set_float(REG(1), fl);
  set_float(REG(2), fs);
  set_float(REG(3), fi);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(FORSKIP_F, .flags = GUARD_FLAGS, .operands = {R_, R_, R_});
CPJIT_UOP(FORSKIP_F) {
  const double fi = number_of(REG(0)), fl = number_of(REG(1)), fs = number_of(REG(2));
  if (fs == 0 || !float_for_skips(fi, fl, fs)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(FORDONE_F, .flags = GUARD_FLAGS, .operands = {R_, R_, R_});
CPJIT_UOP(FORDONE_F) {
  const double step = REG(2)->u.n, next = REG(0)->u.n + step, lim = REG(1)->u.n;
  if (step > 0 ? next <= lim : lim <= next) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* An integer loop's float limit (operand 0) becomes the integer the interpreter's for_limit()
 * makes of it: floor, or ceil for a negative step (operand 1). Leaves when it is outside the
 * integers (the interpreter works out whether the loop runs at all). */
CPJIT_UOP_INFO(FORLIMIT_F, .flags = CPJIT_UOP_MAY_EXIT, .operands = {RW_, R_}, .results = {{0, 0, LJ_FACT_INT}});
CPJIT_UOP(FORLIMIT_F) {
  lj_value *lim = REG(0);
  const double f = LIBM_CALL(REG(1)->u.i < 0 ? ceil(lim->u.n) : floor(lim->u.n));
  if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) CPJIT_EXIT(0);
  set_int(lim, (int64_t)f);
  CPJIT_CONTINUE();
}
/* FORPREP whose loop does not run: leaves unless it still does not (step zero included). */
CPJIT_UOP_INFO(FORSKIP_I, .flags = GUARD_FLAGS, .operands = {R_, R_, R_});
CPJIT_UOP(FORSKIP_I) {
  int64_t init = REG(0)->u.i, limit = REG(1)->u.i, step = REG(2)->u.i;
  if (step == 0 || !(step > 0 ? init > limit : init < limit)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(JUMP, .flags = CPJIT_UOP_BRANCH | CPJIT_UOP_ENDS_TRACE);
CPJIT_UOP(JUMP) { CPJIT_JUMP(); }
/* Leave the trace: the loop ended, or a path the trace does not cover. */
CPJIT_UOP_INFO(EXIT, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ENDS_TRACE);
CPJIT_UOP(EXIT) { CPJIT_EXIT(0); }

/* ---- tables --------------------------------------------------------------------------------
 * The recorder guards that the table and key registers have the types these uops assume.
 * A nil result from a table with a metatable that may have __index leaves the trace. */
static inline __attribute__((always_inline)) int in_array(const lj_table *t, int64_t key) {
  return (uint64_t)key - 1 < t->asize;
}
/* key - 1, the array index of key, hidden from clang: with it in view clang addresses the slot
 * from the key (key * 16 - 16, which takes a copy of the key) instead of from the index it has
 * just compared with the bound. */
static inline __attribute__((always_inline)) uint64_t array_index(int64_t key) {
  uint64_t i = (uint64_t)key - 1;
  __asm__("" : "+r"(i));
  return i;
}
/* The array slot is taken in the branch that tested the bound: a helper returning a slot or
 * null would cost a test of the array pointer on the fast path. */
/* t[key]: from the array part inline; anything else (outside the array part, a nil that may
 * hide __index) in one helper call whose answer is the uop's: clang keeps the stack frame the
 * call needs off the fast path (CPJIT_CALL). */
#define GETI_BODY(KEY, EMPTY_NIL) GETI_FROM((const lj_table *)REG(1)->u.p, KEY, EMPTY_NIL)
/* EMPTY_NIL (a literal): a table with an empty hash part of one node (an empty table's shared
 * node, say) and no __index answers nil without the helper, as trees check their leaves'
 * children (t[1] with a constant key, GETI_K). GETI leaves it to the helper: the extra block
 * took the last place in the stencil from the fast path, an instruction more on it. */
#define GETI_FROM(TABLE, KEY, EMPTY_NIL)                                                      \
  const lj_table *t = (TABLE);                                                                \
  const int64_t key = (KEY);                                                                  \
  const uint64_t i_ = array_index(key);                                                       \
  const lj_value *slot_ = t->array + i_;                                                      \
  if (LAID_OUT_LAST(i_ < t->asize && slot_->tag != LJ_NIL)) {                                 \
    copy_value(REG(0), slot_);                                                                \
    CPJIT_CONTINUE();                                                                         \
  }                                                                                           \
  if (EMPTY_NIL && !in_array(t, key) && t->hmask == 0 && t->node->key.tag == LJ_NIL &&        \
      !may_have_tm(t->meta, LJ_TM_INDEX)) {                                                   \
    REG(0)->tag = LJ_NIL;                                                                     \
    CPJIT_CONTINUE();                                                                         \
  }                                                                                           \
  if (!CPJIT_CALL(lj_index_int(t, key, REG(0)))) CPJIT_EXIT(0);                               \
  CPJIT_CONTINUE();

CPJIT_UOP_INFO(GETI, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_, R_});
CPJIT_UOP(GETI) { GETI_BODY(REG(2)->u.i, 0) }
CPJIT_UOP_INFO(GETI_K, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_, I_});
CPJIT_UOP(GETI_K) { GETI_BODY(CPJIT_OPERAND_I64(2), 1) }
/* t[key] with t upvalue operand 1 of the trace's own closure, read in the same uop: the
 * recorder's fusion of `GETUPVAL tmp; GETTABLE a tmp key` when tmp is a temporary (no local),
 * so that it need not be written. Its exits resume at the GETUPVAL (nothing has changed). */
/* VAR := the value of upvalue operand N of CLOSURE, which must be a table (else exit 0). */
#define UPVAL_TABLE(VAR, CLOSURE, N)              \
  const lj_value *VAR = UPVAL(CLOSURE, N)->v;     \
  if (VAR->tag != LJ_TABLE) CPJIT_EXIT(0);
#define UPVAL_TABLE_PRELUDE UPVAL_TABLE(upv, cl, 1)
#define FRAME_UPVAL_TABLE_PRELUDE UPVAL_TABLE(upv, CLOSURE_AT(2), 1)
#define GETI_UP_BODY(KEY) UPVAL_TABLE_PRELUDE GETI_FROM((const lj_table *)upv->u.p, KEY, 0)
CPJIT_UOP_INFO(GETI_UP, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, I_, R_});
CPJIT_UOP(GETI_UP) { GETI_UP_BODY(REG(2)->u.i) }
CPJIT_UOP_INFO(GETI_UPK, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, I_, I_});
CPJIT_UOP(GETI_UPK) { GETI_UP_BODY(CPJIT_OPERAND_I64(2)) }
/* The same with t an upvalue of an inlined call's closure, in slot operand 2 (GETUPVAL_F's);
 * the key is operand 3. */
#define GETI_FUP_BODY(KEY) FRAME_UPVAL_TABLE_PRELUDE GETI_FROM((const lj_table *)upv->u.p, KEY, 0)
CPJIT_UOP_INFO(GETI_FUP, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, I_, R_, R_});
CPJIT_UOP(GETI_FUP) { GETI_FUP_BODY(REG(3)->u.i) }
CPJIT_UOP_INFO(GETI_FUPK, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, I_, R_, I_});
CPJIT_UOP(GETI_FUPK) { GETI_FUP_BODY(CPJIT_OPERAND_I64(3)) }

/* t[key] with t a constant table, operand 1: a fixed upvalue's (the recorder's fusion of
 * `GETUPVAL tmp; GETTABLE a tmp key` when the trace knows the closure), whose register is not
 * written. Its exits resume at the GETUPVAL. */
CPJIT_UOP_INFO(GETI_CT, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, I_, R_});
CPJIT_UOP(GETI_CT) { GETI_FROM(CPJIT_OPERAND_PTR(1, const lj_table *), REG(2)->u.i, 0) }
CPJIT_UOP_INFO(GETI_CTK, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, I_, I_});
CPJIT_UOP(GETI_CTK) { GETI_FROM(CPJIT_OPERAND_PTR(1, const lj_table *), CPJIT_OPERAND_I64(2), 0) }

/* The GETI forms with the type of the value checked too: the recorder's fusion of the type
 * guard on the result (need()) when the recording found the key in the array part. Anything
 * else (outside the array part, another type, a nil) leaves the trace at the GETTABLE, before
 * anything changed, without a helper call. The __t variants: the slot holds that type already
 * (only the payload is written). */
#define GETI_TYPED(NAME, K1, K2, PRELUDE, TABLE, KEY, TAG, FACT, KNOWN, GIVEN)                            \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, K1, K2}, .results = {{0, 0, FACT}}, \
                 .given = {0, 0, GIVEN});                                                                \
  CPJIT_UOP(NAME) {                                                                                      \
    PRELUDE                                                                                              \
    const lj_table *t = (TABLE);                                                                         \
    const int64_t key = (KEY);                                                                           \
    const uint64_t i_ = array_index(key);                                                                \
    const lj_value *slot_ = t->array + i_;                                                               \
    if (LAID_OUT_LAST(i_ < t->asize && slot_->tag == TAG)) {                                             \
      if (KNOWN) REG(0)->u.i = slot_->u.i;                                                               \
      else copy_value(REG(0), slot_);                                                                    \
      CPJIT_CONTINUE();                                                                                  \
    }                                                                                                    \
    CPJIT_EXIT(0);                                                                                       \
  }
#define I_R_ I_, R_ /* the upvalue and the closure's slot, as one macro argument */
#define GETI_TYPED_FORMS(SUF, TAG, FACT)                                                                                \
  GETI_TYPED(GETI##SUF, R_, R_, , (const lj_table *)REG(1)->u.p, REG(2)->u.i, TAG, FACT, 0, 0)                          \
  GETI_TYPED(GETI##SUF##__t, R_, R_, , (const lj_table *)REG(1)->u.p, REG(2)->u.i, TAG, FACT, 1, FACT)                  \
  GETI_TYPED(GETI_K##SUF, R_, I_, , (const lj_table *)REG(1)->u.p, CPJIT_OPERAND_I64(2), TAG, FACT, 0, 0)               \
  GETI_TYPED(GETI_K##SUF##__t, R_, I_, , (const lj_table *)REG(1)->u.p, CPJIT_OPERAND_I64(2), TAG, FACT, 1, FACT)       \
  GETI_TYPED(GETI_CT##SUF, I_, R_, , CPJIT_OPERAND_PTR(1, const lj_table *), REG(2)->u.i, TAG, FACT, 0, 0)             \
  GETI_TYPED(GETI_CT##SUF##__t, I_, R_, , CPJIT_OPERAND_PTR(1, const lj_table *), REG(2)->u.i, TAG, FACT, 1, FACT)     \
  GETI_TYPED(GETI_UP##SUF, I_, R_, UPVAL_TABLE_PRELUDE, (const lj_table *)upv->u.p, REG(2)->u.i, TAG, FACT, 0, 0)       \
  GETI_TYPED(GETI_UP##SUF##__t, I_, R_, UPVAL_TABLE_PRELUDE, (const lj_table *)upv->u.p, REG(2)->u.i, TAG, FACT, 1, FACT) \
  GETI_TYPED(GETI_FUP##SUF, I_R_, R_, FRAME_UPVAL_TABLE_PRELUDE, (const lj_table *)upv->u.p, REG(3)->u.i, TAG, FACT, 0, 0) \
  GETI_TYPED(GETI_FUP##SUF##__t, I_R_, R_, FRAME_UPVAL_TABLE_PRELUDE, (const lj_table *)upv->u.p, REG(3)->u.i, TAG, FACT, 1, \
             FACT)
GETI_TYPED_FORMS(_F, LJ_FLOAT, LJ_FACT_FLOAT)
GETI_TYPED_FORMS(_I, LJ_INT, LJ_FACT_INT)
GETI_TYPED_FORMS(_T, LJ_TABLE, LJ_FACT_TABLE)

/* t[key] = v: in the array part directly; elsewhere through a helper that may grow the table
 * (an allocation: it fails instead of raising, and the interpreter redoes the store), which
 * also runs the write barrier when it applies. STORE writes the value, whose tag is TAG, into
 * `slot`; SLOW is the helper call. The K forms store a constant given as payload and tag
 * operands. */
#define SETI_BODY(KEY, TAG, STORE, SLOW)                                             \
  lj_table *t = (lj_table *)REG(0)->u.p;                                             \
  int64_t key = (KEY);                                                               \
  const uint64_t i_ = array_index(key);                                              \
  lj_value *slot_ = t->array + i_;                                                   \
  if (LAID_OUT_LAST(i_ < t->asize && slot_->tag != LJ_NIL && !GC_TOUCHES(t, TAG))) { \
    lj_value *slot = slot_;                                                          \
    STORE;                                                                           \
    CPJIT_CONTINUE();                                                                \
  }                                                                                  \
  if (i_ < t->asize && !may_have_tm(t->meta, LJ_TM_NEWINDEX) && !GC_TOUCHES(t, TAG)) { \
    lj_value *slot = slot_;                                                          \
    __asm__("" : "+r"(slot));                                                        \
    STORE;                                                                           \
    CPJIT_CONTINUE();                                                                \
  }                                                                                  \
  if (!CPJIT_CALL(SLOW)) CPJIT_EXIT(0);                                              \
  CPJIT_CONTINUE();
#define STORE_CONST(DST, P, T)         \
  do {                                 \
    (DST)->u.i = CPJIT_OPERAND_I64(P); \
    (DST)->tag = CPJIT_OPERAND_U8(T);  \
  } while (0)

CPJIT_UOP_INFO(SETI, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, R_, R_});
CPJIT_UOP(SETI) { SETI_BODY(REG(1)->u.i, REG(2)->tag, copy_value(slot, REG(2)), lj_set_int(L, t, key, REG(2))) }
CPJIT_UOP_INFO(SETI_K, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, I_, R_});
CPJIT_UOP(SETI_K) { SETI_BODY(CPJIT_OPERAND_I64(1), REG(2)->tag, copy_value(slot, REG(2)), lj_set_int(L, t, key, REG(2))) }
/* A value the recorder knows to be a float (_F) or an integer (_I) into an array slot holding
 * one of the same kind: the payload alone changes. Otherwise as SETI. */
#define SETI_TYPED(NAME, K1, KEY, TAG)                                                     \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, K1, R_});             \
  CPJIT_UOP(NAME) {                                                                        \
    lj_table *t = (lj_table *)REG(0)->u.p;                                                 \
    const int64_t key = (KEY);                                                             \
    const uint64_t i_ = array_index(key);                                                  \
    lj_value *slot_ = t->array + i_;                                                       \
    if (__builtin_expect(i_ < t->asize && slot_->tag == TAG, 1)) {                         \
      slot_->u.i = REG(2)->u.i;                                                            \
      CPJIT_CONTINUE();                                                                    \
    }                                                                                      \
    {                                                                                      \
      SETI_BODY(KEY, REG(2)->tag, copy_value(slot, REG(2)), lj_set_int(L, t, key, REG(2))) \
    }                                                                                      \
  }
SETI_TYPED(SETI_F, R_, REG(1)->u.i, LJ_FLOAT)
SETI_TYPED(SETI_I, R_, REG(1)->u.i, LJ_INT)
SETI_TYPED(SETI_K_F, I_, CPJIT_OPERAND_I64(1), LJ_FLOAT)
SETI_TYPED(SETI_K_I, I_, CPJIT_OPERAND_I64(1), LJ_INT)
/* Constant value: integer key in a register (SETTABLEK) or an immediate (SETIK). */
CPJIT_UOP_INFO(SETI_C, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, R_, I_, I_});
CPJIT_UOP(SETI_C) {
  SETI_BODY(REG(1)->u.i, CPJIT_OPERAND_U8(3), STORE_CONST(slot, 2, 3), lj_set_int_c(L, t, key, CPJIT_OPERAND_I64(2), CPJIT_OPERAND_U8(3)))
}
CPJIT_UOP_INFO(SETI_KC, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, I_, I_, I_});
CPJIT_UOP(SETI_KC) {
  SETI_BODY(CPJIT_OPERAND_I64(1), CPJIT_OPERAND_U8(3), STORE_CONST(slot, 2, 3), lj_set_int_c(L, t, key, CPJIT_OPERAND_I64(2), CPJIT_OPERAND_U8(3)))
}
/* nil, false or true, which are all tag (the payload of those is never read): one byte
 * stored, SETI_C's payload and tag operands gone. */
#define SETI_TAG(NAME, K1, KEY, TAG)                                                          \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, K1});                    \
  CPJIT_UOP(NAME) { SETI_BODY(KEY, TAG, slot->tag = TAG, lj_set_int_c(L, t, key, 0, TAG)) }
SETI_TAG(SETI_NIL, R_, REG(1)->u.i, LJ_NIL)
SETI_TAG(SETI_FALSE, R_, REG(1)->u.i, LJ_FALSE)
SETI_TAG(SETI_TRUE, R_, REG(1)->u.i, LJ_TRUE)
SETI_TAG(SETI_K_NIL, I_, CPJIT_OPERAND_I64(1), LJ_NIL)
SETI_TAG(SETI_K_FALSE, I_, CPJIT_OPERAND_I64(1), LJ_FALSE)
SETI_TAG(SETI_K_TRUE, I_, CPJIT_OPERAND_I64(1), LJ_TRUE)

/* t[i], t[j] = t[j], t[i] (the recorder's fusion of GETTABLE x t j; GETTABLE x+1 t i;
 * SETTABLE t j x+1; SETTABLE t i x, Recorder::swap, or of the eight instructions of the same
 * with t an upvalue, swap_upval): both keys in t's array part with values there (no metamethod
 * applies then). The temporaries are not written: no instruction reads them before writing
 * them again. Anything else leaves at the first instruction, before anything changed. */
CPJIT_UOP_INFO(SWAPI, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, R_, R_});
CPJIT_UOP(SWAPI) {
  lj_table *t = (lj_table *)REG(0)->u.p;
  const uint64_t i = array_index(REG(1)->u.i), j = array_index(REG(2)->u.i);
  /* One test after another: clang combined them into flags otherwise. */
  if (__builtin_expect(i >= t->asize, 0)) CPJIT_EXIT(0);
  if (__builtin_expect(j >= t->asize, 0)) CPJIT_EXIT(0);
  lj_value *x = t->array + i, *y = t->array + j;
  const uint8_t xt = x->tag, yt = y->tag;
  if (__builtin_expect(xt == LJ_NIL, 0)) CPJIT_EXIT(0);
  if (__builtin_expect(yt == LJ_NIL, 0)) CPJIT_EXIT(0);
  const int64_t xp = x->u.i;
  x->u.i = y->u.i;
  x->tag = yt;
  y->u.i = xp;
  y->tag = xt;
  CPJIT_CONTINUE();
}

/* t.key with `key` an interned string. Each access site has a lj_field_site (the recorder's,
 * owned by the trace): the key and the node it was last found in. Objects built the same way
 * keep their fields in the same nodes, so the first probe usually hits without hashing; else
 * the key's hash chain is walked inline (keys of a small object often collide) and the site
 * remembers where it was. An object's class (the table its metatable's __index names) is
 * looked at the same way; longer __index chains go through a helper. find_field returns the
 * key's value slot, or 0 when the key is absent. */
static inline __attribute__((always_inline)) lj_value *find_field(const lj_table *t, const lj_string *key) {
  lj_node *n = &t->node[key->hash & t->hmask];
  for (;;) {
    if (n->key.tag == LJ_STRING && n->key.u.p == key) return &n->val;
    int32_t next;
    __builtin_memcpy(&next, (const char *)&n->key + LJ_NODE_NEXT_OFFSET, sizeof next);
    if (next < 0) return 0;
    n = &t->node[next];
  }
}
_Static_assert(__builtin_offsetof(lj_node, val) == 0, "a value slot is its node's address");
/* find_field after the table's key filter: a clear bit proves the key absent (the usual answer
 * in the tables an __index chain passes through). */
static inline __attribute__((always_inline)) lj_value *filtered_field(const lj_table *t, const lj_string *key) {
  if (!(t->skeys & LJ_KEY_BIT(key->hash))) return 0;
  return find_field(t, key);
}
/* The node *hint names first, else the key's chain (updating *hint). */
static inline __attribute__((always_inline)) lj_value *hinted_field(const lj_table *t, const lj_string *key,
                                                                    uint32_t *hint) {
  if (*hint <= t->hmask) {
    lj_node *n = &t->node[*hint];
    if (n->key.tag == LJ_STRING && n->key.u.p == key) return &n->val;
  }
  lj_value *v = filtered_field(t, key);
  if (v != 0) *hint = (uint32_t)((lj_node *)v - t->node);
  return v;
}
static inline __attribute__((always_inline)) lj_value *site_field(const lj_table *t, lj_field_site *site) {
  return hinted_field(t, site->key, &site->node);
}
/* A key absent from object t: looked up through the tables that __index names (its class, the
 * class's base class: the shape of method calls), the first level with the site's hints; nil
 * where a table without __index ends the chain. Returns 0 when that does not settle it (an
 * __index function, a chain longer than four): the helper's case. */
static inline __attribute__((always_inline)) int class_field(const lj_table *t, lj_field_site *site, lj_value *out) {
  for (int depth = 0; depth < 4; depth++) {
    const lj_table *mt = t->meta;
    if (!may_have_tm(mt, LJ_TM_INDEX)) {
      out->tag = LJ_NIL;
      return 1;
    }
    const lj_value *index =
        depth == 0 ? hinted_field(mt, site->index_key, &site->index_node) : find_field(mt, site->index_key);
    if (index == 0 || index->tag != LJ_TABLE) return 0;
    t = (const lj_table *)index->u.p;
    const lj_value *v = depth == 0 ? hinted_field(t, site->key, &site->class_node) : filtered_field(t, site->key);
    if (v != 0 && v->tag != LJ_NIL) {
      copy_value(out, v);
      return 1;
    }
  }
  return 0;
}
#define GETFIELD_BODY(TABLE)                                         \
  GIVE_UP_INT_HOMES();                                               \
  lj_table *t = (TABLE);                                             \
  lj_field_site *site = CPJIT_OPERAND_PTR(2, lj_field_site *);       \
  const lj_value *v = site_field(t, site);                           \
  if (v != 0 && v->tag != LJ_NIL) {                                  \
    copy_value(REG(0), v);                                           \
    CPJIT_CONTINUE();                                                \
  }                                                                  \
  if (class_field(t, site, REG(0))) CPJIT_CONTINUE();                \
  if (!CPJIT_CALL(lj_get_field(L, t, site->key, REG(0)))) CPJIT_EXIT(0); \
  CPJIT_CONTINUE();

CPJIT_UOP_INFO(GETFIELD, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_CLOBBERS_CACHES, .operands = {W_, R_, I_});
CPJIT_UOP(GETFIELD) { GETFIELD_BODY((lj_table *)REG(1)->u.p) }

/* t.key where the recording found key in t itself, in node `hint` (operand 3, as a byte offset
 * into the node array, below 64 KiB): that node is tried with the key and the offset as
 * immediates (objects built alike keep their fields in the same nodes); a nil there is the
 * answer when no __index can apply. Anything else (another node, a nil that __index may
 * replace, the key in a class) is one helper call (lj_get_field), so that the fast path has
 * no stack frame (CPJIT_CALL). SETFIELD_H tests the node the same way; an inline function
 * shared by both made clang's code for each an instruction longer. */
#define GETFIELD_H_BODY(TABLE)                                                                           \
  lj_table *t = (TABLE);                                                                                 \
  const lj_string *key = CPJIT_OPERAND_PTR(2, const lj_string *);                                        \
  const uint32_t hint = CPJIT_OPERAND_U16(3);                                                            \
  const lj_node *n = (const lj_node *)((const char *)t->node + hint);                                    \
  const int at_hint = hint <= LJ_LAST_NODE(t) && n->key.tag == LJ_STRING && n->key.u.p == key;          \
  if (LAID_OUT_LAST(at_hint && n->val.tag != LJ_NIL)) {                                                  \
    copy_value(REG(0), &n->val);                                                                         \
    CPJIT_CONTINUE();                                                                                    \
  }                                                                                                      \
  if (at_hint && !may_have_tm(t->meta, LJ_TM_INDEX)) { /* a nil that no __index can replace */           \
    REG(0)->tag = LJ_NIL;                                                                                \
    CPJIT_CONTINUE();                                                                                    \
  }                                                                                                      \
  if (!CPJIT_CALL(lj_get_field(L, t, key, REG(0)))) CPJIT_EXIT(0);                                       \
  CPJIT_CONTINUE();
CPJIT_UOP_INFO(GETFIELD_H, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_, I_, I_});
CPJIT_UOP(GETFIELD_H) { GETFIELD_H_BODY((lj_table *)REG(1)->u.p) }
/* GETFIELD_H with the type of the value checked too (_F, _I, _T): the recorder's fusion of the
 * type guard on the result, as for the GETI forms. The helper answers only with a value of that
 * type (writing nothing otherwise): the trace then leaves at the GETFIELD. The __t variants keep
 * the slot's tag. */
#define GETFIELD_H_TYPED(NAME, TAG, FACT, KNOWN, GIVEN)                                                   \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_, I_, I_}, .results = {{0, 0, FACT}}, \
                 .given = {0, 0, GIVEN});                                                                 \
  CPJIT_UOP(NAME) {                                                                                       \
    lj_table *t = (lj_table *)REG(1)->u.p;                                                                \
    const lj_string *key = CPJIT_OPERAND_PTR(2, const lj_string *);                                       \
    const uint32_t hint = CPJIT_OPERAND_U16(3);                                                           \
    if (__builtin_expect(hint <= LJ_LAST_NODE(t), 1)) {                              \
      const lj_node *n = (const lj_node *)((const char *)t->node + hint);                                 \
      if (__builtin_expect(n->key.tag == LJ_STRING && n->key.u.p == key && n->val.tag == TAG, 1)) {      \
        if (KNOWN) REG(0)->u.i = n->val.u.i;                                                              \
        else copy_value(REG(0), &n->val);                                                                 \
        CPJIT_CONTINUE();                                                                                 \
      }                                                                                                   \
    }                                                                                                     \
    if (!CPJIT_CALL(lj_get_field_typed(L, t, key, REG(0), TAG))) CPJIT_EXIT(0);                           \
    CPJIT_CONTINUE();                                                                                     \
  }
GETFIELD_H_TYPED(GETFIELD_H_F, LJ_FLOAT, LJ_FACT_FLOAT, 0, 0)
GETFIELD_H_TYPED(GETFIELD_H_F__t, LJ_FLOAT, LJ_FACT_FLOAT, 1, LJ_FACT_FLOAT)
GETFIELD_H_TYPED(GETFIELD_H_I, LJ_INT, LJ_FACT_INT, 0, 0)
GETFIELD_H_TYPED(GETFIELD_H_I__t, LJ_INT, LJ_FACT_INT, 1, LJ_FACT_INT)
GETFIELD_H_TYPED(GETFIELD_H_T, LJ_TABLE, LJ_FACT_TABLE, 0, 0)
GETFIELD_H_TYPED(GETFIELD_H_T__t, LJ_TABLE, LJ_FACT_TABLE, 1, LJ_FACT_TABLE)
/* The same on the table in upvalue operand 1 of the trace's own closure (a global: _ENV.key). */
CPJIT_UOP_INFO(GETTABUP_H, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, I_, I_, I_});
CPJIT_UOP(GETTABUP_H) {
  const lj_value *up = UPVAL(cl, 1)->v;
  if (up->tag != LJ_TABLE) CPJIT_EXIT(0);
  GETFIELD_H_BODY((lj_table *)up->u.p)
}

/* ---- fields known as constants ------------------------------------------------------------
 * A global such as `math`, or a field of a table the trace knows, such as `math.sqrt`, whose
 * value the recording found to be a table or a function, in node `hint` of the table: the
 * recorder takes that value as a constant (LOADTAB, LOADCFUNC, LOADLCL), behind a guard that
 * the node still holds the key with that value (operand 2: the node's byte offset in its low
 * 16 bits, the value's tag above them; operand 3: the value's payload). A value that another
 * node holds, or any other value, leaves the trace.
 * The _IS forms are IDEMPOTENT, which holds because the recorder picks them only for keys
 * that nothing in the trace stores (Recorder::finish_constants; a uop that escapes, such as a
 * call, may store anything, and the optimizer lets nothing IDEMPOTENT cross one): a loop then
 * checks once per entry, in the iteration peeled off in front of it. The _EACH forms check
 * every time. GUARD_FIELD_IS reads the table its operand 0 names: a constant that a guard
 * before it in the trace found where the recording did (so it is alive). */
static inline __attribute__((always_inline)) int field_is(const lj_table *t, const lj_string *key, uint32_t hint_tag,
                                                          uint64_t value) {
  const uint32_t hint = hint_tag & 0xffffu;
  if (hint > LJ_LAST_NODE(t)) return 0;
  const lj_node *n = (const lj_node *)((const char *)t->node + hint);
  return n->key.tag == LJ_STRING && n->key.u.p == key && n->val.tag == (hint_tag >> 16) && (uint64_t)n->val.u.i == value;
}
#define GUARD_TABUP_IS_BODY                                                                                      \
  const lj_value *up = UPVAL(cl, 0)->v;                                                                        \
  if (up->tag != LJ_TABLE || !field_is((const lj_table *)up->u.p, CPJIT_OPERAND_PTR(1, const lj_string *),      \
                                       CPJIT_OPERAND_U32(2), CPJIT_OPERAND_U64(3)))                             \
    CPJIT_EXIT(0);                                                                                             \
  CPJIT_CONTINUE();
#define GUARD_FIELD_IS_BODY                                                                                    \
  if (!field_is(CPJIT_OPERAND_PTR(0, const lj_table *), CPJIT_OPERAND_PTR(1, const lj_string *),              \
                CPJIT_OPERAND_U32(2), CPJIT_OPERAND_U64(3)))                                                   \
    CPJIT_EXIT(0);                                                                                             \
  CPJIT_CONTINUE();
CPJIT_UOP_INFO(GUARD_TABUP_IS, .flags = GUARD_FLAGS | CPJIT_UOP_IDEMPOTENT, .operands = {I_, I_, I_, I_});
CPJIT_UOP(GUARD_TABUP_IS) { GUARD_TABUP_IS_BODY }
CPJIT_UOP_INFO(GUARD_TABUP_IS_EACH, .flags = GUARD_FLAGS, .operands = {I_, I_, I_, I_});
CPJIT_UOP(GUARD_TABUP_IS_EACH) { GUARD_TABUP_IS_BODY }
CPJIT_UOP_INFO(GUARD_FIELD_IS, .flags = GUARD_FLAGS | CPJIT_UOP_IDEMPOTENT, .operands = {I_, I_, I_, I_});
CPJIT_UOP(GUARD_FIELD_IS) { GUARD_FIELD_IS_BODY }
CPJIT_UOP_INFO(GUARD_FIELD_IS_EACH, .flags = GUARD_FLAGS, .operands = {I_, I_, I_, I_});
CPJIT_UOP(GUARD_FIELD_IS_EACH) { GUARD_FIELD_IS_BODY }

/* Global (or other upvalue-table) field: the upvalue must hold a table. */
CPJIT_UOP_INFO(GETTABUP, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_CLOBBERS_CACHES, .operands = {W_, I_, I_});
CPJIT_UOP(GETTABUP) {
  const lj_value *up = UPVAL(cl, 1)->v;
  if (up->tag != LJ_TABLE) CPJIT_EXIT(0);
  GETFIELD_BODY((lj_table *)up->u.p)
}

/* t.key where the recording found key in t's class (GETFIELD_C1) or base class (GETFIELD_C2):
 * each step follows the nodes the recording found (operand 2, a lj_class_site). A table on the
 * way may hold the key only if its key filter has the key's bit, which is then looked for.
 * Anything else (a step's node moved, no metatable, an __index that is not a table) is the
 * helper's. The N forms: the recording found the key nowhere, the last class having no
 * metatable (nil, as for an object's field that is not set). DEPTH and NIL_END are literals, so
 * the walk is straight-line code.
 *
 * The answer the walk finds in the classes is kept in the site, and the tables it came through
 * (metatables and classes) are marked watched: until one of them changes (class_epoch moves),
 * an object with the same metatable whose key filter shows the key absent gets the kept answer
 * without the walk. */
static inline __attribute__((always_inline)) const lj_value *node_at(const lj_table *t, const lj_string *key,
                                                                     uint32_t offset) {
  if (offset > LJ_LAST_NODE(t)) return 0;
  const lj_node *n = (const lj_node *)((const char *)t->node + offset);
  return n->key.tag == LJ_STRING && n->key.u.p == key ? &n->val : 0;
}
/* The walk found v (0: nil at the chain's end) in the classes of objects with metatable `meta`:
 * keep it, in the next entry (all of them are forgotten first when a class changed since they
 * were kept). */
static inline __attribute__((always_inline)) void keep_class_answer(const struct lj_state *L, const lj_table *meta,
                                                                    lj_class_site *site, const lj_value *v) {
  lj_class_site_refresh(site, L->class_epoch);
  const uint32_t way = site->next_way;
  site->next_way = (way + 1) % LJ_CLASS_WAYS;
  site->meta[way] = meta;
  if (v != 0) copy_value(&site->value[way], v);
  else site->value[way].tag = LJ_NIL;
}
static inline __attribute__((always_inline)) int class_chain(const struct lj_state *L, const lj_table *t,
                                                              lj_class_site *site, int depth, int nil_end,
                                                              lj_value *out) {
  const lj_table *obj = t;
  _Pragma("clang loop unroll(full)") for (int level = 0; level <= depth; level++) {
    if (level == depth && !nil_end) break;
    if (__builtin_expect((t->skeys & site->key_bit) != 0, 0)) {
      const lj_value *v = find_field(t, site->key);
      if (level == 0 && v != 0) /* the object holds the key (maybe with nil): remember where */
        site->obj_node = (uint32_t)((const char *)v - (const char *)t->node);
      if (v != 0 && v->tag != LJ_NIL) {
        if (level > 0) keep_class_answer(L, obj->meta, site, v);
        copy_value(out, v);
        return 1;
      }
    }
    lj_table *mt = t->meta;
    if (level == depth) {
      if (mt != 0) return 0;
      keep_class_answer(L, obj->meta, site, 0);
      out->tag = LJ_NIL;
      return 1;
    }
    if (mt == 0) return 0;
    const lj_value *index = node_at(mt, site->index_key, site->index_node[level]);
    if (index == 0 || index->tag != LJ_TABLE) return 0;
    mt->watched = 1;
    t = (lj_table *)index->u.p;
    ((lj_table *)t)->watched = 1;
  }
  const lj_value *v = node_at(t, site->key, site->node);
  if (v == 0 || v->tag == LJ_NIL) return 0;
  keep_class_answer(L, obj->meta, site, v);
  copy_value(out, v);
  return 1;
}
#define GETFIELD_C_BODY(DEPTH, NIL_END)                                                      \
  lj_table *t = (lj_table *)REG(1)->u.p;                                                     \
  lj_class_site *site = CPJIT_OPERAND_PTR(2, lj_class_site *);                               \
  int absent = !(t->skeys & site->key_bit);                                                  \
  if (!absent) { /* the key may be there (the filter errs the other way): where an object    \
                    held it last, else wherever its chain says */                            \
    const lj_value *own = node_at(t, site->key, site->obj_node);                             \
    if (own == 0) own = find_field(t, site->key);                                            \
    if (own != 0 && own->tag != LJ_NIL) { /* its own value: no class has a say */            \
      copy_value(REG(0), own);                                                               \
      CPJIT_CONTINUE();                                                                      \
    }                                                                                        \
    absent = 1; /* not there, or there with nil */                                           \
  }                                                                                          \
  if (__builtin_expect(absent && L->class_epoch == site->epoch, 1)) {                        \
    const lj_table *mt = t->meta;                                                            \
    _Pragma("clang loop unroll(full)") for (int way = 0; way < LJ_CLASS_WAYS; way++)         \
      if (mt == site->meta[way]) {                                                           \
        copy_value(REG(0), &site->value[way]);                                               \
        CPJIT_CONTINUE();                                                                    \
      }                                                                                      \
  }                                                                                          \
  if (class_chain(L, t, site, DEPTH, NIL_END, REG(0))) CPJIT_CONTINUE();                     \
  if (!CPJIT_CALL(lj_get_field(L, t, site->key, REG(0)))) CPJIT_EXIT(0);                    \
  CPJIT_CONTINUE();
CPJIT_UOP_INFO(GETFIELD_C1, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_, I_});
CPJIT_UOP(GETFIELD_C1) { GETFIELD_C_BODY(1, 0) }
CPJIT_UOP_INFO(GETFIELD_C2, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_, I_});
CPJIT_UOP(GETFIELD_C2) { GETFIELD_C_BODY(2, 0) }
CPJIT_UOP_INFO(GETFIELD_C1N, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_, I_});
CPJIT_UOP(GETFIELD_C1N) { GETFIELD_C_BODY(1, 1) }
CPJIT_UOP_INFO(GETFIELD_C2N, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_, I_});
CPJIT_UOP(GETFIELD_C2N) { GETFIELD_C_BODY(2, 1) }

/* A store into a key that holds a value goes inline; anything else (a new key, a nil value that
 * may hide __newindex, the write barrier) through the helper. TAG is the stored value's. */
#define SETFIELD_BODY(TABLE, TAG, STORE, SLOW)                                               \
  lj_table *t = (TABLE);                                                                     \
  lj_field_site *site = CPJIT_OPERAND_PTR(1, lj_field_site *);                               \
  const lj_string *key = site->key;                                                          \
  lj_value *slot = site_field(t, site);                                                      \
  if (slot != 0 && slot->tag != LJ_NIL && !GC_TOUCHES(t, TAG)) {                            \
    note_store(L, t);                                                                        \
    STORE;                                                                                   \
    CPJIT_CONTINUE();                                                                        \
  }                                                                                          \
  if (!CPJIT_CALL(SLOW)) CPJIT_EXIT(0);                                                      \
  CPJIT_CONTINUE();

CPJIT_UOP_INFO(SETFIELD, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, I_, R_});
CPJIT_UOP(SETFIELD) {
  SETFIELD_BODY((lj_table *)REG(0)->u.p, REG(2)->tag, copy_value(slot, REG(2)), lj_set_field(L, t, key, REG(2)))
}
/* t.key = v where the recording found key in t, in node `hint` (operand 3, a byte offset below
 * 64 KiB, as for GETFIELD_H): stored there when it holds a value, or a nil that no __newindex
 * can intercept; anything else (the write barrier too) is the helper's. */
#define SETFIELD_H_BODY(KEY, VALUE, HINT)                                                           \
  lj_table *t = (lj_table *)REG(0)->u.p;                                                            \
  const lj_string *key = (KEY);                                                                     \
  const uint32_t hint = (HINT);                                                                     \
  lj_node *n = (lj_node *)((char *)t->node + hint);                                                 \
  const int at_hint = hint <= LJ_LAST_NODE(t) && n->key.tag == LJ_STRING && n->key.u.p == key;      \
  if (LAID_OUT_LAST(at_hint && n->val.tag != LJ_NIL && !GC_TOUCHES(t, (VALUE)->tag))) {            \
    note_store(L, t);                                                                               \
    copy_value(&n->val, (VALUE));                                                                   \
    CPJIT_CONTINUE();                                                                               \
  }                                                                                                 \
  if (at_hint && !may_have_tm(t->meta, LJ_TM_NEWINDEX) && !GC_TOUCHES(t, (VALUE)->tag)) {           \
    lj_node *empty = n; /* its own block: clang merged both stores first, an instruction more */    \
    __asm__("" : "+r"(empty));                                                                      \
    t->tm_absent = 0; /* the key may name a metamethod: as store_absent() */                        \
    note_store(L, t);                                                                               \
    copy_value(&empty->val, (VALUE));                                                               \
    CPJIT_CONTINUE();                                                                               \
  }                                                                                                 \
  if (!CPJIT_CALL(lj_set_field(L, t, key, (VALUE)))) CPJIT_EXIT(0);                                 \
  CPJIT_CONTINUE();
CPJIT_UOP_INFO(SETFIELD_H, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, I_, R_, I_});
CPJIT_UOP(SETFIELD_H) { SETFIELD_H_BODY(CPJIT_OPERAND_PTR(1, const lj_string *), REG(2), CPJIT_OPERAND_U16(3)) }
/* The same storing a float (the recorder knows the value register holds one) into a field that
 * holds a float: the payload alone changes. Anything else is the helper's. */
CPJIT_UOP_INFO(SETFIELD_HF, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, I_, R_, I_});
CPJIT_UOP(SETFIELD_HF) {
  lj_table *t = (lj_table *)REG(0)->u.p;
  const lj_string *key = CPJIT_OPERAND_PTR(1, const lj_string *);
  const uint32_t hint = CPJIT_OPERAND_U16(3);
  if (__builtin_expect(hint <= LJ_LAST_NODE(t), 1)) {
    lj_node *n = (lj_node *)((char *)t->node + hint);
    if (__builtin_expect(n->key.tag == LJ_STRING && n->key.u.p == key && n->val.tag == LJ_FLOAT, 1)) {
      note_store(L, t);
      n->val.u.n = REG(2)->u.n;
      CPJIT_CONTINUE();
    }
  }
  if (!CPJIT_CALL(lj_set_field(L, t, key, REG(2)))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* ---- a field read, then stored in the same trace ---------------------------------------------
 * `obj.x = obj.x + 1`: the recorder pairs a GETFIELD_H form with a SETFIELD of the same table
 * register, key and node when nothing between them stores into a table, calls a helper that
 * may, or writes the table register (Recorder::pair_field_store): the table's nodes stay where
 * they are. The read becomes its _X form, which leaves the trace instead of calling the helper
 * unless the key is in that node with a value (of its type, for the typed forms); the store
 * then writes that node with no check (SETFIELD_HK, the value; SETFIELD_HKF, a float's payload
 * into the float the read found). A non-nil value needs no __newindex. */
#define GETFIELD_HX(NAME, TAG_OK, KNOWN, FACT, GIVEN)                                                        \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_, I_, I_}, .results = {{0, 0, FACT}}, \
                 .given = {0, 0, GIVEN});                                                                   \
  CPJIT_UOP(NAME) {                                                                                         \
    const lj_table *t = (const lj_table *)REG(1)->u.p;                                                      \
    const lj_string *key = CPJIT_OPERAND_PTR(2, const lj_string *);                                         \
    const uint32_t hint = CPJIT_OPERAND_U16(3);                                                             \
    const lj_node *n = (const lj_node *)((const char *)t->node + hint);                                     \
    if (LAID_OUT_LAST(hint <= LJ_LAST_NODE(t) && n->key.tag == LJ_STRING && n->key.u.p == key && (TAG_OK))) { \
      if (KNOWN) REG(0)->u.i = n->val.u.i;                                                                  \
      else copy_value(REG(0), &n->val);                                                                     \
      CPJIT_CONTINUE();                                                                                     \
    }                                                                                                       \
    CPJIT_EXIT(0);                                                                                          \
  }
GETFIELD_HX(GETFIELD_HX, n->val.tag != LJ_NIL, 0, 0, 0)
GETFIELD_HX(GETFIELD_HX_F, n->val.tag == LJ_FLOAT, 0, LJ_FACT_FLOAT, 0)
GETFIELD_HX(GETFIELD_HX_F__t, n->val.tag == LJ_FLOAT, 1, LJ_FACT_FLOAT, LJ_FACT_FLOAT)
GETFIELD_HX(GETFIELD_HX_I, n->val.tag == LJ_INT, 0, LJ_FACT_INT, 0)
GETFIELD_HX(GETFIELD_HX_I__t, n->val.tag == LJ_INT, 1, LJ_FACT_INT, LJ_FACT_INT)
GETFIELD_HX(GETFIELD_HX_T, n->val.tag == LJ_TABLE, 0, LJ_FACT_TABLE, 0)
GETFIELD_HX(GETFIELD_HX_T__t, n->val.tag == LJ_TABLE, 1, LJ_FACT_TABLE, LJ_FACT_TABLE)
CPJIT_UOP_INFO(SETFIELD_HK, .operands = {R_, I_, R_});
CPJIT_UOP(SETFIELD_HK) {
  lj_table *t = (lj_table *)REG(0)->u.p;
  lj_node *n = (lj_node *)((char *)t->node + CPJIT_OPERAND_U16(1));
  note_store(L, t);
  STORE_VALUE(t, &n->val, REG(2));
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(SETFIELD_HKF, .operands = {R_, I_, R_});
CPJIT_UOP(SETFIELD_HKF) {
  lj_table *t = (lj_table *)REG(0)->u.p;
  lj_node *n = (lj_node *)((char *)t->node + CPJIT_OPERAND_U16(1));
  note_store(L, t);
  n->val.u.n = REG(2)->u.n;
  CPJIT_CONTINUE();
}
/* The same storing a constant: operand 1 is a lj_store_site (the key and the value). */
CPJIT_UOP_INFO(SETFIELD_HC, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, I_, I_});
CPJIT_UOP(SETFIELD_HC) {
  const lj_store_site *site = CPJIT_OPERAND_PTR(1, const lj_store_site *);
  SETFIELD_H_BODY(site->key, &site->value, CPJIT_OPERAND_U16(2))
}
CPJIT_UOP_INFO(SETFIELD_C, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, I_, I_, I_});
CPJIT_UOP(SETFIELD_C) {
  SETFIELD_BODY((lj_table *)REG(0)->u.p, CPJIT_OPERAND_U8(3), STORE_CONST(slot, 2, 3),
                lj_set_field_c(L, t, key, CPJIT_OPERAND_I64(2), CPJIT_OPERAND_U8(3)))
}
CPJIT_UOP_INFO(SETTABUP, .flags = CPJIT_UOP_MAY_EXIT, .operands = {I_, I_, R_});
CPJIT_UOP(SETTABUP) {
  UPVAL_TABLE(up, cl, 0)
  SETFIELD_BODY((lj_table *)up->u.p, REG(2)->tag, copy_value(slot, REG(2)), lj_set_field(L, t, key, REG(2)))
}
CPJIT_UOP_INFO(SETTABUP_C, .flags = CPJIT_UOP_MAY_EXIT, .operands = {I_, I_, I_, I_});
CPJIT_UOP(SETTABUP_C) {
  UPVAL_TABLE(up, cl, 0)
  SETFIELD_BODY((lj_table *)up->u.p, CPJIT_OPERAND_U8(3), STORE_CONST(slot, 2, 3),
                lj_set_field_c(L, t, key, CPJIT_OPERAND_I64(2), CPJIT_OPERAND_U8(3)))
}

/* Any other key (strings in registers, floats, booleans, tables): the helper does the raw
 * access, or fails when a metamethod may be involved. */
CPJIT_UOP_INFO(GETTABLE_ANY, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_, R_});
CPJIT_UOP(GETTABLE_ANY) {
  if (!CPJIT_CALL(lj_get(L, (lj_table *)REG(1)->u.p, REG(2), REG(0)))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(SETTABLE_ANY, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, R_, R_});
CPJIT_UOP(SETTABLE_ANY) {
  if (!CPJIT_CALL(lj_set(L, (lj_table *)REG(0)->u.p, REG(1), REG(2)))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* The same with a constant value (payload and tag operands). */
CPJIT_UOP_INFO(SETTABLE_ANY_C, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, R_, I_, I_});
CPJIT_UOP(SETTABLE_ANY_C) {
  lj_value v;
  STORE_CONST(&v, 2, 3);
  if (!CPJIT_CALL(lj_set(L, (lj_table *)REG(0)->u.p, REG(1), &v))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* t[s] and t[s] = v with s a string (the recorder guards the key's type): a short string's
 * chain is walked inline (interned strings compare by address); a long string, a nil that may
 * hide __index and a new key are the helper's. */
CPJIT_UOP_INFO(GETTABLE_S, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_, R_});
CPJIT_UOP(GETTABLE_S) {
  const lj_table *t = (const lj_table *)REG(1)->u.p;
  const lj_string *key = (const lj_string *)REG(2)->u.p;
  if (__builtin_expect(key->is_short, 1)) {
    const lj_value *v = find_field(t, key);
    if (v != 0 && v->tag != LJ_NIL) {
      copy_value(REG(0), v);
      CPJIT_CONTINUE();
    }
    if (!may_have_tm(t->meta, LJ_TM_INDEX)) {
      REG(0)->tag = LJ_NIL;
      CPJIT_CONTINUE();
    }
  }
  if (!CPJIT_CALL(lj_get(L, (lj_table *)t, REG(2), REG(0)))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(SETTABLE_S, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, R_, R_});
CPJIT_UOP(SETTABLE_S) {
  lj_table *t = (lj_table *)REG(0)->u.p;
  const lj_string *key = (const lj_string *)REG(1)->u.p;
  if (__builtin_expect(key->is_short, 1)) {
    lj_value *v = find_field(t, key);
    if (v != 0 && v->tag != LJ_NIL && !GC_TOUCHES(t, REG(2)->tag)) {
      note_store(L, t);
      copy_value(v, REG(2));
      CPJIT_CONTINUE();
    }
  }
  if (!CPJIT_CALL(lj_set(L, t, REG(1), REG(2)))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* s:method(...): the method from the string metatable's __index table. */
CPJIT_UOP_INFO(SELF_STR, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, I_});
CPJIT_UOP(SELF_STR) {
  if (!CPJIT_CALL(lj_string_method(L, CPJIT_OPERAND_PTR(1, const lj_string *), REG(0)))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* The same with the method kept in operand 1, a lj_class_site, as GETFIELD_C keeps class
 * answers: the helper finds it, keeps it in the site's first entry with the string metatable
 * (the table operand 2 points to, the interpreter's) and marks that metatable and its __index
 * table watched. While class_epoch stays and the metatable is the same, the kept method is the
 * answer. */
CPJIT_UOP_INFO(SELF_STR_C, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, I_, I_});
CPJIT_UOP(SELF_STR_C) {
  lj_class_site *site = CPJIT_OPERAND_PTR(1, lj_class_site *);
  const lj_table *mt = *CPJIT_OPERAND_PTR(2, const lj_table *const *);
  if (LAID_OUT_LAST(L->class_epoch == site->epoch && mt == site->meta[0])) {
    copy_value(REG(0), &site->value[0]);
    CPJIT_CONTINUE();
  }
  if (!CPJIT_CALL(lj_string_method_kept(L, site, REG(0)))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* #t without __len; #s. */
CPJIT_UOP_INFO(LEN_T, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_}, .results = {{0, 0, LJ_FACT_INT}});
CPJIT_UOP(LEN_T) {
  lj_table *t = (lj_table *)REG(1)->u.p;
  if (may_have_tm(t->meta, LJ_TM_LEN)) CPJIT_EXIT(0);
  set_int(REG(0), CPJIT_CALL(lj_table_length(t)));
  CPJIT_CONTINUE();
}
/* table.insert(t, v): t[#t + 1] = v for a table without a metatable (else __len, __index or
 * __newindex may apply: the interpreter). */
CPJIT_UOP_INFO(TABLE_APPEND, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, R_});
CPJIT_UOP(TABLE_APPEND) {
  lj_table *t = (lj_table *)REG(0)->u.p;
  if (t->meta != 0) CPJIT_EXIT(0);
  const int64_t key = (int64_t)((uint64_t)CPJIT_CALL(lj_table_length(t)) + 1);
  if (in_array(t, key) && !GC_TOUCHES(t, REG(1)->tag)) {
    copy_value(&t->array[key - 1], REG(1));
    CPJIT_CONTINUE();
  }
  if (!CPJIT_CALL(lj_set_int(L, t, key, REG(1)))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(LEN_S, .flags = CPJIT_UOP_PURE, .operands = {W_, R_}, .results = {{0, 0, LJ_FACT_INT}});
CPJIT_UOP(LEN_S) {
  set_int(REG(0), (int64_t)((const lj_string *)REG(1)->u.p)->len);
  CPJIT_CONTINUE();
}

/* {} with room for `narray` array and `nhash` hash entries. */
CPJIT_UOP_INFO(NEWTABLE, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, I_, I_},
               .results = {{0, 0, LJ_FACT_TABLE}});
CPJIT_UOP(NEWTABLE) {
  if (!CPJIT_CALL(lj_new_table(L, REG(0), CPJIT_OPERAND_U32(1), CPJIT_OPERAND_U32(2)))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* The same without hash entries and with NARRAY (a literal, at most 3) array slots, made
 * inline as the allocator and table_new() make it (the slots in the table's own block) when
 * the free list of that block's size has one and the bytes leave the heap below the next
 * collection (and the limit), so that the helper's safe point would do nothing.
 * Operand 1 is the node of tables with an empty hash part (src/table.cpp). */
#define LJ_HEAP(OFFSET, TYPE) (*(TYPE *)((char *)L + (OFFSET)))
static inline __attribute__((always_inline)) void *pool_pop(void **list) {
  void *block = *list;
  *list = *(void **)block;
  return block;
}
static inline __attribute__((always_inline)) int new_table_inline(struct lj_state *L, lj_value *out,
                                                                  uint32_t narray, lj_node *empty) {
  /* One block: the table, and its array slots LJ_TABLE_INLINE_OFFSET bytes in (table_new's). */
  const uint64_t bytes = narray == 0 ? sizeof(lj_table) : LJ_TABLE_INLINE_OFFSET + narray * sizeof(lj_value);
  void **list = &LJ_HEAP(LJ_HEAP_FREE_LISTS, void *) + (bytes - 1) / LJ_POOL_GRANULE;
  const uint64_t total = LJ_HEAP(LJ_HEAP_TOTAL, uint64_t) + bytes;
  const uint64_t nobjects = LJ_HEAP(LJ_HEAP_NOBJECTS, uint64_t);
  if (total >= LJ_HEAP(LJ_HEAP_THRESHOLD, uint64_t) || total > LJ_HEAP(LJ_HEAP_LIMIT, uint64_t) ||
      nobjects == LJ_HEAP(LJ_HEAP_OBJECTS_CAP, uint64_t) || *list == 0)
    return 0;
  lj_table *t = (lj_table *)pool_pop(list);
  lj_value *array = 0;
  if (narray != 0) {
    array = (lj_value *)((char *)t + LJ_TABLE_INLINE_OFFSET);
    _Pragma("clang loop unroll(full)") for (uint32_t i = 0; i < narray; i++) array[i].tag = LJ_NIL;
  }
  LJ_HEAP(LJ_HEAP_TOTAL, uint64_t) = total;
  LJ_HEAP(LJ_HEAP_OBJECTS, void **)[nobjects] = t;
  LJ_HEAP(LJ_HEAP_NOBJECTS, uint64_t) = nobjects + 1;
  t->gctype = LJ_TABLE;
  t->marked = 0;
  t->is_short = 0;
  t->inline_slots = (uint8_t)narray;
  t->hash = 0; /* LJ_LAST_NODE of an empty hash part */
  t->tm_absent = 0;
  t->asize = narray;
  t->hmask = 0;
  t->lastfree = 0;
  t->array = array;
  t->node = empty;
  t->meta = 0;
  t->skeys = 0;
  t->len_hint = 0;
  out->u.p = t;
  out->tag = LJ_TABLE;
  return 1;
}
#define NEWTABLE_A(NAME, NARRAY)                                                                  \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, I_}, .results = {{0, 0, LJ_FACT_TABLE}}); \
  CPJIT_UOP(NAME) {                                                                               \
    if (LAID_OUT_LAST(new_table_inline(L, REG(0), NARRAY, CPJIT_OPERAND_PTR(1, lj_node *))))       \
      CPJIT_CONTINUE();                                                                           \
    if (!CPJIT_CALL(lj_new_table(L, REG(0), NARRAY, 0))) CPJIT_EXIT(0);                           \
    CPJIT_CONTINUE();                                                                             \
  }
NEWTABLE_A(NEWTABLE_A0, 0)
NEWTABLE_A(NEWTABLE_A1, 1)
NEWTABLE_A(NEWTABLE_A2, 2)
NEWTABLE_A(NEWTABLE_A3, 3)

/* A table constructor's list: t[start+1 .. start+n] = R[t+1] .. R[t+n], into the array part,
 * grown first when too small (a constructor ending in a call sizes it without the call's
 * results). n = 0: the values end at the stack top, where a call left its results
 * ({f(), g()}). It reads slots its operands do not name, so it escapes. */
CPJIT_UOP_INFO(SETLIST, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {R_, I_, I_});
CPJIT_UOP(SETLIST) {
  const lj_value *list = REG(0);
  lj_table *t = (lj_table *)list->u.p;
  uint32_t n = CPJIT_OPERAND_U8(1);
  const uint32_t start = CPJIT_OPERAND_U32(2);
  if (n == 0) n = (uint32_t)(L->top - list - 1);
  /* Too small an array is the helper's, which grows it and stores the list: nothing lives
   * across that call, which left clang short of registers (it took rbp, rule 7). So is a
   * table that grew old while the constructor's items ran (the helper runs the barrier). */
  if (__builtin_expect((uint64_t)start + n > t->asize || t->marked == LJ_GC_OLD, 0)) {
    if (!CPJIT_CALL(lj_set_list(L, REG(0), n, start, CPJIT_OPERAND_U8(1) == 0))) CPJIT_EXIT(0);
    CPJIT_CONTINUE();
  }
  NO_VECTOR
  for (uint32_t j = 1; j <= n; j++) copy_value(t->array + start + j - 1, list + j);
  if (CPJIT_OPERAND_U8(1) == 0) L->top = L->ci->top;
  CPJIT_CONTINUE();
}
/* SETLIST of N values (a literal, 1..4), the count the recorder saw: fixed, or up to the stack
 * top (AT_TOP), where they must end again; stored unrolled. Anything else (too small an array,
 * another count at the top, an old table) is the helper's. Operand 1 is where the list starts
 * in the array. */
#define SETLIST_N(NAME, N, AT_TOP)                                                                 \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {R_, I_});      \
  CPJIT_UOP(NAME) {                                                                                \
    const lj_value *list = REG(0);                                                                 \
    lj_table *t = (lj_table *)list->u.p;                                                           \
    const uint32_t start = CPJIT_OPERAND_U32(1);                                                   \
    if (LAID_OUT_LAST((uint64_t)start + N <= t->asize && (!AT_TOP || L->top == list + 1 + N) &&     \
                      t->marked != LJ_GC_OLD)) {                                                   \
      lj_value *const dst = t->array + start; /* once: the stores could alias the table's field */ \
      _Pragma("clang loop unroll(full)") for (uint32_t j = 1; j <= N; j++)                          \
        copy_value(dst + j - 1, list + j);                                                         \
      if (AT_TOP) L->top = L->ci->top;                                                             \
      CPJIT_CONTINUE();                                                                            \
    }                                                                                              \
    const uint32_t n = AT_TOP ? (uint32_t)(L->top - list - 1) : N;                                 \
    if (!CPJIT_CALL(lj_set_list(L, REG(0), n, start, AT_TOP))) CPJIT_EXIT(0);                      \
    CPJIT_CONTINUE();                                                                              \
  }
SETLIST_N(SETLIST_1, 1, 0)
SETLIST_N(SETLIST_2, 2, 0)
SETLIST_N(SETLIST_3, 3, 0)
SETLIST_N(SETLIST_4, 4, 0)
SETLIST_N(SETLIST_T1, 1, 1)
SETLIST_N(SETLIST_T2, 2, 1)
SETLIST_N(SETLIST_T3, 3, 1)
SETLIST_N(SETLIST_T4, 4, 1)

/* R[a] = R[b] .. ... .. R[b+n-1] for strings and numbers. */
CPJIT_UOP_INFO(CONCAT, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_, I_},
               .results = {{0, 0, LJ_FACT_STRING}});
CPJIT_UOP(CONCAT) {
  if (!CPJIT_CALL(lj_concat(L, REG(0), REG(1), CPJIT_OPERAND_U8(2)))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* ---- generic for loops ---------------------------------------------------------------------
 * TFORCALL of the iterators that pairs() and ipairs() return, after a guard on the iterator:
 * operands are the table R[a+1], the control R[a+2] and the loop's variables R[a+3] (and
 * R[a+4] in the two-variable forms). At the end both variables are nil, as the call's adjusted
 * results are; TFORLOOP is a guard on R[a+3] and a MOVE. */
CPJIT_UOP_INFO(ITER_NEXT, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, R_, W_, W_});
CPJIT_UOP(ITER_NEXT) {
  if (!CPJIT_CALL(lj_next(L, (const lj_table *)REG(0)->u.p, REG(1), REG(2), REG(3)))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(ITER_NEXT1, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, R_, W_});
CPJIT_UOP(ITER_NEXT1) {
  if (!CPJIT_CALL(lj_next(L, (const lj_table *)REG(0)->u.p, REG(1), REG(2), 0))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* ipairs(t) over a table without a metatable (one may have been set since: then the
 * interpreter steps it, with __index). The control is an integer. */
#define ITER_IPAIRS_BODY(VALUE)                                                   \
  const lj_table *t = (const lj_table *)REG(0)->u.p;                              \
  if (t->meta != 0) CPJIT_EXIT(0);                                                \
  const int64_t i = (int64_t)((uint64_t)REG(1)->u.i + 1);                          \
  const lj_value *v = in_array(t, i) ? &t->array[i - 1] : CPJIT_CALL(lj_get_int(t, i)); \
  if (v->tag == LJ_NIL) {                                                         \
    REG(2)->tag = LJ_NIL;                                                         \
    VALUE(REG(3)->tag = LJ_NIL);                                                  \
    CPJIT_CONTINUE();                                                             \
  }                                                                               \
  VALUE(copy_value(REG(3), v));                                                   \
  set_int(REG(2), i);                                                             \
  CPJIT_CONTINUE();
#define WITH_VALUE(X) X
#define NO_VALUE(X)
CPJIT_UOP_INFO(ITER_IPAIRS, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, R_, W_, W_});
CPJIT_UOP(ITER_IPAIRS) { ITER_IPAIRS_BODY(WITH_VALUE) }
CPJIT_UOP_INFO(ITER_IPAIRS1, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, R_, W_});
CPJIT_UOP(ITER_IPAIRS1) { ITER_IPAIRS_BODY(NO_VALUE) }

/* ---- upvalues ------------------------------------------------------------------------------ */
CPJIT_UOP_INFO(GETUPVAL, .operands = {W_, I_});
CPJIT_UOP(GETUPVAL) {
  copy_value(REG(0), UPVAL(cl, 1)->v);
  CPJIT_CONTINUE();
}
/* An open upvalue may be one of this frame's registers: the optimizer must forget what it
 * knew. */
CPJIT_UOP_INFO(SETUPVAL, .flags = CPJIT_UOP_ESCAPES, .operands = {R_, I_});
CPJIT_UOP(SETUPVAL) {
  lj_upval *uv = UPVAL(cl, 1);
  STORE_VALUE(uv, uv->v, REG(0));
  CPJIT_CONTINUE();
}
/* The same for an upvalue that is not a slot of the trace (the recorder saw it closed, or open
 * over a register below the trace's base, which no slot operand reaches: they are u16 byte
 * offsets up from the base): it changes no slot, so it does not escape, and the optimizer keeps
 * what it knows across it. Leaves, before writing, when the cell lies in the 64 KiB above the
 * base now (another closure of the same function, open over one of the trace's registers; or,
 * rarely, a closed cell just above the stack). SETUPVAL_F_NS: SETUPVAL_F's. */
CPJIT_UOP_INFO(SETUPVAL_NS, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, I_});
CPJIT_UOP(SETUPVAL_NS) {
  lj_upval *uv = UPVAL(cl, 1);
  lj_value *cell = uv->v;
  if (LAID_OUT_LAST(!lj_may_be_slot(cell, base))) {
    STORE_VALUE(uv, cell, REG(0));
    CPJIT_CONTINUE();
  }
  CPJIT_EXIT(0);
}

/* CLOSE: upvalues open over this frame's registers from `a` up take their values (the slots
 * are always up to date). It reads every register from `a` up, not just `a`: READS_SLOTS, so
 * that no store into one of them counts as dead. */
CPJIT_UOP_INFO(CLOSE, .flags = CPJIT_UOP_READS_SLOTS, .operands = {R_});
CPJIT_UOP(CLOSE) {
  if (CPJIT_CALL(lj_has_open_upvalues(L, REG(0)))) {
    lj_close_upvals(L, REG(0));
    CPJIT_PIN_STATE();
  }
  CPJIT_CONTINUE();
}
/* R[a] := a closure of prototype p (operand 1) in the trace's own frame; CLOSURE_F in an
 * inlined one, whose closure is in slot operand 2 and whose registers start at operand 3 (a
 * byte offset from the base). */
CPJIT_UOP_INFO(CLOSURE, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, I_});
CPJIT_UOP(CLOSURE) {
  if (!CPJIT_CALL(lj_closure(L, REG(0), CPJIT_OPERAND_PTR(1, const lj_proto *), cl, base))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(CLOSURE_F, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, I_, R_, I_});
CPJIT_UOP(CLOSURE_F) {
  if (!CPJIT_CALL(lj_closure(L, REG(0), CPJIT_OPERAND_PTR(1, const lj_proto *), CLOSURE_AT(2),
                  (lj_value *)((char *)base + CPJIT_OPERAND_U16(3)))))
    CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* ---- calls ---------------------------------------------------------------------------------
 * R[a] .. R[a+c-2] := R[a](R[a+1] .. R[a+b-1]) through the interpreter: any callable value,
 * run to completion by a nested interpreter. Operand 3 is the instruction after the CALL (the
 * frame's saved pc while the callee runs). */
CPJIT_UOP_INFO(CALL, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_MAY_ERROR | CPJIT_UOP_ESCAPES,
               .operands = {RW_, I_, I_, I_});
CPJIT_UOP(CALL) {
  int r = CPJIT_CALL(lj_call(L, REG(0), CPJIT_OPERAND_U16(1), CPJIT_OPERAND_U16(2), CPJIT_OPERAND_PTR(3, const void *)));
  if (r < 0) CPJIT_ERROR();
  if (r == 0) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* ---- inlined Lua calls ------------------------------------------------------------------------
 * The recorder follows a call into a Lua function: the callee's registers are slots of the
 * trace above the caller's (operands are offsets from the trace's base), and its frame is
 * pushed for real, so that an exit inside the callee resumes the interpreter in the callee,
 * which returns to the caller as usual. */
CPJIT_UOP_INFO(GUARD_PROTO, .flags = GUARD_FLAGS | CPJIT_UOP_IDEMPOTENT, .operands = {R_, I_});
CPJIT_UOP(GUARD_PROTO) {
  const lj_value *f = REG(0);
  if (f->tag != LJ_LCLOSURE || ((const lj_lclosure *)f->u.p)->proto != CPJIT_OPERAND_PTR(1, void *)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* Register operand 0 holds closure operand 1 itself (GUARD_LCL), the trace's own frame runs
 * closure operand 0 (GUARD_CL): the recorder's checks where a prototype has one closure, which
 * then make the closure's fixed upvalues constants. The recorder frees the trace with the
 * closure, so no other closure can take the address while the trace lives. */
CPJIT_UOP_INFO(GUARD_LCL, .flags = GUARD_FLAGS | CPJIT_UOP_IDEMPOTENT, .operands = {R_, I_});
CPJIT_UOP(GUARD_LCL) {
  const lj_value *f = REG(0);
  if (f->tag != LJ_LCLOSURE || f->u.p != CPJIT_OPERAND_PTR(1, void *)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(GUARD_CL, .flags = GUARD_FLAGS | CPJIT_UOP_IDEMPOTENT, .operands = {I_});
CPJIT_UOP(GUARD_CL) {
  if ((void *)cl != CPJIT_OPERAND_PTR(0, void *)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* Frame bookkeeping shared by the frame uops, as the interpreter's call.cpp does it. */
static inline __attribute__((always_inline)) int frame_has_open_upvalues(const struct lj_state *L,
                                                                         const lj_callinfo *ci) {
  return L->open_upvals != 0 && L->open_upvals->v >= ci->base;
}
/* Parameters the call did not pass (arguments end at args_end) are nil. */
static inline __attribute__((always_inline)) void nil_missing_params(lj_value *func, lj_value *args_end,
                                                                     const lj_proto *p) {
  NO_VECTOR
  for (lj_value *a = args_end; a <= func + p->numparams; a++) a->tag = LJ_NIL;
}
/* Every slot written so far lies below the high-water mark (slots above it are all nil). */
static inline __attribute__((always_inline)) void raise_stack_hwm(struct lj_state *L, lj_value *frame_top) {
  lj_value *hi = frame_top > L->top ? frame_top : L->top;
  if (hi > L->stack_hwm) L->stack_hwm = hi;
}
/* The new frame `nci` of the function in `func`, as the interpreter's precall() makes it.
 * `args_below_top` (a literal): the arguments end at or below the frame's top, so the top alone
 * raises the high-water mark (a known call's site says so, lj_call_site). */
_Static_assert(__builtin_offsetof(lj_callinfo, nvarargs) == __builtin_offsetof(lj_callinfo, nresults) + 4,
               "nresults and nvarargs are stored as one word");
static inline __attribute__((always_inline)) void enter_frame(struct lj_state *L, lj_callinfo *ci, lj_callinfo *nci,
                                                              lj_value *func, lj_value *args_end, lj_value *top,
                                                              const void *return_pc, const void *code,
                                                              int32_t nresults, int args_below_top) {
  ci->savedpc = return_pc;
  nci->func = func;
  nci->base = func + 1;
  nci->top = top;
  nci->savedpc = code;
  const uint64_t counts = (uint32_t)nresults; /* nvarargs = 0 above it (little-endian) */
  __builtin_memcpy(&nci->nresults, &counts, sizeof counts);
  nci->status = LJ_CI_LUA;
  L->top = args_end;
  if (args_below_top) {
    if (top > L->stack_hwm) L->stack_hwm = top;
  } else {
    raise_stack_hwm(L, top);
  }
  L->ci = nci;
}
/* R[f](R[f+1] .. R[f+b-1]) wanting c-1 results: the callee's frame becomes the running one.
 * Inline when the callee takes fixed parameters and a frame record is cached (after the first
 * call at this depth); the helper otherwise. Returns 0 (having changed nothing) when the stack
 * would overflow. */
static inline __attribute__((always_inline)) int push_frame(struct lj_state *L, lj_value *func, uint32_t b,
                                                            uint32_t c, const void *return_pc) {
  lj_value *args_end = func + b;
  const lj_proto *p = (const lj_proto *)((const lj_lclosure *)func->u.p)->proto;
  lj_callinfo *ci = L->ci;
  lj_callinfo *nci = ci->next;
  if (nci != 0 && !p->is_vararg && args_end + p->numparams + p->maxstack < L->stack_limit) {
    nil_missing_params(func, args_end, p);
    enter_frame(L, ci, nci, func, args_end, func + 1 + p->maxstack, return_pc, p->code, (int32_t)c - 1, 0);
    return 1;
  }
  return lj_push_frame(L, func, b, c, return_pc);
}
/* The same for a call of a known function that takes fixed parameters, all passed: what the
 * frame needs was worked out when the call was recorded (the site); the arguments end at
 * args_end. No helper: a depth whose frame record does not exist yet (the first call that
 * deep; records stay for the state's life) or a stack to grow returns 0, having changed
 * nothing, and the uop leaves the trace for the interpreter to make the call. The fast path is
 * then straight-line code, with no stack frame for a call. */
static inline __attribute__((always_inline)) int push_frame_site(struct lj_state *L, lj_value *func,
                                                                 lj_value *args_end, const lj_call_site *site) {
  lj_callinfo *ci = L->ci;
  lj_callinfo *nci = ci->next;
  if (nci == 0 || (char *)func + site->limit_offset >= (char *)L->stack_limit) return 0;
  enter_frame(L, ci, nci, func, args_end, (lj_value *)((char *)func + site->top_offset), site->return_pc,
              site->code, site->nresults, 1);
  return 1;
}
/* The running frame returns R[first] .. R[first+n-1] to its caller, as poscall() does; the
 * helper when the frame has open upvalues to close. `no_upvalues` (a literal): the frame's
 * function creates no closures, so no upvalue can be open over its registers (the recorder
 * knows the prototype). */
static inline __attribute__((always_inline)) void pop_frame_in(struct lj_state *L, const lj_value *first, int32_t n,
                                                              int no_upvalues) {
  lj_callinfo *ci = L->ci;
  if (!no_upvalues && frame_has_open_upvalues(L, ci)) {
    lj_pop_frame(L, (lj_value *)first, (uint32_t)n);
    return;
  }
  lj_value *res = ci->func;
  const int32_t wanted = ci->nresults;
  L->ci = ci->prev;
  if (wanted == n) { /* the common case; a single copy when n is a literal 1 */
    NO_VECTOR
    for (int32_t i = 0; i < n; i++) copy_value(res + i, first + i);
    L->top = L->ci->top;
    return;
  }
  const int32_t copied = (wanted < 0 || n < wanted) ? n : wanted;
  NO_VECTOR
  for (int32_t i = 0; i < copied; i++) copy_value(res + i, first + i);
  NO_VECTOR
  for (int32_t i = copied; i < wanted; i++) res[i].tag = LJ_NIL;
  L->top = wanted < 0 ? res + n : L->ci->top; /* lj_pop_frame: a fixed count restores the frame top */
}
static inline __attribute__((always_inline)) void pop_frame(struct lj_state *L, const lj_value *first, int32_t n) {
  pop_frame_in(L, first, n, 0);
}
CPJIT_UOP_INFO(PUSH_FRAME, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {RW_, I_, I_, I_});
CPJIT_UOP(PUSH_FRAME) {
  GIVE_UP_INT_HOMES();
  if (!CPJIT_CALL(push_frame(L, REG(0), CPJIT_OPERAND_U16(1), CPJIT_OPERAND_U16(2), CPJIT_OPERAND_PTR(3, const void *))))
    CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* The callee known, with fixed parameters all passed: operand 1 is where the arguments end (a
 * byte offset from the base, as slots are), operand 2 the call's lj_call_site. */
#define SITE_ARGS(F) F, (lj_value *)((char *)base + CPJIT_OPERAND_U16(1)), CPJIT_OPERAND_PTR(2, const lj_call_site *)
/* It touches no slot (the arguments stay where they are, none is missing) and the base stays:
 * what the optimizer knows about slots holds in the callee, which sees them as its registers. */
CPJIT_UOP_INFO(PUSH_FRAME_K, .flags = CPJIT_UOP_MAY_EXIT, .operands = {RW_, I_, I_});
CPJIT_UOP(PUSH_FRAME_K) {
  if (!push_frame_site(L, SITE_ARGS(REG(0)))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* An inlined call whose callee can neither leave the trace nor fail nor call anything, so that
 * no one can see its frame (the recorder's choice, when the callee returns): the frame is not
 * pushed, but its registers above the function slot (operand 0, a byte offset) need the room
 * and the high-water mark PUSH_FRAME_K would have ensured (operand 1: the call's site), and the
 * stack top is the caller's, as after the pop. */
/* Idempotent: the room and the mark stay ensured while nothing escapes (nothing moves the stack
 * or the trace's base), and the same site in the same trace is at the same frame depth, whose
 * top it sets again: a loop keeps the first iteration's. */
CPJIT_UOP_INFO(FRAME_ROOM, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_IDEMPOTENT, .operands = {I_, I_});
CPJIT_UOP(FRAME_ROOM) {
  const char *func = (const char *)base + CPJIT_OPERAND_U16(0);
  const lj_call_site *site = CPJIT_OPERAND_PTR(1, const lj_call_site *);
  if (func + site->limit_offset >= (const char *)L->stack_limit) CPJIT_EXIT(0);
  lj_value *top = (lj_value *)(func + site->top_offset); /* above the caller's stack top */
  if (top > L->stack_hwm) L->stack_hwm = top;
  L->top = L->ci->top;
  CPJIT_CONTINUE();
}
/* An inlined call of a function that calls nothing and creates no closures, whose frame the
 * trace does not push although it may leave inside it (the recorder's choice, when the callee
 * returns): an exit there pushes the frame before the interpreter resumes in it (jit.cpp), and
 * a side trace from there starts by pushing it. Meanwhile the caller's frame is the running one,
 * and the stack top covers the callee's registers (the helpers' safe points keep every slot up
 * to the stack's high-water mark, helpers.cpp); the room is FRAME_ROOM's, and the caller's
 * saved pc is the call's return, as PUSH_FRAME_K leaves it. Not idempotent: POP_VIRTUAL1 lowers
 * the top again. */
CPJIT_UOP_INFO(FRAME_VIRTUAL, .flags = CPJIT_UOP_MAY_EXIT, .operands = {I_, I_});
CPJIT_UOP(FRAME_VIRTUAL) {
  const char *func = (const char *)base + CPJIT_OPERAND_U16(0);
  const lj_call_site *site = CPJIT_OPERAND_PTR(1, const lj_call_site *);
  if (func + site->limit_offset >= (const char *)L->stack_limit) CPJIT_EXIT(0);
  lj_value *top = (lj_value *)(func + site->top_offset);
  if (top > L->stack_hwm) L->stack_hwm = top;
  L->top = top;
  L->ci->savedpc = site->return_pc; /* as the push would: a trace's GUARD_RETPC may look */
  CPJIT_CONTINUE();
}
/* The return of FRAME_VIRTUAL's call: its one value into the function's slot (operand 1), and
 * the caller's stack top back, as POP_FRAME1_K leaves them. */
CPJIT_UOP_INFO(POP_VIRTUAL1, .operands = {R_, W_});
CPJIT_UOP(POP_VIRTUAL1) {
  copy_value(REG(1), REG(0));
  L->top = L->ci->top;
  CPJIT_CONTINUE();
}
/* The running (inlined) frame returns R[first] .. R[first+n-1]; POP_FRAME1 one value. */
CPJIT_UOP_INFO(POP_FRAME, .flags = CPJIT_UOP_ESCAPES, .operands = {R_, I_});
CPJIT_UOP(POP_FRAME) {
  pop_frame(L, REG(0), (int32_t)CPJIT_OPERAND_U16(1));
  CPJIT_PIN_STATE();
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(POP_FRAME1, .flags = CPJIT_UOP_ESCAPES, .operands = {R_});
CPJIT_UOP(POP_FRAME1) {
  pop_frame(L, REG(0), 1);
  CPJIT_PIN_STATE();
  CPJIT_CONTINUE();
}
/* One value from a function that creates no closures (no upvalue can be open over its frame) to
 * a call that wants one result: what pop_frame does then, without its tests. Both are the
 * recorder's to know (the callee's prototype, the call instruction). Operand 1 is the frame's
 * function slot, where the value goes: the only slot it writes, so it does not escape. */
CPJIT_UOP_INFO(POP_FRAME1_K, .operands = {R_, W_});
CPJIT_UOP(POP_FRAME1_K) {
  lj_callinfo *ci = L->ci, *prev = ci->prev;
  copy_value(REG(1), REG(0));
  L->ci = prev;
  L->top = prev->top;
  CPJIT_CONTINUE();
}

/* ---- calls and returns that move the trace's base ---------------------------------------------
 * Traces that start at a function's entry follow recursion by moving the pinned frame: a call
 * makes the callee's frame the trace's own (its registers are slots 0.. again, its closure the
 * pinned one), and a return from the trace's own frame makes the caller's frame the trace's
 * own. The slots on either side of such a uop are different memory: each ESCAPES, so the
 * optimizer assumes nothing across it. */

/* PUSH_FRAME, then the callee's frame is the trace's own. */
CPJIT_UOP_INFO(CALL_REBASE, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {RW_, I_, I_, I_});
CPJIT_UOP(CALL_REBASE) {
  GIVE_UP_INT_HOMES();
  lj_value *func = REG(0);
  if (!CPJIT_CALL(push_frame(L, func, CPJIT_OPERAND_U16(1), CPJIT_OPERAND_U16(2), CPJIT_OPERAND_PTR(3, const void *))))
    CPJIT_EXIT(0);
  base = L->ci->base;
  SET_CLOSURE((lj_lclosure *)func->u.p);
  CPJIT_CONTINUE();
}
/* PUSH_FRAME_K, then the callee's frame is the trace's own. */
CPJIT_UOP_INFO(CALL_REBASE_K, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {RW_, I_, I_});
CPJIT_UOP(CALL_REBASE_K) {
  lj_value *func = REG(0);
  if (!push_frame_site(L, SITE_ARGS(func))) CPJIT_EXIT(0);
  base = func + 1;
  SET_CLOSURE((lj_lclosure *)func->u.p);
  CPJIT_CONTINUE();
}
/* The trace's own frame returns R[first] .. R[first+n-1]; its caller's frame becomes the
 * trace's own. Leaves before changing anything when the frame was entered from C (the
 * interpreter must return to it). */
#define RETURN_BASE_BODY(N)                       \
  if (L->ci->status & LJ_CI_FRESH) CPJIT_EXIT(0); \
  pop_frame(L, REG(0), N);                        \
  CPJIT_PIN_STATE();                              \
  const lj_callinfo *ci = L->ci;                  \
  base = ci->base;                                \
  SET_CLOSURE((lj_lclosure *)ci->func->u.p);      \
  CPJIT_CONTINUE();
CPJIT_UOP_INFO(RETURN_BASE, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {R_, I_});
CPJIT_UOP(RETURN_BASE) { RETURN_BASE_BODY((int32_t)CPJIT_OPERAND_U16(1)) }
CPJIT_UOP_INFO(RETURN_BASE1, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {R_});
CPJIT_UOP(RETURN_BASE1) { RETURN_BASE_BODY(1) }
/* RETURN_BASE1 from a function that creates no closures, and the GUARD_RETPC after it, in one
 * uop: operand 1 is the call site the caller must go on at. Exit 0 leaves before the return
 * (a frame entered from C), exit 1 after it, when the caller goes on elsewhere: the trace's
 * return exit, as the guard's. */
#define RETURN_ONE(CALLEE, CALLER)                                                             \
  if (CALLEE->nresults == 1) { /* one value to a call that wants one: pop_frame_in's common case */ \
    copy_value(CALLEE->func, REG(0));                                                          \
    L->ci = (lj_callinfo *)CALLER;                                                             \
    L->top = CALLER->top;                                                                      \
  } else if (CALLEE->nresults < 0) { /* to a call that wants them all: the top follows it */   \
    copy_value(CALLEE->func, REG(0));                                                          \
    L->ci = (lj_callinfo *)CALLER;                                                             \
    L->top = CALLEE->func + 1;                                                                 \
  } else {                                                                                     \
    pop_frame_in(L, REG(0), 1, 1);                                                             \
  }                                                                                            \
  base = CALLER->base;                                                                         \
  SET_CLOSURE((lj_lclosure *)CALLER->func->u.p);
CPJIT_UOP_INFO(RETURN_BASE1_KR, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {R_, I_});
CPJIT_UOP(RETURN_BASE1_KR) {
  const lj_callinfo *callee = L->ci;
  if (callee->status & LJ_CI_FRESH) CPJIT_EXIT(0);
  const lj_callinfo *caller = callee->prev;
  RETURN_ONE(callee, caller)
  if (caller->savedpc != CPJIT_OPERAND_PTR(1, const void *)) CPJIT_EXIT(1);
  CPJIT_CONTINUE();
}
/* RETURN_BASE1_KR from a function without varargs whose recorded call site wanted one value
 * (KR1) or all of them (KRA). How many values a frame's call wants is the call instruction's (a
 * tail call keeps the frame's), so when the caller goes on at the recorded site the frame wants
 * what it wanted then: the value goes to the function slot (the one below the frame's base,
 * operand 2, a slot operand as an immediate: the frame's base may be above the trace's) and the
 * top where that count puts it, without asking the frame. */
#define FUNC_SLOT(N) (REG(N) - 1)
#define RETURN_BASE1_KR_AT_SITE(NAME, TOP)                                                        \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {R_, I_, I_}); \
  CPJIT_UOP(NAME) {                                                                           \
    const lj_callinfo *callee = L->ci;                                                        \
    if (callee->status & LJ_CI_FRESH) CPJIT_EXIT(0);                                          \
    const lj_callinfo *caller = callee->prev;                                                 \
    if (LAID_OUT_LAST(caller->savedpc == CPJIT_OPERAND_PTR(1, const void *))) {               \
      copy_value(FUNC_SLOT(2), REG(0));                                                       \
      L->ci = (lj_callinfo *)caller;                                                          \
      L->top = TOP;                                                                           \
      base = caller->base;                                                                    \
      SET_CLOSURE((lj_lclosure *)caller->func->u.p);                                          \
      CPJIT_CONTINUE();                                                                       \
    }                                                                                         \
    RETURN_ONE(callee, caller)                                                                \
    CPJIT_EXIT(1);                                                                            \
  }
RETURN_BASE1_KR_AT_SITE(RETURN_BASE1_KR1, caller->top)
RETURN_BASE1_KR_AT_SITE(RETURN_BASE1_KRA, FUNC_SLOT(2) + 1)
/* The running frame (an inlined call's) becomes the trace's own: the trace goes on in a trace
 * that runs in that frame (a loop's inside the inlined function). */
CPJIT_UOP_INFO(REBASE_CI, .flags = CPJIT_UOP_ESCAPES);
CPJIT_UOP(REBASE_CI) {
  const lj_callinfo *ci = L->ci;
  base = ci->base;
  SET_CLOSURE((lj_lclosure *)ci->func->u.p);
  CPJIT_CONTINUE();
}
/* After RETURN_BASE: the caller goes on at this instruction (the call site the trace was
 * recorded with). Its exit resumes the caller wherever it goes on. */
CPJIT_UOP_INFO(GUARD_RETPC, .flags = GUARD_FLAGS, .operands = {I_});
CPJIT_UOP(GUARD_RETPC) {
  if (L->ci->savedpc != CPJIT_OPERAND_PTR(0, const void *)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* `return R[f](R[f+1] .. R[f+n-1])` in an inlined function: the callee takes over the running
 * frame, as the interpreter's TAILCALL does (function and arguments move down to the frame's
 * function slot; the frame is marked as entered through a tail call). Leaves, before changing
 * anything, when the frame has open upvalues, the callee takes varargs or the stack would
 * overflow. */
/* n: the function and its arguments; 0 when they end at the stack top (the results of a call). */
static inline __attribute__((always_inline)) int tail_frame(struct lj_state *L, const lj_value *callee, uint32_t n) {
  if (n == 0) n = (uint32_t)(L->top - callee);
  const lj_proto *p = (const lj_proto *)((const lj_lclosure *)callee->u.p)->proto;
  lj_callinfo *ci = L->ci;
  lj_value *func = ci->func;
  if (frame_has_open_upvalues(L, ci) || p->is_vararg ||
      func + n + p->numparams + p->maxstack >= L->stack_limit)
    return 0;
  NO_VECTOR
  for (uint32_t j = 0; j < n; j++) copy_value(func + j, callee + j); /* downwards: func < callee */
  nil_missing_params(func, func + n, p);
  ci->base = func + 1;
  ci->top = func + 1 + p->maxstack;
  ci->savedpc = p->code;
  ci->nvarargs = 0;
  ci->status |= LJ_CI_TAIL;
  L->top = func + n;
  raise_stack_hwm(L, ci->top);
  return 1;
}
CPJIT_UOP_INFO(TAIL_FRAME, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {R_, I_});
CPJIT_UOP(TAIL_FRAME) {
  GIVE_UP_INT_HOMES();
  if (!tail_frame(L, REG(0), CPJIT_OPERAND_U16(1))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
/* The callee known, with fixed parameters, from a function that creates no closures (no
 * upvalue can be open over the frame): operand 1 is the call's lj_call_site. Its b counts the
 * function and its arguments, the values that move down; 0 when they end at the stack top
 * (after a call's results), where they must still pass every parameter (c, b's minimum).
 * N (a literal) is the count when the recorder knew it (the _K<N> and _KT<N> variants, whose
 * site has b = N): the move is then straight-line code; AT_TOP (a literal) says the values
 * end at the stack top, which must be where they ended when the call was recorded. */
static inline __attribute__((always_inline)) int tail_frame_site(struct lj_state *L, const lj_value *callee,
                                                                 const lj_call_site *site, const uint32_t N,
                                                                 const int at_top, lj_value *known_func) {
  lj_callinfo *ci = L->ci;
  lj_value *func = known_func ? known_func : ci->func;
  uint32_t n = N ? N : site->b;
  uint64_t limit = site->limit_offset;
  if (N) {
    if (at_top && L->top != callee + N) return 0;
  } else if (n == 0) {
    n = (uint32_t)(L->top - callee);
    if (n < site->c) return 0;
    limit += (uint64_t)n * sizeof(lj_value);
  }
  if ((char *)func + limit >= (char *)L->stack_limit) return 0;
  if (N) {
    _Pragma("clang loop unroll(full)") for (uint32_t j = 0; j < N; j++) copy_value(func + j, callee + j);
  } else {
    NO_VECTOR
    for (uint32_t j = 0; j < n; j++) copy_value(func + j, callee + j); /* downwards: func < callee */
  }
  lj_value *top = (lj_value *)((char *)func + site->top_offset);
  ci->base = func + 1;
  ci->top = top;
  ci->savedpc = site->code;
  ci->nvarargs = 0;
  ci->status |= LJ_CI_TAIL;
  L->top = func + n;
  raise_stack_hwm(L, top);
  return 1;
}
CPJIT_UOP_INFO(TAIL_FRAME_K, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {R_, I_});
CPJIT_UOP(TAIL_FRAME_K) {
  if (!tail_frame_site(L, REG(0), CPJIT_OPERAND_PTR(1, const lj_call_site *), 0, 0, 0)) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
#define TAIL_FRAME_K_N(NAME, N, AT_TOP)                                                                 \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {R_, I_});          \
  CPJIT_UOP(NAME) {                                                                                     \
    if (!tail_frame_site(L, REG(0), CPJIT_OPERAND_PTR(1, const lj_call_site *), N, AT_TOP, 0)) CPJIT_EXIT(0); \
    CPJIT_CONTINUE();                                                                                   \
  }
/* The counted forms of a tail-call family: K<n> moves n values, KT<n> n values that must end
 * at the stack top. */
#define COUNTED_TAIL_FORMS(M, K) \
  M(K##2, 2, 0) M(K##3, 3, 0) M(K##4, 4, 0) M(K##T2, 2, 1) M(K##T3, 3, 1) M(K##T4, 4, 1)
COUNTED_TAIL_FORMS(TAIL_FRAME_K_N, TAIL_FRAME_K)
/* The same in the trace's own frame: the callee's frame and closure become the pinned ones. */
CPJIT_UOP_INFO(TAIL_FRAME_BASE, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {R_, I_});
CPJIT_UOP(TAIL_FRAME_BASE) {
  GIVE_UP_INT_HOMES();
  lj_lclosure *callee = (lj_lclosure *)REG(0)->u.p;
  if (!tail_frame(L, REG(0), CPJIT_OPERAND_U16(1))) CPJIT_EXIT(0);
  base = L->ci->base;
  SET_CLOSURE(callee);
  CPJIT_CONTINUE();
}
/* FUNC: where the frame's function slot is (0: ask the frame); BASE: the callee's base after. */
#define TAIL_FRAME_BASE_SITE(NAME, N, AT_TOP, FUNC, BASE, ...)                                           \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {__VA_ARGS__});        \
  CPJIT_UOP(NAME) {                                                                                     \
    lj_lclosure *callee = (lj_lclosure *)REG(0)->u.p;                                                   \
    if (!tail_frame_site(L, REG(0), CPJIT_OPERAND_PTR(1, const lj_call_site *), N, AT_TOP, FUNC))         \
      CPJIT_EXIT(0);                                                                                    \
    base = BASE;                                                                                        \
    SET_CLOSURE(callee);                                                                                \
    CPJIT_CONTINUE();                                                                                   \
  }
#define TAIL_FRAME_BASE_K_N(NAME, N, AT_TOP) TAIL_FRAME_BASE_SITE(NAME, N, AT_TOP, 0, L->ci->func + 1, R_, I_)
TAIL_FRAME_BASE_K_N(TAIL_FRAME_BASE_K, 0, 0)
COUNTED_TAIL_FORMS(TAIL_FRAME_BASE_K_N, TAIL_FRAME_BASE_K)
/* The same from a frame without varargs whose base is operand 2 (a slot operand as an
 * immediate: the trace's own frame may sit above the trace's base in a side trace): its
 * function slot is the one below, where the callee moves, and the callee's base is that base
 * again. */
#define TAIL_FRAME_BASE_KF_N(NAME, N, AT_TOP) TAIL_FRAME_BASE_SITE(NAME, N, AT_TOP, REG(2) - 1, REG(2), R_, I_, I_)
TAIL_FRAME_BASE_KF_N(TAIL_FRAME_BASE_KF2, 2, 0)
TAIL_FRAME_BASE_KF_N(TAIL_FRAME_BASE_KF3, 3, 0)
TAIL_FRAME_BASE_KF_N(TAIL_FRAME_BASE_KF4, 4, 0)
TAIL_FRAME_BASE_KF_N(TAIL_FRAME_BASE_KTF2, 2, 1)
TAIL_FRAME_BASE_KF_N(TAIL_FRAME_BASE_KTF3, 3, 1)
TAIL_FRAME_BASE_KF_N(TAIL_FRAME_BASE_KTF4, 4, 1)
/* TAIL_FRAME_BASE_KF<n> (KTF<n>) when the callee runs the frame's own prototype, without
 * varargs (a self tail call, which the recorder knows): the frame keeps its base, its top and
 * its stack room (one prototype, one frame), and its caller's count of results. Only the
 * values move down; the frame starts over at the code, marked as entered through a tail
 * call. */
#define TAIL_FRAME_SELF_N(NAME, N, AT_TOP)                                                              \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {R_, I_, I_});       \
  CPJIT_UOP(NAME) {                                                                                     \
    lj_value *callee = REG(0);                                                                          \
    lj_value *frame_base = REG(2);                                                                      \
    lj_value *func = frame_base - 1;                                                                    \
    if (AT_TOP && L->top != callee + N) CPJIT_EXIT(0);                                                  \
    _Pragma("clang loop unroll(full)") for (uint32_t j = 0; j < N; j++) copy_value(func + j, callee + j); \
    lj_callinfo *ci = L->ci;                                                                            \
    ci->savedpc = CPJIT_OPERAND_PTR(1, const lj_call_site *)->code;                                    \
    ci->status |= LJ_CI_TAIL;                                                                           \
    L->top = func + N;                                                                                  \
    base = frame_base;                                                                                  \
    SET_CLOSURE((lj_lclosure *)func->u.p);                                                              \
    CPJIT_CONTINUE();                                                                                   \
  }
COUNTED_TAIL_FORMS(TAIL_FRAME_SELF_N, TAIL_FRAME_SELF_K)
CPJIT_UOP_INFO(GETUPVAL_F, .operands = {W_, I_, R_});
CPJIT_UOP(GETUPVAL_F) {
  copy_value(REG(0), UPVAL(CLOSURE_AT(2), 1)->v);
  CPJIT_CONTINUE();
}
/* GETUPVAL and GETUPVAL_F with the type of the value checked too (_I, _N for a float, _T): the
 * recorder's fusion of the type guard on the result, as for the loads from tables. They leave
 * at the GETUPVAL, before writing anything. The __t variants keep the slot's tag. */
#define GETUPVAL_TYPED(NAME, K2, CLOSURE, TAG, FACT, KNOWN, GIVEN)                                        \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, I_, K2}, .results = {{0, 0, FACT}},  \
                 .given = {0, 0, GIVEN});                                                                 \
  CPJIT_UOP(NAME) {                                                                                       \
    const lj_value *v = UPVAL(CLOSURE, 1)->v;                                                             \
    if (LAID_OUT_LAST(v->tag == TAG)) {                                                                   \
      if (KNOWN) REG(0)->u.i = v->u.i;                                                                    \
      else copy_value(REG(0), v);                                                                         \
      CPJIT_CONTINUE();                                                                                   \
    }                                                                                                     \
    CPJIT_EXIT(0);                                                                                        \
  }
#define GETUPVAL_TYPED_FORMS(SUF, TAG, FACT)                                                  \
  GETUPVAL_TYPED(GETUPVAL##SUF, CPJIT_OPERAND_NONE, cl, TAG, FACT, 0, 0)                      \
  GETUPVAL_TYPED(GETUPVAL##SUF##__t, CPJIT_OPERAND_NONE, cl, TAG, FACT, 1, FACT)              \
  GETUPVAL_TYPED(GETUPVAL_F##SUF, R_, CLOSURE_AT(2), TAG, FACT, 0, 0)                         \
  GETUPVAL_TYPED(GETUPVAL_F##SUF##__t, R_, CLOSURE_AT(2), TAG, FACT, 1, FACT)
/* An upvalue of the trace's own closure that holds that closure itself (a recursive function's
 * name): the recorder's fusion of GUARD_PROTO for the call (its prototype is the running one).
 * Leaves at the GETUPVAL, before writing anything, when it holds anything else. */
CPJIT_UOP_INFO(GETUPVAL_SELF, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, I_});
CPJIT_UOP(GETUPVAL_SELF) {
  const lj_value *v = UPVAL(cl, 1)->v;
  if (LAID_OUT_LAST(v->tag == LJ_LCLOSURE && v->u.p == (void *)cl)) {
    REG(0)->u.p = cl; /* what v holds, from registers */
    REG(0)->tag = LJ_LCLOSURE;
    CPJIT_CONTINUE();
  }
  CPJIT_EXIT(0);
}
/* An upvalue holding the function a call then makes (GETUPVAL and the call's GUARD_PROTO, the
 * recorder's fusion): a Lua closure of prototype operand 2 (_F: of the inlined call's closure in
 * slot operand 2, the prototype operand 3). Leaves at the GETUPVAL, before writing anything, when
 * it holds anything else. */
#define GETUPVAL_PROTO(NAME, CLOSURE, PROTO, ...)                                              \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_MAY_EXIT, .operands = {__VA_ARGS__});                \
  CPJIT_UOP(NAME) {                                                                            \
    const lj_value *v = UPVAL(CLOSURE, 1)->v;                                                  \
    if (LAID_OUT_LAST(v->tag == LJ_LCLOSURE && ((const lj_lclosure *)v->u.p)->proto == PROTO)) { \
      REG(0)->u.p = v->u.p;                                                                    \
      REG(0)->tag = LJ_LCLOSURE; /* known: no load of it */                                    \
      CPJIT_CONTINUE();                                                                        \
    }                                                                                          \
    CPJIT_EXIT(0);                                                                             \
  }
GETUPVAL_PROTO(GETUPVAL_P, cl, CPJIT_OPERAND_PTR(2, const void *), W_, I_, I_)
GETUPVAL_PROTO(GETUPVAL_F_P, CLOSURE_AT(2), CPJIT_OPERAND_PTR(3, const void *), W_, I_, R_, I_)
GETUPVAL_TYPED_FORMS(_I, LJ_INT, LJ_FACT_INT)
GETUPVAL_TYPED_FORMS(_N, LJ_FLOAT, LJ_FACT_FLOAT)
GETUPVAL_TYPED_FORMS(_T, LJ_TABLE, LJ_FACT_TABLE)
CPJIT_UOP_INFO(SETUPVAL_F, .flags = CPJIT_UOP_ESCAPES, .operands = {R_, I_, R_});
CPJIT_UOP(SETUPVAL_F) {
  lj_upval *uv = UPVAL(CLOSURE_AT(2), 1);
  STORE_VALUE(uv, uv->v, REG(0));
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(SETUPVAL_F_NS, .flags = CPJIT_UOP_MAY_EXIT, .operands = {R_, I_, R_});
CPJIT_UOP(SETUPVAL_F_NS) {
  lj_upval *uv = UPVAL(CLOSURE_AT(2), 1);
  lj_value *cell = uv->v;
  if (LAID_OUT_LAST(!lj_may_be_slot(cell, base))) {
    STORE_VALUE(uv, cell, REG(0));
    CPJIT_CONTINUE();
  }
  CPJIT_EXIT(0);
}
CPJIT_UOP_INFO(GETTABUP_F, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_CLOBBERS_CACHES, .operands = {W_, I_, I_, R_});
CPJIT_UOP(GETTABUP_F) {
  const lj_value *up = UPVAL(CLOSURE_AT(3), 1)->v;
  if (up->tag != LJ_TABLE) CPJIT_EXIT(0);
  GETFIELD_BODY((lj_table *)up->u.p)
}
CPJIT_UOP_INFO(SETTABUP_F, .flags = CPJIT_UOP_MAY_EXIT, .operands = {I_, I_, R_, R_});
CPJIT_UOP(SETTABUP_F) {
  const lj_value *up = UPVAL(CLOSURE_AT(3), 0)->v;
  if (up->tag != LJ_TABLE) CPJIT_EXIT(0);
  SETFIELD_BODY((lj_table *)up->u.p, REG(2)->tag, copy_value(slot, REG(2)), lj_set_field(L, t, key, REG(2)))
}

/* ---- the interpreter's slow paths ------------------------------------------------------------
 * An instruction whose operands need metamethods or coercions runs as the interpreter runs it
 * (lj_meta, operand 0 its lj_meta_site): metamethods are called through a nested interpreter,
 * their errors taken out through the error exit. */
CPJIT_UOP_INFO(META, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_MAY_ERROR | CPJIT_UOP_ESCAPES, .operands = {I_});
CPJIT_UOP(META) {
  const int r = CPJIT_CALL(lj_meta(L, base, CPJIT_OPERAND_PTR(0, const lj_meta_site *)));
  if (r < 0) CPJIT_ERROR();
  if (r == 0) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}

/* A comparison through the slow paths ends the trace: exit 1 is the successor when it holds,
 * exit 2 the other (side traces go on from there). */
CPJIT_UOP_INFO(META_BRANCH, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_MAY_ERROR | CPJIT_UOP_ESCAPES | CPJIT_UOP_ENDS_TRACE,
               .operands = {I_});
CPJIT_UOP(META_BRANCH) {
  const int r = CPJIT_CALL(lj_meta(L, base, CPJIT_OPERAND_PTR(0, const lj_meta_site *)));
  if (r < 0) CPJIT_ERROR();
  if (r == 0) CPJIT_EXIT(0);
  if (r == 1) CPJIT_EXIT(1);
  CPJIT_EXIT(2);
}

/* ---- varargs -------------------------------------------------------------------------------
 * R[a] .. R[a+n-1] := the running frame's extra arguments (which lie just below its registers),
 * nil where there are fewer. VARARG_ALL is `...` with all of them (for a call or a table
 * constructor that takes what ends at the stack top): there are n, as when it was recorded. Both
 * write a range of slots: they escape, for the optimizer. */
static inline __attribute__((always_inline)) void copy_varargs(lj_value *ra, const lj_callinfo *ci, int32_t wanted) {
  const int32_t n = ci->nvarargs;
  const lj_value *src = ci->base - n;
  NO_VECTOR
  for (int32_t j = 0; j < wanted; j++) {
    if (j < n) copy_value(ra + j, src + j);
    else ra[j].tag = LJ_NIL;
  }
}
CPJIT_UOP_INFO(VARARG, .flags = CPJIT_UOP_ESCAPES, .operands = {W_, I_});
CPJIT_UOP(VARARG) {
  copy_varargs(REG(0), L->ci, (int32_t)CPJIT_OPERAND_U16(1));
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(VARARG_ALL, .flags = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_ESCAPES, .operands = {W_, I_});
CPJIT_UOP(VARARG_ALL) {
  const lj_callinfo *ci = L->ci;
  const int32_t n = (int32_t)CPJIT_OPERAND_U16(1);
  lj_value *ra = REG(0);
  if (ci->nvarargs != n || ra + n > L->stack_limit) CPJIT_EXIT(0);
  L->top = ra + n;
  raise_stack_hwm(L, ra + n);
  copy_varargs(ra, ci, n);
  CPJIT_CONTINUE();
}

/* ---- builtins inlined by the recorder (after GUARD_CFUNC on the called value) -------------- */
/* string.byte(s [, i]) with one result wanted: the byte at i (negative counts from the end), or
 * nil outside the string (0 included). string.sub(s, i [, j]) through a helper (a new string). */
static inline __attribute__((always_inline)) void string_byte(lj_value *out, const lj_string *s, int64_t pos) {
  const int64_t len = (int64_t)s->len;
  const int64_t i = pos > 0 ? pos : len + pos + 1;
  if (pos == 0 || i < 1 || i > len) {
    out->tag = LJ_NIL;
    return;
  }
  set_int(out, (unsigned char)s->data[i - 1]);
}
#define STRING_AT(N) ((const lj_string *)REG(N)->u.p)
CPJIT_UOP_INFO(STR_BYTE, .operands = {W_, R_, R_});
CPJIT_UOP(STR_BYTE) {
  string_byte(REG(0), STRING_AT(1), REG(2)->u.i);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(STR_BYTE1, .operands = {W_, R_});
CPJIT_UOP(STR_BYTE1) {
  string_byte(REG(0), STRING_AT(1), 1);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(STR_SUB, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_, R_, R_}, .results = {{0, 0, LJ_FACT_STRING}});
CPJIT_UOP(STR_SUB) {
  if (!CPJIT_CALL(lj_str_sub(L, REG(0), STRING_AT(1), REG(2)->u.i, REG(3)->u.i))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
CPJIT_UOP_INFO(STR_SUB2, .flags = CPJIT_UOP_MAY_EXIT, .operands = {W_, R_, R_}, .results = {{0, 0, LJ_FACT_STRING}});
CPJIT_UOP(STR_SUB2) {
  if (!CPJIT_CALL(lj_str_sub(L, REG(0), STRING_AT(1), REG(2)->u.i, -1))) CPJIT_EXIT(0);
  CPJIT_CONTINUE();
}
FLOAT_UNARY_OPS(SQRT_F, __builtin_sqrt(x))
FLOAT_UNARY_OPS(SIN_F, LIBM_CALL(sin(x)))
FLOAT_UNARY_OPS(COS_F, LIBM_CALL(cos(x)))
FLOAT_UNARY_OPS(EXP_F, LIBM_CALL(exp(x)))
FLOAT_UNARY_OPS(LOG_F, LIBM_CALL(log(x)))
FLOAT_UNARY_OPS(ABS_F, __builtin_fabs(x))
CPJIT_UOP_INFO(ABS_I, .flags = CPJIT_UOP_PURE, .operands = {W_, R_}, .results = {{0, 0, LJ_FACT_INT}});
CPJIT_UOP(ABS_I) {
  int64_t x = REG(1)->u.i;
  set_int(REG(0), x < 0 ? (int64_t)(0 - (uint64_t)x) : x);
  CPJIT_CONTINUE();
}
/* math.floor / math.ceil of a float: an integer when it fits, else the interpreter's path. */
#define ROUND_F(NAME, FN)                                                                                        \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_PURE | CPJIT_UOP_MAY_EXIT, .operands = {W_, R_},                       \
                 .results = {{0, 0, LJ_FACT_INT}});                                                             \
  CPJIT_UOP(NAME) {                                                                                              \
    double f = LIBM_CALL(FN(REG(1)->u.n));                                                                      \
    if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) CPJIT_EXIT(0);                              \
    set_int(REG(0), (int64_t)f);                                                                                 \
    CPJIT_CONTINUE();                                                                                            \
  }
ROUND_F(FLOOR_F, floor)
ROUND_F(CEIL_F, ceil)
#define MINMAX(NAME, TYPE, FIELD, SET, CMP, FACT)                                                               \
  CPJIT_UOP_INFO(NAME, .flags = CPJIT_UOP_PURE, .operands = {W_, R_, R_}, .results = {{0, 0, FACT}});           \
  CPJIT_UOP(NAME) {                                                                                             \
    TYPE a = REG(1)->FIELD, b = REG(2)->FIELD;                                                                  \
    SET(REG(0), (b CMP a) ? b : a);                                                                             \
    CPJIT_CONTINUE();                                                                                           \
  }
MINMAX(MAX_II, int64_t, u.i, set_int, >, LJ_FACT_INT)
MINMAX(MIN_II, int64_t, u.i, set_int, <, LJ_FACT_INT)
FLOAT_UOP(MAX_FF, R_, F1, F2, (b > a) ? b : a)
FLOAT_UOP(MAX_FF__1, R_, facc, F2, (b > a) ? b : a, .cache_in = {1, FACC})
FLOAT_UOP(MAX_FF__2, R_, F1, facc, (b > a) ? b : a, .cache_in = {2, FACC})
FLOAT_UOP(MIN_FF, R_, F1, F2, (b < a) ? b : a)
FLOAT_UOP(MIN_FF__1, R_, facc, F2, (b < a) ? b : a, .cache_in = {1, FACC})
FLOAT_UOP(MIN_FF__2, R_, F1, facc, (b < a) ? b : a, .cache_in = {2, FACC})

/* ---- entering and leaving ------------------------------------------------------------------ */
CPJIT_ENTRY(arg) {
  const struct lj_trace_entry *e = (const struct lj_trace_entry *)arg;
  return CPJIT_ENTER(e->L, e->base, 0, 0, e->cl, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
}

/* Registers are always in the Lua stack: leaving needs nothing but the exit's record. */
CPJIT_EXIT_STUB() {
  cpjit_exit_record *exit = CPJIT_EXIT_RECORD();
  CPJIT_TAKE_EXIT(exit);
  return (cpjit_result)exit;
}
