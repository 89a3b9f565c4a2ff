/* cpjit-lua's generated uop tables, from C++ without the generated header (jit/symbols.c). */
#ifndef CPJIT_LUA_JIT_UOP_TABLES_H
#define CPJIT_LUA_JIT_UOP_TABLES_H

#include <stddef.h>

#include <cpjit/cpjit.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Null when cpjit has no stencils for the architecture being built. */
const cpjit_stencil_set *lj_uop_stencils(void);
const cpjit_interp_table *lj_uop_interp(void);
const cpjit_symbol *lj_uop_symbols(size_t *count);

#ifdef __cplusplus
}
#endif

#endif
