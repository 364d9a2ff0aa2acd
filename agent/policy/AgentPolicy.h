#pragma once

#include "common/Result.h"
#include "proto/agent.pb.h"

#include <filesystem>
#include <functional>
#include <optional>

namespace yagura::agent {

class AgentDetector;
class EventSpool;

// The policy this agent runs: applied from the copy in the state directory at start, before
// the agent connects (a host that reboots while the server is out of reach keeps detecting
// with its last policy), and replaced whenever the server sends a newer version.
class AgentPolicy {
public:
    // Called with every applied spec, for the collectors it configures (watched paths,
    // ransomware thresholds).
    using SpecListener = std::function<Status(const proto::PolicySpec&)>;

    AgentPolicy(std::filesystem::path stateDir, AgentDetector& detector, EventSpool* spool,
                SpecListener onSpec = {});

    // Applies the stored policy, if any; returns its version (0: none stored).
    Result<std::uint64_t> applyStored();
    // Applies and stores a policy from the server.
    Status apply(const proto::PolicyBundle& bundle);

    std::uint64_t version() const { return m_version; }
    const std::optional<proto::PolicySpec>& spec() const { return m_spec; }
    std::filesystem::path storedPath() const { return m_stateDir / "policy.pb"; }

private:
    Status activate(const proto::PolicyBundle& bundle, bool configureCollectors);

    std::filesystem::path m_stateDir;
    AgentDetector& m_detector;
    EventSpool* m_spool;
    SpecListener m_onSpec;
    std::uint64_t m_version = 0;
    std::optional<proto::PolicySpec> m_spec;
};

} // namespace yagura::agent
