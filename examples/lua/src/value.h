// The Lua value: layout contract shared by the interpreter and by JIT templates.
//
// A value is 16 bytes, 16-byte aligned in arrays (stack slots, table array parts, table nodes):
//
//   offset 0   8 bytes  payload   int64_t (integer) | double (float) | GCObject* (strings,
//                                 tables, closures, userdata) | CFunction (light C function)
//   offset 8   1 byte   tag       one of the Tag values below; the numbers are fixed because
//                                 templates compare against them
//   offset 9   7 bytes  padding   never read; may hold garbage
//
// NaN-boxing cannot represent Lua 5.4's 64-bit integers next to doubles, so the type lives in
// its own byte. Booleans carry their value in the tag (kTagFalse / kTagTrue), which makes the
// truth test a single compare: a value is false exactly when tag <= kTagFalse.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cpjit::lua {

struct GCObject;
struct String;
struct Table;
struct LClosure;
struct CClosure;
struct Userdata;
struct State;

// A builtin function. Arguments are L->cbase[0 .. nargs); it pushes its results on top of the
// stack and returns how many it pushed (they are the last ones below L->top).
using CFunction = int (*)(State* L);

enum Tag : uint8_t {
  kTagNil = 0,
  kTagFalse = 1,
  kTagTrue = 2,
  kTagInt = 3,        // payload: int64_t
  kTagFloat = 4,      // payload: double
  kTagString = 5,     // payload: String*
  kTagTable = 6,      // payload: Table*
  kTagLClosure = 7,   // payload: LClosure* (a Lua function)
  kTagCFunction = 8,  // payload: CFunction (a builtin without upvalues; not collectable)
  kTagCClosure = 9,   // payload: CClosure* (a builtin with upvalues)
  kTagUserdata = 10,  // payload: Userdata*
  // Only ever stored as the key of a table node whose value became nil and whose key object
  // may have been collected: the pointer is kept for identity (next() still finds the slot)
  // but is never dereferenced.
  kTagDeadKey = 11,
};

// Collectable tags are a contiguous range so the GC test is one unsigned compare.
constexpr bool tag_is_collectable(uint8_t t) {
  return t >= kTagString && t <= kTagUserdata && t != kTagCFunction;
}

struct Value {
  union {
    int64_t i;
    double n;
    GCObject* gc;
    String* s;
    Table* t;
    LClosure* lcl;
    CClosure* ccl;
    Userdata* ud;
    CFunction f;
    void* p;
  };
  uint8_t tag;

  // Copies move the payload and the tag separately, never as one 16-byte block: a value is
  // usually written as an 8-byte payload store plus a 1-byte tag store just before it is
  // copied, and a wider load over two narrower stores cannot be forwarded from the store
  // buffer (a stall of a dozen cycles on every such copy).
  Value() = default;
  Value(const Value& o) : i(o.i), tag(o.tag) {}
  Value& operator=(const Value& o) {
    i = o.i;
    tag = o.tag;
    return *this;
  }

  bool is_nil() const { return tag == kTagNil; }
  bool is_falsy() const { return tag <= kTagFalse; }
  bool is_int() const { return tag == kTagInt; }
  bool is_float() const { return tag == kTagFloat; }
  bool is_number() const { return static_cast<uint8_t>(tag - kTagInt) <= 1; }
  bool is_string() const { return tag == kTagString; }
  bool is_table() const { return tag == kTagTable; }
  bool is_function() const {
    return tag == kTagLClosure || tag == kTagCFunction || tag == kTagCClosure;
  }
  bool is_collectable() const { return tag_is_collectable(tag); }

  static Value nil() { Value v; v.i = 0; v.tag = kTagNil; return v; }
  static Value boolean(bool b) { Value v; v.i = 0; v.tag = b ? kTagTrue : kTagFalse; return v; }
  static Value integer(int64_t x) { Value v; v.i = x; v.tag = kTagInt; return v; }
  static Value number(double x) { Value v; v.n = x; v.tag = kTagFloat; return v; }
  static Value string(String* x) { Value v; v.s = x; v.tag = kTagString; return v; }
  static Value table(Table* x) { Value v; v.t = x; v.tag = kTagTable; return v; }
  static Value lclosure(LClosure* x) { Value v; v.lcl = x; v.tag = kTagLClosure; return v; }
  static Value cclosure(CClosure* x) { Value v; v.ccl = x; v.tag = kTagCClosure; return v; }
  static Value cfunction(CFunction x) { Value v; v.f = x; v.tag = kTagCFunction; return v; }
  static Value userdata(Userdata* x) { Value v; v.ud = x; v.tag = kTagUserdata; return v; }
};

static_assert(sizeof(Value) == 16, "JIT templates assume 16-byte values");
static_assert(offsetof(Value, tag) == 8, "JIT templates read the tag at offset 8");

// Setters that leave the padding alone: cheaper than building a whole Value.
inline void set_nil(Value* v) { v->tag = kTagNil; }
inline void set_int(Value* v, int64_t x) { v->i = x; v->tag = kTagInt; }
inline void set_float(Value* v, double x) { v->n = x; v->tag = kTagFloat; }
inline void set_bool(Value* v, bool b) { v->tag = b ? kTagTrue : kTagFalse; }

// The one nil that lookups return a pointer to when a key is absent. Never written.
extern const Value kNilValue;

}  // namespace cpjit::lua
