// sse-publish: publish Server-Sent Events to sse-gateway from the shell, through its Unix
// socket or, with --url and --token, over HTTP(S) to its POST /publish from another host.
//
// Exit status: 0 accepted (ids on stdout, one per line), 1 rejected by the gateway (its
// reason on stderr: an invalid event, or over HTTP a token that is refused or does not
// grant the topics) or, with --lines, a line that is not UTF-8 (skipped, the rest sent), 2 bad
// usage (a token file that holds no token included), 3 the gateway could not be reached or
// stopped answering.
#include <poll.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "common/parse_flags.h"
#include "core/utf8.h"
#include "http_publisher.h"
#include "ssegw/publisher.h"
#include "token_file.h"

namespace {

enum ExitCode { kAccepted = 0, kRejected = 1, kUsage = 2, kUnreachable = 3 };

struct Flags {
  std::string socket = "/tmp/sse-gateway.sock";
  std::string url;
  std::string token_file;
  bool insecure = false;
  std::string ca_file;
  bool verbose = false;
  std::vector<std::string> topics;
  std::string type;
  std::string id;
  uint32_t retry_ms = 0;
  std::string data;
  std::string data_file;
  bool lines = false;
  size_t batch = 256;
};

// An accepted event whose id the gateway already held was not sent again: say so, since
// the id alone looks like a fresh publish.
void ReportDuplicates(const ssegw::PublishOutcome& outcome) {
  if (outcome.duplicates == 0) return;
  if (outcome.ids.size() == 1) {
    std::cerr << "sse-publish: " << outcome.ids.front() << " (duplicate: already published)\n";
  } else {
    std::cerr << "sse-publish: " << outcome.duplicates << " of " << outcome.ids.size()
              << " events (duplicate: already published)\n";
  }
}

// Prints what the gateway said about each request; returns the worst exit code.
int Report(const std::vector<ssegw::PublishOutcome>& outcomes) {
  int code = kAccepted;
  for (const auto& outcome : outcomes) {
    if (outcome.accepted) {
      for (const auto& id : outcome.ids) std::cout << id << '\n';
      ReportDuplicates(outcome);
      continue;
    }
    if (outcome.status < 0) {
      std::cerr << "sse-publish: " << outcome.error << '\n';
      code = kUnreachable;
    } else {
      std::cerr << "sse-publish: rejected: " << outcome.error << '\n';
      if (code == kAccepted) code = kRejected;
    }
  }
  std::cout.flush();
  return code;
}

// True when another line can be read without waiting: buffered in std::cin, or already
// in the pipe.
bool MoreInputReady() {
  if (std::cin.rdbuf()->in_avail() > 0) return true;
  pollfd pfd{STDIN_FILENO, POLLIN, 0};
  return ::poll(&pfd, 1, 0) > 0;
}

// Every stdin line is one event. Lines are batched while more input is already waiting
// and sent as soon as stdin goes quiet, so `tail -F` output is published promptly.
// Publisher: ssegw::Publisher (the socket) or HttpPublisher (POST /publish).
template <typename Publisher>
int PublishLines(Publisher& publisher, const Flags& flags) {
  std::ios::sync_with_stdio(false);  // gives std::cin its own buffer, so in_avail() works
  int code = kAccepted;
  std::vector<ssegw::PublishEvent> batch;
  std::string line;
  for (uint64_t number = 1; std::getline(std::cin, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // A request is accepted or rejected as a whole: one bad line must not sink the good
    // lines batched with it.
    if (!ssegw::IsValidUtf8(line)) {
      std::cerr << "sse-publish: line " << number << " is not valid UTF-8; not published\n";
      code = std::max(code, static_cast<int>(kRejected));
      continue;
    }
    batch.push_back(
        {.topics = flags.topics, .data = line, .type = flags.type, .retry_ms = flags.retry_ms});
    const bool quiet = !MoreInputReady();
    if (batch.size() >= flags.batch || quiet) {
      publisher.Enqueue(std::move(batch));
      batch.clear();
    }
    if (quiet) code = std::max(code, Report(publisher.WaitAll()));
  }
  if (!batch.empty()) publisher.Enqueue(std::move(batch));
  return std::max(code, Report(publisher.WaitAll()));
}

// Publishes what the flags say with `publisher` and returns the exit code.
template <typename Publisher>
int Run(Publisher& publisher, Flags& flags, bool from_file) {
  std::string error;
  if (!publisher.Connect(&error)) {
    std::cerr << "sse-publish: " << error << '\n';
    return kUnreachable;
  }
  if (flags.lines) return PublishLines(publisher, flags);

  if (from_file) {
    std::ifstream in(flags.data_file, std::ios::binary);
    if (!in.is_open()) {
      std::cerr << "sse-publish: cannot read " << flags.data_file << '\n';
      return kUsage;
    }
    flags.data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ssegw::PublishEvent event{.topics = flags.topics,
                            .data = flags.data,
                            .id = flags.id,
                            .type = flags.type,
                            .retry_ms = flags.retry_ms};
  return Report({publisher.Publish({std::move(event)})});
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  CLI::App app{
      "Publish Server-Sent Events to sse-gateway through its Unix socket, or with --url over "
      "HTTP/2 (HTTP/1.1 when the server offers no h2) to its POST /publish from any host.",
      "sse-publish"};
  auto* socket = app.add_option("--socket", flags.socket, "the gateway's publish socket")
                     ->capture_default_str();
  auto* url = app.add_option("--url", flags.url,
                             "publish over HTTP instead: the gateway's /publish, e.g. "
                             "https://gw.example:8443/publish (the gateway needs --auth-key)")
                  ->type_name("URL");
  auto* token_file = app.add_option("--token", flags.token_file,
                                    "with --url: FILE holding the bearer token, a JWT whose "
                                    "\"ssegw\": {\"publish\": [...]} grants the topics (a trailing "
                                    "newline is ignored; scripts/dev-token --publish makes one)")
                         ->type_name("FILE");
  auto* ca = app.add_option("--ca", flags.ca_file,
                            "with --url: verify the gateway's certificate against this PEM "
                            "file instead of the system's CAs; for the development certificate, "
                            "its certs/dev/server.crt")
                 ->check(CLI::ExistingFile)
                 ->type_name("FILE");
  auto* insecure = app.add_flag("--insecure", flags.insecure,
                                "with --url: do not verify the gateway's certificate at all "
                                "(development only; prefer --ca)");
  auto* verbose = app.add_flag("--verbose", flags.verbose,
                               "with --url: say on stderr how each request went (HTTP version, "
                               "status, number of events)");
  socket->excludes(url);
  url->needs(token_file);
  token_file->needs(url);
  ca->needs(url);
  insecure->needs(url);
  insecure->excludes(ca);
  verbose->needs(url);
  app.add_option("--topic", flags.topics, "topic to publish to (repeatable)")->required();
  app.add_option("--type", flags.type, "SSE event type (default: message)");
  app.add_option("--id", flags.id, "event id (default: assigned)");
  app.add_option("--retry", flags.retry_ms, "send a retry: field with this many milliseconds");
  auto* data = app.add_option("--data", flags.data, "the event's data");
  auto* file = app.add_option("--data-file", flags.data_file, "read the event's data from FILE")
                   ->check(CLI::ExistingFile);
  auto* lines = app.add_flag("--lines", flags.lines, "publish every stdin line as one event");
  app.add_option("--batch", flags.batch, "with --lines: most events per request")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  data->excludes(file, lines);
  file->excludes(lines);
  lines->excludes("--id");
  if (auto code = ssegw::tools::ParseFlags(app, argc, argv, [&] {
        if (data->count() + file->count() + lines->count() == 0) {
          throw CLI::RequiredError("one of --data, --data-file or --lines");
        }
        if (url->count() > 0 && !flags.url.starts_with("https://") &&
            !flags.url.starts_with("http://")) {
          throw CLI::ValidationError("--url", "must be an https:// (or http://) URL");
        }
      })) {
    return *code;
  }

  const bool from_file = file->count() > 0;
  if (flags.url.empty()) {
    ssegw::Publisher publisher({.socket_path = flags.socket, .max_attempts = 3});
    return Run(publisher, flags, from_file);
  }
  std::string error;
  std::optional<std::string> token = ssegw::tools::ReadTokenFile(flags.token_file, &error);
  if (!token) {
    std::cerr << "sse-publish: " << error << '\n';
    return kUsage;
  }
  ssegw::tools::HttpPublisher publisher({.url = flags.url,
                                         .token = std::move(*token),
                                         .insecure = flags.insecure,
                                         .ca_file = flags.ca_file,
                                         .verbose = flags.verbose});
  return Run(publisher, flags, from_file);
}
