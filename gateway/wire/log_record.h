// The cluster log's stored form of one publish request (proto/ssegw/internal/
// log_record.proto): its validated events, in order, as one JetStream message.
//
// EncodeLogRecord writes the drafts as they are (topics normalized, the publisher's id
// or none). DecodeLogRecord reads them back without judging them: the stream can be
// written by anything with access to it, so the reader runs ValidateBatch before it
// encodes or delivers anything.
//
// Pure functions of their arguments; safe on any thread.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"

namespace ssegw::wire {

std::string EncodeLogRecord(std::span<const EventDraft> events);

// nullopt: the bytes are not a LogRecord.
std::optional<std::vector<EventDraft>> DecodeLogRecord(std::string_view bytes);

}  // namespace ssegw::wire
