#include "h2_pair.h"

#include <stdexcept>

namespace ssegw::h2::testing {
namespace {

nghttp2_nv Nv(const std::string& name, const std::string& value) {
  return nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                    reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(),
                    value.size(), NGHTTP2_NV_FLAG_NONE};
}

H2Pair* PairOf(void* user_data) {
  return static_cast<H2Pair*>(user_data);
}

}  // namespace

int ClientStream::status() const {
  const std::string value = header(":status");
  return value.empty() ? 0 : std::stoi(value);
}

std::string ClientStream::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "";
}

bool ClientStream::has_header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return true;
  }
  return false;
}

std::vector<ssegw::testing::ParsedEvent> ClientStream::Events() const {
  ssegw::testing::SseParser parser;
  parser.Feed(body);
  return parser.TakeEvents();
}

H2Pair::H2Pair(const SessionOptions& options, const ClientOptions& client)
    : server_(NewServerSession(env_, options, *this)),
      auto_window_update_(client.auto_window_update) {
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, OnHeader);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, OnDataChunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, OnFrameRecv);
  nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, OnFrameSend);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, OnStreamClose);
  nghttp2_option* option = nullptr;
  nghttp2_option_new(&option);
  if (!client.auto_window_update) nghttp2_option_set_no_auto_window_update(option, 1);
  nghttp2_session_client_new2(&client_, callbacks, this, option);
  nghttp2_option_del(option);
  nghttp2_session_callbacks_del(callbacks);

  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, client.initial_window},
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
  };
  nghttp2_submit_settings(client_, NGHTTP2_FLAG_NONE, settings, 2);
  if (client.connection_window > 65535) {
    nghttp2_session_set_local_window_size(client_, NGHTTP2_FLAG_NONE, 0, client.connection_window);
  }
  server_->Start(now_ms_);
  Pump();
}

H2Pair::~H2Pair() {
  nghttp2_session_del(client_);
}

int32_t H2Pair::Request(std::string_view method, std::string_view path, const HeaderList& extra,
                        bool end_stream) {
  HeaderList all = {{":method", std::string(method)},
                    {":scheme", "https"},
                    {":authority", "localhost"},
                    {":path", std::string(path)}};
  all.insert(all.end(), extra.begin(), extra.end());
  std::vector<nghttp2_nv> nv;
  for (const auto& [name, value] : all) nv.push_back(Nv(name, value));
  const int32_t id =
      end_stream ? nghttp2_submit_request(client_, nullptr, nv.data(), nv.size(), nullptr, nullptr)
                 : nghttp2_submit_headers(client_, NGHTTP2_FLAG_NONE, -1, nullptr, nv.data(),
                                          nv.size(), nullptr);
  if (id < 0) throw std::runtime_error(nghttp2_strerror(id));
  streams_[id];
  return id;
}

void H2Pair::Pump() {
  for (int round = 0; round < 100000; ++round) {
    if (!Step()) return;
  }
  throw std::runtime_error("H2Pair::Pump did not settle");
}

bool H2Pair::Step() {
  bool moved = false;
  std::string to_server;
  for (;;) {
    const uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(client_, &data);
    if (n <= 0) break;
    to_server.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
  }
  if (!to_server.empty()) {
    moved = true;
    client_log += to_server;
    if (!server_->Receive({reinterpret_cast<const uint8_t*>(to_server.data()), to_server.size()})) {
      server_ok = false;
    }
  }
  std::string to_client;
  if (!server_->ProduceOutput(&to_client, output_cap)) server_ok = false;
  if (!to_client.empty()) {
    moved = true;
    if (client_reads) {
      nghttp2_session_mem_recv(client_, reinterpret_cast<const uint8_t*>(to_client.data()),
                               to_client.size());
    }
  }
  // Lookups answered and catch-up fed between exchanges, as a worker does between turns.
  if (env_.Settle()) moved = true;
  return moved;
}

bool H2Pair::Tick(uint64_t advance_ms) {
  now_ms_ += advance_ms;
  return server_->OnTimer(now_ms_);
}

void H2Pair::Unstall(int32_t id) {
  stalled_.erase(id);
  size_t& pending = unconsumed_[id];
  if (pending > 0) nghttp2_session_consume_stream(client_, id, pending);
  pending = 0;
}

int H2Pair::OnHeader(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                     size_t namelen, const uint8_t* value, size_t valuelen, uint8_t,
                     void* user_data) {
  PairOf(user_data)->streams_[frame->hd.stream_id].headers.emplace_back(
      std::string(reinterpret_cast<const char*>(name), namelen),
      std::string(reinterpret_cast<const char*>(value), valuelen));
  return 0;
}

int H2Pair::OnDataChunk(nghttp2_session* session, uint8_t, int32_t stream_id, const uint8_t* data,
                        size_t len, void* user_data) {
  H2Pair* pair = PairOf(user_data);
  pair->streams_[stream_id].body.append(reinterpret_cast<const char*>(data), len);
  if (!pair->auto_window_update_) {
    if (pair->stalled_.count(stream_id)) {
      nghttp2_session_consume_connection(session, len);
      pair->unconsumed_[stream_id] += len;
    } else {
      nghttp2_session_consume(session, stream_id, len);
    }
  }
  return 0;
}

int H2Pair::OnFrameRecv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
  H2Pair* pair = PairOf(user_data);
  switch (frame->hd.type) {
    case NGHTTP2_DATA:
    case NGHTTP2_HEADERS:
      if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) {
        pair->streams_[frame->hd.stream_id].end_stream = true;
      }
      break;
    case NGHTTP2_RST_STREAM:
      pair->streams_[frame->hd.stream_id].reset = true;
      pair->streams_[frame->hd.stream_id].error_code = frame->rst_stream.error_code;
      break;
    case NGHTTP2_GOAWAY:
      pair->goaway_received = true;
      pair->goaway_last_stream_id = frame->goaway.last_stream_id;
      pair->goaway_error_code = frame->goaway.error_code;
      break;
    default:
      break;
  }
  return 0;
}

int H2Pair::OnFrameSend(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
  if (frame->hd.type == NGHTTP2_PING && (frame->hd.flags & NGHTTP2_FLAG_ACK)) {
    ++PairOf(user_data)->ping_acks_sent;
  }
  return 0;
}

int H2Pair::OnStreamClose(nghttp2_session*, int32_t stream_id, uint32_t error_code,
                          void* user_data) {
  ClientStream& stream = PairOf(user_data)->streams_[stream_id];
  stream.closed = true;
  if (error_code != 0) stream.error_code = error_code;
  return 0;
}

}  // namespace ssegw::h2::testing
