// History micro-benchmarks at the gateway's default 10,000-event cap.
//
// Ids are made before timing starts and copied into the history in the loop, as the hub
// does with a publisher's id; the message is one SharedBytes shared by every entry, as an
// encoded event is shared by the history and its subscribers.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

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

void Fill(History& history, const std::vector<std::string>& ids) {
  for (const std::string& id : ids) (void)history.Append(id, {"prices"}, Message());
}

// Steady state: the history is full, so every append also evicts the oldest entry.
// Ids cycle through 2 * kCap values, so the one appended was always evicted long ago.
void BM_HistoryAppend(benchmark::State& state) {
  History history(kCap, kBytesCap);
  const std::vector<std::string> ids = MakeIds(2 * kCap, 0);
  const std::vector<std::string> topics = {"prices"};
  size_t next = 0;
  for (; next < kCap; ++next) (void)history.Append(ids[next], topics, Message());
  for (auto _ : state) {
    // The id and topic copies are part of an append's real cost: the hub hands over
    // owned strings parsed from the publish frame.
    const HistoryEntry& entry = history.Append(ids[next], topics, Message());
    benchmark::DoNotOptimize(&entry);
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

// A reconnecting subscriber 100 events behind: lookup plus a walk of 100 matching
// entries, each visit taking a reference to the shared message as a stream queue would.
void BM_ReplayAfter(benchmark::State& state) {
  History history(kCap, kBytesCap);
  const std::vector<std::string> ids = MakeIds(kCap, 0);
  Fill(history, ids);
  const std::string& after = ids[kCap - 101];
  const std::vector<std::string> topics = {"prices"};
  std::vector<SharedBytes> queue;
  queue.reserve(100);
  for (auto _ : state) {
    queue.clear();
    History::Replay r = history.ForEachAfter(
        after, topics, [&](const HistoryEntry& entry) { queue.push_back(entry.message); });
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(queue.data());
  }
  if (queue.size() != 100) state.SkipWithError("expected 100 replayed entries");
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_ReplayAfter);

}  // namespace
}  // namespace ssegw
