// The string library, including Lua patterns (Reference Manual 5.4, section 6.4.1) and the
// arithmetic metamethods that make "10" + 1 work.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "gc.h"
#include "func.h"
#include "lib.h"

namespace cpjit::lua {

namespace {

int str_len(State* L) { return push_int(L, static_cast<int64_t>(check_string(L, 1)->len)); }

int str_sub(State* L) {
  String* s = check_string(L, 1);
  size_t l = s->len;
  size_t i = pos_start(check_integer(L, 2), l);
  size_t j = pos_end(opt_integer(L, 3, -1), l);
  if (i > j) return push_str(L, "");
  return push_str(L, std::string_view(s->data + i - 1, j - i + 1));
}

int str_upper(State* L) {
  String* s = check_string(L, 1);
  std::string r(s->data, s->len);
  for (char& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return push_str(L, r);
}

int str_lower(State* L) {
  String* s = check_string(L, 1);
  std::string r(s->data, s->len);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return push_str(L, r);
}

int str_rep(State* L) {
  String* s = check_string(L, 1);
  int64_t n = check_integer(L, 2);
  String* sep = opt_string(L, 3, nullptr);
  if (n <= 0) return push_str(L, "");
  size_t l = s->len, lsep = sep ? sep->len : 0;
  constexpr size_t kMax = INT32_MAX;  // the limit lua5.4 puts on string.rep results
  if (l + lsep == 0) return push_str(L, "");
  if (l + lsep > kMax / static_cast<uint64_t>(n)) lib_error(L, "resulting string too large");
  size_t total = static_cast<size_t>(n) * l + static_cast<size_t>(n - 1) * lsep;
  String* r = total <= kMaxShortLen ? nullptr : str_new_uninit(L, total);
  std::string small;
  char* p = r ? r->data : nullptr;
  if (!r) {
    small.resize(total);
    p = small.data();
  }
  for (int64_t k = 0; k < n; k++) {
    std::memcpy(p, s->data, l);
    p += l;
    if (sep && k + 1 < n) {
      std::memcpy(p, sep->data, lsep);
      p += lsep;
    }
  }
  if (r) return push_value(L, Value::string(r));
  return push_str(L, small);
}

int str_reverse(State* L) {
  String* s = check_string(L, 1);
  std::string r(s->data, s->len);
  std::reverse(r.begin(), r.end());
  return push_str(L, r);
}

int str_byte(State* L) {
  String* s = check_string(L, 1);
  int64_t pi = opt_integer(L, 2, 1);
  size_t i = pos_start(pi, s->len);
  size_t j = pos_end(opt_integer(L, 3, pi), s->len);  // the end defaults to the start as given
  if (i > j) return 0;
  if (j - i >= static_cast<size_t>(INT32_MAX)) lib_error(L, "string slice too long");
  int n = static_cast<int>(j - i) + 1;
  check_stack(L, n);
  for (int k = 0; k < n; k++) push_int(L, static_cast<unsigned char>(s->data[i + k - 1]));
  return n;
}

int str_char(State* L) {
  int n = nargs(L);
  std::string r;
  r.reserve(static_cast<size_t>(n));
  for (int i = 1; i <= n; i++) {
    int64_t c = check_integer(L, i);
    if (static_cast<uint64_t>(c) > 255) arg_error(L, i, "value out of range");
    r += static_cast<char>(c);
  }
  return push_str(L, r);
}

// --- patterns ------------------------------------------------------------------------------

constexpr int kMaxCaptures = 32;
constexpr int kMaxMatchDepth = 200;
constexpr ptrdiff_t kCapUnfinished = -1;
constexpr ptrdiff_t kCapPosition = -2;
constexpr char kEsc = '%';

struct MatchState {
  State* L;
  const char* src_init;
  const char* src_end;
  const char* p_end;
  int level;
  int depth;
  struct {
    const char* init;
    ptrdiff_t len;
  } capture[kMaxCaptures];
};

bool class_matches(int c, int cl) {
  bool res;
  switch (std::tolower(cl)) {
    case 'a': res = std::isalpha(c); break;
    case 'c': res = std::iscntrl(c); break;
    case 'd': res = std::isdigit(c); break;
    case 'g': res = std::isgraph(c); break;
    case 'l': res = std::islower(c); break;
    case 'p': res = std::ispunct(c); break;
    case 's': res = std::isspace(c); break;
    case 'u': res = std::isupper(c); break;
    case 'w': res = std::isalnum(c); break;
    case 'x': res = std::isxdigit(c); break;
    case 'z': res = c == 0; break;  // deprecated, still accepted by lua5.4
    default: return cl == c;
  }
  if (std::isupper(cl)) res = !res;
  return res;
}

// Just past the single-character class at p ("x", "%x", "[set]").
const char* class_end(MatchState* ms, const char* p) {
  char c = *p++;
  if (c == kEsc) {
    if (p >= ms->p_end) lib_error(ms->L, "malformed pattern (ends with '%%')");
    return p + 1;
  }
  if (c == '[') {
    if (p < ms->p_end && *p == '^') p++;
    do {  // the first character of a set may be ']'
      if (p >= ms->p_end) lib_error(ms->L, "malformed pattern (missing ']')");
      c = *p++;
      if (c == kEsc && p < ms->p_end) p++;
    } while (p >= ms->p_end || *p != ']');
    return p + 1;
  }
  return p;
}

// Does c belong to the set [ ... ] from p ('[') to ec (']')?
bool set_matches(int c, const char* p, const char* ec) {
  bool sig = true;
  if (p[1] == '^') {
    sig = false;
    p++;
  }
  while (++p < ec) {
    if (*p == kEsc) {
      p++;
      if (class_matches(c, static_cast<unsigned char>(*p))) return sig;
    } else if (p[1] == '-' && p + 2 < ec) {
      p += 2;
      if (static_cast<unsigned char>(p[-2]) <= c && c <= static_cast<unsigned char>(*p)) return sig;
    } else if (static_cast<unsigned char>(*p) == c) {
      return sig;
    }
  }
  return !sig;
}

bool single_matches(MatchState* ms, const char* s, const char* p, const char* ep) {
  if (s >= ms->src_end) return false;
  int c = static_cast<unsigned char>(*s);
  switch (*p) {
    case '.': return true;
    case kEsc: return class_matches(c, static_cast<unsigned char>(p[1]));
    case '[': return set_matches(c, p, ep - 1);
    default: return static_cast<unsigned char>(*p) == c;
  }
}

const char* do_match(MatchState* ms, const char* s, const char* p);

const char* match_balance(MatchState* ms, const char* s, const char* p) {
  if (p + 1 >= ms->p_end) lib_error(ms->L, "malformed pattern (missing arguments to '%%b')");
  if (s >= ms->src_end || *s != *p) return nullptr;
  char open = p[0], close = p[1];
  int depth = 1;
  while (++s < ms->src_end) {
    if (*s == close) {
      if (--depth == 0) return s + 1;
    } else if (*s == open) {
      depth++;
    }
  }
  return nullptr;
}

const char* max_expand(MatchState* ms, const char* s, const char* p, const char* ep) {
  ptrdiff_t i = 0;
  while (single_matches(ms, s + i, p, ep)) i++;
  while (i >= 0) {
    const char* res = do_match(ms, s + i, ep + 1);
    if (res) return res;
    i--;
  }
  return nullptr;
}

const char* min_expand(MatchState* ms, const char* s, const char* p, const char* ep) {
  for (;;) {
    const char* res = do_match(ms, s, ep + 1);
    if (res) return res;
    if (single_matches(ms, s, p, ep)) s++;
    else return nullptr;
  }
}

const char* start_capture(MatchState* ms, const char* s, const char* p, ptrdiff_t what) {
  if (ms->level >= kMaxCaptures) lib_error(ms->L, "too many captures");
  ms->capture[ms->level].init = s;
  ms->capture[ms->level].len = what;
  ms->level++;
  const char* res = do_match(ms, s, p);
  if (res == nullptr) ms->level--;
  return res;
}

const char* end_capture(MatchState* ms, const char* s, const char* p) {
  int l = -1;
  for (int k = ms->level - 1; k >= 0; k--) {
    if (ms->capture[k].len == kCapUnfinished) {
      l = k;
      break;
    }
  }
  if (l < 0) lib_error(ms->L, "invalid pattern capture");
  ms->capture[l].len = s - ms->capture[l].init;
  const char* res = do_match(ms, s, p);
  if (res == nullptr) ms->capture[l].len = kCapUnfinished;
  return res;
}

int check_capture(MatchState* ms, int l) {
  l -= '1';
  if (l < 0 || l >= ms->level || ms->capture[l].len == kCapUnfinished)
    lib_error(ms->L, "invalid capture index %%%d", l + 1);
  return l;
}

const char* match_capture(MatchState* ms, const char* s, int l) {
  l = check_capture(ms, l);
  size_t len = static_cast<size_t>(ms->capture[l].len);
  if (static_cast<size_t>(ms->src_end - s) >= len && std::memcmp(ms->capture[l].init, s, len) == 0)
    return s + len;
  return nullptr;
}

const char* do_match(MatchState* ms, const char* s, const char* p) {
  if (ms->depth-- == 0) lib_error(ms->L, "pattern too complex");
  for (;;) {
    if (p == ms->p_end) break;
    switch (*p) {
      case '(':
        if (p + 1 < ms->p_end && p[1] == ')') s = start_capture(ms, s, p + 2, kCapPosition);
        else s = start_capture(ms, s, p + 1, kCapUnfinished);
        goto done;
      case ')':
        s = end_capture(ms, s, p + 1);
        goto done;
      case '$':
        if (p + 1 == ms->p_end) {
          if (s != ms->src_end) s = nullptr;
          goto done;
        }
        goto plain;
      case kEsc:
        if (p + 1 < ms->p_end && p[1] == 'b') {
          s = match_balance(ms, s, p + 2);
          if (s != nullptr) {
            p += 4;
            continue;
          }
          goto done;
        }
        if (p + 1 < ms->p_end && p[1] == 'f') {
          p += 2;
          if (p >= ms->p_end || *p != '[') lib_error(ms->L, "missing '[' after '%%f' in pattern");
          const char* ep = class_end(ms, p);
          int prev = s == ms->src_init ? 0 : static_cast<unsigned char>(s[-1]);
          int cur = s < ms->src_end ? static_cast<unsigned char>(*s) : 0;
          if (!set_matches(prev, p, ep - 1) && set_matches(cur, p, ep - 1)) {
            p = ep;
            continue;
          }
          s = nullptr;
          goto done;
        }
        if (p + 1 < ms->p_end && std::isdigit(static_cast<unsigned char>(p[1]))) {
          s = match_capture(ms, s, static_cast<unsigned char>(p[1]));
          if (s != nullptr) {
            p += 2;
            continue;
          }
          goto done;
        }
        goto plain;
      default:
      plain: {
        const char* ep = class_end(ms, p);
        if (!single_matches(ms, s, p, ep)) {
          if (ep < ms->p_end && (*ep == '*' || *ep == '?' || *ep == '-')) {
            p = ep + 1;
            continue;
          }
          s = nullptr;
          goto done;
        }
        if (ep < ms->p_end) {
          switch (*ep) {
            case '?': {
              const char* res = do_match(ms, s + 1, ep + 1);
              if (res != nullptr) {
                s = res;
                goto done;
              }
              p = ep + 1;
              continue;
            }
            case '+': s = max_expand(ms, s + 1, p, ep); goto done;
            case '*': s = max_expand(ms, s, p, ep); goto done;
            case '-': s = min_expand(ms, s, p, ep); goto done;
            default: break;
          }
        }
        s++;
        p = ep;
        continue;
      }
    }
  }
done:
  ms->depth++;
  return s;
}

void prepare(MatchState* ms, State* L, String* s, const char* p, size_t lp) {
  ms->L = L;
  ms->src_init = s->data;
  ms->src_end = s->data + s->len;
  ms->p_end = p + lp;
  ms->level = 0;
  ms->depth = kMaxMatchDepth;
}

void reprepare(MatchState* ms) {
  ms->level = 0;
  ms->depth = kMaxMatchDepth;
}

// Value of capture i for a match s..e (the whole match when there are no captures).
Value get_capture(MatchState* ms, int i, const char* s, const char* e) {
  if (i >= ms->level) {
    if (i != 0) lib_error(ms->L, "invalid capture index %%%d", i + 1);
    return Value::string(str_new(ms->L, s, static_cast<size_t>(e - s)));
  }
  ptrdiff_t l = ms->capture[i].len;
  if (l == kCapUnfinished) lib_error(ms->L, "unfinished capture");
  if (l == kCapPosition) return Value::integer(ms->capture[i].init - ms->src_init + 1);
  return Value::string(str_new(ms->L, ms->capture[i].init, static_cast<size_t>(l)));
}

int push_captures(MatchState* ms, const char* s, const char* e, bool whole_if_none) {
  int n = (ms->level == 0 && whole_if_none) ? 1 : ms->level;
  check_stack(ms->L, n);
  for (int i = 0; i < n; i++) push_value(ms->L, get_capture(ms, i, s, e));
  return n;
}

// The character that every match of pattern p (not anchored) starts with, or -1 when that is
// not plain to see: p's first item is one literal character ("x", or "%x" with x not a letter
// or digit) that a '*', '?' or '-' does not make optional. A search then jumps from one
// occurrence of it to the next (memchr) instead of trying every position: the positions in
// between could not match, and do_match would have looked at nothing but the first item and
// the character after it there, so no error it could raise is skipped either.
int first_literal(const char* p, const char* p_end) {
  if (p >= p_end) return -1;
  unsigned char c = static_cast<unsigned char>(*p);
  const char* next = p + 1;
  if (c == kEsc) {
    if (next >= p_end || std::isalnum(static_cast<unsigned char>(*next))) return -1;
    c = static_cast<unsigned char>(*next);
    next++;
  } else if (std::strchr("^$*+?.([%-)]", c) != nullptr) {  // c = '\0' finds the terminator
    return -1;
  }
  if (next < p_end && (*next == '*' || *next == '?' || *next == '-')) return -1;
  return c;
}

// From s, the first position at which a match starting with `first` (first_literal) can
// begin, or nullptr when there is none before `end`.
const char* next_candidate(const char* s, const char* end, int first) {
  if (s >= end) return nullptr;
  return static_cast<const char*>(std::memchr(s, first, static_cast<size_t>(end - s)));
}

bool has_specials(const char* p, size_t l) {
  for (size_t i = 0; i < l; i++)
    if (std::strchr("^$*+?.([%-", p[i]) && p[i] != '\0') return true;
  return false;
}

const char* find_plain(const char* s, size_t ls, const char* p, size_t lp) {
  if (lp == 0) return s;
  if (lp > ls) return nullptr;
  const char* end = s + ls - lp + 1;
  while (s < end) {
    const void* hit = std::memchr(s, p[0], static_cast<size_t>(end - s));
    if (hit == nullptr) return nullptr;
    s = static_cast<const char*>(hit);
    if (std::memcmp(s, p, lp) == 0) return s;
    s++;
  }
  return nullptr;
}

int find_aux(State* L, bool find) {
  String* s = check_string(L, 1);
  String* pat = check_string(L, 2);
  size_t init = pos_start(opt_integer(L, 3, 1), s->len) - 1;
  if (init > s->len) return push_nil(L);
  if (find && (!arg(L, 4).is_falsy() || !has_specials(pat->data, pat->len))) {
    const char* hit = find_plain(s->data + init, s->len - init, pat->data, pat->len);
    if (hit == nullptr) return push_nil(L);
    push_int(L, hit - s->data + 1);
    push_int(L, static_cast<int64_t>(hit - s->data + pat->len));
    return 2;
  }
  MatchState ms;
  const char* p = pat->data;
  size_t lp = pat->len;
  bool anchor = lp > 0 && *p == '^';
  if (anchor) {
    p++;
    lp--;
  }
  prepare(&ms, L, s, p, lp);
  const char* s1 = s->data + init;
  const int first = anchor ? -1 : first_literal(p, p + lp);
  do {
    if (first >= 0 && (s1 = next_candidate(s1, ms.src_end, first)) == nullptr) break;
    reprepare(&ms);
    const char* e = do_match(&ms, s1, p);
    if (e != nullptr) {
      if (find) {
        push_int(L, s1 - s->data + 1);
        push_int(L, e - s->data);
        return push_captures(&ms, nullptr, nullptr, false) + 2;
      }
      return push_captures(&ms, s1, e, true);
    }
  } while (s1++ < ms.src_end && !anchor);
  return push_nil(L);
}

int str_find(State* L) { return find_aux(L, true); }
int str_match(State* L) { return find_aux(L, false); }

// gmatch iterator state: upvalues [subject, pattern, position, end of last match].
int gmatch_step(State* L) {
  CClosure* self = L->ci->func->ccl;
  String* s = self->upvalues[0].s;
  String* pat = self->upvalues[1].s;
  MatchState ms;
  prepare(&ms, L, s, pat->data, pat->len);
  const char* src = s->data + self->upvalues[2].i;
  const char* last = self->upvalues[3].i < 0 ? nullptr : s->data + self->upvalues[3].i;
  const int first = first_literal(pat->data, pat->data + pat->len);
  for (; src <= ms.src_end; src++) {
    if (first >= 0 && (src = next_candidate(src, ms.src_end, first)) == nullptr) break;
    reprepare(&ms);
    const char* e = do_match(&ms, src, pat->data);
    if (e != nullptr && e != last) {
      self->upvalues[2].i = e - s->data;
      self->upvalues[3].i = e - s->data;
      return push_captures(&ms, src, e, true);
    }
  }
  self->upvalues[2].i = static_cast<int64_t>(s->len) + 1;
  return 0;
}

int str_gmatch(State* L) {
  String* s = check_string(L, 1);
  String* pat = check_string(L, 2);
  size_t init = pos_start(opt_integer(L, 3, 1), s->len) - 1;
  if (init > s->len) init = s->len + 1;
  CClosure* cl = cclosure_new(L, gmatch_step, 4);
  cl->upvalues[0] = Value::string(s);
  cl->upvalues[1] = Value::string(pat);
  cl->upvalues[2] = Value::integer(static_cast<int64_t>(init));
  cl->upvalues[3] = Value::integer(-1);
  return push_value(L, Value::cclosure(cl));
}

void add_replacement(MatchState* ms, std::string& b, const char* s, const char* e, const Value& repl) {
  State* L = ms->L;
  Value result;
  if (repl.is_string() || repl.is_number()) {
    Value rv = repl;
    to_string_inplace(L, &rv);
    const char* r = rv.s->data;
    size_t lr = rv.s->len;
    for (size_t i = 0; i < lr; i++) {
      if (r[i] != kEsc) {
        b += r[i];
        continue;
      }
      i++;
      if (i >= lr) lib_error(L, "invalid use of '%%' in replacement string");
      char d = r[i];
      if (d == kEsc) {
        b += kEsc;
      } else if (std::isdigit(static_cast<unsigned char>(d))) {
        Value cap = d == '0' ? Value::string(str_new(L, s, static_cast<size_t>(e - s)))
                             : get_capture(ms, d - '1', s, e);
        if (cap.is_int()) {
          char buf[64];
          b.append(buf, static_cast<size_t>(number_to_chars(cap, buf)));
        } else {
          b.append(cap.s->data, cap.s->len);
        }
      } else {
        lib_error(L, "invalid use of '%%' in replacement string");
      }
    }
    return;
  }
  if (repl.is_table()) {
    Value key = get_capture(ms, 0, s, e);
    check_stack(L, 1);
    push_value(L, key);  // keep it rooted while __index runs
    index_slow(L, &repl, &key, &result);
    L->top--;
  } else {
    int n = push_captures(ms, s, e, true);
    Value* f = L->top - n;
    check_stack(L, 1);
    for (Value* p = L->top; p > f; p--) *p = p[-1];
    *f = repl;
    L->top++;
    call(L, f, 1);
    result = *f;
    L->top = f;
  }
  if (result.is_falsy()) {
    b.append(s, static_cast<size_t>(e - s));
  } else if (result.is_string()) {
    b.append(result.s->data, result.s->len);
  } else if (result.is_number()) {
    char buf[64];
    b.append(buf, static_cast<size_t>(number_to_chars(result, buf)));
  } else {
    lib_error(L, "invalid replacement value (a %s)", type_name(result.tag));
  }
}

int str_gsub(State* L) {
  String* src = check_string(L, 1);
  String* pat = check_string(L, 2);
  const Value repl = arg(L, 3);
  if (!(repl.is_number() || repl.is_string() || repl.is_table() || repl.is_function()))
    type_arg_error(L, 3, "string/function/table");
  int64_t max_n = opt_integer(L, 4, static_cast<int64_t>(src->len) + 1);
  const char* p = pat->data;
  size_t lp = pat->len;
  bool anchor = lp > 0 && *p == '^';
  if (anchor) {
    p++;
    lp--;
  }
  MatchState ms;
  prepare(&ms, L, src, p, lp);
  std::string b;
  const char* s = src->data;
  const char* last = nullptr;
  int64_t n = 0;
  const int first = anchor ? -1 : first_literal(p, p + lp);
  while (n < max_n) {
    if (first >= 0) {  // the characters before the next candidate stay as they are
      const char* to = next_candidate(s, ms.src_end, first);
      if (to == nullptr) break;
      b.append(s, static_cast<size_t>(to - s));
      s = to;
    }
    reprepare(&ms);
    const char* e = do_match(&ms, s, p);
    if (e != nullptr && e != last) {
      n++;
      add_replacement(&ms, b, s, e, repl);
      s = last = e;
    } else if (s < ms.src_end) {
      b += *s++;
    } else {
      break;
    }
    if (anchor) break;
  }
  b.append(s, static_cast<size_t>(ms.src_end - s));
  push_str(L, b);
  push_int(L, n);
  return 2;
}

// --- format --------------------------------------------------------------------------------

void add_quoted(State* L, std::string& b, int argi) {
  const Value& v = arg(L, argi);
  char buf[128];
  switch (v.tag) {
    case kTagString: {
      const char* s = v.s->data;
      size_t l = v.s->len;
      b += '"';
      for (size_t i = 0; i < l; i++) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\' || c == '\n') {
          b += '\\';
          b += static_cast<char>(c);
        } else if (std::iscntrl(c)) {
          bool digit_follows = i + 1 < l && std::isdigit(static_cast<unsigned char>(s[i + 1]));
          int n = std::snprintf(buf, sizeof buf, digit_follows ? "\\%03d" : "\\%d", c);
          b.append(buf, static_cast<size_t>(n));
        } else {
          b += static_cast<char>(c);
        }
      }
      b += '"';
      return;
    }
    case kTagInt: {
      int n = v.i == INT64_MIN ? std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v.i))
                               : std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v.i));
      b.append(buf, static_cast<size_t>(n));
      return;
    }
    case kTagFloat: {
      double d = v.n;
      if (d == HUGE_VAL) b += "1e9999";
      else if (d == -HUGE_VAL) b += "-1e9999";
      else if (d != d) b += "(0/0)";
      else b.append(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "%a", d)));
      return;
    }
    case kTagNil:
    case kTagFalse:
    case kTagTrue: {
      String* s = to_display_string(L, v);
      L->top--;
      b.append(s->data, s->len);
      return;
    }
    default: arg_error(L, argi, "value has no literal form");
  }
}

int str_format(State* L) {
  String* fs = check_string(L, 1);
  const char* f = fs->data;
  const char* fend = f + fs->len;
  int argi = 1;
  int top = nargs(L);
  std::string b;
  char spec[32];
  char buf[512];
  while (f < fend) {
    if (*f != '%') {
      b += *f++;
      continue;
    }
    f++;
    if (f < fend && *f == '%') {
      b += *f++;
      continue;
    }
    // Flags, width and precision, then the conversion letter.
    const char* start = f;
    while (f < fend && std::strchr("-+ #0123456789.", *f) && *f) f++;
    size_t speclen = static_cast<size_t>(f - start) + 1;
    if (speclen >= sizeof(spec) - 10) lib_error(L, "invalid format string to 'format'");
    if (f >= fend) lib_error(L, "invalid conversion '%%%.*s' to 'format'", static_cast<int>(f - start), start);
    spec[0] = '%';
    std::memcpy(spec + 1, start, speclen);
    spec[speclen + 1] = '\0';
    char conv = *f++;
    if (++argi > top && conv != '%') arg_error(L, argi, "no value");
    auto check_spec = [&](const char* flags, bool precision) {
      const char* p = spec + 1;
      while (*p && std::strchr(flags, *p)) p++;
      if (*p != '0') {
        for (int k = 0; k < 2 && std::isdigit(static_cast<unsigned char>(*p)); k++) p++;
        if (*p == '.' && precision) {
          p++;
          for (int k = 0; k < 2 && std::isdigit(static_cast<unsigned char>(*p)); k++) p++;
        }
      }
      if (!std::isalpha(static_cast<unsigned char>(*p)))
        lib_error(L, "invalid conversion specification: '%s'", spec);
    };
    int n = 0;
    switch (conv) {
      case 'c': {
        check_spec("-", false);
        n = std::snprintf(buf, sizeof buf, spec, static_cast<int>(check_integer(L, argi)));
        break;
      }
      case 'd':
      case 'i':
      case 'u': {
        check_spec("-+0 ", true);
        int64_t x = check_integer(L, argi);
        if (speclen == 1 && conv != 'u') {  // plain %d: tostring's digits
          n = number_to_chars(Value::integer(x), buf);
          break;
        }
        std::string fmt(spec, speclen);  // without the conversion letter
        fmt += conv == 'u' ? "llu" : "lld";
        n = std::snprintf(buf, sizeof buf, fmt.c_str(), static_cast<long long>(x));
        break;
      }
      case 'o':
      case 'x':
      case 'X': {
        check_spec("-#0", true);
        int64_t x = check_integer(L, argi);
        std::string fmt(spec, speclen);
        fmt += "ll";
        fmt += conv;
        n = std::snprintf(buf, sizeof buf, fmt.c_str(), static_cast<unsigned long long>(x));
        break;
      }
      case 'a':
      case 'A':
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G': {
        check_spec("-+#0 ", true);
        double x = check_number(L, argi);
        n = std::snprintf(buf, sizeof buf, spec, x);
        if (n >= static_cast<int>(sizeof buf)) {
          // %f of huge numbers can need hundreds of digits: formatted again, to its length.
          std::string out(static_cast<size_t>(n), '\0');
          std::snprintf(out.data(), out.size() + 1, spec, x);
          b += out;
          continue;
        }
        break;
      }
      case 'p': {
        check_spec("-", false);
        const Value& v = arg(L, argi);
        const void* ptr = v.is_collectable() ? v.p : (v.tag == kTagCFunction ? reinterpret_cast<const void*>(v.f) : nullptr);
        if (ptr == nullptr) {
          std::string fmt(spec, speclen);
          fmt += 's';
          n = std::snprintf(buf, sizeof buf, fmt.c_str(), "(null)");
        } else {
          n = std::snprintf(buf, sizeof buf, spec, ptr);
        }
        break;
      }
      case 'q': {
        if (speclen != 1) lib_error(L, "specifier '%%q' cannot have modifiers");
        add_quoted(L, b, argi);
        continue;
      }
      case 's': {
        String* s = to_display_string(L, arg(L, argi));
        if (speclen == 1) {
          b.append(s->data, s->len);
        } else {
          check_spec("-", true);
          if (std::strlen(s->data) != s->len) arg_error(L, argi, "string contains zeros");
          if (std::strchr(spec, '.') == nullptr && s->len >= 100) {
            b.append(s->data, s->len);  // no precision and long: nothing to pad
          } else {
            // Width and precision of at most two digits each (check_spec): padded here.
            const char* q = spec + 1;
            const bool left = *q == '-';
            while (*q == '-') q++;
            size_t width = 0, len = s->len;
            while (std::isdigit(static_cast<unsigned char>(*q))) width = width * 10 + static_cast<size_t>(*q++ - '0');
            if (*q == '.') {
              size_t precision = 0;
              while (std::isdigit(static_cast<unsigned char>(*++q))) precision = precision * 10 + static_cast<size_t>(*q - '0');
              if (precision < len) len = precision;
            }
            const size_t pad = width > len ? width - len : 0;
            if (!left) b.append(pad, ' ');
            b.append(s->data, len);
            if (left) b.append(pad, ' ');
          }
        }
        L->top--;
        continue;
      }
      default:
        lib_error(L, "invalid conversion '%s' to 'format'", spec);
    }
    b.append(buf, static_cast<size_t>(n < static_cast<int>(sizeof buf) ? n : static_cast<int>(sizeof buf) - 1));
  }
  return push_str(L, b);
}

// --- arithmetic on strings -----------------------------------------------------------------

bool str_to_num_arg(const Value& v, Value* out) {
  if (v.is_number()) {
    *out = v;
    return true;
  }
  if (v.is_string()) return str_to_number(v.s->data, v.s->len, out);
  return false;
}

int str_arith(State* L, int op, const char* event) {
  Value a, b;
  Value x = arg(L, 1), y = arg(L, 2);
  if (str_to_num_arg(x, &a) && str_to_num_arg(y, &b)) {
    Value r;
    arith_slow(L, op, &a, &b, &r);
    return push_value(L, r);
  }
  // Not numbers: let the second operand's metamethod have a go, else complain.
  const Value* tm = y.is_string() ? nullptr : get_tm(L, y, static_cast<TM>(kTMAdd + op));
  if (tm == nullptr)
    lib_error(L, "attempt to %s a '%s' with a '%s'", event + 2, type_name(x.tag), type_name(y.tag));
  Value* f = L->top;
  f[0] = *tm;
  f[1] = x;
  f[2] = y;
  L->top = f + 3;
  call(L, f, 1);
  return 1;
}

int str_add(State* L) { return str_arith(L, kArAdd, "__add"); }
int str_sub_mm(State* L) { return str_arith(L, kArSub, "__sub"); }
int str_mul(State* L) { return str_arith(L, kArMul, "__mul"); }
int str_mod(State* L) { return str_arith(L, kArMod, "__mod"); }
int str_pow(State* L) { return str_arith(L, kArPow, "__pow"); }
int str_div(State* L) { return str_arith(L, kArDiv, "__div"); }
int str_idiv(State* L) { return str_arith(L, kArIDiv, "__idiv"); }
int str_unm(State* L) {
  Value a;
  Value x = arg(L, 1);
  if (str_to_num_arg(x, &a)) {
    Value r;
    unm_slow(L, &a, &r);
    return push_value(L, r);
  }
  lib_error(L, "attempt to unm a '%s' with a '%s'", type_name(x.tag), type_name(arg(L, 2).tag));
}

const LibFunc kStringFuncs[] = {
    {"len", str_len},       {"sub", str_sub},         {"upper", str_upper},
    {"lower", str_lower},   {"rep", str_rep},         {"reverse", str_reverse},
    {"byte", str_byte},     {"char", str_char},       {"format", str_format},
    {"find", str_find},     {"match", str_match},     {"gmatch", str_gmatch},
    {"gsub", str_gsub},     {nullptr, nullptr},
};

const LibFunc kStringMeta[] = {
    {"__add", str_add}, {"__sub", str_sub_mm}, {"__mul", str_mul}, {"__mod", str_mod},
    {"__pow", str_pow}, {"__div", str_div},    {"__idiv", str_idiv}, {"__unm", str_unm},
    {nullptr, nullptr},
};

}  // namespace

void open_string(State* L) {
  Table* lib = new_lib(L, "string", kStringFuncs);
  Table* meta = table_new(L, 0, 16);
  // No names for tracebacks: as in lua5.4, a string metamethod is named by the instruction
  // that called it ("metamethod 'add'"), being no field of a loaded library.
  set_funcs(L, meta, kStringMeta, nullptr);
  table_set_str(L, meta, L->tm_names[kTMIndex], Value::table(lib));
  L->string_meta = meta;
  L->builtin_names[reinterpret_cast<const void*>(gmatch_step)] = "gmatch_iterator";
}

}  // namespace cpjit::lua
