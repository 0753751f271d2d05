// HttpPublisher: sse-publish's way to a gateway on another host — POST /publish with
// libcurl, over HTTP/2 when the server offers it in ALPN and HTTP/1.1 otherwise, on one
// connection kept for every request. It has the face of ssegw::Publisher (Connect,
// Publish, Enqueue, WaitAll and the same PublishOutcome), so the tool drives either.
//
// A request is one serialized PublishRequest (application/x-protobuf) with the token in
// `authorization: Bearer`, and nowhere else: not in the URL, not in a message. Enqueue
// sends it and waits for the answer (one request at a time; --lines puts many events in
// each). Events without an id get one here (publisher/publish_request.h), so a
// request whose answer is lost — connection refused or reset, a GOAWAY, a broken
// stream — is sent again, up to max_attempts, and the gateway acknowledges the events it
// already holds as duplicates instead of sending them twice. Redirects are not followed,
// so the token never goes to another host.
//
// Not thread-safe; blocking. Calls curl_global_init on first use. With `verbose`, says on
// stderr how each request went (never what it carried).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "ssegw/publisher.h"

namespace ssegw::tools {

struct HttpPublisherOptions {
  std::string url;        // https://host:port/publish (http:// for a --listen-plain listener)
  std::string token;      // a compact JWS granting "publish" on the topics
  bool insecure = false;  // skip certificate verification (development certificates)
  std::string ca_file;    // verify against this PEM bundle instead of the system's
  int max_attempts = 3;   // sends of one request when its answer is lost (the first included)
  std::chrono::milliseconds reconnect_backoff{50};  // before each resend, doubled each time
  bool verbose = false;  // one line on stderr per answer: HTTP version, status, events
};

class HttpPublisher {
 public:
  explicit HttpPublisher(HttpPublisherOptions options);
  ~HttpPublisher();
  HttpPublisher(const HttpPublisher&) = delete;
  HttpPublisher& operator=(const HttpPublisher&) = delete;

  // Sets libcurl up; the connection itself opens with the first request. false, with
  // *error set, when libcurl cannot be initialised.
  bool Connect(std::string* error);

  // Sends one request holding `events` and waits for its answer.
  PublishOutcome Publish(std::vector<PublishEvent> events);

  // The same, keeping the outcome for WaitAll (the socket publisher's pipelining
  // interface; here each request is answered before Enqueue returns).
  void Enqueue(std::vector<PublishEvent> events);
  std::vector<PublishOutcome> WaitAll();

 private:
  class Handle;

  PublishOutcome Post(const std::string& body, size_t events);

  HttpPublisherOptions options_;
  std::unique_ptr<Handle> handle_;
  std::string id_prefix_;
  uint64_t next_id_ = 0;
  uint64_t next_seq_ = 1;
  std::vector<PublishOutcome> outcomes_;
};

}  // namespace ssegw::tools
