#include "lexer.h"

#include <cstring>

#include "str.h"

namespace cpjit::lua {

namespace {

const char* const kTokenNames[] = {
#define CPJIT_LUA_TK_NAME(name, text) text,
    CPJIT_LUA_RESERVED(CPJIT_LUA_TK_NAME)
#undef CPJIT_LUA_TK_NAME
    "//", "..", "...", "==", ">=", "<=", "~=", "<<", ">>", "::", "<eof>",
    "<number>", "<integer>", "<name>", "<string>",
};
static_assert(sizeof(kTokenNames) / sizeof(kTokenNames[0]) == TK_STRING - TK_FIRST_RESERVED + 1,
              "token names out of sync with TokenType");

inline bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
inline bool is_digit(int c) { return c >= '0' && c <= '9'; }
inline bool is_alnum(int c) { return is_alpha(c) || is_digit(c); }
inline bool is_xdigit(int c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline bool is_space(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
inline bool is_newline(int c) { return c == '\n' || c == '\r'; }
inline int hex_digit(int c) { return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10; }

}  // namespace

std::string chunk_id(const String* source) {
  // Room for the text inside a 60-byte identifier, as lua5.4 lays it out.
  constexpr size_t kIdSize = 60;
  const char* s = source->data;
  size_t len = source->len;
  if (len > 0 && s[0] == '=') {
    return std::string(s + 1, len <= kIdSize ? len - 1 : kIdSize - 1);
  }
  if (len > 0 && s[0] == '@') {
    if (len <= kIdSize) return std::string(s + 1, len - 1);
    size_t keep = kIdSize - 4;  // "..." and the terminator take the rest
    return "..." + std::string(s + len - keep, keep);
  }
  constexpr size_t kAvail = kIdSize - 9 /* [string " */ - 3 /* ... */ - 2 /* "] */ - 1;
  const char* nl = static_cast<const char*>(std::memchr(s, '\n', len));
  std::string out = "[string \"";
  if (len < kAvail && nl == nullptr) {
    out.append(s, len);
  } else {
    size_t n = nl ? static_cast<size_t>(nl - s) : len;
    if (n > kAvail) n = kAvail;
    out.append(s, n);
    out += "...";
  }
  out += "\"]";
  return out;
}

Lexer::Lexer(State* L, const char* src, size_t len, String* chunkname)
    : L_(L), src_(src), len_(len), chunkname_(chunkname) {
  // A first line starting with '#' is a Unix "#!" line.
  if (len_ > 0 && src_[0] == '#') {
    while (pos_ < len_ && !is_newline(current())) pos_++;
  }
}

std::string Lexer::token_to_str(int token) const {
  if (token < TK_FIRST_RESERVED) {
    if (token >= 32 && token < 127) return std::string("'") + static_cast<char>(token) + "'";
    return format("'<\\%d>'", token);
  }
  const char* s = kTokenNames[token - TK_FIRST_RESERVED];
  if (token < TK_EOS) return std::string("'") + s + "'";
  return s;
}

std::string Lexer::near_text(int token_type) const {
  const Token* t = scanning_ ? scanning_ : &cur;
  switch (token_type) {
    case TK_NAME:
    case TK_STRING:
    case TK_FLT:
    case TK_INT: {
      size_t end = scanning_ ? (pos_ < len_ ? pos_ : len_) : t->end;
      return "'" + std::string(src_ + t->start, end - t->start) + "'";
    }
    default: return token_to_str(token_type);
  }
}

void Lexer::error(const std::string& msg, int token_type) {
  std::string m = chunk_id(chunkname_) + ":" + std::to_string(scanning_ ? line_ : cur.line) + ": " + msg;
  if (token_type) m += " near " + near_text(token_type);
  L_->errval = Value::string(str_new(L_, m));
  throw LuaError{kErrSyntax};
}

void Lexer::semantic_error(const std::string& msg, int line) {
  std::string m = chunk_id(chunkname_) + ":" + std::to_string(line) + ": " + msg;
  L_->errval = Value::string(str_new(L_, m));
  throw LuaError{kErrSyntax};
}

void Lexer::inc_line() {
  int old = current();
  pos_++;
  if (is_newline(current()) && current() != old) pos_++;  // \n\r or \r\n
  if (++line_ >= 0x7fffffff) error("chunk has too many lines", 0);
}

void Lexer::next() {
  lastline = cur.line;
  if (has_ahead_) {
    cur = ahead_;
    has_ahead_ = false;
  } else {
    scan(&cur);
  }
}

int Lexer::lookahead() {
  if (!has_ahead_) {
    scan(&ahead_);
    has_ahead_ = true;
  }
  return ahead_.type;
}

// Skips '[' or ']' followed by '='s; returns the count + 2 when the bracket is complete
// ("[==["), 1 for a lone bracket, 0 for an unfinished one ("[=").
size_t Lexer::skip_sep() {
  int s = current();
  size_t count = 0;
  pos_++;
  while (current() == '=') {
    pos_++;
    count++;
  }
  if (current() == s) return count + 2;
  return count == 0 ? 1 : 0;
}

void Lexer::read_long_string(Token* t, size_t sep, bool is_comment) {
  int start_line = line_;
  pos_++;  // second bracket
  if (is_newline(current())) inc_line();
  buf_.clear();
  for (;;) {
    int c = current();
    if (c < 0) {
      std::string what = is_comment ? "comment" : "string";
      error("unfinished long " + what + " (starting at line " + std::to_string(start_line) + ")",
            TK_EOS);
    }
    if (c == ']') {
      size_t save = pos_;
      if (skip_sep() == sep) {
        pos_++;  // second bracket
        break;
      }
      if (!is_comment) buf_.append(src_ + save, pos_ - save);
      continue;
    }
    if (is_newline(c)) {
      if (!is_comment) buf_ += '\n';
      inc_line();
      continue;
    }
    if (!is_comment) buf_ += static_cast<char>(c);
    pos_++;
  }
  if (!is_comment) t->s = str_new(L_, buf_);
}

void Lexer::escape_error(const char* msg) {
  // The message shows the escape read so far plus the offending character.
  if (current() >= 0) pos_++;
  error(msg, TK_STRING);
}

void Lexer::read_string(int delim, Token* t) {
  pos_++;
  buf_.clear();
  for (;;) {
    int c = current();
    if (c == delim) break;
    if (c < 0) error("unfinished string", TK_EOS);
    if (is_newline(c)) error("unfinished string", TK_STRING);
    if (c != '\\') {
      buf_ += static_cast<char>(c);
      pos_++;
      continue;
    }
    pos_++;  // backslash
    c = current();
    switch (c) {
      case 'a': buf_ += '\a'; pos_++; break;
      case 'b': buf_ += '\b'; pos_++; break;
      case 'f': buf_ += '\f'; pos_++; break;
      case 'n': buf_ += '\n'; pos_++; break;
      case 'r': buf_ += '\r'; pos_++; break;
      case 't': buf_ += '\t'; pos_++; break;
      case 'v': buf_ += '\v'; pos_++; break;
      case '\\': buf_ += '\\'; pos_++; break;
      case '"': buf_ += '"'; pos_++; break;
      case '\'': buf_ += '\''; pos_++; break;
      case '\n':
      case '\r':
        inc_line();
        buf_ += '\n';
        break;
      case 'x': {
        pos_++;
        int v = 0;
        for (int k = 0; k < 2; k++) {
          if (!is_xdigit(current())) escape_error("hexadecimal digit expected");
          v = v * 16 + hex_digit(current());
          pos_++;
        }
        buf_ += static_cast<char>(v);
        break;
      }
      case 'z': {
        pos_++;
        while (current() >= 0 && is_space(current())) {
          if (is_newline(current())) inc_line();
          else pos_++;
        }
        break;
      }
      case 'u': {
        pos_++;
        if (current() != '{') escape_error("missing '{'");
        pos_++;
        if (!is_xdigit(current())) escape_error("hexadecimal digit expected");
        uint64_t v = 0;
        while (is_xdigit(current())) {
          v = v * 16 + static_cast<uint64_t>(hex_digit(current()));
          if (v > 0x7FFFFFFFu) escape_error("UTF-8 value too large");
          pos_++;
        }
        if (current() != '}') escape_error("missing '}'");
        pos_++;
        // Extended UTF-8 (up to 6 bytes, 31 bits), as the manual allows.
        char tmp[8];
        int n = 0;
        if (v < 0x80) {
          tmp[n++] = static_cast<char>(v);
        } else {
          unsigned limit = 0x3f;  // largest value that fits in the first byte
          char rev[8];
          int m = 0;
          while (v > limit) {
            rev[m++] = static_cast<char>(0x80 | (v & 0x3f));
            v >>= 6;
            limit >>= 1;
          }
          tmp[n++] = static_cast<char>((~limit << 1) | v);
          while (m > 0) tmp[n++] = rev[--m];
        }
        buf_.append(tmp, static_cast<size_t>(n));
        break;
      }
      default: {
        if (c < 0) error("unfinished string", TK_EOS);
        if (!is_digit(c)) escape_error("invalid escape sequence");
        int v = 0;
        for (int k = 0; k < 3 && is_digit(current()); k++) {
          v = v * 10 + (current() - '0');
          pos_++;
        }
        if (v > 255) escape_error("decimal escape too large");
        buf_ += static_cast<char>(v);
        break;
      }
    }
  }
  pos_++;  // closing delimiter
  t->s = str_new(L_, buf_);
}

void Lexer::read_numeral(Token* t) {
  const char* exp = "Ee";
  if (current() == '0' && (peek_char(1) == 'x' || peek_char(1) == 'X')) {
    pos_ += 2;
    exp = "Pp";
  }
  for (;;) {
    int c = current();
    if (c >= 0 && (c == exp[0] || c == exp[1])) {
      pos_++;
      if (current() == '+' || current() == '-') pos_++;
    } else if (is_xdigit(c) || c == '.') {
      pos_++;
    } else {
      break;
    }
  }
  if (is_alpha(current())) pos_++;  // a numeral touching a name is malformed
  Value v;
  if (!str_to_number(src_ + t->start, pos_ - t->start, &v)) error("malformed number", TK_FLT);
  if (v.is_int()) {
    t->type = TK_INT;
    t->i = v.i;
  } else {
    t->type = TK_FLT;
    t->n = v.n;
  }
}

void Lexer::scan(Token* t) {
  scanning_ = t;
  for (;;) {
    t->start = pos_;
    t->line = line_;
    int c = current();
    switch (c) {
      case -1: t->type = TK_EOS; goto done;
      case '\n':
      case '\r': inc_line(); continue;
      case ' ':
      case '\t':
      case '\f':
      case '\v': pos_++; continue;
      case '-': {
        pos_++;
        if (current() != '-') { t->type = '-'; goto done; }
        pos_++;
        if (current() == '[') {
          size_t sep = skip_sep();
          if (sep >= 2) {
            read_long_string(t, sep, true);
            continue;
          }
        }
        while (current() >= 0 && !is_newline(current())) pos_++;
        continue;
      }
      case '[': {
        size_t sep = skip_sep();
        if (sep >= 2) {
          read_long_string(t, sep, false);
          t->type = TK_STRING;
          goto done;
        }
        if (sep == 0) {
          t->type = TK_STRING;  // so that the message quotes "[="
          error("invalid long string delimiter", TK_STRING);
        }
        t->type = '[';
        goto done;
      }
      case '=':
        pos_++;
        if (current() == '=') { pos_++; t->type = TK_EQ; } else t->type = '=';
        goto done;
      case '<':
        pos_++;
        if (current() == '=') { pos_++; t->type = TK_LE; }
        else if (current() == '<') { pos_++; t->type = TK_SHL; }
        else t->type = '<';
        goto done;
      case '>':
        pos_++;
        if (current() == '=') { pos_++; t->type = TK_GE; }
        else if (current() == '>') { pos_++; t->type = TK_SHR; }
        else t->type = '>';
        goto done;
      case '/':
        pos_++;
        if (current() == '/') { pos_++; t->type = TK_IDIV; } else t->type = '/';
        goto done;
      case '~':
        pos_++;
        if (current() == '=') { pos_++; t->type = TK_NE; } else t->type = '~';
        goto done;
      case ':':
        pos_++;
        if (current() == ':') { pos_++; t->type = TK_DBCOLON; } else t->type = ':';
        goto done;
      case '"':
      case '\'':
        t->type = TK_STRING;
        read_string(c, t);
        goto done;
      case '.':
        if (peek_char(1) == '.') {
          if (peek_char(2) == '.') { pos_ += 3; t->type = TK_DOTS; goto done; }
          pos_ += 2;
          t->type = TK_CONCAT;
          goto done;
        }
        if (!is_digit(peek_char(1))) { pos_++; t->type = '.'; goto done; }
        read_numeral(t);
        goto done;
      default:
        if (is_digit(c)) {
          read_numeral(t);
          goto done;
        }
        if (is_alpha(c)) {
          while (is_alnum(current())) pos_++;
          String* s = str_new(L_, src_ + t->start, pos_ - t->start);
          t->s = s;
          t->type = s->keyword ? TK_FIRST_RESERVED + s->keyword - 1 : TK_NAME;
          goto done;
        }
        pos_++;
        t->type = c;
        goto done;
    }
  }
done:
  t->end = pos_;
  scanning_ = nullptr;
}

}  // namespace cpjit::lua
