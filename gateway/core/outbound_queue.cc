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

}  // namespace ssegw
