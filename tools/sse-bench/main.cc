// sse-bench: a load generator for sse-gateway that measures events, not requests.
//
// It holds C TLS HTTP/2 (or h2c) connections × S SSE streams, optionally publishes stamped
// events at a steady rate through the gateway's publish socket, and reports deliveries
// per second, publish→receive latency, whether anything was lost, and how much CPU it
// spent itself per delivery (so a reader can tell that the bench was not the limit).
// With --gateway-pid it also reports the gateway's memory per connection held; with
// --storm it stages a reconnect storm. See bench_run.h for the phases and report.h for
// the JSON fields.
//
// The server certificate is not verified: this is a tool for loopback and development
// set-ups. Exit status: 0 clean run, 1 errors or lost events, 2 bad usage.
#include <CLI/CLI.hpp>
#include <string>

#include "bench_run.h"
#include "common/parse_flags.h"

int main(int argc, char** argv) {
  ssebench::BenchOptions options;
  CLI::App app{
      "sse-bench: open connections x streams of Server-Sent Events over TLS HTTP/2, "
      "optionally publish stamped events, and report deliveries/s, latency and loss "
      "as one JSON line. The server certificate is NOT verified.",
      "sse-bench"};
  app.add_option("--url", options.url,
                 "subscription URL, https://HOST:PORT/events/<topic>, or http://... for h2c "
                 "(HTTP/2 with prior knowledge) on a cleartext listener; any path when not "
                 "publishing and --topics is 1")
      ->required();
  app.add_option("--connections,-c", options.connections,
                 "connections; 0: publish only (ingest rate, needs --publish-rate)")
      ->capture_default_str();
  app.add_option("--streams,-s", options.streams, "SSE streams per connection")
      ->capture_default_str();
  app.add_option("--duration,-d", options.duration_s, "measurement window, seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--publish-rate,-r", options.publish_rate,
                 "events per second to publish through --socket; 0: only listen")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--payload", options.payload_bytes,
                 "event data size in bytes (at least 21: a stamp and padding)")
      ->capture_default_str();
  app.add_option("--socket", options.socket_path, "the gateway's publish socket")
      ->capture_default_str();
  app.add_option("--topics", options.topics,
                 "stream i subscribes to <topic>-<i mod N> and events are spread over the N "
                 "topics; 1: every stream on <topic>")
      ->capture_default_str();
  app.add_option("--warmup", options.warmup_s,
                 "seconds of publishing before the measurement window (not measured, but "
                 "checked for loss)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--drain", options.drain_s,
                 "after publishing stops, wait at most this long for replies and deliveries")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--setup-timeout", options.setup_timeout_s,
                 "seconds to wait for every stream to open")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--threads,-t", options.threads,
                 "receive threads (event loops); connections are spread over them")
      ->capture_default_str();
  app.add_option("--batch", options.batch, "events per publish request, at most")
      ->capture_default_str();
  app.add_option("--stream-window", options.stream_window,
                 "SETTINGS_INITIAL_WINDOW_SIZE announced to the server, bytes")
      ->capture_default_str();
  app.add_option("--gateway-pid", options.gateway_pid,
                 "also report this process's CPU per delivery (read from /proc)");
  app.add_option("--source-addresses", options.source_addresses,
                 "spread connections over loopback source addresses 127.0.0.1..127.0.0.N "
                 "(bind before connect); default: one per 20,000 connections to a 127.x "
                 "server; 0: none")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--storm", options.storm_events,
                 "reconnect storm: after set-up every connection closes, this many events "
                 "are published, and all reconnect at once with Last-Event-ID (one topic)")
      ->capture_default_str();
  app.add_flag("--resume", options.resume,
               "storm: reconnect with the TLS session each connection got the first time");
  app.add_option("--samples-file", options.samples_file,
                 "after the run, write every latency sample recorded (from the window's start) "
                 "to this file, one line each in publish order: seconds since the window began "
                 "and the latency in ms (kept in memory: for low-rate latency runs)");
  app.add_flag("--json-only", options.json_only, "no progress lines on stderr");
  if (auto code = ssegw::tools::ParseFlags(app, argc, argv)) return *code;
  return ssebench::RunBench(options);
}
