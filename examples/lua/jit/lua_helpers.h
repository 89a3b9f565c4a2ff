/* What cpjit-lua's stencils call (jit/helpers.cpp) and how a trace is entered. Every helper
 * returns normally: where the interpreter would raise an error or run a metamethod, the helper
 * reports failure before changing anything and the uop takes its side exit. */
#ifndef CPJIT_LUA_JIT_HELPERS_H
#define CPJIT_LUA_JIT_HELPERS_H

#include <stdint.h>

#include "lua_layout.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the entry shim loads into the pinned registers. */
struct lj_trace_entry {
  struct lj_state *L;
  lj_value *base;
  lj_lclosure *cl;
};

/* t[key] outside the array part (never null: absent keys give a nil value). */
const lj_value *lj_get_int(const lj_table *t, int64_t key);
/* *out = t[key] (any integer key); 0 when the value is nil and __index may apply. */
int lj_index_int(const lj_table *t, int64_t key, lj_value *out);
/* t[key] = *v without metamethods; 0 when __newindex may apply or memory ran out. */
int lj_set_int(struct lj_state *L, lj_table *t, int64_t key, const lj_value *v);
/* lj_set_int and lj_set_field with a constant given as payload and tag. */
int lj_set_int_c(struct lj_state *L, lj_table *t, int64_t key, int64_t payload, uint8_t tag);
int lj_set_field_c(struct lj_state *L, lj_table *t, const lj_string *key, int64_t payload, uint8_t tag);
/* *out = t.key, through chains of __index tables; 0 when anything else is involved. */
int lj_get_field(struct lj_state *L, lj_table *t, const lj_string *key, lj_value *out);
/* lj_get_field for a value of type `tag`: 0, with *out untouched, for anything else. */
int lj_get_field_typed(struct lj_state *L, lj_table *t, const lj_string *key, lj_value *out, uint8_t tag);
/* t.key = *v without metamethods; 0 when __newindex may apply or memory ran out. */
int lj_set_field(struct lj_state *L, lj_table *t, const lj_string *key, const lj_value *v);
/* #t, the border the interpreter computes. */
int64_t lj_table_length(lj_table *t);
/* *out = a new table; 0 when memory ran out. */
int lj_new_table(struct lj_state *L, lj_value *out, uint32_t narray, uint32_t nhash);
/* *out = first[0] .. ... .. first[n-1] for strings and numbers; 0 otherwise. */
int lj_concat(struct lj_state *L, lj_value *out, lj_value *first, uint32_t n);
/* *out = t[key] for any key; 0 when the key is absent and __index may apply. */
int lj_get(struct lj_state *L, lj_table *t, const lj_value *key, lj_value *out);
/* t[key] = *v for any key without metamethods; 0 when __newindex may apply, the key is nil or
 * NaN (the interpreter raises the error) or memory ran out. */
int lj_set(struct lj_state *L, lj_table *t, const lj_value *key, const lj_value *v);
/* *out = the string method `key` (the string metatable's __index table); 0 otherwise. */
int lj_string_method(struct lj_state *L, const lj_string *key, lj_value *out);
/* lj_string_method for site->key, keeping the method found in the site (SELF_STR_C). */
int lj_string_method_kept(struct lj_state *L, lj_class_site *site, lj_value *out);
/* func[0] .. func[c-2] := func[0](func[1] .. func[b-1]) through the interpreter.
 * 1: done; 0: not attempted (the interpreter should make the call); -1: the call raised an
 * error, which is parked in the JIT state for the interpreter to rethrow. */
int lj_call(struct lj_state *L, lj_value *func, uint32_t b, uint32_t c, const void *next_pc);
/* Pushes the frame of the Lua function at func called with b-1 arguments, wanting c-1 results;
 * the caller resumes at next_pc. 0 (nothing changed) when the stack would overflow. */
int lj_push_frame(struct lj_state *L, lj_value *func, uint32_t b, uint32_t c, const void *next_pc);
/* The running frame (pushed by lj_push_frame) returns first[0] .. first[n-1]. */
void lj_pop_frame(struct lj_state *L, lj_value *first, uint32_t n);
/* A constructor's list into a table whose array is too small: grows it to start + n, stores
 * list[1 .. n] at start + 1 .., and (reset_top) puts the stack top back to the frame's; 0,
 * having changed nothing, when memory ran out. */
int lj_set_list(struct lj_state *L, lj_value *list, uint32_t n, uint32_t start, int reset_top);
/* next(t, *control) as a pairs() loop steps it: *key and *val (when val is not null) are the
 * next entry, or nil at the end; 0 (nothing written) when the control is not a key of t (the
 * interpreter raises the error). */
int lj_next(struct lj_state *L, const lj_table *t, const lj_value *control, lj_value *key, lj_value *val);
/* *out = a new closure of p, as the interpreter's CLOSURE makes it: upvalues of the enclosing
 * function's frame (whose registers start at frame_base) or of `enclosing`; 0 when memory ran
 * out (the interpreter redoes it and raises the error). */
int lj_closure(struct lj_state *L, lj_value *out, const lj_proto *p, const lj_lclosure *enclosing,
               lj_value *frame_base);
/* Closes the upvalues open over stack slots at or above `level` (the interpreter's CLOSE). */
void lj_close_upvals(struct lj_state *L, lj_value *level);
/* The write barrier's slow path (src/gc.h, gc_touch: records old object o as touched), then
 * *dst = *src (a slot of o). */
void lj_gc_store(struct lj_state *L, void *o, lj_value *dst, const lj_value *src);
/* *out = string.sub(s, i, j); 0 when memory ran out (the interpreter redoes it). */
int lj_str_sub(struct lj_state *L, lj_value *out, const lj_string *s, int64_t i, int64_t j);
/* Order of two strings (negative, zero, positive), as `<` and `<=` compare them. */
int lj_str_cmp(const lj_string *a, const lj_string *b);
/* a < b and a <= b for numbers of any subtypes, exactly as the interpreter compares them. */
int lj_num_lt(const lj_value *a, const lj_value *b);
int lj_num_le(const lj_value *a, const lj_value *b);
/* Runs the site's instruction as the interpreter's slow paths do (metamethods in a nested
 * interpreter). 1: done (a comparison: it holds); 2: a comparison that does not hold; 0: not
 * attempted (the interpreter should run it); -1: an error was raised and parked, as lj_call
 * parks it. */
int lj_meta(struct lj_state *L, lj_value *base, const lj_meta_site *site);
/* Is any upvalue still open over a stack slot at or above `level`? */
int lj_has_open_upvalues(struct lj_state *L, const lj_value *level);

#ifdef __cplusplus
}
#endif

#endif
