// RecordingSubscriber: a Subscriber for fanout tests that keeps every message it is given,
// with a queue of `room` messages: Offer refuses once it is full, Take() empties it as a
// client reading would and asks the fanout for more replay like a stream does.
// Single-threaded; unsubscribes itself when destroyed.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "core/fanout.h"
#include "core/shared_bytes.h"
#include "core/topic_router.h"
#include "testutil/sse_parser.h"

namespace ssegw::testing {

class RecordingSubscriber final : public Subscriber {
 public:
  explicit RecordingSubscriber(Fanout& fanout, size_t room = std::numeric_limits<size_t>::max())
      : fanout_(fanout), room_(room) {}
  ~RecordingSubscriber() { fanout_.Unsubscribe(this); }

  void Deliver(const SharedBytes& message) override { messages.push_back(message); }
  bool Offer(const SharedBytes& message) override {
    if (queued_ >= room_) {
      refused = true;
      return false;
    }
    ++queued_;
    messages.push_back(message);
    return true;
  }
  void OnReplayLost() override { lost = true; }

  // The client took everything queued: room again.
  void Take() {
    queued_ = 0;
    if (refused) {
      refused = false;
      fanout_.Resume(this);
    }
  }

  std::vector<ParsedEvent> Events() const {
    SseParser parser;
    for (const SharedBytes& m : messages) parser.Feed(m.view());
    return parser.TakeEvents();
  }
  std::vector<std::string> Data() const {
    std::vector<std::string> out;
    for (const auto& e : Events()) out.push_back(e.data);
    return out;
  }

  std::vector<SharedBytes> messages;
  bool refused = false;
  bool lost = false;

 private:
  Fanout& fanout_;
  size_t room_;
  size_t queued_ = 0;
};

}  // namespace ssegw::testing
