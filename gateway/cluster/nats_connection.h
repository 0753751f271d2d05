// NatsConnection: one connection to a NATS cluster with JetStream, driven from one
// "owner" thread that never waits for the network.
//
// Threading contract. Every method is called on the owner thread (the thread that
// called Start). Nothing blocks it: connecting and JetStream management calls run on a
// private CallThread, publishes are written to libnats' buffer and their PubAcks arrive on
// libnats threads. Results never run on those threads: each one is handed to the `post`
// function the owner gave Start, which must run the closure on the owner thread (e.g. an
// event loop's queue plus a wake-up). So every callback (`done`, ConnectionEvents) runs on
// the owner thread, in the order the owner's queue runs them, and never inside the method
// that asked for it. libnats' callbacks touch nothing of the owner's.
//
// Lifetime. `post` must stay callable until the destructor returns. The destructor
// (owner thread) drops every result not delivered yet: closures already posted find the
// connection gone and do nothing. It waits for the running management call to finish and
// for libnats to confirm the connection closed (bounded: a few seconds at most).
// Subscriptions made on this connection must be destroyed first.
//
// Connecting. Start returns at once; the connection is established in the background
// (each distinct reason a first attempt fails for goes to on_async_error) and
// re-established forever after a loss (libnats reconnects to any of the URLs and the
// servers they gossip). While it is not connected, publishes and management calls fail at
// once with kUnavailable: libnats' reconnect buffer is set to 0 bytes so that nothing is
// queued to be sent later behind the caller's back.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cluster/nats_result.h"
#include "cluster/pub_ack.h"
#include "cluster/stored_message.h"
#include "cluster/stream_config.h"

namespace ssegw::cluster {

class CallThread;

// Runs a closure on the owner thread, later. Called from any thread.
using Post = std::function<void(std::function<void()>)>;

struct NatsConnectionOptions {
  std::vector<std::string> urls;  // nats://HOST:PORT or tls://HOST:PORT; at least one
  std::string creds_file;         // user JWT + nkey seed; empty: none
  std::string ca_file;            // CA bundle for tls:// servers; empty: system CAs
  std::string name = "sse-gateway";
  std::chrono::milliseconds connect_timeout{2000};  // per server and attempt
  std::chrono::milliseconds reconnect_wait{250};    // before retrying the same server
  std::chrono::milliseconds api_timeout{5000};      // JetStream management requests
  // A server that answers no PING for ping_interval × max_pings_out is taken as lost.
  std::chrono::milliseconds ping_interval{5000};
  int max_pings_out = 2;
};

enum class ConnectionState {
  kConnecting,    // never connected yet
  kConnected,     //
  kDisconnected,  // lost; libnats is reconnecting
  kClosed,        // for good (only while the connection is being destroyed)
};
std::string_view ConnectionStateName(ConnectionState state);

struct ConnectionEvents {
  std::function<void(ConnectionState)> on_state;    // each change of state()
  std::function<void(std::string)> on_async_error;  // libnats' asynchronous errors, for logs
};

// One message to append to the stream.
struct OutgoingMessage {
  std::string subject;
  std::string msg_id;           // Nats-Msg-Id: deduplicated by the stream within its window
  std::string expected_stream;  // Nats-Expected-Stream when not empty: refused elsewhere
  std::vector<std::pair<std::string, std::string>> headers;  // no CR or LF anywhere
  std::string data;
};

enum class GetMode {
  kLeader,  // $JS.API.STREAM.MSG.GET: the stream leader, sees every acknowledged message
  kDirect,  // $JS.API.DIRECT.GET: any replica (stream needs allow_direct); a follower may
            // not hold the newest messages yet and answer kNotFound for them
};

struct RangeRequest {
  std::string stream;
  std::string filter_subject;  // e.g. "ssegw.>": the stream's subjects or a subset
  uint64_t first_seq = 1;
  int max_messages = 256;
};

class NatsConnection {
 public:
  // Fails only on unusable options (no URL, unreadable creds or CA file); a server that
  // is down is no error (the connection keeps trying).
  static NatsResult<std::unique_ptr<NatsConnection>> Start(NatsConnectionOptions options, Post post,
                                                           ConnectionEvents events);
  ~NatsConnection();
  NatsConnection(const NatsConnection&) = delete;
  NatsConnection& operator=(const NatsConnection&) = delete;

  // As last reported to on_state.
  ConnectionState state() const;

  // Looks the stream up and creates it from `spec` when it does not exist. An existing
  // stream is returned as it is (created = false), never changed: compare with
  // StreamDifferences. Two gateways creating it at once both end with the one stream.
  void EnsureStream(StreamSpec spec, std::function<void(NatsResult<StreamDescription>)> done);
  void GetStreamInfo(std::string stream, std::function<void(NatsResult<StreamDescription>)> done);

  // The message at `seq`; kNotFound when the stream does not hold it (never stored,
  // removed by limits, deleted).
  void GetMessage(std::string stream, uint64_t seq, GetMode mode,
                  std::function<void(NatsResult<StoredMessage>)> done);

  // Up to max_messages messages from first_seq on (the first one the stream holds at or
  // after it), in stream order, through a short-lived consumer that starts right there:
  // no scan from the stream's beginning. Fewer (or none) when the stream has no more.
  void ReadRange(RangeRequest request,
                 std::function<void(NatsResult<std::vector<StoredMessage>>)> done);

  // Appends one message; `done` gets its PubAck (seq, duplicate), the stream's refusal,
  // kUnavailable (not connected, or no stream on the subject) or kTimeout after `timeout`
  // (it may still have been stored: a retry with the same msg_id is safe).
  void Publish(OutgoingMessage message, std::chrono::milliseconds timeout,
               std::function<void(NatsResult<PublishAck>)> done);

  // Appends the messages in order (one after the other on the one connection, so the
  // stream stores them in this order, though other publishers' messages may fall in
  // between) and calls `done` once, when every one has its result, with the results in
  // the same order. JetStream 2.9 has no atomic batch: some may be stored and others not.
  void PublishBatch(std::vector<OutgoingMessage> messages, std::chrono::milliseconds timeout,
                    std::function<void(std::vector<NatsResult<PublishAck>>)> done);

  // PubAcks awaited right now (for metrics and tests).
  size_t pending_publishes() const;

  // The largest message (headers and payload) the server takes, as it announced when
  // this connection was made; 0 before the first connection.
  int64_t max_payload() const;

  struct Core;  // shared with libnats callbacks, jobs and subscriptions

 private:
  explicit NatsConnection(std::shared_ptr<Core> core);
  friend class OrderedSubscription;

  std::shared_ptr<Core> core_;
  std::unique_ptr<CallThread> calls_;
  std::thread connector_;  // makes the first connection, then ends
};

}  // namespace ssegw::cluster
