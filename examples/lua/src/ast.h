// The syntax tree the parser builds and the compiler walks.
//
// Names are resolved while parsing: a name is a local of the function being parsed
// (ExprLocal, pointing at its VarInfo), an upvalue (ExprUpval, an index into the function's
// upvalue list) or a global, which is the field of _ENV with that name (ExprIndex). Knowing
// every capture before code generation starts lets the compiler emit upvalue closing exactly
// where variables leave scope, including on break and goto.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "object.h"

namespace cpjit::lua {

struct Expr;
struct Stmt;
struct FuncNode;

enum class VarKind : uint8_t { Regular, Const, Close };

struct VarInfo {
  String* name;
  VarKind kind = VarKind::Regular;
  bool captured = false;  // some closure refers to it
  bool assigned = false;  // an assignment statement stores into it (its declaration aside)
  int reg = -1;           // assigned by the compiler
};

struct UpvalInfo {
  String* name;
  bool in_stack;           // captures a local of the enclosing function ...
  VarInfo* var = nullptr;  // ... this one
  int parent_index = 0;    // else the enclosing function's upvalue with this index
  VarInfo* origin = nullptr;  // the local captured at the end of the chain (none: the main
                              // function's _ENV, which load() sets)
};

enum class ExprKind : uint8_t {
  Nil, True, False, Int, Float, Str, Vararg,
  Func, Table, Binop, Unop, And, Or,
  Local, Upval, Index, Call, Method, Paren,
};

enum class BinOp : uint8_t {
  Add, Sub, Mul, Mod, Pow, Div, IDiv, BAnd, BOr, BXor, Shl, Shr,  // arithmetic order = TM order
  Concat, Eq, Ne, Lt, Le, Gt, Ge,
};

enum class UnOp : uint8_t { Neg, Not, Len, BNot };

struct AstNode {
  virtual ~AstNode() = default;
  int line = 0;
};

struct Expr : AstNode {
  explicit Expr(ExprKind k) : kind(k) {}
  ExprKind kind;
};

struct ExprConst : Expr {  // Nil True False Int Float Str Vararg
  explicit ExprConst(ExprKind k) : Expr(k) {}
  int64_t i = 0;
  double n = 0;
  String* s = nullptr;
};

struct Block {
  std::vector<Stmt*> stmts;
  int end_line = 0;  // line of the token that closes the block
};

struct FuncNode : Expr {
  FuncNode() : Expr(ExprKind::Func) {}
  std::vector<VarInfo*> params;
  bool is_vararg = false;
  bool is_method = false;
  Block body;
  int last_line = 0;
  std::vector<UpvalInfo> upvals;
};

struct TableItem {
  enum Kind : uint8_t { Positional, Named, Keyed } kind;
  Expr* key;  // Named: an ExprConst string; Keyed: any expression
  Expr* value;
};

struct ExprTable : Expr {
  ExprTable() : Expr(ExprKind::Table) {}
  std::vector<TableItem> items;
};

struct ExprBinop : Expr {
  ExprBinop(ExprKind k, BinOp o, Expr* a, Expr* b) : Expr(k), op(o), lhs(a), rhs(b) {}
  BinOp op;  // for Binop
  Expr* lhs;
  Expr* rhs;
};

struct ExprUnop : Expr {
  ExprUnop(UnOp o, Expr* e) : Expr(ExprKind::Unop), op(o), operand(e) {}
  UnOp op;
  Expr* operand;
};

struct ExprLocal : Expr {
  explicit ExprLocal(VarInfo* v) : Expr(ExprKind::Local), var(v) {}
  VarInfo* var;
};

struct ExprUpval : Expr {
  ExprUpval(int i, String* n) : Expr(ExprKind::Upval), index(i), name(n) {}
  int index;
  String* name;
};

struct ExprIndex : Expr {
  ExprIndex(Expr* o, Expr* k) : Expr(ExprKind::Index), obj(o), key(k) {}
  Expr* obj;
  Expr* key;
};

struct ExprCall : Expr {  // Call: fn(args); Method: obj:name(args)
  explicit ExprCall(ExprKind k) : Expr(k) {}
  Expr* fn = nullptr;     // the function, or the object for a method call
  String* method = nullptr;
  std::vector<Expr*> args;
};

struct ExprParen : Expr {
  explicit ExprParen(Expr* e) : Expr(ExprKind::Paren), inner(e) {}
  Expr* inner;
};

// --- statements ----------------------------------------------------------------------------

enum class StmtKind : uint8_t {
  Local, LocalFunction, Assign, Call, Do, While, Repeat, If, NumFor, GenFor,
  Return, Break, Goto, Label, Empty,
};

struct Stmt : AstNode {
  explicit Stmt(StmtKind k) : kind(k) {}
  StmtKind kind;
};

struct StmtLocal : Stmt {
  StmtLocal() : Stmt(StmtKind::Local) {}
  std::vector<VarInfo*> vars;
  std::vector<Expr*> exprs;
};

struct StmtLocalFunction : Stmt {
  StmtLocalFunction() : Stmt(StmtKind::LocalFunction) {}
  VarInfo* var = nullptr;
  FuncNode* func = nullptr;
};

struct StmtAssign : Stmt {
  StmtAssign() : Stmt(StmtKind::Assign) {}
  std::vector<Expr*> targets;  // ExprLocal, ExprUpval or ExprIndex
  std::vector<Expr*> exprs;
};

struct StmtCall : Stmt {
  StmtCall() : Stmt(StmtKind::Call) {}
  ExprCall* call = nullptr;
};

struct StmtDo : Stmt {
  StmtDo() : Stmt(StmtKind::Do) {}
  Block body;
};

struct StmtWhile : Stmt {
  StmtWhile() : Stmt(StmtKind::While) {}
  Expr* cond = nullptr;
  Block body;
};

struct StmtRepeat : Stmt {
  StmtRepeat() : Stmt(StmtKind::Repeat) {}
  Block body;
  Expr* cond = nullptr;  // resolved inside the body's scope
};

struct StmtIf : Stmt {
  StmtIf() : Stmt(StmtKind::If) {}
  std::vector<Expr*> conds;
  std::vector<Block> blocks;  // one per cond
  bool has_else = false;
  Block else_block;
};

struct StmtNumFor : Stmt {
  StmtNumFor() : Stmt(StmtKind::NumFor) {}
  VarInfo* var = nullptr;
  Expr* start = nullptr;
  Expr* limit = nullptr;
  Expr* step = nullptr;  // may be null
  Block body;
};

struct StmtGenFor : Stmt {
  StmtGenFor() : Stmt(StmtKind::GenFor) {}
  std::vector<VarInfo*> vars;
  std::vector<Expr*> exprs;
  Block body;
};

struct StmtReturn : Stmt {
  StmtReturn() : Stmt(StmtKind::Return) {}
  std::vector<Expr*> exprs;
};

struct StmtGoto : Stmt {  // Goto and Break (name "break")
  explicit StmtGoto(StmtKind k) : Stmt(k) {}
  String* label = nullptr;
};

struct StmtLabel : Stmt {
  StmtLabel() : Stmt(StmtKind::Label) {}
  String* name = nullptr;
  bool at_block_end = false;  // only void statements follow it in its block
  int next_line = 0;          // line of the token after it (where lua5.4 reports label errors)
};

// Owns every node of one chunk.
class Arena {
 public:
  template <typename T, typename... Args>
  T* make(Args&&... args) {
    auto p = std::make_unique<T>(std::forward<Args>(args)...);
    T* raw = p.get();
    nodes_.push_back(std::move(p));
    return raw;
  }
  VarInfo* make_var(String* name) {
    vars_.push_back(std::make_unique<VarInfo>());
    vars_.back()->name = name;
    return vars_.back().get();
  }

 private:
  std::vector<std::unique_ptr<AstNode>> nodes_;
  std::vector<std::unique_ptr<VarInfo>> vars_;
};

}  // namespace cpjit::lua
