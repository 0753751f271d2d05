#include "app/gateway_environment.h"

#include "app/demo_page.h"
#include "app/metrics.h"

namespace ssegw::app {

std::string GatewayEnvironment::RenderMetrics() {
  CounterValues total{};
  for (const GatewayCounters* counters : counters_) AddValues(*counters, &total);
  std::vector<CounterValues> workers(workers_.size(), CounterValues{});
  for (size_t w = 0; w < workers_.size(); ++w) AddValues(*workers_[w], &workers[w]);
  std::string text = app::RenderMetrics(total, workers);
  for (const auto& render : sections_) render(&text);
  return text;
}

std::string_view GatewayEnvironment::DemoPage() {
  return kDemoPage;
}

}  // namespace ssegw::app
