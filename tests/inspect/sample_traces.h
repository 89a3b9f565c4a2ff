// Deterministic traces of the sample stencils, for dump files, goldens and observer tests:
// emitted with emit_trace() into a buffer at a fixed fake address, with helpers bound to fake
// addresses, so any host produces the same bytes for either target.
#pragma once

#include <cpjit/stencil_set.h>

#include <memory>
#include <string>
#include <vector>

#include "assembler.h"
#include "status.h"

namespace cpjit::inspect_test {

// The sample stencil set for an architecture (both are always built).
const cpjit_stencil_set &sample_set(cpjit_arch arch);

// Names of the sample traces: "loop", "calls", "tables", "far".
const std::vector<std::string> &sample_trace_names();

// Emits sample trace `name` for `arch` and describes it. Fails the status on unknown names or
// when the JIT refuses the trace (which would be a bug in the JIT or in these samples).
jit::Status make_sample_dump(cpjit_arch arch, const std::string &name, jit::TraceDump &out);

}  // namespace cpjit::inspect_test
