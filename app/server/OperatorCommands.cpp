// The operator API's response commands: isolate, release, kill, quarantine, restore, collect, and
// their outputs and the quarantine lists. Same class as OperatorService.cpp.
#include "common/Text.h"
#include "response/IsolationRules.h"
#include "server/OperatorService.h"
#include "server/OperatorSupport.h"
#include "server/Server.h"

namespace yagura::server {

bool OperatorService::dispatchCommands(const Session& session,
                                       const proto::OperatorRequest& request,
                                       proto::OperatorResponse& response) {
    switch (request.body_case()) {
    case proto::OperatorRequest::kCreateCommand:
        // Which permission depends on the action and the agent's policy: checked inside.
        createCommand(session, request.create_command(), response);
        return true;
    case proto::OperatorRequest::kListCommands:
        if (authorize(session, Permission::ViewAgents, "commands.list", "", response)) {
            const auto& list = request.list_commands();
            const std::vector<std::string> states(list.states().begin(), list.states().end());
            auto commands = m_store.listCommands(static_cast<std::int64_t>(list.agent_id()), states,
                                                 pageLimit(list.limit()));
            if (!commands.ok())
                setError(response, commands.error());
            else
                for (auto& command : *commands)
                    *response.mutable_list_commands()->add_commands() = std::move(command);
        }
        return true;
    case proto::OperatorRequest::kGetCommandOutput:
        // What was collected may be a file's content (keys, password hashes): only those who
        // may collect may read it.
        if (authorize(session, Permission::RespondToThreats, "command.output",
                      "command:" + std::to_string(request.get_command_output().id()), response)) {
            auto output =
                m_store.commandOutput(static_cast<std::int64_t>(request.get_command_output().id()));
            if (!output.ok())
                setError(response, output.error());
            else if (!output->has_value())
                setError(response, ErrorCode::NotFound,
                         "command " + std::to_string(request.get_command_output().id()) +
                             " has no output");
            else
                *response.mutable_get_command_output() = std::move(**output);
        }
        return true;
    case proto::OperatorRequest::kListQuarantine:
        if (authorize(session, Permission::ViewAgents, "quarantine.list", "", response)) {
            auto items = m_store.quarantineItems(
                static_cast<std::int64_t>(request.list_quarantine().agent_id()),
                request.list_quarantine().include_restored());
            if (!items.ok())
                setError(response, items.error());
            else
                for (auto& item : *items)
                    *response.mutable_list_quarantine()->add_items() = std::move(item);
        }
        return true;
    case proto::OperatorRequest::kGetCommand:
        if (authorize(session, Permission::ViewAgents, "command.show",
                      "command:" + std::to_string(request.get_command().id()), response)) {
            auto command =
                m_store.commandById(static_cast<std::int64_t>(request.get_command().id()));
            if (!command.ok())
                setError(response, command.error());
            else if (!command->has_value())
                setError(response, ErrorCode::NotFound,
                         "no command " + std::to_string(request.get_command().id()));
            else
                *response.mutable_get_command()->mutable_command() = **command;
        }
        return true;
    default:
        return false;
    }
}

void OperatorService::createCommand(const Session& session,
                                    const proto::CreateCommandRequest& request,
                                    proto::OperatorResponse& response) {
    const std::string_view action = commandActionName(request.action());
    const std::string target = "agent:" + std::to_string(request.agent_id());
    const std::string auditAction = "command." + std::string(action.empty() ? "unknown" : action);
    if (action.empty()) {
        setError(response, ErrorCode::InvalidArgument,
                 "unknown action (isolate, release, kill, quarantine, restore or collect)");
        return;
    }
    auto agent = m_store.agentById(static_cast<std::int64_t>(request.agent_id()));
    if (!agent.ok()) {
        setError(response, agent.error());
        return;
    }
    if (!agent->has_value()) {
        setError(response, ErrorCode::NotFound, "no agent " + std::to_string(request.agent_id()));
        return;
    }
    const AgentRecord& host = **agent;
    auto policy = m_store.policy(host.group, 0);
    if (!policy.ok()) {
        setError(response, policy.error());
        return;
    }
    const proto::ResponsePolicy responsePolicy =
        policy->has_value() ? (*policy)->spec().response() : proto::ResponsePolicy{};

    // Who may: every action needs the response permission; a release needs an admin unless the
    // agent's policy lets analysts release.
    Permission needed = Permission::RespondToThreats;
    if (request.action() == proto::RELEASE &&
        !(session.role == Role::Analyst && responsePolicy.analysts_may_release()))
        needed = Permission::ReleaseIsolation;
    if (!authorize(session, needed, auditAction, target, response))
        return;

    if (host.state != AgentState::Accepted) {
        setError(response, ErrorCode::InvalidArgument,
                 "agent " + std::to_string(host.id) + " is " +
                     std::string(agentStateName(host.state)) + ": it takes no commands");
        return;
    }
    const std::string reason(text::trim(request.reason()));
    if (reason.empty() && !request.preview_only()) {
        setError(response, ErrorCode::InvalidArgument, "a reason is required");
        return;
    }
    if (reason.size() > 500) {
        setError(response, ErrorCode::InvalidArgument, "the reason has at most 500 characters");
        return;
    }
    const std::int64_t expiresIn = request.expires_in_seconds() == 0
                                       ? m_settings.commandExpiry.count()
                                       : static_cast<std::int64_t>(request.expires_in_seconds());
    if (expiresIn > 365 * 86400LL) {
        setError(response, ErrorCode::InvalidArgument, "a command expires within a year");
        return;
    }

    proto::Command command;
    command.set_action(request.action());
    command.set_reason(reason);
    std::string preview;
    switch (request.action()) {
    case proto::ISOLATE: {
        std::vector<std::string> endpoints;
        for (const auto& endpoint : m_server.endpoints().agent)
            endpoints.push_back(dialableEndpoint(endpoint));
        auto spec = response::isolationSpecFor(responsePolicy, endpoints);
        if (!spec.ok()) {
            setError(response, spec.error());
            return;
        }
        for (const auto& line : response::describeIsolation(*spec))
            preview += line + "\n";
        const std::vector<std::string> addresses(spec->server_addresses().begin(),
                                                 spec->server_addresses().end());
        if (auto ruleset = response::isolationRuleset(*spec, addresses); ruleset.ok())
            preview += "\nnftables (the agent adds the addresses it connects to the server "
                       "with):\n" +
                       *ruleset;
        *command.mutable_isolation() = std::move(*spec);
        break;
    }
    case proto::RELEASE:
        preview = "removes the table inet " + std::string(response::kIsolationTable) +
                  " and nothing else\n";
        break;
    case proto::KILL:
        if (request.kill().pid() <= 1 || request.kill().start_ticks() == 0) {
            setError(response, ErrorCode::InvalidArgument,
                     "kill needs the process id (above 1) and its start time (field 22 of "
                     "/proc/PID/stat, the ProcessStartTicks of its events)");
            return;
        }
        *command.mutable_kill() = request.kill();
        preview = "kills process " + std::to_string(request.kill().pid()) + " started at tick " +
                  std::to_string(request.kill().start_ticks()) +
                  (request.kill().tree() ? " and every descendant" : "") +
                  "; a process that reuses the id is left alone\n";
        break;
    case proto::QUARANTINE: {
        const std::string& path = request.quarantine().path();
        if (path.empty() || path.front() != '/' || path.find('\0') != std::string::npos ||
            path.size() > 4096) {
            setError(response, ErrorCode::InvalidArgument,
                     "quarantine needs the absolute path of the file");
            return;
        }
        *command.mutable_quarantine() = request.quarantine();
        preview = "moves " + path +
                  " into the agent's encrypted quarantine (restorable with its owner and mode)\n";
        break;
    }
    case proto::RESTORE: {
        const std::string& id = request.restore().quarantine_id();
        if (id.size() != 32 || id.find_first_not_of("0123456789abcdef") != std::string::npos) {
            setError(response, ErrorCode::InvalidArgument,
                     "restore needs a quarantine id (32 hex digits, as the quarantine lists it)");
            return;
        }
        *command.mutable_restore() = request.restore();
        preview = "puts quarantined file " + id + " back where it was (nothing is overwritten)\n";
        break;
    }
    case proto::COLLECT: {
        const auto& collect = request.collect();
        const bool fileKind = collect.kind() == "file" || collect.kind() == "file_info";
        if (collect.kind() != "processes" && collect.kind() != "connections" && !fileKind) {
            setError(response, ErrorCode::InvalidArgument,
                     "collect: kind must be processes, connections, file_info or file");
            return;
        }
        if (fileKind && (collect.path().empty() || collect.path().front() != '/')) {
            setError(response, ErrorCode::InvalidArgument,
                     "collect " + collect.kind() + " needs the absolute path of the file");
            return;
        }
        if (collect.max_bytes() > (8u << 20)) {
            setError(response, ErrorCode::InvalidArgument,
                     "collect: at most 8 MiB of a file (8388608 bytes)");
            return;
        }
        *command.mutable_collect() = collect;
        preview = "collects " + collect.kind() + (fileKind ? " of " + collect.path() : "") +
                  " and stores it on the server\n";
        break;
    }
    default:
        setError(response, ErrorCode::InvalidArgument, "unknown action");
        return;
    }

    if (request.preview_only()) {
        auto& body = *response.mutable_create_command();
        body.mutable_command()->set_agent_id(request.agent_id());
        body.mutable_command()->set_hostname(host.hostname);
        body.mutable_command()->set_action(request.action());
        body.mutable_command()->set_state("preview");
        *body.mutable_command()->mutable_command() = command;
        body.set_preview(preview);
        return;
    }

    auto transaction = m_store.database().beginImmediate();
    if (!transaction.ok()) {
        setError(response, transaction.error());
        return;
    }
    auto record =
        m_store.insertCommand(host.id, command, session.user, m_clock.nowUnixSeconds() + expiresIn,
                              static_cast<std::int64_t>(request.from_alert_id()));
    if (!record.ok()) {
        setError(response, record.error());
        return;
    }
    if (auto status = m_store.audit({actorOf(session.user), auditAction, target, "ok",
                                     "command " + std::to_string(record->id()) + ": " + reason});
        !status.ok()) {
        setError(response, status.error());
        return;
    }
    if (auto committed = transaction->commit(); !committed.ok()) {
        setError(response, committed.error());
        return;
    }
    m_server.commandCreated(*record);
    // Re-read: delivery to a connected agent has moved it on already.
    auto current = m_store.commandById(static_cast<std::int64_t>(record->id()));
    auto& body = *response.mutable_create_command();
    *body.mutable_command() = current.ok() && current->has_value() ? **current : *record;
    body.set_preview(preview);
}

} // namespace yagura::server
