// The gateway reads PublishRequest through ssegw.internal.IngestRequest, a copy with bytes
// instead of string fields (so invalid UTF-8 is a per-event rejection, not a parse
// failure). This keeps the copy wire-identical to the public schema.
#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include "ssegw/internal/ingest.pb.h"
#include "ssegw/v1/ssegw.pb.h"

namespace ssegw {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// string and bytes are both length-delimited on the wire; everything else must match.
bool SameOnTheWire(const FieldDescriptor& a, const FieldDescriptor& b) {
  auto kind = [](const FieldDescriptor& f) {
    return f.type() == FieldDescriptor::TYPE_STRING ? FieldDescriptor::TYPE_BYTES : f.type();
  };
  return kind(a) == kind(b) && a.is_repeated() == b.is_repeated() && a.is_packed() == b.is_packed();
}

void ExpectMirror(const Descriptor& public_message, const Descriptor& mirror) {
  ASSERT_EQ(public_message.field_count(), mirror.field_count()) << mirror.full_name();
  for (int i = 0; i < public_message.field_count(); ++i) {
    const FieldDescriptor& field = *public_message.field(i);
    const FieldDescriptor* twin = mirror.FindFieldByNumber(field.number());
    ASSERT_NE(twin, nullptr) << mirror.full_name() << " lacks field " << field.number();
    EXPECT_EQ(twin->name(), field.name());
    EXPECT_TRUE(SameOnTheWire(field, *twin)) << field.full_name() << " vs " << twin->full_name();
  }
}

TEST(ProtoMirrorTest, IngestRequestIsWireIdenticalToPublishRequest) {
  ExpectMirror(*v1::PublishRequest::descriptor(), *internal::IngestRequest::descriptor());
  ExpectMirror(*v1::Event::descriptor(), *internal::IngestEvent::descriptor());
}

TEST(ProtoMirrorTest, APublicRequestParsesAsAnIngestRequest) {
  v1::PublishRequest request;
  request.set_seq(7);
  v1::Event* event = request.add_events();
  event->add_topics("a");
  event->add_topics("b");
  event->set_id("id");
  event->set_type("t");
  event->set_data("line\nline");
  event->set_retry_ms(250);

  internal::IngestRequest ingest;
  ASSERT_TRUE(ingest.ParseFromString(request.SerializeAsString()));
  EXPECT_EQ(ingest.SerializeAsString(), request.SerializeAsString());
  ASSERT_EQ(ingest.events_size(), 1);
  EXPECT_EQ(ingest.events(0).topics(1), "b");
  EXPECT_EQ(ingest.events(0).retry_ms(), 250u);
}

}  // namespace
}  // namespace ssegw
