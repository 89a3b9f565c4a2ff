#include "state.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "gc.h"
#include "lexer.h"
#include "str.h"
#include "table.h"
#include "vm.h"
#include "lua_jit.h"

namespace cpjit::lua {

namespace {

const char* const kTMNames[kTMCount] = {
#define CPJIT_LUA_TM_NAME(name, str) str,
    CPJIT_LUA_TMS(CPJIT_LUA_TM_NAME)
#undef CPJIT_LUA_TM_NAME
};

const char* const kReservedWords[] = {
#define CPJIT_LUA_RESERVED_TEXT(name, text) text,
    CPJIT_LUA_RESERVED(CPJIT_LUA_RESERVED_TEXT)
#undef CPJIT_LUA_RESERVED_TEXT
};
static_assert(sizeof(kReservedWords) / sizeof(kReservedWords[0]) == kNumReserved,
              "reserved word list out of sync with the token enum");
static_assert(kNumReserved <= sizeof(State::reserved) / sizeof(State::reserved[0]),
              "State::reserved too small");

constexpr size_t kDefaultHeapLimit = size_t{3} << 30;

}  // namespace

std::string vformat(const char* fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  char small[256];
  int n = std::vsnprintf(small, sizeof small, fmt, ap);
  std::string out;
  if (n < 0) {
    va_end(ap2);
    return out;
  }
  if (static_cast<size_t>(n) < sizeof small) {
    out.assign(small, static_cast<size_t>(n));
  } else {
    out.resize(static_cast<size_t>(n) + 1);
    std::vsnprintf(out.data(), out.size(), fmt, ap2);
    out.resize(static_cast<size_t>(n));
  }
  va_end(ap2);
  return out;
}

std::string format(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string s = vformat(fmt, ap);
  va_end(ap);
  return s;
}

State* state_new(size_t heap_limit) {
  auto* L = new State();
  L->heap.limit = heap_limit ? heap_limit : kDefaultHeapLimit;
  L->heap.threshold = kGcMinThreshold;
  // CPJIT_LUA_GC_STRESS=1 collects at every safe point: slow, but any value the collector
  // cannot see is freed right away, which makes rooting mistakes show up in tests.
  if (const char* stress = std::getenv("CPJIT_LUA_GC_STRESS"); stress && stress[0] == '1') {
    L->heap.stress = true;
    L->heap.threshold = 0;
  }
  // CPJIT_LUA_GC_MODE=incremental starts in the collector's full-collection mode instead of
  // the generational one (gc.h); CPJIT_LUA_GC_VERIFY=1 checks the generational invariant at
  // every collection, aborting with a message when an old object refers to an unmarked one.
  if (const char* mode = std::getenv("CPJIT_LUA_GC_MODE"); mode && std::strcmp(mode, "incremental") == 0)
    L->heap.generational = false;
  if (const char* verify = std::getenv("CPJIT_LUA_GC_VERIFY"); verify && verify[0] == '1') L->heap.verify = true;
  // CPJIT_LUA_GC_MARK_STACK=n bounds the collector's gray stack to n entries, so that tests
  // reach the rescans that a process out of memory would need (gc.cpp, marking).
  if (const char* room = std::getenv("CPJIT_LUA_GC_MARK_STACK"); room && std::atoll(room) > 0)
    L->heap.gray_limit = static_cast<size_t>(std::atoll(room));
  // CPJIT_LUA_STRING_FILTERS=0 starts the intern table without its chain filters, as a string
  // allocated above 48 bits of address leaves it (str.cpp, drop_filters): tests reach that path.
  if (const char* filters = std::getenv("CPJIT_LUA_STRING_FILTERS"); filters && std::strcmp(filters, "0") == 0)
    L->strings.filtered = false;
  size_t nslots = static_cast<size_t>(kMaxStack) + kErrorStack;
  // calloc of this size maps fresh zero pages: all slots are nil and cost nothing until used.
  L->stack = static_cast<Value*>(std::calloc(nslots, sizeof(Value)));
  if (L->stack == nullptr) {
    delete L;
    return nullptr;
  }
  static_assert(kTagNil == 0, "zeroed memory must read as nil");
  L->stack_end = L->stack + nslots;
  L->stack_limit = L->stack + kMaxStack;
  L->top = L->stack;
  L->stack_hwm = L->stack;
  L->open_upvals = nullptr;
  L->ccalls = 0;
  L->base_ci = CallInfo{};
  L->base_ci.func = L->stack;
  L->base_ci.base = L->stack + 1;
  L->base_ci.top = L->stack + 1 + kMinCStack;
  L->base_ci.nresults = 0;
  L->stack_hwm = L->base_ci.top;
  set_nil(L->top++);  // the host's frame function slot
  L->ci = &L->base_ci;
  L->errval = Value::nil();
  L->in_error_handler = false;
  L->string_meta = nullptr;
  L->globals = nullptr;
  L->registry = nullptr;
  for (String*& s : L->reserved) s = nullptr;
  for (String*& s : L->type_names) s = nullptr;
  try {
    strings_init(L);
    for (int i = 0; i < kTMCount; i++) L->tm_names[i] = str_new(L, kTMNames[i]);
    for (int t = 0; t <= kTagUserdata; t++) L->type_names[t] = str_new(L, type_name(t));
    for (int i = 0; i < kNumReserved; i++) {
      L->reserved[i] = str_new(L, kReservedWords[i]);
      L->reserved[i]->keyword = static_cast<uint8_t>(i + 1);
    }
    L->env_name = str_new(L, "_ENV");
    L->memerr_msg = str_new(L, "not enough memory");
    L->globals = table_new(L, 0, 64);
    L->registry = table_new(L, 0, 8);
  } catch (...) {
    state_close(L);
    return nullptr;
  }
  return L;
}

void state_close(State* L) {
  if (L == nullptr) return;
  jit_close(L);
  gc_free_all(L);
  CallInfo* ci = L->base_ci.next;
  while (ci) {
    CallInfo* next = ci->next;
    delete ci;
    ci = next;
  }
  std::free(L->stack);
  delete L;
}

void check_stack(State* L, int n) {
  if (L->top + n <= L->ci->top) return;
  Value* limit = L->in_error_handler ? L->stack_end : L->stack_limit;
  if (n < 0 || L->top + n > limit) rt_error(L, "stack overflow");
  L->ci->top = L->top + n;
  if (L->ci->top > L->stack_hwm) L->stack_hwm = L->ci->top;
}

CallInfo* next_ci(State* L) {
  CallInfo* ci = L->ci->next;
  if (ci == nullptr) {
    // As many records again as the chain has (at least 8), linked now: a call that goes one
    // frame deeper than ever before finds its record there, and so does a trace, whose frame
    // pushes leave for the interpreter when the record is missing. Records stay for the
    // state's life: a recursion of depth d made them exist once, with log2(d) such calls.
    size_t depth = 0;
    for (const CallInfo* p = L->ci; p != nullptr; p = p->prev) depth++;
    CallInfo* last = L->ci;
    for (size_t i = 0; i < std::max<size_t>(depth, 8); i++) {
      auto* fresh = new CallInfo{};
      fresh->prev = last;
      fresh->next = nullptr;
      last->next = fresh;
      last = fresh;
    }
    ci = L->ci->next;
  }
  return ci;
}

void throw_error(State* L, Status status) { throw LuaError{status}; }

void throw_value(State* L, const Value& v, Status status) {
  L->errval = v;
  throw LuaError{status};
}

void mem_error(State* L) {
  L->errval = Value::string(L->memerr_msg);
  throw LuaError{kErrMem};
}

std::string where(State* L, int level) {
  CallInfo* ci = L->ci;
  for (int i = 0; i < level && ci != &L->base_ci; i++) ci = ci->prev;
  if (ci == nullptr || !(ci->status & kCILua)) return "";
  const Proto* p = ci->func->lcl->p;
  return chunk_id(p->source) + ":" + std::to_string(current_line(ci)) + ": ";
}

void rt_error(State* L, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string msg = vformat(fmt, ap);
  va_end(ap);
  msg = where(L, 0) + msg;
  throw_value(L, Value::string(str_new(L, msg)));
}

void lib_error(State* L, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string msg = vformat(fmt, ap);
  va_end(ap);
  msg = where(L, 1) + msg;
  throw_value(L, Value::string(str_new(L, msg)));
}

}  // namespace cpjit::lua
