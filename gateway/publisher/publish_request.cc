#include "publisher/publish_request.h"

#include <random>
#include <utility>

namespace ssegw {

std::string RandomIdPrefix() {
  std::random_device device;
  const uint64_t bits = (uint64_t{device()} << 32) | device();
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string prefix = "p";
  for (uint64_t v = bits; v != 0; v /= 36) prefix += kDigits[v % 36];
  return prefix + "-";
}

v1::PublishRequest BuildPublishRequest(uint64_t seq, std::vector<PublishEvent>& events,
                                       const std::string& id_prefix, uint64_t* next_id) {
  v1::PublishRequest request;
  request.set_seq(seq);
  for (PublishEvent& event : events) {
    if (event.id.empty()) event.id = id_prefix + std::to_string((*next_id)++);
    v1::Event* out = request.add_events();
    for (std::string& topic : event.topics) out->add_topics(std::move(topic));
    out->set_id(std::move(event.id));
    out->set_type(std::move(event.type));
    out->set_data(std::move(event.data));
    out->set_retry_ms(event.retry_ms);
  }
  return request;
}

}  // namespace ssegw
