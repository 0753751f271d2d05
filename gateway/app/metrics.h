// Prometheus text exposition (format 0.0.4) of the gateway's counters, for GET /metrics.
//
// Every counting thread has its own GatewayCounters; /metrics adds their current
// values (AddValues) and renders the sum. Rendering is a pure function of plain values,
// so it is unit-testable without sockets or threads.
#pragma once

#include <span>
#include <string>

#include "core/counters.h"

namespace ssegw::app {

// The process totals, then per-worker connection and stream gauges (labelled
// worker="0", "1", ...) so an operator can see how connections spread over the loops.
std::string RenderMetrics(const CounterValues& total, std::span<const CounterValues> workers = {});

}  // namespace ssegw::app
