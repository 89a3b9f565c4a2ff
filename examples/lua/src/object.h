// Heap objects. Every collectable object starts with GCObject; objects never move, so raw
// pointers to them (and into table storage between resizes) stay valid until they die.
#pragma once

#include <cstddef>
#include <cstdint>

#include "value.h"

namespace cpjit::lua {

// GC object kinds. The first ones reuse the value tags of the same type.
enum GCType : uint8_t {
  kGCString = kTagString,
  kGCTable = kTagTable,
  kGCLClosure = kTagLClosure,
  kGCCClosure = kTagCClosure,
  kGCUserdata = kTagUserdata,
  kGCProto = 12,
  kGCUpVal = 13,
};

// The collector finds every object through Heap::objects (short strings through the string
// table), so the header holds no link.
struct GCObject {
  uint8_t gctype;
  uint8_t marked;
  // Used by strings (here they fill what would be padding, keeping strings small), and by
  // tables: `watched` is set on a table that a JIT cache of class lookups depends on (see
  // table_note_store()), `inline_slots` counts the array slots allocated with the table itself
  // (Table); 0 in new objects.
  union {
    uint8_t is_short;
    uint8_t watched;
  };
  union {
    uint8_t keyword;   // reserved word number + 1 (the lexer's fast keyword test), else 0
    uint8_t inline_slots;
  };
  uint32_t hash;     // never 0 once computed: long strings hash on demand, 0 means "not yet"
};

// Strings are immutable and 8-bit clean. Short strings (at most kMaxShortLen bytes) are
// interned, so two short strings are equal exactly when their pointers are; long strings are
// compared by content and hashed on demand.
constexpr size_t kMaxShortLen = 40;

struct String : GCObject {
  String* hnext;     // chain in the intern table
  size_t len;
  char data[1];      // len bytes followed by a '\0' so C library calls can read it

  const char* c_str() const { return data; }
};
// A 24-byte header: a string of n bytes takes 25 + n.
static_assert(sizeof(String) == 32, "String header layout");
constexpr size_t kStringHeader = sizeof(String) - 8;

// Metamethods. The first kTMFast ones are cached as "known absent" bits in each table that is
// used as a metatable, so a miss costs one bit test instead of a hash lookup.
#define CPJIT_LUA_TMS(X) \
  X(Index, "__index")     \
  X(NewIndex, "__newindex") \
  X(Len, "__len")         \
  X(Eq, "__eq")           \
  X(Add, "__add")         \
  X(Sub, "__sub")         \
  X(Mul, "__mul")         \
  X(Mod, "__mod")         \
  X(Pow, "__pow")         \
  X(Div, "__div")         \
  X(IDiv, "__idiv")       \
  X(BAnd, "__band")       \
  X(BOr, "__bor")         \
  X(BXor, "__bxor")       \
  X(Shl, "__shl")         \
  X(Shr, "__shr")         \
  X(Unm, "__unm")         \
  X(BNot, "__bnot")       \
  X(Lt, "__lt")           \
  X(Le, "__le")           \
  X(Concat, "__concat")   \
  X(Call, "__call")       \
  X(ToString, "__tostring") \
  X(Name, "__name")       \
  X(Metatable, "__metatable") \
  X(Close, "__close")     \
  X(Mode, "__mode")       \
  X(Gc, "__gc")           \
  X(Pairs, "__pairs")

enum TM : uint8_t {
#define CPJIT_LUA_TM_ENUM(name, str) kTM##name,
  CPJIT_LUA_TMS(CPJIT_LUA_TM_ENUM)
#undef CPJIT_LUA_TM_ENUM
  kTMCount
};
static_assert(kTMCount <= 32, "absent-metamethod cache is a 32-bit mask");

// A hash node. Bytes 12..15 of the key (padding of a Value) hold the index of the next node
// of its collision chain (-1: end); key writes must keep them (see table.cpp).
struct Node {
  Value val;
  Value key;  // kTagNil: free slot; anything else: taken (even when val is nil)
};

// A table has an array part for the keys 1..asize and a hash part: a chained scatter table
// (colliding keys live in free nodes of the same array, linked from their main position;
// Brent's variation moves a node that is not in its own main position out of the way). It
// fills up completely before it grows. Keys are never removed between rehashes: assigning nil
// leaves the key in place, which keeps next() stable while a traversal clears fields.
struct Table : GCObject {
  uint32_t tm_absent;  // bit t set: metamethod t is known absent from this table
  uint32_t asize;      // array part: array[0 .. asize) holds keys 1 .. asize
  uint32_t hmask;      // hash part size - 1 (the empty table points at a shared dummy node)
  uint32_t lastfree;   // free nodes are searched below this index
  Value* array;
  Node* node;
  Table* meta;
  // Key filter: bit key_filter_bit(s) is set for every string s that the hash part has held as
  // a key since it was last rebuilt (a superset of its string keys). A clear bit proves a key
  // absent without a probe: lookups through __index chains miss in most tables they visit.
  uint64_t skeys;
  // The border table_length found last, a guess it checks first with its two neighbours (an
  // append or a pop moves the border by one); never trusted without the check, so stores
  // ignore it.
  mutable uint32_t len_hint;
  uint32_t padding_;
};
// A table made with a small array part and no hash part ({a, b}: a constructor's list) has
// its array in the same block, kTableInlineOffset bytes in: one allocation and one block to
// free instead of two, and the array next to the header the collector reads anyway.
// `inline_slots` (in the header) says how many slots that block holds; `array` points at them
// until the array part is resized, which moves it out for good.
constexpr uint32_t kTableInlineMax = 4;
constexpr size_t kTableInlineOffset = 64;  // past the header, 16-byte aligned like every array
static_assert(sizeof(Table) <= kTableInlineOffset);
inline Value* table_inline_array(Table* t) {
  return reinterpret_cast<Value*>(reinterpret_cast<char*>(t) + kTableInlineOffset);
}
// Whether t's array part is the one in its own block (not yet moved out by a resize).
inline bool holds_inline_array(const Table* t) {
  return t->inline_slots != 0 &&
         t->array == reinterpret_cast<const Value*>(reinterpret_cast<const char*>(t) + kTableInlineOffset);
}
// Bytes of the table's own block.
inline size_t table_block_size(const Table* t) {
  return t->inline_slots ? kTableInlineOffset + sizeof(Value) * t->inline_slots : sizeof(Table);
}

// A table's GC header keeps in `hash` (which only strings use) the byte offset of its last
// node, hmask * sizeof(Node), saturated at 32 bits: the JIT's templates check a node hint against
// it in one compare.
constexpr uint32_t last_node_offset(uint32_t hmask) {
  const uint64_t bytes = uint64_t{hmask} * 32;
  return bytes > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(bytes);
}
// The filter bit of a string key with its hash computed: the hash's top six bits (the node is
// chosen by the low bits).
constexpr uint64_t key_filter_bit(uint32_t hash) { return uint64_t{1} << (hash >> 26); }

struct UpvalDesc {
  String* name;
  uint8_t in_stack;  // 1: captures a local of the enclosing function (register idx)
  uint8_t idx;       // 0: captures upvalue idx of the enclosing function
  // 1: the variable is never assigned after its declaration, so a closure's cell holds one
  // value for as long as the closure lives (a trace that knows the closure takes it as a
  // constant). The main function's _ENV, which load() sets, is not.
  uint8_t fixed;
};

// Debug information for "local 'x'" in error messages: register reg holds local name while
// startpc <= pc < endpc.
struct LocVar {
  String* name;
  int startpc;
  int endpc;
  int reg;
};

using Instr = uint32_t;

struct Proto : GCObject {
  uint8_t numparams;
  uint8_t is_vararg;
  uint8_t maxstack;  // registers the function needs (its frame is base .. base + maxstack)
  int ncode;
  int nk;
  int nprotos;
  int nupvals;
  int nlocvars;
  int linedefined;
  int lastlinedefined;
  Instr* code;
  Value* k;
  Proto** protos;
  UpvalDesc* upvals;
  int32_t* lineinfo;  // source line of each instruction
  LocVar* locvars;
  String* source;     // chunk name ("@file.lua", "=stdin", or the source text itself)
  // Tier 2 (jit/lua_jit.h): calls left before jit_function_entry() looks at this function
  // again, and the trace that starts at its first instruction (null: none).
  int32_t jit_countdown;
  void* jit_entry;
  // Closures made of this prototype: 0, 1, or 2 for more than one. While there is one, a trace
  // may take it for the prototype (a guard on the closure's address instead of its
  // prototype), and then its fixed upvalues as constants.
  uint8_t instances;
};

// An upvalue is open while the variable it captures still lives in a stack slot (v points
// there) and closed afterwards (the value moved into 'closed' and v points at it).
struct UpVal : GCObject {
  Value* v;
  UpVal* open_next;  // list of open upvalues, sorted by stack slot, highest first
  Value closed;
};

struct LClosure : GCObject {
  uint8_t nupvals;
  // A trace holds this closure's address (it checks a function is this one): freeing the
  // closure frees the trace, as another closure could take the address.
  uint8_t jit_pinned;
  Proto* p;
  UpVal* upvals[1];
};

struct CClosure : GCObject {
  uint8_t nupvals;
  CFunction f;
  Value upvalues[1];
};

struct Userdata : GCObject {
  Table* meta;
  size_t size;
  alignas(16) unsigned char data[1];
};

}  // namespace cpjit::lua
