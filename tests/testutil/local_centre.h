// LocalCentre: the gateway's centre — an in-memory event log and one worker's fanout —
// wired together on one thread, for tests of the layers above it (h2, h1, fuzzers)
// without threads, sockets or clocks.
//
// As in the gateway, a Last-Event-ID lookup is asynchronous and catch-up runs outside
// the protocol's callbacks: lookups wait until Settle(), which answers them and runs
// catch-up until nothing is left to do. Publish commits at once and fans out at once.
// Reads beyond the tail are answered by the in-memory log (always "lost") at Settle().
// Single-threaded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/counters.h"
#include "core/event_log.h"
#include "core/fanout.h"
#include "core/memory_log.h"

namespace ssegw::testing {

class LocalCentre final : public CommitSink, public FanoutHost {
 public:
  explicit LocalCentre(const MemoryLogOptions& options = {});

  Fanout& fanout() { return fanout_; }
  MemoryLog& log() { return log_; }
  GatewayCounters& counters() { return counters_; }

  // Publishes one event; returns its id (the given one, or the generated one). Throws
  // std::runtime_error when the event is invalid.
  std::string Publish(const std::vector<std::string>& topics, std::string_view data,
                      std::string_view id = "", std::string_view type = "");
  // Answers pending lookups and runs catch-up until idle; true if it did anything.
  bool Settle();
  // Answers pending lookups and reads only (catch-up is left to the caller's Fanout::Pump).
  void AnswerLookups();

  // CommitSink.
  void OnCommitted(std::span<LogEventPtr> events, uint64_t oldest_retained_seq) override;
  void OnGap(uint64_t position) override { fanout_.OnGap(position); }
  // FanoutHost.
  void Locate(uint64_t request, const std::string& id) override;
  void ReadAfter(uint64_t request, uint64_t seq) override { reads_.emplace_back(request, seq); }
  void OnPumpNeeded() override { pump_needed_ = true; }

 private:
  GatewayCounters counters_;
  MemoryLog log_;
  Fanout fanout_;
  std::vector<std::pair<uint64_t, std::string>> lookups_;
  std::vector<std::pair<uint64_t, uint64_t>> reads_;
  bool pump_needed_ = false;
};

}  // namespace ssegw::testing
