#include "gateway_cluster_support.h"

#include <nats/nats.h>

#include <cstdlib>
#include <iostream>
#include <thread>

namespace ssegw::testing {

void GatewayClusterTest::TearDown() {
  GatewayTest::TearDown();
  if (!HasFailure()) return;
  for (size_t i = 0; i < gateways_.size(); ++i) {
    std::string err = gateways_[i]->Stderr();
    constexpr size_t kTail = 6000;
    if (err.size() > kTail) err = "...\n" + err.substr(err.size() - kTail);
    std::cerr << "---- gateway " << i << " stderr:\n" << err << "---- end\n";
  }
  if (nats_) {
    std::string logs = nats_->AllLogs();
    constexpr size_t kTail = 6000;
    if (logs.size() > kTail) logs = "...\n" + logs.substr(logs.size() - kTail);
    std::cerr << "---- NATS logs:\n" << logs << "---- end\n";
  }
}

void GatewayClusterTest::StartNats(int nodes) {
  nats_ = std::make_unique<NatsCluster>(NatsClusterConfig{.nodes = nodes});
  std::string error;
  ASSERT_TRUE(nats_->Start(&error)) << error;
}

GatewayProcess* GatewayClusterTest::StartClusterGateway(std::vector<std::string> extra_args) {
  std::string error;
  const auto cert = MakeTestCertificate(SSEGW_GEN_DEV_CERT, &error);
  if (!cert) {
    ADD_FAILURE() << error;
    return nullptr;
  }
  std::vector<std::string> args;
  for (const std::string& url : nats_->ClientUrls()) {
    args.push_back("--nats");
    args.push_back(url);
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  // The startup line comes once the log's tail is loaded; an R3 stream on a fresh
  // cluster may need a few tries to be placed.
  auto gateway = std::make_unique<GatewayProcess>(
      GatewayConfig{.binary = SSEGW_GATEWAY_BIN,
                    .certificate = *cert,
                    .extra_args = std::move(args),
                    .startup_timeout = std::chrono::milliseconds(kClusterWait)});
  if (!gateway->Start(&error)) {
    ADD_FAILURE() << "gateway " << gateways_.size() << ": " << error;
    return nullptr;
  }
  gateways_.push_back(std::move(gateway));
  return gateways_.back().get();
}

std::unique_ptr<H2Client> GatewayClusterTest::ConnectTo(GatewayProcess& gateway) {
  auto client = std::make_unique<H2Client>();
  std::string error;
  if (!client->Connect(gateway.port(), &error)) {
    ADD_FAILURE() << "HTTP/2 connect to port " << gateway.port() << ": " << error;
    return nullptr;
  }
  return client;
}

std::unique_ptr<Publisher> GatewayClusterTest::PublisherOf(GatewayProcess& gateway) {
  auto publisher = std::make_unique<Publisher>();
  std::string error;
  if (!publisher->Connect(gateway.socket_path(), &error)) {
    ADD_FAILURE() << "publisher connect: " << error;
    return nullptr;
  }
  return publisher;
}

const StreamState* GatewayClusterTest::Subscribe(H2Client& client, const std::string& path,
                                                 const std::optional<std::string>& last_event_id) {
  Headers headers;
  if (last_event_id) headers.emplace_back("last-event-id", *last_event_id);
  const int32_t id = client.Get(path, headers);
  if (id <= 0) {
    ADD_FAILURE() << "request failed: " << id;
    return nullptr;
  }
  const StreamState* stream = client.stream(id);
  if (!client.RunUntil([&] { return stream->headers_received || stream->closed; }, kWait) ||
      stream->status != 200) {
    ADD_FAILURE() << "no 200 for " << path << " (status " << stream->status << ")";
    return nullptr;
  }
  return stream;
}

v1::PublishReply GatewayClusterTest::PublishAccepted(Publisher& publisher,
                                                     const v1::PublishRequest& request) {
  const std::optional<v1::PublishReply> reply = publisher.Publish(request, kLongWait);
  if (!reply) {
    ADD_FAILURE() << "no reply to seq " << request.seq() << ": " << publisher.error();
    return {};
  }
  EXPECT_EQ(reply->seq(), request.seq());
  EXPECT_EQ(reply->status(), v1::STATUS_OK) << reply->error();
  return *reply;
}

v1::PublishReply GatewayClusterTest::PublishRetrying(Publisher& publisher,
                                                     const v1::PublishRequest& request) {
  const auto deadline = std::chrono::steady_clock::now() + kClusterWait;
  while (true) {
    const std::optional<v1::PublishReply> reply = publisher.Publish(request, kLongWait);
    if (!reply) {
      ADD_FAILURE() << "no reply to seq " << request.seq() << ": " << publisher.error();
      return {};
    }
    if (reply->status() == v1::STATUS_OK) return *reply;
    if (reply->status() != v1::STATUS_UNAVAILABLE || std::chrono::steady_clock::now() >= deadline) {
      ADD_FAILURE() << "seq " << request.seq() << " refused: " << reply->error();
      return *reply;
    }
    // The log is failing over; a publisher paces its retries.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::vector<std::string> Data(const std::vector<ParsedEvent>& events) {
  std::vector<std::string> data;
  for (const ParsedEvent& e : events) data.push_back(e.type == "gap" ? "gap" : e.data);
  return data;
}

namespace {

// A plain libnats connection with a JetStream context, closed when it goes.
struct JsSession {
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;
  ~JsSession() {
    if (js != nullptr) jsCtx_Destroy(js);
    if (nc != nullptr) natsConnection_Destroy(nc);
  }
  bool Open(const std::vector<std::string>& urls) {
    natsOptions* options = nullptr;
    std::vector<const char*> servers;
    for (const std::string& url : urls) servers.push_back(url.c_str());
    natsStatus s = natsOptions_Create(&options);
    if (s == NATS_OK)
      s = natsOptions_SetServers(options, servers.data(), static_cast<int>(servers.size()));
    if (s == NATS_OK) s = natsConnection_Connect(&nc, options);
    natsOptions_Destroy(options);
    if (s == NATS_OK) s = natsConnection_JetStream(&js, nc, nullptr);
    if (s != NATS_OK) ADD_FAILURE() << "libnats: " << natsStatus_GetText(s);
    return s == NATS_OK;
  }
};

}  // namespace

int StreamLeaderNode(const std::vector<std::string>& urls, const std::string& stream) {
  JsSession session;
  if (!session.Open(urls)) return -1;
  jsStreamInfo* info = nullptr;
  if (js_GetStreamInfo(&info, session.js, stream.c_str(), nullptr, nullptr) != NATS_OK) {
    ADD_FAILURE() << "no stream info for " << stream;
    return -1;
  }
  int node = -1;
  if (info->Cluster != nullptr && info->Cluster->Leader != nullptr) {
    node = std::atoi(info->Cluster->Leader + 1) - 1;  // "n2" → 1
  }
  jsStreamInfo_Destroy(info);
  return node;
}

bool DeleteStreamMessage(const std::string& url, const std::string& stream, uint64_t seq) {
  JsSession session;
  if (!session.Open({url})) return false;
  const natsStatus s = js_DeleteMsg(session.js, stream.c_str(), seq, nullptr, nullptr);
  EXPECT_EQ(s, NATS_OK) << natsStatus_GetText(s);
  return s == NATS_OK;
}

}  // namespace ssegw::testing
