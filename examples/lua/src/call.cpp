// Call machinery shared by the interpreter and the builtins.
//
// Frame layout of a Lua call:
//
//   func  arg1 .. argN                       (fixed-parameter function: base = func + 1)
//   func  arg1 .. argN  p1' .. pK' regs...    (vararg function: the K fixed parameters are
//         ^ extra args ^ ^ base                copied above all arguments; the extra ones
//                                              stay just below base, ci->nvarargs of them)
//
// Results always end up at func, so the caller finds them where it put the function.
#include <cstring>
#include <new>

#include "func.h"
#include "gc.h"
#include "str.h"
#include "vm.h"

namespace cpjit::lua {

namespace {

[[noreturn]] void stack_overflow(State* L) { rt_error(L, "stack overflow"); }

inline Value* frame_limit(State* L) {
  return L->in_error_handler ? L->stack_end : L->stack_limit;
}

}  // namespace

void resolve_call(State* L, Value* func) {
  for (int depth = 0; !func->is_function(); depth++) {
    const Value* tm = get_tm(L, *func, kTMCall);
    if (tm == nullptr) call_error(L, func);
    if (depth >= kMaxCCalls) rt_error(L, "'__call' chain too long");
    if (L->top + 1 > frame_limit(L)) stack_overflow(L);
    for (Value* p = L->top; p > func; p--) *p = *(p - 1);
    L->top++;
    if (L->top > L->stack_hwm) L->stack_hwm = L->top;
    *func = *tm;
  }
}

CallInfo* precall(State* L, Value* func, int nresults) {
  if (!func->is_function()) resolve_call(L, func);
  if (func->tag == kTagLClosure) {
    Proto* p = func->lcl->p;
    int nargs = static_cast<int>(L->top - func - 1);
    int nfix = p->numparams;
    Value* base;
    int nvarargs = 0;
    if (func + 1 + nargs + nfix + p->maxstack > frame_limit(L)) stack_overflow(L);
    for (; nargs < nfix; nargs++) set_nil(func + 1 + nargs);
    if (!p->is_vararg) {
      base = func + 1;
    } else {
      nvarargs = nargs - nfix;
      base = func + 1 + nargs;
      for (int j = 0; j < nfix; j++) base[j] = func[1 + j];
    }
    CallInfo* ci = next_ci(L);
    ci->func = func;
    ci->base = base;
    ci->top = base + p->maxstack;
    ci->savedpc = p->code;
    ci->nresults = nresults;
    ci->nvarargs = nvarargs;
    ci->status = kCILua;
    // Every slot written so far (arguments included) must lie below the high-water mark.
    Value* hi = ci->top > L->top ? ci->top : L->top;
    if (hi > L->stack_hwm) L->stack_hwm = hi;
    L->ci = ci;
    return ci;
  }
  CFunction f = func->tag == kTagCFunction ? func->f : func->ccl->f;
  if (L->top + kMinCStack > frame_limit(L)) stack_overflow(L);
  CallInfo* ci = next_ci(L);
  ci->func = func;
  ci->base = func + 1;
  ci->top = L->top + kMinCStack;
  ci->savedpc = nullptr;
  ci->nresults = nresults;
  ci->nvarargs = 0;
  ci->status = 0;
  if (ci->top > L->stack_hwm) L->stack_hwm = ci->top;
  L->ci = ci;
  int n = f(L);
  poscall(L, ci, L->top - n, n);
  return nullptr;
}

void poscall(State* L, CallInfo* ci, Value* first, int n) {
  Value* res = ci->func;
  int wanted = ci->nresults;
  L->ci = ci->prev;
  switch (wanted) {
    case 0:
      L->top = res;
      return;
    case 1:
      if (n == 0) set_nil(res);
      else *res = *first;
      L->top = res + 1;
      return;
    case -1:
      for (int i = 0; i < n; i++) res[i] = first[i];
      L->top = res + n;
      return;
    default: {
      int i = 0;
      for (; i < n && i < wanted; i++) res[i] = first[i];
      for (; i < wanted; i++) set_nil(res + i);
      L->top = res + wanted;
      return;
    }
  }
}

void call(State* L, Value* func, int nresults) {
  if (++L->ccalls > kMaxCCalls) {
    L->ccalls--;
    if (L->ccalls >= kMaxCCalls + kMaxCCalls / 10) {
      L->errval = Value::string(str_new(L, "error in error handling"));
      throw_error(L, kErrErr);
    }
    rt_error(L, "C stack overflow");
  }
  struct Guard {
    State* L;
    ~Guard() { L->ccalls--; }
  } guard{L};
  CallInfo* ci = precall(L, func, nresults);
  if (ci != nullptr) {
    ci->status |= kCIFresh;
    execute(L, ci);
  }
}

Status pcall(State* L, Value* func, int nresults, const Value* handler) {
  CallInfo* saved_ci = L->ci;
  ptrdiff_t func_off = func - L->stack;
  int saved_ccalls = L->ccalls;
  bool saved_in_handler = L->in_error_handler;
  Value h = handler ? *handler : Value::nil();
  Status status;
  try {
    call(L, func, nresults);
    return kOk;
  } catch (LuaError& e) {
    status = e.status;
  } catch (std::bad_alloc&) {
    L->errval = Value::string(L->memerr_msg);
    status = kErrMem;
  }
  L->ccalls = saved_ccalls;
  if (!h.is_nil() && status != kErrErr) {
    // The message handler runs where the error happened, before the frames are unwound, so
    // that it can inspect them (a traceback).
    L->in_error_handler = true;
    Value* top = L->top > L->ci->top ? L->top : L->ci->top;
    if (top + 2 > L->stack_end) top = L->stack_end - 2;
    L->top = top;
    L->top[0] = h;
    L->top[1] = L->errval;
    L->top += 2;
    try {
      call(L, L->top - 2, 1);
      L->errval = L->top[-1];
    } catch (LuaError& e) {
      status = kErrErr;
    } catch (std::bad_alloc&) {
      L->errval = Value::string(L->memerr_msg);
      status = kErrMem;
    }
    L->ccalls = saved_ccalls;
  }
  L->in_error_handler = saved_in_handler;
  Value* f = L->stack + func_off;
  close_upvals(L, f);
  L->ci = saved_ci;
  if (status == kErrErr && L->errval.is_nil()) L->errval = Value::string(str_new(L, "error in error handling"));
  *f = L->errval;
  L->top = f + 1;
  set_nil(&L->errval);
  return status;
}

}  // namespace cpjit::lua
