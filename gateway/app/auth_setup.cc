#include "app/auth_setup.h"

#include <utility>
#include <vector>

#include "auth/topic_pattern.h"
#include "auth/verifier.h"

namespace ssegw::app {

std::shared_ptr<const http::AuthPolicy> BuildAuthPolicy(const Config& config, std::string* error) {
  auto policy = std::make_shared<http::AuthPolicy>();
  policy->cookie = config.auth_cookie;
  policy->query_param = config.auth_query_param;
  std::vector<auth::TopicPattern> patterns;
  for (const std::string& text : config.public_topics) {
    // Validated with the configuration; a pattern that no longer parses is a bug.
    if (std::optional<auth::TopicPattern> pattern = auth::TopicPattern::Parse(text)) {
      patterns.push_back(std::move(*pattern));
    }
  }
  policy->public_topics = auth::TopicGrant(std::move(patterns));
  if (config.auth_keys.empty()) return policy;
  auth::VerifierOptions options;
  options.algorithms = config.auth_algorithms;
  options.audience = config.auth_audience;
  options.issuer = config.auth_issuer;
  auth::Loaded<std::shared_ptr<const auth::Verifier>> loaded =
      auth::LoadVerifier(config.auth_keys, std::move(options));
  if (!loaded.value) {
    *error = loaded.error;
    return nullptr;
  }
  policy->verifier = std::move(*loaded.value);
  return policy;
}

}  // namespace ssegw::app
