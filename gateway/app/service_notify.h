// ServiceNotify: tells systemd where the gateway is in its life, for a unit of
// Type=notify (packaging/sse-gateway.service): READY once it serves, RELOADING while a
// SIGHUP reload runs (then READY again), STOPPING when a graceful shutdown begins, and a
// free-text STATUS that `systemctl status` shows.
//
// Every call is a no-op returning false when the process is not run by systemd
// (NOTIFY_SOCKET unset), so callers never check. Thread-safe: each call is one datagram
// (libsystemd's sd_notify); no state is kept here.
#pragma once

#include <string_view>

namespace ssegw::app::service_notify {

// Each returns true when systemd was told.
bool Ready();
bool Reloading();
bool Stopping();
bool Status(std::string_view text);

}  // namespace ssegw::app::service_notify
