// RFC 9113 rules that a well-behaved client library never exercises, through the server
// session with hand-made frames (RawPeer): frames on closed streams (§5.1), PRIORITY on
// itself or on stream 0 (§5.3.1, §6.3), the client's GOAWAY (§6.8), PING and SETTINGS
// floods, and request bodies. Every case runs with the bytes in one piece and byte by
// byte, so the rules also hold when frames are split across reads.
#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <string>

#include "raw_peer.h"
#include "testutil/h2_frames.h"

namespace ssegw::h2::testing {
namespace {

using namespace ssegw::testing;  // NOLINT: frame builders

class ConformanceTest : public ::testing::TestWithParam<bool> {
 public:
  static SessionOptions Options() {
    SessionOptions options;
    options.keepalive_ms = 0;
    return options;
  }

 protected:
  ConformanceTest() : peer_(Options(), GetParam()) { peer_.Handshake(); }

  // Sends, drains, and expects the session to end with GOAWAY(`error_code`).
  void ExpectConnectionError(const std::string& bytes, uint32_t error_code) {
    peer_.Send(bytes);
    peer_.Drain();
    const ParsedFrame* goaway = peer_.goaway();
    ASSERT_NE(goaway, nullptr) << "no GOAWAY";
    EXPECT_EQ(goaway->error_code(), error_code);
    // Failed (the rules the session applies), or finished (those nghttp2 applies).
    EXPECT_TRUE(!peer_.server_ok() || peer_.server().Finished());
  }

  // Sends, drains, and expects no GOAWAY and a session that still serves requests.
  void ExpectIgnored(const std::string& bytes, int32_t next_stream) {
    ASSERT_TRUE(peer_.Send(bytes));
    peer_.Drain();
    EXPECT_EQ(peer_.goaway(), nullptr);
    ASSERT_TRUE(peer_.Send(HeadersFrame(next_stream, Get("/healthz"), true)));
    peer_.Drain();
    const ParsedFrame* answer = peer_.reader().Find(kHeaders, next_stream);
    EXPECT_NE(answer, nullptr) << "the session stopped serving";
  }

  std::string Get(std::string_view path) { return peer_.encoder().Request("GET", path); }

  RawPeer peer_;
};

INSTANTIATE_TEST_SUITE_P(Pieces, ConformanceTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "ByteByByte" : "OnePiece";
                         });

TEST_P(ConformanceTest, DataAfterTheClientsRstStreamIsStreamClosed) {
  ExpectConnectionError(
      HeadersFrame(1, Get("/events/t"), false) + RstStreamFrame(1, 8) + DataFrame(1, "test", true),
      NGHTTP2_STREAM_CLOSED);
}

TEST_P(ConformanceTest, HeadersAfterTheClientsRstStreamIsStreamClosed) {
  const std::string first = HeadersFrame(1, Get("/events/t"), false);
  const std::string second = HeadersFrame(1, Get("/events/t"), true);
  ExpectConnectionError(first + RstStreamFrame(1, 8) + second, NGHTTP2_STREAM_CLOSED);
}

TEST_P(ConformanceTest, DataOnAStreamClosedLongAgoIsStreamClosed) {
  std::string requests;
  for (int32_t id = 1; id <= 41; id += 2) requests += HeadersFrame(id, Get("/healthz"), true);
  ASSERT_TRUE(peer_.Send(requests));
  peer_.Drain();
  ASSERT_EQ(peer_.reader().Count(kData, kEndStream), 21u);  // every response complete
  ExpectConnectionError(DataFrame(1, "late", true), NGHTTP2_STREAM_CLOSED);
}

TEST_P(ConformanceTest, HeadersOnAStreamClosedLongAgoIsStreamClosed) {
  std::string requests;
  for (int32_t id = 1; id <= 41; id += 2) requests += HeadersFrame(id, Get("/healthz"), true);
  ASSERT_TRUE(peer_.Send(requests));
  peer_.Drain();
  ExpectConnectionError(HeadersFrame(3, Get("/healthz"), true), NGHTTP2_STREAM_CLOSED);
}

TEST_P(ConformanceTest, DataAfterTheServerEndedTheStreamIsStreamClosed) {
  // The client ended its side with the request; the server's response ended the rest.
  ASSERT_TRUE(peer_.Send(HeadersFrame(1, Get("/healthz"), true)));
  peer_.Drain();
  ASSERT_NE(peer_.reader().Find(kData, 1), nullptr);
  ExpectConnectionError(DataFrame(1, "test", true), NGHTTP2_STREAM_CLOSED);
}

TEST_P(ConformanceTest, DataInFlightOnAStreamTheServerResetIsIgnored) {
  // A POST is refused (405) while its body is still coming: the server resets the
  // stream (NO_ERROR), and body bytes the client had already sent are no error.
  ASSERT_TRUE(peer_.Send(HeadersFrame(1, peer_.encoder().Request("POST", "/events/t"), false)));
  peer_.Drain();
  const ParsedFrame* rst = peer_.reader().Find(kRstStream, 1);
  ASSERT_NE(rst, nullptr);
  EXPECT_EQ(rst->error_code(), static_cast<uint32_t>(NGHTTP2_NO_ERROR));
  ExpectIgnored(DataFrame(1, "in flight", false) + DataFrame(1, "more", true), 3);
}

TEST_P(ConformanceTest, HeadersOnASkippedStreamIdIsAProtocolError) {
  ASSERT_TRUE(peer_.Send(HeadersFrame(5, Get("/healthz"), true)));
  peer_.Drain();
  ExpectConnectionError(HeadersFrame(3, Get("/healthz"), true), NGHTTP2_PROTOCOL_ERROR);
}

TEST_P(ConformanceTest, PriorityOnItselfIsAProtocolError) {
  ExpectConnectionError(PriorityFrame(1, 1), NGHTTP2_PROTOCOL_ERROR);
}

TEST_P(ConformanceTest, PriorityOnStreamZeroIsAProtocolError) {
  ExpectConnectionError(PriorityFrame(0, 0, 255), NGHTTP2_PROTOCOL_ERROR);
}

TEST_P(ConformanceTest, HeadersDependingOnItselfIsAProtocolError) {
  // PRIORITY flag: 5 bytes of dependency and weight before the header block.
  std::string payload = std::string("\x00\x00\x00\x01\x0f", 5) + Get("/healthz");
  ExpectConnectionError(Frame(kHeaders, kEndHeaders | kEndStream | 0x20, 1, payload),
                        NGHTTP2_PROTOCOL_ERROR);
}

TEST_P(ConformanceTest, OrdinaryPriorityFramesAreAccepted) {
  // On an idle stream, then a request on a lower id (h2spec 6.3), and on a closed one.
  ExpectIgnored(PriorityFrame(3, 0, 255), 1);
  ExpectIgnored(PriorityFrame(1, 3, 16), 5);
}

TEST(ClientGoawayTest, GoawayThenPingIsAnsweredAndTheSessionFinishes) {
  // In one write, as a client sends them. (Arriving later, they would find the session
  // finished and its connection closed: GoawayAloneFinishesTheSessionAtOnce.)
  RawPeer peer(ConformanceTest::Options());
  peer.Handshake();
  ASSERT_TRUE(peer.Send(GoawayFrame(0, NGHTTP2_NO_ERROR) + PingFrame(42) +
                        SettingsFrame({{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1000}})));
  peer.Drain();
  const ParsedFrame* ack = peer.reader().Find(kPing);
  ASSERT_NE(ack, nullptr) << "PING not answered";
  EXPECT_EQ(ack->flags, kAck);
  EXPECT_EQ(ack->payload, PingFrame(42).substr(9));
  EXPECT_EQ(peer.reader().Count(kSettings, kAck), 2u);  // the handshake's and this one
  const ParsedFrame* goaway = peer.goaway();
  ASSERT_NE(goaway, nullptr);
  EXPECT_EQ(goaway->error_code(), static_cast<uint32_t>(NGHTTP2_NO_ERROR));
  EXPECT_TRUE(peer.server().Finished());
  EXPECT_GT(peer.output_pending, 0u);
}

TEST_P(ConformanceTest, GoawayAloneFinishesTheSessionAtOnce) {
  const size_t pending = peer_.output_pending;
  ASSERT_TRUE(peer_.Send(GoawayFrame(0, NGHTTP2_NO_ERROR)));
  // The owner is told at once, so the connection flushes and closes in this turn.
  EXPECT_GT(peer_.output_pending, pending);
  peer_.Drain();
  EXPECT_TRUE(peer_.server().Finished());
}

TEST_P(ConformanceTest, AfterGoawayOpenStreamsGoOnUntilTheLastCloses) {
  ASSERT_TRUE(peer_.Send(HeadersFrame(1, Get("/events/t"), true)));
  peer_.Drain();
  ASSERT_NE(peer_.reader().Find(kHeaders, 1), nullptr);
  ASSERT_TRUE(peer_.Send(GoawayFrame(0, NGHTTP2_NO_ERROR) + PingFrame(7)));
  peer_.Drain();
  EXPECT_NE(peer_.reader().Find(kPing), nullptr) << "PING not answered";
  EXPECT_EQ(peer_.goaway(), nullptr);
  EXPECT_FALSE(peer_.server().Finished());
  peer_.env().Publish({"t"}, "still served");
  peer_.Drain();
  EXPECT_NE(peer_.reader().Find(kData, 1), nullptr);
  ASSERT_TRUE(peer_.Send(RstStreamFrame(1, NGHTTP2_CANCEL)));
  peer_.Drain();
  ASSERT_NE(peer_.goaway(), nullptr);
  EXPECT_EQ(peer_.goaway()->last_stream_id(), 1);
  EXPECT_TRUE(peer_.server().Finished());
}

TEST_P(ConformanceTest, GoawayBehindARequestFinishesOnceItIsAnswered) {
  ASSERT_TRUE(
      peer_.Send(HeadersFrame(1, Get("/healthz"), true) + GoawayFrame(0, NGHTTP2_NO_ERROR)));
  peer_.Drain();
  // The response is written in full, then the GOAWAY that names its stream.
  ASSERT_NE(peer_.reader().Find(kData, 1), nullptr);
  ASSERT_NE(peer_.goaway(), nullptr);
  EXPECT_EQ(peer_.goaway()->last_stream_id(), 1);
  EXPECT_TRUE(peer_.server().Finished());
}

TEST_P(ConformanceTest, AHundredPingsInOneWriteAreAllAnswered) {
  std::string pings;
  for (uint64_t i = 0; i < 100; ++i) pings += PingFrame(i);
  ASSERT_TRUE(peer_.Send(pings));
  peer_.Drain();
  EXPECT_EQ(peer_.reader().Count(kPing, kAck), 100u);
  EXPECT_EQ(peer_.goaway(), nullptr);
  EXPECT_FALSE(peer_.server().Finished());
}

TEST_P(ConformanceTest, PingFloodIsEnhanceYourCalm) {
  std::string pings;
  for (uint64_t i = 0; i < 5000; ++i) pings += PingFrame(i);
  ExpectConnectionError(pings, NGHTTP2_ENHANCE_YOUR_CALM);
}

TEST_P(ConformanceTest, SettingsFloodIsEnhanceYourCalm) {
  std::string settings;
  for (int i = 0; i < 5000; ++i) settings += SettingsFrame();
  ExpectConnectionError(settings, NGHTTP2_ENHANCE_YOUR_CALM);
}

TEST_P(ConformanceTest, EventsRequestWithABodyIs400AndNoStream) {
  ASSERT_TRUE(peer_.Send(HeadersFrame(1, Get("/events/t"), false) + DataFrame(1, "x", true)));
  peer_.Drain();
  const ParsedFrame* headers = peer_.reader().Find(kHeaders, 1);
  ASSERT_NE(headers, nullptr);
  EXPECT_EQ(peer_.env().counters().streams, 0u);
  EXPECT_EQ(peer_.env().subscriber_count(), 0u);
  EXPECT_EQ(peer_.server().open_sse_streams(), 0u);
  EXPECT_EQ(peer_.goaway(), nullptr);
}

TEST_P(ConformanceTest, EventsRequestEndedByAnEmptyDataFrameIsServed) {
  ASSERT_TRUE(peer_.Send(HeadersFrame(1, Get("/events/t"), false)));
  peer_.Drain();
  EXPECT_EQ(peer_.reader().Find(kHeaders, 1), nullptr);  // not yet: a body may follow
  ASSERT_TRUE(peer_.Send(DataFrame(1, "", true)));
  peer_.Drain();
  EXPECT_NE(peer_.reader().Find(kHeaders, 1), nullptr);
  EXPECT_EQ(peer_.env().counters().streams, 1u);
  EXPECT_EQ(peer_.env().subscriber_count(), 1u);
}

}  // namespace
}  // namespace ssegw::h2::testing
