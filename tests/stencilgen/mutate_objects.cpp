// Runs a few thousand deterministic mutations of real template objects through the object
// reader and stencil extraction (the fuzz target's entry point, without libFuzzer). Every
// input must come back accepted or refused with a message; a crash fails the test.
//
//   mutate_objects COUNT SEED_OBJECT...
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "untrusted.h"

namespace {

// splitmix64: small, deterministic, good enough to spread mutations.
struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
};

uint64_t read_le(const std::vector<uint8_t> &b, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n && at + i < b.size(); ++i) v |= uint64_t{b[at + i]} << (8 * i);
  return v;
}

// Offsets worth hitting more often: the ELF header and the section header table.
size_t pick_offset(Rng &rng, const std::vector<uint8_t> &b) {
  if (b.empty()) return 0;
  size_t choice = rng.below(4);
  if (choice == 0) return rng.below(std::min<size_t>(64, b.size()));
  if (choice == 1) {
    uint64_t shoff = read_le(b, 0x28, 8);
    uint64_t shnum = read_le(b, 0x3c, 2);
    if (shoff < b.size()) return static_cast<size_t>(shoff + rng.below(std::max<uint64_t>(1, shnum * 64)));
  }
  return rng.below(b.size());
}

void mutate(Rng &rng, std::vector<uint8_t> &b) {
  static const uint64_t interesting[] = {0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0x80000000,
                                         0xffffffff, 0x7fffffffffffffffull, 0xffffffffffffffffull, 0x40, 0x1000};
  int rounds = 1 + static_cast<int>(rng.below(4));
  for (int r = 0; r < rounds && !b.empty(); ++r) {
    size_t at = pick_offset(rng, b) % b.size();
    switch (rng.below(5)) {
      case 0: b[at] ^= static_cast<uint8_t>(1u << rng.below(8)); break;
      case 1: b[at] = static_cast<uint8_t>(interesting[rng.below(std::size(interesting))]); break;
      case 2:
      case 3: {
        size_t width = rng.below(2) ? 4 : 8;
        uint64_t v = interesting[rng.below(std::size(interesting))];
        if (rng.below(3) == 0) v = read_le(b, at, width) + rng.below(64) - 32;
        for (size_t i = 0; i < width && at + i < b.size(); ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
        break;
      }
      case 4: b.resize(rng.below(b.size() + 1)); break;
    }
  }
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: mutate_objects COUNT SEED_OBJECT...\n");
    return 2;
  }
  long count = std::strtol(argv[1], nullptr, 10);
  std::vector<std::vector<uint8_t>> seeds;
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string error;
    if (bytes.empty() || !cpjit::gen::process_untrusted_object(bytes, error)) {
      std::fprintf(stderr, "seed %s is not accepted as it is: %s\n", argv[i], error.c_str());
      return 1;
    }
    seeds.push_back(std::move(bytes));
  }
  Rng rng{0x5eed};
  long accepted = 0, refused = 0;
  std::map<std::string, long> reasons;
  for (long i = 0; i < count; ++i) {
    std::vector<uint8_t> bytes = seeds[static_cast<size_t>(i) % seeds.size()];
    mutate(rng, bytes);
    std::string error;
    if (cpjit::gen::process_untrusted_object(bytes, error)) {
      ++accepted;
    } else {
      ++refused;
      // Group messages by their first words so the summary stays short.
      reasons[error.substr(0, 24)]++;
    }
  }
  std::printf("%ld mutations of %zu seeds: %ld accepted, %ld refused with a message\n", count, seeds.size(), accepted,
              refused);
  for (const auto &[reason, n] : reasons) std::printf("  %6ld  %s\n", n, reason.c_str());
  return 0;
}
