// GatewayEnvironment: what the HTTP/2 sessions of one event loop see of the gateway —
// that loop's hub and counters, /metrics rendered from them, and the demo page.
//
// Borrows the hub and counters, which must outlive it and every session using it.
// Single-threaded, like the loop.
#pragma once

#include <string>
#include <string_view>

#include "core/counters.h"
#include "core/hub.h"
#include "h2/server_session.h"

namespace ssegw::app {

class GatewayEnvironment final : public h2::SessionEnvironment {
 public:
  GatewayEnvironment(Hub& hub, GatewayCounters& counters) : hub_(hub), counters_(counters) {}

  Hub& hub() override { return hub_; }
  GatewayCounters& counters() override { return counters_; }
  std::string RenderMetrics() override;
  std::string_view DemoPage() override;

 private:
  Hub& hub_;
  GatewayCounters& counters_;
};

}  // namespace ssegw::app
