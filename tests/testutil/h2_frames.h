// Hand-made HTTP/2 frames for tests that must send what a well-behaved client library
// refuses to (DATA after RST_STREAM, PRIORITY on itself, floods), and a reader that
// splits a server's output back into frames.
//
// Builders return the exact bytes of one frame. Header blocks are HPACK-encoded by
// nghttp2's deflater and decoded by its inflater (HeaderEncoder, HeaderDecoder: one of
// each per connection, since HPACK state is per connection; decode every header block
// in the order received). FrameReader takes the server's bytes in any pieces (no preface: servers
// send none) and keeps every complete frame. Pure; single-threaded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct nghttp2_hd_deflater;
struct nghttp2_hd_inflater;

namespace ssegw::testing {

using HeaderPairs = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// Frame types and flags (RFC 9113 §6).
enum FrameType : uint8_t {
  kData = 0x0,
  kHeaders = 0x1,
  kPriority = 0x2,
  kRstStream = 0x3,
  kSettings = 0x4,
  kPing = 0x6,
  kGoaway = 0x7,
  kWindowUpdate = 0x8,
};
inline constexpr uint8_t kEndStream = 0x1;
inline constexpr uint8_t kAck = 0x1;
inline constexpr uint8_t kEndHeaders = 0x4;

std::string Frame(uint8_t type, uint8_t flags, int32_t stream_id, std::string_view payload);
std::string SettingsFrame(const std::vector<std::pair<uint16_t, uint32_t>>& settings = {});
std::string SettingsAckFrame();
std::string PingFrame(uint64_t opaque, bool ack = false);
std::string GoawayFrame(int32_t last_stream_id, uint32_t error_code);
std::string RstStreamFrame(int32_t stream_id, uint32_t error_code);
std::string DataFrame(int32_t stream_id, std::string_view data, bool end_stream);
std::string PriorityFrame(int32_t stream_id, int32_t dependency, uint8_t weight = 15);
std::string WindowUpdateFrame(int32_t stream_id, uint32_t increment);
// One HEADERS frame carrying a whole header block (END_HEADERS).
std::string HeadersFrame(int32_t stream_id, std::string_view block, bool end_stream);

struct ParsedFrame;

// HPACK encoding with one connection's dynamic table.
class HeaderEncoder {
 public:
  HeaderEncoder();
  ~HeaderEncoder();
  HeaderEncoder(const HeaderEncoder&) = delete;
  HeaderEncoder& operator=(const HeaderEncoder&) = delete;

  std::string Encode(const HeaderPairs& headers);
  // Takes the peer's SETTINGS_HEADER_TABLE_SIZE from its SETTINGS frame, as a client
  // does when it acknowledges them: the next header block starts with the table size
  // update that the peer's decoder then expects (RFC 7541 §4.2).
  void ApplySettings(const ParsedFrame& settings);
  // :method, :scheme https, :authority localhost, :path, then `extra`.
  std::string Request(std::string_view method, std::string_view path,
                      const HeaderPairs& extra = {});

 private:
  nghttp2_hd_deflater* deflater_ = nullptr;
};

class HeaderDecoder {
 public:
  HeaderDecoder();
  ~HeaderDecoder();
  HeaderDecoder(const HeaderDecoder&) = delete;
  HeaderDecoder& operator=(const HeaderDecoder&) = delete;

  // One whole header block (a HEADERS frame's payload without padding or priority).
  HeaderPairs Decode(std::string_view block);

 private:
  nghttp2_hd_inflater* inflater_ = nullptr;
};

struct ParsedFrame {
  uint8_t type = 0;
  uint8_t flags = 0;
  int32_t stream_id = 0;
  std::string payload;

  // RST_STREAM and GOAWAY: the error code; 0 for other frames.
  uint32_t error_code() const;
  // GOAWAY: the last stream id.
  int32_t last_stream_id() const;
};

class FrameReader {
 public:
  void Feed(std::string_view bytes);
  const std::vector<ParsedFrame>& frames() const { return frames_; }
  // The first frame of `type` (on `stream_id`, when given), or nullptr.
  const ParsedFrame* Find(uint8_t type, int32_t stream_id = -1) const;
  size_t Count(uint8_t type, uint8_t flags_set = 0) const;

 private:
  std::string pending_;
  std::vector<ParsedFrame> frames_;
};

}  // namespace ssegw::testing
