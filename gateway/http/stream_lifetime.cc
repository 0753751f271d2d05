#include "http/stream_lifetime.h"

#include <algorithm>

namespace ssegw::http {
namespace {

uint64_t Mix(uint64_t x) {
  // splitmix64's finalizer: spreads consecutive stream ids over the jitter range.
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

uint64_t StreamEndOfLife(uint64_t now_ms, uint64_t max_age_ms, uint64_t stream_key) {
  if (max_age_ms == 0) return 0;
  const uint64_t jitter = Mix(stream_key) % (max_age_ms / 10 + 1);
  return std::max<uint64_t>(now_ms + max_age_ms - jitter, now_ms + 1);
}

}  // namespace ssegw::http
