#include "object_file.h"

#include <llvm/BinaryFormat/ELF.h>
#include <llvm/Object/ELF.h>
#include <llvm/Support/Error.h>

namespace cpjit::gen {

void fail(const std::string &message) { throw StencilgenError(message); }

bool ObjSection::is_alloc() const { return (flags & llvm::ELF::SHF_ALLOC) != 0; }
bool ObjSection::is_exec() const { return (flags & llvm::ELF::SHF_EXECINSTR) != 0; }
bool ObjSection::is_write() const { return (flags & llvm::ELF::SHF_WRITE) != 0; }
bool ObjSection::is_tls() const { return (flags & llvm::ELF::SHF_TLS) != 0; }
bool ObjSection::is_nobits() const { return type == llvm::ELF::SHT_NOBITS; }

namespace {

using ELFT = llvm::object::ELF64LE;
using ELFFile = llvm::object::ELFFile<ELFT>;

template <typename T>
T take(llvm::Expected<T> value, const std::string &what, const std::string &doing) {
  if (!value) fail(what + ": " + doing + ": " + llvm::toString(value.takeError()));
  return std::move(*value);
}

// Objects larger than this are not templates; refusing them bounds what a corrupted
// header can make us allocate.
constexpr uint64_t kMaxObjectBytes = 256u << 20;

}  // namespace

ObjectFile read_object(std::span<const uint8_t> bytes, const std::string &what) {
  if (bytes.size() > kMaxObjectBytes) fail(what + ": object is larger than 256 MiB");
  // ELFFile::create checks the identification, class and data encoding against ELF64LE and
  // that the section header table lies inside the buffer.
  if (bytes.size() < llvm::ELF::EI_NIDENT || bytes[llvm::ELF::EI_CLASS] != llvm::ELF::ELFCLASS64 ||
      bytes[llvm::ELF::EI_DATA] != llvm::ELF::ELFDATA2LSB || bytes[0] != 0x7f || bytes[1] != 'E' ||
      bytes[2] != 'L' || bytes[3] != 'F')
    fail(what + ": not a 64-bit little-endian ELF object");
  llvm::StringRef buffer(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  ELFFile elf = take(ELFFile::create(buffer), what, "reading ELF header");

  ObjectFile object;
  const auto &header = elf.getHeader();
  if (header.e_type != llvm::ELF::ET_REL) fail(what + ": not a relocatable object (ET_REL)");
  switch (header.e_machine) {
    case llvm::ELF::EM_X86_64: object.machine = Machine::X86_64; break;
    case llvm::ELF::EM_AARCH64: object.machine = Machine::AArch64; break;
    default: fail(what + ": unsupported machine " + std::to_string(header.e_machine));
  }

  auto sections = take(elf.sections(), what, "reading section headers");
  object.sections.resize(sections.size());
  const typename ELFT::Shdr *symtab = nullptr;
  for (size_t i = 0; i < sections.size(); ++i) {
    const auto &shdr = sections[i];
    ObjSection &section = object.sections[i];
    section.index = static_cast<uint32_t>(i);
    section.name = take(elf.getSectionName(shdr), what, "reading a section name").str();
    section.type = shdr.sh_type;
    section.flags = shdr.sh_flags;
    section.align = shdr.sh_addralign == 0 ? 1 : shdr.sh_addralign;
    if ((section.align & (section.align - 1)) != 0 || section.align > 4096)
      fail(what + ": section " + section.name + " has an invalid alignment");
    section.entsize = shdr.sh_entsize;
    section.size = shdr.sh_size;
    if (shdr.sh_type == llvm::ELF::SHT_SYMTAB) {
      if (symtab != nullptr) fail(what + ": more than one symbol table");
      symtab = &shdr;
    }
    if (shdr.sh_type != llvm::ELF::SHT_NOBITS && shdr.sh_type != llvm::ELF::SHT_NULL) {
      auto contents = take(elf.getSectionContents(shdr), what, "reading section " + section.name);
      section.bytes.assign(contents.begin(), contents.end());
    } else if (shdr.sh_size > kMaxObjectBytes) {
      fail(what + ": section " + section.name + " is implausibly large");
    }
  }

  if (symtab != nullptr) {
    auto symbols = take(elf.symbols(symtab), what, "reading the symbol table");
    llvm::StringRef strtab = take(elf.getStringTableForSymtab(*symtab), what, "reading the string table");
    object.symbols.reserve(symbols.size());
    for (const auto &sym : symbols) {
      ObjSymbol symbol;
      symbol.name = take(sym.getName(strtab), what, "reading a symbol name").str();
      symbol.value = sym.st_value;
      symbol.size = sym.st_size;
      symbol.type = sym.getType();
      symbol.binding = sym.getBinding();
      uint16_t shndx = sym.st_shndx;
      if (shndx == llvm::ELF::SHN_UNDEF) {
        symbol.section = 0;
      } else if (shndx == llvm::ELF::SHN_ABS || shndx == llvm::ELF::SHN_COMMON ||
                 shndx >= llvm::ELF::SHN_LORESERVE) {
        // Absolute and common symbols have no section to copy; SHN_XINDEX needs a table that
        // templates never produce. All are refused where they are used.
        symbol.section = UINT32_MAX;
      } else if (shndx >= object.sections.size()) {
        fail(what + ": symbol " + symbol.name + " refers to a section that does not exist");
      } else {
        symbol.section = shndx;
      }
      // Section symbols have no name of their own; messages read better with the section's.
      if (symbol.type == llvm::ELF::STT_SECTION && symbol.name.empty() && symbol.section != 0 &&
          symbol.section != UINT32_MAX)
        symbol.name = object.sections[symbol.section].name;
      object.symbols.push_back(std::move(symbol));
    }
  }

  for (size_t i = 0; i < sections.size(); ++i) {
    const auto &shdr = sections[i];
    if (shdr.sh_type == llvm::ELF::SHT_REL)
      fail(what + ": section " + object.sections[i].name + " uses REL relocations; expected RELA");
    if (shdr.sh_type != llvm::ELF::SHT_RELA) continue;
    if (shdr.sh_info >= object.sections.size() || shdr.sh_info == 0)
      fail(what + ": relocation section " + object.sections[i].name + " targets no section");
    if (symtab == nullptr || shdr.sh_link >= sections.size() || &sections[shdr.sh_link] != symtab)
      fail(what + ": relocation section " + object.sections[i].name + " is not linked to the symbol table");
    ObjSection &target = object.sections[shdr.sh_info];
    auto relas = take(elf.relas(shdr), what, "reading relocations of " + target.name);
    for (const auto &rela : relas) {
      ObjRelocation relocation;
      relocation.offset = rela.r_offset;
      relocation.type = rela.getType(false);
      relocation.symbol = rela.getSymbol(false);
      relocation.addend = rela.r_addend;
      relocation.type_name = llvm::object::getELFRelocationTypeName(header.e_machine, relocation.type).str();
      if (relocation.symbol >= object.symbols.size())
        fail(what + ": relocation at " + target.name + "+" + std::to_string(relocation.offset) +
             " refers to symbol #" + std::to_string(relocation.symbol) + ", which does not exist");
      target.relocations.push_back(std::move(relocation));
    }
  }
  return object;
}

}  // namespace cpjit::gen
