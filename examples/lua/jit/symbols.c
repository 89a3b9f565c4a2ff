/* The stencil set and the external symbols its stencils call, in C: the symbol table takes
 * the address of libm functions that C++ overloads. */
#include <math.h>
#include <stddef.h>

#include <cpjit/cpjit.h>

#include "lua_helpers.h"
#include "lua_uops.h" /* generated from uops.c by cpjit_add_stencils */
#include "lua_uop_tables.h"

#define CPJIT_LUA_SYMBOL(name) {#name, (const void *)&name},
static const cpjit_symbol symbols[] = {CPJIT_STENCILS_LUA_UOPS_SYMBOLS(CPJIT_LUA_SYMBOL){NULL, NULL}};
#undef CPJIT_LUA_SYMBOL

const cpjit_stencil_set *lj_uop_stencils(void) { return CPJIT_STENCILS_LUA_UOPS; }
const cpjit_interp_table *lj_uop_interp(void) { return CPJIT_INTERP_LUA_UOPS; }
const cpjit_symbol *lj_uop_symbols(size_t *count) {
  *count = sizeof symbols / sizeof symbols[0] - 1;
  return symbols;
}
