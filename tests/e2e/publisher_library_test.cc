// The C++ publisher library (ssegw::Publisher) against the real gateway: single events,
// batches, pipelining, rejection reasons, and reconnect-and-retry without duplicates.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "e2e_support.h"
#include "ssegw/publisher.h"

namespace ssegw::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class PublisherLibraryTest : public GatewayTest {
 protected:
  // Opens an event stream on `path` and waits for its response headers.
  StreamState* Subscribe(H2Client& client, const std::string& path) {
    StreamState* s = client.stream(client.Get(path));
    EXPECT_TRUE(client.RunUntil([&] { return s->headers_received; }, kWait));
    return s;
  }

  std::vector<std::string> Data(const StreamState* s) {
    std::vector<std::string> data;
    for (const auto& e : s->events) data.push_back(e.data);
    return data;
  }
};

TEST_F(PublisherLibraryTest, PublishesOneEventAndReportsItsId) {
  StartGateway();
  auto client = Connect();
  ASSERT_TRUE(client);
  StreamState* s = Subscribe(*client, "/events/lib");

  ssegw::Publisher publisher({.socket_path = gateway().socket_path()});
  const PublishOutcome out = publisher.Publish({{.topics = {"lib"}, .data = "hello"}});
  ASSERT_TRUE(out.accepted) << out.error;
  EXPECT_EQ(out.status, 0);
  ASSERT_EQ(out.ids.size(), 1u);
  // The library names events itself so that a retry cannot publish twice.
  EXPECT_THAT(out.ids[0], StartsWith("p"));

  ASSERT_TRUE(WaitForEvents(*client, s, 1));
  EXPECT_EQ(s->events[0].data, "hello");
  EXPECT_EQ(s->events[0].last_event_id, out.ids[0]);
}

TEST_F(PublisherLibraryTest, BatchIsAcceptedAsOneRequestInOrder) {
  StartGateway();
  auto client = Connect();
  ASSERT_TRUE(client);
  StreamState* s = Subscribe(*client, "/events/batch");

  ssegw::Publisher publisher({.socket_path = gateway().socket_path()});
  const PublishOutcome out = publisher.Publish({{.topics = {"batch"}, .data = "1", .id = "b1"},
                                                {.topics = {"batch"}, .data = "2", .id = "b2"},
                                                {.topics = {"batch"}, .data = "3", .type = "t"}});
  ASSERT_TRUE(out.accepted) << out.error;
  ASSERT_EQ(out.ids.size(), 3u);
  EXPECT_EQ(out.ids[0], "b1");
  EXPECT_EQ(out.ids[1], "b2");
  ASSERT_TRUE(WaitForEvents(*client, s, 3));
  EXPECT_THAT(Data(s), ElementsAre("1", "2", "3"));
  EXPECT_EQ(s->events[2].type, "t");
}

TEST_F(PublisherLibraryTest, PipelinedRequestsAreAnsweredInOrder) {
  StartGateway();
  auto client = Connect();
  ASSERT_TRUE(client);
  StreamState* s = Subscribe(*client, "/events/pipe");

  ssegw::Publisher publisher({.socket_path = gateway().socket_path(), .max_in_flight = 64});
  constexpr int kRequests = 500;
  for (int i = 0; i < kRequests; ++i) {
    publisher.Enqueue({{.topics = {"pipe"}, .data = std::to_string(i)}});
  }
  const std::vector<PublishOutcome> outcomes = publisher.WaitAll();
  ASSERT_EQ(outcomes.size(), static_cast<size_t>(kRequests));
  for (const auto& out : outcomes) ASSERT_TRUE(out.accepted) << out.error;

  ASSERT_TRUE(WaitForEvents(*client, s, kRequests, kLongWait));
  ASSERT_EQ(s->events.size(), static_cast<size_t>(kRequests));
  for (int i = 0; i < kRequests; ++i) {
    EXPECT_EQ(s->events[i].data, std::to_string(i));
    EXPECT_EQ(s->events[i].last_event_id, outcomes[i].ids[0]);
  }
}

TEST_F(PublisherLibraryTest, RejectionCarriesTheGatewaysReason) {
  StartGateway();
  ssegw::Publisher publisher({.socket_path = gateway().socket_path()});
  const PublishOutcome bad_topic = publisher.Publish({{.topics = {"no spaces"}, .data = "x"}});
  EXPECT_FALSE(bad_topic.accepted);
  EXPECT_EQ(bad_topic.status, v1::STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(bad_topic.error, HasSubstr("topic may hold only"));
  const PublishOutcome bad_id = publisher.Publish({{.topics = {"a"}, .data = "x", .id = "a\nb"}});
  EXPECT_FALSE(bad_id.accepted);
  EXPECT_THAT(bad_id.error, HasSubstr("CR, LF or NUL"));
  // The connection is still good for the next request.
  EXPECT_TRUE(publisher.Publish({{.topics = {"a"}, .data = "fine"}}).accepted);
  EXPECT_EQ(publisher.reconnects(), 0u);
}

TEST_F(PublisherLibraryTest, MissingSocketIsAClearError) {
  ssegw::Publisher publisher({.socket_path = "/nonexistent/sse-gateway.sock", .max_attempts = 1});
  std::string error;
  EXPECT_FALSE(publisher.Connect(&error));
  EXPECT_THAT(error, HasSubstr("/nonexistent/sse-gateway.sock"));
  EXPECT_THAT(error, HasSubstr("No such file or directory"));
  const PublishOutcome out = publisher.Publish({{.topics = {"a"}, .data = "x"}});
  EXPECT_FALSE(out.accepted);
  EXPECT_EQ(out.status, -1);
}

// A Unix socket proxy in front of the gateway that, on its first connection, passes the
// publisher's request through but swallows the gateway's reply and hangs up: the
// publisher cannot know whether its event was accepted.
class ReplyDroppingProxy {
 public:
  ReplyDroppingProxy(std::string listen_path, std::string gateway_path)
      : listen_path_(std::move(listen_path)), gateway_path_(std::move(gateway_path)) {
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address = Address(listen_path_);
    ::unlink(listen_path_.c_str());
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(listen_fd_, 8) != 0) {
      ADD_FAILURE() << "proxy cannot listen: " << std::strerror(errno);
    }
    thread_ = std::thread([this] { Run(); });
  }
  ~ReplyDroppingProxy() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
    ::unlink(listen_path_.c_str());
  }
  int connections() const { return connections_; }

 private:
  static sockaddr_un Address(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    return address;
  }

  void Run() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int client = ::accept(listen_fd_, nullptr, nullptr);
      const int upstream = ::socket(AF_UNIX, SOCK_STREAM, 0);
      sockaddr_un address = Address(gateway_path_);
      ::connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof(address));
      Relay(client, upstream, /*drop_first_reply=*/++connections_ == 1);
      ::close(client);
      ::close(upstream);
    }
  }

  void Relay(int client, int upstream, bool drop_first_reply) {
    char buffer[65536];
    while (!stop_) {
      pollfd p[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
      if (::poll(p, 2, 50) <= 0) continue;
      if (p[0].revents) {
        const ssize_t n = ::read(client, buffer, sizeof(buffer));
        if (n <= 0 || ::write(upstream, buffer, static_cast<size_t>(n)) != n) return;
      }
      if (p[1].revents) {
        const ssize_t n = ::read(upstream, buffer, sizeof(buffer));
        if (n <= 0 || drop_first_reply) return;  // the reply is lost with the connection
        if (::write(client, buffer, static_cast<size_t>(n)) != n) return;
      }
    }
  }

  std::string listen_path_;
  std::string gateway_path_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

TEST_F(PublisherLibraryTest, LostReplyIsRetriedWithTheSameIdsAndNotSentTwice) {
  StartGateway();
  auto client = Connect();
  ASSERT_TRUE(client);
  StreamState* s = Subscribe(*client, "/events/retry");

  const std::string proxy_path = gateway().socket_path() + ".proxy";
  ReplyDroppingProxy proxy(proxy_path, gateway().socket_path());
  ssegw::Publisher publisher({.socket_path = proxy_path});
  const PublishOutcome out = publisher.Publish({{.topics = {"retry"}, .data = "once"}});
  ASSERT_TRUE(out.accepted) << out.error;
  EXPECT_EQ(publisher.reconnects(), 1u);
  EXPECT_EQ(proxy.connections(), 2);
  // The first attempt reached history; the retry was recognised as a duplicate.
  EXPECT_EQ(out.duplicates, 1u);

  // A marker published after the retry proves nothing else is on its way.
  ssegw::Publisher direct({.socket_path = gateway().socket_path()});
  ASSERT_TRUE(direct.Publish({{.topics = {"retry"}, .data = "marker"}}).accepted);
  ASSERT_TRUE(WaitForEvents(*client, s, 2));
  EXPECT_THAT(Data(s), ElementsAre("once", "marker"));
  EXPECT_EQ(s->events[0].last_event_id, out.ids[0]);
}

TEST_F(PublisherLibraryTest, ReconnectsAfterTheGatewayRestarts) {
  StartGateway();
  const std::string socket = gateway().socket_path();
  ssegw::Publisher publisher(
      {.socket_path = socket, .reconnect_backoff = std::chrono::milliseconds(20)});
  ASSERT_TRUE(publisher.Publish({{.topics = {"a"}, .data = "before"}}).accepted);

  ASSERT_TRUE(gateway().Terminate().has_value());
  std::string error;
  auto certificate = MakeTestCertificate(SSEGW_GEN_DEV_CERT, &error);
  ASSERT_TRUE(certificate) << error;
  GatewayProcess restarted(
      {.binary = SSEGW_GATEWAY_BIN, .certificate = *certificate, .socket_path = socket});
  ASSERT_TRUE(restarted.Start(&error)) << error;

  const PublishOutcome out = publisher.Publish({{.topics = {"a"}, .data = "after"}});
  EXPECT_TRUE(out.accepted) << out.error;
  EXPECT_EQ(publisher.reconnects(), 1u);
}

}  // namespace
}  // namespace ssegw::testing
