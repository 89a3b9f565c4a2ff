// The compiler: syntax tree to register bytecode (see opcodes.h).
//
// Locals live in registers 0..n-1 in order of declaration; temporaries sit above them and are
// released at the end of each expression. Every function ends with RETURN0.
#pragma once

#include <cstddef>

#include "ast.h"
#include "lexer.h"
#include "object.h"
#include "state.h"

namespace cpjit::lua {

// Generates the main function's prototype. Raises kErrSyntax errors (goto/label problems,
// limits) with lua5.4's wording.
Proto* compile_chunk(State* L, FuncNode* main, Lexer& lex);

// Lexes, parses and compiles a chunk. 'chunkname' follows lua5.4: "@file", "=name" or the
// source itself. Returns the prototype (not yet a closure).
Proto* load_proto(State* L, const char* src, size_t len, const char* chunkname);

// Same, and wraps the prototype in a closure whose _ENV upvalue is the globals table.
LClosure* load_closure(State* L, const char* src, size_t len, const char* chunkname);

// Human-readable listing of a prototype and its children (for debugging and tests).
std::string disassemble(const Proto* p);

}  // namespace cpjit::lua
