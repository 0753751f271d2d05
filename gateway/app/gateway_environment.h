// GatewayEnvironment: what every worker serves the same way — /metrics rendered from
// the counters of every thread (the workers' and the log owner's), and the demo page.
//
// Borrows the counters, which must outlive it; the list is fixed before the workers
// start. Thread-safe: workers call it concurrently; it only reads the single-writer
// atomic counters.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/counters.h"
#include "net/worker.h"

namespace ssegw::app {

class GatewayEnvironment final : public net::SiteContent {
 public:
  // The log owner's counters, and each worker's in worker order.
  void AddCounters(const GatewayCounters* counters) { counters_.push_back(counters); }
  void AddWorkerCounters(const GatewayCounters* counters) {
    counters_.push_back(counters);
    workers_.push_back(counters);
  }
  // Metrics kept elsewhere (the cluster log's histogram), appended after the counters.
  // `render` is called on worker threads and must be thread-safe.
  void AddMetricsSection(std::function<void(std::string*)> render) {
    sections_.push_back(std::move(render));
  }

  std::string RenderMetrics() override;
  std::string_view DemoPage() override;

 private:
  std::vector<const GatewayCounters*> counters_;
  std::vector<const GatewayCounters*> workers_;
  std::vector<std::function<void(std::string*)>> sections_;
};

}  // namespace ssegw::app
