// RunGateway: builds one event loop with its hub, counters, TLS listener, publish socket
// and signal handling from a validated Config, prints the startup line, and runs until a
// graceful shutdown (SIGTERM/SIGINT) completes.
//
// Returns the process exit code: 0 after a graceful shutdown, 1 when the gateway cannot
// start (unreadable certificate or key, address in use, publish socket held by a live
// process). Startup errors are printed to stderr. Owns everything it creates; call it
// once per process, from the main thread.
#pragma once

#include "app/config.h"

namespace ssegw::app {

int RunGateway(const Config& config);

}  // namespace ssegw::app
