// CheckConfig: what `sse-gateway --check-config` does once the flags and the config file
// have parsed (bad ones already exit 2 in ParseCommandLine): everything the gateway would
// trip over at start, found without serving (nginx -t). It loads the certificate and key
// with the server's own code (net::TlsContext), resolves the listen addresses and looks at
// the publish socket's directory. Nothing is bound, created or changed.
//
// Pure apart from reading files and resolving names; call from the main thread.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "app/config.h"

namespace ssegw::app {

struct CheckReport {
  std::vector<std::string> problems;  // each would stop the gateway or a client
  std::vector<std::string> checked;   // what was found good, for the operator to read
};

CheckReport CheckConfig(const Config& config);

// Part of CheckConfig; each appends to `report`. Kept apart so a new kind of setting adds
// its own check here.
void CheckCertificateAndKey(const Config& config, CheckReport* report);
void CheckListenAddresses(const Config& config, CheckReport* report);
void CheckPublishSocket(const Config& config, CheckReport* report);
// Subscriber authorization keys: each --auth-key loaded with the server's own code, for
// the accepted algorithms; the first that fails is reported.
void CheckAuthKeys(const Config& config, CheckReport* report);
// With --nats: the credentials and CA files can be read (the servers are not contacted).
void CheckClusterFiles(const Config& config, CheckReport* report);

// Prints the report ("ok" lines on `out`, problems on `err`) and returns the exit code:
// 0 when there is no problem, 2 otherwise.
int PrintCheckReport(const CheckReport& report, FILE* out, FILE* err);

// When the certificate or key is the default relative path (certs/dev/...) and missing
// from the working directory, how to make one or where to point instead; nullopt
// otherwise. The gateway prints it before starting, --check-config as a problem.
std::optional<std::string> MissingDefaultCertificate(const Config& config);

}  // namespace ssegw::app
