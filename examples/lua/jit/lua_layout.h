/* The parts of cpjit-lua's data layout that JIT templates touch, in C. The interpreter's C++
 * definitions are the truth; layout_check.cpp asserts that every offset here matches them. */
#ifndef CPJIT_LUA_JIT_LAYOUT_H
#define CPJIT_LUA_JIT_LAYOUT_H

#include <stdint.h>

/* Value tags (src/value.h). */
enum {
  LJ_NIL = 0,
  LJ_FALSE = 1,
  LJ_TRUE = 2,
  LJ_INT = 3,
  LJ_FLOAT = 4,
  LJ_STRING = 5,
  LJ_TABLE = 6,
  LJ_LCLOSURE = 7,
  LJ_CFUNCTION = 8,
  LJ_CCLOSURE = 9,
};

/* Facts the optimizer tracks: "the slot holds a value with this tag". 0 means nothing. */
enum {
  LJ_FACT_NIL = 1,
  LJ_FACT_FALSE = 2,
  LJ_FACT_TRUE = 3,
  LJ_FACT_INT = 4,
  LJ_FACT_FLOAT = 5,
  LJ_FACT_STRING = 6,
  LJ_FACT_TABLE = 7,
};

/* Every collectable object starts with this 8-byte header (the C++ base GCObject; its last
 * fields are used by strings only). */
#define LJ_GC_HEADER   \
  uint8_t gctype;      \
  uint8_t marked;      \
  union {              \
    uint8_t is_short;  \
    uint8_t watched; /* tables: a class lookup cache depends on it (src/table.h) */ \
  };                   \
  union {              \
    uint8_t keyword;   \
    uint8_t inline_slots; /* tables: array slots in the table's own block (src/object.h) */ \
  };                   \
  uint32_t hash

typedef struct lj_gcobject {
  LJ_GC_HEADER;
} lj_gcobject;
/* `marked` of an old object not touched since the last collection (src/gc.h, kGcOld). */
#define LJ_GC_OLD 1

typedef struct lj_value {
  union {
    int64_t i;
    double n;
    void *p;
  } u;
  uint8_t tag;
  uint8_t padding[7];
} lj_value;

typedef struct lj_string {
  LJ_GC_HEADER;
  void *hnext;
  uint64_t len;
  char data[1];
} lj_string;

typedef struct lj_node {
  lj_value val;
  lj_value key; /* the chain link: int32 node index (-1: end) at LJ_NODE_NEXT_OFFSET in it */
} lj_node;
#define LJ_NODE_NEXT_OFFSET 12

/* A table's header `hash` holds the byte offset of its last node (src/object.h,
 * last_node_offset): a node hint is in the array when it is at most that. */
#define LJ_LAST_NODE(T) ((T)->hash)
typedef struct lj_table {
  LJ_GC_HEADER;
  uint32_t tm_absent; /* bit t: metamethod t known absent (when used as a metatable) */
  uint32_t asize;     /* array part: keys 1 .. asize */
  uint32_t hmask;
  uint32_t lastfree;
  lj_value *array;
  lj_node *node;
  struct lj_table *meta;
  uint64_t skeys; /* key filter: bit lj_key_bit(s) set for every string key the hash part holds */
  uint32_t len_hint; /* table_length's last border, checked before use (src/object.h) */
  uint32_t padding_;
} lj_table;
/* A table made with at most LJ_TABLE_INLINE_MAX array slots and no hash part may hold them in
 * its own block, this many bytes in (src/object.h, kTableInlineOffset). */
#define LJ_TABLE_INLINE_OFFSET 64
#define LJ_TABLE_INLINE_MAX 4
/* A string key's bit in a table's key filter (src/object.h, key_filter_bit). */
#define LJ_KEY_BIT(HASH) ((uint64_t)1 << ((uint32_t)(HASH) >> 26))

/* Slot operands are u16 byte offsets up from a trace's base: a value cell in the 64 KiB above
 * the base may be one of the trace's slots (an upvalue open over a register of the trace); one
 * below it, or elsewhere, is none. The recorder and the SETUPVAL_NS forms both ask. */
static inline __attribute__((always_inline)) int lj_may_be_slot(const void *cell, const void *base) {
  return (uintptr_t)cell - (uintptr_t)base < 65536u;
}

/* A field access site of a trace (recorder.cpp makes one per GETFIELD, SETFIELD, GETTABUP,
 * SETTABUP; the trace owns it): the key, and the nodes of the hash parts it was last found in,
 * which the uop tries first and updates. */
typedef struct lj_field_site {
  const lj_string *key;
  const lj_string *index_key;  /* "__index", for a miss in an object whose class has the key */
  uint32_t node;               /* where the key was last found in the table */
  uint32_t index_node;         /* ... "__index" in the table's metatable */
  uint32_t class_node;         /* ... the key in the table that __index names */
  uint32_t padding_;
} lj_field_site;

/* A field that the recording found in an object's class (depth 1: the table its metatable's
 * __index names) or in the class's base class (depth 2), as method calls find their methods
 * (recorder.cpp makes one per GETFIELD_C1 and GETFIELD_C2; the trace owns it): where the
 * recording found each step, as byte offsets into node arrays, which the uop tries. */
#define LJ_CLASS_WAYS 4
typedef struct lj_class_site {
  const lj_string *key;
  const lj_string *index_key; /* "__index" */
  uint64_t key_bit;           /* LJ_KEY_BIT of the key's hash */
  uint32_t index_node[2];     /* "__index" in the metatable at each depth */
  uint32_t node;              /* the key in the table it was found in */
  uint32_t obj_node;          /* where an object last held the key (a value of its own, or nil) */
  /* The answers found for objects with up to LJ_CLASS_WAYS metatables (a site that sees
   * objects of several classes), valid for objects that lack the key while class_epoch stays
   * at `epoch` (the tables they came through are watched). epoch UINT64_MAX: none yet. */
  uint64_t epoch;
  const struct lj_table *meta[LJ_CLASS_WAYS];
  lj_value value[LJ_CLASS_WAYS];
  uint32_t next_way; /* the entry the next answer replaces */
  uint32_t padding2_;
} lj_class_site;
/* Before keeping an answer in a class site: when a class changed since its answers were kept
 * (class_epoch moved past `epoch`), all of them go. The stencils (uops.c) and the helpers
 * (helpers.cpp) keep answers. */
static inline __attribute__((always_inline)) void lj_class_site_refresh(lj_class_site *site,
                                                                  uint64_t class_epoch) {
  if (site->epoch == class_epoch) return;
  site->epoch = class_epoch;
  for (int way = 0; way < LJ_CLASS_WAYS; way++) {
    site->meta[way] = 0; /* nil for an object without a metatable: the answer it gets */
    site->value[way].tag = LJ_NIL;
  }
  site->next_way = 0;
}

/* A constant stored into a field (recorder.cpp makes one per SETFIELD_HC; the trace owns it). */
typedef struct lj_store_site {
  const lj_string *key;
  lj_value value;
} lj_store_site;

/* A call of a known Lua function that takes fixed parameters, all passed, and no more arguments
 * than its frame has registers (recorder.cpp makes one per PUSH_FRAME_K, CALL_REBASE_K and
 * TAIL_FRAME(_BASE)_K; the trace owns it): the frame the call
 * pushes, worked out when it was recorded. A tail call uses code, limit_offset, top_offset, b
 * (the function and its arguments: the values that move down; 0 up to the stack top) and c (the
 * fewest such values that pass every parameter). */
typedef struct lj_call_site {
  const void *return_pc;  /* the caller's saved pc while the callee runs */
  const void *code;       /* the callee's first instruction */
  uint64_t limit_offset;  /* bytes from the function slot to the end of what the frame may use */
  uint64_t top_offset;    /* bytes from the function slot to the callee frame's top */
  int32_t nresults;       /* results the call wants (-1: all) */
  uint16_t b, c;          /* the call instruction's operands, for lj_push_frame */
} lj_call_site;

/* An instruction a trace runs through the interpreter's own slow paths, metamethods and
 * coercions included (recorder.cpp makes one per META uop; the trace owns it). Operands are
 * registers as byte offsets from the trace's base, or LJ_META_K / LJ_META_K2 for the constants
 * `k` and `k2` (copies of the instruction's; a string in them is the prototype's, which
 * outlives the trace). */
typedef struct lj_meta_site {
  const void *next_pc;  /* the frame's saved pc meanwhile (the instruction after) */
  lj_value k, k2;       /* constant operands */
  uint32_t kind;        /* LJ_META_* */
  uint32_t op;          /* LJ_META_ARITH: the interpreter's operator number */
  int32_t a, b, c;      /* LJ_META_CONCAT: c is the number of values from b */
  uint32_t padding_;
} lj_meta_site;
#define LJ_META_K (-1)
#define LJ_META_K2 (-2)
enum {
  LJ_META_ARITH, /* R[a] := b op c */
  LJ_META_UNM,   /* R[a] := -b */
  LJ_META_BNOT,  /* R[a] := ~b */
  LJ_META_LEN,   /* R[a] := #b */
  LJ_META_CONCAT, /* R[a] := R[b] .. ... .. R[b+c-1] */
  LJ_META_EQ,    /* a == b, a < b, a <= b */
  LJ_META_LT,
  LJ_META_LE,
  LJ_META_INDEX,   /* R[a] := b[c] */
  LJ_META_NEWINDEX /* a[b] := c */
};

/* Metamethod numbers (src/object.h, CPJIT_LUA_TMS). */
enum { LJ_TM_INDEX = 0, LJ_TM_NEWINDEX = 1, LJ_TM_LEN = 2, LJ_TM_EQ = 3 };

typedef struct lj_upval {
  LJ_GC_HEADER;
  lj_value *v;
} lj_upval;

typedef struct lj_lclosure {
  LJ_GC_HEADER;
  uint8_t nupvals;
  uint8_t padding[7];
  void *proto;
  lj_upval *upvals[1];
} lj_lclosure;

typedef struct lj_proto {
  LJ_GC_HEADER;
  uint8_t numparams;
  uint8_t is_vararg;
  uint8_t maxstack;
  uint8_t padding_[5];
  int32_t counts_[6];
  const void *code;
} lj_proto;

/* A call frame (src/state.h CallInfo). */
typedef struct lj_callinfo {
  lj_value *func;
  lj_value *base;
  lj_value *top;
  const void *savedpc;
  struct lj_callinfo *prev;
  struct lj_callinfo *next;
  int32_t nresults;
  int32_t nvarargs;
  uint8_t status;
} lj_callinfo;
#define LJ_CI_LUA 1  /* status of a Lua function's frame */
#define LJ_CI_FRESH 2 /* ... entered from C: the interpreter returns when it returns */
#define LJ_CI_TAIL 4 /* ... entered through a tail call */

/* The interpreter state: the hot fields the frame uops use, then more that templates leave to
 * helpers. */
/* The allocator's free lists and counters in the state (src/state.h, Heap; gc.h, mem_alloc):
 * a block of up to LJ_POOL_MAX_SIZE bytes comes from the list of its size class, one per
 * LJ_POOL_GRANULE bytes; the lists' first word links them. Byte offsets from the state. */
#define LJ_POOL_GRANULE 16
#define LJ_POOL_MAX_SIZE 256
#define LJ_HEAP_FREE_LISTS 784 /* void *[LJ_POOL_MAX_SIZE / LJ_POOL_GRANULE] */
#define LJ_HEAP_OBJECTS 1184     /* void *[]: every collectable object but short strings */
#define LJ_HEAP_NOBJECTS 1192    /* entries used in it */
#define LJ_HEAP_OBJECTS_CAP 1200 /* entries it has room for */
#define LJ_HEAP_TOTAL 1208       /* bytes allocated */
#define LJ_HEAP_THRESHOLD 1216   /* a safe point collects once total reaches it */
#define LJ_HEAP_LIMIT 1224       /* allocations beyond it fail */

struct lj_state {
  lj_value *top;
  lj_callinfo *ci;
  lj_value *stack;
  lj_value *stack_limit;
  lj_value *stack_end;
  lj_value *stack_hwm;
  lj_upval *open_upvals;
  uint64_t class_epoch; /* up on every change to a watched table (src/state.h) */
  lj_lclosure *jit_closure; /* the running trace's own frame's closure (uops.c, cl) */
};

#endif
