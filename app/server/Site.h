#pragma once

#include "common/Clock.h"
#include "common/Result.h"
#include "crypto/CurveKeys.h"
#include "server/SiteStore.h"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace yagura::server {

// Where a site keeps its files inside the data directory (0700).
struct SiteLayout {
    std::filesystem::path dataDir;

    std::filesystem::path store() const { return dataDir / "site.db"; }
    std::filesystem::path storeKey() const { return dataDir / "store.key"; }
    std::filesystem::path passphraseMarker() const { return dataDir / "store.passphrase-file"; }
    std::filesystem::path serverKeys() const { return dataDir / "server.key"; }
    std::filesystem::path serverPublicKey() const { return dataDir / "server.pub"; }
    std::filesystem::path signingKey() const { return dataDir / "signing.key"; }
    std::filesystem::path signingPublicKey() const { return dataDir / "signing.pub"; }
    std::filesystem::path config() const { return dataDir / "config.json"; }
    std::filesystem::path runtimeEndpoints() const { return dataDir / "run" / "endpoints.json"; }
};

struct ServerConfig {
    std::vector<std::string> agentBind{"tcp://*:7420"};
    std::vector<std::string> enrolBind{"tcp://*:7421"};
    std::vector<std::string> operatorBind{"tcp://*:7422"};
    std::uint32_t heartbeatIntervalSeconds = 30;
    std::uint32_t sessionIdleMinutes = 30;
    std::uint32_t sessionMaxHours = 12;
    // Enrolment attempts per peer address: a burst, then a steady rate. Raise them for mass
    // enrolment through a NAT or relay.
    std::uint32_t enrolBurstPerPeer = 10;
    std::uint32_t enrolPerMinutePerPeer = 12;
    // And over all peers together.
    std::uint32_t enrolBurstTotal = 100;
    std::uint32_t enrolPerSecondTotal = 20;
    // Cross-host correlation (docs/decisions.md): an executable new to the site run on
    // `hash_hosts` hosts within `hash_window_minutes`; `failed_logins` failed logins from one
    // source on `failed_login_hosts` hosts within `failed_login_window_minutes`. No new-hash
    // alert during the first `learning_hours` of the site's telemetry.
    std::uint32_t correlationHashHosts = 3;
    std::uint32_t correlationHashWindowMinutes = 60;
    std::uint32_t correlationHashNewHours = 24;
    std::uint32_t correlationLearningHours = 24;
    std::uint32_t correlationFailedLogins = 10;
    std::uint32_t correlationFailedLoginHosts = 3;
    std::uint32_t correlationFailedLoginWindowMinutes = 10;
    // A response command not delivered (or not confirmed by its agent) within this many days
    // expires, unless the operator gave it another expiry.
    std::uint32_t commandExpiryDays = 14;
};

Result<ServerConfig> loadServerConfig(const SiteLayout& layout);
Status saveServerConfig(const SiteLayout& layout, const ServerConfig& config);

struct InitOptions {
    std::filesystem::path dataDir;
    std::optional<std::filesystem::path> passphraseFile;
    std::optional<std::filesystem::path> adminPasswordFile;
};

struct InitResult {
    std::string adminPassword; // empty when taken from a file
    crypto::CurvePublicKey serverKey;
};

// Creates a new site: data dir, store key, encrypted store, server CURVE keys, site signing key
// and the first admin. Refuses to touch a directory that already holds a site.
Result<InitResult> initSite(const InitOptions& options, const Clock& clock);

// Opens an existing site's store with its key (file or passphrase, as chosen at init).
Result<SiteStore> openSiteStore(const SiteLayout& layout, const Clock& clock);

struct TokenOptions {
    std::vector<std::string> agentEndpoints;
    std::vector<std::string> enrolEndpoints;
    std::chrono::seconds validFor{24 * 3600};
    std::int64_t uses = 1;
    std::string group;
    bool autoAccept = false;
    std::string createdBy;
};

// Creates an enrolment token and returns its text form (YGT1....).
Result<std::string> createEnrolmentToken(const SiteLayout& layout, SiteStore& store,
                                         const TokenOptions& options);

struct RuntimeEndpoints {
    std::vector<std::string> agent;
    std::vector<std::string> enrol;
    std::vector<std::string> operatorApi;
};
Result<RuntimeEndpoints> loadRuntimeEndpoints(const SiteLayout& layout);
Status saveRuntimeEndpoints(const SiteLayout& layout, const RuntimeEndpoints& endpoints);

// "tcp://*:7420" and "tcp://0.0.0.0:7420" are not addresses an agent can dial; they become the
// loopback address (the operator passes --endpoint for remote agents).
std::string dialableEndpoint(const std::string& boundEndpoint);

} // namespace yagura::server
