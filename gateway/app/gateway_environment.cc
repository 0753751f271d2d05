#include "app/gateway_environment.h"

#include "app/demo_page.h"
#include "app/metrics.h"

namespace ssegw::app {

std::string GatewayEnvironment::RenderMetrics() {
  return app::RenderMetrics(TakeSnapshot(counters_, hub_));
}

std::string_view GatewayEnvironment::DemoPage() {
  return kDemoPage;
}

}  // namespace ssegw::app
