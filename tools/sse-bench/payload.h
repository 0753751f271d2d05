// The data of one sse-bench event, and the clock its timestamp comes from.
//
// An event's data is "@", the send time as 19 zero-padded decimal digits of
// CLOCK_MONOTONIC nanoseconds, one space, then 'x' padding up to the requested size:
//
//   @0000001234567890123 xxxxxxxxxxxxxxxxxxxxxxxx...
//
// The publisher and the receivers run in the same sse-bench process, so both read the
// same monotonic clock and the difference is the publish→receive latency. The marker
// lets the receive path (sse_scanner.h) find the stamp in a few byte compares, and the
// fixed width lets a payload be re-stamped in place without reallocating.
//
// Pure functions; thread-safe.
#pragma once

#include <time.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace ssebench {

inline constexpr char kStampMarker = '@';
inline constexpr size_t kStampDigits = 19;
// The marker, the digits and the space: the smallest payload that carries a stamp.
inline constexpr size_t kMinPayloadBytes = 1 + kStampDigits + 1;

// CLOCK_MONOTONIC in nanoseconds (vDSO: no system call).
inline uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

// Makes *out a payload of max(bytes, kMinPayloadBytes) bytes stamped with `stamp_ns`.
// Reuses *out's storage when it already has the right size.
void FormatPayload(uint64_t stamp_ns, size_t bytes, std::string* out);

}  // namespace ssebench
