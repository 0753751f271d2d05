// HeadGuard: the byte-level rules on HTTP/1.1 request heads that http_parser 2.9 does
// not enforce itself, checked on the raw input before the parser sees it.
//
// http_parser accepts obsolete line folding (a header line starting with SP or HTAB,
// merged into the previous value), which RFC 9112 §5.2 lets a server reject and which
// is a classic request-smuggling vector; it also has one process-wide header size limit.
// The guard walks the input line by line — a head ends at its empty line — and stops at
// the first byte that breaks a rule: a CR not followed by LF (bare CR), a folded line,
// a request line longer than its limit (414), or a header section with too many lines
// or bytes (431). The session hands the parser only the bytes before that point, so a
// rejected byte never reaches it, and answers everything before it in order.
//
// The guard knows nothing of bodies: ScanHead stops at the end of each head, and the
// session, which knows the request's length, decides where the next head starts (after
// a body it reads, or nowhere when it refuses a body and closes). Pure; single-threaded.
#pragma once

#include <cstddef>
#include <string_view>

namespace ssegw::h1 {

struct HeadLimits {
  size_t max_request_line = 8 * 1024;   // bytes, without the line end
  size_t max_header_lines = 64;         // header fields per request
  size_t max_header_bytes = 16 * 1024;  // header section bytes, line ends excluded
};

enum class HeadProblem {
  kNone,
  kBareCr,              // 400
  kObsFold,             // 400
  kRequestLineTooLong,  // 414
  kHeadersTooLarge,     // 431
};

class HeadGuard {
 public:
  explicit HeadGuard(const HeadLimits& limits) : limits_(limits) {}

  // Scans `bytes`, the input that follows what earlier calls saw. Returns the index in
  // `bytes` of the first byte that breaks a rule (see problem()), or npos. Once a problem
  // is found the guard stops: later calls return 0.
  size_t Scan(std::string_view bytes);
  // The same for one head: stops after the line feed that ends the current head
  // (*head_done set) or at the first bad byte. Returns the number of bytes found good.
  size_t ScanHead(std::string_view bytes, bool* head_done);
  HeadProblem problem() const { return problem_; }

 private:
  size_t Fail(HeadProblem problem, size_t at) {
    problem_ = problem;
    return at;
  }

  const HeadLimits limits_;
  HeadProblem problem_ = HeadProblem::kNone;
  bool after_cr_ = false;    // the previous byte was a CR
  size_t line_index_ = 0;    // 0: the request line of the current head
  size_t line_length_ = 0;   // bytes of the current line so far
  size_t header_bytes_ = 0;  // of the current head's header lines
};

// The status a problem is answered with.
int StatusFor(HeadProblem problem);

}  // namespace ssegw::h1
