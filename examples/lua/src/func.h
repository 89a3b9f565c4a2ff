// Functions: prototypes, closures and upvalues.
#pragma once

#include "object.h"
#include "state.h"

namespace cpjit::lua {

Proto* proto_new(State* L);
void proto_free(State* L, Proto* p);
size_t proto_size_bytes(const Proto* p);

LClosure* lclosure_new(State* L, Proto* p);
CClosure* cclosure_new(State* L, CFunction f, int nupvals);
Userdata* userdata_new(State* L, size_t size);

inline size_t lclosure_size(int n) { return sizeof(LClosure) + sizeof(UpVal*) * (n > 0 ? n - 1 : 0); }
inline size_t cclosure_size(int n) { return sizeof(CClosure) + sizeof(Value) * (n > 0 ? n - 1 : 0); }
inline size_t userdata_size(size_t n) { return sizeof(Userdata) + (n > 0 ? n - 1 : 0); }

// The open upvalue for stack slot 'level', created if there is none yet.
UpVal* find_upval(State* L, Value* level);
// Closes every open upvalue at or above 'level' (the variables go out of scope).
void close_upvals(State* L, Value* level);

// Name of local number 'n' (1-based, in order of activation) active at pc, or null.
const LocVar* find_local(const Proto* p, int reg, int pc);

}  // namespace cpjit::lua
