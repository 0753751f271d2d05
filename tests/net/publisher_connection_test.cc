// PublisherConnection against a real libevent loop and a real Unix socket pair, with
// counting subscribers on the hub instead of HTTP/2 streams.
//
// The fairness test counts, per loop turn (EventLoop turn-end hook), the deliveries a
// backlog of requests queued. It asserts on counts only, never on time: a publisher's
// backlog is handed out in slices of at most `max_fanout_per_turn` fan-out work, each
// flushed (turn end) before the next, and nothing is dropped or reordered.
#include "net/publisher_connection.h"

#include <event2/event.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/hub.h"
#include "core/publish_codec.h"
#include "net/event_loop.h"
#include "net/unique_fd.h"
#include "ssegw/v1/ssegw.pb.h"

namespace ssegw::net {
namespace {

// Deliveries since the last turn end, recorded at every turn end that had some.
class TurnLog final : public EventLoop::TurnEndHook {
 public:
  void OnTurnEnd() override {
    if (current == 0) return;
    per_turn.push_back(current);
    current = 0;
  }
  size_t current = 0;
  std::vector<size_t> per_turn;
};

// Stands in for an SSE stream: keeps what it is given and, like a connection that
// has output, asks for the end-of-turn flush.
class RecordingSubscriber final : public Subscriber {
 public:
  RecordingSubscriber(EventLoop& loop, TurnLog& log) : loop_(loop), log_(log) {}
  void Deliver(const SharedBytes& message) override {
    messages.emplace_back(message.data(), message.size());
    ++log_.current;
    loop_.RequestTurnEnd();
  }
  std::vector<std::string> messages;

 private:
  EventLoop& loop_;
  TurnLog& log_;
};

class NullOwner final : public PublisherOwner {
 public:
  void OnPublisherClosed(PublisherConnection*) override { closed = true; }
  bool closed = false;
};

// Reads PublishReplies from the publisher's end of the socket pair and stops the loop
// once `expected` have arrived.
class ReplyReader {
 public:
  ReplyReader(EventLoop& loop, int fd, size_t expected)
      : loop_(loop), fd_(fd), expected_(expected) {
    event_.reset(event_new(loop.base(), fd, EV_READ | EV_PERSIST, &ReplyReader::OnRead, this));
    event_add(event_.get(), nullptr);
  }
  std::vector<v1::PublishReply> replies;

 private:
  static void OnRead(evutil_socket_t, short, void* self) {
    static_cast<ReplyReader*>(self)->Read();
  }
  void Read() {
    char buffer[4096];
    ssize_t n;
    while ((n = recv(fd_, buffer, sizeof buffer, 0)) > 0) input_.append(buffer, n);
    // Delimited frames: a varint length (replies here are < 128 bytes) then the body.
    while (!input_.empty()) {
      const auto length = static_cast<uint8_t>(input_[0]);
      ASSERT_LT(length, 0x80);
      if (input_.size() < size_t{1} + length) break;
      v1::PublishReply reply;
      ASSERT_TRUE(reply.ParseFromArray(input_.data() + 1, length));
      replies.push_back(std::move(reply));
      input_.erase(0, 1 + length);
    }
    if (replies.size() >= expected_) loop_.Stop();
  }

  EventLoop& loop_;
  int fd_;
  size_t expected_;
  std::string input_;
  EventPtr event_;
};

TEST(PublisherConnectionTest, BacklogIsHandedOutInSlicesOfBoundedFanOut) {
  constexpr size_t kSubscribers = 100;
  constexpr size_t kRequests = 50;
  constexpr size_t kBound = 1000;  // fan-out work per turn: ~10 one-event requests

  EventLoop loop;
  TurnLog log;
  loop.AddTurnEndHook(&log);
  GatewayCounters counters;
  Hub hub(HubOptions{}, 1, counters);
  std::vector<std::unique_ptr<RecordingSubscriber>> subscribers;
  for (size_t i = 0; i < kSubscribers; ++i) {
    subscribers.push_back(std::make_unique<RecordingSubscriber>(loop, log));
    uint64_t cursor = 0;
    ASSERT_EQ(hub.Subscribe(subscribers.back().get(), {"t"}, std::nullopt, &cursor),
              Hub::Resume::kLive);
  }

  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  UniqueFd publisher_end(fds[1]);
  // The whole backlog is in the socket before the gateway side reads anything.
  std::string backlog;
  for (size_t i = 1; i <= kRequests; ++i) {
    v1::PublishRequest request;
    request.set_seq(i);
    v1::Event* event = request.add_events();
    event->add_topics("t");
    event->set_id("e" + std::to_string(i));
    event->set_data("x");
    AppendDelimited(request, &backlog);
  }
  ASSERT_EQ(send(publisher_end.get(), backlog.data(), backlog.size(), 0),
            static_cast<ssize_t>(backlog.size()));

  NullOwner owner;
  PublisherOptions options;
  options.max_fanout_per_turn = kBound;
  PublisherConnection connection(loop, owner, hub, counters, options, UniqueFd(fds[0]), "test");
  ReplyReader reader(loop, publisher_end.get(), kRequests);
  connection.Start();
  loop.Run();
  log.OnTurnEnd();  // count what the last turn queued, if its hook has not run yet

  // Every request answered, accepted, in order.
  ASSERT_EQ(reader.replies.size(), kRequests);
  for (size_t i = 0; i < kRequests; ++i) {
    EXPECT_EQ(reader.replies[i].seq(), i + 1);
    EXPECT_EQ(reader.replies[i].status(), v1::STATUS_OK);
  }
  // Every subscriber got every event once, in publish order.
  for (const auto& subscriber : subscribers) {
    ASSERT_EQ(subscriber->messages.size(), kRequests);
    for (size_t i = 0; i < kRequests; ++i) {
      EXPECT_EQ(subscriber->messages[i].rfind("id: e" + std::to_string(i + 1) + "\n", 0), 0u)
          << subscriber->messages[i];
    }
  }
  // Sliced: the bound is checked before each request, so a turn takes whole requests
  // while its work is below the bound — ten one-event requests of 101 units each.
  size_t total = 0;
  for (size_t deliveries : log.per_turn) {
    EXPECT_LE(deliveries, 10 * kSubscribers);
    total += deliveries;
  }
  EXPECT_EQ(total, kRequests * kSubscribers);
  EXPECT_GE(log.per_turn.size(), kRequests / 10);
  loop.RemoveTurnEndHook(&log);
  for (auto& subscriber : subscribers) hub.Unsubscribe(subscriber.get());
}

TEST(PublisherConnectionTest, BacklogWithoutSubscribersIsAnsweredInOrderUnderATinyBound) {
  constexpr size_t kRequests = 40;
  EventLoop loop;
  GatewayCounters counters;
  Hub hub(HubOptions{}, 1, counters);
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  UniqueFd publisher_end(fds[1]);
  std::string backlog;
  for (size_t i = 1; i <= kRequests; ++i) {
    v1::PublishRequest request;
    request.set_seq(i);
    for (int e = 0; e < 5; ++e) {
      v1::Event* event = request.add_events();
      event->add_topics("nobody");
      event->set_data("x");
    }
    AppendDelimited(request, &backlog);
  }
  ASSERT_EQ(send(publisher_end.get(), backlog.data(), backlog.size(), 0),
            static_cast<ssize_t>(backlog.size()));

  NullOwner owner;
  PublisherOptions options;
  options.max_fanout_per_turn = 10;  // two five-event requests per turn
  PublisherConnection connection(loop, owner, hub, counters, options, UniqueFd(fds[0]), "test");
  ReplyReader reader(loop, publisher_end.get(), kRequests);
  connection.Start();
  loop.Run();

  ASSERT_EQ(reader.replies.size(), kRequests);
  for (size_t i = 0; i < kRequests; ++i) EXPECT_EQ(reader.replies[i].seq(), i + 1);
  EXPECT_EQ(counters.events_published_total, kRequests * 5);
  EXPECT_FALSE(owner.closed);
}

}  // namespace
}  // namespace ssegw::net
