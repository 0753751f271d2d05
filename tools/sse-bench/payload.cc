#include "payload.h"

#include <algorithm>

namespace ssebench {

void FormatPayload(uint64_t stamp_ns, size_t bytes, std::string* out) {
  const size_t size = std::max(bytes, kMinPayloadBytes);
  if (out->size() != size) out->assign(size, 'x');
  (*out)[0] = kStampMarker;
  for (size_t i = kStampDigits; i > 0; --i) {
    (*out)[i] = static_cast<char>('0' + stamp_ns % 10);
    stamp_ns /= 10;
  }
  (*out)[kStampDigits + 1] = ' ';
}

}  // namespace ssebench
