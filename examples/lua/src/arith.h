// Lua 5.4 numeric semantics: integer wrap-around, floor division and modulo, shifts, and the
// exact mixed integer/float comparisons. Header-only: the interpreter inlines all of it.
#pragma once

#include <cmath>
#include <cstdint>

#include "value.h"

namespace cpjit::lua {

// Arithmetic operators in the order shared by BinOp, the TM list and the opcodes.
enum ArithOp : int {
  kArAdd, kArSub, kArMul, kArMod, kArPow, kArDiv, kArIDiv,
  kArBAnd, kArBOr, kArBXor, kArShl, kArShr,
  kArCount
};

inline int64_t int_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline int64_t int_sub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
inline int64_t int_mul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

// Floor division; b != 0. b == -1 is separate because INT64_MIN / -1 overflows in C++.
inline int64_t int_floordiv(int64_t a, int64_t b) {
  if (b == -1) return int_sub(0, a);
  int64_t q = a / b;
  if ((a % b != 0) && ((a ^ b) < 0)) q -= 1;
  return q;
}

// Modulo with the sign of the divisor; b != 0.
inline int64_t int_mod(int64_t a, int64_t b) {
  if (b == -1) return 0;
  int64_t r = a % b;
  if (r != 0 && ((r ^ b) < 0)) r += b;
  return r;
}

// IEEE 754 leaves open which NaN the sum or product of two NaNs is: x86-64 gives the first
// operand's, and compilers swap the operands of + and * freely. Tier 1 keeps Lua's order here,
// as cpjit-lua's uop templates do (uops.c, add_ordered), so that a program prints the same
// `nan` or `-nan` with the JIT on or off.
inline double float_add(double a, double b) {
#if defined(__x86_64__)
  __asm__("addsd %1, %0" : "+x"(a) : "xm"(b));
  return a;
#else
  return a + b;
#endif
}
inline double float_mul(double a, double b) {
#if defined(__x86_64__)
  __asm__("mulsd %1, %0" : "+x"(a) : "xm"(b));
  return a;
#else
  return a * b;
#endif
}

inline double float_mod(double a, double b) {
  double r = std::fmod(a, b);
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

inline double float_floordiv(double a, double b) { return std::floor(a / b); }

// Shifts are logical; a count of 64 or more (either direction) gives 0.
inline int64_t int_shl(int64_t x, int64_t n) {
  if (n <= -64 || n >= 64) return 0;
  if (n >= 0) return static_cast<int64_t>(static_cast<uint64_t>(x) << n);
  return static_cast<int64_t>(static_cast<uint64_t>(x) >> (-n));
}
inline int64_t int_shr(int64_t x, int64_t n) {
  if (n <= -64 || n >= 64) return 0;
  return int_shl(x, -n);
}

// Exact float -> integer conversion (fails for fractions, NaN and out-of-range values).
inline bool float_to_integer(double d, int64_t* out) {
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return false;
  int64_t i = static_cast<int64_t>(d);
  if (static_cast<double>(i) != d) return false;
  *out = i;
  return true;
}

inline bool number_to_integer(const Value& v, int64_t* out) {
  if (v.is_int()) {
    *out = v.i;
    return true;
  }
  if (v.is_float()) return float_to_integer(v.n, out);
  return false;
}

inline double to_double(const Value& v) { return v.is_int() ? static_cast<double>(v.i) : v.n; }

// Applies an arithmetic operator to two numbers. Returns false when the operation must raise
// an error instead (integer division by zero, bitwise operand without integer value); the
// caller produces the message.
inline bool fold_arith(int op, const Value& a, const Value& b, Value* r) {
  if (op >= kArBAnd) {
    int64_t x, y;
    if (!number_to_integer(a, &x) || !number_to_integer(b, &y)) return false;
    switch (op) {
      case kArBAnd: set_int(r, x & y); break;
      case kArBOr: set_int(r, x | y); break;
      case kArBXor: set_int(r, x ^ y); break;
      case kArShl: set_int(r, int_shl(x, y)); break;
      default: set_int(r, int_shr(x, y)); break;
    }
    return true;
  }
  if (op == kArPow || op == kArDiv || !a.is_int() || !b.is_int()) {
    double x = to_double(a), y = to_double(b);
    switch (op) {
      case kArAdd: set_float(r, float_add(x, y)); break;
      case kArSub: set_float(r, x - y); break;
      case kArMul: set_float(r, float_mul(x, y)); break;
      case kArMod: set_float(r, float_mod(x, y)); break;
      case kArPow: set_float(r, y == 2 ? x * x : std::pow(x, y)); break;
      case kArDiv: set_float(r, x / y); break;
      default: set_float(r, float_floordiv(x, y)); break;
    }
    return true;
  }
  int64_t x = a.i, y = b.i;
  switch (op) {
    case kArAdd: set_int(r, int_add(x, y)); break;
    case kArSub: set_int(r, int_sub(x, y)); break;
    case kArMul: set_int(r, int_mul(x, y)); break;
    case kArMod:
      if (y == 0) return false;
      set_int(r, int_mod(x, y));
      break;
    default:  // IDiv
      if (y == 0) return false;
      set_int(r, int_floordiv(x, y));
      break;
  }
  return true;
}

// --- comparisons of numbers ----------------------------------------------------------------
// Integers and floats compare by mathematical value, without rounding the integer.

constexpr int64_t kMaxExactInFloat = int64_t{1} << 53;

inline bool int_fits_float(int64_t i) {
  return static_cast<uint64_t>(i) + static_cast<uint64_t>(kMaxExactInFloat) <=
         2 * static_cast<uint64_t>(kMaxExactInFloat);
}

inline bool lt_int_float(int64_t i, double f) {
  if (int_fits_float(i)) return static_cast<double>(i) < f;
  // i < f  <=>  i < ceil(f)
  double c = std::ceil(f);
  if (c >= -9223372036854775808.0 && c < 9223372036854775808.0) return i < static_cast<int64_t>(c);
  return f > 0;  // beyond every integer (or NaN: false)
}
inline bool le_int_float(int64_t i, double f) {
  if (int_fits_float(i)) return static_cast<double>(i) <= f;
  double fl = std::floor(f);  // i <= f  <=>  i <= floor(f)
  if (fl >= -9223372036854775808.0 && fl < 9223372036854775808.0) return i <= static_cast<int64_t>(fl);
  return f > 0;
}
inline bool lt_float_int(double f, int64_t i) {
  if (int_fits_float(i)) return f < static_cast<double>(i);
  double fl = std::floor(f);  // f < i  <=>  floor(f) < i
  if (fl >= -9223372036854775808.0 && fl < 9223372036854775808.0) return static_cast<int64_t>(fl) < i;
  return f < 0;
}
inline bool le_float_int(double f, int64_t i) {
  if (int_fits_float(i)) return f <= static_cast<double>(i);
  double c = std::ceil(f);  // f <= i  <=>  ceil(f) <= i
  if (c >= -9223372036854775808.0 && c < 9223372036854775808.0) return static_cast<int64_t>(c) <= i;
  return f < 0;
}

inline bool lt_num(const Value& a, const Value& b) {
  if (a.is_int()) return b.is_int() ? a.i < b.i : lt_int_float(a.i, b.n);
  return b.is_float() ? a.n < b.n : lt_float_int(a.n, b.i);
}
inline bool le_num(const Value& a, const Value& b) {
  if (a.is_int()) return b.is_int() ? a.i <= b.i : le_int_float(a.i, b.n);
  return b.is_float() ? a.n <= b.n : le_float_int(a.n, b.i);
}
inline bool eq_num(const Value& a, const Value& b) {
  if (a.tag == b.tag) return a.is_int() ? a.i == b.i : a.n == b.n;
  int64_t i;
  if (a.is_int()) return float_to_integer(b.n, &i) && i == a.i;
  return float_to_integer(a.n, &i) && i == b.i;
}

}  // namespace cpjit::lua
