// LatencyHistogram: durations counted into fixed buckets, rendered as a Prometheus
// histogram (cumulative `_bucket{le="..."}` lines, `_sum` in seconds, `_count`).
//
// Like Counter, single-writer: one thread calls Observe (the log owner, for publish →
// acknowledgement times of the cluster log) and any thread may Render a recent view.
// The buckets, in seconds, are 0.5 ms to 5 s in a 1-2-5 series: a LAN NATS cluster
// acknowledges in about a millisecond; a second means trouble.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/counters.h"

namespace ssegw {

class LatencyHistogram {
 public:
  // Upper bounds of the buckets, in microseconds (a last, unbounded one follows).
  static constexpr std::array<uint64_t, 14> kBoundsUs = {500,     1000,    2000,    5000,    10000,
                                                         20000,   50000,   100000,  200000,  500000,
                                                         1000000, 2000000, 5000000, 10000000};

  void Observe(uint64_t micros);

  uint64_t count() const;

  // Appends "# HELP name help", "# TYPE name histogram" and the samples.
  void Render(std::string* out, std::string_view name, std::string_view help) const;

 private:
  std::array<Counter, kBoundsUs.size() + 1> buckets_;  // not cumulative; the last: +Inf
  Counter sum_us_;
};

}  // namespace ssegw
