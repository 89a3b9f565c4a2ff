#include "parser.h"

#include <cmath>
#include <string>

#include "arith.h"
#include "str.h"

namespace cpjit::lua {

namespace {

constexpr int kMaxLevels = 200;     // nesting of syntactic constructs (keeps the C++ stack small)
constexpr int kMaxLocals = 200;     // active locals per function
constexpr int kMaxUpvals = 255;

struct FuncScope {
  FuncScope* prev = nullptr;
  FuncNode* node = nullptr;
  std::vector<VarInfo*> actives;
};

struct Priority {
  int left;
  int right;
};

class Parser {
 public:
  Parser(State* L, Lexer& lex, Arena& arena) : L_(L), lex_(lex), arena_(arena) {}

  FuncNode* chunk() {
    FuncNode* main = arena_.make<FuncNode>();
    main->line = 0;
    main->is_vararg = true;
    main->upvals.push_back(UpvalInfo{L_->env_name, false, nullptr, 0});
    FuncScope fs;
    fs.node = main;
    fs_ = &fs;
    lex_.next();
    block(&main->body);
    if (lex_.cur.type != TK_EOS) lex_.syntax_error(lex_.token_to_str(TK_EOS) + " expected");
    main->last_line = lex_.cur.line;
    main->body.end_line = lex_.cur.line;
    fs_ = nullptr;
    return main;
  }

 private:
  // --- helpers -------------------------------------------------------------------------------

  int tok() const { return lex_.cur.type; }
  void next() { lex_.next(); }
  bool test_next(int t) {
    if (tok() != t) return false;
    next();
    return true;
  }
  void check(int t) {
    if (tok() != t) lex_.syntax_error(lex_.token_to_str(t) + " expected");
  }
  void check_next(int t) {
    check(t);
    next();
  }
  // 'what' expected to close 'who' opened at line 'line'.
  void check_match(int what, int who, int line) {
    if (test_next(what)) return;
    if (line == lex_.cur.line) {
      lex_.syntax_error(lex_.token_to_str(what) + " expected");
    }
    lex_.syntax_error(lex_.token_to_str(what) + " expected (to close " + lex_.token_to_str(who) +
                      " at line " + std::to_string(line) + ")");
  }
  String* check_name() {
    check(TK_NAME);
    String* s = lex_.cur.s;
    next();
    return s;
  }

  struct LevelGuard {
    explicit LevelGuard(Parser* p) : p_(p) {
      if (++p_->levels_ > kMaxLevels) p_->lex_.syntax_error("chunk has too many syntax levels");
    }
    ~LevelGuard() { p_->levels_--; }
    Parser* p_;
  };

  static bool block_follow(int t, bool with_until) {
    switch (t) {
      case TK_ELSE:
      case TK_ELSEIF:
      case TK_END:
      case TK_EOS: return true;
      case TK_UNTIL: return with_until;
      default: return false;
    }
  }

  // --- names -------------------------------------------------------------------------------

  VarInfo* new_local(String* name) {
    VarInfo* v = arena_.make_var(name);
    return v;
  }

  void activate(VarInfo* v) {
    if (fs_->actives.size() >= kMaxLocals) {
      std::string where = fs_->node->line == 0 ? "main function"
                                              : "function at line " + std::to_string(fs_->node->line);
      lex_.syntax_error("too many local variables (limit is " + std::to_string(kMaxLocals) +
                        ") in " + where);
    }
    fs_->actives.push_back(v);
  }

  // Finds 'name' as seen from function scope fs: a local (returns its VarInfo), an upvalue
  // (index, creating the chain of upvalues through enclosing functions), or a global (-1).
  struct Resolved {
    VarInfo* local = nullptr;
    int upval = -1;
  };

  Resolved resolve(FuncScope* fs, String* name) {
    for (size_t i = fs->actives.size(); i-- > 0;) {
      if (fs->actives[i]->name == name) return Resolved{fs->actives[i], -1};
    }
    auto& ups = fs->node->upvals;
    for (size_t i = 0; i < ups.size(); i++) {
      if (ups[i].name == name) return Resolved{nullptr, static_cast<int>(i)};
    }
    if (fs->prev == nullptr) return Resolved{};
    Resolved r = resolve(fs->prev, name);
    if (r.local == nullptr && r.upval < 0) return r;
    if (ups.size() >= kMaxUpvals) {
      std::string where = fs->node->line == 0 ? "main function"
                                             : "function at line " + std::to_string(fs->node->line);
      lex_.syntax_error("too many upvalues (limit is 255) in " + where);
    }
    if (r.local) {
      r.local->captured = true;
      ups.push_back(UpvalInfo{name, true, r.local, 0, r.local});
    } else {
      VarInfo* origin = fs->prev->node->upvals[r.upval].origin;
      ups.push_back(UpvalInfo{name, false, nullptr, r.upval, origin});
    }
    return Resolved{nullptr, static_cast<int>(ups.size() - 1)};
  }

  Expr* name_expr(String* name, int line) {
    Resolved r = resolve(fs_, name);
    Expr* e;
    if (r.local) {
      e = arena_.make<ExprLocal>(r.local);
    } else if (r.upval >= 0) {
      e = arena_.make<ExprUpval>(r.upval, name);
    } else {
      // A global: _ENV.name.
      Expr* env = name_expr(L_->env_name, line);
      e = arena_.make<ExprIndex>(env, str_const(name, line));
    }
    e->line = line;
    return e;
  }

  Expr* str_const(String* s, int line) {
    auto* e = arena_.make<ExprConst>(ExprKind::Str);
    e->s = s;
    e->line = line;
    return e;
  }

  // --- blocks and statements ---------------------------------------------------------------

  void block(Block* b) {
    size_t nactive = fs_->actives.size();
    statlist(b);
    fs_->actives.resize(nactive);
  }

  void statlist(Block* b) {
    while (!block_follow(tok(), true)) {
      if (tok() == TK_RETURN) {
        b->stmts.push_back(retstat());
        break;
      }
      Stmt* s = statement();
      if (s) b->stmts.push_back(s);
    }
    b->end_line = lex_.cur.line;
    // A label followed only by void statements stands at the end of its block: the
    // block's locals are out of scope there (so a goto may jump to it over them).
    for (size_t i = b->stmts.size(); i-- > 0;) {
      Stmt* s = b->stmts[i];
      if (s->kind == StmtKind::Label) static_cast<StmtLabel*>(s)->at_block_end = true;
      else if (s->kind != StmtKind::Empty) break;
    }
  }

  Stmt* statement() {
    LevelGuard guard(this);
    int line = lex_.cur.line;
    Stmt* s = nullptr;
    switch (tok()) {
      case ';':
        next();
        s = arena_.make<Stmt>(StmtKind::Empty);
        break;
      case TK_IF: s = ifstat(line); break;
      case TK_WHILE: {
        next();
        auto* w = arena_.make<StmtWhile>();
        w->cond = expr();
        check_next(TK_DO);
        block(&w->body);
        check_match(TK_END, TK_WHILE, line);
        s = w;
        break;
      }
      case TK_DO: {
        next();
        auto* d = arena_.make<StmtDo>();
        block(&d->body);
        check_match(TK_END, TK_DO, line);
        s = d;
        break;
      }
      case TK_FOR: s = forstat(line); break;
      case TK_REPEAT: {
        next();
        auto* r = arena_.make<StmtRepeat>();
        size_t nactive = fs_->actives.size();
        statlist(&r->body);
        check_match(TK_UNTIL, TK_REPEAT, line);
        r->cond = expr();  // sees the body's locals
        fs_->actives.resize(nactive);
        s = r;
        break;
      }
      case TK_FUNCTION: s = funcstat(line); break;
      case TK_LOCAL:
        next();
        if (test_next(TK_FUNCTION)) s = localfunc(line);
        else s = localstat(line);
        break;
      case TK_DBCOLON: {
        next();
        auto* lb = arena_.make<StmtLabel>();
        lb->name = check_name();
        check_next(TK_DBCOLON);
        lb->next_line = lex_.cur.line;
        s = lb;
        break;
      }
      case TK_RETURN: s = retstat(); break;
      case TK_BREAK: {
        next();
        auto* g = arena_.make<StmtGoto>(StmtKind::Break);
        g->label = nullptr;
        s = g;
        break;
      }
      case TK_GOTO: {
        next();
        auto* g = arena_.make<StmtGoto>(StmtKind::Goto);
        g->label = check_name();
        s = g;
        break;
      }
      default: s = exprstat(); break;
    }
    s->line = line;
    return s;
  }

  Stmt* ifstat(int line) {
    auto* s = arena_.make<StmtIf>();
    // IF cond THEN block {ELSEIF cond THEN block} [ELSE block] END
    do {
      next();  // IF or ELSEIF
      s->conds.push_back(expr());
      check_next(TK_THEN);
      s->blocks.emplace_back();
      block(&s->blocks.back());
    } while (tok() == TK_ELSEIF);
    if (test_next(TK_ELSE)) {
      s->has_else = true;
      block(&s->else_block);
    }
    check_match(TK_END, TK_IF, line);
    return s;
  }

  Stmt* forstat(int line) {
    next();  // FOR
    String* n1 = check_name();
    size_t nactive = fs_->actives.size();
    Stmt* result;
    if (tok() == '=') {
      next();
      auto* f = arena_.make<StmtNumFor>();
      f->start = expr();
      check_next(',');
      f->limit = expr();
      if (test_next(',')) f->step = expr();
      check_next(TK_DO);
      f->var = new_local(n1);
      activate(f->var);
      block(&f->body);
      result = f;
    } else if (tok() == ',' || tok() == TK_IN) {
      auto* f = arena_.make<StmtGenFor>();
      f->vars.push_back(new_local(n1));
      while (test_next(',')) f->vars.push_back(new_local(check_name()));
      check_next(TK_IN);
      explist(&f->exprs);
      check_next(TK_DO);
      for (VarInfo* v : f->vars) activate(v);
      block(&f->body);
      result = f;
    } else {
      lex_.syntax_error("'=' or 'in' expected");
    }
    fs_->actives.resize(nactive);
    check_match(TK_END, TK_FOR, line);
    return result;
  }

  Stmt* funcstat(int line) {
    next();  // FUNCTION
    // funcname: NAME {'.' NAME} [':' NAME]
    int nline = lex_.cur.line;
    Expr* target = name_expr(check_name(), nline);
    bool is_method = false;
    while (tok() == '.' || tok() == ':') {
      bool colon = tok() == ':';
      next();
      int kline = lex_.cur.line;
      Expr* key = str_const(check_name(), kline);
      target = arena_.make<ExprIndex>(target, key);
      target->line = kline;
      if (colon) {
        is_method = true;
        break;
      }
    }
    FuncNode* f = body(is_method, line);
    check_assignable(target);
    auto* s = arena_.make<StmtAssign>();
    s->targets.push_back(target);
    s->exprs.push_back(f);
    return s;
  }

  Stmt* localfunc(int line) {
    auto* s = arena_.make<StmtLocalFunction>();
    s->var = new_local(check_name());
    activate(s->var);  // visible inside its own body, for recursion
    s->func = body(false, line);
    return s;
  }

  Stmt* localstat(int line) {
    auto* s = arena_.make<StmtLocal>();
    do {
      VarInfo* v = new_local(check_name());
      if (test_next('<')) {
        String* attr = check_name();
        check_next('>');
        std::string_view a = str_view(attr);
        if (a == "const") {
          v->kind = VarKind::Const;
        } else if (a == "close") {
          lex_.semantic_error("to-be-closed variables are not supported", line);
        } else {
          lex_.semantic_error("unknown attribute '" + std::string(a) + "'", lex_.cur.line);
        }
      }
      s->vars.push_back(v);
    } while (test_next(','));
    if (test_next('=')) explist(&s->exprs);
    for (VarInfo* v : s->vars) activate(v);
    return s;
  }

  Stmt* retstat() {
    next();  // RETURN
    auto* s = arena_.make<StmtReturn>();
    s->line = lex_.lastline;
    if (!block_follow(tok(), true) && tok() != ';') explist(&s->exprs);
    test_next(';');  // whatever follows must close the block: its closing check reports it
    return s;
  }

  void check_assignable(Expr* e) {
    if (e->kind == ExprKind::Local) {
      VarInfo* v = static_cast<ExprLocal*>(e)->var;
      if (v->kind != VarKind::Regular)
        lex_.semantic_error("attempt to assign to const variable '" + std::string(str_view(v->name)) + "'",
                            lex_.cur.line);
      v->assigned = true;
    } else if (e->kind == ExprKind::Upval) {
      // Const locals captured by closures are read-only there too.
      const int index = static_cast<ExprUpval*>(e)->index;
      if (upval_is_const(fs_, index))
        lex_.semantic_error("attempt to assign to const variable '" +
                                std::string(str_view(static_cast<ExprUpval*>(e)->name)) + "'",
                            lex_.cur.line);
      if (VarInfo* origin = fs_->node->upvals[index].origin) origin->assigned = true;
    } else if (e->kind != ExprKind::Index) {
      lex_.syntax_error("syntax error");
    }
  }

  bool upval_is_const(FuncScope* fs, int idx) {
    while (fs) {
      const UpvalInfo& u = fs->node->upvals[idx];
      if (u.in_stack) return u.var->kind != VarKind::Regular;
      idx = u.parent_index;
      fs = fs->prev;
    }
    return false;
  }

  Stmt* exprstat() {
    Expr* e = suffixedexp();
    if (tok() == '=' || tok() == ',') {
      auto* s = arena_.make<StmtAssign>();
      check_assignable(e);
      s->targets.push_back(e);
      while (test_next(',')) {
        Expr* t = suffixedexp();
        check_assignable(t);
        s->targets.push_back(t);
      }
      check_next('=');
      explist(&s->exprs);
      return s;
    }
    if (e->kind != ExprKind::Call && e->kind != ExprKind::Method) lex_.syntax_error("syntax error");
    auto* s = arena_.make<StmtCall>();
    s->call = static_cast<ExprCall*>(e);
    return s;
  }

  // --- functions ---------------------------------------------------------------------------

  FuncNode* body(bool is_method, int line) {
    FuncNode* f = arena_.make<FuncNode>();
    f->line = line;
    f->is_method = is_method;
    FuncScope fs;
    fs.prev = fs_;
    fs.node = f;
    fs_ = &fs;
    if (is_method) {
      VarInfo* self = new_local(str_new(L_, "self"));
      f->params.push_back(self);
      activate(self);
    }
    check_next('(');
    if (tok() != ')') {
      do {
        if (tok() == TK_NAME) {
          VarInfo* v = new_local(check_name());
          f->params.push_back(v);
          activate(v);
        } else if (tok() == TK_DOTS) {
          next();
          f->is_vararg = true;
          break;
        } else {
          lex_.syntax_error("<name> or '...' expected");
        }
      } while (test_next(','));
    }
    check_next(')');
    block(&f->body);
    f->last_line = lex_.cur.line;
    check_match(TK_END, TK_FUNCTION, line);
    fs_ = fs.prev;
    return f;
  }

  // --- expressions -------------------------------------------------------------------------

  void explist(std::vector<Expr*>* out) {
    out->push_back(expr());
    while (test_next(',')) out->push_back(expr());
  }

  Expr* primaryexp() {
    int line = lex_.cur.line;
    switch (tok()) {
      case TK_NAME: return name_expr(check_name(), line);
      case '(': {
        next();
        Expr* e = expr();
        check_match(')', '(', line);
        // Parentheses truncate calls and varargs to one value; elsewhere they change nothing.
        if (e->kind == ExprKind::Call || e->kind == ExprKind::Method || e->kind == ExprKind::Vararg) {
          e = arena_.make<ExprParen>(e);
          e->line = line;
        }
        return e;
      }
      default: lex_.syntax_error("unexpected symbol");
    }
  }

  Expr* suffixedexp() {
    LevelGuard guard(this);
    Expr* e = primaryexp();
    for (;;) {
      int line = lex_.cur.line;
      switch (tok()) {
        case '.': {
          next();
          Expr* key = str_const(check_name(), line);
          e = arena_.make<ExprIndex>(e, key);
          e->line = line;
          break;
        }
        case '[': {
          next();
          Expr* key = expr();
          check_next(']');
          e = arena_.make<ExprIndex>(e, key);
          e->line = line;
          break;
        }
        case ':': {
          next();
          auto* c = arena_.make<ExprCall>(ExprKind::Method);
          c->fn = e;
          c->method = check_name();
          funcargs(c, line);
          e = c;
          break;
        }
        case '(':
        case TK_STRING:
        case '{': {
          auto* c = arena_.make<ExprCall>(ExprKind::Call);
          c->fn = e;
          funcargs(c, line);
          e = c;
          break;
        }
        default: return e;
      }
    }
  }

  void funcargs(ExprCall* c, int line) {
    c->line = line;
    switch (tok()) {
      case '(': {
        next();
        if (tok() != ')') explist(&c->args);
        check_match(')', '(', line);
        break;
      }
      case '{': c->args.push_back(constructor()); break;
      case TK_STRING:
        c->args.push_back(str_const(lex_.cur.s, lex_.cur.line));
        next();
        break;
      default: lex_.syntax_error("function arguments expected");
    }
  }

  Expr* constructor() {
    int line = lex_.cur.line;
    auto* t = arena_.make<ExprTable>();
    t->line = line;
    check_next('{');
    while (tok() != '}') {
      if (tok() == TK_NAME && lex_.lookahead() == '=') {
        int kline = lex_.cur.line;
        Expr* key = str_const(check_name(), kline);
        next();  // '='
        t->items.push_back(TableItem{TableItem::Named, key, expr()});
      } else if (tok() == '[') {
        next();
        Expr* key = expr();
        check_next(']');
        check_next('=');
        t->items.push_back(TableItem{TableItem::Keyed, key, expr()});
      } else {
        t->items.push_back(TableItem{TableItem::Positional, nullptr, expr()});
      }
      if (!test_next(',') && !test_next(';')) break;
    }
    check_match('}', '{', line);
    return t;
  }

  Expr* simpleexp() {
    int line = lex_.cur.line;
    ExprConst* c;
    switch (tok()) {
      case TK_FLT:
        c = arena_.make<ExprConst>(ExprKind::Float);
        c->n = lex_.cur.n;
        break;
      case TK_INT:
        c = arena_.make<ExprConst>(ExprKind::Int);
        c->i = lex_.cur.i;
        break;
      case TK_STRING:
        c = arena_.make<ExprConst>(ExprKind::Str);
        c->s = lex_.cur.s;
        break;
      case TK_NIL: c = arena_.make<ExprConst>(ExprKind::Nil); break;
      case TK_TRUE: c = arena_.make<ExprConst>(ExprKind::True); break;
      case TK_FALSE: c = arena_.make<ExprConst>(ExprKind::False); break;
      case TK_DOTS:
        if (!fs_->node->is_vararg) lex_.syntax_error("cannot use '...' outside a vararg function");
        c = arena_.make<ExprConst>(ExprKind::Vararg);
        break;
      case '{': return constructor();
      case TK_FUNCTION:
        next();
        return body(false, line);
      default: return suffixedexp();
    }
    c->line = line;
    next();
    return c;
  }

  static bool unary_op(int t, UnOp* op) {
    switch (t) {
      case TK_NOT: *op = UnOp::Not; return true;
      case '-': *op = UnOp::Neg; return true;
      case '#': *op = UnOp::Len; return true;
      case '~': *op = UnOp::BNot; return true;
      default: return false;
    }
  }

  // Binary operators with their left and right priorities (right < left: right associative).
  static bool binary_op(int t, BinOp* op, ExprKind* kind, Priority* pr) {
    *kind = ExprKind::Binop;
    switch (t) {
      case '+': *op = BinOp::Add; *pr = {10, 10}; return true;
      case '-': *op = BinOp::Sub; *pr = {10, 10}; return true;
      case '*': *op = BinOp::Mul; *pr = {11, 11}; return true;
      case '%': *op = BinOp::Mod; *pr = {11, 11}; return true;
      case '^': *op = BinOp::Pow; *pr = {14, 13}; return true;
      case '/': *op = BinOp::Div; *pr = {11, 11}; return true;
      case TK_IDIV: *op = BinOp::IDiv; *pr = {11, 11}; return true;
      case '&': *op = BinOp::BAnd; *pr = {6, 6}; return true;
      case '|': *op = BinOp::BOr; *pr = {4, 4}; return true;
      case '~': *op = BinOp::BXor; *pr = {5, 5}; return true;
      case TK_SHL: *op = BinOp::Shl; *pr = {7, 7}; return true;
      case TK_SHR: *op = BinOp::Shr; *pr = {7, 7}; return true;
      case TK_CONCAT: *op = BinOp::Concat; *pr = {9, 8}; return true;
      case TK_EQ: *op = BinOp::Eq; *pr = {3, 3}; return true;
      case TK_NE: *op = BinOp::Ne; *pr = {3, 3}; return true;
      case '<': *op = BinOp::Lt; *pr = {3, 3}; return true;
      case TK_LE: *op = BinOp::Le; *pr = {3, 3}; return true;
      case '>': *op = BinOp::Gt; *pr = {3, 3}; return true;
      case TK_GE: *op = BinOp::Ge; *pr = {3, 3}; return true;
      case TK_AND: *op = BinOp::Eq; *kind = ExprKind::And; *pr = {2, 2}; return true;
      case TK_OR: *op = BinOp::Eq; *kind = ExprKind::Or; *pr = {1, 1}; return true;
      default: return false;
    }
  }

  static constexpr int kUnaryPriority = 12;

  Expr* expr() { return subexpr(0); }

  Expr* subexpr(int limit) {
    LevelGuard guard(this);
    Expr* e;
    UnOp uop;
    if (unary_op(tok(), &uop)) {
      int line = lex_.cur.line;
      next();
      Expr* operand = subexpr(kUnaryPriority);
      e = fold_unary(uop, operand, line);
    } else {
      e = simpleexp();
    }
    BinOp op;
    ExprKind kind;
    Priority pr;
    while (binary_op(tok(), &op, &kind, &pr) && pr.left > limit) {
      int line = lex_.cur.line;
      next();
      Expr* rhs = subexpr(pr.right);
      e = fold_binary(kind, op, e, rhs, line);
    }
    return e;
  }

  // --- constant folding --------------------------------------------------------------------
  // Only numeric operations whose result cannot depend on run-time state, and never those
  // that raise errors (integer division by zero, bitwise on non-integral floats): those keep
  // their run-time error messages.

  static bool as_number(Expr* e, Value* v) {
    if (e->kind == ExprKind::Int) {
      set_int(v, static_cast<ExprConst*>(e)->i);
      return true;
    }
    if (e->kind == ExprKind::Float) {
      set_float(v, static_cast<ExprConst*>(e)->n);
      return true;
    }
    return false;
  }

  Expr* make_number(const Value& v, int line) {
    ExprConst* c;
    if (v.is_int()) {
      c = arena_.make<ExprConst>(ExprKind::Int);
      c->i = v.i;
    } else {
      c = arena_.make<ExprConst>(ExprKind::Float);
      c->n = v.n;
    }
    c->line = line;
    return c;
  }

  Expr* fold_unary(UnOp op, Expr* operand, int line) {
    Value v;
    if (op == UnOp::Neg && as_number(operand, &v)) {
      if (v.is_int()) set_int(&v, static_cast<int64_t>(0ull - static_cast<uint64_t>(v.i)));
      else set_float(&v, -v.n);
      return make_number(v, line);
    }
    if (op == UnOp::BNot && as_number(operand, &v)) {
      int64_t i;
      if (number_to_integer(v, &i)) return make_number(Value::integer(~i), line);
    }
    Expr* e = arena_.make<ExprUnop>(op, operand);
    e->line = line;
    return e;
  }

  Expr* fold_binary(ExprKind kind, BinOp op, Expr* lhs, Expr* rhs, int line) {
    Value a, b, r;
    if (kind == ExprKind::Binop && op <= BinOp::Shr && as_number(lhs, &a) && as_number(rhs, &b) &&
        fold_arith(static_cast<int>(op), a, b, &r)) {
      return make_number(r, line);
    }
    Expr* e = arena_.make<ExprBinop>(kind, op, lhs, rhs);
    e->line = line;
    return e;
  }

  State* L_;
  Lexer& lex_;
  Arena& arena_;
  FuncScope* fs_ = nullptr;
  int levels_ = 0;
};

}  // namespace

FuncNode* parse_chunk(State* L, Lexer& lex, Arena& arena) {
  Parser p(L, lex, arena);
  return p.chunk();
}

}  // namespace cpjit::lua
