// The cluster library against a real 3-node JetStream cluster on loopback with an R3
// stream: losing one node (the stream's leader) while publishing, and losing them all.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "nats_test_support.h"
#include "testutil/nats_server.h"

namespace ssegw::cluster {
namespace {

using ::testing::IsEmpty;
using namespace ::ssegw::cluster::testing;

class NatsThreeNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(servers_.Start(&error)) << error;
    connection_ = Connect(owner_, servers_.ClientUrls());
    ASSERT_NE(connection_, nullptr);
    ASSERT_TRUE(WaitForState(owner_, *connection_, ConnectionState::kConnected));
    NatsResult<StreamDescription> stream =
        EnsureStreamPatiently(owner_, *connection_, TestStream(/*replicas=*/3));
    ASSERT_TRUE(stream.ok()) << Describe(stream.error());
    ASSERT_EQ(stream.value().config.replicas, 3);
  }

  StreamDescription Info() {
    auto info = Await<StreamDescription>(
        owner_, [&](auto done) { connection_->GetStreamInfo("T", std::move(done)); });
    EXPECT_TRUE(info && info->ok()) << (info && !info->ok() ? Describe(info->error()) : "");
    return info && info->ok() ? info->value() : StreamDescription{};
  }

  int NodeNamed(const std::string& name) {
    return name.empty() ? 0 : std::stoi(name.substr(1)) - 1;
  }

  // Every acknowledged id is in `received` exactly once, at the sequence its ack named,
  // and `received` has no hole.
  static void ExpectExactlyOnceInOrder(const std::map<std::string, PublishAck>& acks,
                                       const Received& received) {
    EXPECT_THAT(received.gaps, IsEmpty());
    for (size_t i = 0; i < received.seqs.size(); ++i) {
      ASSERT_EQ(received.seqs[i], i + 1) << "hole or repeat at " << i;
    }
    std::set<std::string> seen(received.ids.begin(), received.ids.end());
    EXPECT_EQ(seen.size(), received.ids.size()) << "an id is stored twice";
    for (const auto& [id, ack] : acks) {
      ASSERT_GE(ack.seq, 1u);
      ASSERT_LE(ack.seq, received.ids.size()) << id;
      EXPECT_EQ(received.ids[ack.seq - 1], id) << "ack of " << id << " names another message";
    }
  }

  OwnerQueue owner_;
  ssegw::testing::NatsCluster servers_{ssegw::testing::NatsClusterConfig{.nodes = 3}};
  std::unique_ptr<NatsConnection> connection_;
};

TEST_F(NatsThreeNodes, KillingTheStreamLeaderWhilePublishingLosesNothingAcknowledged) {
  Received received;
  auto subscription = Subscribe(*connection_, 1, &received);
  const int leader = NodeNamed(Info().leader);
  bool killed = false;
  ReliablePublishResult published =
      PublishReliably(owner_, *connection_, "k", 1000, 16, std::chrono::seconds(2), [&](int acked) {
        if (acked == 300 && !killed) {
          servers_.Kill(leader);
          killed = true;
        }
      });
  ASSERT_TRUE(killed);
  ASSERT_TRUE(published.finished) << published.acks.size() << " acknowledged";
  ASSERT_TRUE(owner_.RunUntil([&] { return received.seqs.size() >= 1000; }, kGiveUp))
      << received.seqs.size() << " received";
  EXPECT_EQ(received.seqs.size(), 1000u);
  ExpectExactlyOnceInOrder(published.acks, received);
  const StreamDescription info = Info();
  EXPECT_EQ(info.messages, 1000u);
  EXPECT_NE(info.leader, "n" + std::to_string(leader + 1));
  std::cerr << "[ info ] " << published.failures << " publish attempts failed and were retried\n";
}

TEST_F(NatsThreeNodes, WhenEveryNodeIsDownPublishesFailAndEverythingResumesAfter) {
  Received received;
  auto subscription = Subscribe(*connection_, 1, &received);
  ReliablePublishResult before =
      PublishReliably(owner_, *connection_, "before", 100, 16, std::chrono::seconds(2));
  ASSERT_TRUE(before.finished);
  ASSERT_TRUE(owner_.RunUntil([&] { return received.seqs.size() >= 100; }, kGiveUp));

  servers_.KillAll();
  ASSERT_TRUE(WaitForState(owner_, *connection_, ConnectionState::kDisconnected));
  const auto timeout = std::chrono::milliseconds(1000);
  // Answered: by the publish timeout, or sooner when the connection knows it is down.
  // The give-up bound only stops a publish that is never answered.
  auto failed = Await<PublishAck>(
      owner_,
      [&](auto done) {
        connection_->Publish(Message("during", "during"), timeout, std::move(done));
      },
      timeout + std::chrono::seconds(20));
  ASSERT_TRUE(failed);
  ASSERT_FALSE(failed->ok());
  EXPECT_TRUE(failed->error().kind == NatsErrorKind::kUnavailable ||
              failed->error().kind == NatsErrorKind::kTimeout)
      << Describe(failed->error());

  std::string error;
  ASSERT_TRUE(servers_.RestartAll(&error)) << error;
  ASSERT_TRUE(WaitForState(owner_, *connection_, ConnectionState::kConnected));
  ReliablePublishResult after =
      PublishReliably(owner_, *connection_, "after", 100, 16, std::chrono::seconds(2));
  ASSERT_TRUE(after.finished) << after.acks.size() << " acknowledged";
  ASSERT_TRUE(owner_.RunUntil([&] { return received.seqs.size() >= 200; }, kGiveUp))
      << received.seqs.size() << " received";
  EXPECT_EQ(received.seqs.size(), 200u);
  std::map<std::string, PublishAck> acks = before.acks;
  acks.insert(after.acks.begin(), after.acks.end());
  ExpectExactlyOnceInOrder(acks, received);
  EXPECT_EQ(Info().messages, 200u);
}

}  // namespace
}  // namespace ssegw::cluster
