// The publish protocol's protobuf messages mapped onto the event log's domain types,
// for every edge that takes publish requests (the Unix socket, POST /publish).
//
// The gateway reads requests as ssegw.internal.IngestRequest (bytes fields, so that data
// that is not UTF-8 is a per-event rejection rather than a parse failure) and answers
// with ssegw.v1.PublishReply. Pure functions; safe on any thread.
#pragma once

#include <cstdint>
#include <vector>

#include "core/event.h"
#include "ssegw/internal/ingest.pb.h"
#include "ssegw/v1/ssegw.pb.h"

namespace ssegw::wire {

// The request's events as drafts (topics not yet normalized: Ingest does that). Moves
// the strings out of `request`.
std::vector<EventDraft> DraftsFrom(internal::IngestRequest* request);
// The same into `drafts`, resized to the request's events. The id, type and data are
// swapped with the request's, so a caller that keeps both hands string buffers back and
// forth instead of allocating them per request.
void DraftsFrom(internal::IngestRequest* request, std::vector<EventDraft>* drafts);

v1::Status StatusFor(PublishStatus status);

// The reply to request `seq` with `result`.
v1::PublishReply ReplyFor(uint64_t seq, PublishResult result);
// The same into `reply`, cleared first, so a caller that keeps one reply message reuses
// its storage; moves the ids and the error out of `result`.
void FillReply(uint64_t seq, PublishResult* result, v1::PublishReply* reply);

}  // namespace ssegw::wire
