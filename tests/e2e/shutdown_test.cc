// SIGTERM: GOAWAY to every client, streams ended cleanly, socket file removed, exit 0.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>

#include "e2e_support.h"

namespace ssegw::testing {
namespace {

class ShutdownTest : public GatewayTest {};

TEST_F(ShutdownTest, SigtermSendsGoawayEndsStreamsRemovesSocketAndExitsZero) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto a = Connect();
  ASSERT_TRUE(a);
  auto b = Connect();
  ASSERT_TRUE(b);
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  ASSERT_TRUE(std::filesystem::exists(gateway().socket_path()));
  std::vector<StreamState*> streams;
  for (H2Client* c : {a.get(), b.get()}) {
    streams.push_back(c->stream(c->Get("/events/bye")));
    streams.push_back(c->stream(c->Get("/events?topic=bye&topic=other")));
  }
  H2Client* clients[] = {a.get(), b.get()};
  ASSERT_TRUE(H2Client::RunUntil(
      clients,
      [&] {
        for (StreamState* s : streams) {
          if (!s->headers_received) return false;
        }
        return true;
      },
      kWait));
  PublishOk(*publisher, MakeRequest(1, {MakeEvent({"bye"}, "last words", "z1")}));
  ASSERT_TRUE(H2Client::RunUntil(
      clients,
      [&] {
        for (StreamState* s : streams) {
          if (s->events.empty()) return false;
        }
        return true;
      },
      kWait));

  ASSERT_EQ(kill(gateway().pid(), SIGTERM), 0);
  ASSERT_TRUE(H2Client::RunUntil(
      clients,
      [&] {
        for (StreamState* s : streams) {
          if (!s->closed) return false;
        }
        return a->goaway_received() && b->goaway_received();
      },
      kWait))
      << "goaway a=" << a->goaway_received() << " b=" << b->goaway_received();
  for (H2Client* c : clients) {
    EXPECT_EQ(c->goaway_error_code(), 0u);  // NO_ERROR: a graceful shutdown
  }
  for (StreamState* s : streams) {
    EXPECT_TRUE(s->end_stream_received) << s->id;
    EXPECT_FALSE(s->rst_received) << s->id << " reset with " << s->rst_error_code;
    EXPECT_EQ(s->close_error_code, 0u) << s->id;
    ASSERT_EQ(s->events.size(), 1u) << s->id;
    EXPECT_EQ(s->events[0].last_event_id, "z1");
  }

  // The gateway closes the connections and exits by itself.
  EXPECT_TRUE(H2Client::RunUntil(
      clients, [&] { return a->connection_closed() && b->connection_closed(); }, kWait));
  const auto status = gateway().WaitForExit(kWait);
  ASSERT_TRUE(status) << "the gateway did not exit after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status)) << "status " << *status;
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  EXPECT_FALSE(std::filesystem::exists(gateway().socket_path()));
  EXPECT_TRUE(publisher->WaitForClose(kWait));
}

TEST_F(ShutdownTest, SigtermWithNoClientsExitsZeroAndRemovesSocket) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  const auto status = gateway().Terminate(kWait);
  ASSERT_TRUE(status) << "the gateway did not exit after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status)) << "status " << *status;
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  EXPECT_FALSE(std::filesystem::exists(gateway().socket_path()));
}

TEST_F(ShutdownTest, SigintBehavesLikeSigterm) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto client = Connect();
  ASSERT_TRUE(client);
  StreamState* s = client->stream(client->Get("/events/x"));
  ASSERT_TRUE(client->RunUntil([&] { return s->headers_received; }, kWait));
  ASSERT_EQ(kill(gateway().pid(), SIGINT), 0);
  ASSERT_TRUE(client->RunUntil([&] { return s->closed && client->goaway_received(); }, kWait));
  EXPECT_TRUE(s->end_stream_received);
  const auto status = gateway().WaitForExit(kWait);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "status " << *status;
  EXPECT_FALSE(std::filesystem::exists(gateway().socket_path()));
}

}  // namespace
}  // namespace ssegw::testing
