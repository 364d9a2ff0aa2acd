#pragma once

#include "common/Result.h"
#include "crypto/CurveKeys.h"
#include "proto/agent.pb.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace yagura::agent {

inline constexpr const char* kDefaultStateDir = "/var/lib/yagura-agent";

// What the agent remembers between runs, in its state directory (0700).
struct EnrolmentState {
    std::uint64_t agentId = 0;
    std::string state; // pending | accepted | rejected | revoked
    std::string serverPublicKey;
    std::vector<std::string> agentEndpoints;
    std::vector<std::string> enrolEndpoints;
    std::int64_t enrolledAt = 0;
};

// Written by `run` for `status` to read.
struct RuntimeStatus {
    std::string connection; // connected | connecting | waiting-for-approval | revoked | stopped
    std::int64_t lastContactUnix = 0;
    std::string lastError;
    std::uint64_t inventoryGeneration = 0;
    std::int64_t updatedUnix = 0;
    int pid = 0;
};

class StateDir {
public:
    explicit StateDir(std::filesystem::path root) : m_root(std::move(root)) {}

    const std::filesystem::path& root() const { return m_root; }
    std::filesystem::path keyFile() const { return m_root / "agent.key"; }
    std::filesystem::path enrolmentFile() const { return m_root / "enrolment.json"; }
    std::filesystem::path inventoryCacheFile() const { return m_root / "inventory.snapshot"; }
    std::filesystem::path statusFile() const { return m_root / "status.json"; }

    bool isEnrolled() const;
    Result<EnrolmentState> loadEnrolment() const;
    Status saveEnrolment(const EnrolmentState& state) const;
    Result<crypto::CurveKeyPair> loadKeys() const;

    // The last inventory the server acknowledged: the base of the next delta.
    Result<proto::InventorySnapshot> loadInventoryCache() const;
    Status saveInventoryCache(const proto::InventorySnapshot& snapshot) const;

    Result<RuntimeStatus> loadStatus() const;
    Status saveStatus(const RuntimeStatus& status) const;

private:
    std::filesystem::path m_root;
};

} // namespace yagura::agent
