#include "cluster/message_id.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>

namespace ssegw::cluster {

std::string MessageIdFor(std::span<const EventDraft> events) {
  if (events.empty()) return "";
  for (const EventDraft& event : events) {
    if (event.id.empty()) return "";
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  for (const EventDraft& event : events) {
    // The length first, so that {"ab", "c"} and {"a", "bc"} differ.
    std::array<unsigned char, 8> length{};
    uint64_t n = event.id.size();
    for (unsigned char& byte : length) {
      byte = static_cast<unsigned char>(n & 0xff);
      n >>= 8;
    }
    EVP_DigestUpdate(ctx.get(), length.data(), length.size());
    EVP_DigestUpdate(ctx.get(), event.id.data(), event.id.size());
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.data(), &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    id.push_back(kHex[digest[i] >> 4]);
    id.push_back(kHex[digest[i] & 0xf]);
  }
  return id;
}

}  // namespace ssegw::cluster
