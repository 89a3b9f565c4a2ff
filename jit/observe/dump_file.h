// Dump files: one compiled trace as JSON, for cpjit-dis and for people.
//
// Format "cpjit-trace-dump", version 1 (kDumpFormatVersion; bump it when a field changes
// meaning or disappears, not when one is added). 64-bit values (addresses, operands, hole
// targets, exit records) are hex strings "0x..." because JSON readers commonly keep numbers
// as doubles; offsets and sizes are numbers, relative to the start of the trace.
//
//   {
//     "format": "cpjit-trace-dump", "version": 1,
//     "trace": "trace3",                     trace name (file <dir>/trace3.json)
//     "arch": "x86_64" | "aarch64", "target": "<triple>", "stencil_set": "<name>",
//     "address": "0x...", "size": N,         where the trace runs, bytes in "code"
//     "hot_size": N, "pool_offset": N,       uops + trap end here; veneers and slots start here
//     "veneers": N, "data_slots": N,
//     "code": "<hex bytes>",
//     "uops": [{"index", "name", "offset", "size",
//               "operands": ["0x..." x4],     as the trace stores them (signed: sign-extended)
//               "jump_target": uop index | null,
//               "exits": [trace exit | null x8],    per side exit k of the uop
//               "error_exit": trace exit | null},   where its error exit goes
//     "stubs": [{"exit": trace exit, "offset", "size", "record": "0x..."}],
//     "holes": [{"owner": "uop" | "stub", "owner_index",   index into "uops" / "stubs"
//                "area": "code" | "data", "offset",        of the patched field
//                "kind": patch kind, "value": hole value, "index", "width",
//                "addend", "target": "0x...",              S: what the hole was patched with
//                "symbol": name (symbol holes),
//                "exit": trace exit (exit and error holes of uops)}]
//   }
#pragma once

#include <string>
#include <string_view>

#include "assembler.h"
#include "status.h"

namespace cpjit::jit::observe {

inline constexpr const char *kDumpFormat = "cpjit-trace-dump";
inline constexpr int kDumpFormatVersion = 1;

// The JSON text of `dump` under the name `trace` ("trace3").
std::string dump_to_json(const TraceDump &dump, std::string_view trace);

// Writes <dir>/<trace>.json atomically: a temporary file in `dir`, renamed into place, so a
// reader never sees half a file. `trace` must be a plain file name (no '/', not starting with
// '.'). kSystem with the path and the reason when the directory is missing or unwritable.
Status write_dump_file(const std::string &dir, std::string_view trace, const TraceDump &dump);

}  // namespace cpjit::jit::observe
