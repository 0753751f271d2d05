// Bad input on the publish socket: each bad publisher gets the reply the contract names
// and, for framing errors, is disconnected — while a subscriber keeps receiving and
// another publisher keeps publishing on the same gateway.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e_support.h"
#include "ssegw/internal/ingest.pb.h"

namespace ssegw::testing {
namespace {

using ::testing::ElementsAreArray;

constexpr int kMaxFrame = 1024;

class PublishErrorsTest : public GatewayTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartGateway({"--max-frame", std::to_string(kMaxFrame)}));
    client_ = Connect();
    ASSERT_TRUE(client_);
    good_ = ConnectPublisher();
    ASSERT_TRUE(good_);
    sub_ = client_->stream(client_->Get("/events/t"));
    ASSERT_TRUE(client_->RunUntil([&] { return sub_->headers_received; }, kWait));
    ExpectStillServing();
  }

  // The good publisher publishes one more event and the subscriber receives it.
  void ExpectStillServing() {
    const std::string id = "ok-" + std::to_string(++good_count_);
    expected_ids_.push_back(id);
    PublishOk(*good_, MakeRequest(good_count_, {MakeEvent({"t"}, "fine", id)}));
    ASSERT_TRUE(client_->RunUntil(
        [&] { return !sub_->events.empty() && sub_->events.back().last_event_id == id; }, kWait))
        << "subscriber stopped receiving at " << id;
  }

  // Sends `bytes` on a fresh connection and expects one error reply (seq 0, `status`),
  // then the gateway closing the connection.
  void ExpectFramingError(const std::string& bytes, v1::Status status) {
    auto bad = ConnectPublisher();
    ASSERT_TRUE(bad);
    ASSERT_TRUE(bad->SendRaw(bytes)) << bad->error();
    const auto reply = bad->ReadReply(kWait);
    ASSERT_TRUE(reply) << bad->error();
    EXPECT_EQ(reply->seq(), 0u);
    EXPECT_EQ(reply->status(), status);
    EXPECT_FALSE(reply->error().empty());
    EXPECT_EQ(reply->ids_size(), 0);
    EXPECT_TRUE(bad->WaitForClose(kWait)) << "the gateway kept a corrupt connection open";
    EXPECT_EQ(bad->buffered_bytes(), 0u) << "more bytes after the error reply";
    ++errors_;
  }

  // Sends an IngestRequest (wire-identical to PublishRequest, but its fields are bytes)
  // and expects INVALID_ARGUMENT for its seq with the connection left open.
  void ExpectInvalid(Publisher& publisher, const internal::IngestRequest& request) {
    ASSERT_TRUE(publisher.SendMessage(request)) << publisher.error();
    const auto reply = publisher.ReadReply(kWait);
    ASSERT_TRUE(reply) << "seq " << request.seq() << ": " << publisher.error();
    EXPECT_EQ(reply->seq(), request.seq());
    EXPECT_EQ(reply->status(), v1::STATUS_INVALID_ARGUMENT) << "seq " << request.seq();
    EXPECT_FALSE(reply->error().empty()) << "seq " << request.seq();
    EXPECT_EQ(reply->ids_size(), 0) << "seq " << request.seq();
    EXPECT_FALSE(publisher.closed_by_peer());
    ++errors_;
  }

  std::unique_ptr<H2Client> client_;
  std::unique_ptr<Publisher> good_;
  StreamState* sub_ = nullptr;
  uint64_t good_count_ = 0;
  std::vector<std::string> expected_ids_;
  int errors_ = 0;
};

internal::IngestRequest Ingest(uint64_t seq, std::vector<std::string> topics, std::string data,
                               std::string id = "", std::string type = "") {
  internal::IngestRequest r;
  r.set_seq(seq);
  internal::IngestEvent* e = r.add_events();
  for (std::string& t : topics) e->add_topics(std::move(t));
  e->set_data(std::move(data));
  e->set_id(std::move(id));
  e->set_type(std::move(type));
  return r;
}

TEST_F(PublishErrorsTest, GarbageFrameGetsMalformedReplyAndClose) {
  // Length 4, then a body that is not a protobuf message (a field tag that never ends).
  ASSERT_NO_FATAL_FAILURE(
      ExpectFramingError(std::string("\x04\xff\xff\xff\xff", 5), v1::STATUS_MALFORMED));
  ASSERT_NO_FATAL_FAILURE(ExpectStillServing());
  // A length-delimited field (events) whose length runs past the end of the frame.
  ASSERT_NO_FATAL_FAILURE(
      ExpectFramingError(std::string("\x03\x12\x7f\x00", 4), v1::STATUS_MALFORMED));
  ASSERT_NO_FATAL_FAILURE(ExpectStillServing());
  EXPECT_THAT(Ids(sub_->events), ElementsAreArray(expected_ids_));
}

TEST_F(PublishErrorsTest, ElevenByteVarintGetsMalformedReplyAndClose) {
  ASSERT_NO_FATAL_FAILURE(
      ExpectFramingError(std::string(10, '\xff') + std::string(1, '\x01'), v1::STATUS_MALFORMED));
  ASSERT_NO_FATAL_FAILURE(ExpectStillServing());
  // Ten bytes whose value does not fit in 64 bits.
  ASSERT_NO_FATAL_FAILURE(
      ExpectFramingError(std::string(9, '\xff') + std::string(1, '\x7f'), v1::STATUS_MALFORMED));
  ASSERT_NO_FATAL_FAILURE(ExpectStillServing());
}

TEST_F(PublishErrorsTest, FrameOverMaxFrameGetsTooLargeAndClose) {
  const std::string frame =
      Delimited(MakeRequest(5, {MakeEvent({"t"}, std::string(2 * kMaxFrame, 'x'), "big")}));
  ASSERT_NO_FATAL_FAILURE(ExpectFramingError(frame, v1::STATUS_TOO_LARGE));
  ASSERT_NO_FATAL_FAILURE(ExpectStillServing());
  // Only the length prefix is needed to refuse it: the body never has to arrive.
  ASSERT_NO_FATAL_FAILURE(ExpectFramingError("\x80\x80\x04", v1::STATUS_TOO_LARGE));  // 65536
  ASSERT_NO_FATAL_FAILURE(ExpectStillServing());
  // Nothing of the refused event reached anyone.
  EXPECT_THAT(Ids(sub_->events), ElementsAreArray(expected_ids_));
}

TEST_F(PublishErrorsTest, TruncatedFrameThenCloseIsHandled) {
  auto bad = ConnectPublisher();
  ASSERT_TRUE(bad);
  // One whole request, then the first 10 bytes of a 100-byte frame, then EOF.
  const std::string whole = Delimited(MakeRequest(7, {MakeEvent({"t"}, "whole", "w7")}));
  ASSERT_TRUE(bad->SendRaw(whole + "\x64" + std::string(10, 'z'))) << bad->error();
  bad->ShutdownWrite();
  const auto reply = bad->ReadReply(kWait);
  ASSERT_TRUE(reply) << bad->error();
  EXPECT_EQ(reply->seq(), 7u);
  EXPECT_EQ(reply->status(), v1::STATUS_OK);
  expected_ids_.push_back("w7");
  // The gateway may name the truncated frame in a last reply; then it must close.
  const auto last = bad->ReadReply(kWait);
  if (last) {
    EXPECT_EQ(last->seq(), 0u);
    EXPECT_NE(last->status(), v1::STATUS_OK);
  }
  EXPECT_TRUE(bad->WaitForClose(kWait));
  ASSERT_NO_FATAL_FAILURE(ExpectStillServing());

  // An abrupt close in the middle of a frame, without waiting for anything.
  {
    auto gone = ConnectPublisher();
    ASSERT_TRUE(gone);
    ASSERT_TRUE(gone->SendRaw(whole.substr(0, whole.size() / 2)));
  }
  ASSERT_NO_FATAL_FAILURE(ExpectStillServing());
  EXPECT_THAT(Ids(sub_->events), ElementsAreArray(expected_ids_));
}

TEST_F(PublishErrorsTest, InvalidRequestsAreRejectedAndTheConnectionStaysOpen) {
  auto bad = ConnectPublisher();
  ASSERT_TRUE(bad);
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, Ingest(11, {"t"}, "not \xff\xfe utf-8")));
  ASSERT_NO_FATAL_FAILURE(ExpectStillServing());
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, Ingest(12, {"t"}, "\xc0\xaf")));      // overlong '/'
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, Ingest(13, {"t"}, "\xed\xa0\x80")));  // surrogate
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, Ingest(14, {}, "no topic")));
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, Ingest(15, {"bad topic"}, "x")));
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, Ingest(16, {""}, "x")));
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, Ingest(17, {std::string(257, 'a')}, "x")));
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, Ingest(18, {"t\xff"}, "x")));
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, Ingest(19, {"t"}, "x", "id\nwith-lf")));
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, Ingest(20, {"t"}, "x", "id\rwith-cr")));
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, Ingest(21, {"t"}, "x", std::string("id\0nul", 6))));
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, Ingest(22, {"t"}, "x", "", "type\nlf")));
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, Ingest(23, {"t"}, "x", "", "type\xff")));
  internal::IngestRequest empty;
  empty.set_seq(24);
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, empty));
  // A request is accepted or rejected as a whole: a good event next to a bad one is
  // not published either.
  internal::IngestRequest mixed = Ingest(25, {"t"}, "good half", "half");
  *mixed.add_events() = Ingest(0, {"t"}, "bad \xff half").events(0);
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, mixed));
  ASSERT_NO_FATAL_FAILURE(ExpectStillServing());

  // The same connection still publishes.
  const auto ok = bad->Publish(MakeRequest(26, {MakeEvent({"t"}, "after errors", "b26")}), kWait);
  ASSERT_TRUE(ok) << bad->error();
  EXPECT_EQ(ok->seq(), 26u);
  EXPECT_EQ(ok->status(), v1::STATUS_OK);
  expected_ids_.push_back("b26");
  ASSERT_NO_FATAL_FAILURE(ExpectStillServing());
  EXPECT_THAT(Ids(sub_->events), ElementsAreArray(expected_ids_));
  // A rejected id was never taken: publishing it now is not a duplicate.
  const auto half = bad->Publish(MakeRequest(27, {MakeEvent({"t"}, "now", "half")}), kWait);
  ASSERT_TRUE(half);
  EXPECT_EQ(half->status(), v1::STATUS_OK);
  EXPECT_EQ(half->duplicates(), 0u);
}

TEST_F(PublishErrorsTest, ErrorsAreCountedAndHistoryIsUntouched) {
  ASSERT_NO_FATAL_FAILURE(
      ExpectFramingError(std::string("\x04\xff\xff\xff\xff", 5), v1::STATUS_MALFORMED));
  ASSERT_NO_FATAL_FAILURE(
      ExpectFramingError(std::string(10, '\xff') + std::string(1, '\x01'), v1::STATUS_MALFORMED));
  auto bad = ConnectPublisher();
  ASSERT_TRUE(bad);
  ASSERT_NO_FATAL_FAILURE(ExpectInvalid(*bad, Ingest(1, {"t"}, "\xff")));
  ASSERT_NO_FATAL_FAILURE(ExpectStillServing());
  const auto metrics = Metrics(*client_);
  EXPECT_EQ(Value(metrics, "ssegw_publish_errors_total"), errors_);
  EXPECT_EQ(Value(metrics, "ssegw_events_published_total"), static_cast<double>(good_count_));
  // The good publisher and `bad` are connected; the framing-error ones are gone.
  EXPECT_EQ(Value(metrics, "ssegw_publishers"), 2);
  // History holds exactly the good events: a resume from the first replays the rest.
  StreamState* resumed =
      client_->stream(client_->Get("/events/t", {{"last-event-id", expected_ids_[0]}}));
  ASSERT_TRUE(WaitForEvents(*client_, resumed, expected_ids_.size() - 1));
  EXPECT_THAT(Ids(resumed->events),
              ElementsAreArray(expected_ids_.begin() + 1, expected_ids_.end()));
}

}  // namespace
}  // namespace ssegw::testing
