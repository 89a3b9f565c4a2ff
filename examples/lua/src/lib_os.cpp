// The os library and the small part of debug that programs use (traceback).
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <unistd.h>

#include "lib.h"

namespace cpjit::lua {

namespace {

int os_clock(State* L) {
  return push_float(L, static_cast<double>(std::clock()) / static_cast<double>(CLOCKS_PER_SEC));
}

int os_getenv(State* L) {
  const char* v = std::getenv(check_string(L, 1)->data);
  if (v == nullptr) return push_nil(L);
  return push_str(L, v);
}

int os_exit(State* L) {
  int code;
  const Value& a = arg(L, 1);
  if (a.tag == kTagTrue || a.is_nil()) code = EXIT_SUCCESS;
  else if (a.tag == kTagFalse) code = EXIT_FAILURE;
  else code = static_cast<int>(check_integer(L, 1));
  std::fflush(nullptr);
  std::exit(code);
}

int os_remove(State* L) {
  String* name = check_string(L, 1);
  if (std::remove(name->data) != 0) {
    int en = errno;
    return push_fail(L, format("%s: %s", name->data, std::strerror(en)), en);
  }
  return push_bool(L, true);
}

int os_rename(State* L) {
  String* from = check_string(L, 1);
  String* to = check_string(L, 2);
  if (std::rename(from->data, to->data) != 0) {
    int en = errno;
    return push_fail(L, std::strerror(en), en);  // lua5.4 names no file here
  }
  return push_bool(L, true);
}

int os_tmpname(State* L) {
  char name[] = "/tmp/lua_XXXXXX";
  int fd = mkstemp(name);
  if (fd == -1) lib_error(L, "unable to generate a unique filename");
  ::close(fd);
  return push_str(L, name);
}

int os_difftime(State* L) {
  int64_t t1 = check_integer(L, 1);
  int64_t t2 = check_integer(L, 2);
  return push_float(L, std::difftime(static_cast<time_t>(t1), static_cast<time_t>(t2)));
}

void set_field(State* L, Table* t, const char* k, int64_t v) {
  table_set_str(L, t, str_new(L, k), Value::integer(v));
}

void set_time_fields(State* L, Table* t, const struct tm* tm) {
  set_field(L, t, "year", static_cast<int64_t>(tm->tm_year) + 1900);
  set_field(L, t, "month", tm->tm_mon + 1);
  set_field(L, t, "day", tm->tm_mday);
  set_field(L, t, "hour", tm->tm_hour);
  set_field(L, t, "min", tm->tm_min);
  set_field(L, t, "sec", tm->tm_sec);
  set_field(L, t, "yday", tm->tm_yday + 1);
  set_field(L, t, "wday", tm->tm_wday + 1);
  if (tm->tm_isdst >= 0) table_set_str(L, t, str_new(L, "isdst"), Value::boolean(tm->tm_isdst != 0));
}

int os_date(State* L) {
  String* fs = opt_string(L, 1, nullptr);
  const char* f = fs ? fs->data : "%c";
  time_t t = arg_none_or_nil(L, 2) ? std::time(nullptr) : static_cast<time_t>(check_integer(L, 2));
  struct tm tmr;
  struct tm* tm;
  if (*f == '!') {
    tm = gmtime_r(&t, &tmr);
    f++;
  } else {
    tm = localtime_r(&t, &tmr);
  }
  if (tm == nullptr) lib_error(L, "date result cannot be represented in this installation");
  if (std::strcmp(f, "*t") == 0) {
    Table* r = table_new(L, 0, 9);
    push_value(L, Value::table(r));
    set_time_fields(L, r, tm);
    return 1;
  }
  std::string out;
  const char* end = f + std::strlen(f);
  while (f < end) {
    if (*f != '%') {
      out += *f++;
      continue;
    }
    const char* spec = f;
    f++;
    size_t len = 1;
    // Conversions C99 defines, with the E and O modifiers where it allows them.
    static const char* single = "aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%";
    if (f < end && (*f == 'E' || *f == 'O')) {
      const char* allowed = *f == 'E' ? "cCxXyY" : "deHImMSuUVwWy";
      if (f + 1 < end && std::strchr(allowed, f[1]) && f[1]) len = 2;
      else len = 0;
    } else if (!(f < end && *f && std::strchr(single, *f))) {
      len = 0;
    }
    if (len == 0) {
      // Quote the '%', a modifier if any, and the letter after it (what the input has of them).
      size_t shown = f < end && (*f == 'E' || *f == 'O') ? 3 : 2;
      if (shown > static_cast<size_t>(end - spec)) shown = static_cast<size_t>(end - spec);
      std::string msg = format("invalid conversion specifier '%s'", std::string(spec, shown).c_str());
      arg_error(L, 1, msg.c_str());
    }
    std::string one(spec, len + 1);
    char buf[256];
    size_t n = std::strftime(buf, sizeof buf, one.c_str(), tm);
    out.append(buf, n);
    f += len;
  }
  return push_str(L, out);
}

int get_field(State* L, Table* t, const char* k, int def, int delta) {
  const Value* v = table_get_str(t, str_new(L, k));
  if (v->is_nil()) {
    if (def < 0) lib_error(L, "field '%s' missing in date table", k);
    return def;
  }
  int64_t i;
  Value n;
  if (!(v->is_number() || (v->is_string() && str_to_number(v->s->data, v->s->len, &n)))) {
    lib_error(L, "field '%s' is not an integer", k);
  }
  if (!number_to_integer(v->is_number() ? *v : n, &i)) lib_error(L, "field '%s' is not an integer", k);
  if (i - delta < INT32_MIN || i - delta > INT32_MAX) lib_error(L, "field '%s' is out-of-bound", k);
  return static_cast<int>(i - delta);
}

int os_time(State* L) {
  if (arg_none_or_nil(L, 1)) return push_int(L, static_cast<int64_t>(std::time(nullptr)));
  Table* t = check_table(L, 1);
  struct tm tm;
  std::memset(&tm, 0, sizeof tm);
  tm.tm_year = get_field(L, t, "year", -1, 1900);
  tm.tm_mon = get_field(L, t, "month", -1, 1);
  tm.tm_mday = get_field(L, t, "day", -1, 0);
  tm.tm_hour = get_field(L, t, "hour", 12, 0);
  tm.tm_min = get_field(L, t, "min", 0, 0);
  tm.tm_sec = get_field(L, t, "sec", 0, 0);
  const Value* dst = table_get_str(t, str_new(L, "isdst"));
  tm.tm_isdst = dst->is_nil() ? -1 : !dst->is_falsy();
  time_t r = std::mktime(&tm);
  if (r == static_cast<time_t>(-1) && errno != 0)
    lib_error(L, "time result cannot be represented in this installation");
  set_time_fields(L, t, &tm);  // normalised fields, as lua5.4 updates them
  return push_int(L, static_cast<int64_t>(r));
}

int dbg_traceback(State* L) {
  const Value& msg = arg(L, 1);
  if (!msg.is_nil() && !msg.is_string() && !msg.is_number()) return push_value(L, msg);
  int level = static_cast<int>(opt_integer(L, 2, 1));
  std::string m;
  if (!msg.is_nil()) {
    Value v = msg;
    to_string_inplace(L, &v);
    m.assign(v.s->data, v.s->len);
  }
  std::string tb = traceback(L, msg.is_nil() ? nullptr : m.c_str(), level);
  return push_str(L, tb);
}

const LibFunc kOsFuncs[] = {
    {"clock", os_clock},   {"getenv", os_getenv},   {"exit", os_exit},       {"remove", os_remove},
    {"rename", os_rename}, {"tmpname", os_tmpname}, {"difftime", os_difftime}, {"date", os_date},
    {"time", os_time},     {nullptr, nullptr},
};

const LibFunc kDebugFuncs[] = {
    {"traceback", dbg_traceback},
    {nullptr, nullptr},
};

}  // namespace

void open_os(State* L) { new_lib(L, "os", kOsFuncs); }
void open_debug(State* L) { new_lib(L, "debug", kDebugFuncs); }

}  // namespace cpjit::lua
