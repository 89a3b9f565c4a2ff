// The io library: files are userdata with the shared "FILE*" metatable.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "func.h"
#include "lib.h"

namespace cpjit::lua {

namespace {

struct LuaFile {
  FILE* f;
  bool closed;
  bool standard;  // stdin/stdout/stderr: close() refuses
};

constexpr const char* kFileMeta = "FILE*";
constexpr const char* kInputKey = "_IO_input";
constexpr const char* kOutputKey = "_IO_output";

Table* file_meta(State* L) {
  const Value* v = table_get_str(L->registry, str_new(L, kFileMeta));
  return v->t;
}

LuaFile* to_file(const Value& v, State* L) {
  if (v.tag != kTagUserdata || v.ud->meta != file_meta(L)) return nullptr;
  return reinterpret_cast<LuaFile*>(v.ud->data);
}

LuaFile* check_file_arg(State* L, int i) {
  LuaFile* lf = to_file(arg(L, i), L);
  if (lf == nullptr) type_arg_error(L, i, kFileMeta);
  return lf;
}

LuaFile* check_open_file(State* L, int i) {
  LuaFile* lf = check_file_arg(L, i);
  if (lf->closed) lib_error(L, "attempt to use a closed file");
  return lf;
}

Value new_file(State* L, FILE* f, bool standard) {
  Userdata* u = userdata_new(L, sizeof(LuaFile));
  u->meta = file_meta(L);
  auto* lf = reinterpret_cast<LuaFile*>(u->data);
  lf->f = f;
  lf->closed = false;
  lf->standard = standard;
  return Value::userdata(u);
}

int errno_result(State* L, const char* fname) {
  int en = errno;
  if (fname) return push_fail(L, format("%s: %s", fname, std::strerror(en)), en);
  return push_fail(L, std::strerror(en), en);
}

Value get_default(State* L, const char* key) { return *table_get_str(L->registry, str_new(L, key)); }
void set_default(State* L, const char* key, const Value& v) {
  table_set_str(L, L->registry, str_new(L, key), v);
}

bool valid_mode(const char* mode) {
  if (*mode == '\0' || std::strchr("rwa", *mode) == nullptr) return false;
  mode++;
  if (*mode == '+') mode++;
  while (*mode == 'b') mode++;
  return *mode == '\0';
}

// --- reading -------------------------------------------------------------------------------

// Reads a numeral the way the Lua lexer would accept it, one character of lookahead (so a
// failed read consumes at most what looked like a number).
bool read_number(State* L, FILE* f) {
  std::string buf;
  int c;
  do {
    c = std::getc(f);
  } while (c != EOF && (c == ' ' || (c >= '\t' && c <= '\r')));
  auto accept = [&](const char* set) {
    if (c != EOF && std::strchr(set, c) && buf.size() < 200) {
      buf += static_cast<char>(c);
      c = std::getc(f);
      return true;
    }
    return false;
  };
  accept("-+");
  bool hex = false;
  int count = 0;
  if (accept("0")) {
    count++;
    if (accept("xX")) hex = true;
  }
  const char* digits = hex ? "0123456789abcdefABCDEF" : "0123456789";
  while (accept(digits)) count++;
  if (accept(".")) {
    while (accept(digits)) count++;
  }
  if (count > 0 && accept(hex ? "pP" : "eE")) {
    accept("-+");
    while (accept("0123456789")) {
    }
  }
  if (c != EOF) std::ungetc(c, f);
  Value v;
  if (!buf.empty() && str_to_number(buf.c_str(), buf.size(), &v)) {
    push_value(L, v);
    return true;
  }
  push_nil(L);
  return false;
}

bool read_line(State* L, FILE* f, bool keep_newline) {
  std::string line;
  int c;
  while ((c = std::getc(f)) != EOF && c != '\n') line += static_cast<char>(c);
  if (c == '\n' && keep_newline) line += '\n';
  if (c == EOF && line.empty()) {
    push_nil(L);
    return false;
  }
  push_str(L, line);
  return true;
}

void read_all(State* L, FILE* f) {
  std::string all;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) all.append(buf, n);
  push_str(L, all);
}

bool read_chars(State* L, FILE* f, uint64_t n) {
  std::string s;
  char buf[65536];
  while (n > 0) {
    size_t want = n < sizeof buf ? static_cast<size_t>(n) : sizeof buf;
    size_t got = std::fread(buf, 1, want, f);
    s.append(buf, got);
    n -= got;
    if (got < want) break;
  }
  if (s.empty()) {
    push_nil(L);
    return false;
  }
  push_str(L, s);
  return true;
}

// Reads with the formats in args [first, first + nformats); pushes one value per format,
// stopping after the first failure.
int do_read(State* L, FILE* f, int first, int nformats) {
  std::clearerr(f);
  if (nformats == 0) {
    read_line(L, f, false);
    return 1;
  }
  check_stack(L, nformats);
  int n;
  bool ok = true;
  for (n = 0; n < nformats && ok; n++) {
    const Value& fmt = args_base(L)[first - 1 + n];
    if (fmt.is_int() || fmt.is_float()) {
      int64_t count;
      if (!number_to_integer(fmt, &count)) arg_error(L, first + n, "number has no integer representation");
      if (count == 0) {
        int c = std::getc(f);
        if (c != EOF) std::ungetc(c, f);
        if (c == EOF) {
          push_nil(L);
          ok = false;
        } else {
          push_str(L, "");
        }
      } else {
        ok = read_chars(L, f, static_cast<uint64_t>(count));
      }
      continue;
    }
    if (!fmt.is_string()) arg_error(L, first + n, "invalid format");
    const char* p = fmt.s->data;
    if (*p == '*') p++;
    switch (*p) {
      case 'n': ok = read_number(L, f); break;
      case 'l': ok = read_line(L, f, false); break;
      case 'L': ok = read_line(L, f, true); break;
      case 'a': read_all(L, f); break;
      default: arg_error(L, first + n, "invalid format");
    }
  }
  if (std::ferror(f)) return errno_result(L, nullptr);
  return n;
}

int do_write(State* L, FILE* f, int first, const Value& file_value) {
  int n = nargs(L);
  bool ok = true;
  for (int i = first; i <= n; i++) {
    const Value& v = arg(L, i);
    if (v.is_int()) {
      char buf[64];
      const size_t len = static_cast<size_t>(number_to_chars(v, buf));
      ok = ok && std::fwrite(buf, 1, len, f) == len;
    } else if (v.is_float()) {
      ok = ok && std::fprintf(f, "%.14g", v.n) > 0;
    } else {
      String* s = check_string(L, i);
      ok = ok && std::fwrite(s->data, 1, s->len, f) == s->len;
    }
  }
  if (!ok) return errno_result(L, nullptr);
  return push_value(L, file_value);
}

// --- file methods --------------------------------------------------------------------------

int close_file(State* L, LuaFile* lf) {
  if (lf->standard) {
    push_nil(L);
    push_str(L, "cannot close standard file");
    return 2;
  }
  int r = std::fclose(lf->f);
  lf->closed = true;
  lf->f = nullptr;
  if (r != 0) return errno_result(L, nullptr);
  return push_bool(L, true);
}

int f_close(State* L) { return close_file(L, check_open_file(L, 1)); }

int f_read(State* L) {
  LuaFile* lf = check_open_file(L, 1);
  return do_read(L, lf->f, 2, nargs(L) - 1);
}

int f_write(State* L) {
  LuaFile* lf = check_open_file(L, 1);
  Value self = arg(L, 1);
  return do_write(L, lf->f, 2, self);
}

int f_flush(State* L) {
  LuaFile* lf = check_open_file(L, 1);
  if (std::fflush(lf->f) != 0) return errno_result(L, nullptr);
  return push_value(L, arg(L, 1));
}

int f_seek(State* L) {
  LuaFile* lf = check_open_file(L, 1);
  static const char* const kModes[] = {"set", "cur", "end"};
  static const int kWhence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  String* m = opt_string(L, 2, nullptr);
  int which = 1;
  if (m) {
    which = -1;
    for (int i = 0; i < 3; i++)
      if (std::strcmp(m->data, kModes[i]) == 0) which = i;
    if (which < 0) {
      std::string msg = format("invalid option '%s'", m->data);
      arg_error(L, 2, msg.c_str());
    }
  }
  int64_t off = opt_integer(L, 3, 0);
  if (std::fseek(lf->f, static_cast<long>(off), kWhence[which]) != 0) return errno_result(L, nullptr);
  return push_int(L, static_cast<int64_t>(std::ftell(lf->f)));
}

int f_setvbuf(State* L) {
  LuaFile* lf = check_open_file(L, 1);
  String* m = check_string(L, 2);
  int mode;
  if (std::strcmp(m->data, "no") == 0) mode = _IONBF;
  else if (std::strcmp(m->data, "full") == 0) mode = _IOFBF;
  else if (std::strcmp(m->data, "line") == 0) mode = _IOLBF;
  else {
    std::string msg = format("invalid option '%s'", m->data);
    arg_error(L, 2, msg.c_str());
  }
  int64_t size = opt_integer(L, 3, BUFSIZ);
  int r = std::setvbuf(lf->f, nullptr, mode, static_cast<size_t>(size));
  if (r != 0) return errno_result(L, nullptr);
  return push_bool(L, true);
}

// Iterator for lines(): upvalues [file, close at EOF?, format...].
int lines_step(State* L) {
  CClosure* self = L->ci->func->ccl;
  LuaFile* lf = to_file(self->upvalues[0], L);
  if (lf == nullptr || lf->closed) lib_error(L, "file is already closed");
  int nformats = self->nupvals - 2;
  // Re-push the formats as arguments so do_read can read them.
  L->top = args_base(L);
  check_stack(L, nformats + 1);
  for (int i = 0; i < nformats; i++) push_value(L, self->upvalues[2 + i]);
  int first = 1;
  int n = do_read(L, lf->f, first, nformats);
  Value* results = L->top - n;
  if (n > 0 && !results[0].is_nil()) return n;
  if (n > 1 && std::ferror(lf->f)) lib_error(L, "%s", results[1].s->data);
  if (!self->upvalues[1].is_falsy()) {
    std::fclose(lf->f);
    lf->closed = true;
    lf->f = nullptr;
  }
  return 0;
}

Value make_lines(State* L, const Value& file, bool close_at_eof, int first) {
  int nformats = nargs(L) - first + 1;
  if (nformats < 0) nformats = 0;
  if (nformats > 250) lib_error(L, "too many arguments");
  CClosure* cl = cclosure_new(L, lines_step, nformats + 2);
  cl->upvalues[0] = file;
  cl->upvalues[1] = Value::boolean(close_at_eof);
  for (int i = 0; i < nformats; i++) cl->upvalues[2 + i] = arg(L, first + i);
  return Value::cclosure(cl);
}

int f_lines(State* L) {
  check_open_file(L, 1);
  return push_value(L, make_lines(L, arg(L, 1), false, 2));
}

int f_tostring(State* L) {
  LuaFile* lf = check_file_arg(L, 1);
  if (lf->closed) return push_str(L, "file (closed)");
  return push_str(L, format("file (%p)", static_cast<void*>(lf->f)));
}

// --- io functions --------------------------------------------------------------------------

int io_open(State* L) {
  String* name = check_string(L, 1);
  String* mode = opt_string(L, 2, nullptr);
  const char* m = mode ? mode->data : "r";
  if (!valid_mode(m)) arg_error(L, 2, "invalid mode");
  FILE* f = std::fopen(name->data, m);
  if (f == nullptr) return errno_result(L, name->data);
  return push_value(L, new_file(L, f, false));
}

int io_close(State* L) {
  if (arg_none(L, 1)) {
    Value out = get_default(L, kOutputKey);
    LuaFile* lf = to_file(out, L);
    if (lf->closed) lib_error(L, "attempt to use a closed file");
    return close_file(L, lf);
  }
  return f_close(L);
}

LuaFile* default_file(State* L, const char* key, Value* v) {
  *v = get_default(L, key);
  LuaFile* lf = to_file(*v, L);
  if (lf == nullptr || lf->closed)
    lib_error(L, "default %s file is closed", std::strcmp(key, kInputKey) == 0 ? "input" : "output");
  return lf;
}

int io_read(State* L) {
  Value v;
  LuaFile* lf = default_file(L, kInputKey, &v);
  return do_read(L, lf->f, 1, nargs(L));
}

int io_write(State* L) {
  Value v;
  LuaFile* lf = default_file(L, kOutputKey, &v);
  return do_write(L, lf->f, 1, v);
}

int io_flush(State* L) {
  Value v;
  LuaFile* lf = default_file(L, kOutputKey, &v);
  if (std::fflush(lf->f) != 0) return errno_result(L, nullptr);
  return push_value(L, v);
}

int io_lines(State* L) {
  if (arg_none_or_nil(L, 1)) {
    Value v;
    default_file(L, kInputKey, &v);
    return push_value(L, make_lines(L, v, false, 2));
  }
  String* name = check_string(L, 1);
  FILE* f = std::fopen(name->data, "r");
  if (f == nullptr) lib_error(L, "cannot open file '%s' (%s)", name->data, std::strerror(errno));
  // No collection can happen before the results are pushed: nothing here is a safe point.
  Value file = new_file(L, f, false);
  Value it = make_lines(L, file, true, 2);
  push_value(L, it);
  push_nil(L);
  push_nil(L);
  push_value(L, file);
  return 4;
}

int io_type(State* L) {
  check_any(L, 1);
  LuaFile* lf = to_file(arg(L, 1), L);
  if (lf == nullptr) return push_nil(L);
  return push_str(L, lf->closed ? "closed file" : "file");
}

int set_io_default(State* L, const char* key, const char* mode) {
  if (!arg_none_or_nil(L, 1)) {
    const Value& a = arg(L, 1);
    if (a.is_string()) {
      FILE* f = std::fopen(a.s->data, mode);
      if (f == nullptr) lib_error(L, "cannot open file '%s' (%s)", a.s->data, std::strerror(errno));
      set_default(L, key, new_file(L, f, false));
    } else {
      check_open_file(L, 1);
      set_default(L, key, a);
    }
  }
  return push_value(L, get_default(L, key));
}

int io_input(State* L) { return set_io_default(L, kInputKey, "r"); }
int io_output(State* L) { return set_io_default(L, kOutputKey, "w"); }

int io_tmpfile(State* L) {
  FILE* f = std::tmpfile();
  if (f == nullptr) return errno_result(L, nullptr);
  return push_value(L, new_file(L, f, false));
}

const LibFunc kIoFuncs[] = {
    {"open", io_open},     {"close", io_close},   {"read", io_read},     {"write", io_write},
    {"lines", io_lines},   {"flush", io_flush},   {"type", io_type},     {"input", io_input},
    {"output", io_output}, {"tmpfile", io_tmpfile}, {nullptr, nullptr},
};

const LibFunc kFileMethods[] = {
    {"close", f_close}, {"read", f_read},   {"write", f_write},     {"flush", f_flush},
    {"seek", f_seek},   {"lines", f_lines}, {"setvbuf", f_setvbuf}, {nullptr, nullptr},
};

}  // namespace

void open_io(State* L) {
  Table* meta = table_new(L, 0, 8);
  table_set_str(L, L->registry, str_new(L, kFileMeta), Value::table(meta));
  Table* methods = table_new(L, 0, 8);
  set_funcs(L, methods, kFileMethods, "file:");
  table_set_str(L, meta, L->tm_names[kTMIndex], Value::table(methods));
  table_set_str(L, meta, L->tm_names[kTMName], Value::string(str_new(L, kFileMeta)));
  table_set_str(L, meta, L->tm_names[kTMToString], Value::cfunction(f_tostring));
  Table* io = new_lib(L, "io", kIoFuncs);
  Value in = new_file(L, stdin, true);
  Value out = new_file(L, stdout, true);
  Value err = new_file(L, stderr, true);
  table_set_str(L, io, str_new(L, "stdin"), in);
  table_set_str(L, io, str_new(L, "stdout"), out);
  table_set_str(L, io, str_new(L, "stderr"), err);
  set_default(L, kInputKey, in);
  set_default(L, kOutputKey, out);
}

}  // namespace cpjit::lua
