#include "server/Site.h"

#include "common/Files.h"
#include "common/Text.h"
#include "crypto/EnrolmentToken.h"
#include "crypto/Hash.h"
#include "crypto/PasswordHash.h"
#include "crypto/Random.h"
#include "crypto/SigningKey.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

namespace yagura::server {

namespace {
using json = nlohmann::json;

Result<json> readJson(const std::filesystem::path& path) {
    YAGURA_ASSIGN_OR_RETURN(const std::string content, files::readFile(path, 1 << 20));
    try {
        return json::parse(content);
    } catch (const json::exception& error) {
        return makeError(ErrorCode::Corrupt, path.string() + " is not valid JSON: " + error.what());
    }
}

std::vector<std::string> stringList(const json& value, const char* key,
                                    std::vector<std::string> fallback) {
    if (!value.contains(key) || !value[key].is_array())
        return fallback;
    std::vector<std::string> out;
    for (const auto& item : value[key])
        if (item.is_string())
            out.push_back(item.get<std::string>());
    return out.empty() ? fallback : out;
}
} // namespace

Result<ServerConfig> loadServerConfig(const SiteLayout& layout) {
    ServerConfig config;
    std::error_code ec;
    if (!std::filesystem::exists(layout.config(), ec))
        return config;
    YAGURA_ASSIGN_OR_RETURN(const json value, readJson(layout.config()));
    if (!value.is_object())
        return makeError(ErrorCode::Corrupt, layout.config().string() + " must hold a JSON object");
    try {
        config.agentBind = stringList(value, "agent_bind", config.agentBind);
        config.enrolBind = stringList(value, "enrol_bind", config.enrolBind);
        config.operatorBind = stringList(value, "operator_bind", config.operatorBind);
        config.heartbeatIntervalSeconds =
            value.value("heartbeat_interval_seconds", config.heartbeatIntervalSeconds);
        config.sessionIdleMinutes = value.value("session_idle_minutes", config.sessionIdleMinutes);
        config.sessionMaxHours = value.value("session_max_hours", config.sessionMaxHours);
        config.enrolBurstPerPeer = value.value("enrol_burst_per_peer", config.enrolBurstPerPeer);
        config.enrolPerMinutePerPeer =
            value.value("enrol_per_minute_per_peer", config.enrolPerMinutePerPeer);
        config.enrolBurstTotal = value.value("enrol_burst_total", config.enrolBurstTotal);
        config.enrolPerSecondTotal =
            value.value("enrol_per_second_total", config.enrolPerSecondTotal);
        config.correlationHashHosts =
            value.value("correlation_hash_hosts", config.correlationHashHosts);
        config.correlationHashWindowMinutes =
            value.value("correlation_hash_window_minutes", config.correlationHashWindowMinutes);
        config.correlationHashNewHours =
            value.value("correlation_hash_new_hours", config.correlationHashNewHours);
        config.correlationLearningHours =
            value.value("correlation_learning_hours", config.correlationLearningHours);
        config.correlationFailedLogins =
            value.value("correlation_failed_logins", config.correlationFailedLogins);
        config.correlationFailedLoginHosts =
            value.value("correlation_failed_login_hosts", config.correlationFailedLoginHosts);
        config.correlationFailedLoginWindowMinutes = value.value(
            "correlation_failed_login_window_minutes", config.correlationFailedLoginWindowMinutes);
        config.commandExpiryDays = value.value("command_expiry_days", config.commandExpiryDays);
    } catch (const json::exception& error) {
        return makeError(ErrorCode::Corrupt, layout.config().string() +
                                                 " has a value of the wrong type: " + error.what());
    }
    if (config.heartbeatIntervalSeconds < 1 || config.heartbeatIntervalSeconds > 3600)
        return makeError(ErrorCode::InvalidArgument,
                         "heartbeat_interval_seconds must be between 1 and 3600");
    if (config.correlationHashHosts < 2 || config.correlationFailedLoginHosts < 1 ||
        config.correlationFailedLogins < 2 || config.correlationHashWindowMinutes < 1 ||
        config.correlationFailedLoginWindowMinutes < 1)
        return makeError(ErrorCode::InvalidArgument,
                         "correlation thresholds: at least 2 hosts for hashes, 2 failed logins, "
                         "1 host and 1-minute windows");
    if (config.commandExpiryDays < 1 || config.commandExpiryDays > 365)
        return makeError(ErrorCode::InvalidArgument,
                         "command_expiry_days must be between 1 and 365");
    return config;
}

Status saveServerConfig(const SiteLayout& layout, const ServerConfig& config) {
    const json value = {
        {"agent_bind", config.agentBind},
        {"enrol_bind", config.enrolBind},
        {"operator_bind", config.operatorBind},
        {"heartbeat_interval_seconds", config.heartbeatIntervalSeconds},
        {"session_idle_minutes", config.sessionIdleMinutes},
        {"session_max_hours", config.sessionMaxHours},
        {"enrol_burst_per_peer", config.enrolBurstPerPeer},
        {"enrol_per_minute_per_peer", config.enrolPerMinutePerPeer},
        {"enrol_burst_total", config.enrolBurstTotal},
        {"enrol_per_second_total", config.enrolPerSecondTotal},
        {"correlation_hash_hosts", config.correlationHashHosts},
        {"correlation_hash_window_minutes", config.correlationHashWindowMinutes},
        {"correlation_hash_new_hours", config.correlationHashNewHours},
        {"correlation_learning_hours", config.correlationLearningHours},
        {"correlation_failed_logins", config.correlationFailedLogins},
        {"correlation_failed_login_hosts", config.correlationFailedLoginHosts},
        {"command_expiry_days", config.commandExpiryDays},
        {"correlation_failed_login_window_minutes", config.correlationFailedLoginWindowMinutes},
    };
    return files::writeFileAtomic(layout.config(), value.dump(2) + "\n", 0600);
}

namespace {
Result<InitResult> initSiteFiles(const InitOptions& options, const Clock& clock);
} // namespace

Result<InitResult> initSite(const InitOptions& options, const Clock& clock) {
    const SiteLayout layout{options.dataDir};
    std::error_code ec;
    const bool dirExisted = std::filesystem::exists(options.dataDir, ec);
    if (dirExisted && (std::filesystem::exists(layout.store(), ec) ||
                       std::filesystem::exists(layout.serverKeys(), ec)))
        return makeError(ErrorCode::AlreadyExists, options.dataDir.string() +
                                                       " already holds a Yagura site; refusing to "
                                                       "overwrite it");
    auto result = initSiteFiles(options, clock);
    if (!result.ok()) {
        // Leave the disk as it was: remove what this attempt created.
        if (!dirExisted) {
            std::filesystem::remove_all(options.dataDir, ec);
        } else {
            for (const auto& path :
                 {layout.store(), std::filesystem::path(layout.store().string() + "-wal"),
                  std::filesystem::path(layout.store().string() + "-shm"), layout.storeKey(),
                  layout.passphraseMarker(), layout.serverKeys(), layout.serverPublicKey(),
                  layout.signingKey(), layout.signingPublicKey(), layout.config()})
                std::filesystem::remove(path, ec);
        }
    }
    return result;
}

namespace {
Result<InitResult> initSiteFiles(const InitOptions& options, const Clock& clock) {
    const SiteLayout layout{options.dataDir};
    std::error_code ec;
    if (std::filesystem::exists(layout.store(), ec) ||
        std::filesystem::exists(layout.serverKeys(), ec))
        return makeError(ErrorCode::AlreadyExists, options.dataDir.string() +
                                                       " already holds a Yagura site; refusing to "
                                                       "overwrite it");

    // Read every input before writing anything, so a bad argument changes nothing on disk.
    std::string adminPassword;
    bool passwordFromFile = false;
    if (options.adminPasswordFile) {
        YAGURA_ASSIGN_OR_RETURN(const std::string content,
                                files::readFile(*options.adminPasswordFile, 4096));
        adminPassword = std::string(text::trim(content));
        if (adminPassword.size() < 12)
            return makeError(ErrorCode::InvalidArgument, "the admin password in " +
                                                             options.adminPasswordFile->string() +
                                                             " must be at least 12 characters");
        passwordFromFile = true;
    } else {
        YAGURA_ASSIGN_OR_RETURN(adminPassword, crypto::randomPassword(20));
    }
    std::optional<store::StoreKey> passphraseKey;
    if (options.passphraseFile) {
        YAGURA_ASSIGN_OR_RETURN(passphraseKey, store::loadStoreKey(*options.passphraseFile, true));
    }
    YAGURA_ASSIGN_OR_RETURN(const auto serverKeys, crypto::CurveKeyPair::generate());
    YAGURA_ASSIGN_OR_RETURN(const auto signingKey, crypto::SigningKey::generate());
    YAGURA_ASSIGN_OR_RETURN(const std::string passwordHash, crypto::hashPassword(adminPassword));

    YAGURA_TRY(files::ensureDirectory(options.dataDir, 0700));
    YAGURA_TRY(files::ensureDirectory(options.dataDir / "run", 0700));
    store::StoreKey key;
    if (passphraseKey) {
        key = *passphraseKey;
        YAGURA_TRY(files::writeFileAtomic(
            layout.passphraseMarker(),
            std::filesystem::absolute(*options.passphraseFile).string() + "\n", 0600));
    } else {
        YAGURA_ASSIGN_OR_RETURN(const std::string raw, crypto::randomBytes(32));
        YAGURA_TRY(files::writeFileAtomic(layout.storeKey(), text::toHex(raw) + "\n", 0600));
        key = store::StoreKey::raw(raw);
    }
    YAGURA_TRY(serverKeys.save(layout.serverKeys()));
    YAGURA_TRY(crypto::savePublicKey(serverKeys.publicKey(), layout.serverPublicKey()));
    YAGURA_TRY(signingKey.save(layout.signingKey(), layout.signingPublicKey()));
    YAGURA_TRY(saveServerConfig(layout, ServerConfig{}));

    YAGURA_ASSIGN_OR_RETURN(auto siteStore, SiteStore::open(layout.store(), key, clock,
                                                            store::OpenMode::CreateIfMissing));
    YAGURA_ASSIGN_OR_RETURN(auto transaction, siteStore.database().beginImmediate());
    YAGURA_TRY(siteStore.insertUser({"admin", Role::Admin, passwordHash, false}));
    YAGURA_TRY(siteStore.audit({"system", "site.init", options.dataDir.string(), "ok",
                                "server key " + serverKeys.publicKey().fingerprint()}));
    YAGURA_TRY(siteStore.audit({"system", "user.create", "admin", "ok", "role admin"}));
    YAGURA_TRY(transaction.commit());

    InitResult result;
    result.adminPassword = passwordFromFile ? std::string{} : adminPassword;
    result.serverKey = serverKeys.publicKey();
    return result;
}
} // namespace

Result<SiteStore> openSiteStore(const SiteLayout& layout, const Clock& clock) {
    std::error_code ec;
    if (!std::filesystem::exists(layout.store(), ec))
        return makeError(ErrorCode::NotFound, "no Yagura site in " + layout.dataDir.string() +
                                                  " (run 'yagura-server init --data-dir " +
                                                  layout.dataDir.string() + "' first)");
    store::StoreKey key;
    if (std::filesystem::exists(layout.passphraseMarker(), ec)) {
        YAGURA_ASSIGN_OR_RETURN(const std::string marker,
                                files::readFile(layout.passphraseMarker(), 4096));
        YAGURA_ASSIGN_OR_RETURN(key, store::loadStoreKey(std::string(text::trim(marker)), true));
    } else {
        if (!std::filesystem::exists(layout.storeKey(), ec))
            return makeError(ErrorCode::NotFound,
                             "the store key " + layout.storeKey().string() +
                                 " is missing; the store cannot be opened without it");
        YAGURA_ASSIGN_OR_RETURN(key, store::loadStoreKey(layout.storeKey(), false));
    }
    return SiteStore::open(layout.store(), key, clock, store::OpenMode::MustExist);
}

Result<std::string> createEnrolmentToken(const SiteLayout& layout, SiteStore& store,
                                         const TokenOptions& options) {
    if (options.uses < 1 || options.uses > 1'000'000)
        return makeError(ErrorCode::InvalidArgument, "--uses must be between 1 and 1000000");
    if (options.agentEndpoints.empty() || options.enrolEndpoints.empty())
        return makeError(ErrorCode::InvalidArgument, "a token needs at least one endpoint");
    YAGURA_ASSIGN_OR_RETURN(const auto serverKey, crypto::loadPublicKey(layout.serverPublicKey()));
    YAGURA_ASSIGN_OR_RETURN(const std::string idBytes, crypto::randomBytes(8));
    YAGURA_ASSIGN_OR_RETURN(const std::string secret, crypto::randomBytes(32));
    const std::int64_t now = store.clock().nowUnixSeconds();

    TokenRecord record;
    record.id = text::toHex(idBytes);
    record.secretHash = crypto::sha256(secret);
    record.createdAt = now;
    record.expiresAt = now + options.validFor.count();
    record.usesAllowed = options.uses;
    record.group = options.group;
    record.autoAccept = options.autoAccept;

    YAGURA_ASSIGN_OR_RETURN(auto transaction, store.database().beginImmediate());
    YAGURA_TRY(store.insertToken(record, options.createdBy));
    YAGURA_TRY(store.audit({options.createdBy, "token.create", record.id, "ok",
                            "uses " + std::to_string(options.uses) + ", expires " +
                                text::isoTimeUtc(record.expiresAt) +
                                (options.group.empty() ? "" : ", group " + options.group) +
                                (options.autoAccept ? ", auto-accept" : "")}));
    YAGURA_TRY(transaction.commit());

    proto::EnrolmentToken token;
    token.set_format_version(1);
    for (const auto& endpoint : options.enrolEndpoints)
        token.add_enrol_endpoints(endpoint);
    for (const auto& endpoint : options.agentEndpoints)
        token.add_agent_endpoints(endpoint);
    token.set_server_public_key(serverKey.z85());
    token.set_token_id(record.id);
    token.set_secret(secret);
    token.set_expires_at_unix(static_cast<std::uint64_t>(record.expiresAt));
    return crypto::encodeEnrolmentToken(token);
}

Result<RuntimeEndpoints> loadRuntimeEndpoints(const SiteLayout& layout) {
    YAGURA_ASSIGN_OR_RETURN(const json value, readJson(layout.runtimeEndpoints()));
    RuntimeEndpoints endpoints;
    endpoints.agent = stringList(value, "agent", {});
    endpoints.enrol = stringList(value, "enrol", {});
    endpoints.operatorApi = stringList(value, "operator", {});
    return endpoints;
}

Status saveRuntimeEndpoints(const SiteLayout& layout, const RuntimeEndpoints& endpoints) {
    YAGURA_TRY(files::ensureDirectory(layout.runtimeEndpoints().parent_path(), 0700));
    const json value = {{"agent", endpoints.agent},
                        {"enrol", endpoints.enrol},
                        {"operator", endpoints.operatorApi},
                        {"pid", ::getpid()}};
    return files::writeFileAtomic(layout.runtimeEndpoints(), value.dump(2) + "\n", 0644);
}

std::string dialableEndpoint(const std::string& boundEndpoint) {
    for (const std::string wildcard : {"tcp://*:", "tcp://0.0.0.0:"})
        if (text::startsWith(boundEndpoint, wildcard))
            return "tcp://127.0.0.1:" + boundEndpoint.substr(wildcard.size());
    if (text::startsWith(boundEndpoint, "tcp://[::]:"))
        return "tcp://[::1]:" + boundEndpoint.substr(11);
    return boundEndpoint;
}

} // namespace yagura::server
