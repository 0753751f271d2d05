// The one place that knows which nghttp2 release the gateway builds against.
//
// Debian 12 ships nghttp2 1.52, whose data-source and memory I/O calls use `ssize_t`;
// later releases add `*2` variants with `nghttp2_ssize` and deprecate these. Everything
// that differs between the two lives behind this file, so moving to a newer nghttp2 is a
// change here only. The rest of the h2 layer includes <nghttp2/nghttp2.h> only for
// types and calls that are the same in both.
//
// A response body reaches nghttp2 from an http::BodySource, through a NO_COPY data
// provider: nghttp2 learns the next DATA frame's size, and the session later writes
// exactly those bytes into the connection's output. Sources are owned by the caller and
// must outlive their nghttp2 stream. Single-threaded, like the session itself.
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "http/body_source.h"

namespace ssegw::h2 {

namespace adapter {

// Submits response headers and, when `body` is not null, a NO_COPY data source that
// reads from it; without a body the HEADERS frame carries END_STREAM. nghttp2 copies
// `headers`. Returns nghttp2's result (0 or a negative nghttp2_error).
int SubmitResponse(nghttp2_session* session, int32_t stream_id, std::span<const nghttp2_nv> headers,
                   http::BodySource* body);

// Starts a new data source for a stream whose previous one drained (its last frame had
// BodySource::Chunk::drains): the response goes on with `body`'s next bytes. Returns 0 or
// a negative nghttp2_error (NGHTTP2_ERR_STREAM_CLOSED once the stream is gone).
int SubmitBody(nghttp2_session* session, int32_t stream_id, http::BodySource* body);

// The BodySource that SubmitResponse or SubmitBody registered, from a send_data_callback's source.
http::BodySource* BodySourceOf(nghttp2_data_source* source);

// nghttp2_session_mem_recv: bytes consumed, or a negative nghttp2_error.
int64_t MemRecv(nghttp2_session* session, std::span<const uint8_t> bytes);

// nghttp2_session_mem_send: the length of the frame bytes at *data (valid until the
// next call), 0 when nothing is ready, or a negative nghttp2_error.
int64_t MemSend(nghttp2_session* session, const uint8_t** data);

}  // namespace adapter
}  // namespace ssegw::h2
