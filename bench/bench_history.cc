// History and catch-up micro-benchmarks at the gateway's default 10,000-event cap.
//
// Ids are made before timing starts and copied into each event in the loop, as the log
// does with a publisher's id; the message is one SharedBytes shared by every event, as
// an encoded event is shared by the history, the workers' tails and the subscribers.
#include <benchmark/benchmark.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/fanout.h"
#include "core/history.h"

namespace ssegw {
namespace {

constexpr size_t kCap = 10'000;
constexpr size_t kBytesCap = 64 << 20;

// ~20-byte ids shaped like a publisher's: a fixed prefix and a counter.
std::string MakeId(size_t i) {
  std::string id = "order-0000000000000";
  for (size_t p = id.size(); i != 0 && p > 6; i /= 10) id[--p] = static_cast<char>('0' + i % 10);
  return id;
}

std::vector<std::string> MakeIds(size_t count, size_t first) {
  std::vector<std::string> ids;
  ids.reserve(count);
  for (size_t i = 0; i < count; ++i) ids.push_back(MakeId(first + i));
  return ids;
}

const SharedBytes& Message() {
  static const SharedBytes message(std::string(100, 'm'));
  return message;
}

LogEventPtr MakeEvent(uint64_t seq, const std::string& id, const std::vector<std::string>& topics) {
  auto event = std::make_shared<LogEvent>();
  event->seq = seq;
  event->id = id;
  event->topics = topics;
  event->message = Message();
  return event;
}

void Fill(History& history, const std::vector<std::string>& ids) {
  uint64_t seq = 0;
  for (const std::string& id : ids) history.Append(MakeEvent(++seq, id, {"prices"}));
}

// Steady state: the history is full, so every append also evicts the oldest entry.
// Ids cycle through 2 * kCap values, so the one appended was always evicted long ago.
void BM_HistoryAppend(benchmark::State& state) {
  History history(kCap, kBytesCap);
  const std::vector<std::string> ids = MakeIds(2 * kCap, 0);
  const std::vector<std::string> topics = {"prices"};
  size_t next = 0;
  uint64_t seq = 0;
  for (; next < kCap; ++next) history.Append(MakeEvent(++seq, ids[next], topics));
  for (auto _ : state) {
    // The event allocation and the id and topic copies are part of an append's real
    // cost: the log builds the shared event from the publisher's strings.
    history.Append(MakeEvent(++seq, ids[next], topics));
    if (++next == ids.size()) next = 0;
  }
  state.counters["evicted"] = static_cast<double>(history.evicted_total());
}
BENCHMARK(BM_HistoryAppend);

// Alternates 1,024 held ids in pseudo-random order across the log, so lookups are not
// all served from one cache line.
void BM_HistoryContainsHit(benchmark::State& state) {
  History history(kCap, kBytesCap);
  const std::vector<std::string> ids = MakeIds(kCap, 0);
  Fill(history, ids);
  std::vector<std::string_view> probes;
  for (size_t i = 0; i < 1024; ++i) probes.push_back(ids[(i * 7919) % kCap]);
  size_t i = 0;
  for (auto _ : state) {
    bool found = history.Contains(probes[i++ & 1023]);
    benchmark::DoNotOptimize(found);
  }
}
BENCHMARK(BM_HistoryContainsHit);

void BM_HistoryContainsMiss(benchmark::State& state) {
  History history(kCap, kBytesCap);
  Fill(history, MakeIds(kCap, 0));
  const std::vector<std::string> misses = MakeIds(1024, kCap);
  size_t i = 0;
  for (auto _ : state) {
    bool found = history.Contains(misses[i++ & 1023]);
    benchmark::DoNotOptimize(found);
  }
}
BENCHMARK(BM_HistoryContainsMiss);

class NoHost final : public FanoutHost {
 public:
  void Locate(uint64_t, const std::string&) override {}
  void ReadAfter(uint64_t, uint64_t) override {}
  void OnPumpNeeded() override {}
};

class QueueSubscriber final : public Subscriber {
 public:
  void Deliver(const SharedBytes& message) override { queue.push_back(message); }
  bool Offer(const SharedBytes& message) override {
    queue.push_back(message);
    return true;
  }
  void OnReplayLost() override {}
  std::vector<SharedBytes> queue;
};

// A reconnecting subscriber 100 events behind: a worker's catch-up walks its tail from
// the located seq, each offer taking a reference to the shared message as a stream's
// queue would, then joins live delivery.
void BM_CatchUp100(benchmark::State& state) {
  NoHost host;
  GatewayCounters counters;
  Fanout fanout(host, counters);
  std::vector<LogEventPtr> events;
  const std::vector<std::string> ids = MakeIds(kCap, 0);
  for (size_t i = 0; i < kCap; ++i) events.push_back(MakeEvent(i + 1, ids[i], {"prices"}));
  fanout.Publish(events, 1);
  QueueSubscriber s;
  s.queue.reserve(100);
  uint64_t request = 0;  // the fanout numbers its lookups 1, 2, ...
  for (auto _ : state) {
    s.queue.clear();
    fanout.Subscribe(&s, {"prices"}, std::string("x"));
    fanout.OnLocated(++request, kCap - 100);
    fanout.Pump(SIZE_MAX);
    fanout.Unsubscribe(&s);
  }
  if (s.queue.size() != 100) state.SkipWithError("expected 100 replayed events");
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_CatchUp100);

}  // namespace
}  // namespace ssegw
