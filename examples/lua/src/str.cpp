#include "str.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "gc.h"

namespace cpjit::lua {

namespace {

inline uint64_t load64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}
inline uint64_t load32(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// Eight bytes at a time, each word folded in with a multiply and a shift; the length seeds
// it. The last bytes are read as one word that overlaps the ones before it (or, below eight
// bytes, two overlapping halves, or the first, middle and last byte), never byte by byte. A
// fixed seed keeps table iteration order reproducible from one run to the next, which makes
// failures easy to replay. Inline in the interning lookup, which every new short string runs.
[[gnu::always_inline]] inline uint32_t hash_bytes(const char* s, size_t len) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = 0x2545F4914F6CDD1Dull ^ (len * kMul);
  if (len >= 8) {
    const char* end = s + len;
    for (; end - s > 8; s += 8) {
      h = (h ^ load64(s)) * kMul;
      h ^= h >> 32;
    }
    h = (h ^ load64(end - 8)) * kMul;
  } else if (len >= 4) {
    h = (h ^ (load32(s) | load32(s + len - 4) << 32)) * kMul;
  } else if (len > 0) {
    const auto byte = [&](size_t i) { return static_cast<uint64_t>(static_cast<unsigned char>(s[i])); };
    h = (h ^ (byte(0) | byte(len >> 1) << 8 | byte(len - 1) << 16)) * kMul;
  }
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 32;
  uint32_t r = static_cast<uint32_t>(h);
  return r ? r : 1;  // 0 marks a long string's hash as not computed yet
}

// Equality of two byte strings of `len` bytes (at most kMaxShortLen: the interning lookup's),
// in words that may overlap, as hash_bytes reads them, without a call to memcmp.
bool same_short_bytes(const char* a, const char* b, size_t len) {
  if (len >= 8) {
    for (size_t i = 0; i + 8 < len; i += 8)
      if (load64(a + i) != load64(b + i)) return false;
    return load64(a + len - 8) == load64(b + len - 8);
  }
  if (len >= 4) return load32(a) == load32(b) && load32(a + len - 4) == load32(b + len - 4);
  if (len == 0) return true;
  return a[0] == b[0] && a[len >> 1] == b[len >> 1] && a[len - 1] == b[len - 1];
}

// Buckets of the intern table (state.h, StringTable): the chain's first string, and above its
// address's 48 bits a filter with bit 48 + (hash >> 28) set for each string in the chain (the
// bucket index takes the hash's low bits). 48 bits hold every user-space address of x86-64 and
// AArch64 Linux; an address above them turns the filters off (drop_filters).
constexpr int kFilterShift = 48;
constexpr uintptr_t kAddressBits = (uintptr_t{1} << kFilterShift) - 1;

inline uintptr_t filter_bit(uint32_t hash) { return uintptr_t{1} << (kFilterShift + (hash >> 28)); }

inline String* chain_head(const StringTable& st, uintptr_t bucket) {
  return reinterpret_cast<String*>(st.filtered ? bucket & kAddressBits : bucket);
}

// Puts `s` first in its bucket's chain.
inline void chain_push(StringTable& st, uintptr_t* buckets, uint32_t size, String* s) {
  uintptr_t& b = buckets[s->hash & (size - 1)];
  s->hnext = chain_head(st, b);
  uintptr_t filter = st.filtered ? (b & ~kAddressBits) | filter_bit(s->hash) : 0;
  b = reinterpret_cast<uintptr_t>(s) | filter;
}

void drop_filters(StringTable& st) {
  for (uint32_t i = 0; i < st.size; i++) st.buckets[i] &= kAddressBits;
  st.filtered = false;
}

void strings_resize(State* L, uint32_t new_size) {
  StringTable& st = L->strings;
  auto* nb = static_cast<uintptr_t*>(std::calloc(new_size, sizeof(uintptr_t)));
  if (nb == nullptr) mem_error(L);
  for (uint32_t i = 0; i < st.size; i++) {
    String* s = chain_head(st, st.buckets[i]);
    while (s) {
      String* next = s->hnext;
      chain_push(st, nb, new_size, s);
      s = next;
    }
  }
  std::free(st.buckets);
  st.buckets = nb;
  st.size = new_size;
}

String* alloc_string(State* L, size_t len) {
  if (len > (static_cast<size_t>(-1) >> 2)) mem_error(L);
  auto* s = static_cast<String*>(mem_alloc(L, str_size(len)));
  s->gctype = kGCString;
  s->marked = 0;
  s->len = len;
  s->keyword = 0;
  s->hash = 0;
  s->hnext = nullptr;
  s->data[len] = '\0';
  return s;
}

}  // namespace

size_t str_size(size_t len) { return kStringHeader + len + 1; }

void strings_init(State* L) { strings_resize(L, 256); }

String* str_new_uninit(State* L, size_t len) {
  gc_reserve(L);
  String* s = alloc_string(L, len);
  s->is_short = 0;
  gc_link(L, s);
  return s;
}

String* str_new(State* L, const char* str, size_t len) {
  if (len > kMaxShortLen) {
    String* s = str_new_uninit(L, len);
    std::memcpy(s->data, str, len);
    return s;
  }
  uint32_t h = hash_bytes(str, len);
  StringTable& st = L->strings;
  const uintptr_t bucket = st.buckets[h & (st.size - 1)];
  if (!st.filtered || (bucket & filter_bit(h)) != 0) {
    for (String* s = chain_head(st, bucket); s; s = s->hnext) {
      if (s->len == len && s->hash == h && same_short_bytes(s->data, str, len)) return s;
    }
  }
  if (st.count >= st.size) strings_resize(L, st.size * 2);
  String* s = alloc_string(L, len);
  s->is_short = 1;
  s->hash = h;
  std::memcpy(s->data, str, len);
  if (st.filtered && (reinterpret_cast<uintptr_t>(s) & ~kAddressBits) != 0) drop_filters(st);
  chain_push(st, st.buckets, st.size, s);
  st.count++;
  if (L->heap.generational && !st.young_overflow) {
    try {
      st.young.push_back(s);
    } catch (const std::bad_alloc&) {
      st.young_overflow = true;
    }
  }
  return s;
}

uint32_t str_hash(String* s) {
  if (s->hash == 0) s->hash = hash_bytes(s->data, s->len);
  return s->hash;
}

int str_compare(const String* a, const String* b) {
  size_t n = a->len < b->len ? a->len : b->len;
  int c = std::memcmp(a->data, b->data, n);
  if (c != 0) return c;
  return a->len < b->len ? -1 : (a->len > b->len ? 1 : 0);
}

namespace {

void free_string(State* L, String* s, size_t* freed) {
  size_t sz = str_size(s->len);
  mem_free(L, s, sz);
  *freed += sz;
  L->strings.count--;
}

void shrink_if_sparse(State* L) {
  StringTable& st = L->strings;
  if (st.count < st.size / 4 && st.size > 256) strings_resize(L, st.size / 2);
}

}  // namespace

size_t strings_sweep(State* L, uint8_t survivor) {
  StringTable& st = L->strings;
  size_t freed = 0;
  // Each chain's first string is a likely cache miss: ask for the one kSweepAhead buckets on
  // while this bucket is swept (gc.cpp's sweep does the same over its objects).
  constexpr uint32_t kSweepAhead = 32;
  for (uint32_t i = 0; i < st.size; i++) {
    if (i + kSweepAhead < st.size) __builtin_prefetch(chain_head(st, st.buckets[i + kSweepAhead]), 1);
    // The chain's survivors keep their order; the bucket is rewritten, with its survivors'
    // filter, only when a string left it.
    String* head = chain_head(st, st.buckets[i]);
    String* prev = nullptr;
    uintptr_t filter = 0;
    bool removed = false;
    for (String* s = head; s != nullptr;) {
      String* next = s->hnext;
      if (s->marked >= L->heap.mark) {
        s->marked = survivor;
        filter |= filter_bit(s->hash);
        prev = s;
      } else {
        (prev != nullptr ? prev->hnext : head) = next;
        free_string(L, s, &freed);
        removed = true;
      }
      s = next;
    }
    if (removed) st.buckets[i] = reinterpret_cast<uintptr_t>(head) | (head != nullptr && st.filtered ? filter : 0);
  }
  st.young.clear();
  st.young_overflow = false;
  shrink_if_sparse(L);
  return freed;
}

size_t strings_sweep_young(State* L) {
  StringTable& st = L->strings;
  if (st.young_overflow) return strings_sweep(L, kGcOld);
  size_t freed = 0;
  constexpr size_t kSweepAhead = 16;
  const size_t n = st.young.size();
  for (size_t k = 0; k < n; k++) {
    if (k + kSweepAhead < n) __builtin_prefetch(st.young[k + kSweepAhead]);
    String* s = st.young[k];
    if (s->marked >= L->heap.mark) continue;  // old from now on
    // Unlinked from its chain. The bucket's filter keeps the string's bit: filters may hold
    // more bits than their chains need (a full sweep recomputes them).
    uintptr_t& b = st.buckets[s->hash & (st.size - 1)];
    String* head = chain_head(st, b);
    if (head == s) {
      const uintptr_t filter = st.filtered && s->hnext != nullptr ? b & ~kAddressBits : 0;
      b = reinterpret_cast<uintptr_t>(s->hnext) | filter;
    } else {
      String* prev = head;
      while (prev->hnext != s) prev = prev->hnext;
      prev->hnext = s->hnext;
    }
    free_string(L, s, &freed);
  }
  st.young.clear();
  shrink_if_sparse(L);
  return freed;
}

// Every interned string is a pool block (below), which pool_release_all gives back with its
// chunk: walking the chains to free them one by one would only read each string once more.
static_assert(kStringHeader + kMaxShortLen + 1 <= kPoolMaxSize, "short strings come from the pool");

void strings_free_all(State* L) {
  StringTable& st = L->strings;
  std::free(st.buckets);
  st.buckets = nullptr;
  st.size = st.count = 0;
}

// --- numbers and text --------------------------------------------------------------------

namespace {

inline bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Integer numerals: decimal (rejected on overflow so that they are read as floats) and
// hexadecimal (wrapping around modulo 2^64, as the manual specifies).
bool parse_integer(const char* s, const char* end, int64_t* out) {
  while (s < end && is_space(*s)) s++;
  bool neg = false;
  if (s < end && (*s == '-' || *s == '+')) neg = (*s++ == '-');
  uint64_t a = 0;
  bool any = false;
  if (end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s += 2;
    while (s < end && hex_value(*s) >= 0) {
      a = a * 16 + static_cast<uint64_t>(hex_value(*s));
      s++;
      any = true;
    }
  } else {
    while (s < end && *s >= '0' && *s <= '9') {
      int d = *s - '0';
      // Past 2^63 - 1 (or 2^63 for negatives) a decimal numeral is a float.
      if (a >= 922337203685477580ull && (a > 922337203685477580ull || d > 7 + (neg ? 1 : 0)))
        return false;
      a = a * 10 + static_cast<uint64_t>(d);
      s++;
      any = true;
    }
  }
  while (s < end && is_space(*s)) s++;
  if (!any || s != end) return false;
  *out = static_cast<int64_t>(neg ? 0 - a : a);
  return true;
}

bool parse_float(const char* s, size_t len, double* out) {
  // strtod would also read "inf" and "nan", which are not Lua numerals.
  for (size_t i = 0; i < len; i++)
    if (s[i] == 'n' || s[i] == 'N') return false;
  if (std::strlen(s) != len) return false;  // embedded zero
  char* endp;
  double d = std::strtod(s, &endp);
  if (endp == s) return false;
  while (*endp && is_space(*endp)) endp++;
  if (endp != s + len) return false;
  *out = d;
  return true;
}

}  // namespace

bool str_to_number(const char* s, size_t len, Value* out) {
  int64_t i;
  if (parse_integer(s, s + len, &i)) {
    set_int(out, i);
    return true;
  }
  // strtod needs a terminated string: parse a copy (the caller's text may end anywhere).
  double d;
  char small[64];
  bool ok;
  if (len < sizeof small) {
    std::memcpy(small, s, len);
    small[len] = '\0';
    ok = parse_float(small, len, &d);
  } else {
    std::string copy(s, len);
    ok = parse_float(copy.c_str(), len, &d);
  }
  if (!ok) return false;
  set_float(out, d);
  return true;
}

int number_to_chars(const Value& v, char* buf) {
  if (v.is_int()) {
    // "%lld" without snprintf, whose format parsing costs ten times the digits.
    uint64_t u = v.i < 0 ? 0 - static_cast<uint64_t>(v.i) : static_cast<uint64_t>(v.i);
    char digits[20];
    int nd = 0;
    do {
      digits[nd++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u != 0);
    int n = 0;
    if (v.i < 0) buf[n++] = '-';
    while (nd > 0) buf[n++] = digits[--nd];
    buf[n] = '\0';
    return n;
  }
  int n = std::snprintf(buf, 64, "%.14g", v.n);
  // Looks like an integer? Then say it is a float.
  bool only_digits = true;
  for (int i = 0; i < n; i++) {
    char c = buf[i];
    if (!(c == '-' || (c >= '0' && c <= '9'))) {
      only_digits = false;
      break;
    }
  }
  if (only_digits) {
    buf[n++] = '.';
    buf[n++] = '0';
    buf[n] = '\0';
  }
  return n;
}

String* number_to_string(State* L, const Value& v) {
  char buf[64];
  int n = number_to_chars(v, buf);
  return str_new(L, buf, static_cast<size_t>(n));
}

bool to_number(const Value& v, Value* out) {
  if (v.is_number()) {
    *out = v;
    return true;
  }
  if (v.is_string()) return str_to_number(v.s->data, v.s->len, out);
  return false;
}

bool to_string_inplace(State* L, Value* v) {
  if (v->is_string()) return true;
  if (!v->is_number()) return false;
  *v = Value::string(number_to_string(L, *v));
  return true;
}

}  // namespace cpjit::lua
