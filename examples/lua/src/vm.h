// Calls, the interpreter loop, and the operations that may involve metamethods.
#pragma once

#include "arith.h"
#include "object.h"
#include "state.h"
#include "table.h"

namespace cpjit::lua {

// --- calls (call.cpp) --------------------------------------------------------------------

// Calls the value at func with the arguments func+1 .. L->top. Afterwards the results are at
// func, func+1, ... and L->top is just past them (nresults of them, or all if -1).
void call(State* L, Value* func, int nresults);

// Protected call: as call(), but a Lua error is caught. On error the error object (after the
// message handler, if 'handler' is not null) is stored at func and L->top = func + 1.
Status pcall(State* L, Value* func, int nresults, const Value* handler = nullptr);

// Starts a call. For a Lua function it pushes the frame and returns it (the caller runs it);
// a builtin runs to completion (results moved into place) and the result is null.
CallInfo* precall(State* L, Value* func, int nresults);

// Moves n results starting at 'first' to the frame's function slot, pops the frame.
void poscall(State* L, CallInfo* ci, Value* first, int n);

// Replaces a non-function at func by its __call metamethod (shifting the arguments up), until
// it is a function. Raises "attempt to call ..." when there is none.
void resolve_call(State* L, Value* func);

// The interpreter: runs Lua frame ci (and whatever it calls) until ci returns.
void execute(State* L, CallInfo* ci);

// --- metamethods and generic operations (meta.cpp) -----------------------------------------

Table* get_metatable(const State* L, const Value& v);
const Value* get_tm(State* L, const Value& v, TM event);  // null when absent

// t[key] / t[key] = v with __index / __newindex. 'out' may alias the operands. The operand
// pointers should point where the values live (a register, an upvalue) so that error
// messages can name the variable.
void index_slow(State* L, const Value* t, const Value* key, Value* out);
void newindex_slow(State* L, const Value* t, const Value* key, const Value* v);

// Arithmetic and bitwise operators with metamethods (op is an ArithOp).
void arith_slow(State* L, int op, const Value* a, const Value* b, Value* out);
void unm_slow(State* L, const Value* a, Value* out);
void bnot_slow(State* L, const Value* a, Value* out);
void len_slow(State* L, const Value* a, Value* out);

bool raw_equal(const Value& a, const Value& b);
bool equal_obj(State* L, const Value* a, const Value* b);
bool less_than(State* L, const Value* a, const Value* b);
bool less_equal(State* L, const Value* a, const Value* b);

// Concatenates n values starting at 'first' (which are overwritten as scratch), result to out.
void concat_values(State* L, Value* first, int n, Value* out);

// tostring() semantics (__tostring, __name); the result is also left on the stack top.
String* to_display_string(State* L, const Value& v);

const char* type_name(int tag);
// Type name for messages: the __name of the metatable when it is a string.
const char* obj_type_name(State* L, const Value& v);

// --- errors that name variables (debug.cpp) ------------------------------------------------

[[noreturn]] void type_error(State* L, const Value* v, const char* op);
[[noreturn]] void call_error(State* L, const Value* func);
[[noreturn]] void concat_error(State* L, const Value* a, const Value* b);
[[noreturn]] void arith_error(State* L, const Value* a, const Value* b, const char* msg);
[[noreturn]] void int_error(State* L, const Value* a, const Value* b);
[[noreturn]] void order_error(State* L, const Value* a, const Value* b);
[[noreturn]] void for_error(State* L, const Value* v, const char* what);

// Describes what register 'reg' held at instruction pc ("local", "global", "field", ...).
// Returns the kind or null; *name receives the variable or key name.
const char* describe_register(const Proto* p, int pc, int reg, const char** name);

// Name of the function running in frame ci as seen from its caller ("global 'f'", ...).
const char* function_name(State* L, CallInfo* ci, const char** name);

int current_pc(const CallInfo* ci);
int current_line(const CallInfo* ci);

std::string traceback(State* L, const char* msg, int level);

}  // namespace cpjit::lua
