// The parser: Lua 5.4 source to a syntax tree with resolved names.
#pragma once

#include <cstddef>

#include "ast.h"
#include "lexer.h"
#include "state.h"

namespace cpjit::lua {

// Parses a whole chunk. The result is the main function: vararg, with the single upvalue
// _ENV. Raises a kErrSyntax LuaError with a lua5.4-style message on bad input.
FuncNode* parse_chunk(State* L, Lexer& lex, Arena& arena);

}  // namespace cpjit::lua
