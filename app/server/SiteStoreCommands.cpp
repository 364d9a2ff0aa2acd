// SiteStore: response commands. Same class as SiteStore.cpp, kept apart for size.
#include "server/SiteStore.h"

#include "common/Text.h"
#include "crypto/Hash.h"

namespace yagura::server {

namespace {
constexpr const char* kCommandColumns =
    "commands.id, agent_id, coalesce(agents.hostname, ''), commands.state, reason, created_by, "
    "created_at, expires_at, delivered_at, acknowledged_at, finished_at, detail, command, "
    "from_alert_id, (SELECT length(content) FROM command_outputs WHERE command_id = commands.id), "
    "(SELECT output_type FROM command_outputs WHERE command_id = commands.id)";

proto::CommandRecord readCommand(const store::Statement& row) {
    proto::CommandRecord record;
    record.set_id(static_cast<std::uint64_t>(row.int64(0)));
    record.set_agent_id(static_cast<std::uint64_t>(row.int64(1)));
    record.set_hostname(row.text(2));
    record.set_state(row.text(3));
    record.set_reason(row.text(4));
    record.set_created_by(row.text(5));
    record.set_created_at_unix(static_cast<std::uint64_t>(row.int64(6)));
    record.set_expires_at_unix(static_cast<std::uint64_t>(row.int64(7)));
    record.set_delivered_at_unix(static_cast<std::uint64_t>(row.int64(8)));
    record.set_acknowledged_at_unix(static_cast<std::uint64_t>(row.int64(9)));
    record.set_finished_at_unix(static_cast<std::uint64_t>(row.int64(10)));
    record.set_detail(row.text(11));
    (void)record.mutable_command()->ParseFromString(row.blob(12));
    record.set_action(record.command().action());
    record.set_from_alert_id(static_cast<std::uint64_t>(row.int64(13)));
    if (!row.isNull(14)) {
        record.set_output_size(static_cast<std::uint64_t>(row.int64(14)));
        record.set_output_type(row.text(15));
    }
    return record;
}

Result<std::vector<proto::CommandRecord>> readCommands(store::Statement& query) {
    std::vector<proto::CommandRecord> commands;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool row, query.step());
        if (!row)
            break;
        commands.push_back(readCommand(query));
    }
    return commands;
}

bool isFinal(std::string_view state) {
    return state == "succeeded" || state == "failed" || state == "expired";
}
} // namespace

std::string_view commandActionName(proto::CommandAction action) {
    switch (action) {
    case proto::ISOLATE:
        return "isolate";
    case proto::RELEASE:
        return "release";
    case proto::KILL:
        return "kill";
    case proto::QUARANTINE:
        return "quarantine";
    case proto::RESTORE:
        return "restore";
    case proto::COLLECT:
        return "collect";
    default:
        return "";
    }
}

Result<proto::CommandRecord> SiteStore::insertCommand(std::int64_t agentId, proto::Command command,
                                                      const std::string& createdBy,
                                                      std::int64_t expiresAt,
                                                      std::int64_t fromAlertId) {
    const std::string_view action = commandActionName(command.action());
    if (action.empty())
        return makeError(ErrorCode::InvalidArgument, "unknown command action");
    const std::int64_t now = m_clock.nowUnixSeconds();
    YAGURA_ASSIGN_OR_RETURN(
        auto insert,
        m_db.prepare("INSERT INTO commands (agent_id, action, state, reason, created_by, "
                     "created_at, expires_at, command, from_alert_id) VALUES (?, ?, 'queued', ?, "
                     "?, ?, ?, x'', ?)"));
    insert.bind(1, agentId)
        .bind(2, action)
        .bind(3, command.reason())
        .bind(4, createdBy)
        .bind(5, now)
        .bind(6, expiresAt)
        .bind(7, fromAlertId);
    YAGURA_TRY(insert.run());
    const std::int64_t id = m_db.lastInsertRowId();
    // The id is part of what the agent receives: it is how the agent runs a command only once.
    command.set_id(static_cast<std::uint64_t>(id));
    command.set_requested_by(createdBy);
    command.set_expires_at_unix(static_cast<std::uint64_t>(expiresAt));
    YAGURA_ASSIGN_OR_RETURN(auto store,
                            m_db.prepare("UPDATE commands SET command = ? WHERE id = ?"));
    store.bindBlob(1, command.SerializeAsString()).bind(2, id);
    YAGURA_TRY(store.run());
    YAGURA_ASSIGN_OR_RETURN(auto record, commandById(id));
    if (!record)
        return makeError(ErrorCode::Internal, "the new command vanished");
    return *record;
}

Result<std::optional<proto::CommandRecord>> SiteStore::commandById(std::int64_t id) {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare(std::string("SELECT ") + kCommandColumns +
                                                     " FROM commands LEFT JOIN agents ON "
                                                     "agents.id = commands.agent_id WHERE "
                                                     "commands.id = ?"));
    query.bind(1, id);
    YAGURA_ASSIGN_OR_RETURN(const bool row, query.step());
    if (!row)
        return std::optional<proto::CommandRecord>{};
    return std::optional<proto::CommandRecord>{readCommand(query)};
}

Result<std::vector<proto::CommandRecord>>
SiteStore::listCommands(std::int64_t agentId, const std::vector<std::string>& states,
                        std::uint32_t limit) {
    std::string sql = std::string("SELECT ") + kCommandColumns +
                      " FROM commands LEFT JOIN agents ON agents.id = commands.agent_id WHERE "
                      "(?1 = 0 OR agent_id = ?1)";
    if (!states.empty()) {
        sql += " AND commands.state IN (";
        for (std::size_t i = 0; i < states.size(); ++i)
            sql += (i ? ", ?" : "?") + std::to_string(i + 3);
        sql += ")";
    }
    sql += " ORDER BY commands.id DESC LIMIT ?2";
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare(sql));
    query.bind(1, agentId).bind(2, static_cast<std::int64_t>(limit));
    for (std::size_t i = 0; i < states.size(); ++i)
        query.bind(static_cast<int>(i + 3), states[i]);
    return readCommands(query);
}

Result<std::vector<proto::CommandRecord>>
SiteStore::commandsToDeliver(std::int64_t agentId, std::int64_t resendDeliveredBefore) {
    YAGURA_ASSIGN_OR_RETURN(
        auto query,
        m_db.prepare(std::string("SELECT ") + kCommandColumns +
                     " FROM commands LEFT JOIN agents ON agents.id = commands.agent_id WHERE "
                     "agent_id = ?1 AND commands.state IN ('queued', 'delivered') AND "
                     "expires_at > ?2 AND (commands.state = 'queued' OR delivered_at <= ?3) "
                     "ORDER BY commands.id"));
    query.bind(1, agentId).bind(2, m_clock.nowUnixSeconds()).bind(3, resendDeliveredBefore);
    return readCommands(query);
}

Result<std::vector<std::int64_t>> SiteStore::agentsWithOpenCommands() {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare("SELECT DISTINCT agent_id FROM commands "
                                                     "WHERE state IN ('queued', 'delivered')"));
    std::vector<std::int64_t> agents;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool row, query.step());
        if (!row)
            break;
        agents.push_back(query.int64(0));
    }
    return agents;
}

Result<bool> SiteStore::hasOpenCommands(std::int64_t agentId) {
    YAGURA_ASSIGN_OR_RETURN(auto query,
                            m_db.prepare("SELECT 1 FROM commands WHERE agent_id = ? AND state IN "
                                         "('queued', 'delivered') LIMIT 1"));
    query.bind(1, agentId);
    return query.step();
}

Status SiteStore::markCommandDelivered(std::int64_t id) {
    YAGURA_ASSIGN_OR_RETURN(
        auto update, m_db.prepare("UPDATE commands SET state = 'delivered', delivered_at = ? "
                                  "WHERE id = ? AND state IN ('queued', 'delivered')"));
    update.bind(1, m_clock.nowUnixSeconds()).bind(2, id);
    return update.run();
}

Result<std::optional<proto::CommandRecord>>
SiteStore::recordCommandResult(std::int64_t agentId, const proto::CommandResult& result) {
    YAGURA_ASSIGN_OR_RETURN(auto record, commandById(static_cast<std::int64_t>(result.id())));
    if (!record || record->agent_id() != static_cast<std::uint64_t>(agentId))
        return makeError(ErrorCode::NotFound,
                         "command " + std::to_string(result.id()) + " is not this agent's");
    std::string state;
    switch (result.phase()) {
    case proto::RECEIVED:
        state = "acknowledged";
        break;
    case proto::APPLIED:
        state = "applied";
        break;
    case proto::SUCCEEDED:
        state = "succeeded";
        break;
    case proto::FAILED:
        state = "failed";
        break;
    default:
        return makeError(ErrorCode::InvalidArgument, "command result without a phase");
    }
    // Final states stay final, except that an isolation the agent applied may still end in
    // failure (rolled back); a late or repeated report changes nothing.
    const std::string& current = record->state();
    static constexpr std::string_view order[] = {"queued",  "delivered", "acknowledged",
                                                 "applied", "succeeded", "failed"};
    auto rank = [](std::string_view name) {
        for (std::size_t i = 0; i < std::size(order); ++i)
            if (order[i] == name)
                return static_cast<int>(i);
        return 99;
    };
    const bool forward = !isFinal(current) && rank(state) > rank(current);
    if (!forward)
        return std::optional<proto::CommandRecord>{};
    const std::int64_t now = m_clock.nowUnixSeconds();
    YAGURA_ASSIGN_OR_RETURN(
        auto update,
        m_db.prepare("UPDATE commands SET state = ?1, detail = CASE WHEN ?2 = '' THEN detail ELSE "
                     "?2 END, acknowledged_at = CASE WHEN acknowledged_at = 0 THEN ?3 ELSE "
                     "acknowledged_at END, finished_at = CASE WHEN ?1 IN ('succeeded', 'failed') "
                     "THEN ?3 ELSE finished_at END WHERE id = ?4"));
    update.bind(1, state)
        .bind(2, text::truncateUtf8(result.detail(), 2000))
        .bind(3, now)
        .bind(4, static_cast<std::int64_t>(result.id()));
    YAGURA_TRY(update.run());
    if (state == "succeeded") {
        // What the command produced: collected output, a quarantined or restored file.
        if (!result.output_type().empty()) {
            YAGURA_ASSIGN_OR_RETURN(
                auto output, m_db.prepare("INSERT OR REPLACE INTO command_outputs (command_id, "
                                          "output_type, sha256, content) VALUES (?, ?, ?, ?)"));
            output.bind(1, static_cast<std::int64_t>(result.id()))
                .bind(2, result.output_type())
                .bind(3, text::toHex(crypto::sha256(result.output())))
                .bindBlob(4, result.output());
            YAGURA_TRY(output.run());
        }
        if (result.has_quarantine() && record->action() == proto::QUARANTINE) {
            YAGURA_ASSIGN_OR_RETURN(
                auto item, m_db.prepare("INSERT OR REPLACE INTO quarantine (agent_id, item_id, "
                                        "item, quarantined_at) VALUES (?, ?, ?, ?)"));
            item.bind(1, agentId)
                .bind(2, result.quarantine().id())
                .bindBlob(3, result.quarantine().SerializeAsString())
                .bind(4, static_cast<std::int64_t>(result.quarantine().quarantined_at_unix()));
            YAGURA_TRY(item.run());
        }
        if (result.has_quarantine() && record->action() == proto::RESTORE) {
            YAGURA_ASSIGN_OR_RETURN(auto restored,
                                    m_db.prepare("UPDATE quarantine SET restored_at = ?, "
                                                 "restore_command_id = ? WHERE agent_id = ? AND "
                                                 "item_id = ?"));
            restored.bind(1, now)
                .bind(2, static_cast<std::int64_t>(result.id()))
                .bind(3, agentId)
                .bind(4, result.quarantine().id());
            YAGURA_TRY(restored.run());
        }
    }
    return commandById(static_cast<std::int64_t>(result.id()));
}

Result<std::optional<proto::GetCommandOutputResponse>> SiteStore::commandOutput(std::int64_t id) {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare("SELECT output_type, sha256, content FROM "
                                                     "command_outputs WHERE command_id = ?"));
    query.bind(1, id);
    YAGURA_ASSIGN_OR_RETURN(const bool row, query.step());
    if (!row)
        return std::optional<proto::GetCommandOutputResponse>{};
    proto::GetCommandOutputResponse output;
    output.set_output_type(query.text(0));
    output.set_sha256(query.text(1));
    output.set_output(query.blob(2));
    return std::optional<proto::GetCommandOutputResponse>{std::move(output)};
}

Result<std::vector<proto::QuarantineRecord>> SiteStore::quarantineItems(std::int64_t agentId,
                                                                        bool includeRestored) {
    YAGURA_ASSIGN_OR_RETURN(
        auto query,
        m_db.prepare("SELECT quarantine.agent_id, coalesce(agents.hostname, ''), item, "
                     "restored_at, restore_command_id FROM quarantine LEFT JOIN agents ON "
                     "agents.id = quarantine.agent_id WHERE (?1 = 0 OR quarantine.agent_id = ?1) "
                     "AND (?2 OR restored_at = 0) ORDER BY quarantined_at DESC LIMIT 1000"));
    query.bind(1, agentId).bind(2, includeRestored ? 1 : 0);
    std::vector<proto::QuarantineRecord> items;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool row, query.step());
        if (!row)
            break;
        proto::QuarantineRecord item;
        item.set_agent_id(static_cast<std::uint64_t>(query.int64(0)));
        item.set_hostname(query.text(1));
        (void)item.mutable_item()->ParseFromString(query.blob(2));
        item.set_restored_at_unix(static_cast<std::uint64_t>(query.int64(3)));
        item.set_restore_command_id(static_cast<std::uint64_t>(query.int64(4)));
        items.push_back(std::move(item));
    }
    return items;
}

Result<std::optional<proto::CommandRecord>>
SiteStore::recordAutomaticResponse(std::int64_t agentId, const proto::TelemetryEvent& event) {
    auto field = [&](std::string_view name) {
        for (const auto& entry : event.fields())
            if (entry.name() == name)
                return entry.value();
        return std::string();
    };
    const std::string action = field("Action");
    proto::Command command;
    if (action == "kill")
        command.set_action(proto::KILL);
    else if (action == "quarantine")
        command.set_action(proto::QUARANTINE);
    else if (action == "isolate")
        command.set_action(proto::ISOLATE);
    else
        return std::optional<proto::CommandRecord>{};
    command.set_reason(
        text::truncateUtf8("automatic response to '" + field("RuleTitle") + "'", 500));
    const std::int64_t at = static_cast<std::int64_t>(event.time_unix_ms() / 1000);
    YAGURA_ASSIGN_OR_RETURN(
        auto insert,
        m_db.prepare("INSERT INTO commands (agent_id, action, state, reason, created_by, "
                     "created_at, expires_at, delivered_at, acknowledged_at, finished_at, detail, "
                     "command) VALUES (?1, ?2, ?3, ?4, 'policy', ?5, ?5, ?5, ?5, ?5, ?6, ?7)"));
    insert.bind(1, agentId)
        .bind(2, commandActionName(command.action()))
        .bind(3, field("Outcome") == "succeeded" ? "succeeded" : "failed")
        .bind(4, command.reason())
        .bind(5, at)
        .bind(6, text::truncateUtf8(field("Detail"), 2000))
        .bindBlob(7, command.SerializeAsString());
    YAGURA_TRY(insert.run());
    return commandById(m_db.lastInsertRowId());
}

Result<std::vector<std::string>> SiteStore::isolatedHostnames() {
    YAGURA_ASSIGN_OR_RETURN(auto query,
                            m_db.prepare("SELECT hostname FROM agents WHERE isolated = 1 AND "
                                         "state = 'accepted' ORDER BY hostname"));
    std::vector<std::string> names;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool row, query.step());
        if (!row)
            break;
        names.push_back(query.text(0));
    }
    return names;
}

Result<std::vector<proto::CommandRecord>> SiteStore::expireCommands() {
    const std::int64_t now = m_clock.nowUnixSeconds();
    YAGURA_ASSIGN_OR_RETURN(auto query,
                            m_db.prepare(std::string("SELECT ") + kCommandColumns +
                                         " FROM commands LEFT JOIN agents ON agents.id = "
                                         "commands.agent_id WHERE commands.state IN ('queued', "
                                         "'delivered') AND expires_at <= ?"));
    query.bind(1, now);
    YAGURA_ASSIGN_OR_RETURN(auto expired, readCommands(query));
    for (auto& record : expired) {
        YAGURA_ASSIGN_OR_RETURN(
            auto update,
            m_db.prepare("UPDATE commands SET state = 'expired', finished_at = ?, detail = ? "
                         "WHERE id = ?"));
        const std::string detail = record.state() == "queued"
                                       ? "expired before the agent was reachable"
                                       : "expired: delivered, but the agent never confirmed it";
        update.bind(1, now).bind(2, detail).bind(3, static_cast<std::int64_t>(record.id()));
        YAGURA_TRY(update.run());
        record.set_state("expired");
        record.set_finished_at_unix(static_cast<std::uint64_t>(now));
        record.set_detail(detail);
    }
    return expired;
}

} // namespace yagura::server
