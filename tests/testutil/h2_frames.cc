#include "testutil/h2_frames.h"

#include <nghttp2/nghttp2.h>

#include <new>
#include <stdexcept>

namespace ssegw::testing {
namespace {

constexpr size_t kHeaderBytes = 9;

void Put16(std::string* out, uint32_t v) {
  out->push_back(static_cast<char>((v >> 8) & 0xff));
  out->push_back(static_cast<char>(v & 0xff));
}

void Put32(std::string* out, uint32_t v) {
  Put16(out, v >> 16);
  Put16(out, v & 0xffff);
}

uint32_t Get32(std::string_view p) {
  return (uint32_t{static_cast<uint8_t>(p[0])} << 24) |
         (uint32_t{static_cast<uint8_t>(p[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(p[2])} << 8) | uint32_t{static_cast<uint8_t>(p[3])};
}

}  // namespace

std::string Frame(uint8_t type, uint8_t flags, int32_t stream_id, std::string_view payload) {
  std::string out;
  const uint32_t length = static_cast<uint32_t>(payload.size());
  out.push_back(static_cast<char>((length >> 16) & 0xff));
  Put16(&out, length & 0xffff);
  out.push_back(static_cast<char>(type));
  out.push_back(static_cast<char>(flags));
  Put32(&out, static_cast<uint32_t>(stream_id) & 0x7fffffff);
  out.append(payload);
  return out;
}

std::string SettingsFrame(const std::vector<std::pair<uint16_t, uint32_t>>& settings) {
  std::string payload;
  for (const auto& [id, value] : settings) {
    Put16(&payload, id);
    Put32(&payload, value);
  }
  return Frame(kSettings, 0, 0, payload);
}

std::string SettingsAckFrame() {
  return Frame(kSettings, kAck, 0, "");
}

std::string PingFrame(uint64_t opaque, bool ack) {
  std::string payload;
  Put32(&payload, static_cast<uint32_t>(opaque >> 32));
  Put32(&payload, static_cast<uint32_t>(opaque));
  return Frame(kPing, ack ? kAck : 0, 0, payload);
}

std::string GoawayFrame(int32_t last_stream_id, uint32_t error_code) {
  std::string payload;
  Put32(&payload, static_cast<uint32_t>(last_stream_id));
  Put32(&payload, error_code);
  return Frame(kGoaway, 0, 0, payload);
}

std::string RstStreamFrame(int32_t stream_id, uint32_t error_code) {
  std::string payload;
  Put32(&payload, error_code);
  return Frame(kRstStream, 0, stream_id, payload);
}

std::string DataFrame(int32_t stream_id, std::string_view data, bool end_stream) {
  return Frame(kData, end_stream ? kEndStream : 0, stream_id, data);
}

std::string PriorityFrame(int32_t stream_id, int32_t dependency, uint8_t weight) {
  std::string payload;
  Put32(&payload, static_cast<uint32_t>(dependency));
  payload.push_back(static_cast<char>(weight));
  return Frame(kPriority, 0, stream_id, payload);
}

std::string WindowUpdateFrame(int32_t stream_id, uint32_t increment) {
  std::string payload;
  Put32(&payload, increment);
  return Frame(kWindowUpdate, 0, stream_id, payload);
}

std::string HeadersFrame(int32_t stream_id, std::string_view block, bool end_stream) {
  return Frame(kHeaders, static_cast<uint8_t>(kEndHeaders | (end_stream ? kEndStream : 0)),
               stream_id, block);
}

HeaderEncoder::HeaderEncoder() {
  if (nghttp2_hd_deflate_new(&deflater_, 4096) != 0) throw std::bad_alloc();
}

HeaderEncoder::~HeaderEncoder() {
  nghttp2_hd_deflate_del(deflater_);
}

std::string HeaderEncoder::Encode(const HeaderPairs& headers) {
  std::vector<nghttp2_nv> nva;
  for (const auto& [name, value] : headers) {
    nva.push_back(nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                             reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())),
                             name.size(), value.size(), NGHTTP2_NV_FLAG_NONE});
  }
  std::string out(nghttp2_hd_deflate_bound(deflater_, nva.data(), nva.size()), '\0');
  const ssize_t n = nghttp2_hd_deflate_hd(deflater_, reinterpret_cast<uint8_t*>(out.data()),
                                          out.size(), nva.data(), nva.size());
  if (n < 0) throw std::runtime_error(nghttp2_strerror(static_cast<int>(n)));
  out.resize(static_cast<size_t>(n));
  return out;
}

void HeaderEncoder::ApplySettings(const ParsedFrame& settings) {
  constexpr uint16_t kHeaderTableSize = 0x1;
  for (size_t at = 0; at + 6 <= settings.payload.size(); at += 6) {
    const auto* p = reinterpret_cast<const uint8_t*>(settings.payload.data() + at);
    if ((p[0] << 8 | p[1]) != kHeaderTableSize) continue;
    const uint32_t size = Get32(std::string_view(settings.payload).substr(at + 2, 4));
    if (nghttp2_hd_deflate_change_table_size(deflater_, size) != 0) throw std::bad_alloc();
  }
}

std::string HeaderEncoder::Request(std::string_view method, std::string_view path,
                                   const HeaderPairs& extra) {
  HeaderPairs all = {{":method", std::string(method)},
                     {":scheme", "https"},
                     {":authority", "localhost"},
                     {":path", std::string(path)}};
  all.insert(all.end(), extra.begin(), extra.end());
  return Encode(all);
}

HeaderDecoder::HeaderDecoder() {
  if (nghttp2_hd_inflate_new(&inflater_) != 0) throw std::bad_alloc();
}

HeaderDecoder::~HeaderDecoder() {
  nghttp2_hd_inflate_del(inflater_);
}

HeaderPairs HeaderDecoder::Decode(std::string_view block) {
  HeaderPairs headers;
  auto in = reinterpret_cast<const uint8_t*>(block.data());
  size_t left = block.size();
  while (true) {
    nghttp2_nv nv;
    int flags = 0;
    const ssize_t n = nghttp2_hd_inflate_hd2(inflater_, &nv, &flags, in, left, /*in_final=*/1);
    if (n < 0) throw std::runtime_error(nghttp2_strerror(static_cast<int>(n)));
    in += n;
    left -= static_cast<size_t>(n);
    if (flags & NGHTTP2_HD_INFLATE_EMIT) {
      headers.emplace_back(std::string(reinterpret_cast<const char*>(nv.name), nv.namelen),
                           std::string(reinterpret_cast<const char*>(nv.value), nv.valuelen));
    }
    if (flags & NGHTTP2_HD_INFLATE_FINAL) break;
    if ((flags & NGHTTP2_HD_INFLATE_EMIT) == 0 && left == 0) break;
  }
  nghttp2_hd_inflate_end_headers(inflater_);
  return headers;
}

uint32_t ParsedFrame::error_code() const {
  if (type == kRstStream && payload.size() >= 4) return Get32(payload);
  if (type == kGoaway && payload.size() >= 8) return Get32(std::string_view(payload).substr(4));
  return 0;
}

int32_t ParsedFrame::last_stream_id() const {
  if (type != kGoaway || payload.size() < 4) return -1;
  return static_cast<int32_t>(Get32(payload) & 0x7fffffff);
}

void FrameReader::Feed(std::string_view bytes) {
  pending_.append(bytes);
  size_t at = 0;
  while (pending_.size() - at >= kHeaderBytes) {
    const std::string_view head(pending_.data() + at, kHeaderBytes);
    const size_t length = (size_t{static_cast<uint8_t>(head[0])} << 16) |
                          (size_t{static_cast<uint8_t>(head[1])} << 8) |
                          size_t{static_cast<uint8_t>(head[2])};
    if (pending_.size() - at < kHeaderBytes + length) break;
    ParsedFrame frame;
    frame.type = static_cast<uint8_t>(head[3]);
    frame.flags = static_cast<uint8_t>(head[4]);
    frame.stream_id = static_cast<int32_t>(Get32(head.substr(5)) & 0x7fffffff);
    frame.payload = pending_.substr(at + kHeaderBytes, length);
    frames_.push_back(std::move(frame));
    at += kHeaderBytes + length;
  }
  pending_.erase(0, at);
}

const ParsedFrame* FrameReader::Find(uint8_t type, int32_t stream_id) const {
  for (const ParsedFrame& frame : frames_) {
    if (frame.type == type && (stream_id < 0 || frame.stream_id == stream_id)) return &frame;
  }
  return nullptr;
}

size_t FrameReader::Count(uint8_t type, uint8_t flags_set) const {
  size_t n = 0;
  for (const ParsedFrame& frame : frames_) {
    if (frame.type == type && (frame.flags & flags_set) == flags_set) ++n;
  }
  return n;
}

}  // namespace ssegw::testing
