// Memory and garbage collection.
//
// The collector is a precise, non-moving, stop-the-world mark & sweep. It runs only at safe
// points (gc_check) that the interpreter and the builtins reach with every live value on the
// stack or reachable from a root. Allocation itself never collects, so code between safe
// points (the compiler, a builtin building a result) may hold unrooted objects.
//
// Roots: the stack below the live top, the globals, the registry, the string metatable, the
// metamethod names, the open upvalues and the closures that running traces hold.
//
// Two modes, as collectgarbage names them:
// - "incremental" (here a full collection each time, not interleaved with the program):
//   every allocated byte counts towards Heap::total; when it reaches Heap::threshold the next
//   safe point marks and sweeps the whole heap and sets threshold = live bytes * pause / 100
//   (pause 200: the heap may double before the next collection), never below
//   kGcMinThreshold.
// - "generational" (the default): objects that survive a collection stay marked, as old
//   (sticky mark bits; Demers et al., "Combining generational and conservative garbage
//   collection", POPL 1990). A minor collection marks from the roots and from the old objects
//   stored into since the last collection, stops at old objects, and sweeps only the objects
//   made since: its cost follows what the program allocates and keeps, not the size of the
//   heap. A long-lived tree or table is not visited again until a major collection, which
//   collects the whole heap (with a mark value of its own: see kGcMajor); one runs when a
//   minor collection leaves the heap pause percent above what the last major one left. Minor
//   collections come every minor_mul percent of that size allocated, and at least
//   kGcMinNursery bytes apart.
//   Objects age as in Lua 5.4's generational mode: one that survives its first minor
//   collection stays young (unmarked) until the next, and grows old only if it survives that
//   one too, so that what happened to be live when a collection came (a tree being built) is
//   not kept until the next major one. Short strings, which refer to nothing, grow old at once.
//   The invariant a minor collection relies on: an old object refers only to old objects
//   unless it is in Heap::touched or Heap::touched2 (stored into in the last two cycles) or
//   grew old at the last minor collection (it may refer to survivors, which were young when
//   stored into it: Heap::old1_start). Every store of a reference into an object that may be old
//   (tables, closed upvalues) goes through gc_barrier first, and so does every insertion of
//   a key; the JIT's stores do the same (jit/uops.c, GC_TOUCHES). CPJIT_LUA_GC_VERIFY=1
//   checks the invariant at every collection (testing).
#pragma once

#include <cstddef>
#include <new>

#include "object.h"
#include "state.h"

namespace cpjit::lua {

// Raw memory for objects. Throws "not enough memory" (as a Lua error) on failure or when the
// heap limit would be exceeded. Sizes must be passed back to mem_free for the accounting.
void* mem_alloc_slow(State* L, size_t size);
void* mem_realloc(State* L, void* p, size_t old_size, size_t new_size);
void mem_free_slow(State* L, void* p, size_t size);

// The pool size class of a small block (sizes 0 and 1 .. kPoolGranule share class 0).
inline size_t pool_class(size_t size) { return size == 0 ? 0 : (size - 1) / kPoolGranule; }

// Inline: a block from its size class's free list, which is how most objects are made, or
// from the newest chunk's bump pointer (between collections, when the lists run dry); new
// chunks, big blocks and the errors are out of line.
inline void* mem_alloc(State* L, size_t size) {
  Heap& h = L->heap;
  if (size <= kPoolMaxSize && h.total <= h.limit && size <= h.limit - h.total) {
    const size_t cls = pool_class(size);
    PoolBlock*& list = h.free_lists[cls];
    if (PoolBlock* b = list) {
      list = b->next;
      h.total += size;
      return b;
    }
    const size_t bytes = (cls + 1) * kPoolGranule;
    if (static_cast<size_t>(h.chunk_end - h.chunk_cur) >= bytes) {
      void* p = h.chunk_cur;
      h.chunk_cur += bytes;
      h.total += size;
      return p;
    }
  }
  return mem_alloc_slow(L, size);
}
inline void mem_free(State* L, void* p, size_t size) {
  if (size <= kPoolMaxSize && p != nullptr) {
    PoolBlock*& list = L->heap.free_lists[pool_class(size)];
    auto* b = static_cast<PoolBlock*>(p);
    b->next = list;
    list = b;
    L->heap.total -= size;
    return;
  }
  mem_free_slow(L, p, size);
}

template <typename T>
T* mem_new_array(State* L, size_t n) {
  if (n > static_cast<size_t>(-1) / sizeof(T)) mem_error(L);
  return static_cast<T*>(mem_alloc(L, n * sizeof(T)));
}
template <typename T>
void mem_free_array(State* L, T* p, size_t n) {
  mem_free(L, p, n * sizeof(T));
}

// Makes room for one more entry in Heap::objects (before the object is allocated, so that a
// failure leaves nothing unrecorded): gc_reserve, whose slow path is gc_grow_objects.
void gc_grow_objects(State* L);
inline void gc_reserve(State* L) {
  if (L->heap.nobjects == L->heap.objects_cap) gc_grow_objects(L);
}

// Records a new collectable object in Heap::objects.
inline void gc_link(State* L, GCObject* o) { L->heap.objects[L->heap.nobjects++] = o; }

// Allocates a collectable object of 'size' bytes and records it in Heap::objects.
// Inline: with the size a constant, the allocation's size class is one too.
inline GCObject* gc_new(State* L, size_t size, GCType type) {
  gc_reserve(L);
  auto* o = static_cast<GCObject*>(mem_alloc(L, size));
  o->gctype = type;
  o->marked = 0;
  o->is_short = 0;
  o->keyword = 0;
  o->hash = 0;
  gc_link(L, o);
  return o;
}

// Mark values: 0 unmarked (white); kGcOld marked by a minor collection, and in generational
// mode between collections old; kGcTouched old and in Heap::touched; kGcMajor marked by a full
// collection. A collection counts an object marked when `marked` is at least its own mark
// value (Heap::mark: kGcOld in a minor collection, where old and touched objects count as
// marked; kGcMajor in a full one, where nothing marked before does, so that no pass has to
// unmark the old objects first). A full collection's sweep turns kGcMajor into kGcOld
// (generational) or 0.
constexpr uint8_t kGcOld = 1;
constexpr uint8_t kGcTouched = 2;
constexpr uint8_t kGcMajor = 3;

// Records old object `o` in Heap::touched (gc_barrier's slow path).
void gc_touch(State* L, GCObject* o);

// The generational write barrier: before `o` may come to refer to `v` (a store into a table or
// an upvalue). A value that is no object never needs it; neither does a young or touched `o`.
// Tags from kTagString up are or may be objects (the few that are not cost a spare touch).
inline void gc_barrier(State* L, GCObject* o, const Value& v) {
  if (__builtin_expect(o->marked == kGcOld, 0) && v.tag >= kTagString) gc_touch(L, o);
}
// The same when what `o` comes to refer to is not known here (a slot returned for the caller
// to fill, a new key, a metatable).
inline void gc_barrier_any(State* L, GCObject* o) {
  if (__builtin_expect(o->marked == kGcOld, 0)) gc_touch(L, o);
}

// Full (major) collection now: collectgarbage("collect").
void gc_collect(State* L);
// The collection that is due (gc_check): minor or major in generational mode.
void gc_step(State* L);
// Switches mode (collectgarbage("generational") / ("incremental")) with a full collection,
// which leaves the marks as the new mode wants them.
void gc_set_generational(State* L, bool on);

// A safe point: collects if the allocation debt is due. 'live_top' is the first stack slot
// that holds nothing live (everything from there up is cleared).
inline void gc_check(State* L, Value* live_top) {
  if (L->heap.total >= L->heap.threshold) {
    Value* saved = L->top;
    L->top = live_top;
    gc_step(L);
    L->top = saved;
  }
}

// Size in bytes of an object, for the accounting when it is freed.
size_t gc_object_size(const GCObject* o);

// Frees every object (state_close).
void gc_free_all(State* L);

}  // namespace cpjit::lua
