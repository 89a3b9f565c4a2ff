// The lexer: turns source text into tokens, reporting errors the way lua5.4 words them
// ("file.lua:3: unfinished string near '"abc'").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "object.h"
#include "state.h"

namespace cpjit::lua {

// Single-character tokens are their character code; the rest start above 255.
#define CPJIT_LUA_RESERVED(X) \
  X(AND, "and") X(BREAK, "break") X(DO, "do") X(ELSE, "else") X(ELSEIF, "elseif")     \
  X(END, "end") X(FALSE, "false") X(FOR, "for") X(FUNCTION, "function") X(GOTO, "goto") \
  X(IF, "if") X(IN, "in") X(LOCAL, "local") X(NIL, "nil") X(NOT, "not") X(OR, "or")   \
  X(REPEAT, "repeat") X(RETURN, "return") X(THEN, "then") X(TRUE, "true")             \
  X(UNTIL, "until") X(WHILE, "while")

enum TokenType : int {
  TK_FIRST_RESERVED = 257,
#define CPJIT_LUA_TK_ENUM(name, text) TK_##name,
  TK_BEFORE_FIRST = TK_FIRST_RESERVED - 1,
  CPJIT_LUA_RESERVED(CPJIT_LUA_TK_ENUM)
#undef CPJIT_LUA_TK_ENUM
  TK_IDIV,    // //
  TK_CONCAT,  // ..
  TK_DOTS,    // ...
  TK_EQ,      // ==
  TK_GE,      // >=
  TK_LE,      // <=
  TK_NE,      // ~=
  TK_SHL,     // <<
  TK_SHR,     // >>
  TK_DBCOLON, // ::
  TK_EOS,
  TK_FLT,
  TK_INT,
  TK_NAME,
  TK_STRING,
};

constexpr int kNumReserved = TK_WHILE - TK_FIRST_RESERVED + 1;

struct Token {
  int type = TK_EOS;
  int line = 1;
  size_t start = 0;  // raw text of the token in the source, for "near '...'"
  size_t end = 0;
  int64_t i = 0;
  double n = 0;
  String* s = nullptr;  // names and strings
};

class Lexer {
 public:
  Lexer(State* L, const char* src, size_t len, String* chunkname);

  void next();
  int lookahead();

  Token cur;
  int lastline = 1;  // line of the last token consumed

  [[noreturn]] void error(const std::string& msg, int token_type);
  [[noreturn]] void syntax_error(const std::string& msg) { error(msg, cur.type); }
  // Error at a given line without the "near" part (semantic errors: goto, const).
  [[noreturn]] void semantic_error(const std::string& msg, int line);

  std::string token_to_str(int token) const;
  State* state() const { return L_; }
  String* chunkname() const { return chunkname_; }

 private:
  void scan(Token* t);
  void read_numeral(Token* t);
  void read_string(int delim, Token* t);
  void read_long_string(Token* t, size_t sep, bool is_comment);
  size_t skip_sep();
  void inc_line();
  void escape_error(const char* msg);
  int current() const { return pos_ < len_ ? static_cast<unsigned char>(src_[pos_]) : -1; }
  int peek_char(size_t k) const {
    return pos_ + k < len_ ? static_cast<unsigned char>(src_[pos_ + k]) : -1;
  }
  std::string near_text(int token_type) const;

  State* L_;
  const char* src_;
  size_t len_;
  size_t pos_ = 0;
  int line_ = 1;
  String* chunkname_;
  Token ahead_;
  bool has_ahead_ = false;
  Token* scanning_ = nullptr;  // token being scanned (for error text)
  std::string buf_;
};

// "file.lua" / "[string \"code...\"]" / "=name" forms for messages, from a chunk name.
std::string chunk_id(const String* source);

}  // namespace cpjit::lua
