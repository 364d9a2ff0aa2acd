#pragma once

#include "server/SiteStore.h"

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace yagura::server {

// The agents' keys and states in memory, shared by the ZAP thread (admission) and the server
// thread (per-message authorisation). The store stays the source of truth; this mirrors it.
class AgentRegistry {
public:
    struct Entry {
        std::int64_t id = 0;
        AgentState state = AgentState::Pending;
    };

    void set(const std::string& publicKey, Entry entry) {
        std::unique_lock lock(m_mutex);
        m_entries[publicKey] = entry;
    }
    std::optional<Entry> find(const std::string& publicKey) const {
        std::shared_lock lock(m_mutex);
        const auto it = m_entries.find(publicKey);
        if (it == m_entries.end())
            return std::nullopt;
        return it->second;
    }
    bool isAccepted(const std::string& publicKey) const {
        const auto entry = find(publicKey);
        return entry && entry->state == AgentState::Accepted;
    }

private:
    mutable std::shared_mutex m_mutex;
    std::unordered_map<std::string, Entry> m_entries;
};

} // namespace yagura::server
