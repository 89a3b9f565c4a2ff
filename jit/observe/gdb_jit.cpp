#include "gdb_jit.h"

#include <elf.h>

#include <cstring>

#include "backend.h"

// ---- the protocol ------------------------------------------------------------------------
// Names, layout and values are fixed by GDB ("JIT Compilation Interface" in the GDB manual):
// GDB puts a breakpoint in __jit_debug_register_code and, when it is hit, reads
// __jit_debug_descriptor to find the entry that was added or removed. Reserved identifiers,
// because that is what GDB looks up.
extern "C" {

enum cpjit_jit_actions : uint32_t { JIT_NOACTION = 0, JIT_REGISTER_FN = 1, JIT_UNREGISTER_FN = 2 };

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

// Must stay a real call that the compiler cannot drop or fold: the breakpoint GDB places in it
// is the notification.
__attribute__((noinline, used, visibility("default"))) void __jit_debug_register_code() {
  __asm__ volatile("" ::: "memory");
}

__attribute__((used, visibility("default"))) jit_descriptor __jit_debug_descriptor = {1, JIT_NOACTION, nullptr, nullptr};

}  // extern "C"

namespace cpjit::jit::observe {

namespace {

// Serialises every change of __jit_debug_descriptor (GDB reads it while the process is stopped
// in __jit_debug_register_code, so the list must be consistent at each call).
std::mutex &descriptor_mutex() {
  static std::mutex m;
  return m;
}

// ---- DWARF CFI --------------------------------------------------------------------------
// Constants from the DWARF 5 standard (section 6.4.2) and the psABIs' register numbering:
// x86-64 rbp = 6, return address column 16; AArch64 x29 = 29, x30 = 30.
constexpr uint8_t kCfaDefCfa = 0x0c;
constexpr uint8_t kCfaOffset = 0x80;  // high two bits; the register is in the low six
constexpr uint8_t kCfaNop = 0x00;

struct CfiRegisters {
  uint8_t frame_pointer;
  uint8_t return_address;
  uint8_t code_alignment;
};

bool cfi_registers(cpjit_arch arch, CfiRegisters &out) {
  switch (arch) {
    case CPJIT_ARCH_X86_64: out = {6, 16, 1}; return true;
    case CPJIT_ARCH_AARCH64: out = {29, 30, 4}; return true;
    default: return false;
  }
}

void put32(std::vector<uint8_t> &b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put64(std::vector<uint8_t> &b, uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void set32(std::vector<uint8_t> &b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
}
// Every value used here is below 64: one ULEB128/SLEB128 byte each.
void uleb_small(std::vector<uint8_t> &b, uint8_t v) { b.push_back(v & 0x7f); }
void sleb_small(std::vector<uint8_t> &b, int8_t v) { b.push_back(static_cast<uint8_t>(v) & 0x7f); }

// Closes an entry opened at `start` (its length word): pads to 8 bytes with DW_CFA_nop and
// writes the length, which excludes the length word itself.
void close_entry(std::vector<uint8_t> &b, size_t start) {
  while ((b.size() - start) % 8 != 0) b.push_back(kCfaNop);
  set32(b, start, static_cast<uint32_t>(b.size() - start - 4));
}

}  // namespace

std::vector<uint8_t> steady_state_eh_frame(cpjit_arch arch, uint64_t address, uint64_t size) {
  CfiRegisters regs{};
  if (!cfi_registers(arch, regs)) return {};
  std::vector<uint8_t> b;

  // CIE. Empty augmentation: FDE addresses are then absolute 8-byte values (DW_EH_PE_absptr),
  // so the section needs no load address of its own.
  const size_t cie = b.size();
  put32(b, 0);        // length, patched by close_entry
  put32(b, 0);        // CIE id (.eh_frame)
  b.push_back(1);     // version
  b.push_back(0);     // augmentation ""
  uleb_small(b, regs.code_alignment);
  sleb_small(b, -8);  // data alignment: offsets below count 8-byte slots downwards
  b.push_back(regs.return_address);
  // The steady-state rule, valid at every instruction of the trace.
  b.push_back(kCfaDefCfa);
  uleb_small(b, regs.frame_pointer);
  uleb_small(b, 16);
  b.push_back(static_cast<uint8_t>(kCfaOffset | regs.return_address));
  uleb_small(b, 1);  // return address at CFA - 8
  b.push_back(static_cast<uint8_t>(kCfaOffset | regs.frame_pointer));
  uleb_small(b, 2);  // caller's frame pointer at CFA - 16
  close_entry(b, cie);

  // FDE over the whole range, no instructions of its own.
  const size_t fde = b.size();
  put32(b, 0);
  put32(b, static_cast<uint32_t>(b.size() - cie));  // CIE pointer: back from this field to the CIE
  put64(b, address);
  put64(b, size);
  close_entry(b, fde);

  put32(b, 0);  // terminator
  return b;
}

namespace {

void align_to(std::vector<uint8_t> &b, size_t alignment) {
  while (b.size() % alignment != 0) b.push_back(0);
}

template <typename T>
void append_struct(std::vector<uint8_t> &b, const T &v) {
  const auto *p = reinterpret_cast<const uint8_t *>(&v);
  b.insert(b.end(), p, p + sizeof v);
}

}  // namespace

std::vector<uint8_t> build_debug_object(cpjit_arch arch, uint64_t address, std::span<const uint8_t> code,
                                        std::span<const CodeRange> ranges) {
  const uint16_t machine = elf_machine(arch);
  const std::vector<uint8_t> eh_frame = steady_state_eh_frame(arch, address, code.size());
  if (machine == 0 || eh_frame.empty()) return {};

  enum : uint16_t { kNull, kText, kEhFrame, kSymtab, kStrtab, kShstrtab, kSections };
  std::string shstrtab(1, '\0');
  uint32_t names[kSections] = {};
  for (auto [index, name] : {std::pair{kText, ".text"}, {kEhFrame, ".eh_frame"}, {kSymtab, ".symtab"},
                             {kStrtab, ".strtab"}, {kShstrtab, ".shstrtab"}}) {
    names[index] = static_cast<uint32_t>(shstrtab.size());
    shstrtab += name;
    shstrtab += '\0';
  }

  // Symbols are relative to .text (ET_REL); GDB adds the section's sh_addr.
  std::string strtab(1, '\0');
  std::vector<Elf64_Sym> symbols(1, Elf64_Sym{});
  for (const CodeRange &r : ranges) {
    if (uint64_t{r.offset} + r.size > code.size()) continue;
    Elf64_Sym s{};
    s.st_name = static_cast<uint32_t>(strtab.size());
    strtab.append(r.name);
    strtab += '\0';
    s.st_info = static_cast<unsigned char>(ELF64_ST_INFO(STB_GLOBAL, r.is_code() ? STT_FUNC : STT_OBJECT));
    s.st_shndx = kText;
    s.st_value = r.offset;
    s.st_size = r.size;
    symbols.push_back(s);
  }

  std::vector<uint8_t> b(sizeof(Elf64_Ehdr), 0);
  Elf64_Shdr sections[kSections] = {};
  auto place = [&](uint16_t index, const void *data, size_t size, size_t alignment) {
    align_to(b, alignment);
    sections[index].sh_offset = b.size();
    sections[index].sh_size = size;
    sections[index].sh_addralign = alignment;
    const auto *p = static_cast<const uint8_t *>(data);
    b.insert(b.end(), p, p + size);
  };

  place(kText, code.data(), code.size(), 16);
  sections[kText].sh_name = names[kText];
  sections[kText].sh_type = SHT_PROGBITS;
  sections[kText].sh_flags = SHF_ALLOC | SHF_EXECINSTR;
  sections[kText].sh_addr = address;
  // The alignment must divide the address for readers that check it.
  if (address % 16 != 0) sections[kText].sh_addralign = 1;

  // Not SHF_ALLOC: it has no place in the process's memory, and an address for it would
  // overlap other code. Readers find it by name.
  place(kEhFrame, eh_frame.data(), eh_frame.size(), 8);
  sections[kEhFrame].sh_name = names[kEhFrame];
  sections[kEhFrame].sh_type = SHT_PROGBITS;

  place(kSymtab, symbols.data(), symbols.size() * sizeof(Elf64_Sym), 8);
  sections[kSymtab].sh_name = names[kSymtab];
  sections[kSymtab].sh_type = SHT_SYMTAB;
  sections[kSymtab].sh_link = kStrtab;
  sections[kSymtab].sh_info = 1;  // index of the first global symbol: only the null symbol is local
  sections[kSymtab].sh_entsize = sizeof(Elf64_Sym);

  place(kStrtab, strtab.data(), strtab.size(), 1);
  sections[kStrtab].sh_name = names[kStrtab];
  sections[kStrtab].sh_type = SHT_STRTAB;

  place(kShstrtab, shstrtab.data(), shstrtab.size(), 1);
  sections[kShstrtab].sh_name = names[kShstrtab];
  sections[kShstrtab].sh_type = SHT_STRTAB;

  align_to(b, 8);
  const size_t section_headers = b.size();
  for (const Elf64_Shdr &s : sections) append_struct(b, s);

  Elf64_Ehdr h{};
  std::memcpy(h.e_ident, ELFMAG, SELFMAG);
  h.e_ident[EI_CLASS] = ELFCLASS64;
  h.e_ident[EI_DATA] = ELFDATA2LSB;
  h.e_ident[EI_VERSION] = EV_CURRENT;
  h.e_ident[EI_OSABI] = ELFOSABI_NONE;
  h.e_type = ET_REL;
  h.e_machine = machine;
  h.e_version = EV_CURRENT;
  h.e_shoff = section_headers;
  h.e_ehsize = sizeof(Elf64_Ehdr);
  h.e_shentsize = sizeof(Elf64_Shdr);
  h.e_shnum = kSections;
  h.e_shstrndx = kShstrtab;
  std::memcpy(b.data(), &h, sizeof h);
  return b;
}

std::vector<uint8_t> build_gdb_object(const TraceDump &dump, std::string_view trace) {
  const std::vector<CodeRange> ranges = code_ranges(dump, trace);
  return build_debug_object(dump.arch, dump.address, dump.bytes, ranges);
}

// ---- registration -----------------------------------------------------------------------

struct GdbJitObserver::Registration {
  std::vector<uint8_t> object;
  jit_code_entry entry{};
};

namespace {

void link(jit_code_entry *e) {
  std::lock_guard<std::mutex> lock(descriptor_mutex());
  e->prev_entry = nullptr;
  e->next_entry = __jit_debug_descriptor.first_entry;
  if (e->next_entry != nullptr) e->next_entry->prev_entry = e;
  __jit_debug_descriptor.first_entry = e;
  __jit_debug_descriptor.relevant_entry = e;
  __jit_debug_descriptor.action_flag = JIT_REGISTER_FN;
  __jit_debug_register_code();
}

void unlink(jit_code_entry *e) {
  std::lock_guard<std::mutex> lock(descriptor_mutex());
  if (e->prev_entry != nullptr) e->prev_entry->next_entry = e->next_entry;
  else __jit_debug_descriptor.first_entry = e->next_entry;
  if (e->next_entry != nullptr) e->next_entry->prev_entry = e->prev_entry;
  __jit_debug_descriptor.relevant_entry = e;
  __jit_debug_descriptor.action_flag = JIT_UNREGISTER_FN;
  __jit_debug_register_code();
}

std::unique_ptr<GdbJitObserver::Registration> make_registration(std::vector<uint8_t> object) {
  auto r = std::make_unique<GdbJitObserver::Registration>();
  r->object = std::move(object);
  r->entry.symfile_addr = reinterpret_cast<const char *>(r->object.data());
  r->entry.symfile_size = r->object.size();
  return r;
}

}  // namespace

Status GdbJitObserver::create(std::unique_ptr<GdbJitObserver> &out) {
  if (host_arch() == CPJIT_ARCH_NONE) return make_error(ErrorCode::kUnsupported, "GDB JIT interface: no JIT on this host");
  out.reset(new GdbJitObserver());
  return ok_status();
}

GdbJitObserver::~GdbJitObserver() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto &[id, r] : traces_) unlink(&r->entry);
  for (auto &[address, r] : code_) unlink(&r->entry);
}

Status GdbJitObserver::trace_compiled(uint64_t trace_id, const TraceDump &dump) {
  if (dump.arch != host_arch())
    return make_error(ErrorCode::kUnsupported, std::string("GDB JIT interface: a ") + arch_name(dump.arch) +
                                                   " trace cannot run in this process");
  // Built outside the lock: other threads register meanwhile.
  auto r = make_registration(build_gdb_object(dump, trace_name(trace_id)));
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] = traces_.try_emplace(trace_id, std::move(r));
  if (!inserted)
    return make_error(ErrorCode::kInvalidTrace, "GDB JIT interface: " + trace_name(trace_id) + " is already registered");
  link(&it->second->entry);
  return ok_status();
}

Status GdbJitObserver::trace_freed(uint64_t trace_id, uint64_t, size_t) {
  std::unique_ptr<Registration> r;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = traces_.find(trace_id);
    if (it == traces_.end())
      return make_error(ErrorCode::kInvalidTrace, "GDB JIT interface: " + trace_name(trace_id) + " is not registered");
    unlink(&it->second->entry);
    r = std::move(it->second);
    traces_.erase(it);
  }
  return ok_status();
}

Status GdbJitObserver::code_installed(std::string_view name, uint64_t address, std::span<const uint8_t> bytes) {
  const CodeRange range{CodeRange::Kind::kUop, std::string(name), 0, static_cast<uint32_t>(bytes.size())};
  auto r = make_registration(build_debug_object(host_arch(), address, bytes, {&range, 1}));
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] = code_.try_emplace(address, std::move(r));
  if (!inserted) return make_error(ErrorCode::kInvalidTrace, "GDB JIT interface: code at this address is already registered");
  link(&it->second->entry);
  return ok_status();
}

Status GdbJitObserver::code_freed(uint64_t address, size_t) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = code_.find(address);
  if (it == code_.end()) return make_error(ErrorCode::kInvalidTrace, "GDB JIT interface: no code registered there");
  unlink(&it->second->entry);
  code_.erase(it);
  return ok_status();
}

std::vector<std::vector<uint8_t>> gdb_registered_objects() {
  std::lock_guard<std::mutex> lock(descriptor_mutex());
  std::vector<std::vector<uint8_t>> out;
  for (const jit_code_entry *e = __jit_debug_descriptor.first_entry; e != nullptr; e = e->next_entry) {
    const auto *p = reinterpret_cast<const uint8_t *>(e->symfile_addr);
    out.emplace_back(p, p + e->symfile_size);
  }
  return out;
}

}  // namespace cpjit::jit::observe
