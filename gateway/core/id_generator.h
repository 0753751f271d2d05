// IdGenerator: makes the event ids the gateway assigns when a publisher leaves `id` empty.
//
// An id is "<base36 boot_epoch>-<base36 counter>", e.g. "lzq3v8k0-1a". The boot epoch is
// a per-process value passed in by main (the start time in milliseconds); tests pass
// constants. Two processes therefore never share an id as long as they were started in
// different milliseconds, so a browser resuming with Last-Event-ID after a restart gets
// `event: gap` instead of a silently wrong position. Ids are short (they go out with
// every event), hold only [0-9a-z-] (no CR/LF/NUL, nothing that needs percent-encoding in
// the `lastEventId` query parameter) and cost one small string build per call.
//
// Ids carry no order a client may rely on; the history decides order.
//
// Not thread-safe. Use one generator per process: two generators with the same epoch
// would hand out the same ids.
#pragma once

#include <cstdint>
#include <string>

namespace ssegw {

class IdGenerator {
 public:
  explicit IdGenerator(uint64_t boot_epoch);

  IdGenerator(const IdGenerator&) = delete;
  IdGenerator& operator=(const IdGenerator&) = delete;

  std::string Next();

 private:
  std::string prefix_;  // "<base36 epoch>-"
  uint64_t counter_ = 0;
};

}  // namespace ssegw
