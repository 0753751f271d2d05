// The cluster library's pure parts, with plain values: PubAck parsing, failure
// classification, sequence tracking and stream config comparison.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nats/nats.h>

#include "cluster/nats_result.h"
#include "cluster/pub_ack.h"
#include "cluster/sequence_tracker.h"
#include "cluster/stream_config.h"

namespace ssegw::cluster {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ParsePubAck, StoredMessage) {
  const NatsResult<PublishAck> ack = ParsePubAck(R"({"stream":"SSEGW","seq":42})");
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack.value().seq, 42u);
  EXPECT_FALSE(ack.value().duplicate);
  EXPECT_EQ(ack.value().stream, "SSEGW");
}

TEST(ParsePubAck, DuplicateAsTheServerWritesIt) {
  // nats-server 2.9 builds this reply by hand, with spaces.
  const NatsResult<PublishAck> ack = ParsePubAck(R"({"stream":"S", "seq": 7,"duplicate": true})");
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack.value().seq, 7u);
  EXPECT_TRUE(ack.value().duplicate);
}

TEST(ParsePubAck, StreamErrorKeepsCodeAndText) {
  const NatsResult<PublishAck> ack = ParsePubAck(
      R"({"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"}})");
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.error().kind, NatsErrorKind::kRejected);
  EXPECT_EQ(ack.error().js_code, 10077);
  EXPECT_EQ(ack.error().text, "maximum messages exceeded");
}

TEST(ParsePubAck, ClusterWithoutLeaderIsUnavailable) {
  const NatsResult<PublishAck> ack = ParsePubAck(
      R"({"error":{"code":503,"err_code":10008,"description":"JetStream system temporarily unavailable"}})");
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.error().kind, NatsErrorKind::kUnavailable);
}

TEST(ParsePubAck, RejectsWhatIsNotAPubAck) {
  for (const char* text : {"", "null", "[]", "{", R"({"seq":0})", R"({"seq":-1})", R"({"seq":"1"})",
                           R"({"stream":"S"})", R"({"seq":1,"duplicate":1})", R"({"error":"boom"})",
                           R"({"seq":1.5})"}) {
    const NatsResult<PublishAck> ack = ParsePubAck(text);
    ASSERT_FALSE(ack.ok()) << text;
    EXPECT_EQ(ack.error().kind, NatsErrorKind::kRejected) << text;
  }
}

TEST(ClassifyNatsFailure, SortsByWhatTheCallerDoes) {
  EXPECT_EQ(ClassifyNatsFailure(NATS_TIMEOUT, 0, "").kind, NatsErrorKind::kTimeout);
  EXPECT_EQ(ClassifyNatsFailure(NATS_NO_RESPONDERS, 0, "").kind, NatsErrorKind::kUnavailable);
  EXPECT_EQ(ClassifyNatsFailure(NATS_INSUFFICIENT_BUFFER, 0, "").kind, NatsErrorKind::kUnavailable);
  EXPECT_EQ(ClassifyNatsFailure(NATS_CONNECTION_CLOSED, 0, "").kind, NatsErrorKind::kUnavailable);
  EXPECT_EQ(ClassifyNatsFailure(NATS_NOT_FOUND, 0, "").kind, NatsErrorKind::kNotFound);
  EXPECT_EQ(ClassifyNatsFailure(NATS_ERR, JSStreamNotFoundErr, "").kind, NatsErrorKind::kNotFound);
  EXPECT_EQ(ClassifyNatsFailure(NATS_ERR, JSNoMessageFoundErr, "").kind, NatsErrorKind::kNotFound);
  EXPECT_EQ(ClassifyNatsFailure(NATS_ERR, JSClusterNoPeersErr, "").kind,
            NatsErrorKind::kUnavailable);
  EXPECT_EQ(ClassifyNatsFailure(NATS_ERR, JSStreamNameExistErr, "").kind, NatsErrorKind::kRejected);
  EXPECT_EQ(ClassifyNatsFailure(NATS_INVALID_ARG, 0, "").kind, NatsErrorKind::kInvalid);
}

TEST(Describe, NamesKindTextCodeAndStatus) {
  const std::string text = Describe(ClassifyNatsFailure(NATS_ERR, 10059, "stream not found"));
  EXPECT_THAT(text, HasSubstr("not found"));
  EXPECT_THAT(text, HasSubstr("stream not found"));
  EXPECT_THAT(text, HasSubstr("10059"));
}

TEST(SequenceTracker, DeliversInOrderWithoutGaps) {
  SequenceTracker tracker(1);
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    const auto verdict = tracker.Observe(seq);
    EXPECT_TRUE(verdict.deliver);
    EXPECT_FALSE(verdict.gap);
  }
  EXPECT_EQ(tracker.last_seen(), 3u);
}

TEST(SequenceTracker, ReportsSkippedSequencesOnce) {
  SequenceTracker tracker(1);
  ASSERT_TRUE(tracker.Observe(1).deliver);
  const auto verdict = tracker.Observe(5);
  EXPECT_TRUE(verdict.deliver);
  EXPECT_EQ(verdict.gap, (SequenceGap{2, 4}));
  EXPECT_FALSE(tracker.Observe(6).gap);
}

TEST(SequenceTracker, DropsRepeatsAndWhatCameBeforeTheStart) {
  // libnats restarts an ordered consumer at sequence 1 when it had received nothing.
  SequenceTracker tracker(100);
  EXPECT_FALSE(tracker.Observe(1).deliver);
  EXPECT_FALSE(tracker.Observe(99).deliver);
  EXPECT_TRUE(tracker.Observe(100).deliver);
  EXPECT_FALSE(tracker.Observe(100).deliver);
  EXPECT_TRUE(tracker.Observe(101).deliver);
}

TEST(SequenceTracker, FirstMessageAfterTheStartIsAGap) {
  // The stream had already removed the start (limits) when the consumer began.
  SequenceTracker tracker(10);
  const auto verdict = tracker.Observe(15);
  EXPECT_TRUE(verdict.deliver);
  EXPECT_EQ(verdict.gap, (SequenceGap{10, 14}));
}

StreamSpec Spec() {
  StreamSpec spec;
  spec.name = "SSEGW";
  spec.subjects = {"ssegw.>"};
  spec.max_msgs = 10000;
  spec.max_bytes = 1 << 20;
  spec.replicas = 3;
  return spec;
}

TEST(StreamDifferences, NoneForTheSameSpec) {
  EXPECT_THAT(StreamDifferences(Spec(), Spec()), IsEmpty());
}

TEST(StreamDifferences, WiderSubjectsCover) {
  StreamSpec existing = Spec();
  existing.subjects = {">"};
  EXPECT_THAT(StreamDifferences(Spec(), existing), IsEmpty());
  existing.subjects = {"ssegw.*", "other"};
  EXPECT_THAT(StreamDifferences(Spec(), existing), ElementsAre(HasSubstr("do not cover")));
  StreamSpec wanted = Spec();
  wanted.subjects = {"ssegw.events.x"};
  existing.subjects = {"ssegw.*.x"};
  EXPECT_THAT(StreamDifferences(wanted, existing), IsEmpty());
}

TEST(StreamDifferences, ListsEveryLimitThatDiffers) {
  StreamSpec existing = Spec();
  existing.duplicate_window = std::chrono::seconds(30);
  existing.max_msgs = -1;
  existing.replicas = 1;
  existing.file_storage = false;
  EXPECT_THAT(StreamDifferences(Spec(), existing),
              ElementsAre(HasSubstr("duplicate window"), HasSubstr("max_msgs unlimited"),
                          HasSubstr("replicas 1"), HasSubstr("storage memory")));
}

TEST(ValidateStreamSpec, AcceptsTheDefaultShape) {
  EXPECT_EQ(ValidateStreamSpec(Spec()), "");
}

TEST(ValidateStreamSpec, RefusesWhatTheServerOrTheContractWouldNot) {
  StreamSpec spec = Spec();
  spec.name = "a.b";
  EXPECT_THAT(ValidateStreamSpec(spec), HasSubstr("name"));
  spec = Spec();
  spec.subjects.clear();
  EXPECT_THAT(ValidateStreamSpec(spec), HasSubstr("subjects"));
  spec = Spec();
  spec.duplicate_window = std::chrono::seconds(60);
  EXPECT_THAT(ValidateStreamSpec(spec), HasSubstr("2 minutes"));
  spec = Spec();
  spec.max_age = std::chrono::seconds(90);
  EXPECT_THAT(ValidateStreamSpec(spec), HasSubstr("max_age"));
  spec.max_age = std::chrono::minutes(10);
  EXPECT_EQ(ValidateStreamSpec(spec), "");
}

}  // namespace
}  // namespace ssegw::cluster
