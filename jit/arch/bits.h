// Bit-field access on instruction words: the one place where fields are read and written.
// Header-only and dependency-free so that cpjit-stencilgen (build time) and the JIT (run time)
// check instruction shapes with the same code.
#pragma once

#include <cstdint>
#include <cstring>

namespace cpjit::arch {

// Bits [lo, lo + width) of `word`.
constexpr uint32_t get_bits(uint32_t word, unsigned lo, unsigned width) {
  return (word >> lo) & ((width >= 32) ? ~0u : ((1u << width) - 1u));
}

// `word` with bits [lo, lo + width) replaced by the low `width` bits of `value`.
constexpr uint32_t set_bits(uint32_t word, unsigned lo, unsigned width, uint64_t value) {
  const uint32_t mask = ((width >= 32) ? ~0u : ((1u << width) - 1u)) << lo;
  return (word & ~mask) | ((static_cast<uint32_t>(value) << lo) & mask);
}

// Unaligned little-endian loads and stores (stencil bodies have no alignment guarantee).
inline uint32_t load32(const uint8_t *p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store32(uint8_t *p, uint32_t v) { std::memcpy(p, &v, sizeof v); }
inline uint64_t load64(const uint8_t *p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store64(uint8_t *p, uint64_t v) { std::memcpy(p, &v, sizeof v); }

// True when `value` fits in a signed field of `bits` bits.
constexpr bool fits_signed(int64_t value, unsigned bits) {
  const int64_t limit = int64_t{1} << (bits - 1);
  return value >= -limit && value < limit;
}

}  // namespace cpjit::arch
