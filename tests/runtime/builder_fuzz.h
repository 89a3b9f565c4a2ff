// Feeds the trace builder a sequence of API calls decoded from arbitrary bytes: random uops
// (valid and not), operands, jumps and exits. Every call must come back with a status; ending a
// trace must give an executor or a status, nothing else. Traces are compiled, never run (random
// slot operands would index out of the sample frame).
#pragma once

#include <cstddef>
#include <cstdint>

namespace test {

struct BuilderFuzzCounts {
  uint64_t executors = 0;  // traces that compiled
  uint64_t refused = 0;    // calls that returned a status other than CPJIT_OK
};

// Returns false if a call returned something that is not a valid status.
bool fuzz_builder_once(const uint8_t *data, size_t size, BuilderFuzzCounts &counts);

}  // namespace test
