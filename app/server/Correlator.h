#pragma once

#include "common/Clock.h"
#include "common/Result.h"
#include "proto/agent.pb.h"
#include "server/Site.h"
#include "server/SiteStore.h"

#include <deque>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace yagura::server {

// Server-side rules across hosts and time, which no single agent can see:
//  - the same executable, new to the site, run on several hosts within a window;
//  - repeated failed logins from one source across several hosts within a window.
// They raise alerts like the agents' (grouped per host, rule and image) with a one-line detail
// of what was seen where. Windows live in memory: a restart starts them afresh.
class Correlator {
public:
    Correlator(SiteStore& store, const Clock& clock, const ServerConfig& config);

    // Looks at a batch the store has just accepted (same transaction); returns the ids of
    // alerts raised or updated.
    // `fresh`: indexes of the batch's events stored for the first time.
    Result<std::vector<std::int64_t>> observe(std::int64_t agentId, const proto::EventBatch& batch,
                                              const std::vector<int>& fresh);

    static constexpr std::string_view kNewHashRuleId = "d9383573-26af-4492-aa39-642f6b624650";
    static constexpr std::string_view kFailedLoginsRuleId = "b4db9e3b-a6d0-4d10-b8f8-725210a8e84d";

private:
    Result<std::optional<std::int64_t>> observeExecutable(std::int64_t agentId,
                                                          const proto::TelemetryEvent& event,
                                                          const std::string& sha256);
    Result<std::optional<std::int64_t>> observeFailedLogin(std::int64_t agentId,
                                                           const proto::TelemetryEvent& event);
    Result<std::int64_t> raise(std::int64_t agentId, const proto::TelemetryEvent& trigger,
                               std::string_view ruleId, const std::string& title,
                               const std::string& level, const std::string& tags,
                               const std::string& detail);
    std::string hostList(const std::vector<std::int64_t>& agents);

    SiteStore& m_store;
    const Clock& m_clock;
    ServerConfig m_config;
    std::int64_t m_learningEndsMs = -1; // -1: not known yet
    // First sighting at the site per hash (ms); a hash older than the "new" window is done with.
    std::unordered_map<std::string, std::int64_t> m_firstSeen;
    // (hash, agent) pairs already recorded for hashes that are still new.
    std::unordered_set<std::string> m_pairs;
    struct FailedLogin {
        std::int64_t timeMs = 0;
        std::int64_t agentId = 0;
    };
    std::map<std::string, std::deque<FailedLogin>> m_failedLogins; // by source
};

} // namespace yagura::server
