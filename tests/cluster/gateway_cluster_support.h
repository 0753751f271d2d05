// Fixture of the cluster tests with real gateways: real nats-server processes (one node,
// or three with an R3 stream), two or three real sse-gateway binaries sharing them with
// --nats, HTTP/2 subscribers and publishers on the gateways' sockets.
//
// Helpers that can fail report through gtest and return nullptr or false. On failure the
// gateways' and servers' logs are printed. Waits are give-up bounds, never verdicts.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../e2e/e2e_support.h"
#include "testutil/nats_server.h"

namespace ssegw::testing {

inline constexpr std::chrono::seconds kClusterWait{60};

class GatewayClusterTest : public GatewayTest {
 protected:
  void TearDown() override;

  // Starts `nodes` NATS servers (a fatal failure if they do not come up).
  void StartNats(int nodes = 1);
  // Starts a gateway on every NATS URL with `extra_args`; it is ready (tail loaded) when
  // this returns. nullptr and a failure if it does not start.
  GatewayProcess* StartClusterGateway(std::vector<std::string> extra_args = {});

  std::unique_ptr<H2Client> ConnectTo(GatewayProcess& gateway);
  std::unique_ptr<Publisher> PublisherOf(GatewayProcess& gateway);

  // Opens `path` (with Last-Event-ID when given) and waits for its headers.
  const StreamState* Subscribe(H2Client& client, const std::string& path,
                               const std::optional<std::string>& last_event_id = std::nullopt);

  // Publishes one request and expects it accepted; returns the reply.
  v1::PublishReply PublishAccepted(Publisher& publisher, const v1::PublishRequest& request);
  // Publishes until accepted, retrying the same request (same ids) after a refusal, as a
  // publisher should while the log is failing over; the give-up bound is kClusterWait.
  v1::PublishReply PublishRetrying(Publisher& publisher, const v1::PublishRequest& request);

  NatsCluster& nats() { return *nats_; }

  std::unique_ptr<NatsCluster> nats_;
  std::vector<std::unique_ptr<GatewayProcess>> gateways_;
};

// The data of `events`, with "gap" for a gap notice.
std::vector<std::string> Data(const std::vector<ParsedEvent>& events);

// What an operator would do with the `nats` tool, through libnats' blocking API: the node
// (0-based, from its server name "nN") that leads `stream`, -1 when unknown; deleting
// one message. false/-1 with a failure when the servers do not answer.
int StreamLeaderNode(const std::vector<std::string>& urls, const std::string& stream);
bool DeleteStreamMessage(const std::string& url, const std::string& stream, uint64_t seq);

}  // namespace ssegw::testing
