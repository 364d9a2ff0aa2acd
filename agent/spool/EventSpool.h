#pragma once

#include "common/Clock.h"
#include "common/Result.h"
#include "proto/agent.pb.h"
#include "store/Database.h"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace yagura::agent {

// The agent's durable, bounded event queue (DESIGN.md "Data flow"). Events are numbered and
// committed to an encrypted store before anything is sent; only events the server acknowledged
// are deleted. When the byte budget is exceeded the lowest rank goes first, oldest first, and
// the dropped ranges are remembered until the server has been told.
class EventSpool {
public:
    static Result<EventSpool> open(const std::filesystem::path& stateDir,
                                   std::uint64_t budgetBytes);

    // Stores the event (assigning its seq); drops lower-ranked events if over budget.
    Result<std::uint64_t> append(proto::TelemetryEvent event);
    Result<std::uint64_t> appendAll(std::vector<proto::TelemetryEvent> events);

    // The oldest unacknowledged events (by seq), at most `maxEvents` / about `maxBytes`,
    // plus every unreported drop.
    Result<proto::EventBatch> nextBatch(std::size_t maxEvents, std::size_t maxBytes);
    // The server committed this batch: delete its events and forget its drop reports.
    Status acknowledge(const proto::EventBatch& batch);

    Result<std::uint64_t> pendingEvents();
    Result<std::uint64_t> pendingBytes();
    std::uint64_t budgetBytes() const { return m_budget; }
    void setBudgetBytes(std::uint64_t bytes) { m_budget = bytes; }

private:
    EventSpool(store::Database db, std::uint64_t budget);
    Status enforceBudget();
    // PRAGMA synchronous for the next commits: FULL waits for the disk, NORMAL does not (WAL).
    Status setFullSync(bool full);

    store::Database m_db;
    bool m_fullSync = true; // the store opens with synchronous = FULL
    std::uint64_t m_budget;
    std::uint64_t m_bytes = 0; // kept in memory; recomputed at open
};

} // namespace yagura::agent
