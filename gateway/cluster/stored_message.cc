#include "cluster/stored_message.h"

namespace ssegw::cluster {

std::optional<StoredMessage> StoredMessage::FromDelivery(NatsMsgPtr msg) {
  jsMsgMetaData* raw = nullptr;
  if (natsMsg_GetMetaData(&raw, msg.get()) != NATS_OK) return std::nullopt;
  const JsMetaDataPtr meta(raw);
  return StoredMessage(std::move(msg), meta->Sequence.Stream, meta->Timestamp, meta->NumPending);
}

StoredMessage StoredMessage::FromGet(NatsMsgPtr msg) {
  const uint64_t seq = natsMsg_GetSequence(msg.get());
  const int64_t time = natsMsg_GetTime(msg.get());
  return StoredMessage(std::move(msg), seq, time, 0);
}

std::string_view StoredMessage::subject() const {
  const char* subject = natsMsg_GetSubject(msg_.get());
  return subject != nullptr ? std::string_view(subject) : std::string_view();
}

std::string_view StoredMessage::data() const {
  const char* data = natsMsg_GetData(msg_.get());
  if (data == nullptr) return {};
  return std::string_view(data, static_cast<size_t>(natsMsg_GetDataLength(msg_.get())));
}

std::optional<std::string_view> StoredMessage::Header(const char* key) const {
  const char* value = nullptr;
  if (natsMsgHeader_Get(msg_.get(), key, &value) != NATS_OK || value == nullptr) {
    return std::nullopt;
  }
  return std::string_view(value);
}

}  // namespace ssegw::cluster
