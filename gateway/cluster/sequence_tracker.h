// SequenceTracker: checks that stream sequences arrive strictly increasing and without
// holes, for an in-order subscription.
//
// Observe(seq) says whether the message is new (deliver it) or a repeat (seq at or below
// the last one seen: drop it), and which sequences were skipped before it, if any. A skip
// means the stream no longer holds those messages (removed by its limits or by an
// operator) or that the client lost them; either way the reader did not see them.
//
// libnats' ordered consumer restarts from "last received + 1", but from sequence 1 when
// nothing was received yet (libnats 3.4.1), so the tracker starts at the subscription's
// first wanted sequence: everything below it is a repeat.
//
// Pure; not thread-safe (one subscription feeds it from one thread).
#pragma once

#include <cstdint>
#include <optional>

namespace ssegw::cluster {

struct SequenceGap {
  uint64_t first_missing;
  uint64_t last_missing;
  bool operator==(const SequenceGap&) const = default;
};

class SequenceTracker {
 public:
  // `first_wanted`: the sequence the subscription starts at (1: the whole stream).
  explicit SequenceTracker(uint64_t first_wanted)
      : last_seen_(first_wanted == 0 ? 0 : first_wanted - 1) {}

  struct Verdict {
    bool deliver = false;
    std::optional<SequenceGap> gap;  // only with deliver
  };
  Verdict Observe(uint64_t seq);

  // The highest sequence delivered so far, or first_wanted - 1 before the first.
  uint64_t last_seen() const { return last_seen_; }

 private:
  uint64_t last_seen_;
};

}  // namespace ssegw::cluster
