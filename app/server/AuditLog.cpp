#include "server/AuditLog.h"

#include "common/Text.h"
#include "crypto/Hash.h"

namespace yagura::server {

namespace {
const std::string kGenesisHash(64, '0');

void appendField(std::string& out, std::string_view field) {
    // Length-prefixed so that no two different rows serialize to the same bytes.
    out += std::to_string(field.size());
    out.push_back(':');
    out.append(field);
}
} // namespace

std::string AuditLog::computeHash(const std::string& prevHash, std::uint64_t seq,
                                  std::int64_t timeMs, const AuditRecord& record) {
    std::string material = "yagura-audit-v1";
    appendField(material, prevHash);
    appendField(material, std::to_string(seq));
    appendField(material, std::to_string(timeMs));
    appendField(material, record.actor);
    appendField(material, record.action);
    appendField(material, record.target);
    appendField(material, record.outcome);
    appendField(material, record.detail);
    return text::toHex(crypto::sha256(material));
}

Status AuditLog::append(store::Database& db, const Clock& clock, const AuditRecord& record) {
    std::uint64_t lastSeq = 0;
    std::string prevHash = kGenesisHash;
    {
        YAGURA_ASSIGN_OR_RETURN(auto head,
                                db.prepare("SELECT seq, hash FROM audit_head WHERE id = 1"));
        YAGURA_ASSIGN_OR_RETURN(const bool hasHead, head.step());
        if (hasHead) {
            lastSeq = static_cast<std::uint64_t>(head.int64(0));
            prevHash = head.text(1);
        }
    }
    const std::uint64_t seq = lastSeq + 1;
    const std::int64_t timeMs = clock.nowUnixMillis();
    const std::string hash = computeHash(prevHash, seq, timeMs, record);
    YAGURA_ASSIGN_OR_RETURN(
        auto insert, db.prepare("INSERT INTO audit_log (seq, time_ms, actor, action, target, "
                                "outcome, detail, prev_hash, hash) VALUES "
                                "(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert.bind(1, static_cast<std::int64_t>(seq))
        .bind(2, timeMs)
        .bind(3, record.actor)
        .bind(4, record.action)
        .bind(5, record.target)
        .bind(6, record.outcome)
        .bind(7, record.detail)
        .bind(8, prevHash)
        .bind(9, hash);
    YAGURA_TRY(insert.run());
    YAGURA_ASSIGN_OR_RETURN(auto updateHead,
                            db.prepare("INSERT OR REPLACE INTO audit_head (id, seq, hash) "
                                       "VALUES (1, ?, ?)"));
    updateHead.bind(1, static_cast<std::int64_t>(seq)).bind(2, hash);
    return updateHead.run();
}

Status AuditLog::appendStandalone(store::Database& db, const Clock& clock,
                                  const AuditRecord& record) {
    YAGURA_ASSIGN_OR_RETURN(auto transaction, db.beginImmediate());
    YAGURA_TRY(append(db, clock, record));
    return transaction.commit();
}

Result<std::vector<AuditRow>> AuditLog::list(store::Database& db, const AuditFilter& filter) {
    YAGURA_ASSIGN_OR_RETURN(
        auto query,
        db.prepare("SELECT seq, time_ms, actor, action, target, outcome, detail, prev_hash, hash "
                   "FROM audit_log WHERE seq > ?1 AND (?2 = '' OR actor = ?2) AND "
                   "(?3 = '' OR substr(action, 1, length(?3)) = ?3) AND (?4 = '' OR outcome = ?4) "
                   "ORDER BY seq LIMIT ?5"));
    query.bind(1, static_cast<std::int64_t>(filter.afterSeq))
        .bind(2, filter.actor)
        .bind(3, filter.actionPrefix)
        .bind(4, filter.outcome)
        .bind(5, static_cast<std::int64_t>(filter.limit == 0 ? 100 : filter.limit));
    std::vector<AuditRow> rows;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
        if (!hasRow)
            break;
        AuditRow row;
        row.seq = static_cast<std::uint64_t>(query.int64(0));
        row.timeMs = query.int64(1);
        row.record = {query.text(2), query.text(3), query.text(4), query.text(5), query.text(6)};
        row.prevHash = query.text(7);
        row.hash = query.text(8);
        rows.push_back(std::move(row));
    }
    return rows;
}

Result<AuditVerification> AuditLog::verify(store::Database& db) {
    AuditVerification result;
    YAGURA_ASSIGN_OR_RETURN(
        auto query, db.prepare("SELECT seq, time_ms, actor, action, target, outcome, detail, "
                               "prev_hash, hash FROM audit_log ORDER BY seq"));
    std::uint64_t expectedSeq = 1;
    std::string expectedPrev = kGenesisHash;
    auto broken = [&](std::uint64_t seq, std::string problem) {
        result.intact = false;
        result.firstBrokenSeq = seq;
        result.problem = std::move(problem);
    };
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
        if (!hasRow)
            break;
        const auto seq = static_cast<std::uint64_t>(query.int64(0));
        const AuditRecord record{query.text(2), query.text(3), query.text(4), query.text(5),
                                 query.text(6)};
        const std::string prevHash = query.text(7);
        const std::string hash = query.text(8);
        ++result.entriesChecked;
        if (seq != expectedSeq) {
            broken(expectedSeq, "entry " + std::to_string(expectedSeq) +
                                    " is missing (next entry is " + std::to_string(seq) + ")");
            return result;
        }
        if (prevHash != expectedPrev) {
            broken(seq, "entry " + std::to_string(seq) +
                            " does not follow the entry before it (deleted or reordered entries)");
            return result;
        }
        if (computeHash(prevHash, seq, query.int64(1), record) != hash) {
            broken(seq, "entry " + std::to_string(seq) + " was modified after it was written");
            return result;
        }
        expectedPrev = hash;
        ++expectedSeq;
    }
    result.headHash = expectedPrev;
    YAGURA_ASSIGN_OR_RETURN(auto head, db.prepare("SELECT seq, hash FROM audit_head WHERE id = 1"));
    YAGURA_ASSIGN_OR_RETURN(const bool hasHead, head.step());
    const std::uint64_t headSeq = hasHead ? static_cast<std::uint64_t>(head.int64(0)) : 0;
    const std::string headHash = hasHead ? head.text(1) : kGenesisHash;
    const std::uint64_t lastSeq = expectedSeq - 1;
    if (headSeq > lastSeq)
        broken(lastSeq + 1, "the log ends at entry " + std::to_string(lastSeq) +
                                " but its recorded head is entry " + std::to_string(headSeq) +
                                " (newest entries deleted)");
    else if (headSeq < lastSeq)
        broken(headSeq + 1, "entries after " + std::to_string(headSeq) +
                                " are not anchored by the recorded head (appended outside Yagura)");
    else if (headHash != expectedPrev)
        broken(lastSeq, "entry " + std::to_string(lastSeq) +
                            " does not match the recorded head (rewritten)");
    return result;
}

} // namespace yagura::server
