// The sample SWITCH uop computed in plain C++, for tests that check traces against it.
#pragma once

#include <cstdint>

namespace test {

inline int64_t switch_reference(int64_t value) {
  const uint64_t x = static_cast<uint64_t>(value);
  switch (x & 15) {
    case 0: return static_cast<int64_t>(x + 11);
    case 1: return static_cast<int64_t>(x * 7);
    case 2: return static_cast<int64_t>(x ^ 0x5a5a);
    case 3: return static_cast<int64_t>(x - 1000);
    case 4: return static_cast<int64_t>(x << 3);
    case 5: return value >> 2;
    case 6: return static_cast<int64_t>(~x);
    case 7: return static_cast<int64_t>(x * x);
    case 8: return static_cast<int64_t>(x | 0x100);
    case 9: return 99;
    case 10: return static_cast<int64_t>(x + x + x);
    case 11: return static_cast<int64_t>(0 - x);
    default: return 0;
  }
}

}  // namespace test
