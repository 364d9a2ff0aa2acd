#pragma once

#include "common/Clock.h"
#include "common/Result.h"
#include "store/Database.h"

#include <cstdint>
#include <string>
#include <vector>

namespace yagura::server {

struct AuditRecord {
    std::string actor;   // "user:admin", "agent:<fingerprint>", "system", "cli:<unix user>"
    std::string action;  // "operator.login", "agent.accept", "token.create", ...
    std::string target;  // what the action was on
    std::string outcome; // ok | denied | failed
    std::string detail;
};

struct AuditRow {
    std::uint64_t seq = 0;
    std::int64_t timeMs = 0;
    AuditRecord record;
    std::string prevHash;
    std::string hash;
};

struct AuditFilter {
    std::uint64_t afterSeq = 0;
    std::uint32_t limit = 100;
    std::string actor;
    std::string actionPrefix;
    std::string outcome;
};

struct AuditVerification {
    bool intact = true;
    std::uint64_t entriesChecked = 0;
    std::uint64_t firstBrokenSeq = 0;
    std::string problem;
    std::string headHash;
};

// The hash-chained, append-only audit log. Each entry's hash covers the previous entry's hash
// and every field of its own, so editing, deleting or reordering rows breaks the chain at the
// first affected entry.
class AuditLog {
public:
    // Must run inside the caller's write transaction, so the entry commits with the action.
    static Status append(store::Database& db, const Clock& clock, const AuditRecord& record);
    // Opens its own transaction; for actions that have nothing else to commit.
    static Status appendStandalone(store::Database& db, const Clock& clock,
                                   const AuditRecord& record);
    static Result<std::vector<AuditRow>> list(store::Database& db, const AuditFilter& filter);
    static Result<AuditVerification> verify(store::Database& db);
    static std::string computeHash(const std::string& prevHash, std::uint64_t seq,
                                   std::int64_t timeMs, const AuditRecord& record);
};

} // namespace yagura::server
