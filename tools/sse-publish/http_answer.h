// What the gateway's answer to one POST /publish means for sse-publish: the HTTP status,
// the headers that explain it and the body, turned into the PublishOutcome the socket
// publisher gives, so both paths print the same things and exit with the same codes.
//
//   200 with a PublishReply           accepted: its ids and duplicates
//   400, 413, 503 with a PublishReply rejected: the reply's status and reason (503 adds
//                                     the retry-after hint)
//   401, 403                          rejected: what the www-authenticate challenge says
//                                     was wrong with the token (never the token itself)
//   anything else                     rejected: the status and the first line of a text body
//   a 2xx without a PublishReply, or a PublishReply that does not parse: no answer
//   (status -1), like a lost reply on the socket
//
// Pure; thread-safe.
#pragma once

#include <string>

#include "ssegw/publisher.h"

namespace ssegw::tools {

struct HttpAnswer {
  long status = 0;
  std::string content_type = {};      // as sent, parameters included
  std::string www_authenticate = {};  // empty when absent
  std::string retry_after = {};       // empty when absent
  std::string body = {};
};

// `url` only goes into messages.
PublishOutcome OutcomeOf(const HttpAnswer& answer, const std::string& url);

}  // namespace ssegw::tools
