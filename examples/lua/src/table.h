// Tables: an array part for the keys 1..asize and a hash part with linear probing.
//
// Lookups return a pointer to the stored value, or to kNilValue when the key is absent; the
// pointer is valid until the table is next resized (any insertion of a new key may resize).
// Float keys with an integral value are normalised to integers, so t[1.0] is t[1].
//
// Sizing follows the usual Lua policy: when a new key does not fit, the table is rehashed
// and the array part becomes the largest power of two n such that more than n/2 of the keys
// 1..n are present; every other key goes to the hash part.
#pragma once

#include <cstdint>
#include <cstring>

#include "gc.h"
#include "object.h"
#include "state.h"
#include "str.h"

namespace cpjit::lua {

Table* table_new(State* L, uint32_t narray, uint32_t nhash);
// The node every table with an empty hash part points at (the JIT's inline constructor).
const Node* table_empty_node();
void table_free(State* L, Table* t);
// Whether table_free(L, t) comes down to mem_free(L, t, table_block_size(t)): no array or hash
// part in a block of its own, and no class lookup watching the table. The collector's sweep
// frees such tables (most of them) inline. `empty` is table_empty_node().
inline bool table_frees_block_alone(const Table* t, const Node* empty) {
  return t->node == empty && (t->array == nullptr || holds_inline_array(t)) && !t->watched;
}
size_t table_size_bytes(const Table* t);

void table_resize(State* L, Table* t, uint32_t narray, uint32_t nhash);

// Grows the array part to hold at least the keys 1..n (table constructors, table.move).
void table_ensure_array(State* L, Table* t, uint32_t n);

// Chain link of a hash node, kept in the padding bytes of its key (at this offset in the key;
// the JIT's templates walk chains too, lua_layout.h).
constexpr size_t kNodeNextOffset = 12;
inline int32_t node_next(const Node* n) {
  int32_t v;
  std::memcpy(&v, reinterpret_cast<const char*>(&n->key) + kNodeNextOffset, sizeof v);
  return v;
}

// Raw reads.
const Value* table_get_int(const Table* t, int64_t key);

// Interned keys compare by address; inline because field access is the interpreter's most
// frequent table operation.
inline const Value* table_get_short_str(const Table* t, const String* key) {
  const Node* n = &t->node[key->hash & t->hmask];
  for (;;) {
    if (n->key.tag == kTagString && n->key.s == key) return &n->val;
    int32_t nx = node_next(n);
    if (nx < 0) return &kNilValue;
    n = &t->node[nx];
  }
}
const Value* table_get_str(const Table* t, String* key);
const Value* table_get(const Table* t, const Value& key);

inline const Value* table_get_int_fast(const Table* t, int64_t key) {
  if (static_cast<uint64_t>(key) - 1 < t->asize) return &t->array[key - 1];
  return table_get_int(t, key);
}

// Every store into a table's hash part under a string key, and every change of its
// metatable, calls this first (the slot-returning forms below do): a table that the JIT's
// class lookups rely on (watched) then invalidates them all. Integer keys cannot change what
// a string key finds, so array stores and integer-key stores need not.
inline void table_note_store(State* L, const Table* t) {
  if (__builtin_expect(t->watched != 0, 0)) L->class_epoch++;
}

// Raw writes. Slot-returning forms insert the key (with a nil value) when it is absent; the
// caller stores the value (they run the write barrier, gc.h, for it). Keys must not be nil or
// NaN (checked; raises an error).
Value* table_set_slot(State* L, Table* t, const Value& key);
Value* table_set_int_slot(State* L, Table* t, int64_t key);
Value* table_set_str_slot(State* L, Table* t, String* key);
// For a key the caller just looked up and did not find (the lookup returned &kNilValue):
// inserts it without searching again.
Value* table_new_slot(State* L, Table* t, const Value& key);
// The slot to store into for a key whose lookup returned `slot` holding nil: kNilValue (the
// key is absent) inserts it; a key present with a nil value may name a metamethod of a table
// used as a metatable, whose absent-metamethod bits then go stale, and the table may be
// watched.
inline Value* table_slot_for_nil(State* L, Table* t, Value* slot, const Value& key) {
  if (slot == &kNilValue) return table_new_slot(L, t, key);
  t->tm_absent = 0;
  table_note_store(L, t);
  gc_barrier_any(L, t);
  return slot;
}

inline void table_set(State* L, Table* t, const Value& key, const Value& v) {
  *table_set_slot(L, t, key) = v;
}
inline void table_set_int(State* L, Table* t, int64_t key, const Value& v) {
  if (static_cast<uint64_t>(key) - 1 < t->asize) {
    gc_barrier(L, t, v);
    t->array[key - 1] = v;
    return;
  }
  *table_set_int_slot(L, t, key) = v;
}
inline void table_set_str(State* L, Table* t, String* key, const Value& v) {
  *table_set_str_slot(L, t, key) = v;
}

// The border reported by the length operator (a sequence's length).
int64_t table_length(const Table* t);

// Iteration: given the previous key in *key (nil to start), stores the next key/value pair
// and returns true, or returns false at the end. Raises "invalid key to 'next'".
bool table_next(State* L, const Table* t, Value* key, Value* val);

// Metamethod lookup in a metatable, using and filling the absent-bits cache.
const Value* table_get_tm(State* L, Table* mt, TM event);

inline const Value* fast_tm(State* L, Table* mt, TM event) {
  if (mt == nullptr || (mt->tm_absent & (1u << event))) return nullptr;
  return table_get_tm(L, mt, event);
}

}  // namespace cpjit::lua
