#pragma once

#include "common/Result.h"
#include "proto/agent.pb.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace yagura::agent {

// Host isolation with nftables (libnftables): Yagura's own table, put in force, checked and
// removed as single kernel transactions. Other tables (the host's firewall, iptables-nft) are
// never read or touched. The isolation in force is kept in `stateFile` so that a restarted
// agent (or a rebooted host) applies it again before it connects anywhere.
class Isolation {
public:
    explicit Isolation(std::filesystem::path stateFile);

    // Puts `spec` in force for `commandId`: resolves the server's names (the agent's own
    // endpoints are added: they are how it reaches the server), writes the table in one
    // transaction, then remembers it. An error leaves the previous state as it was.
    Status apply(const proto::IsolationSpec& spec, const std::vector<std::string>& ownEndpoints,
                 std::uint64_t commandId, std::int64_t nowUnixMs);
    // Removes Yagura's table (and only it) and forgets the isolation. Not isolated: no error.
    Status release();
    // Undoes the isolation of `commandId` if it is the one in force: the isolation it replaced
    // comes back, or, when it replaced none, the table goes. Anything else: nothing changes.
    Status rollback(std::uint64_t commandId);
    // At agent start: applies the remembered isolation again. False when there is none.
    Result<bool> restore();
    // Compares the table with what was applied; when it was changed or removed, applies it
    // again and says what was found ("" when intact, or not isolated).
    Result<std::string> verifyAndRepair();

    bool active() const { return m_state.has_value(); }
    const std::optional<proto::IsolationState>& state() const { return m_state; }

    // `nft list table inet yagura_isolation`; NotFound when the table does not exist.
    static Result<std::string> listTable();

private:
    Status putInForce(const proto::IsolationState& state);

    std::filesystem::path m_stateFile;
    std::optional<proto::IsolationState> m_state;
    std::string m_expectedListing; // the table as the kernel showed it right after applying
};

} // namespace yagura::agent
