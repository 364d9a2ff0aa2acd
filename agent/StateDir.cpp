#include "agent/StateDir.h"

#include "common/Files.h"

#include <nlohmann/json.hpp>

namespace yagura::agent {

namespace {
using json = nlohmann::json;

Result<json> readJson(const std::filesystem::path& path) {
    YAGURA_ASSIGN_OR_RETURN(const std::string content, files::readFile(path, 1 << 20));
    try {
        return json::parse(content);
    } catch (const json::exception&) {
        return makeError(ErrorCode::Corrupt, path.string() + " is corrupt (not valid JSON)");
    }
}
} // namespace

bool StateDir::isEnrolled() const {
    std::error_code ec;
    return std::filesystem::exists(enrolmentFile(), ec) && std::filesystem::exists(keyFile(), ec);
}

Result<EnrolmentState> StateDir::loadEnrolment() const {
    if (!isEnrolled())
        return makeError(ErrorCode::NotFound, "this agent is not enrolled (no enrolment in " +
                                                  m_root.string() +
                                                  "); run 'yagura-agent enroll --token ...' first");
    YAGURA_ASSIGN_OR_RETURN(const json value, readJson(enrolmentFile()));
    EnrolmentState state;
    try {
        state.agentId = value.at("agent_id").get<std::uint64_t>();
        state.state = value.at("state").get<std::string>();
        state.serverPublicKey = value.at("server_public_key").get<std::string>();
        state.agentEndpoints = value.at("agent_endpoints").get<std::vector<std::string>>();
        state.enrolEndpoints = value.at("enrol_endpoints").get<std::vector<std::string>>();
        state.enrolledAt = value.value("enrolled_at", std::int64_t{0});
    } catch (const json::exception&) {
        return makeError(ErrorCode::Corrupt,
                         enrolmentFile().string() + " is corrupt (missing or wrong fields)");
    }
    if (!crypto::CurvePublicKey::parse(state.serverPublicKey).ok() || state.agentEndpoints.empty())
        return makeError(ErrorCode::Corrupt, enrolmentFile().string() + " is corrupt");
    return state;
}

Status StateDir::saveEnrolment(const EnrolmentState& state) const {
    const json value = {{"agent_id", state.agentId},
                        {"state", state.state},
                        {"server_public_key", state.serverPublicKey},
                        {"agent_endpoints", state.agentEndpoints},
                        {"enrol_endpoints", state.enrolEndpoints},
                        {"enrolled_at", state.enrolledAt}};
    return files::writeFileAtomic(enrolmentFile(), value.dump(2) + "\n", 0600);
}

Result<crypto::CurveKeyPair> StateDir::loadKeys() const {
    return crypto::CurveKeyPair::load(keyFile());
}

Result<proto::InventorySnapshot> StateDir::loadInventoryCache() const {
    std::error_code ec;
    proto::InventorySnapshot snapshot;
    if (!std::filesystem::exists(inventoryCacheFile(), ec))
        return snapshot;
    YAGURA_ASSIGN_OR_RETURN(const std::string bytes,
                            files::readFile(inventoryCacheFile(), 256u << 20));
    if (!snapshot.ParseFromString(bytes))
        return makeError(ErrorCode::Corrupt, inventoryCacheFile().string() + " is corrupt");
    return snapshot;
}

Status StateDir::saveInventoryCache(const proto::InventorySnapshot& snapshot) const {
    return files::writeFileAtomic(inventoryCacheFile(), snapshot.SerializeAsString(), 0600);
}

Result<RuntimeStatus> StateDir::loadStatus() const {
    YAGURA_ASSIGN_OR_RETURN(const json value, readJson(statusFile()));
    RuntimeStatus status;
    status.connection = value.value("connection", std::string{});
    status.lastContactUnix = value.value("last_contact_unix", std::int64_t{0});
    status.lastError = value.value("last_error", std::string{});
    status.inventoryGeneration = value.value("inventory_generation", std::uint64_t{0});
    status.updatedUnix = value.value("updated_unix", std::int64_t{0});
    status.pid = value.value("pid", 0);
    return status;
}

Status StateDir::saveStatus(const RuntimeStatus& status) const {
    const json value = {
        {"connection", status.connection},    {"last_contact_unix", status.lastContactUnix},
        {"last_error", status.lastError},     {"inventory_generation", status.inventoryGeneration},
        {"updated_unix", status.updatedUnix}, {"pid", status.pid}};
    return files::writeFileAtomic(statusFile(), value.dump(2) + "\n", 0600);
}

} // namespace yagura::agent
