#include "h2/nghttp2_adapter.h"

#include <sys/types.h>

namespace ssegw::h2::adapter {
namespace {

// nghttp2 1.52's data_source_read_callback. With NO_COPY nghttp2 only wants the length
// here; the payload is written later, in the session's send_data_callback.
ssize_t ReadBody(nghttp2_session* /*session*/, int32_t /*stream_id*/, uint8_t* /*buf*/,
                 size_t length, uint32_t* data_flags, nghttp2_data_source* source,
                 void* /*user_data*/) {
  const http::BodySource::Chunk chunk = BodySourceOf(source)->NextChunk(length);
  if (chunk.kind == http::BodySource::Chunk::Kind::kDeferred) return NGHTTP2_ERR_DEFERRED;
  *data_flags |= NGHTTP2_DATA_FLAG_NO_COPY;
  if (chunk.end_stream) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
  // The source ends here but the stream does not: nghttp2 lets go of it after this frame
  // instead of asking it again only to hear it is empty; SubmitBody starts the next one.
  if (chunk.drains) *data_flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
  return static_cast<ssize_t>(chunk.length);
}

nghttp2_data_provider ProviderOf(http::BodySource* body) {
  nghttp2_data_provider provider;
  provider.source.ptr = body;
  provider.read_callback = ReadBody;
  return provider;
}

}  // namespace

int SubmitResponse(nghttp2_session* session, int32_t stream_id, std::span<const nghttp2_nv> headers,
                   http::BodySource* body) {
  if (body == nullptr) {
    return nghttp2_submit_response(session, stream_id, headers.data(), headers.size(), nullptr);
  }
  const nghttp2_data_provider provider = ProviderOf(body);
  return nghttp2_submit_response(session, stream_id, headers.data(), headers.size(), &provider);
}

int SubmitBody(nghttp2_session* session, int32_t stream_id, http::BodySource* body) {
  const nghttp2_data_provider provider = ProviderOf(body);
  // END_STREAM: the source's final EOF (not one with NO_END_STREAM) ends the stream.
  return nghttp2_submit_data(session, NGHTTP2_FLAG_END_STREAM, stream_id, &provider);
}

http::BodySource* BodySourceOf(nghttp2_data_source* source) {
  return static_cast<http::BodySource*>(source->ptr);
}

int64_t MemRecv(nghttp2_session* session, std::span<const uint8_t> bytes) {
  return nghttp2_session_mem_recv(session, bytes.data(), bytes.size());
}

int64_t MemSend(nghttp2_session* session, const uint8_t** data) {
  return nghttp2_session_mem_send(session, data);
}

}  // namespace ssegw::h2::adapter
