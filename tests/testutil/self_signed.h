// A self-signed P-256 certificate and its key, made in memory and written as PEM files,
// for tests that need a TlsContext without running scripts/gen-dev-cert.
#pragma once

#include <string>

#include "testutil/key_files.h"

namespace ssegw::testing {

struct SelfSigned {
  std::string cert_file;
  std::string key_file;
};

// Writes `name`.crt and `name`.key (CN=localhost, valid for an hour) into `files`.
SelfSigned WriteSelfSigned(KeyFiles& files, const std::string& name = "server");

}  // namespace ssegw::testing
