// FakeEnvironment: what an HTTP session sees of the gateway, for tests of the codecs
// without threads or sockets: the real centre (an in-memory log and a fanout,
// testutil/local_centre.h), a metrics text and a demo page. Single-threaded.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/session.h"
#include "testutil/local_centre.h"

namespace ssegw::http::testing {

class FakeEnvironment final : public SessionEnvironment {
 public:
  explicit FakeEnvironment(const MemoryLogOptions& log = {}) : centre_(log) {}
  Fanout& fanout() override { return centre_.fanout(); }
  GatewayCounters& counters() override { return centre_.counters(); }
  std::string RenderMetrics() override;
  std::string_view DemoPage() override { return "<!doctype html><title>demo</title>\n"; }
  const AccessPolicy& policy() override { return access; }
  int64_t UnixNow() override { return unix_now; }
  bool Ready() override { return ready; }
  uint64_t NowUs() override { return now_us; }
  void OnRequestFinished(const AccessRecord& record) override {
    access_log.push_back(std::string(record.method) + " " + std::string(record.path) + " " +
                         std::to_string(record.status) + " " + std::string(record.protocol));
  }
  // POST /publish: appended to the log at the next Settle, as the log owner would later.
  void Publish(std::vector<EventDraft> batch, std::function<void(PublishResult)> done) override {
    appends_.emplace_back(std::move(batch), std::move(done));
  }

  // Publishes one event through the log; returns its id (the given one, or generated).
  std::string Publish(const std::vector<std::string>& topics, std::string_view data,
                      std::string_view id = "", std::string_view type = "") {
    return centre_.Publish(topics, data, id, type);
  }
  // Runs pending appends, answers Last-Event-ID lookups and runs catch-up; true if it
  // did anything.
  bool Settle() {
    bool did = !appends_.empty();
    auto appends = std::move(appends_);
    appends_.clear();
    for (auto& [batch, done] : appends) centre_.log().Append(batch, std::move(done));
    return centre_.Settle() || did;
  }
  // Streams attached to the fanout in any phase.
  size_t subscriber_count() { return centre_.fanout().attached_count(); }
  const History& history() { return centre_.log().history(); }

  // The authorization policy the routes apply (public by default) and the clock they read.
  AccessPolicy access;
  int64_t unix_now = 1'700'000'000;
  bool ready = true;
  uint64_t now_us = 1'000'000;
  std::vector<std::string> access_log;  // "METHOD PATH STATUS PROTOCOL" per finished request

 private:
  ssegw::testing::LocalCentre centre_;
  std::vector<std::pair<std::vector<EventDraft>, std::function<void(PublishResult)>>> appends_;
};

// References to the retained events on any of `topics` (sorted) held outside the
// history, i.e. by stream queues: 0 once every queue has let go of them.
size_t QueuedReferences(FakeEnvironment& env, const std::vector<std::string>& topics);

}  // namespace ssegw::http::testing
