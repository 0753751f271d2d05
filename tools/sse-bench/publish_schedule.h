// When the publisher's events are due: event k at start + k / rate.
//
// The publisher wakes on a timer whose period is one event's interval at slow rates, and
// its wake-ups land a little before or after each event's time. Counting only the events
// whose time has passed would, for a wake-up a few microseconds early, send nothing and
// then two events with one stamp at the next wake-up: a burst the rate does not ask for,
// whose second event waits behind the first's fan-out. Counting the events due within
// half an interval sends exactly one per wake-up while the wake-ups stay within half an
// interval of their times; at fast rates (many events per wake-up) the half event is
// noise.
#pragma once

#include <cmath>
#include <cstdint>

namespace ssebench {

// How many events are due `elapsed_ns` after the start at `rate` events per second.
inline uint64_t EventsDue(uint64_t elapsed_ns, double rate) {
  return static_cast<uint64_t>(std::floor(static_cast<double>(elapsed_ns) * rate / 1e9 + 0.5)) + 1;
}

}  // namespace ssebench
