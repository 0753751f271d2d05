#include "core/outbound_queue.h"

#include <utility>

namespace ssegw {

bool OutboundQueue::Push(SharedBytes message) {
  const size_t size = message.size();
  // Written as a subtraction so a huge message cannot overflow the sum. pending_ may
  // already exceed the limit after an oversize message went into an empty queue.
  if (pending_ != 0 && (pending_ > limit_ || size > limit_ - pending_)) return false;
  // Storing empty buffers would break Drain's invariant that the front has bytes left.
  if (size == 0) return true;
  buffers_.push_back(std::move(message));
  pending_ += size;
  return true;
}

void OutboundQueue::Compact() {
  // Slots kept for reuse once the queue is empty; a burst's larger vector is released.
  constexpr size_t kKeepSlots = 64;
  if (head_ == buffers_.size()) {
    if (buffers_.capacity() > kKeepSlots) {
      std::vector<SharedBytes>().swap(buffers_);
    } else {
      buffers_.clear();
    }
    head_ = 0;
  } else if (head_ >= kKeepSlots && 2 * head_ >= buffers_.size()) {
    buffers_.erase(buffers_.begin(), buffers_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

}  // namespace ssegw
