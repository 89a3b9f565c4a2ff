// Strings: creation, interning, hashing, equality, and conversions between numbers and text.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "object.h"
#include "state.h"

namespace cpjit::lua {

// Returns the string with these bytes: interned when short, a fresh object when long.
String* str_new(State* L, const char* s, size_t len);
inline String* str_new(State* L, std::string_view s) { return str_new(L, s.data(), s.size()); }
inline String* str_new(State* L, const char* s) { return str_new(L, s, std::strlen(s)); }

// A long string of 'len' bytes whose contents the caller fills in before anyone reads it.
String* str_new_uninit(State* L, size_t len);

uint32_t str_hash(String* s);

inline bool str_eq(const String* a, const String* b) {
  if (a == b) return true;
  if (a->is_short || b->is_short) return false;  // interned short strings compare by address
  return a->len == b->len && std::memcmp(a->data, b->data, a->len) == 0;
}

// Byte-wise comparison (the C locale's order), embedded zeros included.
int str_compare(const String* a, const String* b);

inline std::string_view str_view(const String* s) { return std::string_view(s->data, s->len); }

// Removes unmarked strings from the intern table (GC sweep), returns bytes freed. Survivors
// get mark `survivor` (gc.h: kGcOld in generational mode, else 0).
size_t strings_sweep(State* L, uint8_t survivor);
// The same for the strings interned since the last collection only (a minor collection in
// generational mode: they are young, and every other string is old and marked).
size_t strings_sweep_young(State* L);
// Drops the intern table at state_close; the strings go with the pool (pool_release_all).
void strings_free_all(State* L);
void strings_init(State* L);
size_t str_size(size_t len);

// --- numbers and text --------------------------------------------------------------------

// Lua's numeral syntax (decimal and hexadecimal integers and floats, surrounding spaces).
// Decimal integers that overflow become floats; hexadecimal ones wrap around.
bool str_to_number(const char* s, size_t len, Value* out);

// Formats a number the way tostring() does: integers in decimal, floats with "%.14g" plus
// ".0" when the result would read as an integer. Returns the length written (buf >= 64).
int number_to_chars(const Value& v, char* buf);
String* number_to_string(State* L, const Value& v);

// If v is a number or a string convertible to one, stores it in *out.
bool to_number(const Value& v, Value* out);
// Converts v (number or numeric string) in place to a string; false if it is neither.
bool to_string_inplace(State* L, Value* v);

}  // namespace cpjit::lua
