// Feeds publisher bytes to PublishDecoder three ways: whole, in two pieces split at a
// point taken from the input, and one byte at a time. Framing must not depend on how
// the socket happened to deliver the bytes, so all three must produce the same frames
// and end in the same state; any difference aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ssegw/internal/ingest.pb.h"
#include "wire/publish_codec.h"

namespace {

// Small enough that the fuzzer easily writes lengths above it.
constexpr size_t kMaxFrame = 4096;

struct Transcript {
  std::vector<std::string> frames;  // each decoded request, re-serialized
  bool failed = false;
  ssegw::Error error{};
  size_t buffered = 0;

  bool operator==(const Transcript& other) const {
    return frames == other.frames && failed == other.failed && (!failed || error == other.error) &&
           buffered == other.buffered;
  }
};

void Drain(ssegw::PublishDecoder& decoder, ssegw::internal::IngestRequest& request,
           Transcript& out) {
  for (;;) {
    switch (decoder.Next(&request)) {
      case ssegw::PublishDecoder::Outcome::kFrame:
        out.frames.push_back(request.SerializeAsString());
        continue;
      case ssegw::PublishDecoder::Outcome::kNeedMore:
        return;
      case ssegw::PublishDecoder::Outcome::kError:
        // Sticky: asking again must give the same answer.
        if (decoder.Next(&request) != ssegw::PublishDecoder::Outcome::kError) std::abort();
        out.failed = true;
        out.error = decoder.error();
        return;
    }
  }
}

Transcript Run(std::string_view input, const std::vector<size_t>& cuts) {
  ssegw::PublishDecoder decoder(kMaxFrame);
  ssegw::internal::IngestRequest request;
  Transcript out;
  size_t at = 0;
  for (size_t cut : cuts) {
    decoder.Append(input.substr(at, cut - at));
    at = cut;
    Drain(decoder, request, out);
  }
  decoder.Append(input.substr(at));
  Drain(decoder, request, out);
  out.buffered = decoder.buffered_bytes();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const Transcript whole = Run(input, {});
  const size_t split = size == 0 ? 0 : (static_cast<size_t>(data[0]) * 131) % (size + 1);
  const Transcript halves = Run(input, {split});
  std::vector<size_t> every_byte;
  for (size_t i = 1; i < size; ++i) every_byte.push_back(i);
  const Transcript bytes = Run(input, every_byte);

  if (!(whole == halves) || !(whole == bytes)) {
    std::fprintf(stderr, "framing differs: whole %zu frames, halves %zu, bytes %zu\n",
                 whole.frames.size(), halves.frames.size(), bytes.frames.size());
    std::abort();
  }
  // Every decoded frame must itself re-frame and decode to the same request.
  for (const std::string& frame : whole.frames) {
    ssegw::internal::IngestRequest request;
    if (!request.ParseFromString(frame)) std::abort();
    std::string wire;
    ssegw::AppendDelimited(request, &wire);
    // Re-encoding may differ in size from the original bytes, so no cap here.
    ssegw::PublishDecoder decoder(SIZE_MAX);
    decoder.Append(wire);
    ssegw::internal::IngestRequest again;
    if (decoder.Next(&again) != ssegw::PublishDecoder::Outcome::kFrame) std::abort();
    if (again.SerializeAsString() != frame) std::abort();
  }
  return 0;
}
