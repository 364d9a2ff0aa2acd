// store::Database: encryption at rest (nothing readable in the database or WAL file), key
// handling, refusals, migrations and transactions.

#include "common/Files.h"
#include "common/Text.h"
#include "crypto/Random.h"
#include "server/Schema.h"
#include "store/Database.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <span>
#include <string>
#include <sys/stat.h>

using namespace yagura;

namespace {

template <typename T> const char* why(const Result<T>& result) {
    return result.ok() ? "" : result.error().message.c_str();
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string readAll(const std::filesystem::path& path) {
    auto content = files::readFile(path, std::size_t{1} << 30);
    return content.ok() ? std::move(content).value() : std::string{};
}

std::filesystem::path walPath(const std::filesystem::path& db) {
    return db.string() + "-wal";
}

store::StoreKey randomKey() {
    auto bytes = crypto::randomBytes(32);
    return store::StoreKey::raw(bytes.ok() ? std::move(bytes).value() : std::string(32, 'k'));
}

// Reads one integer from a query that returns one row.
Result<std::int64_t> queryInt(store::Database& db, std::string_view sql) {
    YAGURA_ASSIGN_OR_RETURN(auto statement, db.prepare(sql));
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, statement.step());
    if (!hasRow)
        return makeError(ErrorCode::NotFound, "no row");
    return statement.int64(0);
}

Result<bool> tableExists(store::Database& db, const std::string& name) {
    YAGURA_ASSIGN_OR_RETURN(
        auto statement, db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                   "name = ?"));
    statement.bind(1, name);
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, statement.step());
    return hasRow && statement.int64(0) == 1;
}

struct FileState {
    std::string bytes;
    std::uintmax_t size = 0;
    std::filesystem::file_time_type mtime;
    bool operator==(const FileState&) const = default;
};

FileState fileState(const std::filesystem::path& path) {
    FileState state;
    state.bytes = readAll(path);
    std::error_code ec;
    state.size = std::filesystem::file_size(path, ec);
    state.mtime = std::filesystem::last_write_time(path, ec);
    return state;
}

} // namespace

class TestStore : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_counter = 0;

    // A fresh path for each store, so tests do not share files.
    std::filesystem::path newPath() {
        return std::filesystem::path(m_dir.path().toStdString()) /
               ("store-" + std::to_string(++m_counter) + ".db");
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void cipherVersion() {
        auto db = store::Database::open(newPath(), randomKey(), store::OpenMode::CreateIfMissing);
        QVERIFY2(db.ok(), why(db));
        const auto version = db->cipherVersion();
        QVERIFY2(version.ok(), why(version));
        QVERIFY(!version->empty());
    }

    void canaryIsNeverOnDisk() {
        const auto path = newPath();
        const store::StoreKey key = randomKey();
        auto db = store::Database::open(path, key, store::OpenMode::CreateIfMissing);
        QVERIFY2(db.ok(), why(db));

        const std::string canary = "YAGURA-CANARY-7f3e9a1c-plaintext-must-not-reach-disk";
        QVERIFY(
            db->exec("CREATE TABLE canary (id INTEGER PRIMARY KEY, value TEXT NOT NULL);").ok());
        {
            auto transaction = db->beginImmediate();
            QVERIFY2(transaction.ok(), why(transaction));
            auto insert = db->prepare("INSERT INTO canary (value) VALUES (?)");
            QVERIFY2(insert.ok(), why(insert));
            for (int i = 0; i < 300; ++i) {
                insert->reset();
                insert->bind(1, canary + " #" + std::to_string(i));
                const auto ran = insert->run();
                QVERIFY2(ran.ok(), why(ran));
            }
            const auto committed = transaction->commit();
            QVERIFY2(committed.ok(), why(committed));
        }
        const auto rows = queryInt(*db, "SELECT count(*) FROM canary WHERE value LIKE "
                                        "'YAGURA-CANARY-%'");
        QVERIFY2(rows.ok(), why(rows));
        QCOMPARE(rows.value(), std::int64_t{300});

        // Before any checkpoint the new pages live in the WAL; neither file may hold plaintext.
        const std::string wal = readAll(walPath(path));
        QVERIFY2(!wal.empty(), "expected the committed transaction in the WAL file");
        QVERIFY2(!contains(wal, canary), "canary found in plaintext in the WAL file");
        QVERIFY2(!contains(wal, "YAGURA-CANARY"), "canary prefix found in the WAL file");
        QVERIFY2(!contains(wal, "CREATE TABLE canary"), "schema found in the WAL file");
        std::string main = readAll(path);
        QVERIFY(!main.empty());
        QVERIFY2(!contains(main, "YAGURA-CANARY"), "canary found in the database file");

        const auto checkpointed = db->checkpoint();
        QVERIFY2(checkpointed.ok(), why(checkpointed));
        main = readAll(path);
        QVERIFY(main.size() > 300 * canary.size() / 2);
        QVERIFY2(!contains(main, "YAGURA-CANARY"), "canary found in the database file");
        QVERIFY2(!contains(main, "CREATE TABLE"), "schema found in the database file");
        QVERIFY(!text::startsWith(main, "SQLite format 3"));
    }

    void wrongKeyIsRefusedAndFileUnchanged() {
        const auto path = newPath();
        {
            auto db = store::Database::open(path, randomKey(), store::OpenMode::CreateIfMissing);
            QVERIFY2(db.ok(), why(db));
            QVERIFY(db->exec("CREATE TABLE t (x); INSERT INTO t VALUES (1);").ok());
        }
        const FileState before = fileState(path);
        QVERIFY(before.size > 0);

        const auto opened = store::Database::open(path, randomKey(), store::OpenMode::MustExist);
        QVERIFY(!opened.ok());
        QCOMPARE(opened.error().code, ErrorCode::Unauthenticated);
        QVERIFY2(contains(opened.error().message, "key"), opened.error().message.c_str());

        const FileState after = fileState(path);
        QCOMPARE(after.size, before.size);
        QVERIFY(after.mtime == before.mtime);
        QVERIFY2(after.bytes == before.bytes, "a refused open changed the store file");

        // Also with CreateIfMissing: an existing store is never re-initialised with a new key.
        const auto again =
            store::Database::open(path, randomKey(), store::OpenMode::CreateIfMissing);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, ErrorCode::Unauthenticated);
        QVERIFY2(fileState(path) == before, "a refused open changed the store file");
    }

    void rightKeyReopens() {
        const auto path = newPath();
        const store::StoreKey key = randomKey();
        {
            auto db = store::Database::open(path, key, store::OpenMode::CreateIfMissing);
            QVERIFY2(db.ok(), why(db));
            QVERIFY(db->exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('kept');").ok());
        }
        auto db = store::Database::open(path, key, store::OpenMode::MustExist);
        QVERIFY2(db.ok(), why(db));
        auto statement = db->prepare("SELECT x FROM t");
        QVERIFY(statement.ok());
        const auto hasRow = statement->step();
        QVERIFY(hasRow.ok() && hasRow.value());
        QCOMPARE(statement->text(0), std::string("kept"));
    }

    void plaintextFileIsRefused() {
        const auto path = newPath();
        std::string plaintext("SQLite format 3\0", 16);
        plaintext.append(4080, '\0');
        QCOMPARE(plaintext.size(), std::size_t{4096});
        QVERIFY(files::writeFileAtomic(path, plaintext, 0600).ok());

        for (const auto mode : {store::OpenMode::MustExist, store::OpenMode::CreateIfMissing}) {
            const auto opened = store::Database::open(path, randomKey(), mode);
            QVERIFY(!opened.ok());
            QCOMPARE(opened.error().code, ErrorCode::Corrupt);
        }
        QVERIFY(readAll(path) == plaintext);
    }

    void mustExistOnMissingPath() {
        const auto path = newPath();
        const auto opened = store::Database::open(path, randomKey(), store::OpenMode::MustExist);
        QVERIFY(!opened.ok());
        QCOMPARE(opened.error().code, ErrorCode::NotFound);
        QVERIFY(!std::filesystem::exists(path));
    }

    void invalidKeys() {
        auto opened = store::Database::open(newPath(), store::StoreKey::raw(std::string(16, 'k')),
                                            store::OpenMode::CreateIfMissing);
        QVERIFY(!opened.ok());
        QCOMPARE(opened.error().code, ErrorCode::InvalidArgument);
        opened = store::Database::open(newPath(), store::StoreKey::raw(""),
                                       store::OpenMode::CreateIfMissing);
        QVERIFY(!opened.ok());
        QCOMPARE(opened.error().code, ErrorCode::InvalidArgument);
        opened = store::Database::open(newPath(), store::StoreKey::passphrase(""),
                                       store::OpenMode::CreateIfMissing);
        QVERIFY(!opened.ok());
        QCOMPARE(opened.error().code, ErrorCode::InvalidArgument);
    }

    void passphraseKey() {
        const auto path = newPath();
        const auto key = store::StoreKey::passphrase("correct horse battery staple");
        {
            auto db = store::Database::open(path, key, store::OpenMode::CreateIfMissing);
            QVERIFY2(db.ok(), why(db));
            QVERIFY(db->exec("CREATE TABLE t (x); INSERT INTO t VALUES (7);").ok());
        }
        QVERIFY(!text::startsWith(readAll(path), "SQLite format 3"));
        {
            auto db = store::Database::open(path, key, store::OpenMode::MustExist);
            QVERIFY2(db.ok(), why(db));
            const auto value = queryInt(*db, "SELECT x FROM t");
            QVERIFY2(value.ok(), why(value));
            QCOMPARE(value.value(), std::int64_t{7});
        }
        const auto wrong = store::Database::open(
            path, store::StoreKey::passphrase("correct horse battery stapler"),
            store::OpenMode::MustExist);
        QVERIFY(!wrong.ok());
        QCOMPARE(wrong.error().code, ErrorCode::Unauthenticated);
    }

    // ---- migrations ---------------------------------------------------------------------------

    void migrationsNumberedFromOne() {
        const auto migrations = server::siteMigrations();
        QVERIFY(!migrations.empty());
        for (std::size_t i = 0; i < migrations.size(); ++i)
            QCOMPARE(migrations[i].version, static_cast<int>(i) + 1);
    }

    void migrateFromEmptyToLatest() {
        const auto migrations = server::siteMigrations();
        const int latest = migrations.back().version;
        auto db = store::Database::open(newPath(), randomKey(), store::OpenMode::CreateIfMissing);
        QVERIFY2(db.ok(), why(db));
        auto version = db->schemaVersion();
        QVERIFY(version.ok());
        QCOMPARE(version.value(), 0);

        auto migrated = db->migrate(migrations);
        QVERIFY2(migrated.ok(), why(migrated));
        version = db->schemaVersion();
        QVERIFY(version.ok());
        QCOMPARE(version.value(), latest);
        for (const char* table : {"agents", "enrolment_tokens", "users", "audit_log", "audit_head",
                                  "inventory_items", "agent_checkins"}) {
            const auto exists = tableExists(*db, table);
            QVERIFY2(exists.ok() && exists.value(), table);
        }

        // Running the migrations again is a no-op.
        migrated = db->migrate(migrations);
        QVERIFY2(migrated.ok(), why(migrated));
        version = db->schemaVersion();
        QVERIFY(version.ok());
        QCOMPARE(version.value(), latest);
    }

    void migrateFromEveryEarlierVersion_data() {
        QTest::addColumn<int>("from");
        const int latest = server::siteMigrations().back().version;
        for (int v = 1; v < latest; ++v)
            QTest::newRow(qPrintable(QStringLiteral("v%1").arg(v))) << v;
    }

    void migrateFromEveryEarlierVersion() {
        QFETCH(int, from);
        const auto migrations = server::siteMigrations();
        const int latest = migrations.back().version;
        const auto path = newPath();
        const store::StoreKey key = randomKey();
        {
            auto db = store::Database::open(path, key, store::OpenMode::CreateIfMissing);
            QVERIFY2(db.ok(), why(db));
            const auto migrated =
                db->migrate(migrations.subspan(0, static_cast<std::size_t>(from)));
            QVERIFY2(migrated.ok(), why(migrated));
            const auto version = db->schemaVersion();
            QVERIFY(version.ok());
            QCOMPARE(version.value(), from);

            auto insert =
                db->prepare("INSERT INTO agents (public_key, state, enrolled_at, "
                            "state_changed_at, hostname) VALUES (?, 'accepted', ?, ?, ?)");
            QVERIFY2(insert.ok(), why(insert));
            insert->bind(1, std::string_view("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"))
                .bind(2, std::int64_t{1700000000})
                .bind(3, std::int64_t{1700000001})
                .bind(4, std::string_view("web-01"));
            const auto ran = insert->run();
            QVERIFY2(ran.ok(), why(ran));
        }

        // Reopen (as an upgraded program would) and migrate to the latest version.
        auto db = store::Database::open(path, key, store::OpenMode::MustExist);
        QVERIFY2(db.ok(), why(db));
        const auto migrated = db->migrate(migrations);
        QVERIFY2(migrated.ok(), why(migrated));
        const auto version = db->schemaVersion();
        QVERIFY(version.ok());
        QCOMPARE(version.value(), latest);

        auto select = db->prepare("SELECT public_key, state, enrolled_at, state_changed_at, "
                                  "hostname, inventory_generation, inventory_updated_at FROM "
                                  "agents");
        QVERIFY2(select.ok(), why(select));
        auto hasRow = select->step();
        QVERIFY2(hasRow.ok() && hasRow.value(), "the agent row did not survive the migration");
        QCOMPARE(select->text(0), std::string("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"));
        QCOMPARE(select->text(1), std::string("accepted"));
        QCOMPARE(select->int64(2), std::int64_t{1700000000});
        QCOMPARE(select->int64(3), std::int64_t{1700000001});
        QCOMPARE(select->text(4), std::string("web-01"));
        QCOMPARE(select->int64(5), std::int64_t{0});
        QCOMPARE(select->int64(6), std::int64_t{0});
        hasRow = select->step();
        QVERIFY(hasRow.ok() && !hasRow.value());

        for (const char* table : {"inventory_items", "agent_checkins"}) {
            const auto exists = tableExists(*db, table);
            QVERIFY2(exists.ok() && exists.value(), table);
        }
        // The new tables accept rows that refer to the surviving agent.
        QVERIFY(db->exec("INSERT INTO inventory_items VALUES (1, 7, 'bash:amd64', x'00');"
                         "INSERT INTO agent_checkins VALUES (1, 1700000000, 3);")
                    .ok());
    }

    void newerStoreIsRefused() {
        const auto migrations = server::siteMigrations();
        const int latest = migrations.back().version;
        auto db = store::Database::open(newPath(), randomKey(), store::OpenMode::CreateIfMissing);
        QVERIFY2(db.ok(), why(db));
        QVERIFY(db->migrate(migrations).ok());
        QVERIFY(db->exec("PRAGMA user_version = " + std::to_string(latest + 1) + ";").ok());
        const auto migrated = db->migrate(migrations);
        QVERIFY(!migrated.ok());
        QCOMPARE(migrated.error().code, ErrorCode::Conflict);
        const auto version = db->schemaVersion();
        QVERIFY(version.ok());
        QCOMPARE(version.value(), latest + 1);
    }

    void failedMigrationLeavesWholeVersion() {
        static constexpr store::Migration steps[] = {
            {1, "CREATE TABLE first (x);"},
            {2, "CREATE TABLE second (x); INSERT INTO first VALUES (1); THIS IS NOT SQL;"},
        };
        auto db = store::Database::open(newPath(), randomKey(), store::OpenMode::CreateIfMissing);
        QVERIFY2(db.ok(), why(db));
        const auto migrated = db->migrate(steps);
        QVERIFY(!migrated.ok());
        const auto version = db->schemaVersion();
        QVERIFY(version.ok());
        QCOMPARE(version.value(), 1);
        auto exists = tableExists(*db, "first");
        QVERIFY(exists.ok() && exists.value());
        exists = tableExists(*db, "second");
        QVERIFY(exists.ok() && !exists.value());
        const auto rows = queryInt(*db, "SELECT count(*) FROM first");
        QVERIFY(rows.ok());
        QCOMPARE(rows.value(), std::int64_t{0});
        // No transaction is left open.
        QVERIFY(db->exec("BEGIN IMMEDIATE; COMMIT;").ok());
    }

    // ---- key files ----------------------------------------------------------------------------

    void loadStoreKey() {
        const auto base = std::filesystem::path(m_dir.path().toStdString());
        const std::string bytes = randomKey().secret;

        const auto good = base / "good.key";
        QVERIFY(files::writeFileAtomic(good, text::toHex(bytes) + "\n", 0600).ok());
        auto loaded = store::loadStoreKey(good, false);
        QVERIFY2(loaded.ok(), why(loaded));
        QVERIFY(loaded->kind == store::StoreKey::Kind::Raw);
        QVERIFY(loaded->secret == bytes);

        const auto badHex = base / "bad-hex.key";
        QVERIFY(files::writeFileAtomic(badHex, std::string(63, 'a') + "g\n", 0600).ok());
        loaded = store::loadStoreKey(badHex, false);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, ErrorCode::Corrupt);
        QVERIFY(contains(loaded.error().message, badHex.string()));

        const auto shortKey = base / "short.key";
        QVERIFY(files::writeFileAtomic(shortKey, text::toHex(bytes.substr(0, 31)), 0600).ok());
        loaded = store::loadStoreKey(shortKey, false);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, ErrorCode::Corrupt);

        const auto readable = base / "readable.key";
        QVERIFY(files::writeFileAtomic(readable, text::toHex(bytes), 0644).ok());
        loaded = store::loadStoreKey(readable, false);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, ErrorCode::PermissionDenied);

        const auto passphrase = base / "passphrase";
        QVERIFY(files::writeFileAtomic(passphrase, "  a long enough passphrase \n", 0600).ok());
        loaded = store::loadStoreKey(passphrase, true);
        QVERIFY2(loaded.ok(), why(loaded));
        QVERIFY(loaded->kind == store::StoreKey::Kind::Passphrase);
        QVERIFY(loaded->secret == "a long enough passphrase");

        const auto shortPassphrase = base / "short-passphrase";
        QVERIFY(files::writeFileAtomic(shortPassphrase, "too short\n", 0600).ok());
        loaded = store::loadStoreKey(shortPassphrase, true);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, ErrorCode::InvalidArgument);

        // A loaded key opens the store it was made for.
        const auto path = newPath();
        const auto fromFile = store::loadStoreKey(good, false);
        QVERIFY(fromFile.ok());
        {
            auto db =
                store::Database::open(path, fromFile.value(), store::OpenMode::CreateIfMissing);
            QVERIFY2(db.ok(), why(db));
        }
        auto db =
            store::Database::open(path, store::StoreKey::raw(bytes), store::OpenMode::MustExist);
        QVERIFY2(db.ok(), why(db));
    }

    // ---- transactions -------------------------------------------------------------------------

    void transactionRollsBackOnDestruction() {
        auto db = store::Database::open(newPath(), randomKey(), store::OpenMode::CreateIfMissing);
        QVERIFY2(db.ok(), why(db));
        QVERIFY(db->exec("CREATE TABLE t (x TEXT);").ok());
        {
            auto transaction = db->beginImmediate();
            QVERIFY2(transaction.ok(), why(transaction));
            QVERIFY(db->exec("INSERT INTO t VALUES ('discarded');").ok());
            const auto inside = queryInt(*db, "SELECT count(*) FROM t");
            QVERIFY(inside.ok());
            QCOMPARE(inside.value(), std::int64_t{1});
        }
        auto rows = queryInt(*db, "SELECT count(*) FROM t");
        QVERIFY(rows.ok());
        QCOMPARE(rows.value(), std::int64_t{0});

        // A moved transaction rolls back once, from its final owner.
        {
            auto begun = db->beginImmediate();
            QVERIFY(begun.ok());
            store::Transaction moved = std::move(begun).value();
            QVERIFY(db->exec("INSERT INTO t VALUES ('discarded too');").ok());
        }
        rows = queryInt(*db, "SELECT count(*) FROM t");
        QVERIFY(rows.ok());
        QCOMPARE(rows.value(), std::int64_t{0});

        // Committed rows stay.
        {
            auto transaction = db->beginImmediate();
            QVERIFY(transaction.ok());
            QVERIFY(db->exec("INSERT INTO t VALUES ('kept');").ok());
            const auto committed = transaction->commit();
            QVERIFY2(committed.ok(), why(committed));
        }
        rows = queryInt(*db, "SELECT count(*) FROM t");
        QVERIFY(rows.ok());
        QCOMPARE(rows.value(), std::int64_t{1});
    }

    void statementBindingsAndColumns() {
        auto db = store::Database::open(newPath(), randomKey(), store::OpenMode::CreateIfMissing);
        QVERIFY2(db.ok(), why(db));
        QVERIFY(db->exec("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n TEXT);").ok());
        auto insert = db->prepare("INSERT INTO t VALUES (?, ?, ?, ?)");
        QVERIFY(insert.ok());
        const std::string blob("\x00\x01\xff", 3);
        insert->bind(1, std::int64_t{-5})
            .bind(2, std::string_view("text"))
            .bindBlob(3, blob)
            .bindOptional(4, std::nullopt);
        QVERIFY(insert->run().ok());
        QCOMPARE(db->lastInsertRowId(), std::int64_t{1});
        QCOMPARE(db->changes(), 1);

        auto select = db->prepare("SELECT i, s, b, n FROM t");
        QVERIFY(select.ok());
        const auto hasRow = select->step();
        QVERIFY(hasRow.ok() && hasRow.value());
        QCOMPARE(select->int64(0), std::int64_t{-5});
        QCOMPARE(select->text(1), std::string("text"));
        QVERIFY(select->blob(2) == blob);
        QVERIFY(select->isNull(3));
        QVERIFY(!select->isNull(0));

        // A parameter index out of range is reported when the statement runs.
        auto bad = db->prepare("INSERT INTO t (i) VALUES (?)");
        QVERIFY(bad.ok());
        bad->bind(5, std::int64_t{1});
        const auto ran = bad->run();
        QVERIFY(!ran.ok());

        const auto invalid = db->prepare("SELECT FROM nowhere");
        QVERIFY(!invalid.ok());
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "TestStore.moc"
