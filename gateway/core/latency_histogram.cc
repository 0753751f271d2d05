#include "core/latency_histogram.h"

#include <algorithm>
#include <cstdio>

namespace ssegw {
namespace {

// Microseconds as decimal seconds, e.g. 2500 → "0.0025", without float rounding noise.
std::string Seconds(uint64_t micros) {
  char text[32];
  snprintf(text, sizeof(text), "%llu.%06llu", static_cast<unsigned long long>(micros / 1000000),
           static_cast<unsigned long long>(micros % 1000000));
  std::string s(text);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

void LatencyHistogram::Observe(uint64_t micros) {
  const size_t bucket = static_cast<size_t>(
      std::lower_bound(kBoundsUs.begin(), kBoundsUs.end(), micros) - kBoundsUs.begin());
  ++buckets_[bucket];
  sum_us_ += micros;
}

uint64_t LatencyHistogram::count() const {
  uint64_t total = 0;
  for (const Counter& bucket : buckets_) total += bucket.value();
  return total;
}

void LatencyHistogram::Render(std::string* out, std::string_view name,
                              std::string_view help) const {
  const std::string n(name);
  out->append("# HELP ").append(n).append(" ").append(help).append("\n");
  out->append("# TYPE ").append(n).append(" histogram\n");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    cumulative += buckets_[i].value();
    const std::string le = i < kBoundsUs.size() ? Seconds(kBoundsUs[i]) : "+Inf";
    out->append(n).append("_bucket{le=\"").append(le).append("\"} ");
    out->append(std::to_string(cumulative)).append("\n");
  }
  out->append(n).append("_sum ").append(Seconds(sum_us_.value())).append("\n");
  // The buckets' total rather than a separate count, so the two always agree.
  out->append(n).append("_count ").append(std::to_string(cumulative)).append("\n");
}

}  // namespace ssegw
