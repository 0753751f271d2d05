// Shared fixture of the end-to-end tests: starts the real gateway with the flags a test
// asks for, connects HTTP/2 clients and publishers to it, and reads /metrics.
//
// Helpers that can fail report through gtest (ADD_FAILURE / ASSERT) and return nullptr
// or false, so tests wrap them in ASSERT_TRUE / ASSERT_NO_FATAL_FAILURE. On failure the
// gateway's stderr is printed, because that is usually where the cause is.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "testutil/gateway_process.h"
#include "testutil/h1_client.h"
#include "testutil/h2_client.h"
#include "testutil/publisher.h"

namespace ssegw::testing {

// True in the sanitizer builds (ASan's quarantine keeps freed memory resident, TSan's
// shadow memory multiplies it): RSS bounds hold only in the plain build.
#ifdef SSEGW_SANITIZED
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif

// Guards against hangs; tests wait for conditions, these only bound the wait. The long
// one bounds large deliveries (tens of megabytes, thousands of streams), which take
// several times longer under TSan with four workers on a loaded machine.
inline constexpr std::chrono::seconds kWait{10};
inline constexpr std::chrono::seconds kLongWait{kSanitizedBuild ? 90 : 30};
// The data of each event PublishUntilSlowConsumer publishes.
inline constexpr size_t kSlowConsumerEventBytes = 64 * 1024;

class GatewayTest : public ::testing::Test {
 protected:
  void TearDown() override;

  // Starts the gateway; a fatal failure if it does not come up. `listen_plain`, when not
  // empty, is passed as --listen-plain.
  void StartGateway(std::vector<std::string> extra_args = {}, std::string listen_plain = "");
  // The same with this certificate and key instead of the test's own.
  void StartGatewayWithCertificate(TestCertificate certificate,
                                   std::vector<std::string> extra_args = {});

  std::unique_ptr<H2Client> Connect(H2ClientOptions options = {});
  // An HTTP/1.1 client on the TLS listener, or on the cleartext one when !options.tls.
  std::unique_ptr<H1Client> ConnectH1(H1ClientOptions options = {});
  std::unique_ptr<Publisher> ConnectPublisher();

  // Publishes and expects an accepted reply; returns the ids the gateway reports.
  std::vector<std::string> PublishOk(Publisher& publisher, const v1::PublishRequest& request);

  // GET /metrics on `client`, parsed: sample name (with labels, if any) → value.
  std::map<std::string, double> Metrics(H2Client& client);

  // Publishes kSlowConsumerEventBytes events on `topic`, at most `max_events`, until
  // /metrics on `probe` says the slow-consumer rule has acted: loopback socket buffers
  // take a few MB before a stream that is not read fills its queue. false: it never acted.
  bool PublishUntilSlowConsumer(Publisher& publisher, H2Client& probe, const std::string& topic,
                                uint64_t max_events = 400);

  GatewayProcess& gateway() { return *gateway_; }

 private:
  std::unique_ptr<GatewayProcess> gateway_;
};

// metrics[name], or a failure (and NaN) if the gateway did not report it.
double Value(const std::map<std::string, double>& metrics, const std::string& name);

// The ids of `events`, in order.
std::vector<std::string> Ids(const std::vector<ParsedEvent>& events);

// Waits until the stream holds at least `count` events.
bool WaitForEvents(H2Client& client, const StreamState* stream, size_t count,
                   std::chrono::milliseconds timeout = kWait);

}  // namespace ssegw::testing
