// Connection: one client connection — a Transport (TLS or plain) under an HTTP session,
// HTTP/2 (h2::NewServerSession) or HTTP/1.1 (h1::NewSession), behind the protocol-neutral
// http::HttpSession — driven by its loop.
//
// Which session: the one TLS agreed on in ALPN; with no ALPN (the cleartext listener, or
// a TLS client that offers none) the first bytes decide — the HTTP/2 client preface
// means HTTP/2 with prior knowledge, anything else HTTP/1.1 (net/protocol_detect). Those
// bytes are kept and given to the session once it exists. A client that says nothing
// decisive within the handshake timeout is dropped.
//
// Reading: bytes from the transport go straight into session.Receive(). Writing: the
// session only ever says "I have output" (OnOutputPending); the connection then marks
// itself dirty with its owner, and the owner calls Flush() once at the end of the loop
// turn. Flush pulls frames from the session into the connection's output buffer, up to
// a cap, and writes them with as few transport writes as possible; when the socket would
// block it waits for writability and produces nothing more until the buffer drains.
// While the unwritten output is above a high watermark the connection stops reading, so
// a peer that sends but does not read cannot make the gateway buffer without bound.
//
// Time: one TimerWheel timer per connection (the owner's wheel), armed for the earliest
// of its deadlines and the session's; nothing visits a connection between them.
//
// Lifetime: owned by a ConnectionOwner (GatewayServer). A connection never deletes
// itself: Close() stops all I/O and tells the owner, which frees it at the end of the
// turn, outside every callback of this connection and its session. Single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "h1/session.h"
#include "h2/server_session.h"
#include "http/session.h"
#include "net/event_loop.h"
#include "net/timer_wheel.h"
#include "net/transport.h"

namespace ssegw::net {

class Connection;

// What a connection needs from the object that owns it.
class ConnectionOwner {
 public:
  // `connection` has output to flush this turn (called at most once between flushes).
  virtual void MarkDirty(Connection* connection) = 0;
  // `connection` is closed; free it once the current callbacks have returned.
  virtual void OnClosed(Connection* connection) = 0;
  // `connection`'s transport handshake is over: finished, or the connection closed
  // before it was. Called once per connection, before OnClosed.
  virtual void OnHandshakeOver(Connection* connection) = 0;
  // The wheel that keeps every connection's deadlines (handshake, drain, the session's).
  virtual TimerWheel& timers() = 0;

 protected:
  ~ConnectionOwner() = default;
};

struct ConnectionOptions {
  http::SessionOptions session;               // both protocols' routes and streams
  h1::Limits http1;                           // HTTP/1.1 only
  size_t output_cap_bytes = 256 * 1024;       // produced per ProduceOutput call
  size_t read_pause_bytes = 128 * 1024;       // unwritten output that pauses reading
  uint64_t handshake_timeout_ms = 10 * 1000;  // a silent client is dropped after this
  uint64_t drain_timeout_ms = 5 * 1000;       // closing with output the peer won't read
};

class Connection final : public http::OutputListener, private TimerWheel::Timer {
 public:
  Connection(EventLoop& loop, ConnectionOwner& owner, http::SessionEnvironment& env,
             const ConnectionOptions& options, std::unique_ptr<Transport> transport,
             std::string peer);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Begins the handshake. Call once, right after construction.
  void Start();
  // Writes pending output; called by the owner once per turn after MarkDirty.
  void Flush();
  // Graceful shutdown: GOAWAY, SSE streams ended after what they hold; the connection
  // closes once that is written (or after the drain timeout).
  void Shutdown();

  bool closed() const { return state_ == State::kClosed; }
  const std::string& peer() const { return peer_; }

  // http::OutputListener: marks the connection dirty with its owner (once per flush).
  void OnOutputPending() override;
  void WakeBy(uint64_t at_ms) override;

 private:
  enum class State { kHandshaking, kOpen, kClosed };

  // The connection's one timer: handshake (and protocol detection) and drain deadlines,
  // the session's keep-alive and liveness, giving back the output buffer; then armed for
  // whichever comes next. An idle connection is visited once per keep-alive period.
  void OnTimerExpired(uint64_t now_ms) override;
  static void OnReadEvent(evutil_socket_t, short, void* self);
  static void OnWriteEvent(evutil_socket_t, short, void* self);

  void DoHandshake();
  // Hands bytes read to the session, first choosing it (ALPN, or the bytes themselves).
  // false: the session failed fatally.
  bool Deliver(std::span<const uint8_t> bytes);
  void StartSession(bool http2);
  // Flush's body: produce and write until done, blocked or closed.
  void WriteOutput();
  void DoRead();
  // Enables or disables the write event to match what is waiting for writability.
  void UpdateWriteInterest();
  void UpdateReadInterest();
  void ResumeReading();
  // Reads nothing more, writes what is owed, then closes (or gives up at the drain
  // deadline).
  void CloseAfterOutput();
  size_t unwritten() const { return out_.size() - out_offset_; }
  // Closes at once. `graceful`: send TLS close_notify first.
  void Close(bool graceful, const char* why);
  // Tells the owner, once, that the handshake no longer runs.
  void EndHandshake();

  EventLoop& loop_;
  ConnectionOwner& owner_;
  http::SessionEnvironment& env_;
  const ConnectionOptions& options_;
  std::unique_ptr<Transport> transport_;
  // Created once the protocol is known: at the end of the handshake, or after the first
  // bytes when ALPN agreed on nothing. Until then `first_bytes_` keeps what was read.
  std::unique_ptr<http::HttpSession> session_;
  std::string first_bytes_;
  std::string peer_;
  State state_ = State::kHandshaking;

  EventPtr read_event_;
  EventPtr write_event_;
  bool write_event_added_ = false;
  bool read_event_added_ = false;
  bool reading_paused_ = false;  // output above the watermark
  bool dirty_ = false;           // on the owner's dirty list, not yet flushed
  bool handshake_over_ = false;  // OnHandshakeOver has been called
  // Which I/O is parked on the "other" readiness (TLS may need to write to read).
  bool handshake_wants_write_ = false;
  bool read_wants_write_ = false;
  bool write_wants_read_ = false;
  bool write_blocked_ = false;  // out_ holds bytes the transport would not take yet

  std::string out_;  // out_[out_offset_, size()) is produced but not yet written
  size_t out_offset_ = 0;
  uint64_t last_write_ms_ = 0;  // out_'s capacity is released once writes stop for a while

  uint64_t started_ms_ = 0;
  bool session_failed_ = false;     // ProduceOutput failed: write what is left, then close
  bool closing_ = false;            // close once the session has nothing more to send
  uint64_t drain_deadline_ms_ = 0;  // 0: none; closing or shutting down otherwise
};

}  // namespace ssegw::net
