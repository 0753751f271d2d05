// PublisherConnection against a real libevent loop and a real Unix socket pair, with
// the real in-memory log (or, to show that replies keep request order whatever order
// the log answers in, a log that answers late and backwards).
//
// Assertions are on counts and order, never on time: the stall test only waits for the
// close it expects, with a give-up timer far beyond the configured timeout.
#include "net/publisher_connection.h"

#include <event2/event.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/memory_log.h"
#include "net/event_loop.h"
#include "net/unique_fd.h"
#include "ssegw/v1/ssegw.pb.h"
#include "wire/publish_codec.h"

namespace ssegw::net {
namespace {

// Events committed since the last turn end, recorded at every turn end that had some.
class TurnLog final : public EventLoop::TurnEndHook, public CommitSink {
 public:
  explicit TurnLog(EventLoop& loop) : loop_(loop) {}
  void OnTurnEnd() override {
    if (current == 0) return;
    per_turn.push_back(current);
    current = 0;
  }
  void OnCommitted(std::span<LogEventPtr> events, uint64_t) override {
    for (const LogEventPtr& event : events) ids.push_back(event->id);
    current += events.size();
    loop_.RequestTurnEnd();
  }
  void OnGap(uint64_t) override { ADD_FAILURE() << "the in-memory log never loses events"; }
  size_t current = 0;
  std::vector<size_t> per_turn;
  std::vector<std::string> ids;

 private:
  EventLoop& loop_;
};

class NullOwner final : public PublisherOwner {
 public:
  explicit NullOwner(EventLoop* stop_on_close = nullptr) : loop_(stop_on_close) {}
  void OnPublisherClosed(PublisherConnection*) override {
    closed = true;
    if (loop_ != nullptr) loop_->Stop();
  }
  bool closed = false;

 private:
  EventLoop* loop_;
};

class Gate final : public PublishGate {
 public:
  bool open() override { return is_open; }
  // No workers here: everything committed is delivered.
  uint64_t committed_mark() override { return 0; }
  uint64_t delivered_mark() override { return 0; }
  void AfterDelivery(std::function<void()> fn) override { fn(); }
  bool is_open = true;
};

// The parts of EventLog the publish socket never uses; the logs below only answer Append.
class AppendOnlyLog : public EventLog {
 public:
  void Locate(const std::string&, LocateDone done) override { done(std::nullopt); }
  void ReadAfter(uint64_t, ReadDone done) override {
    LogRead lost;
    lost.lost = true;
    done(std::move(lost));
  }
  size_t held_events() const override { return 0; }
  size_t held_bytes() const override { return 0; }
};

// Answers every Append late (at the next turn end) and in reverse order of arrival.
class BackwardsLog final : public AppendOnlyLog, public EventLoop::TurnEndHook {
 public:
  explicit BackwardsLog(EventLoop& loop) : loop_(loop) { loop_.AddTurnEndHook(this); }
  ~BackwardsLog() override { loop_.RemoveTurnEndHook(this); }
  void Append(std::span<EventDraft> batch, AppendDone done) override {
    pending_.push_back([this, n = batch.size(), done = std::move(done)] {
      PublishResult result;
      for (size_t i = 0; i < n; ++i) result.ids.push_back("id" + std::to_string(next_id_++));
      done(std::move(result));
    });
    loop_.RequestTurnEnd();
  }
  void OnTurnEnd() override {
    std::vector<std::function<void()>> pending;
    pending.swap(pending_);
    for (auto it = pending.rbegin(); it != pending.rend(); ++it) (*it)();
    answered += pending.size();
  }
  size_t answered = 0;

 private:
  EventLoop& loop_;
  std::vector<std::function<void()>> pending_;
  int next_id_ = 0;
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

std::string Request(uint64_t seq, size_t events, const std::string& topic = "t",
                    const std::string& data = "x") {
  v1::PublishRequest request;
  request.set_seq(seq);
  for (size_t e = 0; e < events; ++e) {
    v1::Event* event = request.add_events();
    event->add_topics(topic);
    event->set_id("e" + std::to_string(seq) + "." + std::to_string(e));
    event->set_data(data);
  }
  std::string bytes;
  AppendDelimited(request, &bytes);
  return bytes;
}

struct SocketPair {
  SocketPair() {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    gateway_end = UniqueFd(fds[0]);
    publisher_end = UniqueFd(fds[1]);
  }
  void Send(const std::string& bytes) {
    ASSERT_EQ(send(publisher_end.get(), bytes.data(), bytes.size(), 0),
              static_cast<ssize_t>(bytes.size()));
  }
  UniqueFd gateway_end;
  UniqueFd publisher_end;
};

TEST(PublisherConnectionTest, BacklogIsHandledInSlicesOfBoundedEventsInOrder) {
  constexpr size_t kRequests = 50;
  EventLoop loop;
  TurnLog turns(loop);
  loop.AddTurnEndHook(&turns);
  GatewayCounters counters;
  MemoryLog log(MemoryLogOptions{}, 1, turns, counters);
  Gate gate;
  SocketPair pair;
  // The whole backlog is in the socket before the gateway side reads anything.
  std::string backlog;
  for (size_t i = 1; i <= kRequests; ++i) backlog += Request(i, 3);
  pair.Send(backlog);

  NullOwner owner;
  PublisherOptions options;
  options.max_events_per_turn = 10;  // four three-event requests per turn
  PublisherConnection connection(loop, owner, log, gate, counters, options,
                                 std::move(pair.gateway_end), "test");
  ReplyReader reader(loop, pair.publisher_end.get(), kRequests);
  connection.Start();
  loop.Run();
  turns.OnTurnEnd();  // count what the last turn committed, if its hook has not run yet

  ASSERT_EQ(reader.replies.size(), kRequests);
  for (size_t i = 0; i < kRequests; ++i) {
    EXPECT_EQ(reader.replies[i].seq(), i + 1);
    EXPECT_EQ(reader.replies[i].status(), v1::STATUS_OK);
    ASSERT_EQ(reader.replies[i].ids_size(), 3);
    EXPECT_EQ(reader.replies[i].ids(0), "e" + std::to_string(i + 1) + ".0");
  }
  ASSERT_EQ(turns.ids.size(), kRequests * 3);
  for (size_t i = 0; i < turns.ids.size(); ++i) {
    EXPECT_EQ(turns.ids[i], "e" + std::to_string(i / 3 + 1) + "." + std::to_string(i % 3));
  }
  // The bound is checked before each request, so a turn takes whole requests while its
  // count is below it: at most 12 events.
  for (size_t events : turns.per_turn) EXPECT_LE(events, 12u);
  EXPECT_GE(turns.per_turn.size(), kRequests * 3 / 12);
  EXPECT_EQ(counters.events_published_total.value(), kRequests * 3);
  loop.RemoveTurnEndHook(&turns);
}

TEST(PublisherConnectionTest, RepliesKeepRequestOrderWhateverOrderTheLogAnswers) {
  constexpr size_t kRequests = 20;
  EventLoop loop;
  BackwardsLog log(loop);
  GatewayCounters counters;
  Gate gate;
  SocketPair pair;
  std::string backlog;
  for (size_t i = 1; i <= kRequests; ++i) {
    // Every fifth request is invalid: rejected at once, yet answered in its turn.
    backlog += i % 5 == 0 ? Request(i, 1, "bad topic") : Request(i, 1);
  }
  pair.Send(backlog);
  NullOwner owner;
  const PublisherOptions options;  // the connection keeps a reference
  PublisherConnection connection(loop, owner, log, gate, counters, options,
                                 std::move(pair.gateway_end), "test");
  ReplyReader reader(loop, pair.publisher_end.get(), kRequests);
  connection.Start();
  loop.Run();

  ASSERT_EQ(reader.replies.size(), kRequests);
  for (size_t i = 0; i < kRequests; ++i) {
    EXPECT_EQ(reader.replies[i].seq(), i + 1);
    if ((i + 1) % 5 == 0) {
      EXPECT_EQ(reader.replies[i].status(), v1::STATUS_INVALID_ARGUMENT);
      EXPECT_EQ(reader.replies[i].error(),
                "event 0: topic may hold only A-Z a-z 0-9 - _ . ~ : / @");
    } else {
      EXPECT_EQ(reader.replies[i].status(), v1::STATUS_OK);
    }
  }
  EXPECT_EQ(log.answered, kRequests - kRequests / 5);
  EXPECT_EQ(counters.publish_errors_total.value(), kRequests / 5);
  EXPECT_FALSE(owner.closed);
}

// Holds every Append's answer until the test releases it; stops the loop once
// `stop_at` appends are held.
class HoldingLog final : public AppendOnlyLog {
 public:
  HoldingLog(EventLoop& loop, size_t stop_at) : loop_(loop), stop_at_(stop_at) {}
  void Append(std::span<EventDraft> batch, AppendDone done) override {
    PublishResult result;
    for (size_t i = 0; i < batch.size(); ++i) result.ids.push_back("held" + std::to_string(i));
    held_.push_back([result = std::move(result), done = std::move(done)]() mutable {
      done(std::move(result));
    });
    if (held_.size() == stop_at_) loop_.Stop();
  }
  size_t held() const { return held_.size(); }
  void ReleaseOne() {
    std::function<void()> answer = std::move(held_.front());
    held_.erase(held_.begin());
    answer();
  }

 private:
  EventLoop& loop_;
  const size_t stop_at_;
  std::vector<std::function<void()>> held_;
};

// The log's answers call back into the connection through a plain pointer, so a
// connection closed while answers are owed (here: the gateway shutting down) must stay
// until the last one has come, and only then tell its owner it may be freed.
TEST(PublisherConnectionTest, AConnectionClosedWithAnswersOwedIsReleasedAfterTheLastOne) {
  EventLoop loop;
  HoldingLog log(loop, 3);
  GatewayCounters counters;
  Gate gate;
  SocketPair pair;
  pair.Send(Request(1, 1) + Request(2, 1) + Request(3, 1));
  NullOwner owner;
  const PublisherOptions options;
  PublisherConnection connection(loop, owner, log, gate, counters, options,
                                 std::move(pair.gateway_end), "test");
  connection.Start();
  loop.Run();
  ASSERT_EQ(log.held(), 3u);

  connection.CloseAfterReplies();
  // The socket goes at once: the publisher sees the end of the stream, no reply.
  char byte;
  EXPECT_EQ(recv(pair.publisher_end.get(), &byte, 1, 0), 0);
  EXPECT_FALSE(owner.closed);
  log.ReleaseOne();
  log.ReleaseOne();
  EXPECT_FALSE(owner.closed);
  log.ReleaseOne();
  EXPECT_TRUE(owner.closed);
}

TEST(PublisherConnectionTest, NothingIsReadWhileTheGateIsClosed) {
  EventLoop loop;
  TurnLog turns(loop);
  GatewayCounters counters;
  MemoryLog log(MemoryLogOptions{}, 1, turns, counters);
  Gate gate;
  gate.is_open = false;
  SocketPair pair;
  pair.Send(Request(1, 1) + Request(2, 1));
  NullOwner owner;
  const PublisherOptions options;  // the connection keeps a reference
  PublisherConnection connection(loop, owner, log, gate, counters, options,
                                 std::move(pair.gateway_end), "test");
  ReplyReader reader(loop, pair.publisher_end.get(), 2);
  connection.Start();
  // Several loop iterations with the gate closed: nothing may be taken.
  for (int i = 0; i < 5; ++i) event_base_loop(loop.base(), EVLOOP_NONBLOCK);
  EXPECT_TRUE(turns.ids.empty());
  gate.is_open = true;
  connection.Resume();
  loop.Run();
  EXPECT_EQ(turns.ids.size(), 2u);
  ASSERT_EQ(reader.replies.size(), 2u);
}

TEST(PublisherConnectionTest, APublisherSilentInTheMiddleOfAFrameIsClosed) {
  EventLoop loop;
  TurnLog turns(loop);
  GatewayCounters counters;
  MemoryLog log(MemoryLogOptions{}, 1, turns, counters);
  Gate gate;
  SocketPair pair;
  const std::string whole = Request(1, 1);
  const std::string partial = Request(2, 1);
  // One whole request, then half of the next, then silence.
  pair.Send(whole + partial.substr(0, partial.size() / 2));
  NullOwner owner(&loop);
  PublisherOptions options;
  options.stall_timeout_ms = 50;
  PublisherConnection connection(loop, owner, log, gate, counters, options,
                                 std::move(pair.gateway_end), "test");
  ReplyReader reader(loop, pair.publisher_end.get(), 100);  // never enough: the close stops
  EventPtr give_up(evtimer_new(
      loop.base(), [](evutil_socket_t, short, void* l) { static_cast<EventLoop*>(l)->Stop(); },
      &loop));
  const timeval ten_seconds = {10, 0};
  event_add(give_up.get(), &ten_seconds);
  connection.Start();
  loop.Run();
  EXPECT_TRUE(owner.closed);
  // The whole request was accepted and answered before the close.
  EXPECT_EQ(turns.ids.size(), 1u);
  event_base_loop(loop.base(), EVLOOP_NONBLOCK);
}

TEST(PublisherConnectionTest, AnIdlePublisherBetweenFramesIsNotClosed) {
  EventLoop loop;
  TurnLog turns(loop);
  GatewayCounters counters;
  MemoryLog log(MemoryLogOptions{}, 1, turns, counters);
  Gate gate;
  SocketPair pair;
  pair.Send(Request(1, 1));
  NullOwner owner;
  PublisherOptions options;
  options.stall_timeout_ms = 20;
  PublisherConnection connection(loop, owner, log, gate, counters, options,
                                 std::move(pair.gateway_end), "test");
  ReplyReader reader(loop, pair.publisher_end.get(), 1);
  connection.Start();
  loop.Run();
  // Well past the stall timeout with nothing half-sent: still open.
  EventPtr later(evtimer_new(
      loop.base(), [](evutil_socket_t, short, void* l) { static_cast<EventLoop*>(l)->Stop(); },
      &loop));
  const timeval hundred_ms = {0, 100 * 1000};
  event_add(later.get(), &hundred_ms);
  loop.Run();
  EXPECT_FALSE(owner.closed);
}

}  // namespace
}  // namespace ssegw::net
