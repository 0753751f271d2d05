// The authorization policy the configuration asks for, built the way the server, the
// --check-config report and a SIGHUP reload all need it: the keys loaded and checked
// with the verifier's own code, the public topic patterns parsed.
//
// Reads the key files; otherwise pure. Safe on any thread.
#pragma once

#include <memory>
#include <string>

#include "app/config.h"
#include "http/auth_policy.h"

namespace ssegw::app {

// The policy for `config`, or nullptr with *error naming the key file and what is wrong
// with it. Without --auth-key the policy has no verifier: every topic is public.
std::shared_ptr<const http::AuthPolicy> BuildAuthPolicy(const Config& config, std::string* error);

}  // namespace ssegw::app
