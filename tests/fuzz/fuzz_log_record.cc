// Feeds arbitrary bytes to DecodeLogRecord, as anything with access to the cluster log's
// stream could store them, then does what a gateway does with a decoded record: validate
// it and encode what passes. It must never crash, and an encoded event must never hold a
// line break outside its data lines (no forged SSE fields).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/ingest.h"
#include "wire/log_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto drafts = ssegw::wire::DecodeLogRecord(bytes);
  if (!drafts || ssegw::ValidateBatch(&*drafts).has_value()) return 0;
  for (const ssegw::EventDraft& draft : *drafts) {
    const ssegw::SharedBytes message = ssegw::EncodeDraft(draft, draft.id);
    const std::string_view text = message.view();
    // Every message ends with exactly one blank line, and nothing before it is blank.
    if (text.size() < 2 || text.substr(text.size() - 2) != "\n\n") std::abort();
    if (text.substr(0, text.size() - 1).find("\n\n") != std::string_view::npos) std::abort();
  }
  return 0;
}
