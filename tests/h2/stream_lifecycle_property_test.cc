// A property test of the server session: random interleavings of stream opens (live and
// resumed), client resets, stalls and WINDOW_UPDATEs, publishes of events of every size,
// timer ticks (keep-alive, the slow-consumer grace), the client's GOAWAY and the server's
// shutdown. Whatever the order, the stream gauges agree at every step, and once every
// stream is gone no queue holds an event any more: the history is its only owner. Run
// in the sanitizer build, LeakSanitizer checks that nothing else was left behind.
#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "h2_pair.h"

namespace ssegw::h2::testing {
namespace {

const std::vector<std::string> kTopics = {"a", "b", "c", "d"};

void RunScenario(uint32_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  auto pick = [&rng](size_t n) { return static_cast<size_t>(rng() % n); };

  SessionOptions options;
  options.stream_buffer_bytes = 2048;
  options.slow_consumer_grace_ms = 2000;
  options.keepalive_ms = 1000;
  options.max_concurrent_streams = 64;
  ClientOptions client;
  client.initial_window = 1024;
  client.auto_window_update = false;
  H2Pair pair(options, client);

  std::vector<int32_t> ids;
  std::vector<std::string> published;
  bool client_goaway = false;
  for (int step = 0; step < 200; ++step) {
    switch (pick(10)) {
      case 0:
      case 1: {  // open a stream, live or resumed from a retained or forgotten id
        if (client_goaway || ids.size() >= 60) break;
        HeaderList extra;
        if (!published.empty() && pick(3) == 0) {
          extra.push_back(
              {"last-event-id", pick(4) == 0 ? "gone" : published[pick(published.size())]});
        }
        ids.push_back(pair.Get("/events/" + kTopics[pick(kTopics.size())], extra));
        break;
      }
      case 2: {  // the client resets a stream (once it is open: nghttp2 1.52 would send
                 // RST_STREAM for one whose HEADERS are still queued, a protocol error)
        if (ids.empty()) break;
        const int32_t id = ids[pick(ids.size())];
        if (pair.stream(id).status() != 0) {
          nghttp2_submit_rst_stream(pair.client(), NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
        }
        break;
      }
      case 3:  // a stream stops taking data / takes it again (WINDOW_UPDATE)
        if (ids.empty()) break;
        if (pick(2) == 0) {
          pair.Stall(ids[pick(ids.size())]);
        } else {
          pair.Unstall(ids[pick(ids.size())]);
        }
        break;
      case 4:
      case 5:
      case 6: {  // an event of 0 to ~3 KB, to one or two topics
        std::vector<std::string> topics = {kTopics[pick(kTopics.size())]};
        if (pick(3) == 0) topics.push_back(kTopics[pick(kTopics.size())]);
        std::sort(topics.begin(), topics.end());
        topics.erase(std::unique(topics.begin(), topics.end()), topics.end());
        const std::string data(pick(3000), 'x');
        published.push_back(pair.env().Publish(topics, data));
        break;
      }
      case 7:
        pair.Tick(250 + pick(1000));
        break;
      case 8:
        if (pick(20) == 0 && !client_goaway) {
          nghttp2_submit_goaway(pair.client(), NGHTTP2_FLAG_NONE, 0, NGHTTP2_NO_ERROR, nullptr, 0);
          client_goaway = true;
        } else if (pick(40) == 0) {
          pair.server().Shutdown();
        }
        break;
      default:
        break;  // only the pump below
    }
    if (pick(4) != 0) pair.Pump();
    ASSERT_EQ(pair.env().counters().streams, pair.server().open_sse_streams()) << step;
    ASSERT_LE(pair.env().subscriber_count(), pair.env().counters().streams) << step;
  }

  // The client leaves: every stream it still has is reset; then whatever the server
  // still holds must go.
  pair.Pump();
  for (int32_t id : ids) {
    if (!pair.stream(id).closed) {
      nghttp2_submit_rst_stream(pair.client(), NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
    }
  }
  pair.Pump();
  pair.Tick(options.slow_consumer_grace_ms + 1000);
  pair.Pump();
  EXPECT_EQ(pair.goaway_error_code, static_cast<uint32_t>(NGHTTP2_NO_ERROR));
  EXPECT_TRUE(pair.server_ok);
  EXPECT_EQ(pair.env().counters().streams, 0u);
  EXPECT_EQ(pair.server().open_sse_streams(), 0u);
  EXPECT_EQ(pair.env().subscriber_count(), 0u);
  EXPECT_EQ(QueuedReferences(pair.env(), kTopics), 0u);
}

TEST(StreamLifecyclePropertyTest, EveryQueueIsFreedWhateverTheOrder) {
  for (uint32_t seed = 1; seed <= 150; ++seed) {
    RunScenario(seed);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace ssegw::h2::testing
