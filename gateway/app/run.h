// RunGateway: builds the process from a validated Config — the log owner's loop on the
// calling thread (the event log, the publish socket, signals) and N worker threads
// (each with its own loop, its socket of every listener, its connections and fanout) —
// prints the startup line, and runs until a graceful shutdown (SIGTERM/SIGINT) has
// drained every worker.
//
// Returns the process exit code: 0 after a graceful shutdown, 1 when the gateway cannot
// start (unreadable certificate or key, address in use, publish socket held by a live
// process). Startup errors are printed to stderr. Owns everything it creates; call it
// once per process, from the main thread.
#pragma once

#include <cstdint>

#include "app/config.h"

namespace ssegw::app {

int RunGateway(const Config& config);

// --threads as given, or one per online CPU for 0.
uint32_t WorkerCount(uint32_t threads);

}  // namespace ssegw::app
