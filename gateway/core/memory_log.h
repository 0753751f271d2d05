// MemoryLog: the embedded EventLog — the process's history in memory, nothing
// replicated, gone with the process.
//
// Appends commit at once: each new event gets the next seq, an id (the publisher's, or
// a generated "<boot epoch>-<counter>" that no held event has), and its encoded bytes;
// the batch goes to the sink, then `done` runs, both before Append returns. Ids already
// held are duplicates. Locate answers at once from the history's id index.
//
// Not thread-safe: used on the log owner's thread only (see EventLog).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/counters.h"
#include "core/event_log.h"
#include "core/history.h"
#include "core/id_generator.h"

namespace ssegw {

struct MemoryLogOptions {
  size_t history_events = 10000;
  size_t history_bytes = 64 * 1024 * 1024;
};

class MemoryLog final : public EventLog {
 public:
  // `boot_epoch` makes generated ids unique across restarts (main passes the boot time).
  // `counters` gets events_published_total, duplicate_events_total and the history
  // gauges; `sink` receives every committed batch. Both must outlive the log.
  MemoryLog(const MemoryLogOptions& options, uint64_t boot_epoch, CommitSink& sink,
            GatewayCounters& counters);

  void Append(std::span<EventDraft> batch, AppendDone done) override;
  void Locate(const std::string& id, LocateDone done) override;
  // Nothing is kept beyond the history: always `lost`.
  void ReadAfter(uint64_t seq, ReadDone done) override;
  size_t held_events() const override { return history_.size(); }
  size_t held_bytes() const override { return history_.bytes(); }

  const History& history() const { return history_; }

 private:
  History history_;
  IdGenerator ids_;
  CommitSink& sink_;
  GatewayCounters& counters_;
  uint64_t next_seq_ = 1;
  std::vector<LogEventPtr> committed_;  // one Append's new events, lent to the sink
  PublishResult spare_result_;          // storage for the next Append's result
};

}  // namespace ssegw
