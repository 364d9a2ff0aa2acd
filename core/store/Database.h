#pragma once

#include "common/Result.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace yagura::store {

// How the store is keyed: 32 random bytes from a 0600 key file (used directly, no KDF), or a
// passphrase (SQLCipher's PBKDF2 derives the key).
struct StoreKey {
    enum class Kind { Raw, Passphrase };
    Kind kind = Kind::Raw;
    std::string secret;

    static StoreKey raw(std::string bytes) { return {Kind::Raw, std::move(bytes)}; }
    static StoreKey passphrase(std::string text) { return {Kind::Passphrase, std::move(text)}; }
};

enum class OpenMode { CreateIfMissing, MustExist };

class Statement;
class Transaction;

// A numbered schema step. Versions start at 1 and increase by one; each step runs in its own
// transaction together with the user_version update, so a crash leaves a whole version.
struct Migration {
    int version;
    std::string_view sql;
};

// RAII connection to one SQLCipher database. Not thread-safe: one connection per thread.
class Database {
public:
    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;
    ~Database();

    // Opens (or creates) an encrypted store. Refuses a plaintext file, a wrong key and a
    // SQLCipher build that is not actually encrypting (empty cipher_version).
    static Result<Database> open(const std::filesystem::path& path, const StoreKey& key,
                                 OpenMode mode);

    Status exec(std::string_view sql);
    Result<Statement> prepare(std::string_view sql);
    // BEGIN IMMEDIATE takes the write lock at once, so read-then-write sequences (the audit
    // chain head) cannot interleave with another writer.
    Result<Transaction> beginImmediate();

    Result<int> schemaVersion();
    Status migrate(std::span<const Migration> migrations);

    std::int64_t lastInsertRowId() const;
    int changes() const;
    Status checkpoint();
    Result<std::string> cipherVersion();
    const std::filesystem::path& path() const { return m_path; }

    sqlite3* handle() const { return m_db; }

private:
    Database(sqlite3* db, std::filesystem::path path);
    Error lastError(std::string_view context) const;

    sqlite3* m_db = nullptr;
    std::filesystem::path m_path;
};

class Statement {
public:
    Statement(Statement&&) noexcept;
    Statement& operator=(Statement&&) noexcept;
    ~Statement();

    // Parameters are 1-based, as in SQLite.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bindBlob(int index, std::string_view bytes);
    Statement& bindNull(int index);
    Statement& bindOptional(int index, const std::optional<std::string>& text);

    // True while a row is available; false when done.
    Result<bool> step();
    // Runs to completion (for statements without rows).
    Status run();
    void reset();

    std::int64_t int64(int column) const;
    std::string text(int column) const;
    std::string blob(int column) const;
    bool isNull(int column) const;

private:
    friend class Database;
    Statement(sqlite3_stmt* statement, sqlite3* db);
    Status bindStatus() const;

    sqlite3_stmt* m_statement = nullptr;
    sqlite3* m_db = nullptr;
    int m_bindError = 0;
};

class Transaction {
public:
    Transaction(Transaction&&) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction(); // rolls back unless committed

    Status commit();

private:
    friend class Database;
    explicit Transaction(Database* db) : m_db(db) {}
    Database* m_db;
    bool m_done = false;
};

// Reads the 32-byte raw key from a key file (0600 enforced) or a passphrase file.
Result<StoreKey> loadStoreKey(const std::filesystem::path& keyFile, bool isPassphrase);

} // namespace yagura::store
