#include "h2/closed_streams.h"

#include <algorithm>

namespace ssegw::h2 {

void ClosedStreams::Opened(int32_t id) {
  const int32_t expected = highest_opened_ == 0 ? 1 : highest_opened_ + 2;
  if (id > expected) {
    const Gap gap{expected, id - 2};
    if (gaps_.size() < kRememberedGaps) {
      gaps_.push_back(gap);
    } else {
      gaps_[gap_next_] = gap;
      gap_next_ = (gap_next_ + 1) % kRememberedGaps;
    }
  }
  highest_opened_ = std::max(highest_opened_, id);
}

void ClosedStreams::ResetByServer(int32_t id) {
  if (!resets_.insert(id).second) return;
  if (reset_order_.size() < kRememberedResets) {
    reset_order_.push_back(id);
    return;
  }
  resets_.erase(reset_order_[reset_next_]);
  reset_order_[reset_next_] = id;
  reset_next_ = (reset_next_ + 1) % kRememberedResets;
}

ClosedStreams::Verdict ClosedStreams::Judge(int32_t id, bool headers) const {
  if (id > highest_opened_ || resets_.count(id) > 0) return Verdict::kIgnore;
  if (headers && std::any_of(gaps_.begin(), gaps_.end(),
                             [id](const Gap& gap) { return id >= gap.first && id <= gap.last; })) {
    return Verdict::kProtocolError;
  }
  return Verdict::kStreamClosed;
}

}  // namespace ssegw::h2
