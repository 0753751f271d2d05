#include "h1/head_guard.h"

namespace ssegw::h1 {

size_t HeadGuard::Scan(std::string_view bytes) {
  size_t at = 0;
  while (at < bytes.size()) {
    bool head_done = false;
    at += ScanHead(bytes.substr(at), &head_done);
    if (problem_ != HeadProblem::kNone) return at;
    if (!head_done) break;
  }
  return std::string_view::npos;
}

size_t HeadGuard::ScanHead(std::string_view bytes, bool* head_done) {
  *head_done = false;
  if (problem_ != HeadProblem::kNone) return 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (after_cr_) {
      after_cr_ = false;
      if (c != '\n') return Fail(HeadProblem::kBareCr, i);
    }
    if (c == '\r') {
      after_cr_ = true;
      continue;
    }
    if (c == '\n') {
      if (line_length_ == 0 && line_index_ > 0) {
        // The empty line: this head is complete and the next byte starts another. Empty
        // lines before a request line are skipped, as RFC 9112 §2.2 allows (and
        // http_parser does).
        line_index_ = 0;
        header_bytes_ = 0;
        line_length_ = 0;
        *head_done = true;
        return i + 1;
      } else if (line_length_ > 0) {
        ++line_index_;
        if (line_index_ - 1 > limits_.max_header_lines) {
          return Fail(HeadProblem::kHeadersTooLarge, i);
        }
      }
      line_length_ = 0;
      continue;
    }
    if (line_length_ == 0 && line_index_ > 0 && (c == ' ' || c == '\t')) {
      return Fail(HeadProblem::kObsFold, i);
    }
    ++line_length_;
    if (line_index_ == 0) {
      if (line_length_ > limits_.max_request_line) {
        return Fail(HeadProblem::kRequestLineTooLong, i);
      }
    } else if (++header_bytes_ > limits_.max_header_bytes) {
      return Fail(HeadProblem::kHeadersTooLarge, i);
    }
  }
  return bytes.size();
}

int StatusFor(HeadProblem problem) {
  switch (problem) {
    case HeadProblem::kRequestLineTooLong:
      return 414;
    case HeadProblem::kHeadersTooLarge:
      return 431;
    case HeadProblem::kNone:
    case HeadProblem::kBareCr:
    case HeadProblem::kObsFold:
      break;
  }
  return 400;
}

}  // namespace ssegw::h1
