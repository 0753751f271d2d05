// ssegw::Publisher — publish Server-Sent Events to an sse-gateway from C++.
//
//   ssegw::Publisher publisher({.socket_path = "/tmp/sse-gateway.sock"});
//   ssegw::PublishOutcome out = publisher.Publish({{.topics = {"orders"}, .data = "{...}"}});
//   if (!out.accepted) std::cerr << out.error << "\n";
//
// The publisher speaks the gateway's socket protocol (varint-delimited protobuf frames)
// over one Unix socket connection. Publish() sends one request and blocks until its
// reply; Enqueue() + WaitAll() pipeline many requests over the one connection.
//
// Safe retries: every event without an id gets one from the publisher before it is sent
// (a random per-publisher prefix plus a counter). When the connection is lost before a
// reply arrives, the publisher reconnects and sends the unanswered requests again with
// the same ids; the gateway acknowledges events it already holds as duplicates instead
// of sending them twice. So a publish either reports acceptance once or fails with a
// reason; it never fans an event out twice.
//
// Not thread-safe: use one Publisher per thread (they are cheap: one socket each).
// Blocking: calls wait for the gateway; nothing here needs an event loop.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace ssegw {

struct PublishEvent {
  std::vector<std::string> topics = {};  // one or more
  std::string data = {};                 // UTF-8; may hold newlines; may be empty
  std::string id = {};                   // empty: the publisher assigns one (see above)
  std::string type = {};                 // SSE event type; empty: "message"
  uint32_t retry_ms = 0;                 // non-zero: a `retry:` field
};

struct PublishOutcome {
  bool accepted = false;
  int status = 0;                     // the gateway's ssegw.v1.Status; -1: no reply (see error)
  std::vector<std::string> ids = {};  // one per event, as subscribers see them
  uint32_t duplicates = 0;            // events the gateway already held (not sent again)
  std::string error = {};             // the gateway's reason, or why no reply could be had
};

struct PublisherOptions {
  std::string socket_path = "/tmp/sse-gateway.sock";
  // Connection attempts for one request before giving up (the first included).
  int max_attempts = 5;
  // Pause before each reconnect, doubled each time.
  std::chrono::milliseconds reconnect_backoff{50};
  // Requests sent but not yet answered before Enqueue waits for a reply.
  size_t max_in_flight = 256;
};

class Publisher {
 public:
  explicit Publisher(PublisherOptions options = {});
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Connects now rather than at the first publish. false, with *error set, when the
  // socket is missing or refuses.
  bool Connect(std::string* error);

  // Sends one request holding `events` (accepted or rejected as a whole) and waits for
  // its reply. Requests enqueued earlier are answered first (their outcomes are kept
  // for WaitAll).
  PublishOutcome Publish(std::vector<PublishEvent> events);

  // Sends a request without waiting for its reply (waits only when max_in_flight are
  // unanswered). WaitAll() returns the outcomes of every enqueued request, in order.
  void Enqueue(std::vector<PublishEvent> events);
  std::vector<PublishOutcome> WaitAll();

  // How many times the connection was re-established after a loss.
  uint64_t reconnects() const { return reconnects_; }

 private:
  struct Pending {
    uint64_t seq;
    std::string frame;  // the serialized request, kept until answered for resending
  };
  class Connection;

  std::string Frame(uint64_t seq, std::vector<PublishEvent>& events);
  bool SendOrReconnect(const Pending& request);
  bool Reconnect(std::string* error);
  bool ReadOneReply();
  void FailAllPending(const std::string& error);

  PublisherOptions options_;
  std::unique_ptr<Connection> connection_;
  std::string id_prefix_;
  uint64_t next_id_ = 0;
  uint64_t next_seq_ = 1;
  uint64_t reconnects_ = 0;
  std::deque<Pending> unanswered_;
  std::vector<PublishOutcome> outcomes_;
};

}  // namespace ssegw
