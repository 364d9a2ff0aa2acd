#include "server/Server.h"

#include "common/Log.h"
#include "common/Text.h"
#include "common/Version.h"
#include "crypto/Hash.h"
#include "proto/Envelope.h"
#include "server/OperatorService.h"

namespace yagura::server {

namespace {
constexpr std::size_t kMaxAgentMessagesPerBatch = 512;
constexpr std::int64_t kSweepIntervalMs = 1000;
// Retention runs in small chunks between message batches: ingest never waits long behind it.
constexpr std::int64_t kPruneIntervalMs = 2000;
constexpr std::int64_t kPruneChunk = 2000;
// A delivered command the agent has not confirmed goes again with a later heartbeat.
constexpr std::int64_t kCommandResendSeconds = 30;

std::string ackMessage(std::uint64_t seq, proto::AckStatus status, std::string error = {},
                       std::uint64_t policyVersion = 0) {
    proto::Ack ack;
    ack.set_seq(seq);
    ack.set_status(status);
    ack.set_error(std::move(error));
    ack.set_policy_version(policyVersion);
    return protocol::pack(proto::ACK, seq, ack);
}

std::string enrolFailure(std::uint64_t seq, std::string error) {
    proto::EnrolResult result;
    result.set_ok(false);
    result.set_error(std::move(error));
    return protocol::pack(proto::ENROL_RESULT, seq, result);
}

proto::AgentState toProtoState(AgentState state) {
    switch (state) {
    case AgentState::Pending:
        return proto::PENDING;
    case AgentState::Accepted:
        return proto::ACCEPTED;
    case AgentState::Rejected:
        return proto::REJECTED;
    case AgentState::Revoked:
        return proto::REVOKED;
    }
    return proto::AGENT_STATE_UNSPECIFIED;
}

std::string peerHost(const std::string& peerAddress) {
    // Rate limits apply per host, whatever source port a client picks.
    return peerAddress.empty() ? "unknown" : peerAddress;
}
} // namespace

Result<std::vector<std::string>> bindCurveEndpoint(net::Socket& socket, net::ZapHandler& zap,
                                                   const std::vector<std::string>& endpoints) {
    if (!zap.isServing())
        return makeError(ErrorCode::Unavailable,
                         "the ZAP authentication handler is not running; refusing to listen "
                         "without it");
    if (endpoints.empty())
        return makeError(ErrorCode::InvalidArgument, "no address to listen on");
    std::vector<std::string> bound;
    for (const auto& endpoint : endpoints) {
        YAGURA_ASSIGN_OR_RETURN(std::string resolved, socket.bind(endpoint));
        bound.push_back(std::move(resolved));
    }
    return bound;
}

Result<std::unique_ptr<Server>> Server::create(ServerOptions options) {
    YAGURA_ASSIGN_OR_RETURN(auto keys, crypto::CurveKeyPair::load(options.layout.serverKeys()));
    YAGURA_ASSIGN_OR_RETURN(auto store, openSiteStore(options.layout, *options.clock));
    std::unique_ptr<Server> server(
        new Server(std::move(options), std::move(store), std::move(keys)));
    YAGURA_TRY(server->loadRegistry());
    {
        YAGURA_ASSIGN_OR_RETURN(auto transaction, server->m_store.database().beginImmediate());
        YAGURA_ASSIGN_OR_RETURN(const auto republished, server->m_policies->ensureDefaults());
        YAGURA_TRY(transaction.commit());
        (void)republished; // no agent or operator is connected yet: they learn on connecting
    }
    return server;
}

Server::Server(ServerOptions options, SiteStore store, crypto::CurveKeyPair keys)
    : m_options(std::move(options)), m_clock(*m_options.clock), m_store(std::move(store)),
      m_keys(std::move(keys)), m_enrolPerPeer(m_clock, m_options.config.enrolBurstPerPeer,
                                              m_options.config.enrolPerMinutePerPeer / 60.0),
      m_enrolGlobal(m_clock, m_options.config.enrolBurstTotal,
                    m_options.config.enrolPerSecondTotal) {
    OperatorSettings settings;
    settings.sessionIdle = std::chrono::minutes{m_options.config.sessionIdleMinutes};
    settings.sessionMax = std::chrono::hours{m_options.config.sessionMaxHours};
    settings.onlineWindow = std::chrono::seconds{3 * m_options.config.heartbeatIntervalSeconds};
    settings.commandExpiry = std::chrono::seconds{86400LL * m_options.config.commandExpiryDays};
    m_operators = std::make_unique<OperatorService>(m_store, m_registry, m_clock, *this, settings);
    m_policies = std::make_unique<PolicyService>(m_store, m_clock);
    m_correlator = std::make_unique<Correlator>(m_store, m_clock, m_options.config);
}

Server::~Server() {
    m_agentSocket.reset();
    m_enrolSocket.reset();
    m_operatorSocket.reset();
    if (m_zap)
        m_zap->stop();
    m_zap.reset();
    m_context.reset();
}

Status Server::loadRegistry() {
    YAGURA_ASSIGN_OR_RETURN(const auto agents, m_store.allAgents());
    for (const auto& agent : agents)
        m_registry.set(agent.publicKey, {agent.id, agent.state});
    YAGURA_ASSIGN_OR_RETURN(const auto open, m_store.agentsWithOpenCommands());
    m_agentsWithOpenCommands.insert(open.begin(), open.end());
    return success();
}

Status Server::start() {
    m_context = std::make_unique<net::Context>(m_options.ioThreads, m_options.maxSockets);
    m_zap = std::make_unique<net::ZapHandler>(*m_context, [this](const net::ZapRequest& request) {
        net::ZapDecision decision;
        if (request.domain == "agent") {
            decision.allow = m_registry.isAccepted(request.publicKeyZ85);
            if (!decision.allow)
                decision.reason = "agent key is not accepted";
        } else if (request.domain == "enrol" || request.domain == "operator") {
            // Anyone may knock; Enrol needs a valid token, operators need a password.
            decision.allow = true;
        } else {
            decision.reason = "unknown domain";
        }
        return decision;
    });
    YAGURA_TRY(m_zap->start());

    auto makeSocket = [this](const char* domain, std::int64_t maxBytes) {
        net::CurveServerOptions options;
        options.serverKeys = &m_keys;
        options.zapDomain = domain;
        options.maxMessageBytes = maxBytes;
        return net::Socket::curveRouter(*m_context, options);
    };
    YAGURA_ASSIGN_OR_RETURN(m_agentSocket, makeSocket("agent", m_options.agentMaxMessageBytes));
    YAGURA_ASSIGN_OR_RETURN(m_enrolSocket, makeSocket("enrol", m_options.enrolMaxMessageBytes));
    YAGURA_ASSIGN_OR_RETURN(m_operatorSocket,
                            makeSocket("operator", m_options.operatorMaxMessageBytes));
    YAGURA_ASSIGN_OR_RETURN(m_endpoints.agent,
                            bindCurveEndpoint(*m_agentSocket, *m_zap, m_options.config.agentBind));
    YAGURA_ASSIGN_OR_RETURN(m_endpoints.enrol,
                            bindCurveEndpoint(*m_enrolSocket, *m_zap, m_options.config.enrolBind));
    YAGURA_ASSIGN_OR_RETURN(
        m_endpoints.operatorApi,
        bindCurveEndpoint(*m_operatorSocket, *m_zap, m_options.config.operatorBind));
    YAGURA_TRY(saveRuntimeEndpoints(m_options.layout, m_endpoints));
    return success();
}

Status Server::run(const std::atomic<bool>& stopRequested) {
    while (!stopRequested.load()) {
        YAGURA_TRY(pollOnce(std::chrono::milliseconds{200}));
    }
    return success();
}

Status Server::pollOnce(std::chrono::milliseconds timeout) {
    YAGURA_ASSIGN_OR_RETURN(
        const auto readable,
        net::pollReadable({&*m_agentSocket, &*m_enrolSocket, &*m_operatorSocket}, timeout));
    if (readable[0])
        YAGURA_TRY(handleAgentBatch());
    if (readable[1]) {
        for (int i = 0; i < 64; ++i) {
            YAGURA_ASSIGN_OR_RETURN(auto message,
                                    m_enrolSocket->receive(std::chrono::milliseconds{0}));
            if (!message)
                break;
            // A store error (busy, disk full) fails this enrolment, not the server.
            if (auto status = handleEnrol(*message); !status.ok()) {
                spdlog::error("enrolment failed: {}", status.error().message);
                (void)m_enrolSocket->send(
                    {message->frames.front(),
                     enrolFailure(0, "the server could not record the enrolment; retry later")});
            }
        }
    }
    if (readable[2]) {
        for (int i = 0; i < 64; ++i) {
            YAGURA_ASSIGN_OR_RETURN(auto message,
                                    m_operatorSocket->receive(std::chrono::milliseconds{0}));
            if (!message)
                break;
            if (message->frames.size() < 2)
                continue;
            const std::string reply = m_operators->handle(*message);
            (void)m_operatorSocket->send({message->frames.front(), reply});
        }
    }
    if (m_clock.nowUnixMillis() - m_lastSweepMs >= kSweepIntervalMs) {
        m_lastSweepMs = m_clock.nowUnixMillis();
        sweepOnlineStates();
        m_operators->expireSessions();
        expireCommands();
    }
    if (m_clock.nowUnixMillis() - m_lastPruneMs >= kPruneIntervalMs) {
        m_lastPruneMs = m_clock.nowUnixMillis();
        if (auto pruned = pruneTelemetry(kPruneChunk); !pruned.ok())
            spdlog::warn("retention: {}", pruned.error().message);
        else if (*pruned == kPruneChunk)
            m_lastPruneMs -= kPruneIntervalMs; // more to do: another chunk after this poll
    }
    return success();
}

Status Server::handleAgentBatch() {
    // Every message of the batch commits in one transaction, and replies (acks) go out only
    // after the commit: an acknowledged message is durable.
    std::vector<std::pair<std::string, std::string>> replies;
    std::vector<std::int64_t> changedAgents;
    auto& db = m_store.database();
    YAGURA_ASSIGN_OR_RETURN(auto transaction, db.beginImmediate());
    for (std::size_t i = 0; i < kMaxAgentMessagesPerBatch; ++i) {
        YAGURA_ASSIGN_OR_RETURN(auto message, m_agentSocket->receive(std::chrono::milliseconds{0}));
        if (!message)
            break;
        if (message->frames.size() != 2)
            continue; // not our protocol; nothing to answer
        // A savepoint per message: a message that fails half-way leaves none of its writes.
        YAGURA_TRY(db.exec("SAVEPOINT agent_message;"));
        bool failed = false;
        std::string reply = handleAgentMessage(*message, failed, changedAgents);
        YAGURA_TRY(db.exec(failed ? "ROLLBACK TO agent_message; RELEASE agent_message;"
                                  : "RELEASE agent_message;"));
        if (!reply.empty())
            replies.emplace_back(message->frames.front(), std::move(reply));
    }
    auto committed = transaction.commit();
    if (!committed.ok()) {
        m_changedAlerts.clear();
        m_changedCommands.clear();
        m_pendingDeliveries.clear();
        // What the rolled-back batch settled is open again.
        if (auto open = m_store.agentsWithOpenCommands(); open.ok())
            m_agentsWithOpenCommands = {open->begin(), open->end()};
        // Nothing is acknowledged; agents resend after their timeout.
        spdlog::error("cannot commit agent messages: {}", committed.error().message);
        return success();
    }
    for (auto& [route, reply] : replies)
        (void)m_agentSocket->send({route, reply});
    for (std::int64_t id : changedAgents)
        agentChanged(id);
    for (std::int64_t id : m_changedAlerts)
        if (auto alert = m_store.alertById(id); alert.ok() && alert->has_value())
            m_operators->broadcastAlert(**alert, *m_operatorSocket);
    m_changedAlerts.clear();
    for (const auto& command : std::exchange(m_changedCommands, {}))
        commandChanged(command);
    // Commands follow the replies: a Hello's answer reaches the agent before its commands.
    for (const auto& delivery : std::exchange(m_pendingDeliveries, {}))
        deliverCommands(delivery.agentId, delivery.agentKey, delivery.resendDeliveredBefore);
    return success();
}

std::string Server::handleAgentMessage(const net::ReceivedMessage& message, bool& failed,
                                       std::vector<std::int64_t>& changedAgents) {
    // Identity comes from the ZAP-authenticated key only, never from the routing id or payload.
    const auto entry = m_registry.find(message.userId);
    auto envelope = protocol::unpack(message.frames.back());
    const std::uint64_t seq = envelope.ok() ? envelope->seq() : 0;
    if (!entry || entry->state != AgentState::Accepted) {
        const bool revoked = entry && entry->state == AgentState::Revoked;
        return ackMessage(seq, revoked ? proto::ACK_REVOKED : proto::ACK_REJECTED,
                          revoked ? "this agent has been revoked" : "this agent is not accepted");
    }
    m_agentRoutes[message.userId] = message.frames.front();
    if (!envelope.ok())
        return ackMessage(0, proto::ACK_REJECTED, envelope.error().message);

    const std::int64_t agentId = entry->id;
    auto fail = [&](const Error& error) {
        failed = true;
        spdlog::warn("agent {}: {}", agentId, error.message);
        return ackMessage(seq, proto::ACK_REJECTED, error.message);
    };
    switch (envelope->type()) {
    case proto::HELLO: {
        auto hello = protocol::parsePayload<proto::Hello>(*envelope);
        if (!hello.ok())
            return fail(hello.error());
        if (auto status = m_store.recordContact(agentId, hello->agent_version(),
                                                static_cast<std::int64_t>(hello->uptime_seconds()),
                                                static_cast<std::int64_t>(hello->policy_version()),
                                                std::nullopt, hello->isolated());
            !status.ok())
            return fail(status.error());
        // A new session: whatever was delivered but not confirmed may have been lost with the
        // old one.
        m_pendingDeliveries.push_back({agentId, message.userId, m_clock.nowUnixSeconds()});
        auto agent = m_store.agentById(agentId);
        changedAgents.push_back(agentId);
        proto::HelloResult result;
        result.set_agent_id(static_cast<std::uint64_t>(agentId));
        result.set_inventory_generation(
            agent.ok() && agent->has_value()
                ? static_cast<std::uint64_t>((*agent)->inventoryGeneration)
                : 0);
        result.set_heartbeat_interval_seconds(m_options.config.heartbeatIntervalSeconds);
        result.set_server_time_unix(static_cast<std::uint64_t>(m_clock.nowUnixSeconds()));
        if (agent.ok() && agent->has_value())
            result.set_policy_version(static_cast<std::uint64_t>((*agent)->desiredPolicyVersion));
        return protocol::pack(proto::HELLO_RESULT, seq, result);
    }
    case proto::HEARTBEAT: {
        auto heartbeat = protocol::parsePayload<proto::Heartbeat>(*envelope);
        if (!heartbeat.ok())
            return fail(heartbeat.error());
        // One indexed lookup, before the contact overwrites the reported state: operators hear
        // of an agent when it comes online, runs another policy or is isolated or released, not
        // at every heartbeat.
        auto before = m_store.contactState(agentId);
        if (!before.ok())
            return fail(before.error());
        const std::int64_t reported = before->reportedPolicy;
        const std::int64_t desired = before->desiredPolicy;
        if (auto status = m_store.recordContact(
                agentId, heartbeat->agent_version(),
                static_cast<std::int64_t>(heartbeat->uptime_seconds()),
                static_cast<std::int64_t>(heartbeat->policy_version()),
                SiteStore::SpoolBacklog{static_cast<std::int64_t>(heartbeat->spool_events()),
                                        static_cast<std::int64_t>(heartbeat->spool_bytes())},
                heartbeat->isolated());
            !status.ok())
            return fail(status.error());
        m_pendingDeliveries.push_back(
            {agentId, message.userId, m_clock.nowUnixSeconds() - kCommandResendSeconds});
        if (!m_announcedOnline[agentId] ||
            static_cast<std::int64_t>(heartbeat->policy_version()) != reported ||
            heartbeat->isolated() != before->isolated)
            changedAgents.push_back(agentId);
        return ackMessage(seq, proto::ACK_OK, {}, static_cast<std::uint64_t>(desired));
    }
    case proto::COMMAND_RESULT:
        changedAgents.push_back(agentId); // its isolation badge may change
        return handleCommandResult(agentId, *envelope, failed);
    case proto::POLICY_REQUEST: {
        auto bundle = m_policies->bundleFor(agentId);
        if (!bundle.ok())
            return fail(bundle.error());
        if (!bundle->has_value())
            return ackMessage(seq, proto::ACK_REJECTED, "this agent's group has no policy");
        return protocol::pack(proto::POLICY, seq, **bundle);
    }
    case proto::INVENTORY_SNAPSHOT: {
        auto snapshot = protocol::parsePayload<proto::InventorySnapshot>(*envelope);
        if (!snapshot.ok())
            return fail(snapshot.error());
        if (auto status = m_store.replaceInventory(agentId, *snapshot); !status.ok())
            return fail(status.error());
        changedAgents.push_back(agentId);
        return ackMessage(seq, proto::ACK_OK);
    }
    case proto::INVENTORY_DELTA: {
        auto delta = protocol::parsePayload<proto::InventoryDelta>(*envelope);
        if (!delta.ok())
            return fail(delta.error());
        auto agent = m_store.agentById(agentId);
        if (!agent.ok() || !agent->has_value())
            return fail(makeError(ErrorCode::NotFound, "agent record missing"));
        if (static_cast<std::uint64_t>((*agent)->inventoryGeneration) != delta->base_generation())
            return ackMessage(seq, proto::ACK_RESYNC,
                              "inventory base generation differs; send a snapshot");
        if (auto status = m_store.applyInventoryDelta(agentId, *delta); !status.ok())
            return fail(status.error());
        changedAgents.push_back(agentId);
        return ackMessage(seq, proto::ACK_OK);
    }
    case proto::EVENT_BATCH: {
        auto batch = protocol::parsePayload<proto::EventBatch>(*envelope);
        if (!batch.ok())
            return fail(batch.error());
        std::vector<int> fresh;
        auto alerts = m_store.storeEvents(agentId, *batch, &fresh);
        if (!alerts.ok())
            return fail(alerts.error());
        m_changedAlerts.insert(m_changedAlerts.end(), alerts->begin(), alerts->end());
        // The agent's automatic responses join the command history (first deliveries only).
        for (int index : fresh) {
            const auto& event = batch->events(index);
            if (event.category() != "response")
                continue;
            auto recorded = m_store.recordAutomaticResponse(agentId, event);
            if (!recorded.ok())
                return fail(recorded.error());
            if (!recorded->has_value())
                continue;
            if (auto status = m_store.audit({"agent:" + std::to_string(agentId), "command.auto",
                                             "command:" + std::to_string((*recorded)->id()),
                                             (*recorded)->state() == "succeeded" ? "ok" : "failed",
                                             (*recorded)->reason() + ": " + (*recorded)->detail()});
                !status.ok())
                return fail(status.error());
            m_changedCommands.push_back(**recorded);
        }
        // Only first deliveries: a resent batch must not count a failed login twice.
        auto correlated = m_correlator->observe(agentId, *batch, fresh);
        if (!correlated.ok())
            return fail(correlated.error());
        m_changedAlerts.insert(m_changedAlerts.end(), correlated->begin(), correlated->end());
        // Events are contact too: an agent busy sending them is online.
        if (auto agent = m_store.agentById(agentId); agent.ok() && agent->has_value())
            (void)m_store.recordContact(agentId, (*agent)->agentVersion, (*agent)->uptimeSeconds,
                                        (*agent)->policyVersion);
        if (!m_announcedOnline[agentId])
            changedAgents.push_back(agentId);
        return ackMessage(seq, proto::ACK_OK);
    }
    default:
        return ackMessage(seq, proto::ACK_UNSUPPORTED,
                          "message type " + std::to_string(static_cast<int>(envelope->type())) +
                              " is not supported by this server (version " + kVersion + ")");
    }
}

Status Server::handleEnrol(const net::ReceivedMessage& message) {
    if (message.frames.size() != 2)
        return success();
    const std::string& route = message.frames.front();
    auto reply = [&](const std::string& bytes) {
        (void)m_enrolSocket->send({route, bytes});
    };
    if (!m_enrolGlobal.allow("all") || !m_enrolPerPeer.allow(peerHost(message.peerAddress))) {
        reply(enrolFailure(0, "too many enrolment attempts; retry in a minute"));
        return success();
    }
    auto envelope = protocol::unpack(message.frames.back());
    if (!envelope.ok() || envelope->type() != proto::ENROL) {
        reply(enrolFailure(envelope.ok() ? envelope->seq() : 0,
                           "this endpoint accepts only Enrol messages"));
        return success();
    }
    auto enrol = protocol::parsePayload<proto::Enrol>(*envelope);
    if (!enrol.ok()) {
        reply(enrolFailure(envelope->seq(), enrol.error().message));
        return success();
    }
    const std::uint64_t seq = envelope->seq();
    const std::string& agentKey = message.userId;
    auto fingerprint = crypto::CurvePublicKey::parse(agentKey);
    const std::string actor = "agent:" + (fingerprint.ok() ? fingerprint->fingerprint() : agentKey);

    // A key the site already knows gets its current state back (how a pending agent learns it
    // was accepted); it never consumes a token use.
    YAGURA_ASSIGN_OR_RETURN(auto existing, m_store.agentByKey(agentKey));
    if (existing) {
        proto::EnrolResult result;
        const bool usable =
            existing->state == AgentState::Pending || existing->state == AgentState::Accepted;
        result.set_ok(usable);
        result.set_state(toProtoState(existing->state));
        result.set_agent_id(static_cast<std::uint64_t>(existing->id));
        if (!usable)
            result.set_error("this agent has been " + std::string(agentStateName(existing->state)) +
                             " by the site");
        for (const auto& endpoint : m_endpoints.agent)
            result.add_agent_endpoints(dialableEndpoint(endpoint));
        reply(protocol::pack(proto::ENROL_RESULT, seq, result));
        return success();
    }

    auto refuse = [&](const std::string& why, const std::string& detail) -> Status {
        YAGURA_TRY(
            AuditLog::appendStandalone(m_store.database(), m_clock,
                                       {actor, "agent.enrol", "token:" + enrol->token_id(),
                                        "denied", detail + "; from " + message.peerAddress}));
        reply(enrolFailure(seq, why));
        return success();
    };
    YAGURA_ASSIGN_OR_RETURN(auto token, m_store.tokenById(enrol->token_id()));
    // Unknown id and wrong secret get the same answer: a prober learns nothing.
    if (!token ||
        !crypto::constantTimeEquals(crypto::sha256(enrol->token_secret()), token->secretHash))
        return refuse("enrolment refused: the token is not valid for this site",
                      token ? "wrong token secret" : "unknown token");
    if (token->expiresAt <= m_clock.nowUnixSeconds())
        return refuse("enrolment refused: the token has expired", "token expired");
    if (token->usesCount >= token->usesAllowed)
        return refuse("enrolment refused: the token has been used up", "token used up");

    AgentRecord agent;
    agent.publicKey = agentKey;
    agent.state = token->autoAccept ? AgentState::Accepted : AgentState::Pending;
    agent.hostname = enrol->hostname().substr(0, 255);
    agent.machineId = enrol->machine_id().substr(0, 64);
    agent.os = enrol->os_pretty_name().substr(0, 255);
    agent.group = token->group;
    agent.agentVersion = enrol->agent_version().substr(0, 64);

    YAGURA_ASSIGN_OR_RETURN(auto transaction, m_store.database().beginImmediate());
    YAGURA_TRY(m_store.consumeTokenUse(token->id));
    YAGURA_ASSIGN_OR_RETURN(agent.id, m_store.insertAgent(agent, token->id));
    YAGURA_TRY(
        m_store.audit({actor, "agent.enrol",
                       "agent:" + std::to_string(agent.id) + " (" + agent.hostname + ")", "ok",
                       std::string(token->autoAccept ? "auto-accepted" : "pending") +
                           " via token " + token->id + "; from " + message.peerAddress}));
    YAGURA_TRY(transaction.commit());
    m_registry.set(agentKey, {agent.id, agent.state});
    spdlog::info("agent {} ({}) enrolled: {}", agent.id, agent.hostname,
                 agentStateName(agent.state));

    proto::EnrolResult result;
    result.set_ok(true);
    result.set_state(toProtoState(agent.state));
    result.set_agent_id(static_cast<std::uint64_t>(agent.id));
    for (const auto& endpoint : m_endpoints.agent)
        result.add_agent_endpoints(dialableEndpoint(endpoint));
    reply(protocol::pack(proto::ENROL_RESULT, seq, result));
    agentChanged(agent.id);
    return success();
}

void Server::agentChanged(std::int64_t agentId) {
    auto agent = m_store.agentById(agentId);
    if (!agent.ok() || !agent->has_value())
        return;
    const std::int64_t onlineSince =
        m_clock.nowUnixSeconds() -
        3 * static_cast<std::int64_t>(m_options.config.heartbeatIntervalSeconds);
    m_announcedOnline[agentId] = (*agent)->state == AgentState::Accepted &&
                                 (*agent)->lastSeen >= onlineSince && (*agent)->lastSeen > 0;
    m_operators->broadcastAgent(**agent, *m_operatorSocket);
}

void Server::agentStateChanged(const AgentRecord& agent) {
    if (agent.state == AgentState::Revoked || agent.state == AgentState::Rejected) {
        // Tell a connected agent at once; its later messages are refused in any case.
        if (const auto route = m_agentRoutes.find(agent.publicKey); route != m_agentRoutes.end()) {
            (void)m_agentSocket->send(
                {route->second, ackMessage(0, proto::ACK_REVOKED, "this agent has been revoked")});
            m_agentRoutes.erase(route);
        }
    }
    agentChanged(agent.id);
}

void Server::alertChanged(const proto::AlertSummary& alert) {
    m_operators->broadcastAlert(alert, *m_operatorSocket);
}

void Server::noticePolicy(const std::string& agentKey, std::int64_t version) {
    const auto route = m_agentRoutes.find(agentKey);
    if (route == m_agentRoutes.end())
        return; // not connected: it learns the version from its next Hello or heartbeat ack
    proto::PolicyNotice notice;
    notice.set_version(static_cast<std::uint64_t>(version));
    (void)m_agentSocket->send({route->second, protocol::pack(proto::POLICY_NOTICE, 0, notice)});
}

void Server::policyChanged(const proto::PolicyRecord& policy) {
    for (const auto& [key, route] : m_agentRoutes) {
        const auto entry = m_registry.find(key);
        if (!entry || entry->state != AgentState::Accepted)
            continue;
        auto agent = m_store.agentById(entry->id);
        if (agent.ok() && agent->has_value() && (*agent)->group == policy.group())
            noticePolicy(key, static_cast<std::int64_t>(policy.version()));
    }
    m_operators->broadcastPolicy(policy, *m_operatorSocket);
}

void Server::agentsRegrouped(const std::vector<std::int64_t>& agentIds) {
    for (std::int64_t id : agentIds) {
        auto agent = m_store.agentById(id);
        if (agent.ok() && agent->has_value()) {
            noticePolicy((*agent)->publicKey, (*agent)->desiredPolicyVersion);
            agentChanged(id);
        }
    }
}

Result<std::int64_t> Server::pruneTelemetry(std::int64_t maxEvents) {
    YAGURA_ASSIGN_OR_RETURN(const auto retention, m_store.retentionByGroup());
    std::int64_t pruned = 0;
    for (const auto& [group, days] : retention) {
        if (days <= 0 || pruned >= maxEvents)
            continue;
        const std::int64_t cutoffMs = m_clock.nowUnixMillis() - days * 86'400'000LL;
        YAGURA_ASSIGN_OR_RETURN(auto transaction, m_store.database().beginImmediate());
        YAGURA_ASSIGN_OR_RETURN(const auto count,
                                m_store.pruneEvents(group, cutoffMs, maxEvents - pruned));
        YAGURA_TRY(transaction.commit());
        pruned += count;
    }
    return pruned;
}

void Server::sweepOnlineStates() {
    // Announce agents that went quiet: "offline" is the absence of messages. One query for the
    // whole fleet, not a record per online agent every second.
    const std::int64_t onlineSince =
        m_clock.nowUnixSeconds() -
        3 * static_cast<std::int64_t>(m_options.config.heartbeatIntervalSeconds);
    auto quiet = m_store.quietAgentIds(onlineSince);
    if (!quiet.ok())
        return;
    for (std::int64_t id : *quiet)
        if (auto announced = m_announcedOnline.find(id);
            announced != m_announcedOnline.end() && announced->second)
            agentChanged(id);
}

} // namespace yagura::server
