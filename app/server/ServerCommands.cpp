// Server: delivering response commands to agents and recording what they answer. Same class as
// Server.cpp, kept apart for size.
#include "server/Server.h"

#include "common/Log.h"
#include "proto/Envelope.h"
#include "server/OperatorService.h"

namespace yagura::server {

void Server::commandChanged(const proto::CommandRecord& command) {
    m_operators->broadcastCommand(command, *m_operatorSocket);
}

void Server::settleOpenCommands(std::int64_t agentId) {
    if (auto open = m_store.hasOpenCommands(agentId); open.ok() && !*open)
        m_agentsWithOpenCommands.erase(agentId);
}

void Server::commandCreated(const proto::CommandRecord& command) {
    m_agentsWithOpenCommands.insert(static_cast<std::int64_t>(command.agent_id()));
    commandChanged(command);
    if (auto agent = m_store.agentById(static_cast<std::int64_t>(command.agent_id()));
        agent.ok() && agent->has_value())
        deliverCommands((*agent)->id, (*agent)->publicKey, m_clock.nowUnixSeconds());
}

void Server::deliverCommands(std::int64_t agentId, const std::string& agentKey,
                             std::int64_t resendDeliveredBefore) {
    if (!m_agentsWithOpenCommands.count(agentId))
        return; // nothing to send
    const auto route = m_agentRoutes.find(agentKey);
    if (route == m_agentRoutes.end())
        return; // offline: delivered at its next Hello
    auto due = m_store.commandsToDeliver(agentId, resendDeliveredBefore);
    if (!due.ok()) {
        spdlog::warn("agent {}: cannot read its commands: {}", agentId, due.error().message);
        return;
    }
    for (const auto& record : *due) {
        const bool first = record.state() == "queued";
        auto transaction = m_store.database().beginImmediate();
        if (!transaction.ok())
            return;
        if (!m_store.markCommandDelivered(static_cast<std::int64_t>(record.id())).ok() ||
            (first &&
             !m_store
                  .audit({"server", "command.deliver", "agent:" + std::to_string(agentId), "ok",
                          "command " + std::to_string(record.id()) + " (" +
                              std::string(commandActionName(record.action())) + ")"})
                  .ok()) ||
            !transaction->commit().ok()) {
            spdlog::warn("agent {}: cannot record the delivery of command {}", agentId,
                         record.id());
            return;
        }
        (void)m_agentSocket->send(
            {route->second, protocol::pack(proto::COMMAND, 0, record.command())});
        if (first)
            if (auto updated = m_store.commandById(static_cast<std::int64_t>(record.id()));
                updated.ok() && updated->has_value())
                commandChanged(**updated);
    }
}

std::string Server::handleCommandResult(std::int64_t agentId, const proto::Envelope& envelope,
                                        bool& failed) {
    auto result = protocol::parsePayload<proto::CommandResult>(envelope);
    const std::uint64_t seq = envelope.seq();
    auto reject = [&](const Error& error) {
        failed = true;
        spdlog::warn("agent {}: {}", agentId, error.message);
        proto::Ack ack;
        ack.set_seq(seq);
        ack.set_status(proto::ACK_REJECTED);
        ack.set_error(error.message);
        return protocol::pack(proto::ACK, seq, ack);
    };
    if (!result.ok())
        return reject(result.error());
    auto updated = m_store.recordCommandResult(agentId, *result);
    if (!updated.ok())
        return reject(updated.error());
    if (updated->has_value()) {
        const proto::CommandRecord& record = **updated;
        const char* phase = result->phase() == proto::RECEIVED    ? "command.acknowledged"
                            : result->phase() == proto::APPLIED   ? "command.applied"
                            : result->phase() == proto::SUCCEEDED ? "command.succeeded"
                                                                  : "command.failed";
        if (auto status =
                m_store.audit({"agent:" + std::to_string(agentId), phase,
                               "command:" + std::to_string(record.id()),
                               result->phase() == proto::FAILED ? "failed" : "ok",
                               std::string(commandActionName(record.action())) +
                                   (result->detail().empty() ? "" : ": " + record.detail())});
            !status.ok())
            return reject(status.error());
        m_changedCommands.push_back(record);
        if (record.state() != "delivered")
            settleOpenCommands(agentId);
    }
    proto::Ack ack;
    ack.set_seq(seq);
    ack.set_status(proto::ACK_OK);
    return protocol::pack(proto::ACK, seq, ack);
}

void Server::expireCommands() {
    auto transaction = m_store.database().beginImmediate();
    if (!transaction.ok())
        return;
    auto expired = m_store.expireCommands();
    if (!expired.ok()) {
        spdlog::warn("commands: {}", expired.error().message);
        return;
    }
    for (const auto& record : *expired)
        if (!m_store
                 .audit({"server", "command.expire", "command:" + std::to_string(record.id()), "ok",
                         std::string(commandActionName(record.action())) + " for agent " +
                             std::to_string(record.agent_id()) + ": " + record.detail()})
                 .ok())
            return; // rolled back with the transaction
    if (!transaction->commit().ok())
        return;
    for (const auto& record : *expired) {
        settleOpenCommands(static_cast<std::int64_t>(record.agent_id()));
        commandChanged(record);
    }
}

} // namespace yagura::server
