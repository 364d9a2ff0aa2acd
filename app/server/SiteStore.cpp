#include "server/SiteStore.h"

#include "server/Schema.h"

#include "common/Text.h"

#include <algorithm>
#include <map>

namespace yagura::server {

namespace {
constexpr const char* kAgentColumns =
    "id, public_key, state, hostname, machine_id, os, group_name, agent_version, enrolled_at, "
    "last_seen, uptime_seconds, policy_version, inventory_generation, inventory_updated_at, "
    "addresses, spool_events, spool_bytes, "
    "(SELECT max(version) FROM policies WHERE policies.group_name = agents.group_name), "
    "(SELECT total(count) FROM event_losses WHERE event_losses.agent_id = agents.id), isolated";

AgentRecord readAgent(const store::Statement& row) {
    AgentRecord agent;
    agent.id = row.int64(0);
    agent.publicKey = row.text(1);
    agent.state = parseAgentState(row.text(2)).value_or(AgentState::Revoked);
    agent.hostname = row.text(3);
    agent.machineId = row.text(4);
    agent.os = row.text(5);
    agent.group = row.text(6);
    agent.agentVersion = row.text(7);
    agent.enrolledAt = row.int64(8);
    agent.lastSeen = row.int64(9);
    agent.uptimeSeconds = row.int64(10);
    agent.policyVersion = row.int64(11);
    agent.inventoryGeneration = row.int64(12);
    agent.inventoryUpdatedAt = row.int64(13);
    agent.addresses = row.text(14);
    agent.spoolEvents = row.int64(15);
    agent.spoolBytes = row.int64(16);
    agent.desiredPolicyVersion = row.isNull(17) ? 0 : row.int64(17);
    agent.lostEvents = row.int64(18);
    agent.isolated = row.int64(19) != 0;
    return agent;
}

Result<std::vector<AgentRecord>> readAgents(store::Statement& query) {
    std::vector<AgentRecord> agents;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
        if (!hasRow)
            return agents;
        agents.push_back(readAgent(query));
    }
}

std::string sortColumn(proto::AgentSortKey key) {
    switch (key) {
    case proto::SORT_HOSTNAME:
        return "hostname COLLATE NOCASE";
    case proto::SORT_STATE:
        return "state";
    case proto::SORT_OS:
        return "os COLLATE NOCASE";
    case proto::SORT_LAST_SEEN:
        return "last_seen";
    case proto::SORT_ENROLLED_AT:
        return "enrolled_at";
    case proto::SORT_GROUP:
        return "group_name COLLATE NOCASE";
    default:
        return "id";
    }
}

} // namespace

std::string_view agentStateName(AgentState state) {
    switch (state) {
    case AgentState::Pending:
        return "pending";
    case AgentState::Accepted:
        return "accepted";
    case AgentState::Rejected:
        return "rejected";
    case AgentState::Revoked:
        return "revoked";
    }
    return "revoked";
}

std::optional<AgentState> parseAgentState(std::string_view name) {
    if (name == "pending")
        return AgentState::Pending;
    if (name == "accepted")
        return AgentState::Accepted;
    if (name == "rejected")
        return AgentState::Rejected;
    if (name == "revoked")
        return AgentState::Revoked;
    return std::nullopt;
}

std::string_view roleName(Role role) {
    switch (role) {
    case Role::Admin:
        return "admin";
    case Role::Analyst:
        return "analyst";
    case Role::Auditor:
        return "auditor";
    }
    return "auditor";
}

std::optional<Role> parseRole(std::string_view name) {
    if (name == "admin")
        return Role::Admin;
    if (name == "analyst")
        return Role::Analyst;
    if (name == "auditor")
        return Role::Auditor;
    return std::nullopt;
}

SiteStore::SiteStore(store::Database db, const Clock& clock)
    : m_db(std::move(db)), m_clock(clock) {}

Result<SiteStore> SiteStore::open(const std::filesystem::path& path, const store::StoreKey& key,
                                  const Clock& clock, store::OpenMode mode) {
    YAGURA_ASSIGN_OR_RETURN(auto db, store::Database::open(path, key, mode));
    // Every page read from disk is decrypted again: a 32 MiB cache keeps the hot B-tree pages
    // (the right edge of events, agents, alerts) decrypted. The agent's spool keeps the default.
    YAGURA_TRY(db.exec("PRAGMA cache_size = -32768;"));
    YAGURA_TRY(db.migrate(siteMigrations()));
    return SiteStore(std::move(db), clock);
}

Result<std::vector<AgentRecord>> SiteStore::allAgents() {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare(std::string("SELECT ") + kAgentColumns +
                                                     " FROM agents ORDER BY id"));
    return readAgents(query);
}

Result<std::optional<AgentRecord>> SiteStore::agentById(std::int64_t id) {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare(std::string("SELECT ") + kAgentColumns +
                                                     " FROM agents WHERE id = ?"));
    query.bind(1, id);
    YAGURA_ASSIGN_OR_RETURN(auto agents, readAgents(query));
    if (agents.empty())
        return std::optional<AgentRecord>{};
    return std::optional<AgentRecord>(std::move(agents.front()));
}

Result<std::optional<AgentRecord>> SiteStore::agentByKey(const std::string& publicKeyZ85) {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare(std::string("SELECT ") + kAgentColumns +
                                                     " FROM agents WHERE public_key = ?"));
    query.bind(1, publicKeyZ85);
    YAGURA_ASSIGN_OR_RETURN(auto agents, readAgents(query));
    if (agents.empty())
        return std::optional<AgentRecord>{};
    return std::optional<AgentRecord>(std::move(agents.front()));
}

Result<std::int64_t> SiteStore::insertAgent(const AgentRecord& agent, const std::string& tokenId) {
    const std::string group = agent.group.empty() ? std::string(kDefaultGroup) : agent.group;
    YAGURA_TRY(ensureGroup(group));
    YAGURA_ASSIGN_OR_RETURN(
        auto insert,
        m_db.prepare("INSERT INTO agents (public_key, state, hostname, machine_id, os, group_name, "
                     "agent_version, token_id, enrolled_at, state_changed_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    const std::int64_t now = m_clock.nowUnixSeconds();
    insert.bind(1, agent.publicKey)
        .bind(2, agentStateName(agent.state))
        .bind(3, agent.hostname)
        .bind(4, agent.machineId)
        .bind(5, agent.os)
        .bind(6, group)
        .bind(7, agent.agentVersion)
        .bind(8, tokenId)
        .bind(9, now)
        .bind(10, now);
    YAGURA_TRY(insert.run());
    return m_db.lastInsertRowId();
}

Status SiteStore::setAgentState(std::int64_t id, AgentState state) {
    YAGURA_ASSIGN_OR_RETURN(
        auto update,
        m_db.prepare("UPDATE agents SET state = ?, state_changed_at = ? WHERE id = ?"));
    update.bind(1, agentStateName(state)).bind(2, m_clock.nowUnixSeconds()).bind(3, id);
    return update.run();
}

Status SiteStore::recordContact(std::int64_t id, const std::string& agentVersion,
                                std::int64_t uptimeSeconds, std::int64_t policyVersion,
                                std::optional<SpoolBacklog> spool, std::optional<bool> isolated) {
    const std::int64_t now = m_clock.nowUnixSeconds();
    // One statement per contact: the spool's backlog rides along when the message carried it.
    YAGURA_ASSIGN_OR_RETURN(
        auto update,
        m_db.prepare("UPDATE agents SET last_seen = ?1, agent_version = ?2, uptime_seconds = ?3, "
                     "policy_version = ?4, spool_events = CASE WHEN ?6 THEN ?7 ELSE "
                     "spool_events END, spool_bytes = CASE WHEN ?6 THEN ?8 ELSE spool_bytes END, "
                     "isolated = CASE WHEN ?9 >= 0 THEN ?9 ELSE isolated END WHERE id = ?5"));
    update.bind(1, now)
        .bind(2, agentVersion)
        .bind(3, uptimeSeconds)
        .bind(4, policyVersion)
        .bind(5, id)
        .bind(6, spool ? 1 : 0)
        .bind(7, spool ? spool->events : 0)
        .bind(8, spool ? spool->bytes : 0)
        .bind(9, isolated ? std::int64_t{*isolated ? 1 : 0} : std::int64_t{-1});
    YAGURA_TRY(update.run());
    // SQLCipher 3.4 (Debian 12) is SQLite 3.15: no UPSERT, so insert-or-ignore then update.
    YAGURA_ASSIGN_OR_RETURN(auto create,
                            m_db.prepare("INSERT OR IGNORE INTO agent_checkins (agent_id, "
                                         "hour_unix, count) VALUES (?, ?, 0)"));
    create.bind(1, id).bind(2, now - now % 3600);
    YAGURA_TRY(create.run());
    YAGURA_ASSIGN_OR_RETURN(auto checkin,
                            m_db.prepare("UPDATE agent_checkins SET count = count + 1 WHERE "
                                         "agent_id = ? AND hour_unix = ?"));
    checkin.bind(1, id).bind(2, now - now % 3600);
    return checkin.run();
}

Result<std::vector<std::int64_t>> SiteStore::quietAgentIds(std::int64_t onlineSince) {
    YAGURA_ASSIGN_OR_RETURN(auto query,
                            m_db.prepare("SELECT id FROM agents WHERE state = 'accepted' AND "
                                         "last_seen > 0 AND last_seen < ?"));
    query.bind(1, onlineSince);
    std::vector<std::int64_t> ids;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
        if (!hasRow)
            return ids;
        ids.push_back(query.int64(0));
    }
}

Result<std::vector<AgentRecord>> SiteStore::backlogAgents(int limit) {
    YAGURA_ASSIGN_OR_RETURN(
        auto query,
        m_db.prepare(std::string("SELECT ") + kAgentColumns +
                     " FROM agents WHERE state = 'accepted' AND (spool_events > 0 OR EXISTS "
                     "(SELECT 1 FROM event_losses WHERE event_losses.agent_id = agents.id)) "
                     "ORDER BY spool_events DESC, id LIMIT ?"));
    query.bind(1, limit);
    return readAgents(query);
}

Result<std::pair<std::vector<AgentRecord>, std::uint32_t>>
SiteStore::queryAgents(const AgentQuery& query) {
    // States map to SQL conditions; "online"/"offline" split accepted agents by last contact.
    std::vector<std::string> stateConditions;
    for (const std::string& state : query.states) {
        if (state == "online")
            stateConditions.push_back("(state = 'accepted' AND last_seen >= :online)");
        else if (state == "offline")
            stateConditions.push_back("(state = 'accepted' AND last_seen < :online)");
        else if (state == "pending" || state == "rejected" || state == "revoked" ||
                 state == "accepted")
            stateConditions.push_back("state = '" + state + "'");
        else
            return makeError(ErrorCode::InvalidArgument,
                             "unknown state filter '" + state +
                                 "' (use pending, online, offline, accepted, rejected, revoked)");
    }
    // ":online IS NOT NULL" keeps the parameter in the text when no state filter uses it.
    std::string where = "WHERE :online IS NOT NULL AND (:search = '' OR hostname LIKE :pattern "
                        "ESCAPE '\\' OR os LIKE "
                        ":pattern ESCAPE '\\' OR group_name LIKE :pattern ESCAPE '\\' OR addresses "
                        "LIKE :pattern ESCAPE '\\' OR machine_id LIKE :pattern ESCAPE '\\' OR "
                        "CAST(id AS TEXT) = :search)";
    if (!stateConditions.empty()) {
        where += " AND (";
        for (std::size_t i = 0; i < stateConditions.size(); ++i)
            where += (i ? " OR " : "") + stateConditions[i];
        where += ")";
    }
    // Named parameters are rewritten to positional ones so Statement stays minimal.
    auto positional = [](std::string sql) {
        auto replaceAll = [&sql](const std::string& from, const std::string& to) {
            for (std::size_t pos = sql.find(from); pos != std::string::npos;
                 pos = sql.find(from, pos + to.size()))
                sql.replace(pos, from.size(), to);
        };
        replaceAll(":search", "?1");
        replaceAll(":pattern", "?2");
        replaceAll(":online", "?3");
        return sql;
    };
    const std::string pattern = "%" + text::escapeLike(query.search) + "%";

    YAGURA_ASSIGN_OR_RETURN(auto count,
                            m_db.prepare(positional("SELECT count(*) FROM agents " + where)));
    count.bind(1, query.search).bind(2, pattern).bind(3, query.onlineSince);
    YAGURA_ASSIGN_OR_RETURN(const bool hasCount, count.step());
    const auto total = hasCount ? static_cast<std::uint32_t>(count.int64(0)) : 0u;

    const std::string order = sortColumn(query.sort) + (query.descending ? " DESC" : " ASC") +
                              ", id" + (query.descending ? " DESC" : " ASC");
    YAGURA_ASSIGN_OR_RETURN(
        auto select,
        m_db.prepare(positional(std::string("SELECT ") + kAgentColumns + " FROM agents " + where +
                                " ORDER BY " + order + " LIMIT ?4 OFFSET ?5")));
    select.bind(1, query.search)
        .bind(2, pattern)
        .bind(3, query.onlineSince)
        .bind(4, static_cast<std::int64_t>(query.limit))
        .bind(5, static_cast<std::int64_t>(query.offset));
    YAGURA_ASSIGN_OR_RETURN(auto agents, readAgents(select));
    return std::make_pair(std::move(agents), total);
}

Status SiteStore::replaceInventory(std::int64_t agentId, const proto::InventorySnapshot& snapshot) {
    YAGURA_ASSIGN_OR_RETURN(auto clear,
                            m_db.prepare("DELETE FROM inventory_items WHERE agent_id = ?"));
    clear.bind(1, agentId);
    YAGURA_TRY(clear.run());
    YAGURA_ASSIGN_OR_RETURN(auto insert,
                            m_db.prepare("INSERT OR REPLACE INTO inventory_items (agent_id, kind, "
                                         "item_key, body) VALUES (?, ?, ?, ?)"));
    for (const auto& item : snapshot.items()) {
        insert.reset();
        insert.bind(1, agentId).bind(2, item.kind()).bind(3, item.key()).bindBlob(4, item.body());
        YAGURA_TRY(insert.run());
    }
    YAGURA_ASSIGN_OR_RETURN(auto update, m_db.prepare("UPDATE agents SET inventory_generation = ?, "
                                                      "inventory_updated_at = ? WHERE id = ?"));
    update.bind(1, static_cast<std::int64_t>(snapshot.generation()))
        .bind(2, m_clock.nowUnixSeconds())
        .bind(3, agentId);
    YAGURA_TRY(update.run());
    return updateHostSummary(agentId);
}

Status SiteStore::applyInventoryDelta(std::int64_t agentId, const proto::InventoryDelta& delta) {
    YAGURA_ASSIGN_OR_RETURN(auto remove,
                            m_db.prepare("DELETE FROM inventory_items WHERE agent_id = ? AND "
                                         "kind = ? AND item_key = ?"));
    for (const auto& key : delta.removed()) {
        remove.reset();
        remove.bind(1, agentId).bind(2, key.kind()).bind(3, key.key());
        YAGURA_TRY(remove.run());
    }
    YAGURA_ASSIGN_OR_RETURN(auto upsert,
                            m_db.prepare("INSERT OR REPLACE INTO inventory_items (agent_id, kind, "
                                         "item_key, body) VALUES (?, ?, ?, ?)"));
    for (const auto& item : delta.upserted()) {
        upsert.reset();
        upsert.bind(1, agentId).bind(2, item.kind()).bind(3, item.key()).bindBlob(4, item.body());
        YAGURA_TRY(upsert.run());
    }
    YAGURA_ASSIGN_OR_RETURN(auto update, m_db.prepare("UPDATE agents SET inventory_generation = ?, "
                                                      "inventory_updated_at = ? WHERE id = ?"));
    update.bind(1, static_cast<std::int64_t>(delta.generation()))
        .bind(2, m_clock.nowUnixSeconds())
        .bind(3, agentId);
    YAGURA_TRY(update.run());
    return updateHostSummary(agentId);
}

Result<std::vector<proto::InventoryItem>> SiteStore::inventoryItems(std::int64_t agentId) {
    YAGURA_ASSIGN_OR_RETURN(auto query,
                            m_db.prepare("SELECT kind, item_key, body FROM inventory_items WHERE "
                                         "agent_id = ? ORDER BY kind, item_key"));
    query.bind(1, agentId);
    std::vector<proto::InventoryItem> items;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
        if (!hasRow)
            return items;
        proto::InventoryItem item;
        item.set_kind(static_cast<proto::InventoryKind>(query.int64(0)));
        item.set_key(query.text(1));
        item.set_body(query.blob(2));
        items.push_back(std::move(item));
    }
}

Status SiteStore::updateHostSummary(std::int64_t agentId) {
    YAGURA_ASSIGN_OR_RETURN(auto host,
                            m_db.prepare("SELECT body FROM inventory_items WHERE agent_id = ? AND "
                                         "kind = ?"));
    host.bind(1, agentId).bind(2, static_cast<std::int64_t>(proto::KIND_HOST));
    YAGURA_ASSIGN_OR_RETURN(const bool hasHost, host.step());
    proto::HostInfo info;
    if (hasHost)
        info.ParseFromString(host.blob(0));

    YAGURA_ASSIGN_OR_RETURN(auto interfaces,
                            m_db.prepare("SELECT body FROM inventory_items WHERE agent_id = ? AND "
                                         "kind = ? ORDER BY item_key"));
    interfaces.bind(1, agentId).bind(2, static_cast<std::int64_t>(proto::KIND_INTERFACE));
    std::string addresses;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, interfaces.step());
        if (!hasRow)
            break;
        proto::NetworkInterface nic;
        if (!nic.ParseFromString(interfaces.blob(0)) || nic.loopback())
            continue;
        for (const auto& address : nic.addresses()) {
            if (address.family() != "inet")
                continue;
            if (!addresses.empty())
                addresses += ", ";
            addresses += address.address();
        }
    }
    YAGURA_ASSIGN_OR_RETURN(auto update,
                            m_db.prepare("UPDATE agents SET hostname = CASE WHEN ?1 = '' THEN "
                                         "hostname ELSE ?1 END, os = CASE WHEN ?2 = '' THEN os "
                                         "ELSE ?2 END, machine_id = CASE WHEN ?3 = '' THEN "
                                         "machine_id ELSE ?3 END, addresses = ?4 WHERE id = ?5"));
    update.bind(1, info.hostname())
        .bind(2, info.os().pretty_name())
        .bind(3, info.machine_id())
        .bind(4, addresses)
        .bind(5, agentId);
    return update.run();
}

Result<std::vector<std::int64_t>> SiteStore::storeEvents(std::int64_t agentId,
                                                         const proto::EventBatch& batch,
                                                         std::vector<int>* fresh) {
    std::vector<std::int64_t> alerts;
    const std::int64_t now = m_clock.nowUnixMillis();
    YAGURA_ASSIGN_OR_RETURN(auto insert,
                            m_db.prepare("INSERT OR IGNORE INTO events (agent_id, seq, time_ms, "
                                         "category, rank, body, received_ms) VALUES "
                                         "(?, ?, ?, ?, ?, ?, ?)"));
    int index = -1;
    std::string body;
    for (const auto& event : batch.events()) {
        ++index;
        // Serialized as received, seq included (the column is authoritative): no copy.
        body.clear();
        (void)event.SerializeToString(&body);
        insert.reset();
        insert.bind(1, agentId)
            .bind(2, static_cast<std::int64_t>(event.seq()))
            .bind(3, static_cast<std::int64_t>(event.time_unix_ms()))
            .bind(4, event.category())
            .bind(5, static_cast<std::int64_t>(event.rank()))
            .bindBlob(6, body)
            .bind(7, now);
        YAGURA_TRY(insert.run());
        if (fresh && m_db.changes() == 1)
            fresh->push_back(index);
        // Only a first delivery counts: a resent alert event must not bump its alert again.
        if (m_db.changes() == 1 && event.category() == "alert") {
            YAGURA_ASSIGN_OR_RETURN(const std::int64_t alertId, recordAlert(agentId, event));
            if (alertId != 0)
                alerts.push_back(alertId);
        }
    }
    YAGURA_ASSIGN_OR_RETURN(auto loss,
                            m_db.prepare("INSERT OR IGNORE INTO event_losses (agent_id, first_seq, "
                                         "last_seq, count, rank, reported_ms) VALUES "
                                         "(?, ?, ?, ?, ?, ?)"));
    for (const auto& dropped : batch.dropped()) {
        loss.reset();
        loss.bind(1, agentId)
            .bind(2, static_cast<std::int64_t>(dropped.first_seq()))
            .bind(3, static_cast<std::int64_t>(dropped.last_seq()))
            .bind(4, static_cast<std::int64_t>(dropped.count()))
            .bind(5, static_cast<std::int64_t>(dropped.rank()))
            .bind(6, now);
        YAGURA_TRY(loss.run());
    }
    return alerts;
}

namespace {
std::string fieldValue(const proto::TelemetryEvent& event, std::string_view name) {
    for (const auto& field : event.fields())
        if (field.name() == name)
            return field.value();
    return {};
}

constexpr const char* kAlertColumns =
    "alerts.id, alerts.agent_id, agents.hostname, rule_id, rule_title, level, tags, image, "
    "first_seen_ms, alerts.last_seen_ms, count, status, assignee, last_event_seq, detail";

proto::AlertSummary readAlert(const store::Statement& row) {
    proto::AlertSummary alert;
    alert.set_id(static_cast<std::uint64_t>(row.int64(0)));
    alert.set_agent_id(static_cast<std::uint64_t>(row.int64(1)));
    alert.set_hostname(row.text(2));
    alert.set_rule_id(row.text(3));
    alert.set_rule_title(row.text(4));
    alert.set_level(row.text(5));
    const std::string tags = row.text(6); // split() returns views into it: keep it alive
    for (std::string_view tag : text::split(tags, ','))
        if (!tag.empty())
            alert.add_tags(std::string(tag));
    alert.set_image(row.text(7));
    alert.set_first_seen_unix_ms(static_cast<std::uint64_t>(row.int64(8)));
    alert.set_last_seen_unix_ms(static_cast<std::uint64_t>(row.int64(9)));
    alert.set_count(static_cast<std::uint32_t>(row.int64(10)));
    alert.set_status(row.text(11));
    alert.set_assignee(row.text(12));
    alert.set_last_event_seq(static_cast<std::uint64_t>(row.int64(13)));
    alert.set_detail(row.text(14));
    return alert;
}
} // namespace

Result<std::int64_t> SiteStore::recordAlert(std::int64_t agentId,
                                            const proto::TelemetryEvent& event,
                                            const std::string& detail) {
    const std::string ruleId = fieldValue(event, "RuleId");
    const std::string image = fieldValue(event, "Image");
    const auto time = static_cast<std::int64_t>(event.time_unix_ms());
    YAGURA_ASSIGN_OR_RETURN(const auto suppressedBy, applyException(agentId, ruleId, image));
    if (suppressedBy)
        return 0;
    YAGURA_ASSIGN_OR_RETURN(auto open,
                            m_db.prepare("SELECT id FROM alerts WHERE agent_id = ? AND rule_id = ? "
                                         "AND image = ? AND status IN ('new', 'acknowledged', "
                                         "'in_progress') ORDER BY id DESC LIMIT 1"));
    open.bind(1, agentId).bind(2, ruleId).bind(3, image);
    YAGURA_ASSIGN_OR_RETURN(const bool grouped, open.step());
    if (grouped) {
        const std::int64_t id = open.int64(0);
        YAGURA_ASSIGN_OR_RETURN(
            auto bump,
            m_db.prepare(
                "UPDATE alerts SET count = count + 1, last_seen_ms = max(last_seen_ms, ?), "
                "last_event_seq = ?, detail = CASE WHEN ?4 = '' THEN detail ELSE ?4 END "
                "WHERE id = ?3"));
        bump.bind(1, time)
            .bind(2, static_cast<std::int64_t>(event.seq()))
            .bind(3, id)
            .bind(4, detail);
        YAGURA_TRY(bump.run());
        return id;
    }
    YAGURA_ASSIGN_OR_RETURN(
        auto insert,
        m_db.prepare("INSERT INTO alerts (agent_id, rule_id, rule_title, level, tags, image, "
                     "first_seen_ms, last_seen_ms, count, last_event_seq, detail) VALUES "
                     "(?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"));
    insert.bind(1, agentId)
        .bind(2, ruleId)
        .bind(3, fieldValue(event, "RuleTitle"))
        .bind(4, fieldValue(event, "RuleLevel"))
        .bind(5, fieldValue(event, "RuleTags"))
        .bind(6, image)
        .bind(7, time)
        .bind(8, time)
        .bind(9, static_cast<std::int64_t>(event.seq()))
        .bind(10, detail);
    YAGURA_TRY(insert.run());
    return m_db.lastInsertRowId();
}

Result<std::pair<std::vector<proto::AlertSummary>, std::uint32_t>>
SiteStore::listAlerts(const proto::ListAlertsRequest& request, std::uint32_t limit) {
    std::string where = "WHERE (?1 = 0 OR alerts.agent_id = ?1) AND (?2 = '' OR rule_id = ?2)";
    if (request.statuses_size() > 0) {
        where += " AND status IN (";
        for (int i = 0; i < request.statuses_size(); ++i) {
            const std::string& status = request.statuses(i);
            if (status != "new" && status != "acknowledged" && status != "in_progress" &&
                status != "resolved" && status != "false_positive")
                return makeError(ErrorCode::InvalidArgument,
                                 "unknown alert status '" + status + "'");
            where += std::string(i ? ", " : "") + "'" + status + "'";
        }
        where += ")";
    }
    if (request.levels_size() > 0) {
        where += " AND level IN (";
        for (int i = 0; i < request.levels_size(); ++i) {
            const std::string& level = request.levels(i);
            if (level != "informational" && level != "low" && level != "medium" &&
                level != "high" && level != "critical")
                return makeError(ErrorCode::InvalidArgument, "unknown alert level '" + level + "'");
            where += std::string(i ? ", " : "") + "'" + level + "'";
        }
        where += ")";
    }
    // ?5 search, ?6 pattern, ?7 tag, ?8 since, ?9 until (?3, ?4 are the page).
    where += " AND (?5 = '' OR agents.hostname LIKE ?6 ESCAPE '\\' OR alerts.rule_title LIKE ?6 "
             "ESCAPE '\\' OR alerts.rule_id = ?5) AND (?7 = '' OR ',' || alerts.tags || ',' LIKE "
             "'%,' || ?7 || ',%') AND (?8 = 0 OR alerts.last_seen_ms >= ?8) AND (?9 = 0 OR "
             "alerts.last_seen_ms <= ?9)";
    const std::string pattern = "%" + text::escapeLike(request.search()) + "%";
    const auto bindFilters = [&](store::Statement& statement) {
        statement.bind(5, request.search())
            .bind(6, pattern)
            .bind(7, request.tag())
            .bind(8, static_cast<std::int64_t>(request.since_unix_ms()))
            .bind(9, static_cast<std::int64_t>(request.until_unix_ms()));
    };
    YAGURA_ASSIGN_OR_RETURN(auto count,
                            m_db.prepare("SELECT count(*) FROM alerts JOIN agents ON agents.id = "
                                         "alerts.agent_id " +
                                         where + " AND ?3 IS NOT NULL AND ?4 IS NOT NULL"));
    count.bind(1, static_cast<std::int64_t>(request.agent_id()))
        .bind(2, request.rule_id())
        .bind(3, std::int64_t{0})
        .bind(4, std::int64_t{0});
    bindFilters(count);
    YAGURA_ASSIGN_OR_RETURN(const bool hasCount, count.step());
    const auto total = hasCount ? static_cast<std::uint32_t>(count.int64(0)) : 0u;
    YAGURA_ASSIGN_OR_RETURN(
        auto query,
        m_db.prepare(std::string("SELECT ") + kAlertColumns +
                     " FROM alerts JOIN agents ON agents.id = alerts.agent_id " + where +
                     " ORDER BY alerts.last_seen_ms DESC, alerts.id DESC LIMIT ?3 "
                     "OFFSET ?4"));
    query.bind(1, static_cast<std::int64_t>(request.agent_id()))
        .bind(2, request.rule_id())
        .bind(3, static_cast<std::int64_t>(limit))
        .bind(4, static_cast<std::int64_t>(request.offset()));
    bindFilters(query);
    std::vector<proto::AlertSummary> alerts;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
        if (!hasRow)
            break;
        alerts.push_back(readAlert(query));
    }
    return std::make_pair(std::move(alerts), total);
}

Result<std::optional<proto::AlertSummary>> SiteStore::alertById(std::int64_t id) {
    YAGURA_ASSIGN_OR_RETURN(auto query,
                            m_db.prepare(std::string("SELECT ") + kAlertColumns +
                                         " FROM alerts JOIN agents ON agents.id = alerts.agent_id "
                                         "WHERE alerts.id = ?"));
    query.bind(1, id);
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    if (!hasRow)
        return std::optional<proto::AlertSummary>{};
    return std::optional<proto::AlertSummary>(readAlert(query));
}

Result<std::uint64_t> SiteStore::eventCount(std::int64_t agentId) {
    YAGURA_ASSIGN_OR_RETURN(auto query,
                            m_db.prepare("SELECT count(*) FROM events WHERE agent_id = ?"));
    query.bind(1, agentId);
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    return hasRow ? static_cast<std::uint64_t>(query.int64(0)) : 0u;
}

Result<std::uint64_t> SiteStore::lostEventCount(std::int64_t agentId) {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare("SELECT coalesce(sum(count), 0) FROM "
                                                     "event_losses WHERE agent_id = ?"));
    query.bind(1, agentId);
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    return hasRow ? static_cast<std::uint64_t>(query.int64(0)) : 0u;
}

Result<std::vector<proto::EventRecord>>
SiteStore::listEvents(const proto::ListEventsRequest& request, std::uint32_t limit) {
    YAGURA_ASSIGN_OR_RETURN(
        auto query,
        m_db.prepare("SELECT seq, time_ms, category, body FROM events WHERE agent_id = ?1 AND "
                     "seq > ?2 AND (?3 = '' OR category = ?3) AND (?4 = '' OR "
                     "instr(body, CAST(?4 AS BLOB)) > 0) AND (?5 = 0 OR time_ms >= ?5) AND "
                     "(?6 = 0 OR time_ms <= ?6) ORDER BY seq LIMIT ?7"));
    // `contains` is searched in the stored bytes first (cheap), then confirmed against the field
    // values, so a field's name alone does not match; the page is refilled until it is full.
    std::vector<proto::EventRecord> records;
    std::int64_t cursor = static_cast<std::int64_t>(request.after_seq());
    for (;;) {
        query.reset();
        query.bind(1, static_cast<std::int64_t>(request.agent_id()))
            .bind(2, cursor)
            .bind(3, request.category())
            .bind(4, request.contains())
            .bind(5, static_cast<std::int64_t>(request.since_unix_ms()))
            .bind(6, static_cast<std::int64_t>(request.until_unix_ms()))
            .bind(7, static_cast<std::int64_t>(limit));
        bool any = false;
        for (;;) {
            YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
            if (!hasRow)
                break;
            any = true;
            cursor = query.int64(0);
            proto::TelemetryEvent event;
            if (!event.ParseFromString(query.blob(3)))
                continue;
            if (!request.contains().empty() &&
                std::none_of(event.fields().begin(), event.fields().end(), [&](const auto& f) {
                    return f.value().find(request.contains()) != std::string::npos;
                }))
                continue;
            proto::EventRecord record;
            record.set_agent_id(request.agent_id());
            record.set_seq(static_cast<std::uint64_t>(query.int64(0)));
            record.set_time_unix_ms(static_cast<std::uint64_t>(query.int64(1)));
            record.set_category(query.text(2));
            *record.mutable_fields() = event.fields();
            records.push_back(std::move(record));
            if (records.size() >= limit)
                return records;
        }
        if (!any)
            return records;
    }
}

Status SiteStore::updateAlert(std::int64_t id, const std::optional<std::string>& status,
                              const std::optional<std::string>& assignee, const std::string& actor,
                              const std::string& change, const std::string& note) {
    YAGURA_ASSIGN_OR_RETURN(auto update,
                            m_db.prepare("UPDATE alerts SET status = coalesce(?, status), "
                                         "assignee = coalesce(?, assignee) WHERE id = ?"));
    update.bindOptional(1, status).bindOptional(2, assignee).bind(3, id);
    YAGURA_TRY(update.run());
    YAGURA_ASSIGN_OR_RETURN(auto history,
                            m_db.prepare("INSERT INTO alert_history (alert_id, time_ms, actor, "
                                         "change, note) VALUES (?, ?, ?, ?, ?)"));
    history.bind(1, id)
        .bind(2, m_clock.nowUnixMillis())
        .bind(3, actor)
        .bind(4, change)
        .bind(5, note);
    return history.run();
}

Result<std::vector<proto::AlertHistoryEntry>> SiteStore::alertHistory(std::int64_t id) {
    YAGURA_ASSIGN_OR_RETURN(auto query,
                            m_db.prepare("SELECT time_ms, actor, change, note FROM alert_history "
                                         "WHERE alert_id = ? ORDER BY id"));
    query.bind(1, id);
    std::vector<proto::AlertHistoryEntry> entries;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
        if (!hasRow)
            return entries;
        proto::AlertHistoryEntry entry;
        entry.set_time_unix_ms(static_cast<std::uint64_t>(query.int64(0)));
        entry.set_actor(query.text(1));
        entry.set_change(query.text(2));
        entry.set_note(query.text(3));
        entries.push_back(std::move(entry));
    }
}

Result<std::optional<proto::EventRecord>> SiteStore::eventBySeq(std::int64_t agentId,
                                                                std::int64_t seq) {
    proto::ListEventsRequest request;
    request.set_agent_id(static_cast<std::uint64_t>(agentId));
    request.set_after_seq(static_cast<std::uint64_t>(seq - 1));
    YAGURA_ASSIGN_OR_RETURN(auto events, listEvents(request, 1));
    if (events.empty() || events.front().seq() != static_cast<std::uint64_t>(seq))
        return std::optional<proto::EventRecord>{};
    return std::optional<proto::EventRecord>(std::move(events.front()));
}

Status SiteStore::insertToken(const TokenRecord& token, const std::string& createdBy) {
    YAGURA_ASSIGN_OR_RETURN(
        auto insert,
        m_db.prepare("INSERT INTO enrolment_tokens (id, secret_hash, created_at, expires_at, "
                     "uses_allowed, uses_count, group_name, auto_accept, created_by) VALUES "
                     "(?, ?, ?, ?, ?, 0, ?, ?, ?)"));
    insert.bind(1, token.id)
        .bindBlob(2, token.secretHash)
        .bind(3, token.createdAt)
        .bind(4, token.expiresAt)
        .bind(5, token.usesAllowed)
        .bind(6, token.group)
        .bind(7, std::int64_t{token.autoAccept ? 1 : 0})
        .bind(8, createdBy);
    return insert.run();
}

Result<std::optional<TokenRecord>> SiteStore::tokenById(const std::string& id) {
    YAGURA_ASSIGN_OR_RETURN(auto query,
                            m_db.prepare("SELECT id, secret_hash, created_at, expires_at, "
                                         "uses_allowed, uses_count, group_name, auto_accept FROM "
                                         "enrolment_tokens WHERE id = ?"));
    query.bind(1, id);
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    if (!hasRow)
        return std::optional<TokenRecord>{};
    TokenRecord token;
    token.id = query.text(0);
    token.secretHash = query.blob(1);
    token.createdAt = query.int64(2);
    token.expiresAt = query.int64(3);
    token.usesAllowed = query.int64(4);
    token.usesCount = query.int64(5);
    token.group = query.text(6);
    token.autoAccept = query.int64(7) != 0;
    return std::optional<TokenRecord>(std::move(token));
}

Status SiteStore::consumeTokenUse(const std::string& id) {
    YAGURA_ASSIGN_OR_RETURN(auto update,
                            m_db.prepare("UPDATE enrolment_tokens SET uses_count = uses_count + 1 "
                                         "WHERE id = ? AND uses_count < uses_allowed"));
    update.bind(1, id);
    YAGURA_TRY(update.run());
    if (m_db.changes() != 1)
        return makeError(ErrorCode::Exhausted, "the enrolment token has been used up");
    return success();
}

Status SiteStore::insertUser(const UserRecord& user) {
    YAGURA_ASSIGN_OR_RETURN(
        auto insert, m_db.prepare("INSERT INTO users (name, role, password_hash, disabled, "
                                  "created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?)"));
    const std::int64_t now = m_clock.nowUnixSeconds();
    insert.bind(1, user.name)
        .bind(2, roleName(user.role))
        .bind(3, user.passwordHash)
        .bind(4, std::int64_t{user.disabled ? 1 : 0})
        .bind(5, now)
        .bind(6, now);
    auto status = insert.run();
    if (!status.ok() && status.error().code == ErrorCode::Conflict)
        return makeError(ErrorCode::AlreadyExists, "user '" + user.name + "' already exists");
    return status;
}

namespace {
UserRecord readUser(const store::Statement& row) {
    UserRecord user;
    user.name = row.text(0);
    user.role = parseRole(row.text(1)).value_or(Role::Auditor);
    user.passwordHash = row.text(2);
    user.disabled = row.int64(3) != 0;
    user.createdAt = row.int64(4);
    user.passwordChangedAt = row.int64(5);
    return user;
}
constexpr const char* kUserColumns =
    "name, role, password_hash, disabled, created_at, password_changed_at";
} // namespace

Result<std::vector<UserRecord>> SiteStore::allUsers() {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare(std::string("SELECT ") + kUserColumns +
                                                     " FROM users ORDER BY name"));
    std::vector<UserRecord> users;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
        if (!hasRow)
            return users;
        users.push_back(readUser(query));
    }
}

Status SiteStore::updateUser(const UserRecord& user, bool passwordChanged) {
    YAGURA_ASSIGN_OR_RETURN(
        auto update,
        m_db.prepare("UPDATE users SET role = ?, disabled = ?, password_hash = ?, "
                     "password_changed_at = CASE WHEN ? THEN ? ELSE password_changed_at END "
                     "WHERE name = ?"));
    update.bind(1, roleName(user.role))
        .bind(2, std::int64_t{user.disabled ? 1 : 0})
        .bind(3, user.passwordHash)
        .bind(4, std::int64_t{passwordChanged ? 1 : 0})
        .bind(5, m_clock.nowUnixSeconds())
        .bind(6, user.name);
    YAGURA_TRY(update.run());
    if (m_db.changes() != 1)
        return makeError(ErrorCode::NotFound, "no user named '" + user.name + "'");
    return success();
}

Result<DashboardCounts> SiteStore::dashboardCounts(std::int64_t onlineSince) {
    DashboardCounts counts;
    YAGURA_ASSIGN_OR_RETURN(
        auto states,
        m_db.prepare("SELECT CASE WHEN state = 'accepted' AND last_seen >= ?1 AND last_seen > 0 "
                     "THEN 'online' WHEN state = 'accepted' THEN 'offline' ELSE state END AS s, "
                     "count(*) FROM agents GROUP BY s"));
    states.bind(1, onlineSince);
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, states.step());
        if (!hasRow)
            break;
        const std::string state = states.text(0);
        const auto count = static_cast<std::uint32_t>(states.int64(1));
        counts.total += count;
        if (state == "online")
            counts.online = count;
        else if (state == "offline")
            counts.offline = count;
        else if (state == "pending")
            counts.pending = count;
        else if (state == "rejected")
            counts.rejected = count;
        else if (state == "revoked")
            counts.revoked = count;
    }
    YAGURA_ASSIGN_OR_RETURN(auto byOs,
                            m_db.prepare("SELECT os, count(*) AS n FROM agents WHERE state = "
                                         "'accepted' GROUP BY os ORDER BY n DESC, os"));
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, byOs.step());
        if (!hasRow)
            break;
        counts.byOs.emplace_back(byOs.text(0), static_cast<std::uint32_t>(byOs.int64(1)));
    }
    const std::int64_t now = m_clock.nowUnixSeconds();
    const std::int64_t currentHour = now - now % 3600;
    const std::int64_t firstHour = currentHour - 23 * 3600;
    YAGURA_ASSIGN_OR_RETURN(auto checkins,
                            m_db.prepare("SELECT hour_unix, sum(count) FROM agent_checkins WHERE "
                                         "hour_unix >= ? GROUP BY hour_unix"));
    checkins.bind(1, firstHour);
    std::map<std::int64_t, std::uint32_t> perHour;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, checkins.step());
        if (!hasRow)
            break;
        perHour[checkins.int64(0)] = static_cast<std::uint32_t>(checkins.int64(1));
    }
    for (std::int64_t hour = firstHour; hour <= currentHour; hour += 3600)
        counts.checkinsByHour.emplace_back(hour, perHour.count(hour) ? perHour[hour] : 0u);
    return counts;
}

Result<std::optional<UserRecord>> SiteStore::userByName(const std::string& name) {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare(std::string("SELECT ") + kUserColumns +
                                                     " FROM users WHERE name = ?"));
    query.bind(1, name);
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    if (!hasRow)
        return std::optional<UserRecord>{};
    return std::optional<UserRecord>(readUser(query));
}

} // namespace yagura::server
