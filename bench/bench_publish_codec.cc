// Publish framing throughput: how many publish frames one core can take off a socket
// buffer, and how fast a reply is framed.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "ssegw/internal/ingest.pb.h"
#include "ssegw/v1/ssegw.pb.h"
#include "wire/publish_codec.h"

namespace ssegw {
namespace {

constexpr size_t kChunk = 64 * 1024;

// One event, one topic, ~60 bytes of data: 100 bytes on the wire with the length.
std::string PublishFrame(uint64_t seq) {
  internal::IngestRequest request;
  request.set_seq(seq);
  internal::IngestEvent* event = request.add_events();
  event->add_topics("prices/eur-usd");
  event->set_id("ev-0000000001");
  event->set_data(std::string(60, 'd'));
  std::string frame;
  AppendDelimited(request, &frame);
  return frame;
}

void BM_DecodePublish(benchmark::State& state) {
  const std::string frame = PublishFrame(1234567);
  // Several MiB, so chunks end at every offset inside a frame, as on a real socket.
  std::string stream;
  while (stream.size() < 64 * kChunk) stream += frame;
  state.counters["frame_bytes"] = static_cast<double>(frame.size());

  PublishDecoder decoder(1 << 20);
  internal::IngestRequest request;
  size_t frames = 0;
  size_t at = 0;
  for (auto _ : state) {
    const std::string_view chunk = std::string_view(stream).substr(at, kChunk);
    at += chunk.size();
    if (at == stream.size()) at = 0;  // the stream ends on a frame boundary
    decoder.Append(chunk);
    PublishDecoder::Outcome outcome;
    while ((outcome = decoder.Next(&request)) == PublishDecoder::Outcome::kFrame) {
      benchmark::DoNotOptimize(request.events(0).data().size());
      ++frames;
    }
    if (outcome == PublishDecoder::Outcome::kError) {
      state.SkipWithError("decode failed");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(frames));
  state.SetBytesProcessed(static_cast<int64_t>(frames * frame.size()));
}
BENCHMARK(BM_DecodePublish);

void BM_EncodeReply(benchmark::State& state) {
  v1::PublishReply reply;
  reply.set_seq(1234567);
  reply.set_status(v1::STATUS_OK);
  reply.add_ids("ev-0000000001");
  std::string out;
  for (auto _ : state) {
    out.clear();
    AppendDelimited(reply, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeReply);

}  // namespace
}  // namespace ssegw
