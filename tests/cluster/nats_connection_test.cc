// The cluster library against one real `nats-server -js`: publishes and their PubAcks,
// deduplication, ordered reading, gets, ranges, stream creation, and what happens while
// the server is down or frozen.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "nats_test_support.h"
#include "testutil/nats_server.h"

namespace ssegw::cluster {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using namespace ::ssegw::cluster::testing;

std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> out;
  for (uint64_t seq = first; seq <= last; ++seq) out.push_back(seq);
  return out;
}

class NatsSingleNode : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(servers_.Start(&error)) << error;
    connection_ = Connect(owner_, servers_.ClientUrls(), &states_);
    ASSERT_NE(connection_, nullptr);
    ASSERT_TRUE(WaitForState(owner_, *connection_, ConnectionState::kConnected));
  }

  void EnsureTestStream(StreamSpec spec = TestStream()) {
    NatsResult<StreamDescription> stream = EnsureStreamPatiently(owner_, *connection_, spec);
    ASSERT_TRUE(stream.ok()) << Describe(stream.error());
  }

  NatsResult<PublishAck> Publish(const std::string& id, const std::string& data,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto result = Await<PublishAck>(owner_, [&](auto done) {
      connection_->Publish(Message(id, data), timeout, std::move(done));
    });
    if (!result) return NatsError{NatsErrorKind::kTimeout, 0, 0, "the test gave up"};
    return std::move(*result);
  }

  StreamDescription Info() {
    auto info = Await<StreamDescription>(
        owner_, [&](auto done) { connection_->GetStreamInfo("T", std::move(done)); });
    EXPECT_TRUE(info && info->ok());
    return info && info->ok() ? info->value() : StreamDescription{};
  }

  void PublishMany(int count) {
    std::vector<OutgoingMessage> batch;
    for (int i = 1; i <= count; ++i)
      batch.push_back(Message("m" + std::to_string(i), "d" + std::to_string(i)));
    auto results = std::make_shared<std::optional<std::vector<NatsResult<PublishAck>>>>();
    connection_->PublishBatch(std::move(batch), std::chrono::seconds(10),
                              [results](auto r) { results->emplace(std::move(r)); });
    ASSERT_TRUE(owner_.RunUntil([&] { return results->has_value(); }, kGiveUp));
    ASSERT_EQ((*results)->size(), static_cast<size_t>(count));
    for (size_t i = 0; i < (*results)->size(); ++i) {
      const NatsResult<PublishAck>& r = (**results)[i];
      ASSERT_TRUE(r.ok()) << Describe(r.error());
    }
  }

  OwnerQueue owner_;
  ssegw::testing::NatsCluster servers_;
  std::vector<ConnectionState> states_;
  std::unique_ptr<NatsConnection> connection_;
};

TEST_F(NatsSingleNode, StartRefusesUnusableOptions) {
  NatsConnectionOptions none;
  EXPECT_FALSE(NatsConnection::Start(none, owner_.post(), {}).ok());
  NatsConnectionOptions http;
  http.urls = {"http://127.0.0.1:4222"};
  auto refused = NatsConnection::Start(http, owner_.post(), {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, NatsErrorKind::kInvalid);
  NatsConnectionOptions creds;
  creds.urls = servers_.ClientUrls();
  creds.creds_file = "/nonexistent/user.creds";
  EXPECT_FALSE(NatsConnection::Start(creds, owner_.post(), {}).ok());
}

TEST_F(NatsSingleNode, EnsureStreamCreatesItOnceAndNeverChangesIt) {
  StreamSpec spec = TestStream();
  spec.max_msgs = 100;
  NatsResult<StreamDescription> created = EnsureStreamPatiently(owner_, *connection_, spec);
  ASSERT_TRUE(created.ok()) << Describe(created.error());
  EXPECT_TRUE(created.value().created);
  EXPECT_EQ(created.value().config.max_msgs, 100);
  EXPECT_EQ(created.value().config.duplicate_window, kMinDuplicateWindow);
  EXPECT_TRUE(created.value().config.allow_direct);
  EXPECT_THAT(StreamDifferences(spec, created.value().config), IsEmpty());

  StreamSpec other = spec;
  other.max_msgs = 200;
  NatsResult<StreamDescription> found = EnsureStreamPatiently(owner_, *connection_, other);
  ASSERT_TRUE(found.ok()) << Describe(found.error());
  EXPECT_FALSE(found.value().created);
  EXPECT_EQ(found.value().config.max_msgs, 100);  // the first one stays
  EXPECT_THAT(StreamDifferences(other, found.value().config), Not(IsEmpty()));
}

TEST_F(NatsSingleNode, EnsureStreamRefusesAnInvalidSpecWithoutAskingTheServer) {
  StreamSpec spec = TestStream();
  spec.max_age = std::chrono::seconds(30);  // shorter than the duplicate window
  auto result = Await<StreamDescription>(
      owner_, [&](auto done) { connection_->EnsureStream(spec, std::move(done)); });
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error().kind, NatsErrorKind::kInvalid);
}

TEST_F(NatsSingleNode, PublishIsAcknowledgedWithItsSequence) {
  EnsureTestStream();
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    NatsResult<PublishAck> ack = Publish("id" + std::to_string(seq), "x");
    ASSERT_TRUE(ack.ok()) << Describe(ack.error());
    EXPECT_EQ(ack.value().seq, seq);
    EXPECT_FALSE(ack.value().duplicate);
    EXPECT_EQ(ack.value().stream, "T");
  }
  const StreamDescription info = Info();
  EXPECT_EQ(info.messages, 3u);
  EXPECT_EQ(info.first_seq, 1u);
  EXPECT_EQ(info.last_seq, 3u);
  EXPECT_EQ(connection_->pending_publishes(), 0u);
}

TEST_F(NatsSingleNode, DuplicateMsgIdIsReportedAndNotStoredTwice) {
  EnsureTestStream();
  NatsResult<PublishAck> first = Publish("same", "first");
  ASSERT_TRUE(first.ok()) << Describe(first.error());
  ASSERT_TRUE(Publish("other", "x").ok());
  NatsResult<PublishAck> again = Publish("same", "second");
  ASSERT_TRUE(again.ok()) << Describe(again.error());
  EXPECT_TRUE(again.value().duplicate);
  EXPECT_EQ(again.value().seq, first.value().seq);  // the first copy's position
  EXPECT_EQ(Info().messages, 2u);
  auto stored = Await<StoredMessage>(owner_, [&](auto done) {
    connection_->GetMessage("T", first.value().seq, GetMode::kLeader, std::move(done));
  });
  ASSERT_TRUE(stored && stored->ok());
  EXPECT_EQ(stored->value().data(), "first");
}

TEST_F(NatsSingleNode, PublishToASubjectNoStreamHoldsIsUnavailable) {
  EnsureTestStream();
  OutgoingMessage message = Message("x", "x");
  message.subject = "elsewhere";
  message.expected_stream.clear();
  auto result = Await<PublishAck>(owner_, [&](auto done) {
    connection_->Publish(message, std::chrono::seconds(5), std::move(done));
  });
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error().kind, NatsErrorKind::kUnavailable) << Describe(result->error());
}

TEST_F(NatsSingleNode, PublishRefusesHeadersThatWouldForgeOthers) {
  OutgoingMessage message = Message("x", "x");
  message.headers = {{"Ssegw-Topics", "a\r\nNats-Msg-Id: forged"}};
  auto result = Await<PublishAck>(owner_, [&](auto done) {
    connection_->Publish(message, std::chrono::seconds(5), std::move(done));
  });
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error().kind, NatsErrorKind::kInvalid);
}

TEST_F(NatsSingleNode, OrderedSubscriptionReadsFromTheStartAndFromTheMiddle) {
  EnsureTestStream();
  PublishMany(1000);
  Received all;
  Received middle;
  auto from_start = Subscribe(*connection_, 1, &all);
  auto from_middle = Subscribe(*connection_, 500, &middle);
  ASSERT_TRUE(owner_.RunUntil([&] { return all.seqs.size() >= 1000 && middle.seqs.size() >= 501; },
                              kGiveUp))
      << all.seqs.size() << " and " << middle.seqs.size() << " received";
  EXPECT_EQ(all.seqs, Range(1, 1000));
  EXPECT_EQ(middle.seqs, Range(500, 1000));
  EXPECT_EQ(all.ids.front(), "m1");
  EXPECT_EQ(all.data.back(), "d1000");
  EXPECT_EQ(middle.ids.front(), "m500");
  EXPECT_THAT(all.gaps, IsEmpty());
  EXPECT_THAT(middle.gaps, IsEmpty());
  EXPECT_TRUE(all.started);
  EXPECT_EQ(from_start->last_delivered(), 1000u);

  // Live messages follow the backlog.
  ASSERT_TRUE(Publish("live", "live").ok());
  ASSERT_TRUE(owner_.RunUntil([&] { return all.seqs.size() == 1001; }, kGiveUp));
  EXPECT_EQ(all.ids.back(), "live");
}

TEST_F(NatsSingleNode, SubscriptionStartingPastTheEndWaitsForNewMessages) {
  EnsureTestStream();
  PublishMany(3);
  Received received;
  auto subscription = Subscribe(*connection_, 4, &received);
  ASSERT_TRUE(owner_.RunUntil([&] { return received.started; }, kGiveUp));
  ASSERT_TRUE(Publish("next", "next").ok());
  ASSERT_TRUE(owner_.RunUntil([&] { return !received.seqs.empty(); }, kGiveUp));
  EXPECT_THAT(received.seqs, ElementsAre(4u));
  EXPECT_THAT(received.gaps, IsEmpty());
}

TEST_F(NatsSingleNode, SubscriptionReportsWhatTheStreamNoLongerHolds) {
  StreamSpec spec = TestStream();
  spec.max_msgs = 10;
  EnsureTestStream(spec);
  PublishMany(30);
  Received received;
  auto subscription = Subscribe(*connection_, 1, &received);
  ASSERT_TRUE(owner_.RunUntil([&] { return received.seqs.size() >= 10; }, kGiveUp));
  EXPECT_EQ(received.seqs, Range(21, 30));
  EXPECT_THAT(received.gaps, ElementsAre(SequenceGap{1, 20}));
}

TEST_F(NatsSingleNode, GetMessageBySequenceFromTheLeaderOrAnyReplica) {
  EnsureTestStream();
  PublishMany(5);
  for (GetMode mode : {GetMode::kLeader, GetMode::kDirect}) {
    auto got = Await<StoredMessage>(
        owner_, [&](auto done) { connection_->GetMessage("T", 3, mode, std::move(done)); });
    ASSERT_TRUE(got);
    ASSERT_TRUE(got->ok()) << Describe(got->error());
    EXPECT_EQ(got->value().seq(), 3u);
    EXPECT_EQ(got->value().subject(), "t.events");
    EXPECT_EQ(got->value().data(), "d3");
    EXPECT_EQ(got->value().Header("Nats-Msg-Id"), "m3");
    EXPECT_EQ(got->value().Header("Ssegw-Test"), "yes");
    EXPECT_EQ(got->value().Header("Absent"), std::nullopt);
    EXPECT_GT(got->value().timestamp_ns(), 0);

    auto missing = Await<StoredMessage>(
        owner_, [&](auto done) { connection_->GetMessage("T", 6, mode, std::move(done)); });
    ASSERT_TRUE(missing);
    ASSERT_FALSE(missing->ok());
    EXPECT_EQ(missing->error().kind, NatsErrorKind::kNotFound) << Describe(missing->error());
  }
}

TEST_F(NatsSingleNode, ReadRangeStartsWhereAskedAndStopsAtTheEnd) {
  EnsureTestStream();
  PublishMany(50);
  auto read = [&](uint64_t first, int max) {
    auto result = Await<std::vector<StoredMessage>>(owner_, [&](auto done) {
      connection_->ReadRange(RangeRequest{"T", "t.>", first, max}, std::move(done));
    });
    std::vector<uint64_t> seqs;
    EXPECT_TRUE(result && result->ok())
        << (result && !result->ok() ? Describe(result->error()) : "");
    if (result && result->ok()) {
      for (const StoredMessage& m : result->value()) seqs.push_back(m.seq());
    }
    return seqs;
  };
  EXPECT_EQ(read(20, 10), Range(20, 29));
  EXPECT_EQ(read(45, 10), Range(45, 50));
  EXPECT_THAT(read(51, 10), IsEmpty());
}

TEST_F(NatsSingleNode, PublishFailsAtOnceWhileTheServerIsDown) {
  EnsureTestStream();
  servers_.Kill(0);
  ASSERT_TRUE(WaitForState(owner_, *connection_, ConnectionState::kDisconnected));
  NatsResult<PublishAck> result = Publish("down", "x", std::chrono::seconds(2));
  ASSERT_FALSE(result.ok());
  // Refused at once as unavailable, not left to run into the publish timeout.
  EXPECT_EQ(result.error().kind, NatsErrorKind::kUnavailable) << Describe(result.error());
  auto info = Await<StreamDescription>(
      owner_, [&](auto done) { connection_->GetStreamInfo("T", std::move(done)); });
  ASSERT_TRUE(info);
  ASSERT_FALSE(info->ok());
  EXPECT_EQ(info->error().kind, NatsErrorKind::kUnavailable) << Describe(info->error());
}

TEST_F(NatsSingleNode, PublishTimesOutWhenTheServerFreezesAndARetryIsSafe) {
  EnsureTestStream();
  ASSERT_TRUE(servers_.Pause(0));
  NatsResult<PublishAck> frozen = Publish("frozen", "x", std::chrono::milliseconds(300));
  servers_.Resume(0);
  ASSERT_FALSE(frozen.ok());
  EXPECT_EQ(frozen.error().kind, NatsErrorKind::kTimeout) << Describe(frozen.error());
  // The message sat in the socket: the server may store it after all. The retry with
  // the same id is acknowledged, and the stream holds it once.
  NatsResult<PublishAck> retry = Publish("frozen", "x");
  ASSERT_TRUE(retry.ok()) << Describe(retry.error());
  EXPECT_EQ(retry.value().seq, 1u);
  EXPECT_EQ(Info().messages, 1u);
}

TEST_F(NatsSingleNode, ConnectsWhenTheServerComesUpLater) {
  servers_.Kill(0);
  OwnerQueue owner;
  std::vector<ConnectionState> states;
  auto late = Connect(owner, servers_.ClientUrls(), &states);
  ASSERT_NE(late, nullptr);
  auto early = Await<StreamDescription>(
      owner, [&](auto done) { late->EnsureStream(TestStream(), std::move(done)); });
  ASSERT_TRUE(early);
  ASSERT_FALSE(early->ok());
  EXPECT_EQ(early->error().kind, NatsErrorKind::kUnavailable) << Describe(early->error());
  EXPECT_EQ(late->state(), ConnectionState::kConnecting);

  std::string error;
  ASSERT_TRUE(servers_.Restart(0, &error)) << error;
  ASSERT_TRUE(WaitForState(owner, *late, ConnectionState::kConnected));
  EXPECT_THAT(states, ElementsAre(ConnectionState::kConnected));
  NatsResult<StreamDescription> stream = EnsureStreamPatiently(owner, *late, TestStream());
  ASSERT_TRUE(stream.ok()) << Describe(stream.error());
}

TEST_F(NatsSingleNode, DestroyingItWhileItConnectsReturns) {
  servers_.Kill(0);
  OwnerQueue owner;
  // At once, while the first attempt may still run.
  auto connecting = Connect(owner, servers_.ClientUrls());
  ASSERT_NE(connecting, nullptr);
  connecting.reset();
  // After the first attempt failed and libnats went on retrying in the background.
  connecting = Connect(owner, servers_.ClientUrls());
  ASSERT_NE(connecting, nullptr);
  auto early = Await<StreamDescription>(
      owner, [&](auto done) { connecting->GetStreamInfo("T", std::move(done)); });
  ASSERT_TRUE(early && !early->ok());
  connecting.reset();
}

TEST_F(NatsSingleNode, SubscriptionAndPublishingResumeAfterTheServerRestarts) {
  EnsureTestStream();
  Received received;
  auto subscription = Subscribe(*connection_, 1, &received);
  ReliablePublishResult before =
      PublishReliably(owner_, *connection_, "before", 10, 4, std::chrono::seconds(2));
  ASSERT_TRUE(before.finished);
  ASSERT_TRUE(owner_.RunUntil([&] { return received.seqs.size() == 10; }, kGiveUp));

  servers_.Kill(0);
  ASSERT_TRUE(WaitForState(owner_, *connection_, ConnectionState::kDisconnected));
  std::string error;
  ASSERT_TRUE(servers_.Restart(0, &error)) << error;
  ASSERT_TRUE(WaitForState(owner_, *connection_, ConnectionState::kConnected));

  ReliablePublishResult after =
      PublishReliably(owner_, *connection_, "after", 10, 4, std::chrono::seconds(2));
  ASSERT_TRUE(after.finished);
  ASSERT_TRUE(owner_.RunUntil([&] { return received.seqs.size() >= 20; }, kGiveUp))
      << received.seqs.size() << " received";
  EXPECT_EQ(received.seqs, Range(1, 20));
  EXPECT_THAT(received.gaps, IsEmpty());
  EXPECT_EQ(received.ids[10], "after-0");
  EXPECT_THAT(states_, ElementsAre(ConnectionState::kConnected, ConnectionState::kDisconnected,
                                   ConnectionState::kConnected));
}

}  // namespace
}  // namespace ssegw::cluster
