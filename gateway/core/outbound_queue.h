// OutboundQueue: one stream's encoded events waiting to be sent, with a byte cap.
//
// The queue holds references to shared, immutable buffers (one per event, shared with
// the history and every other subscriber) and never copies their bytes; a buffer is
// released as soon as its last byte has been drained. The cap is the slow-consumer
// rule: once a Push is refused, the caller delivers nothing more to this stream and
// ends it after the queued bytes are sent, so the client resumes from history instead
// of the gateway buffering without bound.
//
// Not thread-safe: owned by one stream, used from its connection's event-loop thread.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <string_view>
#include <vector>

#include "core/shared_bytes.h"

namespace ssegw {

class OutboundQueue {
 public:
  explicit OutboundQueue(size_t limit_bytes) : limit_(limit_bytes) {}

  // Queues `message` (a reference, not a copy) and returns true, unless that would
  // take pending_bytes() past limit(): then it queues nothing and returns false. An
  // empty queue always accepts, so a single event larger than the limit does not end
  // every stream. An accepted empty message is not stored.
  bool Push(SharedBytes message);

  size_t pending_bytes() const { return pending_; }
  bool empty() const { return pending_ == 0; }
  size_t limit() const { return limit_; }

  // Calls sink(std::string_view piece) for each piece of the next `n` bytes, in order
  // (n <= pending_bytes(); they may span buffers and start mid-buffer), then drops them.
  // This is how a DATA frame's payload goes straight from the shared buffers into the
  // connection's output. A piece is valid only during its sink call; the sink must not
  // touch this queue.
  template <typename Sink>
  void Drain(size_t n, Sink&& sink) {
    assert(n <= pending_);
    n = std::min(n, pending_);
    while (n > 0) {
      SharedBytes& front = buffers_[head_];
      const size_t take = std::min(n, front.size() - front_offset_);
      sink(std::string_view(front.data() + front_offset_, take));
      front_offset_ += take;
      pending_ -= take;
      n -= take;
      if (front_offset_ == front.size()) {
        front = SharedBytes();  // the buffer is released as soon as it is sent
        ++head_;
        front_offset_ = 0;
      }
    }
    Compact();
  }

 private:
  // Drops the slots already drained: all of them once the queue is empty, and in bulk
  // once they are half of the vector, so each event costs O(1) amortized even for a
  // queue that never empties.
  void Compact();

  // A vector used as a FIFO, [head_, size()) queued. Not std::deque: libstdc++'s deque
  // allocates ~600 bytes even while empty, a third of an idle stream's memory, and most
  // streams are idle; an empty vector allocates nothing. Every queued buffer is
  // non-empty, and front_offset_ < buffers_[head_].size() whenever the queue is
  // non-empty.
  std::vector<SharedBytes> buffers_;
  size_t head_ = 0;
  size_t front_offset_ = 0;
  size_t pending_ = 0;
  size_t limit_;
};

}  // namespace ssegw
