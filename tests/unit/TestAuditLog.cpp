// The hash-chained audit log: appending, listing with filters, verification, and detection of
// edits, deletions and reordering by someone who holds the store key.

#include "common/Clock.h"
#include "crypto/Random.h"
#include "server/AuditLog.h"
#include "server/SiteStore.h"
#include "store/Database.h"

#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

using namespace yagura;
using namespace std::chrono_literals;
using server::AuditFilter;
using server::AuditLog;
using server::AuditRecord;
using server::AuditRow;

namespace {

template <typename T> const char* why(const Result<T>& result) {
    return result.ok() ? "" : result.error().message.c_str();
}

const std::string kGenesis(64, '0');

// Six entries with different actors, actions and outcomes for the filter tests.
const std::vector<AuditRecord>& sampleRecords() {
    static const std::vector<AuditRecord> records = {
        {"user:admin", "operator.login", "", "ok", "from 127.0.0.1"},
        {"user:admin", "agent.accept", "agent:1", "ok", ""},
        {"user:bob", "operator.login", "", "denied", "wrong password"},
        {"system", "token.create", "tok-1", "ok", "expires in 24h"},
        {"user:admin", "agent.reject", "agent:2", "failed", "agent is revoked"},
        {"user:bob", "agent.accept", "agent:3", "ok", "detail with 'quotes' and ; and \n"},
    };
    return records;
}

std::vector<std::uint64_t> seqs(const std::vector<AuditRow>& rows) {
    std::vector<std::uint64_t> out;
    for (const auto& row : rows)
        out.push_back(row.seq);
    return out;
}

} // namespace

class TestAuditLog : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_counter = 0;
    ManualClock m_clock;
    std::optional<server::SiteStore> m_store;

    store::Database& db() { return m_store->database(); }

    // A fresh store holding the six sample entries, one second apart.
    void openStoreWithEntries() {
        const auto path = std::filesystem::path(m_dir.path().toStdString()) /
                          ("site-" + std::to_string(++m_counter) + ".db");
        auto key = crypto::randomBytes(32);
        QVERIFY(key.ok());
        m_store.reset();
        auto opened = server::SiteStore::open(path, store::StoreKey::raw(key.value()), m_clock,
                                              store::OpenMode::CreateIfMissing);
        QVERIFY2(opened.ok(), why(opened));
        m_store.emplace(std::move(opened).value());
        for (const AuditRecord& record : sampleRecords()) {
            m_clock.advance(1s);
            const auto appended = AuditLog::appendStandalone(db(), m_clock, record);
            QVERIFY2(appended.ok(), why(appended));
        }
    }

    void dropTriggers() {
        const auto dropped =
            db().exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");
        QVERIFY2(dropped.ok(), why(dropped));
    }

    void expectBrokenAt(std::uint64_t seq) {
        const auto verified = AuditLog::verify(db());
        QVERIFY2(verified.ok(), why(verified));
        QVERIFY2(!verified->intact, "tampering was not detected");
        QCOMPARE(verified->firstBrokenSeq, seq);
        QVERIFY(!verified->problem.empty());
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void cleanup() { m_store.reset(); }

    void newStoreHasEmptyIntactLog() {
        const auto path = std::filesystem::path(m_dir.path().toStdString()) / "empty.db";
        auto key = crypto::randomBytes(32);
        QVERIFY(key.ok());
        auto opened = server::SiteStore::open(path, store::StoreKey::raw(key.value()), m_clock,
                                              store::OpenMode::CreateIfMissing);
        QVERIFY2(opened.ok(), why(opened));
        // Opening (and creating) the store writes no audit entries by itself.
        const auto rows = AuditLog::list(opened->database(), {});
        QVERIFY2(rows.ok(), why(rows));
        QVERIFY(rows->empty());
        const auto verified = AuditLog::verify(opened->database());
        QVERIFY2(verified.ok(), why(verified));
        QVERIFY(verified->intact);
        QCOMPARE(verified->entriesChecked, std::uint64_t{0});
        QCOMPARE(verified->headHash, kGenesis);
    }

    void appendAndVerify() {
        openStoreWithEntries();
        if (QTest::currentTestFailed())
            return;
        const auto verified = AuditLog::verify(db());
        QVERIFY2(verified.ok(), why(verified));
        QVERIFY2(verified->intact, verified->problem.c_str());
        QCOMPARE(verified->entriesChecked, std::uint64_t{6});
        QCOMPARE(verified->firstBrokenSeq, std::uint64_t{0});
        QVERIFY(verified->problem.empty());

        const auto rows = AuditLog::list(db(), {});
        QVERIFY2(rows.ok(), why(rows));
        QCOMPARE(rows->size(), std::size_t{6});
        QCOMPARE(verified->headHash, rows->back().hash);

        std::string prev = kGenesis;
        const std::int64_t firstMs = rows->front().timeMs;
        for (std::size_t i = 0; i < rows->size(); ++i) {
            const AuditRow& row = rows->at(i);
            const AuditRecord& expected = sampleRecords()[i];
            QCOMPARE(row.seq, static_cast<std::uint64_t>(i + 1));
            QCOMPARE(row.record.actor, expected.actor);
            QCOMPARE(row.record.action, expected.action);
            QCOMPARE(row.record.target, expected.target);
            QCOMPARE(row.record.outcome, expected.outcome);
            QCOMPARE(row.record.detail, expected.detail);
            QCOMPARE(row.timeMs, firstMs + static_cast<std::int64_t>(i) * 1000);
            QCOMPARE(row.prevHash, prev);
            QCOMPARE(row.hash.size(), std::size_t{64});
            QCOMPARE(row.hash,
                     AuditLog::computeHash(row.prevHash, row.seq, row.timeMs, row.record));
            prev = row.hash;
        }
        QCOMPARE(rows->back().timeMs, m_clock.nowUnixMillis());

        // Appending within a caller's transaction, then rolling back, leaves nothing behind.
        {
            auto transaction = db().beginImmediate();
            QVERIFY(transaction.ok());
            QVERIFY(AuditLog::append(db(), m_clock, {"system", "x", "", "ok", ""}).ok());
        }
        const auto again = AuditLog::verify(db());
        QVERIFY(again.ok());
        QVERIFY2(again->intact, again->problem.c_str());
        QCOMPARE(again->entriesChecked, std::uint64_t{6});
    }

    void hashCoversEveryField() {
        const AuditRecord base{"user:admin", "agent.accept", "agent:1", "ok", "d"};
        const std::string hash = AuditLog::computeHash(kGenesis, 1, 1000, base);
        QCOMPARE(hash.size(), std::size_t{64});
        QCOMPARE(AuditLog::computeHash(kGenesis, 1, 1000, base), hash);
        QVERIFY(AuditLog::computeHash(std::string(64, '1'), 1, 1000, base) != hash);
        QVERIFY(AuditLog::computeHash(kGenesis, 2, 1000, base) != hash);
        QVERIFY(AuditLog::computeHash(kGenesis, 1, 1001, base) != hash);
        for (int field = 0; field < 5; ++field) {
            AuditRecord changed = base;
            std::string* fields[] = {&changed.actor, &changed.action, &changed.target,
                                     &changed.outcome, &changed.detail};
            *fields[field] += "x";
            QVERIFY2(AuditLog::computeHash(kGenesis, 1, 1000, changed) != hash,
                     qPrintable(QString::number(field)));
        }
        // Moving bytes between fields changes the hash (fields are length-prefixed).
        const AuditRecord shifted{"user:admina", "gent.accept", "agent:1", "ok", "d"};
        QVERIFY(AuditLog::computeHash(kGenesis, 1, 1000, shifted) != hash);
    }

    void triggersRefuseUpdateAndDelete() {
        openStoreWithEntries();
        if (QTest::currentTestFailed())
            return;
        auto status = db().exec("UPDATE audit_log SET detail = 'edited' WHERE seq = 3;");
        QVERIFY(!status.ok());
        QVERIFY2(status.error().message.find("append-only") != std::string::npos,
                 status.error().message.c_str());
        status = db().exec("DELETE FROM audit_log WHERE seq = 6;");
        QVERIFY(!status.ok());
        QVERIFY2(status.error().message.find("append-only") != std::string::npos,
                 status.error().message.c_str());
        status = db().exec("DELETE FROM audit_log;");
        QVERIFY(!status.ok());
        // An upsert is an update too.
        status = db().exec("INSERT INTO audit_log (seq, time_ms, actor, action, target, outcome, "
                           "detail, prev_hash, hash) VALUES (3, 0, '', '', '', '', '', '', '') "
                           "ON CONFLICT (seq) DO UPDATE SET detail = 'edited';");
        QVERIFY(!status.ok());

        const auto verified = AuditLog::verify(db());
        QVERIFY(verified.ok());
        QVERIFY(verified->intact);
        QCOMPARE(verified->entriesChecked, std::uint64_t{6});
    }

    void replaceIsRefused() {
        openStoreWithEntries();
        if (QTest::currentTestFailed())
            return;
        // INSERT OR REPLACE deletes the conflicting row without firing DELETE triggers unless
        // recursive_triggers is on; the store turns it on and a BEFORE INSERT trigger refuses
        // an existing seq as well.
        const auto status = db().exec(
            "INSERT OR REPLACE INTO audit_log (seq, time_ms, actor, action, target, "
            "outcome, detail, prev_hash, hash) SELECT seq, time_ms, actor, action, "
            "target, outcome, 'rewritten', prev_hash, hash FROM audit_log WHERE seq = 3;");
        QVERIFY(!status.ok());
        const auto verified = AuditLog::verify(db());
        QVERIFY(verified.ok() && verified->intact);
    }

    void editedEntryIsDetected() {
        openStoreWithEntries();
        if (QTest::currentTestFailed())
            return;
        dropTriggers();
        QVERIFY(db().exec("UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 3;").ok());
        QCOMPARE(db().changes(), 1);
        expectBrokenAt(3);
        const auto verified = AuditLog::verify(db());
        QVERIFY(verified.ok());
        QCOMPARE(verified->entriesChecked, std::uint64_t{3});
    }

    void editedTimeIsDetected() {
        openStoreWithEntries();
        if (QTest::currentTestFailed())
            return;
        dropTriggers();
        QVERIFY(db().exec("UPDATE audit_log SET time_ms = time_ms - 3600000 WHERE seq = 5;").ok());
        expectBrokenAt(5);
    }

    void deletedEntryIsDetected() {
        openStoreWithEntries();
        if (QTest::currentTestFailed())
            return;
        dropTriggers();
        QVERIFY(db().exec("DELETE FROM audit_log WHERE seq = 4;").ok());
        QCOMPARE(db().changes(), 1);
        expectBrokenAt(4);
    }

    void deletedEntryWithRenumberingIsDetected() {
        openStoreWithEntries();
        if (QTest::currentTestFailed())
            return;
        dropTriggers();
        // Closing the gap: entry 4 is gone and 5, 6 become 4, 5; the head is fixed up too.
        QVERIFY(db().exec("DELETE FROM audit_log WHERE seq = 4;"
                          "UPDATE audit_log SET seq = seq - 1 WHERE seq > 4;"
                          "UPDATE audit_head SET seq = 5;")
                    .ok());
        expectBrokenAt(4);
    }

    void reorderedEntriesAreDetected() {
        openStoreWithEntries();
        if (QTest::currentTestFailed())
            return;
        dropTriggers();
        // Exchange the contents of entries 2 and 3, keeping their seq numbers.
        const auto swapped = db().exec(
            "CREATE TEMP TABLE saved AS SELECT * FROM audit_log WHERE seq IN (2, 3);"
            "UPDATE audit_log SET (time_ms, actor, action, target, outcome, detail, prev_hash, "
            "hash) = (SELECT time_ms, actor, action, target, outcome, detail, prev_hash, hash "
            "FROM saved WHERE saved.seq = 5 - audit_log.seq) WHERE seq IN (2, 3);"
            "DROP TABLE saved;");
        QVERIFY2(swapped.ok(), why(swapped));
        const auto rows = AuditLog::list(db(), {});
        QVERIFY(rows.ok());
        QCOMPARE(rows->at(1).record.actor, sampleRecords()[2].actor);
        QCOMPARE(rows->at(2).record.actor, sampleRecords()[1].actor);
        expectBrokenAt(2);
    }

    void deletedNewestEntryIsDetected() {
        openStoreWithEntries();
        if (QTest::currentTestFailed())
            return;
        dropTriggers();
        QVERIFY(db().exec("DELETE FROM audit_log WHERE seq = 6;").ok());
        QCOMPARE(db().changes(), 1);
        expectBrokenAt(6);
        const auto verified = AuditLog::verify(db());
        QVERIFY(verified.ok());
        QVERIFY2(verified->problem.find("head") != std::string::npos, verified->problem.c_str());
    }

    void deletedEverythingIsDetected() {
        openStoreWithEntries();
        if (QTest::currentTestFailed())
            return;
        dropTriggers();
        QVERIFY(db().exec("DELETE FROM audit_log;").ok());
        expectBrokenAt(1);
    }

    void forgedHashBreaksTheNextEntry() {
        openStoreWithEntries();
        if (QTest::currentTestFailed())
            return;
        dropTriggers();
        const auto rows = AuditLog::list(db(), {});
        QVERIFY(rows.ok());
        const AuditRow original = rows->at(2);
        QCOMPARE(original.seq, std::uint64_t{3});

        AuditRecord forged = original.record;
        forged.outcome = "ok";
        forged.detail = "password accepted";
        const std::string forgedHash =
            AuditLog::computeHash(original.prevHash, original.seq, original.timeMs, forged);
        auto update = db().prepare("UPDATE audit_log SET outcome = ?, detail = ?, hash = ? "
                                   "WHERE seq = 3");
        QVERIFY(update.ok());
        update->bind(1, forged.outcome).bind(2, forged.detail).bind(3, forgedHash);
        QVERIFY(update->run().ok());
        QCOMPARE(db().changes(), 1);

        // Entry 3 is self-consistent now; entry 4 no longer follows it.
        expectBrokenAt(4);
    }

    void forgedNewestEntryIsDetected() {
        openStoreWithEntries();
        if (QTest::currentTestFailed())
            return;
        dropTriggers();
        // The newest entry rewritten with a self-consistent hash: only the head record catches it.
        const auto rows = AuditLog::list(db(), {});
        QVERIFY(rows.ok());
        const AuditRow original = rows->back();
        QCOMPARE(original.seq, std::uint64_t{6});
        AuditRecord forged = original.record;
        forged.detail = "nothing to see";
        auto update = db().prepare("UPDATE audit_log SET detail = ?, hash = ? WHERE seq = 6");
        QVERIFY(update.ok());
        update->bind(1, forged.detail)
            .bind(2,
                  AuditLog::computeHash(original.prevHash, original.seq, original.timeMs, forged));
        QVERIFY(update->run().ok());

        const auto verified = AuditLog::verify(db());
        QVERIFY2(verified.ok(), why(verified));
        QVERIFY2(!verified->intact, "tampering was not detected");
        QCOMPARE(verified->entriesChecked, std::uint64_t{6});
        // The head names entry 6 with another hash, so entry 6 is the first untrustworthy one.
        QCOMPARE(verified->firstBrokenSeq, std::uint64_t{6});
    }

    void listFilters() {
        openStoreWithEntries();
        if (QTest::currentTestFailed())
            return;
        using Seqs = std::vector<std::uint64_t>;
        auto check = [&](const AuditFilter& filter, const Seqs& expected) {
            const auto rows = AuditLog::list(db(), filter);
            if (!rows.ok())
                return false;
            return seqs(rows.value()) == expected;
        };
        QVERIFY(check({}, {1, 2, 3, 4, 5, 6}));

        AuditFilter filter;
        filter.afterSeq = 4;
        QVERIFY(check(filter, {5, 6}));
        filter.afterSeq = 6;
        QVERIFY(check(filter, {}));

        filter = {};
        filter.actor = "user:admin";
        QVERIFY(check(filter, {1, 2, 5}));
        filter.actor = "user:";
        QVERIFY(check(filter, {}));

        filter = {};
        filter.actionPrefix = "agent.";
        QVERIFY(check(filter, {2, 5, 6}));
        filter.actionPrefix = "operator.login";
        QVERIFY(check(filter, {1, 3}));
        // The prefix is literal text, not a LIKE pattern.
        filter.actionPrefix = "agent%";
        QVERIFY(check(filter, {}));
        filter.actionPrefix = "_gent.";
        QVERIFY(check(filter, {}));

        filter = {};
        filter.outcome = "denied";
        QVERIFY(check(filter, {3}));
        filter.outcome = "ok";
        QVERIFY(check(filter, {1, 2, 4, 6}));

        filter = {};
        filter.limit = 2;
        QVERIFY(check(filter, {1, 2}));
        filter.afterSeq = 2;
        QVERIFY(check(filter, {3, 4}));
        filter = {};
        filter.limit = 0; // the default page
        QVERIFY(check(filter, {1, 2, 3, 4, 5, 6}));

        filter = {};
        filter.actor = "user:bob";
        filter.actionPrefix = "agent.";
        QVERIFY(check(filter, {6}));
        filter.outcome = "denied";
        QVERIFY(check(filter, {}));

        filter = {};
        filter.actor = "user:admin";
        filter.outcome = "ok";
        filter.afterSeq = 1;
        filter.limit = 1;
        QVERIFY(check(filter, {2}));
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "TestAuditLog.moc"
