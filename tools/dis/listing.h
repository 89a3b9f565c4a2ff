// The annotated listing cpjit-dis prints: blocks (uops, exit stubs, data, stencils) of lines
// (instructions or data rows), each line with notes saying what its patched fields hold.
// Built once from an input; the text, JSON and HTML writers only format it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/disasm.h"
#include "input.h"

namespace cpjit::dis {

// What one patched (manifest: patchable) field holds.
struct Note {
  uint32_t offset = 0;  // of the field, in the listing's offset space (see Line::offset)
  std::string kind;     // patch kind, "A64Branch26"
  std::string relocation;  // manifests: the native relocation the hole came from
  std::string text;     // "operand 1 (u16) = 5", "jump -> uop 0 ADD_IMM", "symbol pow = 0x..."
  std::string link;     // anchor of the block it leads to, or empty
};

struct Line {
  uint64_t address = 0;          // where the bytes run (manifests: 0-based)
  uint32_t offset = 0;           // trace dumps: from the start of the trace; manifests: in the stencil
  std::vector<uint8_t> bytes;
  std::string text;              // the instruction, or ".quad 0x..." / ".byte ..." for data
  std::optional<uint64_t> branch;  // where a branch goes, when the disassembler knows
  std::string comment;           // that place in words, when no note already says it
  std::string link;              // anchor for the comment
  std::vector<Note> notes;
};

struct Block {
  std::string anchor;  // unique within the document: "uop0", "exit1", "trap", "data", "pool", "s-ADD"
  std::string kind;    // "uop", "trap", "exit-stub", "data", "pool", "stencil", "stencil-data"
  std::string title;   // "uop 0: ADD_IMM", "exit stub 1", "stencil ADD (uop, falls through)"
  std::vector<std::pair<std::string, std::string>> facts;  // header details, in order
  uint64_t address = 0;
  uint32_t offset = 0;
  uint32_t size = 0;
  bool code = true;
  std::vector<Line> lines;
};

struct Document {
  std::string source;  // "trace-dump" or "stencil-manifest"
  std::string name;    // the trace or the stencil set
  std::string arch;
  std::string target;
  std::string stencil_set;
  uint64_t address = 0;
  uint64_t size = 0;
  std::vector<std::string> summary;
  std::vector<Block> blocks;
};

Document describe_dump(const std::string &trace, const jit::TraceDump &dump, const tools::Disassembler &dis);
Document describe_manifest(const Manifest &manifest, const tools::Disassembler &dis);
Document describe(const Input &input, const tools::Disassembler &dis);

}  // namespace cpjit::dis
