#include "core/utf8.h"

#include <cstdint>
#include <cstring>

namespace ssegw {

namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ULL;

bool IsContinuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* const end = p + s.size();
  while (p < end) {
    // Event payloads are overwhelmingly ASCII; skipping whole words keeps validation
    // from dominating the publish path. memcpy compiles to one unaligned load.
    while (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      if (word & kHighBits) break;
      p += 8;
    }
    if (p == end) break;
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    const size_t left = static_cast<size_t>(end - p);
    // The second byte's range depends on the lead byte: that is where overlongs,
    // surrogates and code points above U+10FFFF are excluded (Unicode table 3-7).
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      // 0x80..0xC1 (stray continuation or overlong 2-byte lead) and 0xF5..0xFF.
      return false;
    }
    if (left < len) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (size_t i = 2; i < len; ++i) {
      if (!IsContinuation(p[i])) return false;
    }
    p += len;
  }
  return true;
}

}  // namespace ssegw
