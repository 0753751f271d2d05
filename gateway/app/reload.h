// Reload: what a SIGHUP may change while the gateway runs — the certificate and key (for
// new handshakes), the access policy (auth keys, public topics, cookie and query
// parameter, --allow-origin) and the log level and format — and what it may not.
//
// PrepareReload builds every new piece from the fresh configuration before anything is
// applied, so a reload either takes effect as a whole or not at all (the old settings
// stay, and the error says why). Settings that need a restart are listed so the caller
// can log them as ignored. Reads the certificate and key files; otherwise pure.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/config.h"
#include "http/access_policy.h"
#include "net/tls_context.h"

namespace ssegw::app {

struct ReloadPlan {
  std::shared_ptr<net::TlsContext> tls;
  std::shared_ptr<const http::AccessPolicy> policy;
  net::LogLevel log_level;
  net::LogFormat log_format;
  std::vector<std::string> ignored;  // flags that changed but need a restart
};

// nullopt with *error when the fresh configuration cannot be used (a bad certificate,
// key or auth key). The new TLS context keeps `ticket_keys`, the running ones, so
// session tickets issued before the reload still resume after it.
std::optional<ReloadPlan> PrepareReload(const Config& running, const Config& fresh,
                                        std::shared_ptr<net::TicketKeys> ticket_keys,
                                        std::string* error);

// The flags (without "--") whose value differs between `a` and `b` and that only a
// restart applies.
std::vector<std::string> SettingsNeedingRestart(const Config& a, const Config& b);

}  // namespace ssegw::app
