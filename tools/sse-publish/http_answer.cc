#include "http_answer.h"

#include <string_view>

#include "ssegw/v1/ssegw.pb.h"

namespace ssegw::tools {
namespace {

constexpr size_t kMaxQuotedBody = 200;

// The media type without parameters, lower-cased.
std::string MediaType(std::string_view value) {
  value = value.substr(0, value.find(';'));
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  std::string type(value);
  for (char& c : type) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return type;
}

// ": " and the first line of a plain-text body, bounded; nothing for other bodies (a
// proxy's HTML page would only fill the terminal).
std::string Quoted(std::string_view type, std::string_view body) {
  body = body.substr(0, body.find('\n'));
  if (!body.empty() && body.back() == '\r') body.remove_suffix(1);
  if (type != "text/plain" || body.empty()) return "";
  if (body.size() > kMaxQuotedBody)
    return ": " + std::string(body.substr(0, kMaxQuotedBody)) + "...";
  return ": " + std::string(body);
}

PublishOutcome Rejected(long status, std::string error) {
  PublishOutcome outcome;
  outcome.status = static_cast<int>(status);
  outcome.error = std::move(error);
  return outcome;
}

// An answer that is not the gateway's: reported like a lost reply on the socket.
PublishOutcome NoReply(std::string error) {
  PublishOutcome outcome;
  outcome.status = -1;
  outcome.error = std::move(error);
  return outcome;
}

PublishOutcome FromReply(const HttpAnswer& answer, const v1::PublishReply& reply) {
  PublishOutcome outcome;
  outcome.status = reply.status();
  outcome.accepted = answer.status == 200 && reply.status() == v1::STATUS_OK;
  outcome.ids.assign(reply.ids().begin(), reply.ids().end());
  outcome.duplicates = reply.duplicates();
  if (outcome.accepted) return outcome;
  if (outcome.status == v1::STATUS_OK) outcome.status = static_cast<int>(answer.status);
  outcome.error = reply.error().empty() ? "HTTP " + std::to_string(answer.status) : reply.error();
  if (answer.status == 503 && !answer.retry_after.empty()) {
    outcome.error += " (the gateway asks to retry after " + answer.retry_after + " s)";
  }
  return outcome;
}

}  // namespace

PublishOutcome OutcomeOf(const HttpAnswer& answer, const std::string& url) {
  const std::string type = MediaType(answer.content_type);
  if (type == "application/x-protobuf") {
    v1::PublishReply reply;
    if (reply.ParseFromString(answer.body)) return FromReply(answer, reply);
    return NoReply("the answer from " + url + " (HTTP " + std::to_string(answer.status) +
                   ") does not hold a PublishReply");
  }
  const std::string& challenge = answer.www_authenticate;
  switch (answer.status) {
    case 401:
      if (challenge.find("invalid_token") != std::string::npos) {
        return Rejected(401,
                        "401 unauthorized: the gateway refused the token (malformed, signed "
                        "with a key or algorithm it does not accept, expired, not yet valid, "
                        "or for another audience or issuer)");
      }
      return Rejected(401, "401 unauthorized: the gateway found no token in the request");
    case 403:
      return Rejected(403,
                      "403 forbidden: the token does not grant publishing to every topic of "
                      "the request (its \"ssegw\": {\"publish\": [...]} patterns)");
    case 404:
      return Rejected(404, "404 at " + url + Quoted(type, answer.body) +
                               " (is this the gateway's /publish, and does it run with "
                               "--auth-key?)");
    default:
      break;
  }
  if (answer.status >= 200 && answer.status < 300) {
    return NoReply("the answer from " + url + " (HTTP " + std::to_string(answer.status) + ", " +
                   (type.empty() ? "no content-type" : type) +
                   ") is not a PublishReply: is this the gateway's /publish?");
  }
  return Rejected(answer.status,
                  "HTTP " + std::to_string(answer.status) + Quoted(type, answer.body));
}

}  // namespace ssegw::tools
