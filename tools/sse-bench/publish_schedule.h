// When the publisher's events leave: event k at start + k / rate, and the publisher's
// wake-ups aimed at those times.
//
// A repeating timer drifts from such a schedule: each wake-up lands a little before or
// after an event's time, and one that lands early sends nothing, so the next sends two
// events with one stamp — a burst the rate does not ask for, whose second event waits
// behind the first's fan-out. Aiming every wake-up at the next event's own time keeps
// one event per wake-up, whatever the delay of the wake-up before.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ssebench {

// How many events are due `elapsed_ns` after the start at `rate` events per second.
inline uint64_t EventsDue(uint64_t elapsed_ns, double rate) {
  return static_cast<uint64_t>(std::floor(static_cast<double>(elapsed_ns) * rate / 1e9)) + 1;
}

// How long to sleep, `elapsed_ns` after the start, before event `next_event` is due: until
// its time, but at least a millisecond (above 1,000 events/s a millisecond's worth leave
// together, and an event still due because the socket is backed up is not retried in a
// busy loop) and at most 100 ms (a stop is noticed within that).
inline uint64_t WakeDelayNs(uint64_t elapsed_ns, uint64_t next_event, double rate) {
  constexpr uint64_t kMs = 1'000'000;
  const auto due_ns =
      static_cast<uint64_t>(std::ceil(static_cast<double>(next_event) * 1e9 / rate));
  const uint64_t wait = due_ns > elapsed_ns ? due_ns - elapsed_ns : 0;
  return std::clamp<uint64_t>(wait, kMs, 100 * kMs);
}

}  // namespace ssebench
