// BenchConnection: one TLS HTTP/2 client connection of sse-bench holding many
// never-ending SSE streams, driven by a libevent loop. Without a TLS context (an http://
// URL) it speaks h2c with prior knowledge on the plain socket instead; everything else
// is the same.
//
// Start() connects without blocking; the loop then runs the TLS handshake (ALPN must
// pick h2), sends our SETTINGS with large windows (so flow control never slows the
// server: nghttp2's automatic WINDOW_UPDATE then goes out only after half a window,
// i.e. in bulk) and submits every stream's GET at once. Bytes move the way the gateway
// moves them: decrypted input is gathered into the thread's shared buffer and handed to
// nghttp2_session_mem_recv in one call; output is gathered from
// nghttp2_session_mem_send and written with as few SSL_writes as possible. Each DATA
// chunk goes straight to its stream's SseScanner; nothing is allocated per event.
//
// The server certificate is NOT verified: sse-bench is a load tool for loopback and
// development set-ups with self-signed certificates, not a client to trust a network
// with.
//
// For reconnect storms a connection can be closed on purpose (Disconnect) and opened
// again (Reconnect) with a Last-Event-ID; over TLS the new handshake offers the session
// the previous one left when the context asks for resumption. After a reconnect each
// stream counts the events it receives until it has the context's catch_up_events.
//
// Failures never throw: they are counted in the context's counters, the first one is
// kept as text, and the connection closes itself. Single-threaded: everything runs on the
// thread of the ReceiveContext's loop, which must outlive the connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "receive_context.h"
#include "sse_scanner.h"

struct event;
struct nghttp2_session;
struct ssl_st;
struct ssl_session_st;
struct ssl_ctx_st;

namespace ssebench {

struct StreamSlot {
  SseScanner scanner;
  uint64_t events = 0;
  uint32_t topic = 0;
  int16_t status = 0;                // :status once known
  bool open = false;                 // answered 200 and not closed since
  uint64_t events_at_reconnect = 0;  // `events` when the last reconnect began
  uint64_t caught_up_ns = 0;         // when it then had catch_up_events more; 0: not yet
};

// Lets the TLS context's sessions reach the connection that made them (OpenSSL's
// new-session callback), so that a reconnect can resume. Call once per context.
void EnableSessionKeeping(ssl_ctx_st* ctx);

class BenchConnection {
 public:
  // Connection `index` of the run; its streams are `stream_count` consecutive streams
  // starting at global index `first_stream`; their topics come from the context's Target.
  BenchConnection(ReceiveContext& context, size_t index, size_t first_stream, size_t stream_count);
  ~BenchConnection();
  BenchConnection(const BenchConnection&) = delete;
  BenchConnection& operator=(const BenchConnection&) = delete;

  void Start();
  // Sends GOAWAY (best effort) and releases the socket, TLS and nghttp2 state. The
  // stream results stay readable.
  void Shutdown();
  // The same, on purpose before a Reconnect: not counted as a failure; the TLS session
  // is kept.
  void Disconnect();
  // Connects again, every stream asking for the events after `last_event_id`.
  void Reconnect(const std::string& last_event_id);

  const std::vector<StreamSlot>& streams() const { return streams_; }

 private:
  friend struct ConnectionCallbacks;
  enum class State { kIdle, kConnecting, kHandshaking, kOpen, kClosed };

  void HandleSocketEvent(short what);
  void FinishConnect();
  void ContinueHandshake();
  bool StartSession();
  void ReadAll();
  void Flush();
  // One read or write on the connection, through TLS or straight on the socket.
  enum class Io { kDone, kWantRead, kWantWrite, kEof, kError };
  Io Receive(char* data, size_t length, size_t* done);
  Io Send(const char* data, size_t length, size_t* done);
  std::string IoError() const;
  void WaitForWritable();
  void Fail(std::string reason);
  void Close();
  StreamSlot* Slot(int32_t stream_id);
  // The handshake and the HTTP/2 preface are done: counted, and the streams go out.
  void MarkConnected();
  // Keeps `session` (owned from now on) to resume the next handshake with.
  void KeepSession(ssl_session_st* session);

  ReceiveContext& context_;
  size_t index_;
  size_t first_stream_;
  std::vector<StreamSlot> streams_;
  State state_ = State::kIdle;
  int fd_ = -1;
  ssl_st* ssl_ = nullptr;
  nghttp2_session* session_ = nullptr;
  event* read_event_ = nullptr;   // persistent while the socket is open
  event* write_event_ = nullptr;  // added only while a write (or connect) waits
  std::string output_;            // bytes from nghttp2 not yet taken by SSL_write
  size_t output_offset_ = 0;
  size_t retry_length_ = 0;                // after SSL_ERROR_WANT_WRITE, the length to retry with
  ssl_session_st* tls_session_ = nullptr;  // the last TLS session the server gave us
  std::string last_event_id_;              // sent with every request when not empty
};

}  // namespace ssebench
