#include "wire/publish_codec.h"

#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/delimited_message_util.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include "ssegw/v1/ssegw.pb.h"

// Counts heap allocations while `g_counting` is set, to prove that steady-state decoding
// allocates nothing. Replacing the global operator new is the only way to see the
// allocations protobuf makes inside ParseFromArray. GCC mistakes the malloc/free pair
// behind a replaced new/delete for a mismatch once it inlines them.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
namespace {
std::atomic<bool> g_counting{false};
std::atomic<size_t> g_allocations{0};
}  // namespace

void* operator new(size_t size) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, size_t) noexcept {
  std::free(p);
}

namespace ssegw {
namespace {

using Outcome = PublishDecoder::Outcome;
using internal::IngestEvent;
using internal::IngestRequest;

constexpr size_t kMaxFrame = 1 << 20;

IngestRequest MakeRequest(uint64_t seq, std::vector<std::string> topics, std::string data,
                          int events = 1) {
  IngestRequest request;
  request.set_seq(seq);
  for (int i = 0; i < events; ++i) {
    IngestEvent* event = request.add_events();
    for (const std::string& topic : topics) event->add_topics(topic);
    event->set_id("id-" + std::to_string(seq) + "-" + std::to_string(i));
    event->set_data(data);
  }
  return request;
}

// Frames of several shapes: an empty request, one-byte and two-byte length varints, a
// batch, an event with every field set.
std::vector<IngestRequest> SampleRequests() {
  std::vector<IngestRequest> requests;
  requests.push_back(MakeRequest(1, {"news"}, "hello"));
  requests.push_back(IngestRequest());  // serializes to zero bytes
  requests.push_back(MakeRequest(3, {"a", "b/c"}, std::string(300, 'x')));
  requests.push_back(MakeRequest(4, {"batch"}, "line1\nline2", 20));
  IngestRequest full = MakeRequest(5, {"t"}, "d");
  full.mutable_events(0)->set_type("update");
  full.mutable_events(0)->set_retry_ms(2500);
  requests.push_back(full);
  requests.push_back(MakeRequest(6, {"x"}, ""));
  return requests;
}

std::string Encode(const std::vector<IngestRequest>& requests) {
  std::string out;
  for (const IngestRequest& request : requests) AppendDelimited(request, &out);
  return out;
}

// Feeds `pieces` in order, draining the decoder after each one, and returns every
// decoded request re-serialized (serialization of these messages is deterministic).
struct Decoded {
  std::vector<std::string> frames;
  Outcome last = Outcome::kNeedMore;
  size_t buffered = 0;
};

Decoded Feed(const std::vector<std::string_view>& pieces, size_t max_frame = kMaxFrame) {
  PublishDecoder decoder(max_frame);
  IngestRequest request;  // reused on purpose: stale contents must not leak through
  Decoded decoded;
  for (std::string_view piece : pieces) {
    decoder.Append(piece);
    while ((decoded.last = decoder.Next(&request)) == Outcome::kFrame) {
      decoded.frames.push_back(request.SerializeAsString());
    }
    if (decoded.last == Outcome::kError) break;
  }
  decoded.buffered = decoder.buffered_bytes();
  return decoded;
}

std::vector<std::string> Serialized(const std::vector<IngestRequest>& requests) {
  std::vector<std::string> out;
  for (const IngestRequest& request : requests) out.push_back(request.SerializeAsString());
  return out;
}

TEST(PublishDecoderTest, DecodesWholeStream) {
  const std::vector<IngestRequest> requests = SampleRequests();
  const std::string stream = Encode(requests);
  Decoded decoded = Feed({stream});
  EXPECT_EQ(decoded.frames, Serialized(requests));
  EXPECT_EQ(decoded.last, Outcome::kNeedMore);
  EXPECT_EQ(decoded.buffered, 0u);
}

TEST(PublishDecoderTest, EverySplitPointYieldsTheSameRequests) {
  const std::vector<IngestRequest> requests = SampleRequests();
  const std::vector<std::string> expected = Serialized(requests);
  const std::string stream = Encode(requests);
  const std::string_view all(stream);
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    Decoded decoded = Feed({all.substr(0, cut), all.substr(cut)});
    ASSERT_EQ(decoded.frames, expected) << "split at " << cut;
    ASSERT_EQ(decoded.last, Outcome::kNeedMore) << "split at " << cut;
    ASSERT_EQ(decoded.buffered, 0u) << "split at " << cut;
  }
}

TEST(PublishDecoderTest, OneByteAtATimeYieldsTheSameRequests) {
  const std::vector<IngestRequest> requests = SampleRequests();
  const std::string stream = Encode(requests);
  std::vector<std::string_view> bytes;
  for (size_t i = 0; i < stream.size(); ++i) bytes.push_back(std::string_view(stream).substr(i, 1));
  Decoded decoded = Feed(bytes);
  EXPECT_EQ(decoded.frames, Serialized(requests));
  EXPECT_EQ(decoded.last, Outcome::kNeedMore);
}

TEST(PublishDecoderTest, IncompleteFrameIsNeedMoreAndCounted) {
  std::string frame;
  AppendDelimited(MakeRequest(7, {"t"}, std::string(200, 'y')), &frame);
  ASSERT_GT(frame.size(), 200u);  // two-byte varint
  PublishDecoder decoder(kMaxFrame);
  IngestRequest request;
  EXPECT_EQ(decoder.Next(&request), Outcome::kNeedMore);  // nothing at all yet
  decoder.Append(std::string_view(frame).substr(0, 1));   // half a varint
  EXPECT_EQ(decoder.Next(&request), Outcome::kNeedMore);
  EXPECT_EQ(decoder.buffered_bytes(), 1u);
  decoder.Append(std::string_view(frame).substr(1, 100));
  EXPECT_EQ(decoder.Next(&request), Outcome::kNeedMore);
  EXPECT_EQ(decoder.buffered_bytes(), 101u);
  decoder.Append(std::string_view(frame).substr(101));
  ASSERT_EQ(decoder.Next(&request), Outcome::kFrame);
  EXPECT_EQ(request.seq(), 7u);
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
  EXPECT_EQ(decoder.Next(&request), Outcome::kNeedMore);
}

TEST(PublishDecoderTest, ZeroLengthFrameIsAnEmptyRequest) {
  PublishDecoder decoder(kMaxFrame);
  IngestRequest request = MakeRequest(9, {"stale"}, "stale");
  decoder.Append(std::string_view("\0", 1));
  ASSERT_EQ(decoder.Next(&request), Outcome::kFrame);
  EXPECT_EQ(request.seq(), 0u);
  EXPECT_EQ(request.events_size(), 0);
  EXPECT_EQ(decoder.Next(&request), Outcome::kNeedMore);
}

TEST(PublishDecoderTest, ElevenByteVarintFailsWithoutWaitingForMore) {
  // 0x80 x10 then 0x00: eleven bytes, fed one at a time. The tenth byte's continuation
  // bit already proves the varint is too long, so the error comes then.
  const std::string varint = std::string(10, '\x80') + std::string(1, '\0');
  PublishDecoder decoder(kMaxFrame);
  IngestRequest request;
  for (size_t i = 0; i < 9; ++i) {
    decoder.Append(varint.substr(i, 1));
    ASSERT_EQ(decoder.Next(&request), Outcome::kNeedMore) << "byte " << i;
  }
  decoder.Append(varint.substr(9, 1));
  ASSERT_EQ(decoder.Next(&request), Outcome::kError);
  EXPECT_EQ(decoder.error(), Error::kVarintTooLong);
  decoder.Append(varint.substr(10, 1));
  ASSERT_EQ(decoder.Next(&request), Outcome::kError);
  EXPECT_EQ(decoder.error(), Error::kVarintTooLong);
}

TEST(PublishDecoderTest, LongVarintWholeIsTooLong) {
  Decoded decoded = Feed({std::string(16, '\xff')});
  EXPECT_EQ(decoded.last, Outcome::kError);
  PublishDecoder decoder(kMaxFrame);
  decoder.Append(std::string(11, '\xff'));
  IngestRequest request;
  ASSERT_EQ(decoder.Next(&request), Outcome::kError);
  EXPECT_EQ(decoder.error(), Error::kVarintTooLong);
}

TEST(PublishDecoderTest, TenthVarintByteAboveOneOverflows) {
  PublishDecoder decoder(kMaxFrame);
  IngestRequest request;
  decoder.Append(std::string(9, '\xff') + "\x02");
  ASSERT_EQ(decoder.Next(&request), Outcome::kError);
  EXPECT_EQ(decoder.error(), Error::kVarintOverflow);
}

TEST(PublishDecoderTest, TenthVarintByteOfOneIsAValidLength) {
  // 2^63: a well-formed varint, so the complaint is its size, not its encoding.
  PublishDecoder decoder(kMaxFrame);
  IngestRequest request;
  decoder.Append(std::string(9, '\x80') + "\x01");
  ASSERT_EQ(decoder.Next(&request), Outcome::kError);
  EXPECT_EQ(decoder.error(), Error::kFrameTooLarge);
}

TEST(PublishDecoderTest, NonCanonicalTenByteVarintIsAccepted) {
  // Zero padded to ten bytes: legal protobuf, so a zero-length frame.
  PublishDecoder decoder(kMaxFrame);
  IngestRequest request;
  decoder.Append(std::string(9, '\x80') + std::string(1, '\0'));
  EXPECT_EQ(decoder.Next(&request), Outcome::kFrame);
}

TEST(PublishDecoderTest, FrameTooLargeIsDetectedBeforeItsBody) {
  const size_t max_frame = 1000;
  IngestRequest request;
  {
    PublishDecoder decoder(max_frame);
    std::string varint;
    AppendDelimited(MakeRequest(1, {"t"}, std::string(max_frame, 'z')), &varint);
    varint.resize(2);  // just the length, which is above the cap: no body follows
    decoder.Append(varint.substr(0, 1));
    ASSERT_EQ(decoder.Next(&request), Outcome::kNeedMore);
    decoder.Append(varint.substr(1, 1));
    ASSERT_EQ(decoder.Next(&request), Outcome::kError);
    EXPECT_EQ(decoder.error(), Error::kFrameTooLarge);
    EXPECT_EQ(decoder.buffered_bytes(), 0u);
  }
  {
    // Exactly the cap is allowed.
    IngestRequest at_cap = MakeRequest(2, {"t"}, "");
    const size_t overhead = at_cap.ByteSizeLong();
    at_cap.mutable_events(0)->set_data(std::string(max_frame - overhead, 'q'));
    // The data and event lengths grew to two-byte varints: trim by what they added.
    at_cap.mutable_events(0)->mutable_data()->resize(max_frame - overhead -
                                                     (at_cap.ByteSizeLong() - max_frame));
    ASSERT_EQ(at_cap.ByteSizeLong(), max_frame);
    std::string frame;
    AppendDelimited(at_cap, &frame);
    PublishDecoder decoder(max_frame);
    decoder.Append(frame);
    ASSERT_EQ(decoder.Next(&request), Outcome::kFrame);
    EXPECT_EQ(request.seq(), 2u);
    // One byte more is not.
    at_cap.mutable_events(0)->mutable_data()->push_back('q');
    frame.clear();
    AppendDelimited(at_cap, &frame);
    decoder.Append(frame);
    ASSERT_EQ(decoder.Next(&request), Outcome::kError);
    EXPECT_EQ(decoder.error(), Error::kFrameTooLarge);
  }
}

TEST(PublishDecoderTest, GarbageBodyIsUnparseable) {
  const std::vector<std::string> bodies = {
      std::string("\x0f", 1),              // wire type 7 does not exist
      std::string("\x00\x01", 2),          // field number 0
      std::string("\x12\x05\x01", 3),      // events claims 5 bytes, has 1
      std::string("\x08\xff\xff", 3),      // seq varint cut short
      std::string("\x12\x02\x0a\x09", 4),  // nested topics claims 9 bytes, has 0
  };
  for (const std::string& body : bodies) {
    PublishDecoder decoder(kMaxFrame);
    IngestRequest request;
    decoder.Append(std::string(1, static_cast<char>(body.size())) + body);
    ASSERT_EQ(decoder.Next(&request), Outcome::kError) << testing::PrintToString(body);
    EXPECT_EQ(decoder.error(), Error::kUnparseableMessage);
  }
}

TEST(PublishDecoderTest, FramesBeforeAnErrorAreDeliveredAndTheErrorIsSticky) {
  std::string stream;
  AppendDelimited(MakeRequest(1, {"t"}, "ok"), &stream);
  stream += std::string("\x01\x0f", 2);  // unparseable
  AppendDelimited(MakeRequest(2, {"t"}, "never"), &stream);

  PublishDecoder decoder(kMaxFrame);
  IngestRequest request;
  decoder.Append(stream);
  ASSERT_EQ(decoder.Next(&request), Outcome::kFrame);
  EXPECT_EQ(request.seq(), 1u);
  ASSERT_EQ(decoder.Next(&request), Outcome::kError);
  EXPECT_EQ(decoder.error(), Error::kUnparseableMessage);
  EXPECT_EQ(decoder.buffered_bytes(), 0u);

  // Valid bytes afterwards change nothing.
  std::string more;
  AppendDelimited(MakeRequest(3, {"t"}, "still never"), &more);
  decoder.Append(more);
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(decoder.Next(&request), Outcome::kError);
    EXPECT_EQ(decoder.error(), Error::kUnparseableMessage);
  }
}

TEST(PublishDecoderTest, ErrorsAreTheSameAtEverySplitPoint) {
  // A good frame then a varint overflow: every split gives one frame, then the error.
  std::string stream;
  AppendDelimited(MakeRequest(1, {"t"}, "ok"), &stream);
  stream += std::string(9, '\xff') + "\x7f";
  const std::string_view all(stream);
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    Decoded decoded = Feed({all.substr(0, cut), all.substr(cut)});
    ASSERT_EQ(decoded.frames.size(), 1u) << "split at " << cut;
    ASSERT_EQ(decoded.last, Outcome::kError) << "split at " << cut;
  }
}

TEST(AppendDelimitedTest, ReadsBackWithProtobufsDelimitedParser) {
  std::vector<v1::PublishReply> replies(3);
  replies[0].set_seq(1);
  replies[0].add_ids("a");
  replies[0].add_ids("b");
  replies[1].set_seq(2);
  replies[1].set_status(v1::STATUS_INVALID_ARGUMENT);
  replies[1].set_error(std::string(500, 'e'));  // two-byte length
  // replies[2] is empty: a zero-length frame.

  std::string wire = "prefix";  // AppendDelimited must append, not overwrite
  for (const v1::PublishReply& reply : replies) AppendDelimited(reply, &wire);
  ASSERT_EQ(wire.substr(0, 6), "prefix");

  google::protobuf::io::ArrayInputStream input(wire.data() + 6, static_cast<int>(wire.size() - 6));
  for (const v1::PublishReply& expected : replies) {
    v1::PublishReply parsed;
    bool clean_eof = false;
    ASSERT_TRUE(
        google::protobuf::util::ParseDelimitedFromZeroCopyStream(&parsed, &input, &clean_eof));
    EXPECT_EQ(parsed.SerializeAsString(), expected.SerializeAsString());
  }
  v1::PublishReply extra;
  bool clean_eof = false;
  EXPECT_FALSE(
      google::protobuf::util::ParseDelimitedFromZeroCopyStream(&extra, &input, &clean_eof));
  EXPECT_TRUE(clean_eof);
}

TEST(AppendDelimitedTest, ProtobufsDelimitedWriterDecodes) {
  // The public schema with string fields, written by protobuf's own delimited writer, as
  // a C++ publisher would.
  std::vector<v1::PublishRequest> published(3);
  published[0].set_seq(10);
  v1::Event* event = published[0].add_events();
  event->add_topics("news");
  event->add_topics("sport/football");
  event->set_id("e1");
  event->set_type("goal");
  event->set_data("line one\r\nline two");
  event->set_retry_ms(3000);
  published[1].set_seq(11);
  published[1].add_events()->set_data(std::string(1000, 'd'));
  // published[2] is empty.

  std::ostringstream out;
  for (const v1::PublishRequest& request : published) {
    ASSERT_TRUE(google::protobuf::util::SerializeDelimitedToOstream(request, &out));
  }
  const std::string wire = out.str();

  PublishDecoder decoder(kMaxFrame);
  decoder.Append(wire);
  IngestRequest request;
  for (const v1::PublishRequest& expected : published) {
    ASSERT_EQ(decoder.Next(&request), Outcome::kFrame);
    EXPECT_EQ(request.SerializeAsString(), expected.SerializeAsString());
  }
  EXPECT_EQ(decoder.Next(&request), Outcome::kNeedMore);
  ASSERT_EQ(request.events_size(), 0);

  // Field by field for the full one, so a field-number slip between the schemas shows.
  decoder.Append(wire);
  ASSERT_EQ(decoder.Next(&request), Outcome::kFrame);
  ASSERT_EQ(request.events_size(), 1);
  const IngestEvent& got = request.events(0);
  EXPECT_EQ(request.seq(), 10u);
  ASSERT_EQ(got.topics_size(), 2);
  EXPECT_EQ(got.topics(0), "news");
  EXPECT_EQ(got.topics(1), "sport/football");
  EXPECT_EQ(got.id(), "e1");
  EXPECT_EQ(got.type(), "goal");
  EXPECT_EQ(got.data(), "line one\r\nline two");
  EXPECT_EQ(got.retry_ms(), 3000u);
}

TEST(PublishDecoderTest, InvalidUtf8DataStillParses) {
  // What a publisher that skips UTF-8 checks puts on the wire for a v1::PublishRequest;
  // only the bytes-typed schema can produce it in C++.
  IngestRequest sent = MakeRequest(42, {"t"}, std::string("ok \xff\xfe \xc3", 7));
  std::string wire;
  AppendDelimited(sent, &wire);

  // The public schema refuses the whole message: that is why the gateway reads with
  // IngestRequest and judges UTF-8 itself, per event.
  v1::PublishRequest strict;
  EXPECT_FALSE(strict.ParseFromString(sent.SerializeAsString()));

  PublishDecoder decoder(kMaxFrame);
  decoder.Append(wire);
  IngestRequest request;
  ASSERT_EQ(decoder.Next(&request), Outcome::kFrame);
  EXPECT_EQ(request.seq(), 42u);
  ASSERT_EQ(request.events_size(), 1);
  EXPECT_EQ(request.events(0).data(), std::string("ok \xff\xfe \xc3", 7));
}

TEST(PublishDecoderTest, SteadyStateDecodingDoesNotAllocate) {
  std::string frame;
  AppendDelimited(MakeRequest(1, {"topic"}, std::string(60, 'p')), &frame);
  // 64 KiB pieces of a long run of frames end at varying points inside a frame.
  constexpr size_t kChunk = 64 * 1024;
  std::string stream;
  while (stream.size() < 64 * kChunk) stream += frame;

  PublishDecoder decoder(kMaxFrame);
  IngestRequest request;
  size_t frames = 0;
  auto decode = [&](size_t from, size_t to) {
    for (size_t at = from; at < to; at += kChunk) {
      decoder.Append(std::string_view(stream).substr(at, kChunk));
      while (decoder.Next(&request) == Outcome::kFrame) ++frames;
    }
  };
  decode(0, 8 * kChunk);  // warm-up: buffer and request reach their sizes
  const size_t warm_frames = frames;

  g_allocations = 0;
  g_counting = true;
  decode(8 * kChunk, stream.size());
  g_counting = false;

  EXPECT_GT(frames - warm_frames, 10000u);
  EXPECT_EQ(g_allocations.load(), 0u);

  // The counter itself works: a fresh request has to allocate its event and strings.
  g_allocations = 0;
  g_counting = true;
  {
    IngestRequest fresh;
    PublishDecoder fresh_decoder(kMaxFrame);
    fresh_decoder.Append(frame);
    EXPECT_EQ(fresh_decoder.Next(&fresh), Outcome::kFrame);
  }
  g_counting = false;
  EXPECT_GT(g_allocations.load(), 0u);
  EXPECT_EQ(request.events(0).data(), std::string(60, 'p'));
}

}  // namespace
}  // namespace ssegw
