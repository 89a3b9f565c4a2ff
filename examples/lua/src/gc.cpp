#include "gc.h"

#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "func.h"
#include "lua_jit.h"
#include "str.h"
#include "table.h"

namespace cpjit::lua {

namespace {

void* pool_alloc(State* L, size_t cls) {
  Heap& h = L->heap;
  if (PoolBlock* b = h.free_lists[cls]) {
    h.free_lists[cls] = b->next;
    return b;
  }
  size_t bytes = (cls + 1) * kPoolGranule;
  if (h.chunk_cur == nullptr || static_cast<size_t>(h.chunk_end - h.chunk_cur) < bytes) {
    // The tail of the old chunk goes to the free lists of the sizes that fit.
    while (h.chunk_cur && h.chunk_end - h.chunk_cur >= static_cast<ptrdiff_t>(kPoolGranule)) {
      size_t rest = static_cast<size_t>(h.chunk_end - h.chunk_cur);
      size_t c = (rest > kPoolMaxSize ? kPoolMaxSize : rest) / kPoolGranule - 1;
      auto* b = reinterpret_cast<PoolBlock*>(h.chunk_cur);
      b->next = h.free_lists[c];
      h.free_lists[c] = b;
      h.chunk_cur += (c + 1) * kPoolGranule;
    }
    void* chunk = std::malloc(kPoolChunkSize);
    if (chunk == nullptr) return nullptr;
    h.chunks.push_back(chunk);
    h.chunk_cur = static_cast<char*>(chunk);
    h.chunk_end = h.chunk_cur + kPoolChunkSize;
  }
  void* p = h.chunk_cur;
  h.chunk_cur += bytes;
  return p;
}

inline void pool_free(State* L, void* p, size_t cls) {
  auto* b = static_cast<PoolBlock*>(p);
  b->next = L->heap.free_lists[cls];
  L->heap.free_lists[cls] = b;
}

// log2 of a cacheable block size, or -1.
inline int big_class(size_t size) {
  if ((size & (size - 1)) != 0) return -1;
  int lg = std::bit_width(size) - 1;
  return lg >= kBigCacheMinLog && lg <= kBigCacheMaxLog ? lg : -1;
}

inline void* raw_alloc(State* L, size_t size) {
  if (size <= kPoolMaxSize) return pool_alloc(L, pool_class(size));
  int lg = big_class(size);
  if (lg >= 0 && L->heap.big_free[lg] != nullptr) {
    PoolBlock* b = L->heap.big_free[lg];
    L->heap.big_free[lg] = b->next;
    L->heap.big_cached -= size;
    return b;
  }
  return std::malloc(size);
}

inline void raw_free(State* L, void* p, size_t size) {
  if (size <= kPoolMaxSize) {
    pool_free(L, p, pool_class(size));
    return;
  }
  int lg = big_class(size);
  if (lg >= 0 && L->heap.big_cached + size <= kBigCacheBytes) {
    auto* b = static_cast<PoolBlock*>(p);
    b->next = L->heap.big_free[lg];
    L->heap.big_free[lg] = b;
    L->heap.big_cached += size;
    return;
  }
  std::free(p);
}

}  // namespace

void* mem_alloc_slow(State* L, size_t size) {
  if (size > L->heap.limit - L->heap.total || L->heap.total > L->heap.limit) mem_error(L);
  void* p = raw_alloc(L, size);
  if (p == nullptr) mem_error(L);
  L->heap.total += size;
  return p;
}

void* mem_realloc(State* L, void* p, size_t old_size, size_t new_size) {
  if (new_size > old_size && new_size - old_size > L->heap.limit - L->heap.total) mem_error(L);
  void* q;
  if (old_size > kPoolMaxSize && new_size > kPoolMaxSize) {
    q = std::realloc(p, new_size);
    if (q == nullptr) mem_error(L);
  } else {
    q = raw_alloc(L, new_size);
    if (q == nullptr) mem_error(L);
    std::memcpy(q, p, old_size < new_size ? old_size : new_size);
    raw_free(L, p, old_size);
  }
  L->heap.total = L->heap.total - old_size + new_size;
  return q;
}

void mem_free_slow(State* L, void* p, size_t size) {
  if (p == nullptr) return;
  raw_free(L, p, size);
  L->heap.total -= size;
}

void pool_release_all(State* L) {
  for (auto& list : L->heap.big_free) {
    while (PoolBlock* b = list) {
      list = b->next;
      std::free(b);
    }
  }
  L->heap.big_cached = 0;
  for (void* c : L->heap.chunks) std::free(c);
  L->heap.chunks.clear();
  for (auto& f : L->heap.free_lists) f = nullptr;
  L->heap.chunk_cur = L->heap.chunk_end = nullptr;
}

size_t gc_object_size(const GCObject* o) {
  switch (o->gctype) {
    case kGCString: return str_size(static_cast<const String*>(o)->len);
    case kGCTable: return table_size_bytes(static_cast<const Table*>(o));
    case kGCLClosure: return lclosure_size(static_cast<const LClosure*>(o)->nupvals);
    case kGCCClosure: return cclosure_size(static_cast<const CClosure*>(o)->nupvals);
    case kGCUserdata: return userdata_size(static_cast<const Userdata*>(o)->size);
    case kGCProto: return proto_size_bytes(static_cast<const Proto*>(o));
    case kGCUpVal: return sizeof(UpVal);
  }
  return 0;
}

namespace {

constexpr size_t kMinObjects = 1024;

void resize_objects(State* L, size_t cap) {
  auto* a = static_cast<GCObject**>(std::realloc(L->heap.objects, cap * sizeof(GCObject*)));
  if (a == nullptr) {
    if (cap < L->heap.objects_cap) return;  // shrinking is only an economy
    mem_error(L);
  }
  L->heap.objects = a;
  L->heap.objects_cap = cap;
}

void free_object(State* L, GCObject* o) {
  switch (o->gctype) {
    case kGCTable: table_free(L, static_cast<Table*>(o)); return;
    case kGCProto: proto_free(L, static_cast<Proto*>(o)); return;
    case kGCLClosure:
      if (static_cast<LClosure*>(o)->jit_pinned) jit_closure_freed(L, static_cast<LClosure*>(o));
      mem_free(L, o, gc_object_size(o));
      return;
    default: mem_free(L, o, gc_object_size(o)); return;
  }
}

// Marking. An object reached from a root or another object goes on the gray stack unchecked,
// with a prefetch of its header: reading its mark bit at once would wait for the cache miss
// that most of these reads are (a tree's nodes, an object's fields), one after another.
// propagate() instead lets each object wait in a small ring (kMarkRing entries) between the
// stack and the visit, which checks and sets the mark, so that the reads of up to kMarkRing
// headers overlap; the technique is Boehm's prefetch-on-grey with a FIFO (Cher, Hosking and
// Vijaykumar, "Software prefetching for mark-sweep garbage collection", ASPLOS 2004). An
// object may be pushed more than once; every visit after the first finds it marked.
//
// The gray stack is bounded (Heap::gray_limit, and whatever memory the process has): a push
// that finds no room leaves the object unvisited and sets Heap::gray_overflow. Once the stack
// has drained, mark() rescans: it pushes every root and every marked object's child that is
// not marked yet, and drains again, until a pass finds room for all. Each pass marks
// something new, so this ends.
constexpr size_t kMarkRing = 16;

[[gnu::noinline, gnu::cold]] void push_slow(State* L, GCObject* o) {
  Heap& h = L->heap;
  if (h.gray.size() < h.gray_limit) {
    try {
      h.gray.push_back(o);
      return;
    } catch (const std::bad_alloc&) {
    }
  }
  h.gray_overflow = true;
}

// Pushes `o` to be visited (the Push of the traversals below while marking).
[[gnu::always_inline]] inline void push_any(State* L, GCObject* o) {
  __builtin_prefetch(o, 1);
  // A table's inline array (kTableInlineOffset) starts on the next cache line.
  __builtin_prefetch(reinterpret_cast<char*>(o) + kTableInlineOffset);
  auto& gray = L->heap.gray;
  if (gray.size() < gray.capacity() && gray.size() < L->heap.gray_limit) [[likely]] gray.push_back(o);
  else push_slow(L, o);
}

// Pushes `o` unless it is marked (the Push of a rescan, which must not push what a pass has
// marked already: that would fill the stack again with no progress).
[[gnu::always_inline]] inline void push_unmarked(State* L, GCObject* o) {
  if (o->marked < L->heap.mark) push_any(L, o);
}

using PushFn = void (*)(State*, GCObject*);

template <PushFn Push>
[[gnu::always_inline]] inline void push_value(State* L, const Value& v) {
  if (v.is_collectable()) Push(L, v.gc);
}

// Array parts longer than kMarkAhead read their values kMarkAhead entries ahead and check each
// one's mark bit before pushing it: a table holding one object a million times would otherwise
// push it a million times.
constexpr uint32_t kMarkAhead = 8;

inline void prefetch_value(const Value& v) {
  if (v.is_collectable()) __builtin_prefetch(v.gc, 1);
}

template <PushFn Push>
void traverse_table(State* L, Table* t) {
  if (t->meta) Push(L, t->meta);
  const uint32_t asize = t->asize;
  Value* array = t->array;
  if (asize <= kMarkAhead) {
    for (uint32_t i = 0; i < asize; i++) push_value<Push>(L, array[i]);
  } else {
    for (uint32_t i = 0; i < kMarkAhead; i++) prefetch_value(array[i]);
    for (uint32_t i = 0; i < asize; i++) {
      if (i + kMarkAhead < asize) prefetch_value(array[i + kMarkAhead]);
      if (array[i].is_collectable() && array[i].gc->marked < L->heap.mark) Push(L, array[i].gc);
    }
  }
  for (uint32_t i = 0; i <= t->hmask; i++) {
    Node& n = t->node[i];
    if (n.val.is_nil()) {
      // An empty field keeps its key only for next(); it must not keep the key alive.
      if (n.key.is_collectable()) n.key.tag = kTagDeadKey;
    } else {
      push_value<Push>(L, n.key);
      push_value<Push>(L, n.val);
    }
  }
}

template <PushFn Push>
void traverse_proto(State* L, Proto* p) {
  if (p->source) Push(L, p->source);
  for (int i = 0; i < p->nk; i++) push_value<Push>(L, p->k[i]);
  for (int i = 0; i < p->nprotos; i++)
    if (p->protos[i]) Push(L, p->protos[i]);
  for (int i = 0; i < p->nupvals; i++)
    if (p->upvals[i].name) Push(L, p->upvals[i].name);
  for (int i = 0; i < p->nlocvars; i++)
    if (p->locvars[i].name) Push(L, p->locvars[i].name);
}

// Pushes the objects that `o` refers to.
template <PushFn Push>
void push_children(State* L, GCObject* o) {
  switch (o->gctype) {
    case kGCTable: traverse_table<Push>(L, static_cast<Table*>(o)); break;
    case kGCLClosure: {
      auto* cl = static_cast<LClosure*>(o);
      Push(L, cl->p);
      for (int i = 0; i < cl->nupvals; i++)
        if (cl->upvals[i]) Push(L, cl->upvals[i]);
      break;
    }
    case kGCCClosure: {
      auto* cl = static_cast<CClosure*>(o);
      for (int i = 0; i < cl->nupvals; i++) push_value<Push>(L, cl->upvalues[i]);
      break;
    }
    case kGCUserdata: {
      auto* u = static_cast<Userdata*>(o);
      if (u->meta) Push(L, u->meta);
      break;
    }
    case kGCProto: traverse_proto<Push>(L, static_cast<Proto*>(o)); break;
    case kGCUpVal: push_value<Push>(L, *static_cast<UpVal*>(o)->v); break;
    default: break;  // strings have no children
  }
}

// Marks `o` and pushes its children, unless it is marked already.
inline void visit(State* L, GCObject* o) {
  const uint8_t mark = L->heap.mark;
  if (o->marked >= mark) return;
  o->marked = mark;
  push_children<push_any>(L, o);
}

void propagate(State* L) {
  auto& gray = L->heap.gray;
  GCObject* ring[kMarkRing];
  size_t oldest = 0, held = 0;
  for (;;) {
    GCObject* o;
    if (!gray.empty()) {
      GCObject* in = gray.back();
      gray.pop_back();
      if (held < kMarkRing) {
        ring[(oldest + held++) % kMarkRing] = in;
        continue;
      }
      o = ring[oldest];
      ring[oldest] = in;
    } else if (held > 0) {
      o = ring[oldest];
      held--;
    } else {
      break;
    }
    oldest = (oldest + 1) % kMarkRing;
    // The next one's header has had the ring's time to arrive; a table's array, unless it
    // lives in the table's own block, is a second miss, asked for one visit ahead.
    if (held > 0) {
      GCObject* next = ring[oldest];
      if (next->gctype == kGCTable && !holds_inline_array(static_cast<Table*>(next)))
        __builtin_prefetch(static_cast<Table*>(next)->array);
    }
    visit(L, o);
  }
}

template <PushFn Push>
void push_roots(State* L) {
  for (Value* v = L->stack; v < L->top; v++) push_value<Push>(L, *v);
  Push(L, L->globals);
  Push(L, L->registry);
  if (L->string_meta) Push(L, L->string_meta);
  for (String* s : L->tm_names) Push(L, s);
  for (String* s : L->type_names)
    if (s) Push(L, s);
  for (String* s : L->reserved)
    if (s) Push(L, s);
  Push(L, L->env_name);
  Push(L, L->memerr_msg);
  push_value<Push>(L, L->errval);
  for (UpVal* uv = L->open_upvals; uv; uv = uv->open_next) Push(L, uv);
  jit_mark_pinned(L, Push);
}

void mark(State* L) {
  // Slots above the live top are dead; clearing them keeps the invariant that every slot
  // holds nil or a live object, so a later, higher live top never sees a freed object.
  for (Value* v = L->top; v < L->stack_hwm; v++) set_nil(v);
  Heap& h = L->heap;
  h.gray_overflow = false;
  if (h.mark == kGcOld) {
    // Old objects that may refer to young ones (survivors among them): those stored into in
    // the last two cycles, and those that became old at the last minor collection. A touched
    // one is visited once, from `touched`. (A rescan below reaches all their children again:
    // they are marked.)
    for (GCObject* o : h.touched2)
      if (o->marked == kGcOld) push_children<push_any>(L, o);
    for (size_t i = h.old1_start; i < h.old_count; i++)
      if (h.objects[i]->marked == kGcOld) push_children<push_any>(L, h.objects[i]);
    for (GCObject* o : h.touched) {
      o->marked = kGcOld;
      push_children<push_any>(L, o);
    }
    h.touched2.swap(h.touched);
  }
  h.touched.clear();
  push_roots<push_any>(L);
  propagate(L);
  while (h.gray_overflow) {  // rescan
    h.gray_overflow = false;
    push_roots<push_unmarked>(L);
    for (size_t i = 0; i < h.nobjects; i++)
      if (h.objects[i]->marked >= h.mark) push_children<push_unmarked>(L, h.objects[i]);
    propagate(L);
  }
}

// Frees every unmarked object of Heap::objects from `from` on, keeping Heap::objects in order.
// The survivors before `promote_end` get mark kGcOld (they grow old), the others mark
// `survivor` (kGcOld after a full collection in generational mode; 0, young or unmarked,
// otherwise). Returns where the objects before `promote_end` end now. The objects' headers
// are scattered over the heap and each is a likely cache miss, so the loop fetches the header
// kSweepAhead entries on while it visits this one.
constexpr size_t kSweepAhead = 32;

size_t sweep(State* L, size_t from, size_t promote_end, uint8_t survivor) {
  Heap& h = L->heap;
  GCObject** objects = h.objects;
  const size_t n = h.nobjects;
  size_t kept = from;
  const Node* const empty_node = table_empty_node();
  const auto sweep_range = [&](size_t begin, size_t end, uint8_t mark) {
    for (size_t i = begin; i < end; i++) {
      if (i + kSweepAhead < n) __builtin_prefetch(objects[i + kSweepAhead], 1);
      GCObject* o = objects[i];
      if (o->marked >= h.mark) {
        o->marked = mark;
        objects[kept++] = o;
      } else if (o->gctype == kGCTable && table_frees_block_alone(static_cast<Table*>(o), empty_node)) {
        mem_free(L, o, table_block_size(static_cast<Table*>(o)));  // no calls: binarytrees 3-4% faster
      } else {
        free_object(L, o);
      }
    }
  };
  const size_t split = promote_end > from ? promote_end : from;
  sweep_range(from, split, kGcOld);
  const size_t promoted_end = kept;
  sweep_range(split, n, survivor);
  h.nobjects = kept;
  // Give back most of an array that a burst of allocation grew.
  if (h.objects_cap > kMinObjects && kept < h.objects_cap / 4) resize_objects(L, h.objects_cap / 2);
  return promoted_end;
}

// CPJIT_LUA_GC_VERIFY=1: after marking, every marked object's children are marked (nothing
// a minor collection is about to free is reachable from what it keeps), and every old object
// is marked. A failure is a missing write barrier: it is reported and the process aborts
// before the sweep would free a live object.
[[noreturn]] void verify_failed(const GCObject* o, const char* what) {
  std::fprintf(stderr, "cpjit-lua: GC verify: %s (object %p, type %d)\n", what, static_cast<const void*>(o),
               o->gctype);
  std::abort();
}
void verify_child(State* L, GCObject* o) {
  if (o->marked < L->heap.mark) verify_failed(o, "a marked object refers to an unmarked one");
}
void verify_marks(State* L, bool minor) {
  const Heap& h = L->heap;
  for (size_t i = 0; i < h.nobjects; i++) {
    GCObject* o = h.objects[i];
    if (o->marked >= h.mark) push_children<verify_child>(L, o);
    else if (minor && i < h.old_count) verify_failed(o, "an old object is unmarked");
  }
}

// Mark and sweep: the whole heap, or (minor) the objects made since the last collection.
void collect(State* L, bool minor) {
  Heap& h = L->heap;
  h.mark = minor ? kGcOld : kGcMajor;
  if (!minor) {
    // Touched objects are old ones to the full collection, which marks from the roots alone.
    h.touched.clear();
    h.touched2.clear();
    h.touched_overflow = false;
  }
  mark(L);
  if (h.verify) verify_marks(L, minor);
  if (minor) {
    // Ageing: what survives its first minor collection stays young until the next one, and
    // only then grows old (objects made just before a collection seldom live long). Short
    // strings, which refer to nothing, grow old at once.
    const size_t promoted_end = sweep(L, h.old_count, h.survivors_end, 0);
    h.old1_start = h.old_count;
    h.old_count = promoted_end;
    h.survivors_end = h.nobjects;
    strings_sweep_young(L);
  } else {
    const uint8_t survivor = h.generational ? kGcOld : 0;
    sweep(L, 0, 0, survivor);
    strings_sweep(L, survivor);
    h.old_count = h.old1_start = h.survivors_end = h.generational ? h.nobjects : 0;
  }
  L->heap.gray.shrink_to_fit();
  h.estimate = h.total;
  if (minor) {
    h.minors++;
  } else {
    h.majors++;
    h.major_base = h.total;
  }
}

// The next threshold, from what the last collection left.
void set_threshold(State* L) {
  Heap& h = L->heap;
  size_t next;
  if (h.generational) {
    size_t nursery = h.major_base / 100 * static_cast<size_t>(h.minor_mul);
    next = h.total + (nursery < kGcMinNursery ? kGcMinNursery : nursery);
  } else {
    next = h.total / 100 * static_cast<size_t>(h.pause);
    if (next < kGcMinThreshold) next = kGcMinThreshold;
  }
  h.threshold = h.stopped ? static_cast<size_t>(-1) : next;
  if (h.stress && !h.stopped) h.threshold = h.total + 1;
}

}  // namespace

void gc_touch(State* L, GCObject* o) {
  Heap& h = L->heap;
  try {
    h.touched.push_back(o);
    o->marked = kGcTouched;
  } catch (const std::bad_alloc&) {
    h.touched_overflow = true;  // the next collection is a major one, which needs no list
  }
}

void gc_grow_objects(State* L) {
  size_t cap = L->heap.objects_cap;
  if (cap > static_cast<size_t>(-1) / (2 * sizeof(GCObject*))) mem_error(L);
  resize_objects(L, cap < kMinObjects ? kMinObjects : cap * 2);
}

void gc_collect(State* L) {
  collect(L, false);
  set_threshold(L);
}

void gc_step(State* L) {
  Heap& h = L->heap;
  if (!h.generational || h.touched_overflow) {
    gc_collect(L);
    return;
  }
  collect(L, true);
  // What survives minor collections piles up as old until a major one frees what died since.
  size_t base = h.major_base < kGcMinThreshold ? kGcMinThreshold : h.major_base;
  if (h.total > base / 100 * static_cast<size_t>(h.pause)) collect(L, false);
  set_threshold(L);
}

void gc_set_generational(State* L, bool on) {
  Heap& h = L->heap;
  if (h.generational == on) return;
  // A full collection in the new mode leaves the survivors' marks as that mode keeps them:
  // old, or clear.
  h.generational = on;
  gc_collect(L);
}

void gc_free_all(State* L) {
  for (size_t i = 0; i < L->heap.nobjects; i++) free_object(L, L->heap.objects[i]);
  std::free(L->heap.objects);
  L->heap.objects = nullptr;
  L->heap.nobjects = L->heap.objects_cap = 0;
  strings_free_all(L);
  pool_release_all(L);
}

}  // namespace cpjit::lua
