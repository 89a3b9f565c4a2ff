#include "generate.h"

#include "stencilgen_source_digest.h"  // CPJIT_STENCILGEN_SOURCE_DIGEST (tools/CMakeLists.txt)

#include <llvm/BinaryFormat/ELF.h>
#include <llvm/Support/SHA256.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <thread>

#include "../common/disasm.h"
#include "clang_driver.h"
#include "error.h"
#include "process.h"
#include "stencils.h"
#include "writers.h"

namespace fs = std::filesystem;

namespace cpjit::gen {

const char *const kGeneratorVersion = "cpjit-stencilgen 0.1.1";  // in the digest, with the digest of the sources

namespace {

std::string read_file(const std::string &path, bool must_exist = true) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (must_exist) fail("cannot read " + path);
    return "";
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Writes `content` to `path` through a temporary file and a rename, so a reader never sees a
// half-written file. Leaves the file (and its timestamp) alone when the content is unchanged.
void write_atomically(const std::string &path, const std::string &content) {
  if (fs::exists(path) && read_file(path, false) == content) return;
  fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path());
  std::string temp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) fail("cannot write " + temp);
    out << content;
    out.flush();
    if (!out) fail("cannot write " + temp);
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    fs::remove(temp);
    fail("cannot rename " + temp + " to " + path + ": " + ec.message());
  }
}

std::string to_hex(const std::array<uint8_t, 32> &digest) {
  static const char *digits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : digest) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// Make-style dependency list written by `clang -M`: "target: a.c b.h \\\n c.h".
std::vector<std::string> parse_make_deps(const std::string &text) {
  std::vector<std::string> deps;
  size_t colon = text.find(": ");
  if (colon == std::string::npos) return deps;
  std::string current;
  for (size_t i = colon + 2; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      char n = text[i + 1];
      if (n == '\n') {
        ++i;
        continue;
      }
      if (n == ' ' || n == '#' || n == '\\') {
        current += n;
        ++i;
        continue;
      }
    }
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      if (!current.empty()) deps.push_back(current);
      current.clear();
      continue;
    }
    if (c == '$' && i + 1 < text.size() && text[i + 1] == '$') ++i;
    current += c;
  }
  if (!current.empty()) deps.push_back(current);
  return deps;
}

std::string escape_make(const std::string &path) {
  std::string out;
  for (char c : path) {
    if (c == ' ' || c == '#' || c == '\\') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

std::string stem_identifier(const std::string &path) {
  std::string stem = fs::path(path).stem().string();
  for (char &c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  if (stem.empty() || std::isdigit(static_cast<unsigned char>(stem[0]))) stem = "_" + stem;
  return stem;
}

bool is_identifier(const std::string &s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

struct Progress {
  bool quiet;
  std::string prefix;
  void say(const std::string &line) const {
    if (!quiet) std::fprintf(stderr, "%s%s\n", prefix.c_str(), line.c_str());
  }
};

class TempDir {
 public:
  TempDir() {
    const char *tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/cpjit-stencilgen-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) fail("cannot create a temporary directory");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string &path() const { return path_; }

 private:
  std::string path_;
};

std::vector<uint8_t> read_bytes(const std::string &path) {
  std::string s = read_file(path);
  return std::vector<uint8_t>(s.begin(), s.end());
}

void check_compile(const ProcessResult &r, const std::vector<std::string> &argv, const std::string &what) {
  if (r.exit_code != 0)
    fail("clang failed on " + what + " (exit " + std::to_string(r.exit_code) + ")\n  " + quote_command(argv) +
         "\n" + r.output);
}

// Where <cpjit/stencil.h> lives: $CPJIT_SDK_INCLUDE, else next to an installed generator
// (<prefix>/bin -> <prefix>/include), else the source tree it was built from.
std::string sdk_include_dir() {
  if (const char *env = std::getenv("CPJIT_SDK_INCLUDE"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "include";
    if (fs::exists(installed / "cpjit" / "stencil.h")) return installed.string();
  }
  return CPJIT_SDK_INCLUDE_DIR;
}

// The uop interpreter: the templates compiled once more with CPJIT_INTERP, plus the table that
// maps uop names to their functions (which are static in that mode, so several interpreters
// can live in one program).
void compile_interpreter(const Options &opt, const TargetInfo &target, const ClangInfo &clang, const std::string &sysroot,
                         const StencilSet &set, const std::string &temp) {
  std::ostringstream c;
  c << "/* Generated by " << kGeneratorVersion << ": the uop interpreter of stencil set " << set.name << ". */\n";
  for (const std::string &source : opt.sources) c << "#include \"" << fs::absolute(source).string() << "\"\n";
  bool has_entry = false, has_stub = false;
  std::vector<std::string> uops;
  for (const Stencil &s : set.stencils) {
    if (s.role == CPJIT_ROLE_UOP) uops.push_back(s.name);
    has_entry |= s.role == CPJIT_ROLE_ENTRY;
    has_stub |= s.role == CPJIT_ROLE_EXIT_STUB;
  }
  c << "\nstatic CPJIT_PRESERVE_NONE cpjit_result cpjit_interp__fall_off(CPJIT_PARAMS, const cpjit_interp_insn *ip) {\n"
       "  (void)ip;\n  __builtin_trap();\n}\n";
  c << "static const char *const cpjit_interp__names[] = {";
  for (const std::string &u : uops) c << "\"" << u << "\", ";
  c << "0};\nstatic const void *const cpjit_interp__handlers[] = {";
  for (const std::string &u : uops) c << "(const void *)&cpjit_uop_" << u << ", ";
  c << "0};\n";
  c << "const cpjit_interp_table cpjit_interp_" << set.name << "_" << target.arch << " = {\n  CPJIT_STENCIL_ABI_VERSION, "
    << uops.size() << ", cpjit_interp__names, cpjit_interp__handlers, " << (has_entry ? "&cpjit_entry" : "0") << ", "
    << (has_stub ? "(const void *)&cpjit_exit_stub" : "0") << ", (const void *)&cpjit_interp__fall_off};\n";
  const std::string wrapper = temp + "/interp_" + set.name + ".c";
  {
    std::ofstream out(wrapper);
    out << c.str();
    if (!out) fail("cannot write " + wrapper);
  }
  const std::string object = opt.interp_object + ".tmp." + std::to_string(getpid());
  std::vector<std::string> argv = {clang.path};
  for (const Flag &f : interpreter_flags(target, sysroot)) argv.push_back(f.text);
  for (const std::string &d : opt.defines) argv.push_back("-D" + d);
  for (const std::string &f : opt.extra_cflags) argv.push_back(f);
  argv.push_back("-I" + sdk_include_dir());
  for (const std::string &dir : opt.include_dirs) argv.push_back("-I" + dir);
  argv.insert(argv.end(), {"-c", "-o", object, wrapper});
  ProcessResult r = run_process(argv);
  check_compile(r, argv, "the uop interpreter of " + set.name);
  std::error_code ec;
  fs::path target_path(opt.interp_object);
  if (target_path.has_parent_path()) fs::create_directories(target_path.parent_path());
  fs::rename(object, opt.interp_object, ec);
  if (ec) fail("cannot write " + opt.interp_object + ": " + ec.message());
}

}  // namespace

int generate(const Options &opt) {
  const auto started = std::chrono::steady_clock::now();
  const TargetInfo *target = find_target(opt.target);
  if (target == nullptr) fail("unknown target '" + opt.target + "'; supported: " + supported_targets());
  if (opt.sources.empty()) fail("no template source given");
  if (opt.header.empty() && opt.json.empty() && opt.text.empty() && opt.print.empty() && opt.interp_object.empty() &&
      !opt.check)
    fail("nothing to write: give -o, --json, --text, --print or --interp-object");
  for (const std::string &source : opt.sources)
    if (!fs::is_regular_file(source)) fail("template " + source + " does not exist");

  StencilSet set;
  set.name = opt.name.empty() ? stem_identifier(opt.sources.front()) : opt.name;
  if (!is_identifier(set.name)) fail("--name must be a C identifier, not '" + set.name + "'");
  set.target = target->triple;
  set.machine = target->machine;
  Progress progress{opt.quiet, std::string("cpjit-stencilgen [") + target->arch + "] "};

  ClangInfo clang = find_clang(opt.clang);
  std::string sysroot = opt.sysroot.empty() ? default_sysroot(*target) : opt.sysroot;

  // The command line: fixed stencil flags, then the user's defines and flags, then includes.
  // Include directories are machine-specific paths; the digest covers the files they provide.
  std::vector<std::string> portable_flags;
  for (const Flag &f : stencil_flags(*target, sysroot)) portable_flags.push_back(f.text);
  for (const std::string &d : opt.defines) portable_flags.push_back("-D" + d);
  for (const std::string &f : opt.extra_cflags) portable_flags.push_back(f);
  std::vector<std::string> base = {clang.path};
  base.insert(base.end(), portable_flags.begin(), portable_flags.end());
  base.push_back("-I" + sdk_include_dir());
  for (const std::string &dir : opt.include_dirs) base.push_back("-I" + dir);

  // Dependencies (for the digest and for the build system's depfile) from the preprocessor.
  std::vector<std::string> deps;
  {
    std::set<std::string> seen;
    for (const std::string &source : opt.sources) {
      std::vector<std::string> argv = base;
      argv.insert(argv.end(), {"-M", "-MT", "stencils", source});
      ProcessResult r = run_process(argv);
      check_compile(r, argv, source);
      for (const std::string &dep : parse_make_deps(r.output))
        if (seen.insert(dep).second) deps.push_back(dep);
    }
  }

  SetMeta meta;
  meta.generator = kGeneratorVersion;
  meta.clang_version = clang.version;
  meta.flags = portable_flags;
  for (const std::string &source : opt.sources) meta.sources.push_back(fs::path(source).filename().string());
  {
    llvm::SHA256 sha;
    auto add = [&](const std::string &s) {
      sha.update(llvm::StringRef(s));
      sha.update(llvm::StringRef("\0", 1));
    };
    add(kGeneratorVersion);
    add(CPJIT_STENCILGEN_SOURCE_DIGEST);
    add(std::to_string(CPJIT_STENCIL_ABI_VERSION));
    add(target->triple);
    add(set.name);
    add(clang.version);
    for (const std::string &f : portable_flags) add(f);
    for (const std::string &dep : deps) {
      add(fs::path(dep).filename().string());
      add(read_file(dep));
    }
    meta.digest = to_hex(sha.final());
  }

  if (!opt.depfile.empty()) {
    std::string rule = escape_make(opt.header.empty() ? (opt.json.empty() ? opt.text : opt.json) : opt.header) + ":";
    for (const std::string &dep : deps) rule += " \\\n  " + escape_make(dep);
    write_atomically(opt.depfile, rule + "\n");
  }

  // Up to date when every requested output already carries this digest.
  auto current = [&](const std::string &path) {
    return path.empty() || read_header_digest(read_file(path, false)) == meta.digest;
  };
  auto interp_current = [&] {
    return opt.interp_object.empty() ||
           (fs::exists(opt.interp_object) && read_file(opt.interp_object + ".digest", false) == meta.digest + "\n");
  };
  bool up_to_date = current(opt.header) && current(opt.json) && interp_current() && opt.text.empty() && opt.print.empty();
  if (opt.check) {
    bool fresh = current(opt.header) && current(opt.json);
    std::printf("%s\n", fresh ? "up to date" : "stale");
    return fresh ? 0 : 1;
  }
  if (up_to_date && !opt.force) {
    progress.say("up to date (" + meta.digest.substr(0, 12) + ")");
    return 0;
  }

  TempDir temp;
  unsigned jobs = opt.jobs ? opt.jobs : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::pair<std::string, std::string>> objects;  // (object path, what)
  if (opt.strategy == Strategy::TranslationUnit) {
    std::vector<std::vector<std::string>> commands;
    for (size_t i = 0; i < opt.sources.size(); ++i) {
      std::string object = temp.path() + "/" + std::to_string(i) + ".o";
      std::vector<std::string> argv = base;
      argv.insert(argv.end(), {"-c", "-o", object, opt.sources[i]});
      commands.push_back(argv);
      objects.emplace_back(object, meta.sources[i]);
    }
    progress.say("compiling " + std::to_string(opt.sources.size()) + " template file(s)");
    auto results = run_processes(commands, jobs);
    for (size_t i = 0; i < results.size(); ++i) check_compile(results[i], commands[i], opt.sources[i]);
  } else {
    // List the stencils with a quick unoptimised compile, then one process per stencil.
    std::vector<std::vector<std::string>> commands;
    std::vector<std::string> whats;
    for (size_t i = 0; i < opt.sources.size(); ++i) {
      std::string listing = temp.path() + "/list" + std::to_string(i) + ".o";
      std::vector<std::string> argv = base;
      argv.insert(argv.end(), {"-O0", "-c", "-o", listing, opt.sources[i]});
      ProcessResult r = run_process(argv);
      check_compile(r, argv, opt.sources[i]);
      ObjectFile list = read_object(read_bytes(listing), meta.sources[i]);
      for (const ObjSymbol &sym : list.symbols) {
        if (sym.type != llvm::ELF::STT_FUNC || sym.is_undefined() || sym.binding == llvm::ELF::STB_LOCAL) continue;
        std::string key;
        if (sym.name.rfind(CPJIT_UOP_PREFIX, 0) == 0) key = sym.name.substr(std::string(CPJIT_UOP_PREFIX).size());
        else if (sym.name == CPJIT_ENTRY_NAME || sym.name == CPJIT_EXIT_STUB_NAME) key = sym.name;
        else continue;
        std::string object = temp.path() + "/" + std::to_string(i) + "_" + key + ".o";
        std::vector<std::string> job = base;
        job.insert(job.end(), {"-DCPJIT_SELECT", "-DCPJIT_KEEP_" + key + "=~,", "-c", "-o", object, opt.sources[i]});
        commands.push_back(job);
        whats.push_back(meta.sources[i]);
        objects.emplace_back(object, meta.sources[i]);
      }
    }
    size_t done = 0;
    auto results = run_processes(commands, jobs, [&](size_t) {
      ++done;
      if (done == commands.size() || done % 16 == 0)
        progress.say("[" + std::to_string(done) + "/" + std::to_string(commands.size()) + "] stencils compiled");
    });
    for (size_t i = 0; i < results.size(); ++i) check_compile(results[i], commands[i], whats[i]);
  }

  for (const auto &[path, what] : objects) {
    ObjectFile object = read_object(read_bytes(path), what);
    for (Stencil &s : extract_stencils(object, what)) set.stencils.push_back(std::move(s));
    if (!opt.keep_objects.empty()) {
      fs::create_directories(opt.keep_objects);
      fs::copy_file(path, fs::path(opt.keep_objects) / (std::string(target->arch) + "_" + fs::path(path).filename().string()),
                    fs::copy_options::overwrite_existing);
    }
  }
  finalize_set(set);

  if (!opt.interp_object.empty()) {
    compile_interpreter(opt, *target, clang, sysroot, set, temp.path());
    write_atomically(opt.interp_object + ".digest", meta.digest + "\n");
    progress.say("uop interpreter: " + opt.interp_object);
  }

  std::string error;
  auto dis = tools::Disassembler::create(target->triple, error);
  if (!dis) fail("disassembler: " + error);
  if (!opt.header.empty()) write_atomically(opt.header, render_header(set, meta, *dis));
  if (!opt.json.empty()) write_atomically(opt.json, render_json(set, meta, *dis));
  if (opt.text == "-") std::fputs(render_text(set, *dis).c_str(), stdout);
  else if (!opt.text.empty()) write_atomically(opt.text, render_text(set, *dis));
  if (!opt.print.empty()) {
    const Stencil *found = nullptr;
    for (const Stencil &s : set.stencils)
      if (s.name == opt.print) found = &s;
    if (found == nullptr) fail("--print: no stencil named " + opt.print);
    std::fputs(render_stencil_text(set, *found, *dis).c_str(), stdout);
  }

  size_t code_bytes = 0;
  for (const Stencil &s : set.stencils) code_bytes += s.code.size();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char summary[160];
  std::snprintf(summary, sizeof summary, "%zu stencils, %zu code bytes, %zu symbols in %.2f s", set.stencils.size(),
                code_bytes, set.symbols.size(), seconds);
  progress.say(summary);
  return 0;
}

}  // namespace cpjit::gen
