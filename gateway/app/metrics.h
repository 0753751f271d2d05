// Prometheus text exposition (format 0.0.4) of the gateway's counters, for GET /metrics.
//
// A snapshot is plain values, so rendering is unit-testable without sockets. With
// several event loops, their snapshots are added with Add() before rendering: counters
// and connection gauges sum; history figures take the largest loop's, since every loop
// would hold the same history. Pure functions; no globals.
#pragma once

#include <cstdint>
#include <string>

#include "core/counters.h"
#include "core/hub.h"

namespace ssegw::app {

struct MetricsSnapshot {
  GatewayCounters counters;
  uint64_t history_events = 0;
  uint64_t history_bytes = 0;
};

MetricsSnapshot TakeSnapshot(const GatewayCounters& counters, const Hub& hub);
void Add(const MetricsSnapshot& loop, MetricsSnapshot* total);
std::string RenderMetrics(const MetricsSnapshot& snapshot);

}  // namespace ssegw::app
