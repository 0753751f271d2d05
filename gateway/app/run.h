// RunGateway: builds the process from a validated Config — the log owner's loop on the
// calling thread (the event log, the publish socket, signals) and N worker threads
// (each with its own loop, its socket of every listener, its connections and fanout) —
// prints the startup line, and runs until a graceful shutdown (SIGTERM/SIGINT) has
// drained every worker. SIGHUP reloads what can change without a restart (app/reload.h)
// and logs what was ignored; a reload that fails keeps the old settings and says why.
//
// Returns the process exit code: 0 after a graceful shutdown, 1 when the gateway cannot
// start (unreadable certificate or key, address in use, publish socket held by a live
// process). Startup errors are printed to stderr. Owns everything it creates; call it
// once per process, from the main thread.
#pragma once

#include <cstdint>
#include <functional>

#include "app/config.h"

namespace ssegw::app {

// `reparse` reads the command line and config file again, for a SIGHUP reload.
int RunGateway(const Config& config, std::function<ParseResult()> reparse);

// --threads as given, or one per online CPU for 0.
uint32_t WorkerCount(uint32_t threads);

}  // namespace ssegw::app
