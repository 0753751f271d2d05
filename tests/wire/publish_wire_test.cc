#include "wire/publish_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ssegw::wire {
namespace {

using ::testing::ElementsAre;

TEST(PublishWireTest, DraftsTakeEveryFieldOfEveryEvent) {
  internal::IngestRequest request;
  request.set_seq(9);
  internal::IngestEvent* first = request.add_events();
  first->add_topics("b");
  first->add_topics("a");
  first->set_id("id1");
  first->set_type("tick");
  first->set_data(std::string("x\xff", 2));  // bytes: not UTF-8 is Ingest's to reject
  first->set_retry_ms(250);
  request.add_events()->add_topics("c");

  std::vector<EventDraft> drafts = DraftsFrom(&request);
  ASSERT_EQ(drafts.size(), 2u);
  EXPECT_THAT(drafts[0].topics, ElementsAre("b", "a"));  // normalized later, by Ingest
  EXPECT_EQ(drafts[0].id, "id1");
  EXPECT_EQ(drafts[0].type, "tick");
  EXPECT_EQ(drafts[0].data, std::string("x\xff", 2));
  EXPECT_EQ(drafts[0].retry_ms, 250u);
  EXPECT_THAT(drafts[1].topics, ElementsAre("c"));
  EXPECT_TRUE(drafts[1].data.empty());
}

TEST(PublishWireTest, AcceptedReplyCarriesIdsAndDuplicates) {
  PublishResult result;
  result.ids = {"a", "b"};
  result.duplicates = 1;
  v1::PublishReply reply = ReplyFor(7, result);
  EXPECT_EQ(reply.seq(), 7u);
  EXPECT_EQ(reply.status(), v1::STATUS_OK);
  EXPECT_THAT(reply.ids(), ElementsAre("a", "b"));
  EXPECT_EQ(reply.duplicates(), 1u);
  EXPECT_TRUE(reply.error().empty());
}

TEST(PublishWireTest, RejectionCarriesItsStatusAndReason) {
  struct Case {
    PublishStatus status;
    v1::Status wire;
  };
  for (const Case& c : {Case{PublishStatus::kInvalidArgument, v1::STATUS_INVALID_ARGUMENT},
                        Case{PublishStatus::kTooLarge, v1::STATUS_TOO_LARGE},
                        Case{PublishStatus::kOverloaded, v1::STATUS_OVERLOADED},
                        Case{PublishStatus::kUnavailable, v1::STATUS_UNAVAILABLE}}) {
    PublishResult result;
    result.status = c.status;
    result.error = "why";
    v1::PublishReply reply = ReplyFor(3, result);
    EXPECT_EQ(reply.status(), c.wire);
    EXPECT_EQ(reply.error(), "why");
    EXPECT_EQ(reply.ids_size(), 0);
  }
}

}  // namespace
}  // namespace ssegw::wire
