#include "spool/EventSpool.h"

#include "proto/Envelope.h"

#include <algorithm>

#include "common/Files.h"
#include "common/Text.h"
#include "crypto/Random.h"

#include <array>
#include <chrono>

namespace yagura::agent {

namespace {
constexpr std::string_view kSchema1 = R"sql(
-- AUTOINCREMENT: a seq is never reused, even after the newest rows were acknowledged.
CREATE TABLE spool (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    rank INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX spool_rank ON spool (rank, seq);
CREATE TABLE drops (
    id INTEGER PRIMARY KEY,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    count INTEGER NOT NULL,
    rank INTEGER NOT NULL
);
)sql";
constexpr std::array<store::Migration, 1> kMigrations{{{1, kSchema1}}};

Result<store::StoreKey> spoolKey(const std::filesystem::path& stateDir) {
    const auto path = stateDir / "spool.key";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        YAGURA_ASSIGN_OR_RETURN(const std::string raw, crypto::randomBytes(32));
        YAGURA_TRY(files::writeFileAtomic(path, text::toHex(raw) + "\n", 0600));
    }
    return store::loadStoreKey(path, false);
}
} // namespace

EventSpool::EventSpool(store::Database db, std::uint64_t budget)
    : m_db(std::move(db)), m_budget(budget) {}

Result<EventSpool> EventSpool::open(const std::filesystem::path& stateDir,
                                    std::uint64_t budgetBytes) {
    YAGURA_TRY(files::ensureDirectory(stateDir, 0700));
    YAGURA_ASSIGN_OR_RETURN(const auto key, spoolKey(stateDir));
    YAGURA_ASSIGN_OR_RETURN(auto db, store::Database::open(stateDir / "spool.db", key,
                                                           store::OpenMode::CreateIfMissing));
    YAGURA_TRY(db.migrate(kMigrations));
    // The spool appends at its end and deletes from its start: a small page cache holds both
    // (SQLite's default of 2 MiB would be a tenth of the agent's memory on the endpoint).
    YAGURA_TRY(db.exec("PRAGMA cache_size = -512;"));
    // A new spool numbers from the current time in microseconds, not from 1: if a spool is ever
    // lost and recreated, its numbers stay above the old ones, so the server's deduplication on
    // (agent, seq) cannot mistake new events for ones it already has.
    YAGURA_ASSIGN_OR_RETURN(
        auto started, db.prepare("SELECT count(*) FROM sqlite_sequence WHERE name = 'spool'"));
    YAGURA_ASSIGN_OR_RETURN(const bool counted, started.step());
    if (counted && started.int64(0) == 0) {
        const auto base = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
        YAGURA_ASSIGN_OR_RETURN(auto seed, db.prepare("INSERT INTO sqlite_sequence (name, seq) "
                                                      "VALUES ('spool', ?)"));
        seed.bind(1, static_cast<std::int64_t>(base));
        YAGURA_TRY(seed.run());
    }
    EventSpool spool(std::move(db), budgetBytes);
    YAGURA_ASSIGN_OR_RETURN(spool.m_bytes, spool.pendingBytes());
    return spool;
}

Result<std::uint64_t> EventSpool::append(proto::TelemetryEvent event) {
    std::vector<proto::TelemetryEvent> one;
    one.push_back(std::move(event));
    return appendAll(std::move(one));
}

Status EventSpool::setFullSync(bool full) {
    if (full == m_fullSync)
        return success();
    YAGURA_TRY(m_db.exec(full ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;"));
    m_fullSync = full;
    return success();
}

Result<std::uint64_t> EventSpool::appendAll(std::vector<proto::TelemetryEvent> events) {
    // What the host gave (command lines, file names, log lines) may be any bytes; the wire
    // needs UTF-8, or the batch holding it would be refused by the server forever.
    for (auto& event : events) {
        protocol::makeUtf8(*event.mutable_category());
        for (auto& field : *event.mutable_fields()) {
            protocol::makeUtf8(*field.mutable_name());
            protocol::makeUtf8(*field.mutable_value());
        }
    }
    // Security events and alerts are on disk when this returns, power loss or not. Plain
    // telemetry is committed to the WAL without waiting for the disk: a crash of the agent
    // loses nothing, a power cut may lose the last fraction of a second of it. (Two fsyncs per
    // batch were 40 % of the agent's CPU in a process-start storm.)
    const bool important = std::any_of(events.begin(), events.end(), [](const auto& event) {
        return event.rank() >= proto::RANK_SECURITY;
    });
    YAGURA_TRY(setFullSync(important));
    YAGURA_ASSIGN_OR_RETURN(auto transaction, m_db.beginImmediate());
    YAGURA_ASSIGN_OR_RETURN(auto insert,
                            m_db.prepare("INSERT INTO spool (rank, bytes, body) VALUES (?, ?, ?)"));
    std::uint64_t lastSeq = 0;
    for (auto& event : events) {
        // The seq lives in its column; the body is the event without it.
        event.clear_seq();
        const std::string body = event.SerializeAsString();
        insert.reset();
        insert.bind(1, static_cast<std::int64_t>(event.rank()))
            .bind(2, static_cast<std::int64_t>(body.size()))
            .bindBlob(3, body);
        YAGURA_TRY(insert.run());
        lastSeq = static_cast<std::uint64_t>(m_db.lastInsertRowId());
        m_bytes += body.size();
    }
    YAGURA_TRY(enforceBudget());
    YAGURA_TRY(transaction.commit());
    return lastSeq;
}

Status EventSpool::enforceBudget() {
    while (m_bytes > m_budget) {
        // The lowest rank present, oldest first, in chunks until the spool fits again.
        YAGURA_ASSIGN_OR_RETURN(auto lowest, m_db.prepare("SELECT min(rank) FROM spool"));
        YAGURA_ASSIGN_OR_RETURN(const bool any, lowest.step());
        if (!any || lowest.isNull(0))
            return success();
        const std::int64_t rank = lowest.int64(0);
        YAGURA_ASSIGN_OR_RETURN(auto oldest,
                                m_db.prepare("SELECT seq, bytes FROM spool WHERE rank = ? "
                                             "ORDER BY seq LIMIT 4096"));
        oldest.bind(1, rank);
        std::int64_t firstSeq = -1;
        std::int64_t lastSeq = -1;
        std::uint64_t freed = 0;
        std::uint64_t count = 0;
        for (;;) {
            YAGURA_ASSIGN_OR_RETURN(const bool hasRow, oldest.step());
            if (!hasRow || m_bytes - freed <= m_budget)
                break;
            if (firstSeq < 0)
                firstSeq = oldest.int64(0);
            lastSeq = oldest.int64(0);
            freed += static_cast<std::uint64_t>(oldest.int64(1));
            ++count;
        }
        if (count == 0)
            return success();
        YAGURA_ASSIGN_OR_RETURN(auto drop,
                                m_db.prepare("DELETE FROM spool WHERE rank = ? AND seq >= ? "
                                             "AND seq <= ?"));
        drop.bind(1, rank).bind(2, firstSeq).bind(3, lastSeq);
        YAGURA_TRY(drop.run());
        YAGURA_ASSIGN_OR_RETURN(auto record, m_db.prepare("INSERT INTO drops (first_seq, last_seq, "
                                                          "count, rank) VALUES (?, ?, ?, ?)"));
        record.bind(1, firstSeq)
            .bind(2, lastSeq)
            .bind(3, static_cast<std::int64_t>(count))
            .bind(4, rank);
        YAGURA_TRY(record.run());
        m_bytes -= freed;
    }
    return success();
}

Result<proto::EventBatch> EventSpool::nextBatch(std::size_t maxEvents, std::size_t maxBytes) {
    proto::EventBatch batch;
    YAGURA_ASSIGN_OR_RETURN(auto query,
                            m_db.prepare("SELECT seq, body FROM spool ORDER BY seq LIMIT ?"));
    query.bind(1, static_cast<std::int64_t>(maxEvents));
    std::size_t bytes = 0;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
        if (!hasRow)
            break;
        const std::string body = query.blob(1);
        if (batch.events_size() > 0 && bytes + body.size() > maxBytes)
            break;
        auto* event = batch.add_events();
        if (!event->ParseFromString(body))
            return makeError(ErrorCode::Corrupt, "the event spool holds a damaged event");
        event->set_seq(static_cast<std::uint64_t>(query.int64(0)));
        bytes += body.size();
    }
    YAGURA_ASSIGN_OR_RETURN(
        auto drops, m_db.prepare("SELECT first_seq, last_seq, count, rank FROM drops ORDER BY id"));
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, drops.step());
        if (!hasRow)
            break;
        auto* dropped = batch.add_dropped();
        dropped->set_first_seq(static_cast<std::uint64_t>(drops.int64(0)));
        dropped->set_last_seq(static_cast<std::uint64_t>(drops.int64(1)));
        dropped->set_count(static_cast<std::uint64_t>(drops.int64(2)));
        dropped->set_rank(static_cast<proto::EventRank>(drops.int64(3)));
    }
    return batch;
}

Status EventSpool::acknowledge(const proto::EventBatch& batch) {
    // Forgetting what the server committed need not wait for the disk: if a power cut undoes
    // it, the events are sent again and the server's (agent, seq) deduplication drops them.
    YAGURA_TRY(setFullSync(false));
    YAGURA_ASSIGN_OR_RETURN(auto transaction, m_db.beginImmediate());
    YAGURA_ASSIGN_OR_RETURN(auto size, m_db.prepare("SELECT bytes FROM spool WHERE seq = ?"));
    YAGURA_ASSIGN_OR_RETURN(auto erase, m_db.prepare("DELETE FROM spool WHERE seq = ?"));
    for (const auto& event : batch.events()) {
        size.reset();
        size.bind(1, static_cast<std::int64_t>(event.seq()));
        YAGURA_ASSIGN_OR_RETURN(const bool present, size.step());
        if (!present)
            continue; // dropped meanwhile, or already acknowledged
        m_bytes -= static_cast<std::uint64_t>(size.int64(0));
        erase.reset();
        erase.bind(1, static_cast<std::int64_t>(event.seq()));
        YAGURA_TRY(erase.run());
    }
    YAGURA_ASSIGN_OR_RETURN(auto forget, m_db.prepare("DELETE FROM drops WHERE first_seq = ? AND "
                                                      "last_seq = ? AND rank = ?"));
    for (const auto& dropped : batch.dropped()) {
        forget.reset();
        forget.bind(1, static_cast<std::int64_t>(dropped.first_seq()))
            .bind(2, static_cast<std::int64_t>(dropped.last_seq()))
            .bind(3, static_cast<std::int64_t>(dropped.rank()));
        YAGURA_TRY(forget.run());
    }
    return transaction.commit();
}

Result<std::uint64_t> EventSpool::pendingEvents() {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare("SELECT count(*) FROM spool"));
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    return hasRow ? static_cast<std::uint64_t>(query.int64(0)) : 0u;
}

Result<std::uint64_t> EventSpool::pendingBytes() {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare("SELECT coalesce(sum(bytes), 0) FROM spool"));
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    return hasRow ? static_cast<std::uint64_t>(query.int64(0)) : 0u;
}

} // namespace yagura::agent
