#include "core/sse_encoder.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstring>

#include "core/utf8.h"

namespace ssegw {

namespace {

constexpr std::string_view kIdPrefix = "id: ";
constexpr std::string_view kEventPrefix = "event: ";
constexpr std::string_view kRetryPrefix = "retry: ";
constexpr std::string_view kDataPrefix = "data: ";
constexpr std::string_view kEmptyDataLine = "data:\n";

// Finds the line breaks of one data field from left to right. The C library's memchr
// (vectorised) looks for CR and LF separately; where one was found is kept until the scan
// passes it, so a field is read once for each however many breaks it holds. Data lines
// are usually long compared with the number of breaks.
class LineBreaks {
 public:
  LineBreaks(const char* begin, const char* end)
      : end_(end), next_lf_(Find(begin, '\n')), next_cr_(Find(begin, '\r')) {}

  // The first CR or LF in [p, end), or end.
  const char* From(const char* p) {
    if (next_lf_ < p) next_lf_ = Find(p, '\n');
    if (next_cr_ < p) next_cr_ = Find(p, '\r');
    return std::min(next_lf_, next_cr_);
  }

 private:
  const char* Find(const char* p, char c) const {
    const void* hit = std::memchr(p, c, static_cast<size_t>(end_ - p));
    return hit != nullptr ? static_cast<const char*>(hit) : end_;
  }

  const char* const end_;
  const char* next_lf_;
  const char* next_cr_;
};

// Past the line break at `p` (which points at CR or LF); CRLF counts as one break.
inline const char* SkipLineBreak(const char* p, const char* end) {
  if (*p == '\r' && p + 1 < end && p[1] == '\n') return p + 2;
  return p + 1;
}

bool HasLineBreakOrNul(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return true;
  }
  return false;
}

// Writes `v` in decimal to `out` (room for 10 digits) and returns the digit count.
size_t FormatDecimal(uint32_t v, char* out) {
  auto [ptr, ec] = std::to_chars(out, out + 10, v);
  assert(ec == std::errc());
  (void)ec;
  return static_cast<size_t>(ptr - out);
}

inline char* Put(char* dst, std::string_view s) {
  std::memcpy(dst, s.data(), s.size());
  return dst + s.size();
}

// Size of the "data:" lines for `data`: every line costs its bytes plus "data: " and
// LF, except that an empty line drops the space.
size_t DataLinesSize(std::string_view data) {
  const char* p = data.data();
  const char* const end = p + data.size();
  LineBreaks breaks(p, end);
  size_t size = 0;
  while (true) {
    const char* brk = breaks.From(p);
    const size_t len = static_cast<size_t>(brk - p);
    size += len == 0 ? kEmptyDataLine.size() : kDataPrefix.size() + len + 1;
    if (brk == end) return size;
    p = SkipLineBreak(brk, end);
  }
}

char* PutDataLines(char* dst, std::string_view data) {
  const char* p = data.data();
  const char* const end = p + data.size();
  LineBreaks breaks(p, end);
  while (true) {
    const char* brk = breaks.From(p);
    const size_t len = static_cast<size_t>(brk - p);
    if (len == 0) {
      dst = Put(dst, kEmptyDataLine);
    } else {
      dst = Put(dst, kDataPrefix);
      std::memcpy(dst, p, len);
      dst += len;
      *dst++ = '\n';
    }
    if (brk == end) return dst;
    p = SkipLineBreak(brk, end);
  }
}

}  // namespace

Status ValidateEventFields(const EventFields& e) {
  if (HasLineBreakOrNul(e.id)) return Error::kIdHasLineBreakOrNul;
  if (!IsValidUtf8(e.id)) return Error::kIdNotUtf8;
  if (HasLineBreakOrNul(e.type)) return Error::kTypeHasLineBreakOrNul;
  if (!IsValidUtf8(e.type)) return Error::kTypeNotUtf8;
  if (!IsValidUtf8(e.data)) return Error::kDataNotUtf8;
  return Status::Ok();
}

SharedBytes EncodeEvent(const EventFields& e) {
  assert(!HasLineBreakOrNul(e.id) && !HasLineBreakOrNul(e.type));
  char retry_digits[10];
  const size_t retry_len = e.retry_ms > 0 ? FormatDecimal(e.retry_ms, retry_digits) : 0;

  size_t size = DataLinesSize(e.data) + 1;  // the blank line that dispatches
  if (!e.id.empty()) size += kIdPrefix.size() + e.id.size() + 1;
  if (!e.type.empty()) size += kEventPrefix.size() + e.type.size() + 1;
  if (retry_len > 0) size += kRetryPrefix.size() + retry_len + 1;

  return SharedBytes::Make(size, [&](char* dst) {
    [[maybe_unused]] char* const begin = dst;
    if (!e.id.empty()) {
      dst = Put(Put(dst, kIdPrefix), e.id);
      *dst++ = '\n';
    }
    if (!e.type.empty()) {
      dst = Put(Put(dst, kEventPrefix), e.type);
      *dst++ = '\n';
    }
    if (retry_len > 0) {
      dst = Put(Put(dst, kRetryPrefix), {retry_digits, retry_len});
      *dst++ = '\n';
    }
    dst = PutDataLines(dst, e.data);
    *dst++ = '\n';
    assert(static_cast<size_t>(dst - begin) == size);
  });
}

SharedBytes EncodeKeepAlive() {
  // One buffer for the whole process: every idle stream shares it, so a keep-alive
  // round over many streams allocates nothing. Leaked on purpose so no stream can
  // outlive it at exit.
  static const SharedBytes* const kKeepAlive = new SharedBytes(": keepalive\n\n");
  return *kKeepAlive;
}

SharedBytes EncodeRetryPreamble(uint32_t retry_ms) {
  char digits[10];
  const size_t len = FormatDecimal(retry_ms, digits);
  return SharedBytes::Make(kRetryPrefix.size() + len + 2, [&](char* dst) {
    dst = Put(Put(dst, kRetryPrefix), {digits, len});
    dst[0] = '\n';
    dst[1] = '\n';
  });
}

SharedBytes EncodeGap(std::string_view unknown_id, std::string_view resume_id) {
  assert(!HasLineBreakOrNul(unknown_id) && !HasLineBreakOrNul(resume_id));
  // The unknown id goes out as data, so even if the precondition were broken a line
  // break in it could only add data lines, never forge other fields.
  return EncodeEvent({.id = resume_id, .type = "gap", .data = unknown_id});
}

}  // namespace ssegw
