// Naming things in error messages and tracebacks.
//
// When an operation fails on a register, the message says what the register held
// ("local 'x'", "global 'f'", "field 'y'", "method 'm'", "upvalue 'u'", "constant 's'"). The
// name comes from the bytecode: a local active at that pc, or else the last instruction before
// pc that wrote the register, provided no forward jump lands between that instruction and pc
// (then the value depends on the path taken and nothing is said).
#include <cstring>

#include "func.h"
#include "lexer.h"
#include "opcodes.h"
#include "str.h"
#include "vm.h"

namespace cpjit::lua {

int current_pc(const CallInfo* ci) {
  if (!(ci->status & kCILua)) return -1;
  const Proto* p = ci->func->lcl->p;
  int pc = static_cast<int>(ci->savedpc - p->code) - 1;
  return pc < 0 ? 0 : pc;
}

int current_line(const CallInfo* ci) {
  if (!(ci->status & kCILua)) return -1;
  const Proto* p = ci->func->lcl->p;
  int pc = current_pc(ci);
  if (pc >= p->ncode) pc = p->ncode - 1;
  return pc >= 0 ? p->lineinfo[pc] : p->linedefined;
}

namespace {

// Last instruction before lastpc that wrote 'reg', or -1.
int find_set_reg(const Proto* p, int lastpc, int reg) {
  int setreg = -1;
  int jmptarget = 0;
  for (int pc = 0; pc < lastpc; pc++) {
    Instr i = p->code[pc];
    OpCode op = op_of(i);
    int a = arg_a(i);
    bool change = false;
    switch (op) {
      case OP_LOADNIL: change = a <= reg && reg <= a + arg_b(i); break;
      case OP_TFORCALL: change = reg >= a + 3; break;
      case OP_CALL:
      case OP_TAILCALL: change = reg >= a; break;
      case OP_VARARG: change = reg >= a && (arg_c(i) == 0 || reg < a + arg_c(i) - 1); break;
      case OP_SELF: change = reg == a || reg == a + 1; break;
      case OP_FORPREP:
      case OP_FORLOOP: change = reg >= a && reg <= a + 3; break;
      case OP_TFORLOOP: change = reg == a + 2; break;
      case OP_JMP: {
        int dest = pc + 1 + arg_sj(i);
        if (dest > pc && dest <= lastpc && dest > jmptarget) jmptarget = dest;
        break;
      }
      case OP_SETUPVAL:
      case OP_SETTABUP:
      case OP_SETTABLE:
      case OP_SETI:
      case OP_SETFIELD:
      case OP_SETTABUPK:
      case OP_SETTABLEK:
      case OP_SETIK:
      case OP_SETFIELDK:
      case OP_SETLIST:
      case OP_EQ:
      case OP_LT:
      case OP_LE:
      case OP_EQK:
      case OP_EQI:
      case OP_LTI:
      case OP_LEI:
      case OP_GTI:
      case OP_GEI:
      case OP_TEST:
      case OP_RETURN:
      case OP_RETURN0:
      case OP_RETURN1:
      case OP_CLOSE:
      case OP_TFORPREP: break;
      default: change = reg == a; break;
    }
    if (change) setreg = pc < jmptarget ? -1 : pc;
    if (op_has_extra_word(op)) pc++;
  }
  return setreg;
}

const char* const_string(const Proto* p, int k) {
  if (k >= 0 && k < p->nk && p->k[k].is_string()) return p->k[k].s->data;
  return nullptr;
}

// Is register/upvalue 'table' (of an indexing instruction at pc) the _ENV variable?
bool is_env_reg(const Proto* p, int pc, int reg) {
  const char* name;
  const char* kind = describe_register(p, pc, reg, &name);
  return kind && (std::strcmp(kind, "local") == 0 || std::strcmp(kind, "upvalue") == 0) &&
         std::strcmp(name, "_ENV") == 0;
}

std::string varinfo(State* L, const Value* o) {
  CallInfo* ci = L->ci;
  if (o == nullptr || !(ci->status & kCILua)) return "";
  LClosure* cl = ci->func->lcl;
  const Proto* p = cl->p;
  for (int i = 0; i < cl->nupvals; i++) {
    if (cl->upvals[i] && cl->upvals[i]->v == o) {
      const char* name = p->upvals[i].name ? p->upvals[i].name->data : "?";
      return format(" (upvalue '%s')", name);
    }
  }
  if (o >= ci->base && o < ci->top) {
    const char* name;
    const char* kind = describe_register(p, current_pc(ci), static_cast<int>(o - ci->base), &name);
    if (kind) return format(" (%s '%s')", kind, name);
  }
  return "";
}

}  // namespace

const char* describe_register(const Proto* p, int pc, int reg, const char** name) {
  if (const LocVar* lv = find_local(p, reg, pc)) {
    *name = lv->name->data;
    return "local";
  }
  int setpc = find_set_reg(p, pc, reg);
  if (setpc < 0) return nullptr;
  Instr i = p->code[setpc];
  switch (op_of(i)) {
    case OP_MOVE:
      if (arg_b(i) < arg_a(i)) return describe_register(p, setpc, arg_b(i), name);
      return nullptr;
    case OP_GETTABUP: {
      const char* k = const_string(p, arg_c(i));
      *name = k ? k : "?";
      const String* up = p->upvals[arg_b(i)].name;
      return up && std::strcmp(up->data, "_ENV") == 0 ? "global" : "field";
    }
    case OP_GETFIELD: {
      const char* k = const_string(p, arg_c(i));
      *name = k ? k : "?";
      return is_env_reg(p, setpc, arg_b(i)) ? "global" : "field";
    }
    case OP_GETTABLE: {
      const char* kn;
      const char* kind = describe_register(p, setpc, arg_c(i), &kn);
      *name = kind && std::strcmp(kind, "constant") == 0 ? kn : "?";
      return is_env_reg(p, setpc, arg_b(i)) ? "global" : "field";
    }
    case OP_GETI:
      *name = "integer index";
      return "field";
    case OP_GETUPVAL: {
      const String* up = p->upvals[arg_b(i)].name;
      *name = up ? up->data : "?";
      return "upvalue";
    }
    case OP_LOADK: {
      const char* k = const_string(p, arg_bx(i));
      if (!k) return nullptr;
      *name = k;
      return "constant";
    }
    case OP_LOADKX: {
      const char* k = const_string(p, static_cast<int>(p->code[setpc + 1]));
      if (!k) return nullptr;
      *name = k;
      return "constant";
    }
    case OP_SELF: {
      const char* k = const_string(p, arg_c(i));
      *name = k ? k : "?";
      return "method";
    }
    default: return nullptr;
  }
}

const char* function_name(State* L, CallInfo* ci, const char** name) {
  if (ci->status & kCITail) return nullptr;
  CallInfo* caller = ci->prev;
  if (caller == nullptr || !(caller->status & kCILua)) return nullptr;
  const Proto* p = caller->func->lcl->p;
  int pc = current_pc(caller);
  Instr i = p->code[pc];
  const char* tm = nullptr;
  switch (op_of(i)) {
    case OP_CALL:
    case OP_TAILCALL: return describe_register(p, pc, arg_a(i), name);
    case OP_TFORCALL:
      *name = "for iterator";
      return "for iterator";
    case OP_SELF:
    case OP_GETTABUP:
    case OP_GETTABLE:
    case OP_GETI:
    case OP_GETFIELD: tm = "index"; break;
    case OP_SETTABUP:
    case OP_SETTABLE:
    case OP_SETI:
    case OP_SETFIELD:
    case OP_SETTABUPK:
    case OP_SETTABLEK:
    case OP_SETIK:
    case OP_SETFIELDK: tm = "newindex"; break;
    case OP_ADDI: case OP_ADDK: case OP_RADDK: case OP_ADD: tm = "add"; break;
    case OP_SUBK: case OP_SUB: tm = "sub"; break;
    case OP_MULK: case OP_RMULK: case OP_MUL: tm = "mul"; break;
    case OP_MODK: case OP_MOD: tm = "mod"; break;
    case OP_POWK: case OP_POW: tm = "pow"; break;
    case OP_DIVK: case OP_DIV: tm = "div"; break;
    case OP_IDIVK: case OP_IDIV: tm = "idiv"; break;
    case OP_BANDK: case OP_BAND: tm = "band"; break;
    case OP_BORK: case OP_BOR: tm = "bor"; break;
    case OP_BXORK: case OP_BXOR: tm = "bxor"; break;
    case OP_SHLK: case OP_SHL: tm = "shl"; break;
    case OP_SHRK: case OP_SHR: tm = "shr"; break;
    case OP_UNM: tm = "unm"; break;
    case OP_BNOT: tm = "bnot"; break;
    case OP_LEN: tm = "len"; break;
    case OP_CONCAT: tm = "concat"; break;
    case OP_EQ: case OP_EQK: case OP_EQI: tm = "eq"; break;
    case OP_LT: case OP_LTI: case OP_GTI: tm = "lt"; break;
    case OP_LE: case OP_LEI: case OP_GEI: tm = "le"; break;
    default: return nullptr;
  }
  *name = tm;
  return "metamethod";
}

void type_error(State* L, const Value* v, const char* op) {
  std::string info = varinfo(L, v);
  rt_error(L, "attempt to %s a %s value%s", op, obj_type_name(L, *v), info.c_str());
}

void call_error(State* L, const Value* func) {
  CallInfo* ci = L->ci;
  if (ci->status & kCILua) {
    const Proto* p = ci->func->lcl->p;
    if (op_of(p->code[current_pc(ci)]) == OP_TFORCALL)
      rt_error(L, "attempt to call a %s value (for iterator 'for iterator')", obj_type_name(L, *func));
  }
  type_error(L, func, "call");
}

void concat_error(State* L, const Value* a, const Value* b) {
  if (a->is_string() || a->is_number()) a = b;
  type_error(L, a, "concatenate");
}

void arith_error(State* L, const Value* a, const Value* b, const char* msg) {
  if (!a->is_number()) b = a;
  type_error(L, b, msg);
}

void int_error(State* L, const Value* a, const Value* b) {
  int64_t tmp;
  if (!number_to_integer(*a, &tmp)) b = a;
  std::string info = varinfo(L, b);
  rt_error(L, "number%s has no integer representation", info.c_str());
}

void order_error(State* L, const Value* a, const Value* b) {
  const char* t1 = obj_type_name(L, *a);
  const char* t2 = obj_type_name(L, *b);
  if (std::strcmp(t1, t2) == 0) rt_error(L, "attempt to compare two %s values", t1);
  rt_error(L, "attempt to compare %s with %s", t1, t2);
}

void for_error(State* L, const Value* v, const char* what) {
  rt_error(L, "bad 'for' %s (number expected, got %s)", what, obj_type_name(L, *v));
}

std::string traceback(State* L, const char* msg, int level) {
  std::string out;
  if (msg) {
    out += msg;
    out += "\n";
  }
  out += "stack traceback:";
  CallInfo* ci = L->ci;
  for (int i = 0; i < level && ci != &L->base_ci; i++) ci = ci->prev;
  int total = 0;  // levels from the first one shown to the host's
  for (const CallInfo* c = ci; c != nullptr; c = c == &L->base_ci ? nullptr : c->prev) total++;
  // A deep stack as the reference interpreter prints it: the first 10 levels, a line counting
  // the levels left out (one fewer than it leaves out), the last 11.
  for (int index = 0; ci != nullptr; ci = ci->prev, index++) {
    if (index == 10 && total > 22) {
      out += format("\n\t...\t(skipping %d levels)", total - 22);
      for (int k = 0; k < total - 21; k++) ci = ci->prev;
      index += total - 21;
    }
    out += "\n\t";
    if (ci == &L->base_ci) {
      out += "[C]: in ?";
      break;
    }
    bool is_lua = ci->status & kCILua;
    if (is_lua) {
      const Proto* p = ci->func->lcl->p;
      out += chunk_id(p->source) + ":" + std::to_string(current_line(ci)) + ": in ";
    } else {
      out += "[C]: in ";
    }
    const char* name = nullptr;
    const char* kind = function_name(L, ci, &name);
    const char* builtin = nullptr;
    if (!is_lua) {
      const void* key = ci->func->tag == kTagCFunction ? reinterpret_cast<const void*>(ci->func->f)
                                                       : reinterpret_cast<const void*>(ci->func->ccl->f);
      auto it = L->builtin_names.find(key);
      if (it != L->builtin_names.end()) builtin = it->second.c_str();
    }
    if (builtin) {
      out += format("function '%s'", builtin);
    } else if (is_lua && ci->func->lcl->p->linedefined == 0) {
      out += "main chunk";
    } else if (kind && std::strcmp(kind, "global") == 0) {
      out += format("function '%s'", name);
    } else if (kind && std::strcmp(kind, "metamethod") == 0) {
      out += format("metamethod '%s'", name);
    } else if (kind) {
      out += format("%s '%s'", kind, name);
    } else if (!is_lua) {
      out += "?";
    } else {
      const Proto* p = ci->func->lcl->p;
      out += format("function <%s:%d>", chunk_id(p->source).c_str(), p->linedefined);
    }
    if (ci->status & kCITail) out += "\n\t(...tail calls...)";
  }
  return out;
}

}  // namespace cpjit::lua
