// POST /publish bodies, whatever the bytes, through the route both codecs use:
// http::StartPublish with a valid HS256 token granting publish on "**", the body fed to
// the Upload in pieces, http::PlanPublish, the fake environment's log, and
// http::AnswerPublish. The first byte picks the content type (protobuf or JSON), whether
// a content-length is declared, and where the body is cut into pieces; the rest is the
// body. Checked on every input:
//   - a valid token and an acceptable length are never refused at the head;
//   - a body over the cap is always refused 413, one within it never is;
//   - refusals are 400 or 413, each with a PublishReply in the request's type (403 is
//     impossible: "**" grants every valid topic);
//   - a plan's batch is non-empty with valid topics, the log takes it and the answer is a
//     200 with one id per event;
//   - a JSON body that protobuf's JSON mapping reads plans exactly like the same request
//     sent as protobuf.
// The secret and the clock are fixed, so a crash reproduces from its input alone.
#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/key_set.h"
#include "auth/verifier.h"
#include "core/topics.h"
#include "fake_environment.h"
#include "http/publish_route.h"
#include "ssegw/v1/ssegw.pb.h"
#include "testutil/jwt_signer.h"

namespace {

using namespace ssegw;
using ssegw::http::BodyFormat;
using ssegw::http::Reply;

constexpr std::string_view kFuzzSecret = "fuzz-publish-secret-fuzz-publish-secret";
constexpr int64_t kNow = 1'750'000'000;
constexpr size_t kMaxBody = 2048;  // --max-frame: small, so that 413 is reached

// abort() rather than assert(): the fuzz build may define NDEBUG (RelWithDebInfo).
void Check(bool condition) {
  if (!condition) std::abort();
}

struct Fixture {
  std::shared_ptr<const auth::Verifier> verifier;
  std::string token;

  Fixture() {
    const std::vector<auth::Algorithm> allowed = {auth::Algorithm::kHS256};
    const testing::JwtSigner signer = testing::JwtSigner::Hs256(std::string(kFuzzSecret));
    auth::Loaded<auth::VerificationKey> key =
        auth::ParseKey("fuzz.key", signer.KeyFileContents(), allowed);
    Check(key.ok());
    auth::KeySet keys;
    keys.Add(std::move(*key.value));
    auth::VerifierOptions options;
    options.algorithms = allowed;
    verifier = std::make_shared<auth::Verifier>(std::move(keys), std::move(options));
    token =
        signer.Mint(R"({"exp":)" + std::to_string(kNow + 3600) + R"(,"ssegw":{"publish":["**"]}})");
  }
};

const Fixture& TheFixture() {
  static const Fixture fixture;
  return fixture;
}

std::string_view ContentType(BodyFormat format) {
  return format == BodyFormat::kJson ? "application/json" : "application/x-protobuf";
}

std::string HeaderOf(const Reply& reply, std::string_view name) {
  for (const http::Header& header : reply.headers) {
    if (header.name == name) return header.value;
  }
  return "";
}

// A refusal or an answer that carries a PublishReply: in the request's type, readable.
v1::PublishReply ReplyIn(const Reply& reply, BodyFormat format) {
  Check(HeaderOf(reply, "content-type") == ContentType(format));
  Check(HeaderOf(reply, "content-length") == std::to_string(reply.body.size()));
  v1::PublishReply message;
  if (format == BodyFormat::kJson) {
    Check(google::protobuf::util::JsonStringToMessage(reply.body, &message).ok());
  } else {
    Check(message.ParseFromString(reply.body));
  }
  return message;
}

struct Outcome {
  int refusal = 0;  // 0: planned
  uint64_t seq = 0;
  std::vector<EventDraft> batch = {};
};

// One POST /publish of `body` in `format`, cut after every `piece` bytes.
Outcome Run(std::string_view body, BodyFormat format, bool declare_length, size_t piece) {
  http::testing::FakeEnvironment env;
  env.access.verifier = TheFixture().verifier;
  env.unix_now = kNow;
  http::SessionOptions options;
  options.max_publish_bytes = kMaxBody;

  http::RequestHead head;
  head.method = "POST";
  head.path = "/publish";
  head.authorization = "Bearer " + TheFixture().token;
  head.content_type = std::string(ContentType(format));
  if (declare_length) head.content_length = std::to_string(body.size());

  http::PublishStart start = http::StartPublish(head, options, env);
  if (start.refusal) {
    // Only a declared length over the cap is refused before the body.
    Check(declare_length && body.size() > kMaxBody);
    Check(start.refusal->status == 413);
    ReplyIn(*start.refusal, format);
    return {.refusal = 413};
  }
  Check(start.upload.format == format);
  bool within = true;
  for (size_t at = 0; at < body.size() && within; at += piece) {
    within = start.upload.Add(body.substr(at, piece));
  }
  Check(within == (body.size() <= kMaxBody));
  Check(start.upload.too_large == !within);

  http::PublishPlan plan = http::PlanPublish(head, start.upload, env);
  if (plan.refusal) {
    const int status = plan.refusal->status;
    Check(status == 400 || status == 413);
    Check((status == 413) == (body.size() > kMaxBody));
    const v1::PublishReply reply = ReplyIn(*plan.refusal, format);
    Check(reply.status() != v1::STATUS_OK);
    Check(!reply.error().empty());
    return {.refusal = status, .seq = plan.seq};
  }
  Check(body.size() <= kMaxBody);
  Check(!plan.batch.empty());
  for (const EventDraft& draft : plan.batch) {
    Check(!draft.topics.empty());
    for (const std::string& topic : draft.topics) Check(ValidateTopic(topic).ok());
  }
  Outcome outcome{.seq = plan.seq, .batch = plan.batch};

  bool answered = false;
  env.Publish(std::move(plan.batch), [&](PublishResult result) {
    answered = true;
    Check(result.status == PublishStatus::kOk);
    Check(result.ids.size() == outcome.batch.size());
    const Reply reply = http::AnswerPublish(std::move(result), format, outcome.seq);
    Check(reply.status == 200);
    const v1::PublishReply message = ReplyIn(reply, format);
    Check(message.seq() == outcome.seq);
    Check(static_cast<size_t>(message.ids_size()) == outcome.batch.size());
  });
  env.Settle();
  Check(answered);
  return outcome;
}

bool SameDrafts(const std::vector<EventDraft>& a, const std::vector<EventDraft>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].topics != b[i].topics || a[i].id != b[i].id || a[i].type != b[i].type ||
        a[i].data != b[i].data || a[i].retry_ms != b[i].retry_ms) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t control = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const BodyFormat format = (control & 1) != 0 ? BodyFormat::kJson : BodyFormat::kProtobuf;
  const bool declare_length = (control & 2) != 0;
  const size_t piece = 1 + (control >> 2) * 37;  // 1 byte at a time up to whole bodies

  const Outcome outcome = Run(body, format, declare_length, piece);

  // The JSON mapping and the binary form of one request are planned alike.
  if (format == BodyFormat::kJson && body.size() <= kMaxBody) {
    v1::PublishRequest request;
    if (google::protobuf::util::JsonStringToMessage(body, &request).ok()) {
      const std::string binary = request.SerializeAsString();
      if (binary.size() <= kMaxBody) {
        const Outcome same = Run(binary, BodyFormat::kProtobuf, declare_length, piece);
        Check(same.refusal == outcome.refusal);
        Check(same.seq == outcome.seq);
        Check(SameDrafts(same.batch, outcome.batch));
      }
    }
  }
  return 0;
}
