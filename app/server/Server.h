#pragma once

#include "common/Clock.h"
#include "common/Result.h"
#include "crypto/CurveKeys.h"
#include "net/ZapHandler.h"
#include "net/Zmq.h"
#include "server/AgentRegistry.h"
#include "server/Correlator.h"
#include "server/PolicyService.h"
#include "server/RateLimiter.h"
#include "server/Site.h"
#include "server/SiteStore.h"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <unordered_map>
#include <unordered_set>

namespace yagura::server {

struct ServerOptions {
    SiteLayout layout;
    ServerConfig config;
    const Clock* clock = &SystemClock::instance();
    std::int64_t agentMaxMessageBytes = 16 << 20;
    std::int64_t enrolMaxMessageBytes = 64 << 10;
    std::int64_t operatorMaxMessageBytes = 4 << 20; // a rule import chunk is up to ~1.5 MiB
    int ioThreads = 1;
    int maxSockets = 1024;
};

// Binds a CURVE ROUTER only when the ZAP handler answers: without one libzmq would let every
// client in unauthenticated.
Result<std::vector<std::string>> bindCurveEndpoint(net::Socket& socket, net::ZapHandler& zap,
                                                   const std::vector<std::string>& endpoints);

class OperatorService;

// The site engine: one thread owns the store and the three endpoints; the ZAP handler runs on
// its own thread and reads the agent registry.
class Server {
public:
    static Result<std::unique_ptr<Server>> create(ServerOptions options);
    ~Server();

    // Starts ZAP, checks it answers, binds every endpoint and publishes them.
    Status start();
    // Handles whatever arrives within `timeout`, then periodic work.
    Status pollOnce(std::chrono::milliseconds timeout);
    Status run(const std::atomic<bool>& stopRequested);

    const RuntimeEndpoints& endpoints() const { return m_endpoints; }
    const crypto::CurvePublicKey& publicKey() const { return m_keys.publicKey(); }
    net::ZapHandler& zap() { return *m_zap; }
    SiteStore& store() { return m_store; }
    PolicyService& policies() { return *m_policies; }

    // Called by the operator service after it changed an agent.
    void agentChanged(std::int64_t agentId);
    void agentStateChanged(const AgentRecord& agent);
    void alertChanged(const proto::AlertSummary& alert);
    // After a new policy version: connected agents of the group are told to fetch it, and
    // operators' views refresh.
    void policyChanged(const proto::PolicyRecord& policy);
    // After agents moved between groups: each is told its (other) policy.
    void agentsRegrouped(const std::vector<std::int64_t>& agentIds);
    // Response commands (ServerCommands.cpp): a new command is sent at once when its agent is
    // connected, else at the agent's next Hello.
    void commandCreated(const proto::CommandRecord& command);
    void commandChanged(const proto::CommandRecord& command);
    // Deletes telemetry past its group's retention, a bounded chunk per call; returns how many
    // events went (so a caller can tell when it has caught up).
    Result<std::int64_t> pruneTelemetry(std::int64_t maxEvents);

private:
    Server(ServerOptions options, SiteStore store, crypto::CurveKeyPair keys);

    Status loadRegistry();
    Status handleAgentBatch();
    Status handleEnrol(const net::ReceivedMessage& message);
    // Sets `failed` when the message's writes must be rolled back.
    std::string handleAgentMessage(const net::ReceivedMessage& message, bool& failed,
                                   std::vector<std::int64_t>& changedAgents);
    void sweepOnlineStates();
    void noticePolicy(const std::string& agentKey, std::int64_t version);
    void deliverCommands(std::int64_t agentId, const std::string& agentKey,
                         std::int64_t resendDeliveredBefore);
    std::string handleCommandResult(std::int64_t agentId, const proto::Envelope& envelope,
                                    bool& failed);
    void expireCommands();

    ServerOptions m_options;
    const Clock& m_clock;
    SiteStore m_store;
    crypto::CurveKeyPair m_keys;
    AgentRegistry m_registry;
    RateLimiter m_enrolPerPeer;
    RateLimiter m_enrolGlobal;
    std::unique_ptr<net::Context> m_context;
    std::unique_ptr<net::ZapHandler> m_zap;
    std::optional<net::Socket> m_agentSocket;
    std::optional<net::Socket> m_enrolSocket;
    std::optional<net::Socket> m_operatorSocket;
    std::unique_ptr<OperatorService> m_operators;
    std::unique_ptr<PolicyService> m_policies;
    std::unique_ptr<Correlator> m_correlator;
    std::int64_t m_lastPruneMs = 0;
    RuntimeEndpoints m_endpoints;
    // Last routing id per agent key: lets the server tell a revoked agent at once.
    std::unordered_map<std::string, std::string> m_agentRoutes;
    // Filled while a batch of agent messages is handled, acted on after its commit.
    std::vector<proto::CommandRecord> m_changedCommands;
    struct PendingDelivery {
        std::int64_t agentId = 0;
        std::string agentKey;
        std::int64_t resendDeliveredBefore = 0;
    };
    std::vector<PendingDelivery> m_pendingDeliveries;
    // Agents that have a command to deliver or to hear back about: only these are looked up
    // after a heartbeat (a lookup for every heartbeat cost a quarter of the heartbeat's time).
    std::unordered_set<std::int64_t> m_agentsWithOpenCommands;
    void settleOpenCommands(std::int64_t agentId);
    // Online state as last announced to subscribers, per agent id.
    std::map<std::int64_t, bool> m_announcedOnline;
    std::int64_t m_lastSweepMs = 0;
    // Alerts opened or updated by the batch being committed; announced after the commit.
    std::vector<std::int64_t> m_changedAlerts;
};

} // namespace yagura::server
