#include "http/publish_route.h"

#include <google/protobuf/util/json_util.h>

#include <charconv>
#include <utility>

#include "core/ingest.h"
#include "core/request_target.h"
#include "core/utf8.h"
#include "http/access_policy.h"
#include "http/routes.h"
#include "ssegw/internal/ingest.pb.h"
#include "ssegw/v1/ssegw.pb.h"
#include "wire/publish_wire.h"

namespace ssegw::http {
namespace {

constexpr std::string_view kProtobufType = "application/x-protobuf";
constexpr std::string_view kJsonType = "application/json";

// The media type without parameters ("application/json; charset=utf-8"), lower-cased.
std::string MediaType(std::string_view value) {
  value = value.substr(0, value.find(';'));
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  std::string type(value);
  for (char& c : type) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return type;
}

Reply Body(int status, BodyFormat format, const v1::PublishReply& message) {
  Reply reply;
  reply.status = status;
  if (format == BodyFormat::kJson) {
    google::protobuf::util::JsonPrintOptions options;
    options.always_print_primitive_fields = true;  // status 0 and duplicates 0 say something
    (void)google::protobuf::util::MessageToJsonString(message, &reply.body, options);
    reply.body += '\n';
  } else {
    message.SerializeToString(&reply.body);
  }
  reply.headers.push_back(
      {"content-type", std::string(format == BodyFormat::kJson ? kJsonType : kProtobufType)});
  reply.headers.push_back({"content-length", std::to_string(reply.body.size())});
  return reply;
}

Reply Rejected(int status, BodyFormat format, v1::Status code, uint64_t seq, std::string error) {
  v1::PublishReply message;
  message.set_seq(seq);
  message.set_status(code);
  message.set_error(std::move(error));
  return Body(status, format, message);
}

Reply Refused(Access::Kind kind) {
  Reply reply = kind == Access::Kind::kForbidden ? TextReply(403, "forbidden")
                                                 : TextReply(401, "unauthorized");
  reply.headers.push_back({"www-authenticate", std::string(ChallengeFor(kind))});
  return reply;
}

}  // namespace

bool Upload::Add(std::string_view piece) {
  if (too_large) return false;
  if (piece.size() > max_bytes - body.size()) {
    too_large = true;
    std::string().swap(body);
    return false;
  }
  body.append(piece);
  return true;
}

PublishStart StartPublish(const RequestHead& request, const SessionOptions& options,
                          SessionEnvironment& env) {
  PublishStart start;
  const AccessPolicy& policy = env.policy();
  if (policy.verifier == nullptr) {
    start.refusal = TextReply(404, "not found: publishing over HTTP needs --auth-key");
    return start;
  }
  if (request.method != "POST") {
    Reply reply = TextReply(405, "method not allowed");
    reply.headers.push_back({"allow", "POST"});
    start.refusal = std::move(reply);
    return start;
  }
  const std::string type = MediaType(request.content_type.value_or(""));
  if (type == kJsonType) {
    start.upload.format = BodyFormat::kJson;
  } else if (type != kProtobufType) {
    start.refusal =
        TextReply(415, "content-type must be application/x-protobuf or application/json");
    return start;
  }
  start.upload.max_bytes = options.max_publish_bytes;
  if (request.content_length) {
    uint64_t length = 0;
    const std::string& text = *request.content_length;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
    if (ec == std::errc() && end == text.data() + text.size() &&
        length > options.max_publish_bytes) {
      start.refusal = Rejected(413, start.upload.format, v1::STATUS_TOO_LARGE, 0,
                               "request is larger than the gateway's --max-frame");
      return start;
    }
  }
  const RequestTarget target = ClassifyTarget(request.path);
  auth::AuthResult result = VerifyRequest(policy, request, target.query, env.UnixNow());
  switch (result.kind()) {
    case auth::AuthResult::Kind::kNoToken:
      start.refusal = Refused(Access::Kind::kNoToken);
      return start;
    case auth::AuthResult::Kind::kInvalid:
      start.refusal = Refused(Access::Kind::kInvalid);
      return start;
    case auth::AuthResult::Kind::kValid:
      break;
  }
  start.upload.claims = std::move(result).claims();
  return start;
}

PublishPlan PlanPublish(const RequestHead& request, Upload& upload, SessionEnvironment& env) {
  (void)request;
  PublishPlan plan;
  if (upload.too_large) {
    plan.refusal = Rejected(413, upload.format, v1::STATUS_TOO_LARGE, 0,
                            "request is larger than the gateway's --max-frame");
    return plan;
  }
  if (upload.format == BodyFormat::kJson) {
    // JSON strings are UTF-8 by definition, so the public schema reads them.
    v1::PublishRequest message;
    const auto status = google::protobuf::util::JsonStringToMessage(upload.body, &message);
    if (!status.ok()) {
      // protobuf's message quotes the body, which may be anything: the answer carries one
      // line of valid UTF-8 (the JSON reply's string must be, and so must a log line).
      std::string why(status.message());
      why = why.substr(0, why.find('\n'));
      if (!IsValidUtf8(why)) why = "not valid JSON";
      plan.refusal = Rejected(400, upload.format, v1::STATUS_MALFORMED, 0,
                              "body is not a PublishRequest in JSON: " + why);
      return plan;
    }
    plan.seq = message.seq();
    internal::IngestRequest ingest;
    if (!ingest.ParseFromString(message.SerializeAsString())) {
      plan.refusal = Rejected(400, upload.format, v1::STATUS_MALFORMED, plan.seq, "unreadable");
      return plan;
    }
    plan.batch = wire::DraftsFrom(&ingest);
  } else {
    internal::IngestRequest ingest;
    if (!ingest.ParseFromString(upload.body)) {
      plan.refusal = Rejected(400, upload.format, v1::STATUS_MALFORMED, 0,
                              "body does not hold a valid PublishRequest");
      return plan;
    }
    plan.seq = ingest.seq();
    plan.batch = wire::DraftsFrom(&ingest);
  }
  std::string().swap(upload.body);
  if (std::optional<IngestError> invalid = ValidateBatch(&plan.batch)) {
    plan.refusal =
        Rejected(400, upload.format, v1::STATUS_INVALID_ARGUMENT, plan.seq, Describe(*invalid));
    ++env.counters().publish_errors_total;
    return plan;
  }
  for (const EventDraft& draft : plan.batch) {
    if (!Grants(env.policy(), upload.claims, draft.topics, Action::kPublish)) {
      plan.refusal = Refused(Access::Kind::kForbidden);
      return plan;
    }
  }
  return plan;
}

Reply AnswerPublish(PublishResult result, BodyFormat format, uint64_t seq) {
  int status = 200;
  switch (result.status) {
    case PublishStatus::kOk:
      break;
    case PublishStatus::kInvalidArgument:
      status = 400;
      break;
    case PublishStatus::kTooLarge:
      status = 413;
      break;
    case PublishStatus::kOverloaded:
    case PublishStatus::kUnavailable:
      status = 503;
      break;
  }
  Reply reply = Body(status, format, wire::ReplyFor(seq, std::move(result)));
  if (status == 503) reply.headers.push_back({"retry-after", "1"});
  return reply;
}

}  // namespace ssegw::http
