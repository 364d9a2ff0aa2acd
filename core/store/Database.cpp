#include "store/Database.h"

#include "common/Files.h"
#include "common/Text.h"

#include <sqlcipher/sqlite3.h>

#include <cstring>

namespace yagura::store {

namespace {
constexpr char kPlaintextHeader[] = "SQLite format 3";

// Reads the file header through SQLite's own file handle. Opening the file separately would be
// a bug: closing any descriptor of a file drops every POSIX lock the process holds on it, which
// silently breaks SQLite's locking for all connections of the process.
bool fileLooksPlaintext(sqlite3* db) {
    sqlite3_file* file = nullptr;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
        file == nullptr || file->pMethods == nullptr)
        return false;
    char header[16] = {};
    if (file->pMethods->xRead(file, header, sizeof header, 0) != SQLITE_OK)
        return false; // empty or short file: nothing written yet
    return std::memcmp(header, kPlaintextHeader, sizeof header) == 0;
}
} // namespace

Database::Database(sqlite3* db, std::filesystem::path path) : m_db(db), m_path(std::move(path)) {}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        if (m_db)
            sqlite3_close_v2(m_db);
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
    }
    return *this;
}

Database::~Database() {
    if (m_db)
        sqlite3_close_v2(m_db);
}

Error Database::lastError(std::string_view context) const {
    return makeError(ErrorCode::Io, std::string(context) + ": " + sqlite3_errmsg(m_db));
}

Result<Database> Database::open(const std::filesystem::path& path, const StoreKey& key,
                                OpenMode mode) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    if (!exists && mode == OpenMode::MustExist)
        return makeError(ErrorCode::NotFound, "store " + path.string() + " does not exist");
    if (key.secret.empty())
        return makeError(ErrorCode::InvalidArgument, "the store key is empty");

    sqlite3* raw = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX |
                      (mode == OpenMode::CreateIfMissing ? SQLITE_OPEN_CREATE : 0);
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Database db(raw, path);
    if (rc != SQLITE_OK)
        return makeError(ErrorCode::Io, "cannot open store " + path.string() + ": " +
                                            (raw ? sqlite3_errmsg(raw) : "out of memory"));
    if (exists && fileLooksPlaintext(raw))
        return makeError(ErrorCode::Corrupt, "store " + path.string() +
                                                 " is an unencrypted SQLite file; refusing to "
                                                 "use it");

    // The raw key form x'<64 hex>' bypasses the KDF: the key file already holds 256 random bits.
    const std::string keyText =
        key.kind == StoreKey::Kind::Raw ? "x'" + text::toHex(key.secret) + "'" : key.secret;
    if (key.kind == StoreKey::Kind::Raw && key.secret.size() != 32)
        return makeError(ErrorCode::InvalidArgument, "the store key must be 32 bytes");
    if (sqlite3_key(raw, keyText.data(), static_cast<int>(keyText.size())) != SQLITE_OK)
        return db.lastError("cannot key store " + path.string());

    auto version = db.cipherVersion();
    if (!version.ok() || version->empty())
        return makeError(ErrorCode::Crypto,
                         "this build's SQLite has no SQLCipher encryption; refusing to open the "
                         "store");

    // Reading the schema is the first access that decrypts a page: a wrong key fails here.
    if (sqlite3_exec(raw, "SELECT count(*) FROM sqlite_master;", nullptr, nullptr, nullptr) !=
        SQLITE_OK)
        return makeError(ErrorCode::Unauthenticated,
                         "cannot open store " + path.string() +
                             ": the key is wrong or the file is not a Yagura store");

    YAGURA_TRY(db.exec("PRAGMA journal_mode = WAL;"));
    YAGURA_TRY(db.exec("PRAGMA synchronous = FULL;"));
    YAGURA_TRY(db.exec("PRAGMA foreign_keys = ON;"));
    YAGURA_TRY(db.exec("PRAGMA secure_delete = ON;"));
    // REPLACE then fires DELETE triggers, so append-only tables cannot be rewritten that way.
    YAGURA_TRY(db.exec("PRAGMA recursive_triggers = ON;"));
    sqlite3_busy_timeout(raw, 10000);

    // Self-check on the file itself: after the first write the header must be ciphertext.
    YAGURA_TRY(db.exec("CREATE TABLE IF NOT EXISTS store_identity (id INTEGER PRIMARY KEY CHECK "
                       "(id = 1), created_at INTEGER NOT NULL);"
                       "INSERT OR IGNORE INTO store_identity VALUES (1, strftime('%s','now'));"));
    YAGURA_TRY(db.checkpoint());
    if (fileLooksPlaintext(raw))
        return makeError(ErrorCode::Crypto,
                         "store " + path.string() + " was written unencrypted; refusing to use it");
    return db;
}

Status Database::exec(std::string_view sql) {
    const std::string text(sql);
    char* message = nullptr;
    if (sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string why = message ? message : sqlite3_errmsg(m_db);
        sqlite3_free(message);
        return makeError(ErrorCode::Io, "store: " + why);
    }
    return success();
}

Result<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &statement, nullptr) !=
        SQLITE_OK)
        return lastError("store: cannot prepare statement");
    return Statement(statement, m_db);
}

Result<Transaction> Database::beginImmediate() {
    YAGURA_TRY(exec("BEGIN IMMEDIATE;"));
    return Transaction(this);
}

Result<int> Database::schemaVersion() {
    YAGURA_ASSIGN_OR_RETURN(Statement statement, prepare("PRAGMA user_version;"));
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, statement.step());
    if (!hasRow)
        return makeError(ErrorCode::Io, "store: cannot read the schema version");
    return static_cast<int>(statement.int64(0));
}

Status Database::migrate(std::span<const Migration> migrations) {
    YAGURA_ASSIGN_OR_RETURN(const int current, schemaVersion());
    const int latest = migrations.empty() ? 0 : migrations.back().version;
    if (current > latest)
        return makeError(ErrorCode::Conflict, "store schema version " + std::to_string(current) +
                                                  " is newer than this program understands (" +
                                                  std::to_string(latest) + "); upgrade Yagura");
    for (const Migration& step : migrations) {
        if (step.version <= current)
            continue;
        YAGURA_ASSIGN_OR_RETURN(Transaction transaction, beginImmediate());
        YAGURA_TRY(exec(step.sql));
        YAGURA_TRY(exec("PRAGMA user_version = " + std::to_string(step.version) + ";"));
        YAGURA_TRY(transaction.commit());
    }
    return success();
}

std::int64_t Database::lastInsertRowId() const {
    return sqlite3_last_insert_rowid(m_db);
}
int Database::changes() const {
    return sqlite3_changes(m_db);
}

Status Database::checkpoint() {
    if (sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) !=
        SQLITE_OK)
        return lastError("store: checkpoint failed");
    return success();
}

Result<std::string> Database::cipherVersion() {
    YAGURA_ASSIGN_OR_RETURN(Statement statement, prepare("PRAGMA cipher_version;"));
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, statement.step());
    return hasRow ? statement.text(0) : std::string{};
}

// ---- Statement ----------------------------------------------------------------------------

Statement::Statement(sqlite3_stmt* statement, sqlite3* db) : m_statement(statement), m_db(db) {}

Statement::Statement(Statement&& other) noexcept
    : m_statement(std::exchange(other.m_statement, nullptr)), m_db(other.m_db),
      m_bindError(other.m_bindError) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        if (m_statement)
            sqlite3_finalize(m_statement);
        m_statement = std::exchange(other.m_statement, nullptr);
        m_db = other.m_db;
        m_bindError = other.m_bindError;
    }
    return *this;
}

Statement::~Statement() {
    if (m_statement)
        sqlite3_finalize(m_statement);
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (const int rc = sqlite3_bind_int64(m_statement, index, value); rc != SQLITE_OK)
        m_bindError = rc;
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    // A default string_view has no data pointer, which SQLite would bind as NULL, not ''.
    if (text.data() == nullptr)
        text = "";
    if (const int rc = sqlite3_bind_text64(m_statement, index, text.data(), text.size(),
                                           SQLITE_TRANSIENT, SQLITE_UTF8);
        rc != SQLITE_OK)
        m_bindError = rc;
    return *this;
}

Statement& Statement::bindBlob(int index, std::string_view bytes) {
    if (const int rc =
            sqlite3_bind_blob64(m_statement, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
        rc != SQLITE_OK)
        m_bindError = rc;
    return *this;
}

Statement& Statement::bindNull(int index) {
    if (const int rc = sqlite3_bind_null(m_statement, index); rc != SQLITE_OK)
        m_bindError = rc;
    return *this;
}

Statement& Statement::bindOptional(int index, const std::optional<std::string>& text) {
    return text ? bind(index, std::string_view(*text)) : bindNull(index);
}

Status Statement::bindStatus() const {
    if (m_bindError != SQLITE_OK)
        return makeError(ErrorCode::Internal, std::string("store: cannot bind a parameter: ") +
                                                  sqlite3_errstr(m_bindError));
    return success();
}

Result<bool> Statement::step() {
    YAGURA_TRY(bindStatus());
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    if (rc == SQLITE_CONSTRAINT)
        return makeError(ErrorCode::Conflict, std::string("store: ") + sqlite3_errmsg(m_db));
    if (rc == SQLITE_FULL)
        return makeError(ErrorCode::Io, "store: the disk is full; nothing was written");
    return makeError(ErrorCode::Io, std::string("store: ") + sqlite3_errmsg(m_db));
}

Status Statement::run() {
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, step());
        if (!hasRow)
            return success();
    }
}

void Statement::reset() {
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    m_bindError = SQLITE_OK;
}

std::int64_t Statement::int64(int column) const {
    return sqlite3_column_int64(m_statement, column);
}

std::string Statement::text(int column) const {
    const auto* data = sqlite3_column_text(m_statement, column);
    const int size = sqlite3_column_bytes(m_statement, column);
    return data ? std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size))
                : std::string{};
}

std::string Statement::blob(int column) const {
    const void* data = sqlite3_column_blob(m_statement, column);
    const int size = sqlite3_column_bytes(m_statement, column);
    return data ? std::string(static_cast<const char*>(data), static_cast<std::size_t>(size))
                : std::string{};
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

// ---- Transaction --------------------------------------------------------------------------

Transaction::Transaction(Transaction&& other) noexcept
    : m_db(other.m_db), m_done(std::exchange(other.m_done, true)) {}

Transaction::~Transaction() {
    if (!m_done && m_db)
        (void)m_db->exec("ROLLBACK;");
}

Status Transaction::commit() {
    m_done = true;
    auto status = m_db->exec("COMMIT;");
    if (!status.ok())
        (void)m_db->exec("ROLLBACK;");
    return status;
}

Result<StoreKey> loadStoreKey(const std::filesystem::path& keyFile, bool isPassphrase) {
    YAGURA_TRY(files::checkPrivateFile(keyFile));
    YAGURA_ASSIGN_OR_RETURN(const std::string content, files::readFile(keyFile, 4096));
    if (isPassphrase) {
        std::string passphrase(text::trim(content));
        if (passphrase.size() < 12)
            return makeError(ErrorCode::InvalidArgument, "the passphrase in " + keyFile.string() +
                                                             " is shorter than 12 characters");
        return StoreKey::passphrase(std::move(passphrase));
    }
    auto raw = text::fromHex(text::trim(content));
    if (!raw.ok() || raw->size() != 32)
        return makeError(ErrorCode::Corrupt, "store key file " + keyFile.string() +
                                                 " is corrupt: expected 64 hex characters");
    return StoreKey::raw(std::move(raw).value());
}

} // namespace yagura::store
