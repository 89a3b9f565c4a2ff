// The observers without external tools: dump files, perf map lines, the jitdump record layout,
// the GDB JIT objects and list, the environment factory, and enter_trace() running real code.
// Runs natively and, cross-built, under qemu-aarch64.
#include <catch2/catch.hpp>

#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "observe/dump_file.h"
#include "observe/enter.h"
#include "observe/gdb_jit.h"
#include "observe/jitdump.h"
#include "observe/names.h"
#include "observe/observer.h"
#include "observe/perf_map.h"
#include "sample_traces.h"
#include "sample_vm.h"
#include "samples.h"

using namespace cpjit;
using namespace cpjit::jit;
using namespace cpjit::jit::observe;

extern "C" int64_t cpjit_sample_helper(struct cpjit_sample_frame *frame, int64_t value) {
  frame->helper_calls++;
  return value * 3 + 1;
}
extern "C" double cpjit_sample_hypot(double x, double y) { return std::hypot(x, y); }

// The protocol's list head, to check its links directly.
extern "C" {
struct jit_code_entry {
  jit_code_entry *next_entry;
  jit_code_entry *prev_entry;
  const char *symfile_addr;
  uint64_t symfile_size;
};
struct jit_descriptor {
  uint32_t version;
  uint32_t action_flag;
  jit_code_entry *relevant_entry;
  jit_code_entry *first_entry;
};
extern jit_descriptor __jit_debug_descriptor;
}

namespace {

const cpjit_arch kArches[] = {CPJIT_ARCH_X86_64, CPJIT_ARCH_AARCH64};

TraceDump sample(cpjit_arch arch, const std::string &name) {
  TraceDump d;
  Status s = inspect_test::make_sample_dump(arch, name, d);
  INFO(s.message());
  REQUIRE(s.ok());
  return d;
}

struct TempDir {
  std::string path;
  TempDir() {
    char pattern[] = "/tmp/cpjit-observe-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    path = pattern;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    FILE *ls = ::popen(("ls -A '" + path + "'").c_str(), "r");
    char line[512];
    while (ls && std::fgets(line, sizeof line, ls)) out.emplace_back(line, std::strcspn(line, "\n"));
    if (ls) ::pclose(ls);
    return out;
  }
};

std::string read_file(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// A fake getenv over a map, so tests never depend on (or change) the process environment.
std::map<std::string, std::string> g_env;
const char *fake_getenv(const char *name) {
  auto it = g_env.find(name);
  return it == g_env.end() ? nullptr : it->second.c_str();
}

}  // namespace

TEST_CASE("code ranges tile every sample trace", "[observe][unit]") {
  for (cpjit_arch arch : kArches) {
    for (const std::string &name : inspect_test::sample_trace_names()) {
      const TraceDump d = sample(arch, name);
      const std::vector<CodeRange> ranges = code_ranges(d, "trace7");
      INFO(arch_name(arch) << " " << name);
      REQUIRE(!ranges.empty());
      size_t uops = 0;
      for (size_t i = 0; i < ranges.size(); ++i) {
        CHECK(ranges[i].size > 0);
        CHECK(ranges[i].name.rfind("trace7:", 0) == 0);
        CHECK(uint64_t{ranges[i].offset} + ranges[i].size <= d.bytes.size());
        if (i > 0) CHECK(ranges[i].offset >= ranges[i - 1].offset + ranges[i - 1].size);
        if (ranges[i].kind == CodeRange::Kind::kUop) {
          REQUIRE(uops < d.uops.size());
          CHECK(ranges[i].name == "trace7:" + d.uops[uops].name);
          CHECK(ranges[i].offset == d.uops[uops].offset);
          ++uops;
        }
      }
      CHECK(uops == d.uops.size());
      // An exit stub each, and a link jump (trace7:exit<k>.link) for each linkable exit.
      size_t stubs = 0, links = 0, expected_links = 0;
      for (const CodeRange &r : ranges) {
        if (r.kind != CodeRange::Kind::kExitStub) continue;
        const bool link = r.name.size() > 5 && r.name.compare(r.name.size() - 5, 5, ".link") == 0;
        (link ? links : stubs) += 1;
      }
      for (const StubRecord &s : d.stubs) expected_links += s.link_offset != kNoExit;
      CHECK(stubs == d.stubs.size());
      CHECK(links == expected_links);
      if (name == "calls") CHECK(expected_links == 2);
    }
  }
}

TEST_CASE("dump JSON carries every record and escapes names", "[observe][unit]") {
  TraceDump d = sample(CPJIT_ARCH_AARCH64, "calls");
  std::string json = dump_to_json(d, "trace42");
  CHECK(json.find("\"format\": \"cpjit-trace-dump\"") != std::string::npos);
  CHECK(json.find("\"version\": 1") != std::string::npos);
  CHECK(json.find("\"trace\": \"trace42\"") != std::string::npos);
  CHECK(json.find("\"arch\": \"aarch64\"") != std::string::npos);
  CHECK(json.find("\"address\": \"0x10000000\"") != std::string::npos);
  CHECK(json.find("\"symbol\": \"cpjit_sample_helper\"") != std::string::npos);
  CHECK(json.find("\"error_exit\": 2") != std::string::npos);
  // One object per uop, stub and hole.
  auto count = [&](const std::string &needle) {
    size_t n = 0;
    for (size_t at = json.find(needle); at != std::string::npos; at = json.find(needle, at + 1)) ++n;
    return n;
  };
  CHECK(count("{\"index\": ") == d.uops.size());
  CHECK(count("{\"exit\": ") == d.stubs.size());
  CHECK(count("{\"owner\": ") == d.holes.size());

  d.uops[0].name = "odd\"name\\with\ncontrol\x01";
  json = dump_to_json(d, "t");
  CHECK(json.find("odd\\\"name\\\\with\\u000acontrol\\u0001") != std::string::npos);
  CHECK(json.find('\n' + std::string("control")) == std::string::npos);
}

TEST_CASE("dump files are written whole, or not at all with a reason", "[observe][unit]") {
  TempDir dir;
  const TraceDump d = sample(CPJIT_ARCH_X86_64, "loop");
  Status s = write_dump_file(dir.path, "trace3", d);
  INFO(s.message());
  REQUIRE(s.ok());
  CHECK(read_file(dir.path + "/trace3.json") == dump_to_json(d, "trace3"));
  CHECK(dir.files() == std::vector<std::string>{"trace3.json"});  // no temporary left behind

  s = write_dump_file(dir.path + "/missing", "trace3", d);
  CHECK(s.code() == ErrorCode::kSystem);
  CHECK(s.message().find(dir.path + "/missing/") != std::string::npos);
  for (const char *bad : {"", "../trace3", "a/b", ".hidden"}) {
    INFO(bad);
    CHECK(write_dump_file(dir.path, bad, d).code() == ErrorCode::kInvalidTrace);
  }

  // Concurrent writers of one name: the file is always one complete dump.
  const TraceDump other = sample(CPJIT_ARCH_X86_64, "calls");
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i)
        if (!write_dump_file(dir.path, "same", t % 2 ? d : other).ok()) ++failures;
    });
  for (auto &t : threads) t.join();
  CHECK(failures == 0);
  const std::string text = read_file(dir.path + "/same.json");
  CHECK((text == dump_to_json(d, "same") || text == dump_to_json(other, "same")));
  CHECK(dir.files().size() == 2);
}

TEST_CASE("perf map lines: one per range, in perf's format", "[observe][unit]") {
  const TraceDump d = sample(CPJIT_ARCH_X86_64, "tables");
  const std::string text = perf_map_lines(d, "trace5");
  const std::regex line_format("([0-9a-f]+) ([0-9a-f]+) (trace5:\\w+)");
  std::istringstream lines(text);
  std::string line;
  std::vector<std::string> names;
  uint64_t next = 0;
  while (std::getline(lines, line)) {
    std::smatch m;
    INFO(line);
    REQUIRE(std::regex_match(line, m, line_format));
    const uint64_t start = std::stoull(m[1], nullptr, 16), size = std::stoull(m[2], nullptr, 16);
    CHECK(start >= next);  // in order, never overlapping
    CHECK(start + size <= d.address + d.bytes.size());
    next = start + size;
    names.push_back(m[3]);
  }
  CHECK(names.front() == "trace5:SWITCH");
  CHECK(std::count(names.begin(), names.end(), "trace5") == 0);
  CHECK(names.size() == code_ranges(d, "trace5").size());

  TempDir dir;
  std::unique_ptr<PerfMapObserver> map;
  REQUIRE(PerfMapObserver::create(dir.path + "/perf-test.map", map).ok());
  // Catch2 assertions are not thread-safe: worker threads only count failures.
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i)
        if (!map->trace_compiled(static_cast<uint64_t>(t * 100 + i), d).ok()) ++failures;
    });
  for (auto &t : threads) t.join();
  CHECK(failures == 0);
  CHECK(map->code_installed("cpjit_entry", 0x1000, std::vector<uint8_t>(48)).ok());
  map.reset();
  std::istringstream all(read_file(dir.path + "/perf-test.map"));
  size_t count = 0, entry = 0;
  std::set<std::string> traces;
  while (std::getline(all, line)) {
    std::smatch m;
    INFO(line);
    REQUIRE(std::regex_match(line, m, std::regex("([0-9a-f]+) ([0-9a-f]+) (trace\\d+:\\w+|cpjit_entry)")));
    if (m[3] == "cpjit_entry") {
      ++entry;
      CHECK(m[1] == "1000");
      CHECK(m[2] == "30");
    } else {
      traces.insert(m[3].str().substr(0, m[3].str().find(':')));
    }
    ++count;
  }
  CHECK(entry == 1);
  CHECK(traces.size() == 200);
  CHECK(count == 200 * names.size() + 1);

  std::unique_ptr<PerfMapObserver> none;
  CHECK(PerfMapObserver::create(dir.path + "/no/such/dir/x.map", none).code() == ErrorCode::kSystem);
  CHECK(PerfMapObserver::default_path() == "/tmp/perf-" + std::to_string(::getpid()) + ".map");
}

namespace {

struct JitdumpRecord {
  uint32_t id = 0;
  uint64_t timestamp = 0;
  jitdump::CodeLoad load{};
  std::string name;
  std::vector<uint8_t> code;
};

// Parses a jitdump file the way perf reads it: the header, then records by total_size.
std::vector<JitdumpRecord> parse_jitdump(const std::string &bytes, jitdump::FileHeader &header) {
  REQUIRE(bytes.size() >= sizeof header);
  std::memcpy(&header, bytes.data(), sizeof header);
  std::vector<JitdumpRecord> out;
  size_t at = header.total_size;
  while (at < bytes.size()) {
    jitdump::RecordHeader h;
    REQUIRE(at + sizeof h <= bytes.size());
    std::memcpy(&h, bytes.data() + at, sizeof h);
    REQUIRE(h.total_size >= sizeof h);
    REQUIRE(at + h.total_size <= bytes.size());
    JitdumpRecord r;
    r.id = h.id;
    r.timestamp = h.timestamp;
    if (h.id == jitdump::kCodeLoad) {
      REQUIRE(h.total_size >= sizeof r.load + 1);
      std::memcpy(&r.load, bytes.data() + at, sizeof r.load);
      const char *name = bytes.data() + at + sizeof r.load;
      r.name = std::string(name, ::strnlen(name, h.total_size - sizeof r.load));
      const size_t code_at = at + sizeof r.load + r.name.size() + 1;
      REQUIRE(code_at + r.load.code_size == at + h.total_size);
      r.code.assign(bytes.begin() + static_cast<long>(code_at), bytes.begin() + static_cast<long>(code_at + r.load.code_size));
    }
    out.push_back(std::move(r));
    at += h.total_size;
  }
  return out;
}

TraceDump host_sample(const std::string &name) {
  REQUIRE(host_arch() != CPJIT_ARCH_NONE);
  return sample(host_arch(), name);
}

}  // namespace

TEST_CASE("jitdump: header, one load record per trace and per uop, a close record", "[observe][unit]") {
  TempDir dir;
  const TraceDump loop = host_sample("loop"), calls = host_sample("calls");
  {
    std::unique_ptr<JitdumpObserver> a, b;
    REQUIRE(JitdumpObserver::create(dir.path, a).ok());
    REQUIRE(JitdumpObserver::create(dir.path, b).ok());  // the same file, shared
    CHECK(a->path() == dir.path + "/jit-" + std::to_string(::getpid()) + ".dump");
    CHECK(b->path() == a->path());

    // Mapped executable once, as perf needs to find it.
    std::ifstream maps("/proc/self/maps");
    std::string line;
    int mappings = 0;
    while (std::getline(maps, line))
      if (line.find(a->path()) != std::string::npos) {
        ++mappings;
        CHECK(line.substr(line.find(' ') + 1, 4).find('x') != std::string::npos);
      }
    CHECK(mappings == 1);

    CHECK(a->code_installed("cpjit_entry", 0x4000, std::vector<uint8_t>{1, 2, 3}).ok());
    CHECK(a->trace_compiled(1, loop).ok());
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < 10; ++i)
          if (!(t % 2 ? a : b)->trace_compiled(static_cast<uint64_t>(100 + t * 10 + i), calls).ok()) ++failures;
      });
    for (auto &t : threads) t.join();
    CHECK(failures == 0);
    CHECK(a->trace_freed(1, loop.address, loop.bytes.size()).ok());

    const cpjit_arch other = host_arch() == CPJIT_ARCH_X86_64 ? CPJIT_ARCH_AARCH64 : CPJIT_ARCH_X86_64;
    CHECK(a->trace_compiled(9, sample(other, "loop")).code() == ErrorCode::kUnsupported);
  }

  jitdump::FileHeader header{};
  const std::vector<JitdumpRecord> records = parse_jitdump(read_file(JitdumpObserver::path_in(dir.path)), header);
  CHECK(header.magic == jitdump::kMagic);
  CHECK(header.version == 1);
  CHECK(header.total_size == sizeof header);
  CHECK(header.elf_mach == elf_machine(host_arch()));
  CHECK(header.pid == static_cast<uint32_t>(::getpid()));

  REQUIRE(records.size() >= 3);
  CHECK(records.back().id == jitdump::kCodeClose);
  CHECK(records.front().name == "cpjit_entry");
  CHECK(records.front().code == std::vector<uint8_t>{1, 2, 3});
  uint64_t last_time = header.timestamp, last_index = 0;
  size_t loads = 0;
  std::map<std::string, size_t> per_trace;
  for (size_t i = 0; i < records.size(); ++i) {
    const JitdumpRecord &r = records[i];
    CHECK(r.timestamp >= last_time);
    last_time = r.timestamp;
    if (r.id != jitdump::kCodeLoad) continue;
    CHECK(r.load.pid == header.pid);
    CHECK(r.load.vma == r.load.code_addr);
    if (loads > 0) CHECK(r.load.code_index > last_index);
    last_index = r.load.code_index;
    ++loads;
    const std::string trace = r.name.substr(0, r.name.find(':'));
    if (trace != "cpjit_entry") ++per_trace[trace];
  }
  // trace1 (loop) and 40 copies of calls: a whole-trace record, then uops, trap and stubs.
  auto code_parts = [](const TraceDump &d) {
    size_t n = 0;
    for (const CodeRange &r : code_ranges(d, "t")) n += r.is_code();
    return n;
  };
  CHECK(per_trace.size() == 41);
  CHECK(per_trace["trace1"] == 1 + code_parts(loop));
  CHECK(per_trace["trace100"] == 1 + code_parts(calls));
  // The loop trace's records, in order, with their bytes.
  auto it = std::find_if(records.begin(), records.end(), [](const JitdumpRecord &r) { return r.name == "trace1"; });
  REQUIRE(it != records.end());
  CHECK(it->load.code_addr == loop.address);
  CHECK(it->code == loop.bytes);
  CHECK((it + 1)->name == "trace1:ADD_IMM");
  CHECK((it + 1)->code == std::vector<uint8_t>(loop.bytes.begin(), loop.bytes.begin() + loop.uops[0].size));

  std::unique_ptr<JitdumpObserver> bad;
  CHECK(JitdumpObserver::create(dir.path + "/missing", bad).code() == ErrorCode::kSystem);
}

namespace {

// Reads the ELF object GDB would read, with <elf.h> only.
struct Elf {
  std::vector<uint8_t> bytes;
  Elf64_Ehdr header{};
  std::vector<Elf64_Shdr> sections;
  std::string section_names;

  explicit Elf(std::vector<uint8_t> b) : bytes(std::move(b)) {
    REQUIRE(bytes.size() >= sizeof header);
    std::memcpy(&header, bytes.data(), sizeof header);
    REQUIRE(header.e_shoff + header.e_shnum * sizeof(Elf64_Shdr) <= bytes.size());
    sections.resize(header.e_shnum);
    std::memcpy(sections.data(), bytes.data() + header.e_shoff, header.e_shnum * sizeof(Elf64_Shdr));
    for (const Elf64_Shdr &s : sections) REQUIRE(s.sh_offset + (s.sh_type == SHT_NOBITS ? 0 : s.sh_size) <= bytes.size());
    REQUIRE(header.e_shstrndx < sections.size());
    section_names = contents(sections[header.e_shstrndx]);
  }
  std::string contents(const Elf64_Shdr &s) const {
    return std::string(reinterpret_cast<const char *>(bytes.data() + s.sh_offset), s.sh_size);
  }
  const Elf64_Shdr *find(const std::string &name) const {
    for (const Elf64_Shdr &s : sections)
      if (s.sh_name < section_names.size() && section_names.c_str() + s.sh_name == name) return &s;
    return nullptr;
  }
};

void check_gdb_object(const std::vector<uint8_t> &object, const TraceDump &d, const std::string &trace) {
  Elf elf(object);
  CHECK(std::memcmp(elf.header.e_ident, ELFMAG, SELFMAG) == 0);
  CHECK(elf.header.e_ident[EI_CLASS] == ELFCLASS64);
  CHECK(elf.header.e_type == ET_REL);
  CHECK(elf.header.e_machine == elf_machine(d.arch));
  const Elf64_Shdr *text = elf.find(".text");
  const Elf64_Shdr *eh_frame = elf.find(".eh_frame");
  const Elf64_Shdr *symtab = elf.find(".symtab");
  REQUIRE(text);
  REQUIRE(eh_frame);
  REQUIRE(symtab);
  CHECK(text->sh_addr == d.address);
  CHECK((text->sh_flags & (SHF_ALLOC | SHF_EXECINSTR)) == (SHF_ALLOC | SHF_EXECINSTR));
  const std::string code = elf.contents(*text);
  CHECK(std::vector<uint8_t>(code.begin(), code.end()) == d.bytes);
  const std::string cfi = elf.contents(*eh_frame);
  CHECK(std::vector<uint8_t>(cfi.begin(), cfi.end()) == steady_state_eh_frame(d.arch, d.address, d.bytes.size()));

  REQUIRE(symtab->sh_entsize == sizeof(Elf64_Sym));
  REQUIRE(symtab->sh_link < elf.sections.size());
  const std::string strings = elf.contents(elf.sections[symtab->sh_link]);
  std::vector<Elf64_Sym> symbols(symtab->sh_size / sizeof(Elf64_Sym));
  std::memcpy(symbols.data(), elf.bytes.data() + symtab->sh_offset, symtab->sh_size);
  const std::vector<CodeRange> ranges = code_ranges(d, trace);
  REQUIRE(symbols.size() == ranges.size() + 1);
  for (size_t i = 0; i < ranges.size(); ++i) {
    const Elf64_Sym &s = symbols[i + 1];
    INFO(ranges[i].name);
    CHECK(strings.c_str() + s.st_name == ranges[i].name);
    CHECK(s.st_value == ranges[i].offset);
    CHECK(s.st_size == ranges[i].size);
    CHECK(ELF64_ST_TYPE(s.st_info) == (ranges[i].is_code() ? STT_FUNC : STT_OBJECT));
    CHECK(s.st_shndx == static_cast<size_t>(text - elf.sections.data()));
  }
}

std::vector<const jit_code_entry *> registered_entries() {
  std::vector<const jit_code_entry *> out;
  const jit_code_entry *prev = nullptr;
  for (const jit_code_entry *e = __jit_debug_descriptor.first_entry; e != nullptr; e = e->next_entry) {
    CHECK(e->prev_entry == prev);  // the list is doubly linked both ways
    prev = e;
    out.push_back(e);
  }
  return out;
}

}  // namespace

TEST_CASE("steady-state .eh_frame: a CIE with the frame-pointer rule and one FDE", "[observe][unit]") {
  for (cpjit_arch arch : kArches) {
    INFO(arch_name(arch));
    const std::vector<uint8_t> b = steady_state_eh_frame(arch, 0x123456789000, 0x2a0);
    auto u32 = [&](size_t at) { uint32_t v; std::memcpy(&v, b.data() + at, 4); return v; };
    auto u64 = [&](size_t at) { uint64_t v; std::memcpy(&v, b.data() + at, 8); return v; };
    const uint32_t cie_length = u32(0);
    REQUIRE((cie_length + 4) % 8 == 0);
    CHECK(u32(4) == 0);   // CIE id
    CHECK(b[8] == 1);     // version
    CHECK(b[9] == 0);     // augmentation ""
    const bool x86 = arch == CPJIT_ARCH_X86_64;
    const uint8_t fp = x86 ? 6 : 29, ra = x86 ? 16 : 30;
    CHECK(b[10] == (x86 ? 1 : 4));  // code alignment
    CHECK(b[11] == 0x78);           // data alignment -8
    CHECK(b[12] == ra);
    const std::vector<uint8_t> rule(b.begin() + 13, b.begin() + 20);
    CHECK(rule == std::vector<uint8_t>{0x0c, fp, 16, static_cast<uint8_t>(0x80 | ra), 1, static_cast<uint8_t>(0x80 | fp), 2});
    for (size_t i = 20; i < cie_length + 4; ++i) CHECK(b[i] == 0);  // DW_CFA_nop padding
    const size_t fde = cie_length + 4;
    const uint32_t fde_length = u32(fde);
    CHECK((fde_length + 4) % 8 == 0);
    CHECK(u32(fde + 4) == fde + 4);  // back to the CIE at 0
    CHECK(u64(fde + 8) == 0x123456789000);
    CHECK(u64(fde + 16) == 0x2a0);
    CHECK(b.size() == fde + fde_length + 4 + 4);
    CHECK(u32(b.size() - 4) == 0);  // terminator
  }
  CHECK(steady_state_eh_frame(CPJIT_ARCH_NONE, 0, 1).empty());
}

TEST_CASE("GDB JIT objects are well-formed ELF for both targets", "[observe][unit]") {
  for (cpjit_arch arch : kArches)
    for (const std::string &name : inspect_test::sample_trace_names()) {
      INFO(arch_name(arch) << " " << name);
      const TraceDump d = sample(arch, name);
      check_gdb_object(build_gdb_object(d, "trace12"), d, "trace12");
    }
}

TEST_CASE("GDB JIT registration: register, unregister, from many threads", "[observe][unit]") {
  const size_t before = registered_entries().size();
  const TraceDump loop = host_sample("loop"), calls = host_sample("calls");
  {
    std::unique_ptr<GdbJitObserver> gdb;
    REQUIRE(GdbJitObserver::create(gdb).ok());
    REQUIRE(gdb->trace_compiled(3, loop).ok());
    CHECK(__jit_debug_descriptor.action_flag == 1);  // JIT_REGISTER_FN
    REQUIRE(registered_entries().size() == before + 1);
    check_gdb_object(gdb_registered_objects().front(), loop, "trace3");
    CHECK(gdb->trace_compiled(3, loop).code() == ErrorCode::kInvalidTrace);  // already there
    CHECK(gdb->trace_freed(3, loop.address, loop.bytes.size()).ok());
    CHECK(__jit_debug_descriptor.action_flag == 2);  // JIT_UNREGISTER_FN
    CHECK(registered_entries().size() == before);
    CHECK(gdb->trace_freed(3, loop.address, loop.bytes.size()).code() == ErrorCode::kInvalidTrace);

    const cpjit_arch other = host_arch() == CPJIT_ARCH_X86_64 ? CPJIT_ARCH_AARCH64 : CPJIT_ARCH_X86_64;
    CHECK(gdb->trace_compiled(4, sample(other, "loop")).code() == ErrorCode::kUnsupported);

    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) {
          const uint64_t id = static_cast<uint64_t>(1000 + t * 100 + i);
          if (!gdb->trace_compiled(id, calls).ok()) ++failures;
          if (i % 2 == 0 && !gdb->trace_freed(id, calls.address, calls.bytes.size()).ok()) ++failures;
        }
      });
    for (auto &t : threads) t.join();
    CHECK(failures == 0);
    CHECK(registered_entries().size() == before + 100);
    CHECK(gdb->code_installed("cpjit_entry", 0x4000, std::vector<uint8_t>(32, 0x90)).ok());
    CHECK(registered_entries().size() == before + 101);
  }
  // The observer's destructor unregisters what is left.
  CHECK(registered_entries().size() == before);
}

TEST_CASE("the factory builds nothing when every switch is off", "[observe][unit]") {
  g_env.clear();
  ObserverConfig config;
  CHECK(config_from_environment(config, fake_getenv).ok());
  CHECK(!config.any());
  std::unique_ptr<TraceObserver> observer = std::make_unique<ObserverList>(std::vector<std::unique_ptr<TraceObserver>>{});
  CHECK(observers_from_environment(observer, fake_getenv).ok());
  CHECK(observer == nullptr);
  for (const char *off : {"", "0"}) {
    g_env = {{"CPJIT_DUMP", off}, {"CPJIT_PERF", off}, {"CPJIT_GDB", off}};
    CHECK(observers_from_environment(observer, fake_getenv).ok());
    CHECK(observer == nullptr);
  }
  // The process environment of the test run sets none of them either.
  for (const char *name : {"CPJIT_DUMP", "CPJIT_PERF", "CPJIT_GDB"}) ::unsetenv(name);
  CHECK(observers_from_environment(observer).ok());
  CHECK(observer == nullptr);
}

TEST_CASE("the factory reads every switch and reports bad values", "[observe][unit]") {
  TempDir dir;
  ObserverConfig config;
  g_env = {{"CPJIT_DUMP", dir.path + "/dumps/nested"}, {"CPJIT_PERF", "map,jitdump"},
           {"CPJIT_PERF_DIR", dir.path}, {"CPJIT_GDB", "1"}};
  REQUIRE(config_from_environment(config, fake_getenv).ok());
  CHECK(config.dump_dir == dir.path + "/dumps/nested");
  CHECK(config.perf_map);
  CHECK(config.jitdump);
  CHECK(config.jitdump_dir == dir.path);
  CHECK(config.gdb);
  CHECK(config.needs_private_code_memory());

  g_env = {{"CPJIT_PERF", "maps"}, {"CPJIT_GDB", "yes"}};
  Status s = config_from_environment(config, fake_getenv);
  CHECK(s.code() == ErrorCode::kUnsupported);
  CHECK(s.message().find("CPJIT_PERF=maps") != std::string::npos);
  CHECK(s.message().find("CPJIT_GDB=yes") != std::string::npos);
  CHECK(!config.any());

  // Dump directory observer: creates the directory, writes trace<N>.json.
  g_env = {{"CPJIT_DUMP", dir.path + "/dumps/nested"}};
  std::unique_ptr<TraceObserver> observer;
  REQUIRE(observers_from_environment(observer, fake_getenv).ok());
  REQUIRE(observer != nullptr);
  const TraceDump d = sample(CPJIT_ARCH_AARCH64, "tables");
  CHECK(observer->trace_compiled(17, d).ok());
  CHECK(read_file(dir.path + "/dumps/nested/trace17.json") == dump_to_json(d, "trace17"));
  CHECK(observer->trace_freed(17, d.address, d.bytes.size()).ok());

  // An unusable dump directory is reported, and the other observers are still built.
  g_env = {{"CPJIT_DUMP", "/proc/cpjit-cannot-exist"}, {"CPJIT_GDB", "1"}};
  s = observers_from_environment(observer, fake_getenv);
  CHECK(s.code() == ErrorCode::kSystem);
  CHECK(s.message().find("/proc/cpjit-cannot-exist") != std::string::npos);
  REQUIRE(observer != nullptr);
  CHECK(dynamic_cast<GdbJitObserver *>(observer.get()) != nullptr);

  // Everything at once: one list, each observer called.
  g_env = {{"CPJIT_DUMP", dir.path + "/all"}, {"CPJIT_PERF", "jitdump"}, {"CPJIT_PERF_DIR", dir.path},
           {"CPJIT_GDB", "1"}};
  REQUIRE(observers_from_environment(observer, fake_getenv).ok());
  auto *list = dynamic_cast<ObserverList *>(observer.get());
  REQUIRE(list != nullptr);
  CHECK(list->size() == 3);
  const TraceDump host = host_sample("loop");
  const size_t registered = registered_entries().size();
  CHECK(observer->trace_compiled(5, host).ok());
  CHECK(registered_entries().size() == registered + 1);
  CHECK(read_file(dir.path + "/all/trace5.json") == dump_to_json(host, "trace5"));
  // The list returns the first failure but still calls everyone.
  CHECK(observer->trace_freed(6, 0, 0).code() == ErrorCode::kInvalidTrace);
  CHECK(observer->trace_freed(5, host.address, host.bytes.size()).ok());
  CHECK(registered_entries().size() == registered);
}

TEST_CASE("enter_trace runs a trace from a frame with a frame record", "[observe][e2e]") {
  REQUIRE(host_arch() != CPJIT_ARCH_NONE);
#define CPJIT_TEST_SYMBOL(name) SymbolBinding{#name, reinterpret_cast<const void *>(&name)},
  const SymbolBinding symbols[] = {CPJIT_STENCILS_SAMPLES_SYMBOLS(CPJIT_TEST_SYMBOL)};
#undef CPJIT_TEST_SYMBOL
  for (WxStrategy strategy : {WxStrategy::kDualMapping, WxStrategy::kMprotect}) {
    CodeMemoryConfig config;
    config.strategy = strategy;
    config.near = reinterpret_cast<const void *>(&cpjit_sample_helper);
    std::unique_ptr<CodeMemory> memory;
    REQUIRE(CodeMemory::create(config, memory).ok());
    std::unique_ptr<StencilLibrary> lib;
    REQUIRE(StencilLibrary::create(CPJIT_STENCILS_SAMPLES, symbols, lib).ok());
    CodeMemory::Block entry, block;
    REQUIRE(install_entry(*memory, *lib, entry).ok());

    cpjit_exit_record records[1] = {};
    const uint64_t record = reinterpret_cast<uintptr_t>(&records[0]);
    std::vector<TraceInstruction> insns(4);
    insns[0].stencil = static_cast<uint32_t>(lib->find("CALL_HELPER"));
    insns[0].operands[0] = 2;  // s2 = helper(s0)
    insns[1].stencil = static_cast<uint32_t>(lib->find("ADD_IMM"));
    insns[1].operands[0] = 0;
    insns[1].operands[2] = 1;  // s0 += 1
    insns[2].stencil = static_cast<uint32_t>(lib->find("JUMP_IF_LT"));
    insns[2].operands[1] = 1;
    insns[2].jump_target = 0;
    insns[3].stencil = static_cast<uint32_t>(lib->find("EXIT"));
    insns[3].exits[0] = 0;
    TraceLayout layout;
    REQUIRE(assemble_trace(*memory, *lib, TraceSpec{insns, {&record, 1}}, block, layout).ok());

    cpjit_sample_frame frame;
    std::memset(&frame, 0, sizeof frame);
    frame.slots[1] = 1000;
    CHECK(enter_trace(entry.address, layout.address, &frame) == record);
    CHECK(frame.slots[0] == 1000);
    CHECK(frame.slots[2] == 999 * 3 + 1);
    CHECK(frame.helper_calls == 1000);
    CHECK(records[0].hits == 1);
    memory->release(block);
    memory->release(entry);
  }
}
