#include "agent/AgentSession.h"

#include "common/Log.h"
#include "common/Version.h"
#include "crypto/Random.h"
#include "proto/Envelope.h"
#include "proto/InventoryItems.h"
#include "spool/EventSpool.h"

#include <algorithm>
#include <thread>

namespace yagura::agent {

AgentSession::AgentSession(net::Context& context, SessionConfig config, const Clock& clock,
                           InventorySource inventorySource, proto::InventorySnapshot acknowledged,
                           InventoryCommit commit)
    : m_context(context), m_config(std::move(config)), m_clock(clock),
      m_inventorySource(std::move(inventorySource)), m_commit(std::move(commit)),
      m_acknowledged(std::move(acknowledged)), m_backoff(m_config.backoffMin) {}

std::uint64_t AgentSession::uptimeSeconds() const {
    if (m_config.bootTimeUnix <= 0)
        return 0;
    const std::int64_t uptime = m_clock.nowUnixSeconds() - m_config.bootTimeUnix;
    return uptime > 0 ? static_cast<std::uint64_t>(uptime) : 0;
}

Status AgentSession::connect() {
    if (m_config.endpoints.empty())
        return makeError(ErrorCode::InvalidArgument, "no server endpoint configured");
    net::CurveClientOptions options;
    options.clientKeys = m_config.keys;
    options.serverKey = m_config.serverKey;
    YAGURA_ASSIGN_OR_RETURN(auto socket, net::Socket::curveDealer(m_context, options));
    const std::string& endpoint = m_config.endpoints[m_endpointIndex % m_config.endpoints.size()];
    YAGURA_TRY(socket.connect(endpoint));
    m_socket = std::move(socket);
    proto::Hello hello;
    hello.set_agent_version(m_config.agentVersion);
    hello.set_uptime_seconds(uptimeSeconds());
    hello.set_policy_version(m_config.policyVersion);
    hello.set_inventory_generation(m_acknowledged.generation());
    hello.set_boot_time_unix(
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, m_config.bootTimeUnix)));
    hello.set_isolated(m_config.commands && m_config.commands->isolated());
    m_state = State::AwaitingHello;
    return send(proto::HELLO, hello);
}

void AgentSession::disconnect(const std::string& why) {
    m_lastError = why;
    m_socket.reset();
    m_inFlight.reset();
    if (m_state == State::Revoked)
        return;
    m_state = State::Disconnected;
    ++m_endpointIndex; // try the token's next address, if it has several
    // Jitter spreads a fleet's reconnects after a server restart.
    const auto jitter = static_cast<std::int64_t>(
        crypto::randomBelow(static_cast<std::uint64_t>(m_backoff.count() / 2 + 1)));
    m_reconnectAtMs = m_clock.nowUnixMillis() + m_backoff.count() / 2 + jitter;
    m_backoff = std::min(m_config.backoffMax, m_backoff * 2);
    spdlog::debug("session closed: {}", why);
}

Status AgentSession::send(proto::MessageType type, const google::protobuf::MessageLite& message,
                          proto::InventorySnapshot pendingInventory,
                          proto::EventBatch pendingEvents) {
    const std::uint64_t seq = m_nextSeq++;
    YAGURA_ASSIGN_OR_RETURN(const bool queued,
                            m_socket->send({protocol::pack(type, seq, message)}));
    if (!queued) {
        disconnect("cannot queue a message to the server");
        return success();
    }
    m_inFlight = InFlight{seq,
                          type,
                          m_clock.nowUnixMillis() + m_config.replyTimeout.count(),
                          std::move(pendingInventory),
                          std::move(pendingEvents),
                          std::nullopt};
    return success();
}

Status AgentSession::step(std::chrono::milliseconds maxWait) {
    if (m_state == State::Revoked)
        return success();
    // Send what is due before waiting: an alert spooled a moment ago leaves now, not after the
    // wait; and the next message follows its predecessor's ack at once.
    YAGURA_TRY(doDueWork());
    if (m_socket) {
        YAGURA_ASSIGN_OR_RETURN(auto reply, m_socket->receive(maxWait));
        if (reply && !reply->frames.empty()) {
            YAGURA_TRY(handleReply(reply->frames.back()));
            return doDueWork();
        }
        return success();
    }
    // Between connection attempts there is no socket to wait on: wait out the step here (up to
    // the next attempt), or the caller's loop would spin while the server is away.
    const auto untilAttempt = std::chrono::milliseconds{
        std::max<std::int64_t>(0, m_reconnectAtMs - m_clock.nowUnixMillis())};
    const auto wait = std::min(maxWait, untilAttempt);
    if (wait.count() > 0)
        std::this_thread::sleep_for(wait);
    return success();
}

Status AgentSession::handleReply(const std::string& bytes) {
    auto envelope = protocol::unpack(bytes);
    if (!envelope.ok()) {
        disconnect("malformed reply from the server");
        return success();
    }
    // An unsolicited REVOKED (seq 0) comes when an operator revokes this agent.
    if (envelope->type() == proto::ACK) {
        auto ack = protocol::parsePayload<proto::Ack>(*envelope);
        if (ack.ok() && ack->status() == proto::ACK_REVOKED) {
            m_state = State::Revoked;
            disconnect("the site revoked this agent");
            return success();
        }
    }
    // Unsolicited: a response command (sent again until this agent reports on it).
    if (envelope->type() == proto::COMMAND) {
        if (auto command = protocol::parsePayload<proto::Command>(*envelope); !command.ok())
            spdlog::warn("malformed command from the server: {}", command.error().message);
        else if (m_config.commands)
            m_config.commands->commandReceived(*command);
        return success();
    }
    // Unsolicited too: an operator published a policy for this agent's group.
    if (envelope->type() == proto::POLICY_NOTICE) {
        if (auto notice = protocol::parsePayload<proto::PolicyNotice>(*envelope); notice.ok())
            policyAnnounced(notice->version());
        return success();
    }
    if (!m_inFlight || envelope->seq() != m_inFlight->seq)
        return success(); // a late reply to a request already given up on
    const InFlight request = std::move(*m_inFlight);
    m_inFlight.reset();
    m_lastContactUnix = m_clock.nowUnixSeconds();
    const std::int64_t nowMs = m_clock.nowUnixMillis();

    if (envelope->type() == proto::HELLO_RESULT) {
        auto result = protocol::parsePayload<proto::HelloResult>(*envelope);
        if (!result.ok()) {
            disconnect(result.error().message);
            return success();
        }
        m_state = State::Ready;
        m_backoff = m_config.backoffMin;
        m_lastError.clear();
        m_agentId = result->agent_id();
        if (result->heartbeat_interval_seconds() > 0)
            m_heartbeatInterval = std::chrono::seconds{result->heartbeat_interval_seconds()};
        m_nextHeartbeatMs = nowMs + m_heartbeatInterval.count();
        m_serverNeedsSnapshot = result->inventory_generation() == 0 ||
                                result->inventory_generation() != m_acknowledged.generation();
        if (m_serverNeedsSnapshot)
            m_nextInventoryMs = 0;
        policyAnnounced(result->policy_version());
        return success();
    }
    if (m_state == State::AwaitingHello) {
        // Anything but a HelloResult (a rejection after a server-side error, say) ends this
        // attempt; the backoff decides when to try again.
        std::string why = "the server did not accept the session";
        if (envelope->type() == proto::ACK)
            if (auto ack = protocol::parsePayload<proto::Ack>(*envelope);
                ack.ok() && !ack->error().empty())
                why += ": " + ack->error();
        disconnect(why);
        return success();
    }
    if (envelope->type() == proto::POLICY && request.type == proto::POLICY_REQUEST)
        return handlePolicy(*envelope);
    if (envelope->type() != proto::ACK) {
        disconnect("unexpected reply type from the server");
        return success();
    }
    auto ack = protocol::parsePayload<proto::Ack>(*envelope);
    if (!ack.ok()) {
        disconnect(ack.error().message);
        return success();
    }
    if (request.type == proto::HEARTBEAT && ack->status() == proto::ACK_OK)
        policyAnnounced(ack->policy_version());
    if (request.type == proto::POLICY_REQUEST) {
        // The server has no policy for this agent after all: keep running the one it has.
        m_lastError = "no policy from the server: " + ack->error();
        m_failedPolicy = m_wantedPolicy;
        return success();
    }
    if (request.type == proto::COMMAND_RESULT && request.pendingReport && m_config.commands) {
        if (ack->status() != proto::ACK_OK)
            spdlog::warn("the server refused the report on command {}: {}",
                         request.pendingReport->id(), ack->error());
        // Refused or not, the server has answered: the report is not sent again.
        m_config.commands->commandReportAcknowledged(*request.pendingReport);
        return success();
    }
    switch (ack->status()) {
    case proto::ACK_OK:
        if (request.type == proto::EVENT_BATCH && m_config.spool) {
            // Committed by the server: now, and only now, the spool may forget them.
            YAGURA_TRY(m_config.spool->acknowledge(request.pendingEvents));
            m_eventsDelivered += static_cast<std::uint64_t>(request.pendingEvents.events_size());
        }
        if (request.type == proto::INVENTORY_SNAPSHOT || request.type == proto::INVENTORY_DELTA) {
            // Only what the server committed becomes the base of the next delta.
            if (m_commit)
                YAGURA_TRY(m_commit(request.pendingInventory));
            m_acknowledged = request.pendingInventory;
            m_serverNeedsSnapshot = false;
        }
        break;
    case proto::ACK_RESYNC:
        m_serverNeedsSnapshot = true;
        m_nextInventoryMs = 0;
        break;
    case proto::ACK_REJECTED:
        m_lastError = "the server rejected a message: " + ack->error();
        if (request.type == proto::EVENT_BATCH)
            m_nextEventsMs =
                nowMs + m_config.backoffMax.count(); // kept in the spool; retried later
        spdlog::warn("{}", m_lastError);
        if (request.type == proto::INVENTORY_DELTA || request.type == proto::INVENTORY_SNAPSHOT)
            m_nextInventoryMs = nowMs + m_config.inventoryInterval.count();
        break;
    case proto::ACK_UNSUPPORTED:
        m_lastError = "the server does not support a message: " + ack->error();
        if (request.type == proto::EVENT_BATCH)
            m_nextEventsMs = nowMs + m_config.backoffMax.count();
        break;
    default:
        break;
    }
    return success();
}

Status AgentSession::doDueWork() {
    const std::int64_t nowMs = m_clock.nowUnixMillis();
    switch (m_state) {
    case State::Revoked:
        return success();
    case State::Disconnected:
        if (nowMs >= m_reconnectAtMs)
            return connect();
        return success();
    case State::AwaitingHello:
        if (m_inFlight && nowMs >= m_inFlight->deadlineMs)
            disconnect("no answer from the server (unreachable, or this agent is not accepted)");
        return success();
    case State::Ready:
        break;
    }
    if (m_inFlight) {
        if (nowMs >= m_inFlight->deadlineMs)
            disconnect("the server stopped answering");
        return success();
    }
    // Reports on commands first: an isolation waits for the answer to its report to stay.
    if (m_config.commands)
        if (auto report = m_config.commands->nextCommandReport()) {
            YAGURA_TRY(send(proto::COMMAND_RESULT, *report));
            if (m_inFlight)
                m_inFlight->pendingReport = std::move(*report);
            return success();
        }
    if (nowMs >= m_nextInventoryMs) {
        m_nextInventoryMs = nowMs + m_config.inventoryInterval.count();
        YAGURA_TRY(sendInventory(m_serverNeedsSnapshot));
        if (m_inFlight)
            return success();
    }
    // A new policy comes before telemetry: it may change what is worth sending.
    if (m_config.applyPolicy && m_wantedPolicy != 0 && m_wantedPolicy != m_config.policyVersion &&
        m_wantedPolicy != m_failedPolicy) {
        proto::PolicyRequest request;
        request.set_version(m_wantedPolicy);
        return send(proto::POLICY_REQUEST, request);
    }
    // A due heartbeat goes before telemetry: a busy agent must still report its applied policy
    // and spool backlog on time.
    if (nowMs >= m_nextHeartbeatMs) {
        m_nextHeartbeatMs = nowMs + m_heartbeatInterval.count();
        proto::Heartbeat heartbeat;
        heartbeat.set_agent_version(m_config.agentVersion);
        heartbeat.set_uptime_seconds(uptimeSeconds());
        heartbeat.set_policy_version(m_config.policyVersion);
        heartbeat.set_isolated(m_config.commands && m_config.commands->isolated());
        if (m_config.spool) {
            if (auto events = m_config.spool->pendingEvents(); events.ok())
                heartbeat.set_spool_events(*events);
            if (auto bytes = m_config.spool->pendingBytes(); bytes.ok())
                heartbeat.set_spool_bytes(*bytes);
        }
        return send(proto::HEARTBEAT, heartbeat);
    }
    bool sentEvents = false;
    return sendEvents(sentEvents);
}

void AgentSession::policyAnnounced(std::uint64_t version) {
    if (version == 0 || version == m_wantedPolicy)
        return;
    m_wantedPolicy = version;
    m_failedPolicy = 0;
}

Status AgentSession::handlePolicy(const proto::Envelope& envelope) {
    auto bundle = protocol::parsePayload<proto::PolicyBundle>(envelope);
    if (!bundle.ok()) {
        m_lastError = "malformed policy from the server: " + bundle.error().message;
        m_failedPolicy = m_wantedPolicy;
        spdlog::error("{}", m_lastError);
        return success();
    }
    if (auto applied = m_config.applyPolicy(*bundle); !applied.ok()) {
        m_lastError = "policy version " + std::to_string(bundle->version()) +
                      " not applied: " + applied.error().message;
        m_failedPolicy = bundle->version();
        spdlog::error("{}", m_lastError);
        return success();
    }
    m_config.policyVersion = bundle->version();
    // The server answers with its current version, whatever was asked: that is the one wanted
    // now (a later announcement names a newer one).
    m_wantedPolicy = bundle->version();
    // Tell the server at once which version runs now.
    m_nextHeartbeatMs = 0;
    spdlog::info("policy version {} of group {} applied ({} rules)", bundle->version(),
                 bundle->group(), bundle->rules_size());
    return success();
}

Status AgentSession::sendEvents(bool& sent) {
    sent = false;
    if (!m_config.spool || m_clock.nowUnixMillis() < m_nextEventsMs)
        return success();
    YAGURA_ASSIGN_OR_RETURN(auto batch,
                            m_config.spool->nextBatch(m_config.batchEvents, m_config.batchBytes));
    if (batch.events_size() == 0 && batch.dropped_size() == 0)
        return success();
    proto::EventBatch copy = batch;
    sent = true;
    return send(proto::EVENT_BATCH, copy, {}, std::move(batch));
}

Status AgentSession::sendInventory(bool forceSnapshot) {
    proto::Inventory inventory = m_inventorySource();
    // Package descriptions, user names, service names: whatever bytes the host has. (The items
    // carry each part serialized as bytes, so this is done before they are made.)
    protocol::makeStringsUtf8(inventory);
    const auto items = protocol::toItems(inventory);
    proto::InventorySnapshot next;
    next.set_generation(m_acknowledged.generation() + 1);
    next.set_collected_at_unix(inventory.collected_at_unix());
    for (const auto& item : items)
        *next.add_items() = item;

    if (forceSnapshot || m_acknowledged.generation() == 0) {
        proto::InventorySnapshot snapshot = next;
        return send(proto::INVENTORY_SNAPSHOT, snapshot, std::move(next));
    }
    const std::vector<proto::InventoryItem> before(m_acknowledged.items().begin(),
                                                   m_acknowledged.items().end());
    const auto changes = protocol::diffItems(before, items);
    if (changes.empty())
        return success(); // nothing changed: no message at all
    proto::InventoryDelta delta;
    delta.set_base_generation(m_acknowledged.generation());
    delta.set_generation(next.generation());
    delta.set_collected_at_unix(inventory.collected_at_unix());
    for (const auto& item : changes.upserted)
        *delta.add_upserted() = item;
    for (const auto& key : changes.removed)
        *delta.add_removed() = key;
    return send(proto::INVENTORY_DELTA, delta, std::move(next));
}

} // namespace yagura::agent
