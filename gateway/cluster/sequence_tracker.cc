#include "cluster/sequence_tracker.h"

namespace ssegw::cluster {

SequenceTracker::Verdict SequenceTracker::Observe(uint64_t seq) {
  Verdict verdict;
  if (seq <= last_seen_) return verdict;
  verdict.deliver = true;
  if (seq > last_seen_ + 1) verdict.gap = SequenceGap{last_seen_ + 1, seq - 1};
  last_seen_ = seq;
  return verdict;
}

}  // namespace ssegw::cluster
