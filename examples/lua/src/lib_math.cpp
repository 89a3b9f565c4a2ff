// The math library. math.random uses xoshiro256** (Blackman & Vigna) seeded the way Lua 5.4
// seeds it, so a given math.randomseed(n) yields lua5.4's sequence.
#include <cmath>
#include <cstring>
#include <ctime>

#include "lib.h"

namespace cpjit::lua {

namespace {

constexpr double kPi = 3.141592653589793238462643383279502884;

// Pushes a float as an integer when it has an exact integer value in range.
int push_numint(State* L, double d) {
  int64_t i;
  if (float_to_integer(d, &i)) return push_int(L, i);
  return push_float(L, d);
}

int m_abs(State* L) {
  Value v = check_number_value(L, 1);
  if (v.is_int()) return push_int(L, v.i < 0 ? int_sub(0, v.i) : v.i);
  return push_float(L, std::fabs(v.n));
}

int m_floor(State* L) {
  Value v = check_number_value(L, 1);
  if (v.is_int()) return push_int(L, v.i);
  return push_numint(L, std::floor(v.n));
}

int m_ceil(State* L) {
  Value v = check_number_value(L, 1);
  if (v.is_int()) return push_int(L, v.i);
  return push_numint(L, std::ceil(v.n));
}

int m_fmod(State* L) {
  Value a = check_number_value(L, 1);
  Value b = check_number_value(L, 2);
  if (a.is_int() && b.is_int()) {
    if (b.i == 0) arg_error(L, 2, "zero");
    if (b.i == -1) return push_int(L, 0);  // INT64_MIN % -1 would trap
    return push_int(L, a.i % b.i);         // C's remainder: truncated, like fmod
  }
  return push_float(L, std::fmod(to_double(a), to_double(b)));
}

int m_modf(State* L) {
  Value v = check_number_value(L, 1);
  if (v.is_int()) {
    push_int(L, v.i);
    push_float(L, 0.0);
    return 2;
  }
  double n = v.n;
  double ip = n < 0 ? std::ceil(n) : std::floor(n);
  push_numint(L, ip);
  push_float(L, n == ip ? 0.0 : n - ip);
  return 2;
}

int m_sqrt(State* L) { return push_float(L, std::sqrt(check_number(L, 1))); }
int m_sin(State* L) { return push_float(L, std::sin(check_number(L, 1))); }
int m_cos(State* L) { return push_float(L, std::cos(check_number(L, 1))); }
int m_tan(State* L) { return push_float(L, std::tan(check_number(L, 1))); }
int m_asin(State* L) { return push_float(L, std::asin(check_number(L, 1))); }
int m_acos(State* L) { return push_float(L, std::acos(check_number(L, 1))); }
int m_atan(State* L) {
  double y = check_number(L, 1);
  double x = opt_number(L, 2, 1.0);
  return push_float(L, std::atan2(y, x));
}
int m_exp(State* L) { return push_float(L, std::exp(check_number(L, 1))); }
int m_deg(State* L) { return push_float(L, check_number(L, 1) * (180.0 / kPi)); }
int m_rad(State* L) { return push_float(L, check_number(L, 1) * (kPi / 180.0)); }

int m_log(State* L) {
  double x = check_number(L, 1);
  if (arg_none_or_nil(L, 2)) return push_float(L, std::log(x));
  double base = check_number(L, 2);
  if (base == 2.0) return push_float(L, std::log2(x));
  if (base == 10.0) return push_float(L, std::log10(x));
  return push_float(L, std::log(x) / std::log(base));
}

// Like lua5.4: any values, compared with '<' (metamethods included), no conversions.
int m_minmax(State* L, bool want_max) {
  int n = nargs(L);
  if (n < 1) arg_error(L, 1, "value expected");
  int best = 1;
  for (int i = 2; i <= n; i++) {
    Value* args = args_base(L);
    bool better = want_max ? less_than(L, &args[best - 1], &args[i - 1])
                           : less_than(L, &args[i - 1], &args[best - 1]);
    if (better) best = i;
  }
  return push_value(L, arg(L, best));
}
int m_max(State* L) { return m_minmax(L, true); }
int m_min(State* L) { return m_minmax(L, false); }

int m_tointeger(State* L) {
  const Value& v = arg(L, 1);
  int64_t i;
  if (v.is_int()) return push_int(L, v.i);
  if (v.is_float() && float_to_integer(v.n, &i)) return push_int(L, i);
  Value n;
  if (v.is_string() && str_to_number(v.s->data, v.s->len, &n) && number_to_integer(n, &i))
    return push_int(L, i);
  check_any(L, 1);
  return push_nil(L);
}

int m_type(State* L) {
  check_any(L, 1);
  const Value& v = arg(L, 1);
  if (v.is_int()) return push_str(L, "integer");
  if (v.is_float()) return push_str(L, "float");
  return push_nil(L);
}

int m_ult(State* L) {
  int64_t a = check_integer(L, 1);
  int64_t b = check_integer(L, 2);
  return push_bool(L, static_cast<uint64_t>(a) < static_cast<uint64_t>(b));
}

// --- xoshiro256** --------------------------------------------------------------------------

inline uint64_t rotl(uint64_t x, int n) { return (x << n) | (x >> (64 - n)); }

uint64_t next_rand(uint64_t* s) {
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

void set_seed(uint64_t* s, uint64_t n1, uint64_t n2) {
  s[0] = n1;
  s[1] = 0xff;  // keeps the state nonzero
  s[2] = n2;
  s[3] = 0;
  for (int i = 0; i < 16; i++) next_rand(s);  // spread the seed over the state
}

// A random integer in [0, n]: mask to the smallest 2^b - 1 >= n and retry values above n.
uint64_t project(uint64_t ran, uint64_t n, uint64_t* s) {
  if ((n & (n + 1)) == 0) return ran & n;
  uint64_t lim = n;
  lim |= lim >> 1;
  lim |= lim >> 2;
  lim |= lim >> 4;
  lim |= lim >> 8;
  lim |= lim >> 16;
  lim |= lim >> 32;
  while ((ran &= lim) > n) ran = next_rand(s);
  return ran;
}

int m_random(State* L) {
  uint64_t rv = next_rand(L->rng);
  int64_t low, up;
  switch (nargs(L)) {
    case 0: return push_float(L, static_cast<double>(rv >> 11) * 0x1.0p-53);
    case 1:
      low = 1;
      up = check_integer(L, 1);
      if (up == 0) return push_int(L, static_cast<int64_t>(rv));
      break;
    case 2:
      low = check_integer(L, 1);
      up = check_integer(L, 2);
      break;
    default: lib_error(L, "wrong number of arguments");
  }
  if (low > up) arg_error(L, 1, "interval is empty");
  uint64_t r = project(rv, static_cast<uint64_t>(up) - static_cast<uint64_t>(low), L->rng);
  return push_int(L, static_cast<int64_t>(r + static_cast<uint64_t>(low)));
}

int m_randomseed(State* L) {
  uint64_t n1, n2;
  if (arg_none(L, 1)) {
    n1 = static_cast<uint64_t>(std::time(nullptr));
    n2 = reinterpret_cast<uintptr_t>(L);
  } else {
    n1 = static_cast<uint64_t>(check_integer(L, 1));
    n2 = static_cast<uint64_t>(opt_integer(L, 2, 0));
  }
  set_seed(L->rng, n1, n2);
  push_int(L, static_cast<int64_t>(n1));
  push_int(L, static_cast<int64_t>(n2));
  return 2;
}

const LibFunc kMathFuncs[] = {
    {"abs", m_abs},     {"ceil", m_ceil},   {"floor", m_floor}, {"fmod", m_fmod},
    {"modf", m_modf},   {"sqrt", m_sqrt},   {"sin", m_sin},     {"cos", m_cos},
    {"tan", m_tan},     {"asin", m_asin},   {"acos", m_acos},   {"atan", m_atan},
    {"exp", m_exp},     {"log", m_log},     {"deg", m_deg},     {"rad", m_rad},
    {"max", m_max},     {"min", m_min},     {"tointeger", m_tointeger},
    {"type", m_type},   {"ult", m_ult},     {"random", m_random},
    {"randomseed", m_randomseed},           {nullptr, nullptr},
};

}  // namespace

void open_math(State* L) {
  Table* m = new_lib(L, "math", kMathFuncs);
  table_set_str(L, m, str_new(L, "pi"), Value::number(kPi));
  table_set_str(L, m, str_new(L, "huge"), Value::number(HUGE_VAL));
  table_set_str(L, m, str_new(L, "maxinteger"), Value::integer(INT64_MAX));
  table_set_str(L, m, str_new(L, "mininteger"), Value::integer(INT64_MIN));
  set_seed(L->rng, static_cast<uint64_t>(std::time(nullptr)), reinterpret_cast<uintptr_t>(L));
}

}  // namespace cpjit::lua
