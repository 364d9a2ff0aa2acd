#pragma once

#include "common/Clock.h"
#include "common/Result.h"
#include "crypto/CurveKeys.h"
#include "net/Zmq.h"
#include "proto/agent.pb.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace yagura::agent {

class EventSpool;

// Applies a policy the server sent (rules, watched paths, thresholds, budget) and persists it;
// an error keeps the previous policy running and is reported.
using PolicyApply = std::function<Status(const proto::PolicyBundle&)>;

// Where the session hands the server's response commands and takes the agent's reports on
// them (CommandExecutor on a real agent).
class CommandChannel {
public:
    virtual ~CommandChannel() = default;
    virtual void commandReceived(const proto::Command& command) = 0;
    // The next report the server has not acknowledged, if any.
    virtual std::optional<proto::CommandResult> nextCommandReport() = 0;
    virtual void commandReportAcknowledged(const proto::CommandResult& report) = 0;
    virtual bool isolated() const = 0;
};

struct SessionConfig {
    std::vector<std::string> endpoints;
    crypto::CurvePublicKey serverKey;
    const crypto::CurveKeyPair* keys = nullptr;
    std::string agentVersion;
    std::chrono::milliseconds replyTimeout{15000};
    std::chrono::milliseconds backoffMin{1000};
    std::chrono::milliseconds backoffMax{60000};
    std::chrono::milliseconds inventoryInterval{15 * 60 * 1000};
    std::uint64_t policyVersion = 0;
    std::int64_t bootTimeUnix = 0;
    // Telemetry to deliver; may be null (no telemetry).
    EventSpool* spool = nullptr;
    std::size_t batchEvents = 1000;
    std::size_t batchBytes = 1 << 20;
    // May be empty: then the agent reports version 0 and never asks for a policy.
    PolicyApply applyPolicy;
    // May be null: then commands are not taken (the server keeps them queued).
    CommandChannel* commands = nullptr;
};

// Collects the current inventory (the real collectors, or a simulator's).
using InventorySource = std::function<proto::Inventory()>;
// Persists the inventory the server acknowledged (the base of the next delta).
using InventoryCommit = std::function<Status(const proto::InventorySnapshot&)>;

// The agent's session with the server as a state machine driven by step(): connect, Hello,
// inventory snapshot then deltas, heartbeats, one request in flight at a time, reconnect with
// jittered exponential backoff. Time comes from the injected clock, so tests and the
// simulator can drive many sessions from one thread.
class AgentSession {
public:
    enum class State { Disconnected, AwaitingHello, Ready, Revoked };

    AgentSession(net::Context& context, SessionConfig config, const Clock& clock,
                 InventorySource inventorySource, proto::InventorySnapshot acknowledged,
                 InventoryCommit commit);

    // Waits up to `maxWait` for a reply, then handles replies and due work.
    Status step(std::chrono::milliseconds maxWait);
    // Handles a reply if one is waiting, then due work; never blocks (for many-session drivers).
    Status stepNonBlocking() { return step(std::chrono::milliseconds{0}); }

    State state() const { return m_state; }
    std::int64_t lastContactUnix() const { return m_lastContactUnix; }
    const std::string& lastError() const { return m_lastError; }
    std::uint64_t acknowledgedGeneration() const { return m_acknowledged.generation(); }
    std::uint64_t eventsDelivered() const { return m_eventsDelivered; }
    std::uint64_t agentId() const { return m_agentId; }
    std::uint64_t policyVersion() const { return m_config.policyVersion; }
    net::Socket* socket() { return m_socket ? &*m_socket : nullptr; }
    // Forces the next inventory collection to happen at once.
    void requestInventory() { m_nextInventoryMs = 0; }

private:
    struct InFlight {
        std::uint64_t seq = 0;
        proto::MessageType type = proto::MESSAGE_TYPE_UNSPECIFIED;
        std::int64_t deadlineMs = 0;
        proto::InventorySnapshot pendingInventory;         // what becomes acknowledged on ACK_OK
        proto::EventBatch pendingEvents;                   // what the spool may delete on ACK_OK
        std::optional<proto::CommandResult> pendingReport; // acknowledged on ACK_OK
    };

    Status connect();
    void disconnect(const std::string& why);
    Status send(proto::MessageType type, const google::protobuf::MessageLite& message,
                proto::InventorySnapshot pendingInventory = {},
                proto::EventBatch pendingEvents = {});
    Status sendEvents(bool& sent);
    Status handleReply(const std::string& bytes);
    Status doDueWork();
    Status sendInventory(bool forceSnapshot);
    void policyAnnounced(std::uint64_t version);
    Status handlePolicy(const proto::Envelope& envelope);
    std::uint64_t uptimeSeconds() const;

    net::Context& m_context;
    SessionConfig m_config;
    const Clock& m_clock;
    InventorySource m_inventorySource;
    InventoryCommit m_commit;
    proto::InventorySnapshot m_acknowledged;

    State m_state = State::Disconnected;
    std::optional<net::Socket> m_socket;
    std::size_t m_endpointIndex = 0;
    std::optional<InFlight> m_inFlight;
    std::uint64_t m_nextSeq = 1;
    std::uint64_t m_agentId = 0;
    std::int64_t m_reconnectAtMs = 0;
    std::chrono::milliseconds m_backoff;
    std::int64_t m_nextHeartbeatMs = 0;
    std::int64_t m_nextInventoryMs = 0;
    std::chrono::milliseconds m_heartbeatInterval{30000};
    bool m_serverNeedsSnapshot = true;
    std::int64_t m_lastContactUnix = 0;
    std::uint64_t m_eventsDelivered = 0;
    std::int64_t m_nextEventsMs = 0; // after a refused batch, wait before sending again
    std::string m_lastError;
    // The version the server says this agent should run; 0 while unknown.
    std::uint64_t m_wantedPolicy = 0;
    // A version that failed to apply is not asked for again until the server names another.
    std::uint64_t m_failedPolicy = 0;
};

} // namespace yagura::agent
