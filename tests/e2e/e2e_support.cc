#include "e2e_support.h"

#include <limits>
#include <sstream>

namespace ssegw::testing {

void GatewayTest::TearDown() {
  if (HasFailure() && gateway_) {
    std::string err = gateway_->Stderr();
    constexpr size_t kTail = 8192;
    if (err.size() > kTail) err = "...\n" + err.substr(err.size() - kTail);
    std::cerr << "---- gateway startup line: " << gateway_->startup_line()
              << "\n---- gateway stderr:\n"
              << err << "---- end of gateway stderr\n";
  }
}

void GatewayTest::StartGatewayWithCertificate(TestCertificate certificate,
                                              std::vector<std::string> extra_args) {
  std::string error;
  gateway_ = std::make_unique<GatewayProcess>(GatewayConfig{.binary = SSEGW_GATEWAY_BIN,
                                                            .certificate = std::move(certificate),
                                                            .extra_args = std::move(extra_args)});
  ASSERT_TRUE(gateway_->Start(&error)) << error;
  ASSERT_GT(gateway_->port(), 0) << gateway_->startup_line();
}

void GatewayTest::StartGateway(std::vector<std::string> extra_args, std::string listen_plain) {
  std::string error;
  const auto cert = MakeTestCertificate(SSEGW_GEN_DEV_CERT, &error);
  ASSERT_TRUE(cert) << error;
  const bool plain = !listen_plain.empty();
  gateway_ =
      std::make_unique<GatewayProcess>(GatewayConfig{.binary = SSEGW_GATEWAY_BIN,
                                                     .certificate = *cert,
                                                     .extra_args = std::move(extra_args),
                                                     .listen_plain = std::move(listen_plain)});
  ASSERT_TRUE(gateway_->Start(&error)) << error;
  ASSERT_GT(gateway_->port(), 0) << gateway_->startup_line();
  if (plain) {
    ASSERT_GT(gateway_->plain_port(), 0) << gateway_->startup_line();
  }
}

std::unique_ptr<H1Client> GatewayTest::ConnectH1(H1ClientOptions options) {
  const int port = options.tls ? gateway_->port() : gateway_->plain_port();
  auto client = std::make_unique<H1Client>(std::move(options));
  std::string error;
  if (!client->Connect(port, &error)) {
    ADD_FAILURE() << "HTTP/1.1 connect to port " << port << ": " << error;
    return nullptr;
  }
  return client;
}

std::unique_ptr<H2Client> GatewayTest::Connect(H2ClientOptions options) {
  auto client = std::make_unique<H2Client>(options);
  std::string error;
  if (!client->Connect(gateway_->port(), &error)) {
    ADD_FAILURE() << "HTTP/2 connect to port " << gateway_->port() << ": " << error;
    return nullptr;
  }
  return client;
}

std::unique_ptr<Publisher> GatewayTest::ConnectPublisher() {
  auto publisher = std::make_unique<Publisher>();
  std::string error;
  if (!publisher->Connect(gateway_->socket_path(), &error)) {
    ADD_FAILURE() << "publisher connect: " << error;
    return nullptr;
  }
  return publisher;
}

std::vector<std::string> GatewayTest::PublishOk(Publisher& publisher,
                                                const v1::PublishRequest& request) {
  const auto reply = publisher.Publish(request, kWait);
  if (!reply) {
    ADD_FAILURE() << "no reply to seq " << request.seq() << ": " << publisher.error();
    return {};
  }
  EXPECT_EQ(reply->seq(), request.seq());
  EXPECT_EQ(reply->status(), v1::STATUS_OK) << reply->error();
  return {reply->ids().begin(), reply->ids().end()};
}

std::map<std::string, double> GatewayTest::Metrics(H2Client& client) {
  std::map<std::string, double> out;
  const StreamState* s = client.Fetch("/metrics", {}, kWait);
  if (!s) {
    ADD_FAILURE() << "GET /metrics did not complete: " << client.error();
    return out;
  }
  EXPECT_EQ(s->status, 200);
  std::istringstream in(s->body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    // "name{labels} value [timestamp]": the value follows the first space after the
    // labels (label values may hold spaces, so skip past the closing brace first).
    size_t name_end = line.find('{') != std::string::npos ? line.find('}') + 1 : 0;
    name_end = line.find(' ', name_end);
    if (name_end == std::string::npos) continue;
    out[line.substr(0, name_end)] = std::strtod(line.c_str() + name_end + 1, nullptr);
  }
  return out;
}

bool GatewayTest::PublishUntilSlowConsumer(Publisher& publisher, H2Client& probe,
                                           const std::string& topic, uint64_t max_events) {
  const std::string data(kSlowConsumerEventBytes, 'd');
  for (uint64_t seq = 1; seq <= max_events; ++seq) {
    PublishOk(publisher, MakeRequest(seq, {MakeEvent({topic}, data)}));
    if (seq % 10 == 0 && Value(Metrics(probe), "ssegw_slow_consumer_closes_total") >= 1) {
      return true;
    }
  }
  return false;
}

double Value(const std::map<std::string, double>& metrics, const std::string& name) {
  auto it = metrics.find(name);
  if (it == metrics.end()) {
    ADD_FAILURE() << "/metrics has no " << name;
    return std::numeric_limits<double>::quiet_NaN();
  }
  return it->second;
}

std::vector<std::string> Ids(const std::vector<ParsedEvent>& events) {
  std::vector<std::string> ids;
  for (const ParsedEvent& e : events) ids.push_back(e.last_event_id);
  return ids;
}

bool WaitForEvents(H2Client& client, const StreamState* stream, size_t count,
                   std::chrono::milliseconds timeout) {
  return client.RunUntil([&] { return stream->events.size() >= count || stream->closed; },
                         timeout) &&
         stream->events.size() >= count;
}

}  // namespace ssegw::testing
