// The publish socket's limits against the real gateway: at most 64 distinct topics per
// event, a publisher silent in the middle of a frame is closed, and --socket-allow-uid.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "e2e_support.h"

namespace ssegw::testing {
namespace {

class PublishSocketTest : public GatewayTest {};

TEST_F(PublishSocketTest, SixtyFiveTopicsAreRejectedAndTheConnectionStaysOpen) {
  ASSERT_NO_FATAL_FAILURE(StartGateway());
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  std::vector<std::string> topics;
  for (int i = 0; i < 64; ++i) topics.push_back("t" + std::to_string(i));
  PublishOk(*publisher, MakeRequest(1, {MakeEvent(topics, "64 is fine")}));
  topics.push_back("t64");
  auto reply = publisher->Publish(MakeRequest(2, {MakeEvent(topics, "65 is not")}));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status(), v1::STATUS_INVALID_ARGUMENT);
  EXPECT_EQ(reply->error(), "event 0: event names more than 64 distinct topics");
  PublishOk(*publisher, MakeRequest(3, {MakeEvent({"t0"}, "still open")}));
}

TEST_F(PublishSocketTest, APublisherSilentMidFrameIsClosed) {
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--publish-stall-timeout", "1"}));
  auto publisher = ConnectPublisher();
  ASSERT_TRUE(publisher);
  const std::string frame = Delimited(MakeRequest(1, {MakeEvent({"t"}, std::string(1000, 'x'))}));
  ASSERT_TRUE(publisher->SendRaw(frame.substr(0, frame.size() / 2)));
  EXPECT_TRUE(publisher->WaitForClose(kWait));
  EXPECT_THAT(gateway().Stderr(), ::testing::HasSubstr("then nothing for 1000 ms"));
  // A publisher idle between frames is not.
  auto idle = ConnectPublisher();
  ASSERT_TRUE(idle);
  PublishOk(*idle, MakeRequest(1, {MakeEvent({"t"}, "x")}));
  EXPECT_FALSE(idle->WaitForClose(std::chrono::milliseconds(2500)));
  PublishOk(*idle, MakeRequest(2, {MakeEvent({"t"}, "y")}));
}

TEST_F(PublishSocketTest, OnlyAllowedUidsMayPublish) {
  const std::string own = std::to_string(getuid());
  const std::string other = std::to_string(getuid() + 1);
  ASSERT_NO_FATAL_FAILURE(StartGateway({"--socket-allow-uid", other}));
  auto refused = ConnectPublisher();
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->Publish(MakeRequest(1, {MakeEvent({"t"}, "x")})).has_value());
  EXPECT_TRUE(refused->WaitForClose(kWait));
  EXPECT_THAT(gateway().Stderr(), ::testing::HasSubstr("not in --socket-allow-uid"));
  ASSERT_TRUE(gateway().Terminate().has_value());

  ASSERT_NO_FATAL_FAILURE(StartGateway({"--socket-allow-uid", other, "--socket-allow-uid", own}));
  auto allowed = ConnectPublisher();
  ASSERT_TRUE(allowed);
  PublishOk(*allowed, MakeRequest(1, {MakeEvent({"t"}, "x")}));
}

}  // namespace
}  // namespace ssegw::testing
