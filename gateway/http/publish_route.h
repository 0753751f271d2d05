// POST /publish: publishing over HTTP for backends on other hosts, with the socket's
// rules, ids and acknowledgement (CONTRACT "Subscriber authorization").
//
// Served only with --auth-key: the token must grant "publish" on every topic of every
// event. The body is one serialized PublishRequest (application/x-protobuf, answered in
// kind) or protobuf's own JSON mapping of it (application/json). In order: 404 without
// keys, 405 for another method, 415 for another content type, 413 when the declared
// length passes --max-frame (and as soon as the body does while it streams in), 401 for
// a missing or invalid token — all before the body is read; then 400 when the body does
// not parse or an event breaks a rule, 403 when a topic is not granted. What is left is
// appended to the log; the answer is 200 with the PublishReply (duplicates included), or
// 503 with retry-after while the gateway is overloaded or the cluster log unreachable.
//
// Pure functions apart from reading the environment's policy and clock; the codecs keep
// the Upload between the head and the body and wait for the log's answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/claims.h"
#include "core/event.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/session.h"

namespace ssegw::http {

enum class BodyFormat { kProtobuf, kJson };

// A publish request between its head and the end of its body.
struct Upload {
  BodyFormat format = BodyFormat::kProtobuf;
  auth::Claims claims;  // of its valid token
  std::string body;
  size_t max_bytes = 0;
  bool too_large = false;  // the body passed max_bytes: answered 413, the rest dropped

  // Appends a piece of the body; false once it is over the cap.
  bool Add(std::string_view piece);
};

// What to do with a POST /publish head: refuse it now, or read its body into `upload`.
struct PublishStart {
  std::optional<Reply> refusal;
  Upload upload;
};
PublishStart StartPublish(const RequestHead& request, const SessionOptions& options,
                          SessionEnvironment& env);

// With the whole body: a refusal (400, 403, 413), or the validated batch to append.
struct PublishPlan {
  std::optional<Reply> refusal;
  std::vector<EventDraft> batch;
  uint64_t seq = 0;  // the request's, echoed in the reply
};
PublishPlan PlanPublish(const RequestHead& request, Upload& upload, SessionEnvironment& env);

// The log's answer as the HTTP reply.
Reply AnswerPublish(PublishResult result, BodyFormat format, uint64_t seq);

}  // namespace ssegw::http
