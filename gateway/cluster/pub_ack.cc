#include "cluster/pub_ack.h"

#include <nlohmann/json.hpp>

namespace ssegw::cluster {

namespace {

NatsError NotAPubAck(std::string why) {
  return NatsError{NatsErrorKind::kRejected, 0, 0, "unexpected publish reply: " + std::move(why)};
}

}  // namespace

NatsResult<PublishAck> ParsePubAck(std::string_view json) {
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return NotAPubAck("not a JSON object");

  if (const auto error = doc.find("error"); error != doc.end()) {
    if (!error->is_object()) return NotAPubAck("\"error\" is not an object");
    NatsError refused{NatsErrorKind::kRejected, 0, 0, "the stream refused the message"};
    if (const auto code = error->find("err_code");
        code != error->end() && code->is_number_integer()) {
      refused.js_code = code->get<int>();
    }
    if (const auto text = error->find("description"); text != error->end() && text->is_string()) {
      refused.text = text->get<std::string>();
    }
    // The same codes mean the same thing whichever call they answer.
    return ClassifyNatsFailure(0, refused.js_code, std::move(refused.text));
  }

  const auto seq = doc.find("seq");
  if (seq == doc.end() || !seq->is_number_unsigned() || seq->get<uint64_t>() == 0) {
    return NotAPubAck("no sequence");
  }
  PublishAck ack;
  ack.seq = seq->get<uint64_t>();
  if (const auto stream = doc.find("stream"); stream != doc.end() && stream->is_string()) {
    ack.stream = stream->get<std::string>();
  }
  if (const auto duplicate = doc.find("duplicate"); duplicate != doc.end()) {
    if (!duplicate->is_boolean()) return NotAPubAck("\"duplicate\" is not a boolean");
    ack.duplicate = duplicate->get<bool>();
  }
  return ack;
}

}  // namespace ssegw::cluster
