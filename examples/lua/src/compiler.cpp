#include "compiler.h"

#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "arith.h"
#include "func.h"
#include "gc.h"
#include "opcodes.h"
#include "parser.h"
#include "str.h"

namespace cpjit::lua {

const char* const kOpNames[kNumOpcodes] = {
#define CPJIT_LUA_OP_NAME(name, operands, text) #name,
    CPJIT_LUA_OPCODES(CPJIT_LUA_OP_NAME)
#undef CPJIT_LUA_OP_NAME
};

namespace {

constexpr int kFieldsPerFlush = 50;  // positional table items stored per SETLIST
// Nesting of expressions the compiler recurses through. The parser bounds right-nested
// constructs; left-associative chains (a and b and c ...) are flat to parse but deep to
// compile, so they are bounded here to keep the C++ stack small.
constexpr int kMaxExprDepth = 1000;

struct BlockInfo {
  BlockInfo* prev = nullptr;
  int nactive = 0;         // active locals (= registers) at entry
  size_t first_label = 0;  // labels declared in this block start here
  size_t first_goto = 0;   // gotos pending in this block start here
  bool is_loop = false;    // 'break' targets the end of this block
};

struct LabelDesc {
  String* name;
  int pc;
  int nactive;
  int line;
};

struct GotoDesc {
  String* name;  // null for 'break'
  int jmp_pc;
  int close_pc;  // CLOSE emitted before the jump (its level is patched on resolution), or -1
  int nactive;
  int line;
};

struct ConstKey {
  uint8_t tag;
  uint64_t bits;
  bool operator==(const ConstKey& o) const { return tag == o.tag && bits == o.bits; }
};
struct ConstKeyHash {
  size_t operator()(const ConstKey& k) const { return std::hash<uint64_t>()(k.bits * 31 + k.tag); }
};

inline bool is_multi(const Expr* e) {
  return e->kind == ExprKind::Call || e->kind == ExprKind::Method || e->kind == ExprKind::Vararg;
}

class FuncGen {
 public:
  FuncGen(State* L, Lexer& lex, FuncNode* node) : L_(L), lex_(lex), node_(node) {}

  Proto* generate() {
    cur_line_ = node_->line;
    BlockInfo bl;
    enter_block(&bl, false);
    for (VarInfo* p : node_->params) activate(p);
    alloc_regs(static_cast<int>(node_->params.size()));
    block_stmts(node_->body);
    cur_line_ = node_->last_line;
    leave_block(false);
    emit(make_abc(OP_RETURN0, 0, 0, 0));
    if (!gotos_.empty()) undefined_goto(gotos_.front());
    return finish();
  }

 private:
  // --- emission ------------------------------------------------------------------------------

  int here() const { return static_cast<int>(code_.size()); }

  int emit(Instr i) {
    code_.push_back(i);
    lines_.push_back(cur_line_);
    return here() - 1;
  }
  void emit_word(uint32_t w) { emit(w); }

  int emit_jmp() { return emit(make_sj(OP_JMP, 0)); }

  void patch_jump(int pc, int target) {
    int off = target - (pc + 1);
    if (off > kMaxJump || off < -kMaxJump) error("control structure too long");
    code_[pc] = make_sj(OP_JMP, off);
  }
  void patch_list(std::vector<int>& list, int target) {
    for (int pc : list) patch_jump(pc, target);
    list.clear();
  }

  [[noreturn]] void error(const std::string& msg) { lex_.semantic_error(msg, cur_line_); }

  void set_line(const AstNode* n) {
    if (n->line > 0) cur_line_ = n->line;
  }

  // --- registers -----------------------------------------------------------------------------

  int alloc_regs(int n) {
    int r = freereg_;
    freereg_ += n;
    if (freereg_ > maxstack_) {
      if (freereg_ > kMaxRegisters) error("function or expression needs too many registers");
      maxstack_ = freereg_;
    }
    return r;
  }
  int alloc_reg() { return alloc_regs(1); }

  void activate(VarInfo* v) {
    v->reg = static_cast<int>(actives_.size());
    actives_.push_back(v);
    active_locvar_.push_back(static_cast<int>(locvars_.size()));
    locvars_.push_back(LocVar{v->name, here(), -1, v->reg});
  }

  VarInfo* hidden_var(const char* name) {
    hidden_.push_back(std::make_unique<VarInfo>());
    hidden_.back()->name = str_new(L_, name);
    return hidden_.back().get();
  }

  int nactive() const { return static_cast<int>(actives_.size()); }

  // --- constants -----------------------------------------------------------------------------

  int add_const(const Value& v) {
    ConstKey key{v.tag, 0};
    if (v.is_float()) std::memcpy(&key.bits, &v.n, 8);
    else if (v.is_int()) key.bits = static_cast<uint64_t>(v.i);
    else key.bits = reinterpret_cast<uintptr_t>(v.p);
    auto it = kmap_.find(key);
    if (it != kmap_.end()) return it->second;
    int idx = static_cast<int>(k_.size());
    if (idx >= (1 << 25)) error("too many constants");
    k_.push_back(v);
    kmap_.emplace(key, idx);
    return idx;
  }
  int str_const(String* s) { return add_const(Value::string(s)); }

  void load_const(int reg, int idx) {
    if (idx <= kMaxArgBx) {
      emit(make_abx(OP_LOADK, reg, idx));
    } else {
      emit(make_abc(OP_LOADKX, reg, 0, 0));
      emit_word(static_cast<uint32_t>(idx));
    }
  }

  // Constant string key usable in a B/C field (short strings only: the fast paths compare
  // interned pointers).
  bool short_key(const Expr* e, int* idx) {
    if (e->kind != ExprKind::Str) return false;
    String* s = static_cast<const ExprConst*>(e)->s;
    if (!s->is_short) return false;
    int k = str_const(s);
    if (k > kMaxArgC) return false;
    *idx = k;
    return true;
  }

  static bool small_int_key(const Expr* e, int* c) {
    if (e->kind != ExprKind::Int) return false;
    int64_t i = static_cast<const ExprConst*>(e)->i;
    if (i < 0 || i > kMaxArgC) return false;
    *c = static_cast<int>(i);
    return true;
  }

  static bool imm_operand(const Expr* e, int* sc) {
    if (e->kind != ExprKind::Int) return false;
    int64_t i = static_cast<const ExprConst*>(e)->i;
    if (i < -kSCBias || i > kMaxArgC - kSCBias) return false;
    *sc = static_cast<int>(i) + kSCBias;
    return true;
  }

  bool num_const_operand(const Expr* e, int* idx) {
    Value v;
    if (e->kind == ExprKind::Int) v = Value::integer(static_cast<const ExprConst*>(e)->i);
    else if (e->kind == ExprKind::Float) v = Value::number(static_cast<const ExprConst*>(e)->n);
    else return false;
    int k = add_const(v);
    if (k > kMaxArgC) return false;
    *idx = k;
    return true;
  }

  // --- expressions ---------------------------------------------------------------------------

  // Register holding e's value: a local's own register, or a new temporary.
  int anyreg(Expr* e) {
    if (e->kind == ExprKind::Local) return static_cast<ExprLocal*>(e)->var->reg;
    return nextreg(e);
  }

  int nextreg(Expr* e) {
    // A call leaves its result where its function was: the next register already.
    if (e->kind == ExprKind::Call || e->kind == ExprKind::Method) {
      int saved_line = cur_line_;
      set_line(e);
      int r = call(static_cast<ExprCall*>(e), 1);
      cur_line_ = saved_line;
      return r;
    }
    int r = alloc_reg();
    discharge(e, r);
    return r;
  }

  // Computes e into register dst; temporaries above freereg are released afterwards.
  struct DepthGuard {
    explicit DepthGuard(FuncGen* g) : g_(g) {
      if (++g_->depth_ > kMaxExprDepth) g_->error("expression too complex");
    }
    ~DepthGuard() { g_->depth_--; }
    FuncGen* g_;
  };

  void discharge(Expr* e, int dst) {
    DepthGuard guard(this);
    int saved_line = cur_line_;
    set_line(e);
    int save = freereg_;
    switch (e->kind) {
      case ExprKind::Nil: emit(make_abc(OP_LOADNIL, dst, 0, 0)); break;
      case ExprKind::True: emit(make_abc(OP_LOADTRUE, dst, 0, 0)); break;
      case ExprKind::False: emit(make_abc(OP_LOADFALSE, dst, 0, 0)); break;
      case ExprKind::Int: {
        int64_t i = static_cast<ExprConst*>(e)->i;
        if (i >= -kBxBias && i <= kMaxArgBx - kBxBias)
          emit(make_abx(OP_LOADI, dst, static_cast<int>(i) + kBxBias));
        else
          load_const(dst, add_const(Value::integer(i)));
        break;
      }
      case ExprKind::Float: {
        double d = static_cast<ExprConst*>(e)->n;
        int64_t i;
        if (float_to_integer(d, &i) && i >= -kBxBias && i <= kMaxArgBx - kBxBias &&
            !(d == 0 && std::signbit(d)))
          emit(make_abx(OP_LOADF, dst, static_cast<int>(i) + kBxBias));
        else
          load_const(dst, add_const(Value::number(d)));
        break;
      }
      case ExprKind::Str: load_const(dst, str_const(static_cast<ExprConst*>(e)->s)); break;
      case ExprKind::Vararg: emit(make_abc(OP_VARARG, dst, 0, 2)); break;
      case ExprKind::Func: function(static_cast<FuncNode*>(e), dst); break;
      case ExprKind::Table: table(static_cast<ExprTable*>(e), dst); break;
      case ExprKind::Local: {
        int r = static_cast<ExprLocal*>(e)->var->reg;
        if (r != dst) emit(make_abc(OP_MOVE, dst, r, 0));
        break;
      }
      case ExprKind::Upval:
        emit(make_abc(OP_GETUPVAL, dst, static_cast<ExprUpval*>(e)->index, 0));
        break;
      case ExprKind::Index: index(static_cast<ExprIndex*>(e), dst); break;
      case ExprKind::Call:
      case ExprKind::Method: {
        int base = call(static_cast<ExprCall*>(e), 1);
        if (base != dst) emit(make_abc(OP_MOVE, dst, base, 0));
        break;
      }
      case ExprKind::Paren: discharge(static_cast<ExprParen*>(e)->inner, dst); break;
      case ExprKind::Binop: binop(static_cast<ExprBinop*>(e), dst); break;
      case ExprKind::And:
      case ExprKind::Or: and_or(static_cast<ExprBinop*>(e), dst); break;
      case ExprKind::Unop: unop(static_cast<ExprUnop*>(e), dst); break;
    }
    freereg_ = save;
    cur_line_ = saved_line;
  }

  void function(FuncNode* f, int dst) {
    FuncGen child(L_, lex_, f);
    Proto* p = child.generate();
    int idx = static_cast<int>(protos_.size());
    if (idx > kMaxArgBx) error("too many nested functions");
    protos_.push_back(p);
    emit(make_abx(OP_CLOSURE, dst, idx));
  }

  void index(ExprIndex* e, int dst) {
    int k;
    if (e->obj->kind == ExprKind::Upval && short_key(e->key, &k)) {
      emit(make_abc(OP_GETTABUP, dst, static_cast<ExprUpval*>(e->obj)->index, k));
      return;
    }
    int obj = anyreg(e->obj);
    int c;
    if (short_key(e->key, &k)) {
      emit(make_abc(OP_GETFIELD, dst, obj, k));
    } else if (small_int_key(e->key, &c)) {
      emit(make_abc(OP_GETI, dst, obj, c));
    } else {
      int key = anyreg(e->key);
      emit(make_abc(OP_GETTABLE, dst, obj, key));
    }
  }

  void unop(ExprUnop* e, int dst) {
    int r = anyreg(e->operand);
    OpCode op = OP_UNM;
    switch (e->op) {
      case UnOp::Neg: op = OP_UNM; break;
      case UnOp::Not: op = OP_NOT; break;
      case UnOp::Len: op = OP_LEN; break;
      case UnOp::BNot: op = OP_BNOT; break;
    }
    set_line(e);
    emit(make_abc(op, dst, r, 0));
  }

  void binop(ExprBinop* e, int dst) {
    switch (e->op) {
      case BinOp::Concat: concat(e, dst); return;
      case BinOp::Eq:
      case BinOp::Ne:
      case BinOp::Lt:
      case BinOp::Le:
      case BinOp::Gt:
      case BinOp::Ge: {
        std::vector<int> t;
        cond_jump(e, true, t);
        emit(make_abc(OP_LOADFALSE, dst, 0, 0));
        int skip = emit_jmp();
        patch_list(t, here());
        emit(make_abc(OP_LOADTRUE, dst, 0, 0));
        patch_jump(skip, here());
        return;
      }
      default: break;
    }
    int op = static_cast<int>(e->op);
    int sc, k;
    if ((e->op == BinOp::Add || e->op == BinOp::Mul) && num_const_operand(e->lhs, &k) &&
        !num_const_operand(e->rhs, &sc)) {
      // 2 * x: the constant stays first for metamethods, the handler swaps for numbers.
      int rb = anyreg(e->rhs);
      set_line(e);
      emit(make_abc(e->op == BinOp::Add ? OP_RADDK : OP_RMULK, dst, rb, k));
      return;
    }
    int rb = anyreg(e->lhs);
    if (e->op == BinOp::Add && imm_operand(e->rhs, &sc)) {
      set_line(e);
      emit(make_abc(OP_ADDI, dst, rb, sc));
    } else if (num_const_operand(e->rhs, &k)) {
      set_line(e);
      emit(make_abc(static_cast<OpCode>(OP_ADDK + op), dst, rb, k));
    } else {
      int rc = anyreg(e->rhs);
      set_line(e);
      emit(make_abc(static_cast<OpCode>(OP_ADD + op), dst, rb, rc));
    }
  }

  // a .. b .. c is right associative: flatten the chain into consecutive registers and
  // concatenate them with one instruction.
  void concat(ExprBinop* e, int dst) {
    std::vector<Expr*> parts;
    Expr* cur = e;
    while (cur->kind == ExprKind::Binop && static_cast<ExprBinop*>(cur)->op == BinOp::Concat) {
      parts.push_back(static_cast<ExprBinop*>(cur)->lhs);
      cur = static_cast<ExprBinop*>(cur)->rhs;
    }
    parts.push_back(cur);
    if (parts.size() > static_cast<size_t>(kMaxArgC)) {
      // Very long chains: concatenate the tail first, as right associativity requires.
      size_t head = parts.size() - static_cast<size_t>(kMaxArgC) + 1;
      int base = freereg_;
      for (size_t i = 0; i < head; i++) nextreg(parts[i]);
      int tail_base = freereg_;
      for (size_t i = head; i < parts.size(); i++) nextreg(parts[i]);
      set_line(e);
      emit(make_abc(OP_CONCAT, tail_base, tail_base, static_cast<int>(parts.size() - head)));
      freereg_ = tail_base + 1;
      emit(make_abc(OP_CONCAT, dst, base, static_cast<int>(head + 1)));
      return;
    }
    int base = freereg_;
    for (Expr* p : parts) nextreg(p);
    set_line(e);
    emit(make_abc(OP_CONCAT, dst, base, static_cast<int>(parts.size())));
  }

  void and_or(ExprBinop* e, int dst) {
    bool is_and = e->kind == ExprKind::And;
    int r = anyreg(e->lhs);
    // and: keep the left value and skip the right one when it is false; or: when true.
    int k = is_and ? 0 : 1;
    if (r == dst) {
      emit(make_abc(OP_TEST, dst, 0, k));
    } else {
      emit(make_abc(OP_TESTSET, dst, r, k));
    }
    int j = emit_jmp();
    discharge(e->rhs, dst);
    patch_jump(j, here());
  }

  // Emits code that jumps (the jumps are added to 'out') when e's truth value equals
  // jump_if, and falls through otherwise.
  void cond_jump(Expr* e, bool jump_if, std::vector<int>& out) {
    DepthGuard guard(this);
    int saved_line = cur_line_;
    set_line(e);
    switch (e->kind) {
      case ExprKind::And:
      case ExprKind::Or: {
        auto* b = static_cast<ExprBinop*>(e);
        bool is_and = e->kind == ExprKind::And;
        if (is_and != jump_if) {
          // and/false, or/true: either operand decides.
          cond_jump(b->lhs, jump_if, out);
          cond_jump(b->rhs, jump_if, out);
        } else {
          std::vector<int> skip;
          cond_jump(b->lhs, !jump_if, skip);
          cond_jump(b->rhs, jump_if, out);
          patch_list(skip, here());
        }
        break;
      }
      case ExprKind::Unop:
        if (static_cast<ExprUnop*>(e)->op == UnOp::Not) {
          cond_jump(static_cast<ExprUnop*>(e)->operand, !jump_if, out);
          break;
        }
        test_jump(e, jump_if, out);
        break;
      case ExprKind::Nil:
      case ExprKind::False:
        if (!jump_if) out.push_back(emit_jmp());
        break;
      case ExprKind::True:
      case ExprKind::Int:
      case ExprKind::Float:
      case ExprKind::Str:
        if (jump_if) out.push_back(emit_jmp());
        break;
      case ExprKind::Binop: {
        auto* b = static_cast<ExprBinop*>(e);
        if (b->op >= BinOp::Eq) {
          compare(b, jump_if, out);
          break;
        }
        test_jump(e, jump_if, out);
        break;
      }
      default: test_jump(e, jump_if, out); break;
    }
    cur_line_ = saved_line;
  }

  void test_jump(Expr* e, bool jump_if, std::vector<int>& out) {
    int save = freereg_;
    int r = anyreg(e);
    freereg_ = save;
    emit(make_abc(OP_TEST, r, 0, jump_if ? 1 : 0));
    out.push_back(emit_jmp());
  }

  // Comparison followed by a jump taken when (a op b) == jump_if.
  void compare(ExprBinop* e, bool jump_if, std::vector<int>& out) {
    int save = freereg_;
    int k = jump_if ? 1 : 0;
    Expr* a = e->lhs;
    Expr* b = e->rhs;
    BinOp op = e->op;
    if (op == BinOp::Eq || op == BinOp::Ne) {
      if (op == BinOp::Ne) k ^= 1;
      // Constants go to the right (equality with a constant never calls a metamethod).
      if (is_const(a) && !is_const(b)) std::swap(a, b);
      int ra = anyreg(a);
      int imm, kidx;
      set_line(e);
      if (imm_operand(b, &imm)) {
        emit(make_abc(OP_EQI, ra, imm, k));
      } else if (is_const(b) && const_operand(b, &kidx)) {
        emit(make_abc(OP_EQK, ra, kidx, k));
      } else {
        int rb = anyreg(b);
        set_line(e);
        emit(make_abc(OP_EQ, ra, rb, k));
      }
    } else {
      int imm;
      if (imm_operand(b, &imm)) {
        int ra = anyreg(a);
        OpCode o = op == BinOp::Lt ? OP_LTI : op == BinOp::Le ? OP_LEI : op == BinOp::Gt ? OP_GTI : OP_GEI;
        set_line(e);
        emit(make_abc(o, ra, imm, k));
      } else if (imm_operand(a, &imm)) {
        // c < x is x > c, and so on; the handlers keep the operand order for metamethods.
        int rb = anyreg(b);
        OpCode o = op == BinOp::Lt ? OP_GTI : op == BinOp::Le ? OP_GEI : op == BinOp::Gt ? OP_LTI : OP_LEI;
        set_line(e);
        emit(make_abc(o, rb, imm, k));
      } else {
        int ra = anyreg(a);
        int rb = anyreg(b);
        set_line(e);
        switch (op) {
          case BinOp::Lt: emit(make_abc(OP_LT, ra, rb, k)); break;
          case BinOp::Le: emit(make_abc(OP_LE, ra, rb, k)); break;
          case BinOp::Gt: emit(make_abc(OP_LT, rb, ra, k)); break;
          default: emit(make_abc(OP_LE, rb, ra, k)); break;
        }
      }
    }
    freereg_ = save;
    out.push_back(emit_jmp());
  }

  static bool is_const(const Expr* e) {
    switch (e->kind) {
      case ExprKind::Nil:
      case ExprKind::True:
      case ExprKind::False:
      case ExprKind::Int:
      case ExprKind::Float:
      case ExprKind::Str: return true;
      default: return false;
    }
  }

  bool const_operand(const Expr* e, int* idx) {
    Value v;
    switch (e->kind) {
      case ExprKind::Int: v = Value::integer(static_cast<const ExprConst*>(e)->i); break;
      case ExprKind::Float: v = Value::number(static_cast<const ExprConst*>(e)->n); break;
      case ExprKind::Str: v = Value::string(static_cast<const ExprConst*>(e)->s); break;
      case ExprKind::Nil: v = Value::nil(); break;
      case ExprKind::True: v = Value::boolean(true); break;
      case ExprKind::False: v = Value::boolean(false); break;
      default: return false;
    }
    int k = add_const(v);
    if (k > kMaxArgB) return false;
    *idx = k;
    return true;
  }

  // Calls: the function goes to a fresh register 'base', arguments after it. Returns base;
  // nresults values are left there (-1: all of them, up to the stack top).
  int call(ExprCall* c, int nresults) {
    int base = freereg_;
    if (c->kind == ExprKind::Method) {
      int obj = anyreg(c->fn);
      freereg_ = base;
      alloc_regs(2);
      int k;
      set_line(c);
      int kidx = str_const(c->method);
      if (c->method->is_short && kidx <= kMaxArgC) {
        k = kidx;
        emit(make_abc(OP_SELF, base, obj, k));
      } else {
        emit(make_abc(OP_MOVE, base + 1, obj, 0));
        load_const(base, kidx);
        emit(make_abc(OP_GETTABLE, base, base + 1, base));
      }
    } else {
      nextreg(c->fn);
    }
    bool multi = explist(c->args, -1);
    int nargs = freereg_ - base - 1;
    set_line(c);
    emit(make_abc(OP_CALL, base, multi ? 0 : nargs + 1, nresults + 1));
    freereg_ = base;
    if (nresults > 0) alloc_regs(nresults);
    return base;
  }

  // Evaluates expressions into consecutive registers from freereg. want >= 0: exactly that
  // many values (extra ones are evaluated and dropped, missing ones are nil); want == -1: all
  // values, the last call or '...' leaving its results up to the stack top. Returns true in
  // that open-ended case.
  bool explist(const std::vector<Expr*>& es, int want) {
    int base = freereg_;
    size_t n = es.size();
    for (size_t i = 0; i < n; i++) {
      Expr* e = es[i];
      bool last = i + 1 == n;
      if (last && is_multi(e)) {
        int need = want < 0 ? -1 : want - static_cast<int>(i);
        if (need < 0 && want >= 0) need = 0;
        multi(e, need);
        if (want < 0) return true;
        break;
      }
      nextreg(e);
    }
    if (want >= 0) {
      int have = freereg_ - base;
      if (have < want) {
        int r = alloc_regs(want - have);
        emit(make_abc(OP_LOADNIL, r, want - have - 1, 0));
      }
      freereg_ = base + want;
    }
    return false;
  }

  // A call or '...' producing n values (-1: all) at freereg.
  void multi(Expr* e, int n) {
    if (e->kind == ExprKind::Vararg) {
      int r = freereg_;
      set_line(e);
      emit(make_abc(OP_VARARG, r, 0, n + 1));
      if (n > 0) alloc_regs(n);
      return;
    }
    call(static_cast<ExprCall*>(e), n);
  }

  void table(ExprTable* t, int dst) {
    if (dst != freereg_ - 1 || dst < nactive()) {
      // Pending array items must follow the table's register, and a local being assigned
      // must keep its old value while the items are evaluated.
      int tmp = alloc_reg();
      table(t, tmp);
      emit(make_abc(OP_MOVE, dst, tmp, 0));
      return;
    }
    size_t npos = 0, nhash = 0;
    for (const TableItem& it : t->items) {
      if (it.kind == TableItem::Positional) npos++;
      else nhash++;
    }
    // A call or `...` last gives any number of values: its first one is counted, so that the
    // common {f(x), g(y)} gets its array at once instead of growing it when the list is stored.
    int hlog = 0;
    while (nhash > 0 && (size_t{1} << hlog) < nhash) hlog++;
    set_line(t);
    emit(make_abc(OP_NEWTABLE, dst, nhash ? hlog + 1 : 0, 0));
    emit_word(static_cast<uint32_t>(npos));
    int pending = 0;
    uint32_t stored = 0;
    auto flush = [&](int count) {
      emit(make_abc(OP_SETLIST, dst, count, 0));
      emit_word(stored);
    };
    for (size_t i = 0; i < t->items.size(); i++) {
      const TableItem& it = t->items[i];
      bool last = i + 1 == t->items.size();
      if (it.kind == TableItem::Positional) {
        if (last && is_multi(it.value)) {
          multi(it.value, -1);
          flush(0);
          freereg_ = dst + 1;
          pending = 0;
          break;
        }
        nextreg(it.value);
        pending++;
        if (pending == kFieldsPerFlush) {
          flush(pending);
          stored += static_cast<uint32_t>(pending);
          pending = 0;
          freereg_ = dst + 1;
        }
        continue;
      }
      int save = freereg_;
      int k, c;
      if (short_key(it.key, &k)) {
        int v = anyreg(it.value);
        emit(make_abc(OP_SETFIELD, dst, k, v));
      } else if (small_int_key(it.key, &c)) {
        int v = anyreg(it.value);
        emit(make_abc(OP_SETI, dst, c, v));
      } else {
        int kr = anyreg(it.key);
        int v = anyreg(it.value);
        emit(make_abc(OP_SETTABLE, dst, kr, v));
      }
      freereg_ = save;
    }
    if (pending > 0) {
      flush(pending);
      freereg_ = dst + 1;
    }
  }

  // --- statements ----------------------------------------------------------------------------

  void enter_block(BlockInfo* bl, bool is_loop) {
    bl->prev = block_;
    bl->nactive = nactive();
    bl->first_label = labels_.size();
    bl->first_goto = gotos_.size();
    bl->is_loop = is_loop;
    block_ = bl;
  }

  // Ends the innermost block: its locals go out of scope (CLOSE if a closure captured one),
  // its labels disappear, and its pending gotos now leave it.
  void leave_block(bool emit_close) {
    BlockInfo* bl = block_;
    bool captured = false;
    for (int i = bl->nactive; i < nactive(); i++)
      if (actives_[i]->captured) captured = true;
    if (captured && emit_close) emit(make_abc(OP_CLOSE, bl->nactive, 0, 0));
    int pc = here();
    for (int i = nactive(); i-- > bl->nactive;) locvars_[active_locvar_[i]].endpc = pc;
    actives_.resize(bl->nactive);
    active_locvar_.resize(bl->nactive);
    freereg_ = bl->nactive;
    labels_.resize(bl->first_label);
    for (size_t i = bl->first_goto; i < gotos_.size(); i++) {
      if (gotos_[i].nactive > bl->nactive) gotos_[i].nactive = bl->nactive;
    }
    if (bl->is_loop) {
      // Breaks jump here.
      size_t j = bl->first_goto;
      for (size_t i = bl->first_goto; i < gotos_.size(); i++) {
        GotoDesc& g = gotos_[i];
        if (g.name == nullptr) {
          resolve_goto(g, pc, bl->nactive);
        } else {
          gotos_[j++] = g;
        }
      }
      gotos_.resize(j);
    }
    block_ = bl->prev;
  }

  void resolve_goto(const GotoDesc& g, int target, int level) {
    if (g.close_pc >= 0) code_[g.close_pc] = make_abc(OP_CLOSE, level, 0, 0);
    patch_jump(g.jmp_pc, target);
  }

  [[noreturn]] void undefined_goto(const GotoDesc& g) {
    if (g.name == nullptr) error(format("break outside loop at line %d", g.line));
    error(format("no visible label '%s' for <goto> at line %d", g.name->data, g.line));
  }

  void block_stmts(const Block& b) {
    for (Stmt* s : b.stmts) statement(s);
  }

  void scoped_block(const Block& b, bool is_loop) {
    BlockInfo bl;
    enter_block(&bl, is_loop);
    block_stmts(b);
    int saved = cur_line_;
    if (b.end_line > 0) cur_line_ = b.end_line;
    leave_block(true);
    cur_line_ = saved;
  }

  void statement(Stmt* s) {
    set_line(s);
    switch (s->kind) {
      case StmtKind::Empty: break;
      case StmtKind::Local: local(static_cast<StmtLocal*>(s)); break;
      case StmtKind::LocalFunction: {
        auto* lf = static_cast<StmtLocalFunction*>(s);
        int r = alloc_reg();
        activate(lf->var);
        function(lf->func, r);
        break;
      }
      case StmtKind::Assign: assign(static_cast<StmtAssign*>(s)); break;
      case StmtKind::Call: {
        int save = freereg_;
        call(static_cast<StmtCall*>(s)->call, 0);
        freereg_ = save;
        break;
      }
      case StmtKind::Do: scoped_block(static_cast<StmtDo*>(s)->body, false); break;
      case StmtKind::While: while_stmt(static_cast<StmtWhile*>(s)); break;
      case StmtKind::Repeat: repeat_stmt(static_cast<StmtRepeat*>(s)); break;
      case StmtKind::If: if_stmt(static_cast<StmtIf*>(s)); break;
      case StmtKind::NumFor: numfor(static_cast<StmtNumFor*>(s)); break;
      case StmtKind::GenFor: genfor(static_cast<StmtGenFor*>(s)); break;
      case StmtKind::Return: ret(static_cast<StmtReturn*>(s)); break;
      case StmtKind::Break:
      case StmtKind::Goto: goto_stmt(static_cast<StmtGoto*>(s)); break;
      case StmtKind::Label: label(static_cast<StmtLabel*>(s)); break;
    }
    freereg_ = nactive();
  }

  void local(StmtLocal* s) {
    int n = static_cast<int>(s->vars.size());
    if (s->exprs.empty()) {
      int r = alloc_regs(n);
      emit(make_abc(OP_LOADNIL, r, n - 1, 0));
    } else {
      explist(s->exprs, n);
    }
    for (VarInfo* v : s->vars) activate(v);
  }

  void assign(StmtAssign* s) {
    if (s->targets.size() == 1 && s->exprs.size() == 1) {
      Expr* t = s->targets[0];
      Expr* e = s->exprs[0];
      switch (t->kind) {
        case ExprKind::Local: discharge(e, static_cast<ExprLocal*>(t)->var->reg); return;
        case ExprKind::Upval: {
          int r = anyreg(e);
          emit(make_abc(OP_SETUPVAL, r, static_cast<ExprUpval*>(t)->index, 0));
          return;
        }
        default: {
          auto* ix = static_cast<ExprIndex*>(t);
          int k;
          if (ix->obj->kind == ExprKind::Upval && short_key(ix->key, &k)) {
            int v, kv;
            store_value(e, &v, &kv);
            set_line(ix);
            int up = static_cast<ExprUpval*>(ix->obj)->index;
            if (kv >= 0) emit(make_abc(OP_SETTABUPK, up, k, kv));
            else emit(make_abc(OP_SETTABUP, up, k, v));
            return;
          }
          int obj = anyreg(ix->obj);
          store_index(obj, ix->key, e);
          return;
        }
      }
    }
    // Multiple assignment: evaluate every table and key, then every value, then store from
    // right to left. Locals that are assigned here are copied first when a table or key
    // expression uses them, so all stores see the values from before the statement.
    std::vector<const VarInfo*> assigned;
    for (Expr* t : s->targets)
      if (t->kind == ExprKind::Local) assigned.push_back(static_cast<ExprLocal*>(t)->var);
    auto is_assigned = [&](Expr* e) {
      if (e->kind != ExprKind::Local) return false;
      for (const VarInfo* v : assigned)
        if (v == static_cast<ExprLocal*>(e)->var) return true;
      return false;
    };
    struct Target {
      Expr* e;
      int obj = -1;
      int key = -1;
      int kconst = -1;
    };
    std::vector<Target> ts;
    for (Expr* t : s->targets) {
      Target tg{t};
      if (t->kind == ExprKind::Index) {
        auto* ix = static_cast<ExprIndex*>(t);
        tg.obj = is_assigned(ix->obj) ? nextreg(ix->obj) : anyreg(ix->obj);
        int k;
        if (short_key(ix->key, &k)) tg.kconst = k;
        else tg.key = is_assigned(ix->key) ? nextreg(ix->key) : anyreg(ix->key);
      }
      ts.push_back(tg);
    }
    int vbase = freereg_;
    explist(s->exprs, static_cast<int>(ts.size()));
    for (size_t i = ts.size(); i-- > 0;) {
      const Target& tg = ts[i];
      int v = vbase + static_cast<int>(i);
      set_line(tg.e);
      switch (tg.e->kind) {
        case ExprKind::Local:
          emit(make_abc(OP_MOVE, static_cast<ExprLocal*>(tg.e)->var->reg, v, 0));
          break;
        case ExprKind::Upval:
          emit(make_abc(OP_SETUPVAL, v, static_cast<ExprUpval*>(tg.e)->index, 0));
          break;
        default:
          if (tg.kconst >= 0) emit(make_abc(OP_SETFIELD, tg.obj, tg.kconst, v));
          else emit(make_abc(OP_SETTABLE, tg.obj, tg.key, v));
          break;
      }
    }
  }

  // Value operand of a store: a constant (kvalue >= 0) or a register.
  void store_value(Expr* value, int* reg, int* kvalue) {
    *reg = -1;
    *kvalue = -1;
    if (is_const(value) && const_operand(value, kvalue)) return;
    *kvalue = -1;
    *reg = anyreg(value);
  }

  void store_index(int obj, Expr* key, Expr* value) {
    int k, c, v, kv;
    if (short_key(key, &k)) {
      store_value(value, &v, &kv);
      if (kv >= 0) emit(make_abc(OP_SETFIELDK, obj, k, kv));
      else emit(make_abc(OP_SETFIELD, obj, k, v));
    } else if (small_int_key(key, &c)) {
      store_value(value, &v, &kv);
      if (kv >= 0) emit(make_abc(OP_SETIK, obj, c, kv));
      else emit(make_abc(OP_SETI, obj, c, v));
    } else {
      int kr = anyreg(key);
      store_value(value, &v, &kv);
      if (kv >= 0) emit(make_abc(OP_SETTABLEK, obj, kr, kv));
      else emit(make_abc(OP_SETTABLE, obj, kr, v));
    }
  }

  void if_stmt(StmtIf* s) {
    std::vector<int> exits;
    for (size_t i = 0; i < s->conds.size(); i++) {
      std::vector<int> next;
      cond_jump(s->conds[i], false, next);
      scoped_block(s->blocks[i], false);
      if (i + 1 < s->conds.size() || s->has_else) exits.push_back(emit_jmp());
      patch_list(next, here());
    }
    if (s->has_else) scoped_block(s->else_block, false);
    patch_list(exits, here());
  }

  void while_stmt(StmtWhile* s) {
    BlockInfo loop;
    enter_block(&loop, true);
    int start = here();
    std::vector<int> exits;
    cond_jump(s->cond, false, exits);
    scoped_block(s->body, false);
    // Backward jump: a loop back edge (the interpreter's JMP handler counts these).
    patch_jump(emit_jmp(), start);
    patch_list(exits, here());
    leave_block(false);
  }

  void repeat_stmt(StmtRepeat* s) {
    BlockInfo loop;
    enter_block(&loop, true);
    int start = here();
    BlockInfo body;
    enter_block(&body, false);
    block_stmts(s->body);
    bool captured = false;
    for (int i = body.nactive; i < nactive(); i++)
      if (actives_[i]->captured) captured = true;
    if (!captured) {
      std::vector<int> again;
      cond_jump(s->cond, false, again);
      patch_list(again, start);
    } else {
      // The condition sees the body's locals, which must be closed on both ways out.
      std::vector<int> exits;
      cond_jump(s->cond, true, exits);
      emit(make_abc(OP_CLOSE, body.nactive, 0, 0));
      patch_jump(emit_jmp(), start);
      patch_list(exits, here());
      emit(make_abc(OP_CLOSE, body.nactive, 0, 0));
    }
    leave_block(false);
    leave_block(false);
  }

  void numfor(StmtNumFor* s) {
    BlockInfo loop;
    enter_block(&loop, true);
    int base = freereg_;
    nextreg(s->start);
    nextreg(s->limit);
    if (s->step) {
      nextreg(s->step);
    } else {
      int r = alloc_reg();
      emit(make_abx(OP_LOADI, r, 1 + kBxBias));
    }
    activate(hidden_var("(for state)"));
    activate(hidden_var("(for state)"));
    activate(hidden_var("(for state)"));
    set_line(s);
    int prep = emit(make_abx(OP_FORPREP, base, 0));
    BlockInfo body;
    enter_block(&body, false);
    alloc_reg();
    activate(s->var);
    block_stmts(s->body);
    cur_line_ = s->body.end_line > 0 ? s->body.end_line : cur_line_;
    leave_block(true);
    set_line(s);
    int loop_pc = here();
    if (loop_pc - prep > kMaxArgBx) error("control structure too long");
    emit(make_abx(OP_FORLOOP, base, loop_pc - prep));
    code_[prep] = make_abx(OP_FORPREP, base, loop_pc - (prep + 1));
    leave_block(false);
  }

  void genfor(StmtGenFor* s) {
    BlockInfo loop;
    enter_block(&loop, true);
    int base = freereg_;
    explist(s->exprs, 3);
    activate(hidden_var("(for state)"));
    activate(hidden_var("(for state)"));
    activate(hidden_var("(for state)"));
    set_line(s);
    int prep = emit(make_abx(OP_TFORPREP, base, 0));
    BlockInfo body;
    enter_block(&body, false);
    int nvars = static_cast<int>(s->vars.size());
    alloc_regs(nvars < 3 ? 3 : nvars);  // the call copies three values up there
    freereg_ = base + 3 + nvars;
    for (VarInfo* v : s->vars) activate(v);
    block_stmts(s->body);
    cur_line_ = s->body.end_line > 0 ? s->body.end_line : cur_line_;
    leave_block(true);
    set_line(s);
    int call_pc = emit(make_abc(OP_TFORCALL, base, 0, nvars));
    int loop_pc = here();
    if (loop_pc - prep > kMaxArgBx) error("control structure too long");
    emit(make_abx(OP_TFORLOOP, base, loop_pc - prep));
    code_[prep] = make_abx(OP_TFORPREP, base, call_pc - (prep + 1));
    leave_block(false);
  }

  void ret(StmtReturn* s) {
    size_t n = s->exprs.size();
    if (n == 0) {
      emit(make_abc(OP_RETURN0, 0, 0, 0));
      return;
    }
    if (n == 1) {
      Expr* e = s->exprs[0];
      if (e->kind == ExprKind::Call || e->kind == ExprKind::Method) {
        int base = call(static_cast<ExprCall*>(e), -1);
        // The call just emitted becomes a tail call.
        Instr& ci = code_.back();
        ci = make_abc(OP_TAILCALL, base, arg_b(ci), 0);
        emit(make_abc(OP_RETURN, base, 0, 0));
        return;
      }
      if (!is_multi(e)) {
        int r = anyreg(e);
        emit(make_abc(OP_RETURN1, r, 0, 0));
        return;
      }
    }
    int base = freereg_;
    bool open = explist(s->exprs, -1);
    emit(make_abc(OP_RETURN, base, open ? 0 : static_cast<int>(n) + 1, 0));
  }

  bool any_captured_active() const {
    for (const VarInfo* v : actives_)
      if (v->captured) return true;
    return false;
  }

  void goto_stmt(StmtGoto* s) {
    int close_pc = -1;
    if (any_captured_active()) close_pc = emit(make_abc(OP_CLOSE, 0, 0, 0));
    int jmp = emit_jmp();
    if (s->kind == StmtKind::Goto) {
      // A visible label already defined: a backward jump.
      for (size_t i = labels_.size(); i-- > 0;) {
        if (labels_[i].name == s->label) {
          resolve_goto(GotoDesc{s->label, jmp, close_pc, nactive(), s->line}, labels_[i].pc,
                       labels_[i].nactive);
          return;
        }
      }
    }
    gotos_.push_back(GotoDesc{s->kind == StmtKind::Goto ? s->label : nullptr, jmp, close_pc,
                              nactive(), s->line});
  }

  void label(StmtLabel* s) {
    cur_line_ = s->next_line;
    for (const LabelDesc& l : labels_) {
      if (l.name == s->name)
        error(format("label '%s' already defined on line %d", s->name->data, l.line));
    }
    int level = s->at_block_end ? block_->nactive : nactive();
    int pc = here();
    labels_.push_back(LabelDesc{s->name, pc, level, s->line});
    size_t j = block_->first_goto;
    for (size_t i = block_->first_goto; i < gotos_.size(); i++) {
      GotoDesc& g = gotos_[i];
      if (g.name == s->name) {
        if (g.nactive < level) {
          error(format("<goto %s> at line %d jumps into the scope of local '%s'", s->name->data,
                       g.line, actives_[g.nactive]->name->data));
        }
        resolve_goto(g, pc, level);
      } else {
        gotos_[j++] = g;
      }
    }
    gotos_.resize(j);
  }

  // --- the prototype -------------------------------------------------------------------------

  // A jump to an unconditional jump goes straight to the final target (if/else exits that
  // land on a loop's back edge, breaks out of nested blocks).
  void thread_jumps() {
    int n = here();
    std::vector<bool> is_jmp(static_cast<size_t>(n), false);  // real JMP instructions
    for (int pc = 0; pc < n; pc++) {
      OpCode op = op_of(code_[pc]);
      if (op == OP_JMP) is_jmp[pc] = true;
      if (op_has_extra_word(op)) pc++;  // skip the data word
    }
    for (int pc = 0; pc < n; pc++) {
      if (!is_jmp[pc]) continue;
      int target = pc + 1 + arg_sj(code_[pc]);
      for (int hops = 0; hops < 8 && target >= 0 && target < n && is_jmp[target]; hops++) {
        int next = target + 1 + arg_sj(code_[target]);
        if (next == target) break;
        target = next;
      }
      code_[pc] = make_sj(OP_JMP, target - (pc + 1));
    }
  }

  Proto* finish() {
    thread_jumps();
    Proto* p = proto_new(L_);
    p->numparams = static_cast<uint8_t>(node_->params.size());
    p->is_vararg = node_->is_vararg ? 1 : 0;
    p->maxstack = static_cast<uint8_t>(maxstack_ < 2 ? 2 : maxstack_);
    p->linedefined = node_->line;
    p->lastlinedefined = node_->last_line;
    p->source = lex_.chunkname();
    p->ncode = here();
    p->code = mem_new_array<Instr>(L_, code_.size());
    std::memcpy(p->code, code_.data(), code_.size() * sizeof(Instr));
    p->lineinfo = mem_new_array<int32_t>(L_, lines_.size());
    std::memcpy(p->lineinfo, lines_.data(), lines_.size() * sizeof(int32_t));
    p->k = mem_new_array<Value>(L_, k_.size());
    for (size_t i = 0; i < k_.size(); i++) p->k[i] = k_[i];
    p->nk = static_cast<int>(k_.size());
    p->protos = mem_new_array<Proto*>(L_, protos_.size());
    if (!protos_.empty()) std::memcpy(p->protos, protos_.data(), protos_.size() * sizeof(Proto*));
    p->nprotos = static_cast<int>(protos_.size());
    const auto& ups = node_->upvals;
    p->upvals = mem_new_array<UpvalDesc>(L_, ups.size());
    for (size_t i = 0; i < ups.size(); i++) {
      p->upvals[i].name = ups[i].name;
      p->upvals[i].in_stack = ups[i].in_stack ? 1 : 0;
      p->upvals[i].idx = static_cast<uint8_t>(ups[i].in_stack ? ups[i].var->reg : ups[i].parent_index);
      p->upvals[i].fixed = ups[i].origin != nullptr && !ups[i].origin->assigned ? 1 : 0;
    }
    p->nupvals = static_cast<int>(ups.size());
    p->locvars = mem_new_array<LocVar>(L_, locvars_.size());
    for (size_t i = 0; i < locvars_.size(); i++) {
      p->locvars[i] = locvars_[i];
      if (p->locvars[i].endpc < 0) p->locvars[i].endpc = p->ncode;
    }
    p->nlocvars = static_cast<int>(locvars_.size());
    return p;
  }

  State* L_;
  Lexer& lex_;
  FuncNode* node_;
  int cur_line_ = 0;

  std::vector<Instr> code_;
  std::vector<int32_t> lines_;
  std::vector<Value> k_;
  std::unordered_map<ConstKey, int, ConstKeyHash> kmap_;
  std::vector<Proto*> protos_;
  std::vector<LocVar> locvars_;

  std::vector<VarInfo*> actives_;
  std::vector<int> active_locvar_;
  std::vector<std::unique_ptr<VarInfo>> hidden_;
  int freereg_ = 0;
  int maxstack_ = 2;
  int depth_ = 0;
  BlockInfo* block_ = nullptr;
  std::vector<LabelDesc> labels_;
  std::vector<GotoDesc> gotos_;
};

}  // namespace

Proto* compile_chunk(State* L, FuncNode* main, Lexer& lex) {
  FuncGen g(L, lex, main);
  return g.generate();
}

Proto* load_proto(State* L, const char* src, size_t len, const char* chunkname) {
  String* name = str_new(L, chunkname);
  Lexer lex(L, src, len, name);
  Arena arena;
  FuncNode* main = parse_chunk(L, lex, arena);
  return compile_chunk(L, main, lex);
}

LClosure* load_closure(State* L, const char* src, size_t len, const char* chunkname) {
  Proto* p = load_proto(L, src, len, chunkname);
  LClosure* cl = lclosure_new(L, p);
  for (int i = 0; i < cl->nupvals; i++) {
    UpVal* uv = static_cast<UpVal*>(gc_new(L, sizeof(UpVal), kGCUpVal));
    uv->v = &uv->closed;
    uv->open_next = nullptr;
    set_nil(&uv->closed);
    cl->upvals[i] = uv;
  }
  if (cl->nupvals > 0) cl->upvals[0]->closed = Value::table(L->globals);
  return cl;
}

// --- listing -----------------------------------------------------------------------------------

namespace {

void disassemble_into(const Proto* p, std::string& out) {
  out += format("function <%s:%d,%d> (%d instructions, %d registers, %d constants)\n",
                p->source ? chunk_id(p->source).c_str() : "?", p->linedefined, p->lastlinedefined,
                p->ncode, p->maxstack, p->nk);
  for (int pc = 0; pc < p->ncode; pc++) {
    Instr i = p->code[pc];
    OpCode op = op_of(i);
    out += format("  %4d [%d] %-10s A=%d B=%d C=%d Bx=%d sJ=%d\n", pc, p->lineinfo[pc],
                  op < kNumOpcodes ? kOpNames[op] : "?", arg_a(i), arg_b(i), arg_c(i), arg_bx(i),
                  arg_sj(i));
    if (op_has_extra_word(op) && pc + 1 < p->ncode) {
      pc++;
      out += format("  %4d      (word %u)\n", pc, p->code[pc]);
    }
  }
  for (int i = 0; i < p->nprotos; i++) disassemble_into(p->protos[i], out);
}

}  // namespace

std::string disassemble(const Proto* p) {
  std::string out;
  disassemble_into(p, out);
  return out;
}

}  // namespace cpjit::lua
