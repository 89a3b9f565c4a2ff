// The trace-builder fuzz input without libFuzzer: a few thousand deterministic random inputs.
//   mutate_builder COUNT
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "builder_fuzz.h"

int main(int argc, char **argv) {
  const long count = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 3000;
  std::mt19937_64 rng(0xb11d);
  test::BuilderFuzzCounts counts;
  for (long i = 0; i < count; ++i) {
    std::vector<uint8_t> bytes(std::uniform_int_distribution<size_t>(1, 600)(rng));
    for (uint8_t &b : bytes) b = static_cast<uint8_t>(rng());
    if (!test::fuzz_builder_once(bytes.data(), bytes.size(), counts)) {
      std::fprintf(stderr, "input %ld: a call returned something that is not a status\n", i);
      return 1;
    }
  }
  std::printf("%ld inputs: %llu executors compiled, %llu calls refused with a status\n", count,
              static_cast<unsigned long long>(counts.executors), static_cast<unsigned long long>(counts.refused));
  // Both outcomes must occur, or the inputs exercise nothing.
  return counts.executors > 0 && counts.refused > 0 ? 0 : 1;
}
