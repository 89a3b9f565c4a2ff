#include "func.h"

#include <cstring>

#include "gc.h"
#include "lua_jit.h"

namespace cpjit::lua {

Proto* proto_new(State* L) {
  auto* p = static_cast<Proto*>(gc_new(L, sizeof(Proto), kGCProto));
  p->numparams = 0;
  p->is_vararg = 0;
  p->maxstack = 2;
  p->ncode = p->nk = p->nprotos = p->nupvals = p->nlocvars = 0;
  p->linedefined = p->lastlinedefined = 0;
  p->code = nullptr;
  p->k = nullptr;
  p->protos = nullptr;
  p->upvals = nullptr;
  p->lineinfo = nullptr;
  p->locvars = nullptr;
  p->source = nullptr;
  p->jit_countdown = 0;
  p->jit_entry = nullptr;
  p->instances = 0;
  return p;
}

size_t proto_size_bytes(const Proto* p) {
  return sizeof(Proto) + sizeof(Instr) * p->ncode + sizeof(Value) * p->nk +
         sizeof(Proto*) * p->nprotos + sizeof(UpvalDesc) * p->nupvals +
         sizeof(int32_t) * p->ncode + sizeof(LocVar) * p->nlocvars;
}

void proto_free(State* L, Proto* p) {
  jit_proto_freed(L, p);  // its traces go with it
  mem_free_array(L, p->code, p->ncode);
  mem_free_array(L, p->k, p->nk);
  mem_free_array(L, p->protos, p->nprotos);
  mem_free_array(L, p->upvals, p->nupvals);
  mem_free_array(L, p->lineinfo, p->ncode);
  mem_free_array(L, p->locvars, p->nlocvars);
  mem_free(L, p, sizeof(Proto));
}

LClosure* lclosure_new(State* L, Proto* p) {
  auto* cl = static_cast<LClosure*>(gc_new(L, lclosure_size(p->nupvals), kGCLClosure));
  cl->nupvals = static_cast<uint8_t>(p->nupvals);
  cl->jit_pinned = 0;
  cl->p = p;
  if (p->instances < 2) p->instances++;
  for (int i = 0; i < p->nupvals; i++) cl->upvals[i] = nullptr;
  return cl;
}

CClosure* cclosure_new(State* L, CFunction f, int nupvals) {
  auto* cl = static_cast<CClosure*>(gc_new(L, cclosure_size(nupvals), kGCCClosure));
  cl->nupvals = static_cast<uint8_t>(nupvals);
  cl->f = f;
  for (int i = 0; i < nupvals; i++) set_nil(&cl->upvalues[i]);
  return cl;
}

Userdata* userdata_new(State* L, size_t size) {
  auto* u = static_cast<Userdata*>(gc_new(L, userdata_size(size), kGCUserdata));
  u->meta = nullptr;
  u->size = size;
  std::memset(u->data, 0, size);
  return u;
}

UpVal* find_upval(State* L, Value* level) {
  UpVal** link = &L->open_upvals;
  UpVal* uv;
  while ((uv = *link) != nullptr && uv->v >= level) {
    if (uv->v == level) return uv;
    link = &uv->open_next;
  }
  uv = static_cast<UpVal*>(gc_new(L, sizeof(UpVal), kGCUpVal));
  uv->v = level;
  set_nil(&uv->closed);
  uv->open_next = *link;
  *link = uv;
  return uv;
}

void close_upvals(State* L, Value* level) {
  UpVal* uv;
  while ((uv = L->open_upvals) != nullptr && uv->v >= level) {
    L->open_upvals = uv->open_next;
    uv->closed = *uv->v;
    uv->v = &uv->closed;
    gc_barrier(L, uv, uv->closed);  // an upvalue open since before a collection is old
    uv->open_next = nullptr;
  }
}

const LocVar* find_local(const Proto* p, int reg, int pc) {
  const LocVar* found = nullptr;
  for (int i = 0; i < p->nlocvars; i++) {
    const LocVar& lv = p->locvars[i];
    if (lv.startpc > pc) break;
    if (lv.reg == reg && pc < lv.endpc) found = &lv;
  }
  return found;
}

}  // namespace cpjit::lua
