// The interpreter state: value stack, call frames, heap, interned strings, globals.
//
// There are no coroutines, so one State holds everything. The value stack is allocated once
// at its maximum size and never moves: a frame's base pointer, open upvalues and any Value*
// into the stack stay valid for the frame's lifetime (the OS commits the pages lazily).
#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "cpjit_lua/cpjit_lua.h"
#include "object.h"
#include "value.h"

namespace cpjit::lua {

constexpr int kMaxStack = 1000000;   // slots a program may use before "stack overflow"
constexpr int kErrorStack = 2000;    // extra slots so that error handlers can still run
constexpr int kMinCStack = 20;       // slots every builtin may push without asking
constexpr int kMaxCCalls = 200;      // nesting of C++-level calls (metamethods, pcall, ...)

// The C++ exception that carries a Lua error up to the nearest protected call. The error
// object itself is in State::errval (a Value cannot sit in an exception object unrooted).
struct LuaError {
  Status status;
};

// A call frame. For Lua functions this is also the interpreter's resumable state: executing
// frame 'ci' means running ci->func's prototype at ci->savedpc with registers at ci->base, so a
// side exit from compiled code resumes by storing pc (and base) here and entering execute().
struct CallInfo {
  Value* func;               // the called value; results are stored from here on
  Value* base;               // register 0 (Lua) or first argument (builtins)
  Value* top;                // end of the frame: base + maxstack (Lua) or the C push limit
  const Instr* savedpc;      // Lua: next instruction to run once the frame is resumed
  CallInfo* prev;
  CallInfo* next;            // cached, reused frames
  int nresults;              // results the caller wants (-1: all of them)
  int nvarargs;              // extra arguments stored below base (vararg functions)
  uint8_t status;            // kCI* flags
};

constexpr uint8_t kCILua = 1;       // a Lua function frame
constexpr uint8_t kCIFresh = 2;     // execute() returns when this frame returns
constexpr uint8_t kCITail = 4;      // entered through a tail call (its caller is gone)
constexpr uint8_t kCIHooked = 8;    // reserved for the JIT: frame entered from compiled code

// Small blocks (most objects and small arrays) come from per-size free lists carved out of
// large chunks: the collector frees objects by the million, and a general-purpose malloc
// fragments badly under that pattern. Larger blocks go to malloc.
constexpr size_t kPoolGranule = 16;
constexpr size_t kPoolMaxSize = 256;
constexpr size_t kPoolClasses = kPoolMaxSize / kPoolGranule;
constexpr size_t kPoolChunkSize = size_t{256} << 10;

struct PoolBlock {
  PoolBlock* next;
};

// Freed blocks whose size is a power of two (table arrays and hash parts always are) are kept
// for reuse, up to kBigCacheBytes: a table that grows by doubling, dies and grows again would
// otherwise map and fault in fresh pages on every round, however malloc decides to trim.
constexpr int kBigCacheMinLog = 9;    // 512 bytes
constexpr int kBigCacheMaxLog = 27;   // 128 MiB
constexpr size_t kBigCacheBytes = size_t{64} << 20;

// The collector's floor: a collection never starts below this many allocated bytes. A small
// heap would otherwise be collected after every megabyte or so of allocation, each time
// marking everything live (a program with a few thousand long-lived objects and many
// short-lived ones spends a third of its time there). Go's collector keeps the same 4 MiB
// minimum heap target for the same reason.
constexpr size_t kGcMinThreshold = size_t{4} << 20;
// Generational mode: a minor collection comes after at least this many bytes allocated.
// Before objects aged (gc.h), what was live at a minor collection grew old at once: with a
// 4 MiB nursery a program that fills a 100000-entry array per round (bench/lua/sieve.lua)
// promoted each array and ran 7% slower than with full collections, with 8 MiB as fast, and
// binarytrees was 6% faster with 8 than with 4. With ageing, 4 MiB leaves sieve even and
// binarytrees 10% slower than 8.
constexpr size_t kGcMinNursery = size_t{8} << 20;

struct Heap {
  PoolBlock* free_lists[kPoolClasses] = {};
  PoolBlock* big_free[kBigCacheMaxLog + 1] = {};
  size_t big_cached = 0;       // bytes held in big_free
  char* chunk_cur = nullptr;   // bump pointer in the newest chunk
  char* chunk_end = nullptr;
  std::vector<void*> chunks;   // every chunk, freed with the state
  // Every object except short strings (they live in the string table), in an array rather
  // than a list threaded through the objects, so that the sweep reads it in order and can
  // fetch the objects' headers ahead of visiting them (see sweep() in gc.cpp).
  GCObject** objects = nullptr;
  size_t nobjects = 0;
  size_t objects_cap = 0;
  size_t total = 0;            // bytes currently allocated for Lua objects
  size_t threshold = 0;        // collect at the next safe point once total reaches this
  size_t limit = 0;            // allocations beyond this fail with "not enough memory"
  size_t estimate = 0;         // live bytes after the last collection
  int pause = 200;             // next threshold = live * pause / 100
  bool stopped = false;        // collectgarbage("stop")
  bool stress = false;         // collect at every safe point after any allocation (testing)
  // Generational mode (gc.h): objects[0, old_count) are old and stay marked, of which
  // [old1_start, old_count) became old at the last minor collection; objects[old_count,
  // survivors_end) survived one minor collection and are young still. `touched` holds the old
  // objects stored into since the last collection (gc_barrier), `touched2` those stored into
  // in the cycle before it: a minor collection marks from the children of both and of the
  // objects that became old at the last one. A push that finds no memory sets
  // touched_overflow, which makes the next collection a major one.
  bool generational = true;
  size_t old_count = 0;
  size_t old1_start = 0;
  size_t survivors_end = 0;
  std::vector<GCObject*> touched;
  std::vector<GCObject*> touched2;
  bool touched_overflow = false;
  size_t major_base = 0;       // live bytes after the last major collection
  int minor_mul = 25;          // a minor collection after allocating this percent of major_base
  bool verify = false;         // check the generational invariant at each collection (testing)
  uint8_t mark = 1;            // the running collection's mark value (gc.h, kGcOld or kGcMajor)
  uint64_t minors = 0, majors = 0;
  std::vector<GCObject*> gray; // objects reached whose visit is still to come (gc.cpp, marking)
  // Entries the gray stack may hold (CPJIT_LUA_GC_MARK_STACK=n sets a small one, for tests);
  // a push beyond it, or one that finds no memory, sets gray_overflow and marking rescans.
  size_t gray_limit = static_cast<size_t>(-1);
  bool gray_overflow = false;
};

// The intern table of short strings: chains of String::hnext from each bucket. A bucket holds
// its first string's address and, in the 16 bits above its 48 bits, a filter with a bit for
// the hash of each string in the chain (str.cpp, filter_bit), so that looking up a string
// that is not there seldom reads a string of the chain. Should an allocation ever return an
// address above 48 bits, `filtered` goes false and buckets hold bare addresses from then on.
struct StringTable {
  uintptr_t* buckets = nullptr;
  uint32_t size = 0;
  uint32_t count = 0;
  bool filtered = true;
  // Generational mode (gc.h): the strings interned since the last collection, which a minor
  // collection sweeps instead of every chain. A push that finds no memory sets young_overflow:
  // that sweep then walks the chains.
  std::vector<String*> young;
  bool young_overflow = false;
};

struct Jit;  // tier 2 (jit/lua_jit.h)

struct State {
  // Hot fields first.
  Value* top;                  // first free slot
  CallInfo* ci;                // running frame
  Value* stack;
  Value* stack_limit;          // frames may not extend past this ("stack overflow")
  Value* stack_end;            // end of the allocation (limit + room for error handling)
  Value* stack_hwm;            // highest frame top ever used; slots above are all nil
  UpVal* open_upvals;          // open upvalues, highest stack slot first
  // Goes up whenever a watched table (GCObject::watched) may change what a string key or its
  // metatable leads to: a store into it under a string key, a new metatable, its freeing. The
  // JIT's class lookups keep their answer with the count they found it at.
  uint64_t class_epoch = 0;
  // The closure of the frame a running trace has as its own (the one its base is of), where
  // the JIT's stencils find it again after a helper call (examples/lua/jit/uops.c). Set and put
  // back around each trace run.
  LClosure* jit_closure = nullptr;
  int ccalls;                  // current nesting of C++-level calls

  CallInfo base_ci;            // frame of the host (C++) caller, never popped

  Table* globals;
  Table* registry;
  Table* string_meta;          // metatable shared by all strings
  String* tm_names[kTMCount];
  String* type_names[kTagUserdata + 1];  // what type() returns for a value of each tag
  String* reserved[32];        // the reserved words, marked so the lexer can test String::keyword
  String* env_name;            // "_ENV"
  String* memerr_msg;          // preallocated "not enough memory"

  Value errval;                // error object while an exception is in flight
  bool in_error_handler;       // running an xpcall message handler (may use kErrorStack)

  Heap heap;
  StringTable strings;
  Jit* jit = nullptr;          // tier 2; null: tier 1 only

  // Qualified names of builtins ("string.rep") for messages where the call site has none.
  std::unordered_map<const void*, std::string> builtin_names;

  uint64_t rng[4];             // math.random (xoshiro256**)
  std::string last_error;      // message of the last failure reported through the API
};

// --- state.cpp ---------------------------------------------------------------------------

State* state_new(size_t heap_limit = 0);
void state_close(State* L);

// Makes sure n more values can be pushed by the running builtin.
void check_stack(State* L, int n);

inline void push(State* L, const Value& v) { *L->top++ = v; }

CallInfo* next_ci(State* L);

// Raising errors. Each throws LuaError; the error object is stored in L->errval.
[[noreturn]] void throw_error(State* L, Status status = kErrRun);
[[noreturn]] void throw_value(State* L, const Value& v, Status status = kErrRun);
// Runtime error at the running frame's current line ("file:12: message") when that frame is
// a Lua function, else without position. This is what the interpreter raises.
[[noreturn]] void rt_error(State* L, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
// Error with the position of the function at 'level' (1: the caller of the running builtin),
// what builtins raise.
[[noreturn]] void lib_error(State* L, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
[[noreturn]] void mem_error(State* L);

std::string vformat(const char* fmt, va_list ap);
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// "file.lua:12:" for the function at 'level' (0: running function), or "" when unknown.
std::string where(State* L, int level);

}  // namespace cpjit::lua
