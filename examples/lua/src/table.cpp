#include "table.h"

#include <bit>
#include <cmath>
#include <cstring>

#include "gc.h"

namespace cpjit::lua {

const Value kNilValue = Value::nil();

namespace {

constexpr uint32_t kMaxArraySize = 1u << 30;
constexpr uint32_t kMaxHashSize = 1u << 30;
constexpr int32_t kNoNext = -1;

inline int32_t get_next(const Node* n) { return node_next(n); }
inline void set_next(Node* n, int32_t v) {
  std::memcpy(reinterpret_cast<char*>(&n->key) + kNodeNextOffset, &v, sizeof v);
}
// Stores a key without touching the chain link in its padding.
inline void set_key(Node* n, const Value& k) {
  n->key.p = k.p;
  n->key.tag = k.tag;
}

static_assert(sizeof(Node) == 32, "last_node_offset counts 32-byte nodes");

Node make_dummy() {
  Node n;
  std::memset(static_cast<void*>(&n), 0, sizeof n);
  set_next(&n, kNoNext);
  return n;
}

// Shared by every table whose hash part is empty: a lookup checks one free node and stops.
// lastfree == 0 makes the first insertion rehash, so it is never written.
Node dummy_node = make_dummy();

inline bool is_dummy(const Table* t) { return t->node == &dummy_node; }

inline uint32_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return static_cast<uint32_t>(x);
}

inline uint32_t hash_int(int64_t i) { return mix64(static_cast<uint64_t>(i)); }

uint32_t hash_key(const Value& k) {
  switch (k.tag) {
    case kTagInt: return hash_int(k.i);
    case kTagFloat: {
      uint64_t bits;
      std::memcpy(&bits, &k.n, sizeof bits);
      return mix64(bits);
    }
    case kTagString: return str_hash(k.s);
    case kTagFalse: return 1;
    case kTagTrue: return 2;
    default: return mix64(reinterpret_cast<uintptr_t>(k.p));
  }
}

// Raw key equality for keys of the same kind as stored in nodes (floats are never integral).
inline bool key_equal(const Value& stored, const Value& k) {
  if (stored.tag != k.tag) return false;
  switch (k.tag) {
    case kTagInt: return stored.i == k.i;
    case kTagFloat: return stored.n == k.n;
    case kTagString: return str_eq(stored.s, k.s);
    case kTagFalse:
    case kTagTrue: return true;
    default: return stored.p == k.p;
  }
}

// Integral floats become integer keys.
inline bool normalize_key(const Value& key, Value* out) {
  if (key.is_float()) {
    double d = key.n;
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
      double f = std::floor(d);
      if (f == d) {
        set_int(out, static_cast<int64_t>(d));
        return true;
      }
    }
  }
  *out = key;
  return false;
}

// Smallest power of two >= n (0 for n == 0).
uint32_t hash_size_for(State* L, uint64_t n) {
  if (n == 0) return 0;
  if (n > kMaxHashSize) rt_error(L, "table overflow");
  uint32_t size = 1;
  while (size < n) size *= 2;
  return size;
}

inline Node* main_position(const Table* t, const Value& key) {
  return &t->node[hash_key(key) & t->hmask];
}

Node* free_position(Table* t) {
  while (t->lastfree > 0) {
    Node* n = &t->node[--t->lastfree];
    if (n->key.tag == kTagNil) return n;
  }
  return nullptr;
}

// Places a key known to be absent; returns its value slot (nil), or null when the hash part
// has no free node left.
Value* insert_key(Table* t, const Value& key) {
  if (is_dummy(t)) return nullptr;
  Node* mp = main_position(t, key);  // computes a long string's hash
  if (key.tag == kTagString) t->skeys |= key_filter_bit(key.s->hash);
  if (!mp->val.is_nil() || mp->key.tag != kTagNil) {
    if (mp->val.is_nil()) {
      // A cleared field in the new key's own main position: take it over. Its chain link
      // stays, so chains running through it remain intact.
      set_key(mp, key);
      return &mp->val;
    }
    Node* f = free_position(t);
    if (f == nullptr) return nullptr;
    Node* other = main_position(t, mp->key);
    if (other != mp) {
      // The occupant is a colliding key from another chain: move it to the free node.
      int32_t mpi = static_cast<int32_t>(mp - t->node);
      while (get_next(other) != mpi) other = &t->node[get_next(other)];
      set_next(other, static_cast<int32_t>(f - t->node));
      f->val = mp->val;
      set_key(f, mp->key);
      set_next(f, get_next(mp));
      set_next(mp, kNoNext);
      set_nil(&mp->val);
    } else {
      // The occupant is in its main position: the new key goes to the free node, linked
      // right after it.
      set_next(f, get_next(mp));
      set_next(mp, static_cast<int32_t>(f - t->node));
      mp = f;
    }
  }
  set_key(mp, key);
  return &mp->val;
}

inline void insert_fresh(Table* t, const Value& key, const Value& val) {
  if (key.is_int() && static_cast<uint64_t>(key.i) - 1 < t->asize) {
    t->array[key.i - 1] = val;
    return;
  }
  *insert_key(t, key) = val;  // the table was sized for every key: never null
}

// ceil(log2(x)) for x >= 1.
inline int ceil_log2(uint64_t x) { return static_cast<int>(std::bit_width(x - 1)); }

// Counts integer keys by slices (2^(i-1), 2^i] of key space.
void count_int_key(const Value& k, uint32_t* nums, uint64_t* nint) {
  if (k.is_int() && k.i >= 1 && static_cast<uint64_t>(k.i) <= kMaxArraySize) {
    nums[ceil_log2(static_cast<uint64_t>(k.i))]++;
    (*nint)++;
  }
}

// Rebuilds the table so that it has room for 'extra' (the key about to be inserted).
void rehash(State* L, Table* t, const Value& extra) {
  uint32_t nums[32] = {};
  uint64_t nint = 0;
  uint64_t total = 0;
  // Array part, slice by slice: keys (2^(lg-1), 2^lg] are array[2^(lg-1) .. 2^lg).
  for (uint32_t lg = 0, lo = 0; lo < t->asize; lg++) {
    uint32_t hi = lg == 0 ? 1 : (1u << lg);
    if (hi > t->asize) hi = t->asize;
    uint32_t n = 0;
    for (uint32_t i = lo; i < hi; i++) n += !t->array[i].is_nil();
    nums[lg] += n;
    nint += n;
    total += n;
    lo = hi;
  }
  if (!is_dummy(t)) {
    for (uint32_t i = 0; i <= t->hmask; i++) {
      const Node& n = t->node[i];
      if (!n.val.is_nil()) {
        count_int_key(n.key, nums, &nint);
        total++;
      }
    }
  }
  count_int_key(extra, nums, &nint);
  total++;
  // The largest n = 2^i such that more than n/2 of the keys 1..n are present.
  uint64_t in_array = 0;
  uint64_t acc = 0;
  uint32_t asize = 0;
  uint64_t two_to_i = 1;
  for (int i = 0; i < 31 && nint > two_to_i / 2; i++, two_to_i *= 2) {
    acc += nums[i];
    if (acc > two_to_i / 2) {
      asize = static_cast<uint32_t>(two_to_i);
      in_array = acc;
    }
  }
  table_resize(L, t, asize, static_cast<uint32_t>(total - in_array));
}

Value* new_key_slot(State* L, Table* t, const Value& key);

}  // namespace

Table* table_new(State* L, uint32_t narray, uint32_t nhash) {
  const bool inline_array = nhash == 0 && narray > 0 && narray <= kTableInlineMax;
  const size_t bytes = inline_array ? kTableInlineOffset + sizeof(Value) * narray : sizeof(Table);
  auto* t = static_cast<Table*>(gc_new(L, bytes, kGCTable));
  t->tm_absent = 0;
  t->asize = 0;
  t->hmask = 0;
  t->hash = last_node_offset(0);
  t->lastfree = 0;
  t->array = nullptr;
  t->node = &dummy_node;
  t->meta = nullptr;
  t->skeys = 0;
  t->len_hint = 0;
  if (nhash == 0 && narray > 0 && narray <= kMaxArraySize) {
    // A constructor's list ({a, b}): only an array of nils, nothing to move.
    Value* array;
    if (inline_array) {
      t->inline_slots = static_cast<uint8_t>(narray);
      array = table_inline_array(t);
    } else {
      array = mem_new_array<Value>(L, narray);
    }
    for (uint32_t i = 0; i < narray; i++) set_nil(&array[i]);
    t->array = array;
    t->asize = narray;
  } else if (narray > 0 || nhash > 0) {
    table_resize(L, t, narray, nhash);
  }
  return t;
}

const Node* table_empty_node() { return &dummy_node; }

size_t table_size_bytes(const Table* t) {
  size_t s = table_block_size(t);
  if (!holds_inline_array(t)) s += sizeof(Value) * t->asize;
  if (!is_dummy(t)) s += sizeof(Node) * (static_cast<size_t>(t->hmask) + 1);
  return s;
}

void table_free(State* L, Table* t) {
  table_note_store(L, t);  // a new table at its address must not pass for it
  if (t->array && !holds_inline_array(t)) mem_free_array(L, t->array, t->asize);
  if (!is_dummy(t)) mem_free_array(L, t->node, static_cast<size_t>(t->hmask) + 1);
  mem_free(L, t, table_block_size(t));
}

void table_resize(State* L, Table* t, uint32_t narray, uint32_t nhash) {
  if (narray > kMaxArraySize) rt_error(L, "table overflow");
  uint32_t hsize = hash_size_for(L, nhash);
  // An array part of the same size stays where it is (a table filled in order is rehashed
  // once with the array unchanged, its next key going to a new hash part, before the array
  // doubles). Otherwise allocate everything first: a failure leaves the table untouched.
  const bool same_array = narray == t->asize;
  Value* new_array = same_array ? t->array : narray ? mem_new_array<Value>(L, narray) : nullptr;
  Node* new_node = &dummy_node;
  if (hsize) {
    try {
      new_node = mem_new_array<Node>(L, hsize);
    } catch (...) {
      if (new_array && !same_array) mem_free_array(L, new_array, narray);
      throw;
    }
    for (uint32_t i = 0; i < hsize; i++) {
      std::memset(static_cast<void*>(&new_node[i]), 0, sizeof(Node));
      set_next(&new_node[i], kNoNext);
    }
  }
  Value* old_array = t->array;
  uint32_t old_asize = t->asize;
  const bool old_inline = holds_inline_array(t);
  Node* old_node = t->node;
  uint32_t old_hsize = is_dummy(t) ? 0 : t->hmask + 1;

  uint32_t keep = old_asize < narray ? old_asize : narray;
  // One block copy: the old array's values were stored long before, so the value-by-value
  // copy Value's constructor asks for (store forwarding) buys nothing here.
  if (keep && !same_array) std::memcpy(static_cast<void*>(new_array), static_cast<const void*>(old_array), sizeof(Value) * keep);
  for (uint32_t i = keep; i < narray; i++) set_nil(&new_array[i]);
  t->array = new_array;
  t->asize = narray;
  t->node = new_node;
  t->hmask = hsize ? hsize - 1 : 0;
  t->hash = last_node_offset(t->hmask);
  t->lastfree = hsize;
  t->skeys = 0;  // the keys moved below set their bits again

  for (uint32_t i = narray; i < old_asize; i++) {
    if (!old_array[i].is_nil()) insert_fresh(t, Value::integer(static_cast<int64_t>(i) + 1), old_array[i]);
  }
  for (uint32_t i = 0; i < old_hsize; i++) {
    const Node& n = old_node[i];
    if (!n.val.is_nil()) insert_fresh(t, n.key, n.val);
  }
  // An array in the table's own block stays there, unused (its bytes go with the table).
  if (old_array && !same_array && !old_inline) mem_free_array(L, old_array, old_asize);
  if (old_hsize) mem_free_array(L, old_node, old_hsize);
}

void table_ensure_array(State* L, Table* t, uint32_t n) {
  if (n <= t->asize) return;
  uint64_t keep = 0;
  if (!is_dummy(t)) {
    for (uint32_t i = 0; i <= t->hmask; i++) {
      const Node& nd = t->node[i];
      if (nd.val.is_nil()) continue;
      if (nd.key.is_int() && static_cast<uint64_t>(nd.key.i) - 1 < n) continue;  // moves to the array
      keep++;
    }
  }
  table_resize(L, t, n, static_cast<uint32_t>(keep));
}

// --- reads ---------------------------------------------------------------------------------

const Value* table_get_int(const Table* t, int64_t key) {
  if (static_cast<uint64_t>(key) - 1 < t->asize) return &t->array[key - 1];
  const Node* n = &t->node[hash_int(key) & t->hmask];
  for (;;) {
    if (n->key.tag == kTagInt && n->key.i == key) return &n->val;
    int32_t nx = get_next(n);
    if (nx < 0) return &kNilValue;
    n = &t->node[nx];
  }
}

const Value* table_get_str(const Table* t, String* key) {
  if (key->is_short) return table_get_short_str(t, key);
  const Node* n = &t->node[str_hash(key) & t->hmask];
  for (;;) {
    if (n->key.tag == kTagString && str_eq(n->key.s, key)) return &n->val;
    int32_t nx = get_next(n);
    if (nx < 0) return &kNilValue;
    n = &t->node[nx];
  }
}

const Value* table_get(const Table* t, const Value& key) {
  switch (key.tag) {
    case kTagNil: return &kNilValue;
    case kTagInt: return table_get_int(t, key.i);
    case kTagString: return table_get_str(t, key.s);
    case kTagFloat: {
      Value k;
      if (normalize_key(key, &k)) return table_get_int(t, k.i);
      if (std::isnan(key.n)) return &kNilValue;
      break;
    }
    default: break;
  }
  const Node* n = main_position(t, key);
  for (;;) {
    if (key_equal(n->key, key)) return &n->val;
    int32_t nx = get_next(n);
    if (nx < 0) return &kNilValue;
    n = &t->node[nx];
  }
}

// --- writes --------------------------------------------------------------------------------

namespace {

// The key is not in the table: place it, growing the table when the hash part is full.
Value* new_key_slot(State* L, Table* t, const Value& key) {
  if (Value* slot = insert_key(t, key)) return slot;
  rehash(L, t, key);
  return table_set_slot(L, t, key);
}

}  // namespace

Value* table_set_int_slot(State* L, Table* t, int64_t key) {
  t->tm_absent = 0;
  table_note_store(L, t);
  gc_barrier_any(L, t);
  const Value* v = table_get_int(t, key);
  if (v != &kNilValue) return const_cast<Value*>(v);
  return new_key_slot(L, t, Value::integer(key));
}

Value* table_set_str_slot(State* L, Table* t, String* key) {
  t->tm_absent = 0;
  table_note_store(L, t);
  gc_barrier_any(L, t);
  const Value* v = table_get_str(t, key);
  if (v != &kNilValue) return const_cast<Value*>(v);
  return new_key_slot(L, t, Value::string(key));
}

Value* table_new_slot(State* L, Table* t, const Value& key) {
  t->tm_absent = 0;
  table_note_store(L, t);
  gc_barrier_any(L, t);
  Value k;
  normalize_key(key, &k);
  if (k.is_nil()) rt_error(L, "table index is nil");
  if (k.is_float() && std::isnan(k.n)) rt_error(L, "table index is NaN");
  if (k.is_int() && static_cast<uint64_t>(k.i) - 1 < t->asize) return &t->array[k.i - 1];
  return new_key_slot(L, t, k);
}

Value* table_set_slot(State* L, Table* t, const Value& key) {
  t->tm_absent = 0;
  table_note_store(L, t);
  gc_barrier_any(L, t);
  Value k;
  normalize_key(key, &k);
  if (k.is_nil()) rt_error(L, "table index is nil");
  if (k.is_float() && std::isnan(k.n)) rt_error(L, "table index is NaN");
  const Value* v = table_get(t, k);
  if (v != &kNilValue) return const_cast<Value*>(v);
  return new_key_slot(L, t, k);
}

// --- length --------------------------------------------------------------------------------

int64_t table_length(const Table* t) {
  uint32_t n = t->asize;
  if (n > 0 && t->array[n - 1].is_nil()) {
    // A border inside the array part: j with array[j-1] non-nil (or j == 0) and array[j] nil.
    // Filling a table in order (t[#t + 1] = v) moves it up by one each time, popping a stack
    // (t[#t] = nil) down by one: the last one found and its two neighbours are tried before
    // bisecting.
    const Value* a = t->array;
    const uint32_t h = t->len_hint;
    if (h < n && a[h].is_nil()) {
      if (h == 0 || !a[h - 1].is_nil()) return h;
      if (h == 1 || !a[h - 2].is_nil()) {
        t->len_hint = h - 1;
        return h - 1;
      }
    } else if (h + 1 < n && a[h + 1].is_nil()) {  // a[h] is not nil here
      t->len_hint = h + 1;
      return h + 1;
    }
    uint32_t lo = 0, hi = n;
    while (hi - lo > 1) {
      uint32_t m = lo + (hi - lo) / 2;
      if (t->array[m - 1].is_nil()) hi = m;
      else lo = m;
    }
    t->len_hint = lo;
    return lo;
  }
  if (is_dummy(t) || table_get_int(t, static_cast<int64_t>(n) + 1)->is_nil()) return n;
  // Unbounded search in the hash part: double j until t[j] is nil, then bisect.
  uint64_t i = static_cast<uint64_t>(n) + 1;
  uint64_t j = i * 2;
  while (!table_get_int(t, static_cast<int64_t>(j))->is_nil()) {
    i = j;
    if (j > static_cast<uint64_t>(INT64_MAX) / 2) {
      // Pathological table: fall back to a linear scan from 1.
      uint64_t k = 1;
      while (!table_get_int(t, static_cast<int64_t>(k))->is_nil()) k++;
      return static_cast<int64_t>(k - 1);
    }
    j *= 2;
  }
  while (j - i > 1) {
    uint64_t m = i + (j - i) / 2;
    if (table_get_int(t, static_cast<int64_t>(m))->is_nil()) j = m;
    else i = m;
  }
  return static_cast<int64_t>(i);
}

// --- traversal -----------------------------------------------------------------------------

bool table_next(State* L, const Table* t, Value* key, Value* val) {
  uint32_t idx;  // position to resume from: 0 .. asize-1 array, asize .. hash
  Value k;
  normalize_key(*key, &k);
  if (k.is_nil()) {
    idx = 0;
  } else if (k.is_int() && static_cast<uint64_t>(k.i) - 1 < t->asize) {
    idx = static_cast<uint32_t>(k.i);
  } else {
    // Find the key's node; a field cleared during the traversal may hold a dead key, which
    // still matches by identity.
    const Node* n = main_position(t, k);
    for (;;) {
      if (key_equal(n->key, k) ||
          (n->key.tag == kTagDeadKey && k.is_collectable() && n->key.gc == k.gc))
        break;
      int32_t nx = get_next(n);
      if (nx < 0) lib_error(L, "invalid key to 'next'");
      n = &t->node[nx];
    }
    uint32_t i = static_cast<uint32_t>(n - t->node);
    idx = t->asize + i + 1;
  }
  for (; idx < t->asize; idx++) {
    if (!t->array[idx].is_nil()) {
      set_int(key, static_cast<int64_t>(idx) + 1);
      *val = t->array[idx];
      return true;
    }
  }
  if (is_dummy(t)) return false;
  for (uint32_t i = idx - t->asize; i <= t->hmask; i++) {
    const Node& n = t->node[i];
    if (!n.val.is_nil()) {
      *key = n.key;
      *val = n.val;
      return true;
    }
  }
  return false;
}

// --- metamethods ---------------------------------------------------------------------------

const Value* table_get_tm(State* L, Table* mt, TM event) {
  const Value* v = table_get_short_str(mt, L->tm_names[event]);
  if (v->is_nil()) {
    mt->tm_absent |= 1u << event;
    return nullptr;
  }
  return v;
}

}  // namespace cpjit::lua
