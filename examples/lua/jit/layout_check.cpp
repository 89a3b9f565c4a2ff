// The C mirror of the interpreter's data layout that the uop templates use (lua_layout.h)
// must match the C++ definitions: checked at compile time, member by member.
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Winvalid-offsetof"  // GCObject-derived types: offsets are still fixed
#endif
#include <cstddef>

#include "../src/gc.h"
#include "../src/object.h"
#include "../src/state.h"
#include "../src/table.h"
#include "../src/value.h"
#include "lua_layout.h"

namespace cpjit::lua {

#define CPJIT_LUA_SAME_OFFSET(CT, CM, T, M) \
  static_assert(offsetof(CT, CM) == offsetof(T, M), #CT "." #CM " is not where " #T "::" #M " is")

static_assert(sizeof(lj_value) == sizeof(Value));
CPJIT_LUA_SAME_OFFSET(lj_value, tag, Value, tag);
constexpr int n(int v) { return v; }  // compares the two enums as numbers
static_assert(n(LJ_NIL) == kTagNil && n(LJ_FALSE) == kTagFalse && n(LJ_TRUE) == kTagTrue && n(LJ_INT) == kTagInt &&
              n(LJ_FLOAT) == kTagFloat && n(LJ_STRING) == kTagString && n(LJ_TABLE) == kTagTable &&
              n(LJ_LCLOSURE) == kTagLClosure && n(LJ_CFUNCTION) == kTagCFunction && n(LJ_CCLOSURE) == kTagCClosure);

static_assert(sizeof(lj_gcobject) == sizeof(GCObject));
CPJIT_LUA_SAME_OFFSET(lj_gcobject, marked, GCObject, marked);
static_assert(LJ_GC_OLD == kGcOld);

static_assert(sizeof(lj_string) == sizeof(String));
CPJIT_LUA_SAME_OFFSET(lj_string, hash, String, hash);
CPJIT_LUA_SAME_OFFSET(lj_string, len, String, len);
CPJIT_LUA_SAME_OFFSET(lj_string, data, String, data);

static_assert(sizeof(lj_node) == sizeof(Node));
CPJIT_LUA_SAME_OFFSET(lj_node, val, Node, val);
CPJIT_LUA_SAME_OFFSET(lj_node, key, Node, key);
static_assert(LJ_NODE_NEXT_OFFSET == kNodeNextOffset);
static_assert(LJ_KEY_BIT(0x04000000u) == key_filter_bit(0x04000000u) && LJ_KEY_BIT(0xfc000001u) == key_filter_bit(0xfc000001u));

CPJIT_LUA_SAME_OFFSET(lj_table, tm_absent, Table, tm_absent);
CPJIT_LUA_SAME_OFFSET(lj_table, asize, Table, asize);
CPJIT_LUA_SAME_OFFSET(lj_table, hmask, Table, hmask);
CPJIT_LUA_SAME_OFFSET(lj_table, array, Table, array);
CPJIT_LUA_SAME_OFFSET(lj_table, node, Table, node);
CPJIT_LUA_SAME_OFFSET(lj_table, meta, Table, meta);
CPJIT_LUA_SAME_OFFSET(lj_table, skeys, Table, skeys);
CPJIT_LUA_SAME_OFFSET(lj_table, hash, Table, hash);  // LJ_LAST_NODE
CPJIT_LUA_SAME_OFFSET(lj_table, watched, Table, watched);
CPJIT_LUA_SAME_OFFSET(lj_table, inline_slots, Table, inline_slots);
static_assert(LJ_TABLE_INLINE_OFFSET == kTableInlineOffset);
static_assert(LJ_TABLE_INLINE_MAX == kTableInlineMax);
static_assert(n(LJ_TM_INDEX) == kTMIndex && n(LJ_TM_NEWINDEX) == kTMNewIndex && n(LJ_TM_LEN) == kTMLen &&
              n(LJ_TM_EQ) == kTMEq);

static_assert(sizeof(lj_table) == sizeof(Table));
static_assert(LJ_POOL_GRANULE == kPoolGranule && LJ_POOL_MAX_SIZE == kPoolMaxSize);
static_assert(LJ_HEAP_FREE_LISTS == offsetof(State, heap) + offsetof(Heap, free_lists));
static_assert(LJ_HEAP_OBJECTS == offsetof(State, heap) + offsetof(Heap, objects));
static_assert(LJ_HEAP_NOBJECTS == offsetof(State, heap) + offsetof(Heap, nobjects));
static_assert(LJ_HEAP_OBJECTS_CAP == offsetof(State, heap) + offsetof(Heap, objects_cap));
static_assert(LJ_HEAP_TOTAL == offsetof(State, heap) + offsetof(Heap, total));
static_assert(LJ_HEAP_THRESHOLD == offsetof(State, heap) + offsetof(Heap, threshold));
static_assert(LJ_HEAP_LIMIT == offsetof(State, heap) + offsetof(Heap, limit));
static_assert(n(LJ_TABLE) == kGCTable && last_node_offset(0) == 0);

CPJIT_LUA_SAME_OFFSET(lj_upval, v, UpVal, v);
CPJIT_LUA_SAME_OFFSET(lj_lclosure, nupvals, LClosure, nupvals);
CPJIT_LUA_SAME_OFFSET(lj_lclosure, proto, LClosure, p);
CPJIT_LUA_SAME_OFFSET(lj_lclosure, upvals, LClosure, upvals);

CPJIT_LUA_SAME_OFFSET(lj_proto, numparams, Proto, numparams);
CPJIT_LUA_SAME_OFFSET(lj_proto, is_vararg, Proto, is_vararg);
CPJIT_LUA_SAME_OFFSET(lj_proto, maxstack, Proto, maxstack);
CPJIT_LUA_SAME_OFFSET(lj_proto, code, Proto, code);

CPJIT_LUA_SAME_OFFSET(lj_callinfo, func, CallInfo, func);
CPJIT_LUA_SAME_OFFSET(lj_callinfo, base, CallInfo, base);
CPJIT_LUA_SAME_OFFSET(lj_callinfo, top, CallInfo, top);
CPJIT_LUA_SAME_OFFSET(lj_callinfo, savedpc, CallInfo, savedpc);
CPJIT_LUA_SAME_OFFSET(lj_callinfo, prev, CallInfo, prev);
CPJIT_LUA_SAME_OFFSET(lj_callinfo, next, CallInfo, next);
CPJIT_LUA_SAME_OFFSET(lj_callinfo, nresults, CallInfo, nresults);
CPJIT_LUA_SAME_OFFSET(lj_callinfo, nvarargs, CallInfo, nvarargs);
CPJIT_LUA_SAME_OFFSET(lj_callinfo, status, CallInfo, status);
static_assert(LJ_CI_LUA == kCILua && LJ_CI_FRESH == kCIFresh && LJ_CI_TAIL == kCITail);

CPJIT_LUA_SAME_OFFSET(lj_state, top, State, top);
CPJIT_LUA_SAME_OFFSET(lj_state, ci, State, ci);
CPJIT_LUA_SAME_OFFSET(lj_state, stack, State, stack);
CPJIT_LUA_SAME_OFFSET(lj_state, stack_limit, State, stack_limit);
CPJIT_LUA_SAME_OFFSET(lj_state, stack_end, State, stack_end);
CPJIT_LUA_SAME_OFFSET(lj_state, stack_hwm, State, stack_hwm);
CPJIT_LUA_SAME_OFFSET(lj_state, open_upvals, State, open_upvals);
CPJIT_LUA_SAME_OFFSET(lj_state, class_epoch, State, class_epoch);
CPJIT_LUA_SAME_OFFSET(lj_state, jit_closure, State, jit_closure);

#undef CPJIT_LUA_SAME_OFFSET

}  // namespace cpjit::lua
