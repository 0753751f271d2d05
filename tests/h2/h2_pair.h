// H2Pair: a ServerSession and an nghttp2 client session wired back to back through
// in-memory buffers, for testing the h2 layer without sockets, TLS or clocks.
//
// Pump() moves bytes both ways until neither side has anything more to say. Time is the
// pair's `now_ms`, advanced only by Tick(). The fake environment holds the real centre
// (an in-memory log and a fanout, testutil/local_centre.h), so events go through the same
// publish and catch-up path as in the gateway; Pump() settles it between exchanges.
// Everything is single-threaded; an H2Pair must outlive the streams it reports on.
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/fanout.h"
#include "fake_environment.h"
#include "h2/server_session.h"
#include "http/session.h"
#include "testutil/sse_parser.h"

namespace ssegw::h2 {
// The HTTP layer's types, as the h2 tests name them.
using http::HttpSession;
using http::OutputListener;
using http::SessionOptions;
}  // namespace ssegw::h2

namespace ssegw::h2::testing {

using http::testing::FakeEnvironment;
using http::testing::QueuedReferences;

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// What the client saw on one stream.
struct ClientStream {
  HeaderList headers;  // response headers in order, pseudo-headers included
  std::string body;    // DATA payload received
  bool end_stream = false;
  bool closed = false;
  bool reset = false;  // RST_STREAM received
  uint32_t error_code = 0;

  int status() const;
  // The value of the first header `name`, or "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  // The events a browser would dispatch from the body so far.
  std::vector<ssegw::testing::ParsedEvent> Events() const;
};

struct ClientOptions {
  uint32_t initial_window = 65535;    // SETTINGS_INITIAL_WINDOW_SIZE
  int32_t connection_window = 65535;  // the client's connection window
  bool auto_window_update = true;     // false: the test decides (Stall)
};

class H2Pair final : public http::OutputListener {
 public:
  explicit H2Pair(const SessionOptions& options = {}, const ClientOptions& client = {});
  ~H2Pair();
  H2Pair(const H2Pair&) = delete;
  H2Pair& operator=(const H2Pair&) = delete;

  // Submits a request (END_STREAM on HEADERS unless `end_stream` is false); returns its
  // stream id. Does not pump.
  int32_t Request(std::string_view method, std::string_view path, const HeaderList& extra = {},
                  bool end_stream = true);
  int32_t Get(std::string_view path, const HeaderList& extra = {}) {
    return Request("GET", path, extra);
  }
  // Moves bytes both ways until both sides are idle.
  void Pump();
  // One exchange of Pump: what the client has to send, then one ProduceOutput of at
  // most `output_cap` bytes, then the centre settles. false: nothing moved.
  bool Step();
  // Advances the fake clock and runs the server's timer; returns OnTimer's result.
  bool Tick(uint64_t advance_ms);

  ClientStream& stream(int32_t id) { return streams_[id]; }
  FakeEnvironment& env() { return env_; }
  http::HttpSession& server() { return *server_; }
  nghttp2_session* client() { return client_; }
  uint64_t now_ms() const { return now_ms_; }

  // With auto_window_update off: a stalled stream's data is not acknowledged (its
  // window stays shut; the connection window is still replenished). Unstall
  // acknowledges what it already holds and every later byte.
  void Stall(int32_t id) { stalled_.insert(id); }
  void Unstall(int32_t id);

  // false: server output is produced but thrown away, as if the peer stopped reading.
  bool client_reads = true;
  // The server's output per ProduceOutput call, as a connection's cap (1: one frame).
  size_t output_cap = 16 * 1024;
  // Every byte the client sent, in order (for recording fuzz seeds).
  std::string client_log;
  bool server_ok = true;  // false once Receive or ProduceOutput returned false
  bool goaway_received = false;
  int32_t goaway_last_stream_id = -1;
  uint32_t goaway_error_code = 0;
  size_t ping_acks_sent = 0;
  size_t output_pending = 0;  // OnOutputPending calls

  void OnOutputPending() override { ++output_pending; }
  // The earliest time a WakeBy asked for since the test last cleared it; 0: none.
  uint64_t wake_by = 0;
  void WakeBy(uint64_t at_ms) override {
    if (wake_by == 0 || at_ms < wake_by) wake_by = at_ms;
  }

 private:
  static int OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                      size_t namelen, const uint8_t* value, size_t valuelen, uint8_t flags,
                      void* user_data);
  static int OnDataChunk(nghttp2_session*, uint8_t flags, int32_t stream_id, const uint8_t* data,
                         size_t len, void* user_data);
  static int OnFrameRecv(nghttp2_session*, const nghttp2_frame* frame, void* user_data);
  static int OnFrameSend(nghttp2_session*, const nghttp2_frame* frame, void* user_data);
  static int OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t error_code,
                           void* user_data);

  FakeEnvironment env_;
  std::unique_ptr<http::HttpSession> server_;
  nghttp2_session* client_ = nullptr;
  bool auto_window_update_;
  uint64_t now_ms_ = 1'000'000;
  std::map<int32_t, ClientStream> streams_;
  std::set<int32_t> stalled_;
  std::map<int32_t, size_t> unconsumed_;
};

}  // namespace ssegw::h2::testing
