// The --samples-file output: every latency sample of a run, in publish order, so that a
// tail can be placed in time (a stretch of slow events, a periodic stall) where the
// histogram only says how many there were.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "receive_context.h"

namespace ssebench {

// One line per sample, sorted by stamp: seconds from `window_start_ns` to the publish
// stamp, then the latency in milliseconds ("12.340000 0.412"). False and `error` set when
// the file cannot be written.
bool WriteSamplesFile(const std::string& path, uint64_t window_start_ns,
                      std::vector<LatencySample> samples, std::string* error);

}  // namespace ssebench
