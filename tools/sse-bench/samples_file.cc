#include "samples_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ssebench {

bool WriteSamplesFile(const std::string& path, uint64_t window_start_ns,
                      std::vector<LatencySample> samples, std::string* error) {
  std::sort(samples.begin(), samples.end(),
            [](const LatencySample& a, const LatencySample& b) { return a.stamp_ns < b.stamp_ns; });
  FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) {
    *error = "cannot write --samples-file " + path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = true;
  for (const LatencySample& s : samples) {
    // Stamps are at or after the window's start: the histogram records no others.
    const double at_s =
        static_cast<double>(s.stamp_ns - std::min(s.stamp_ns, window_start_ns)) / 1e9;
    const double latency_ms = static_cast<double>(s.latency_ns) / 1e6;
    ok = std::fprintf(file, "%.6f %.3f\n", at_s, latency_ms) > 0 && ok;
  }
  ok = std::fclose(file) == 0 && ok;
  if (!ok) *error = "cannot write --samples-file " + path + ": " + std::strerror(errno);
  return ok;
}

}  // namespace ssebench
