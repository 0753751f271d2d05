// Feeds arbitrary bytes to ParsePubAck, as a NATS server (or anything that answers on
// the reply subject) could send them. It must never crash, and what it accepts must be
// a real acknowledgement: a sequence of at least 1.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cluster/pub_ack.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ssegw::cluster::NatsResult<ssegw::cluster::PublishAck> ack =
      ssegw::cluster::ParsePubAck(text);
  if (ack.ok() && ack.value().seq == 0) std::abort();
  return 0;
}
