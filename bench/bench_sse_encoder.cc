// Cost of turning one published event into its wire bytes: the per-event work on the
// publish path, paid once per event however many streams receive it.
#include <benchmark/benchmark.h>

#include <string>

#include "core/sse_encoder.h"

namespace ssegw {
namespace {

// A JSON-ish 100-byte payload, typical of a notification.
std::string Payload100() {
  std::string s = R"({"type":"price","symbol":"ACME","bid":101.25,"ask":101.27,"ts":1717171717})";
  s.resize(100, ' ');
  return s;
}

// About 16 KiB of prose-like text with LF line breaks every 40-90 bytes.
std::string Payload16KiB() {
  static constexpr std::string_view kWords[] = {
      "the ",  "gateway ", "streams ", "events ", "to ",   "every ",  "open ", "browser ", "tab; ",
      "each ", "line ",    "becomes ", "one ",    "data ", "field, ", "and ",  "ümlauts ", "€ ",
  };
  std::string s;
  size_t line = 0, i = 0;
  while (s.size() < 16 * 1024) {
    s += kWords[i++ % std::size(kWords)];
    if (++line % 11 == 0) s += '\n';
  }
  s.resize(16 * 1024);
  return s;
}

void BM_Encode100ByteEvent(benchmark::State& state) {
  const std::string data = Payload100();
  const EventFields e{.id = "1717171717-000042", .type = "price", .data = data};
  for (auto _ : state) {
    SharedBytes out = EncodeEvent(e);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_Encode100ByteEvent);

void BM_Encode16KiBEvent(benchmark::State& state) {
  const std::string data = Payload16KiB();
  const EventFields e{.id = "1717171717-000042", .type = "article", .data = data};
  for (auto _ : state) {
    SharedBytes out = EncodeEvent(e);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_Encode16KiBEvent);

void BM_ValidateAndEncode100Byte(benchmark::State& state) {
  const std::string data = Payload100();
  const EventFields e{.id = "1717171717-000042", .type = "price", .data = data};
  for (auto _ : state) {
    Status status = ValidateEventFields(e);
    if (!status.ok()) {
      state.SkipWithError("invalid event");
      break;
    }
    SharedBytes out = EncodeEvent(e);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_ValidateAndEncode100Byte);

}  // namespace
}  // namespace ssegw
