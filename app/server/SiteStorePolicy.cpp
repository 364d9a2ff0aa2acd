// SiteStore: agent groups, versioned policies, rule packs, exceptions, retention and the
// correlation tables. Kept apart from SiteStore.cpp only for size; same class, same rules.
#include "server/SiteStore.h"

#include "common/Text.h"

#include <set>
#include <tuple>

namespace yagura::server {

namespace {
proto::PolicyRecord readPolicy(const store::Statement& row) {
    proto::PolicyRecord record;
    record.set_version(static_cast<std::uint64_t>(row.int64(0)));
    record.set_group(row.text(1));
    (void)record.mutable_spec()->ParseFromString(row.blob(2));
    record.set_created_at_unix(static_cast<std::uint64_t>(row.int64(3)));
    record.set_created_by(row.text(4));
    record.set_comment(row.text(5));
    return record;
}

constexpr const char* kPolicyColumns = "version, group_name, spec, created_at, created_by, comment";

constexpr const char* kRuleColumns =
    "pack, file, rule_id, title, level, product, category, service, tags, status, reason, enabled";

proto::RuleSummary readRule(const store::Statement& row) {
    proto::RuleSummary rule;
    rule.set_pack(row.text(0));
    rule.set_file(row.text(1));
    rule.set_id(row.text(2));
    rule.set_title(row.text(3));
    rule.set_level(row.text(4));
    std::string logsource = row.text(5);
    for (const std::string& part : {row.text(6), row.text(7)})
        logsource += "/" + part;
    rule.set_logsource(logsource);
    const std::string tags = row.text(8);
    for (std::string_view tag : text::split(tags, ','))
        if (!tag.empty())
            rule.add_tags(std::string(tag));
    rule.set_status(row.text(9));
    rule.set_reason(row.text(10));
    rule.set_enabled(row.int64(11) != 0);
    return rule;
}

constexpr const char* kExceptionColumns =
    "alert_exceptions.id, rule_id, rule_title, scope, agent_id, "
    "coalesce(agents.hostname, ''), alert_exceptions.group_name, image, reason, created_by, "
    "created_at, expires_at, hits, revoked, from_alert_id";

proto::ExceptionRecord readException(const store::Statement& row) {
    proto::ExceptionRecord record;
    record.set_id(static_cast<std::uint64_t>(row.int64(0)));
    record.set_rule_id(row.text(1));
    record.set_rule_title(row.text(2));
    record.set_scope(row.text(3));
    record.set_agent_id(static_cast<std::uint64_t>(row.int64(4)));
    record.set_hostname(row.text(5));
    record.set_group(row.text(6));
    record.set_image(row.text(7));
    record.set_reason(row.text(8));
    record.set_created_by(row.text(9));
    record.set_created_at_unix(static_cast<std::uint64_t>(row.int64(10)));
    record.set_expires_at_unix(static_cast<std::uint64_t>(row.int64(11)));
    record.set_hits(static_cast<std::uint32_t>(row.int64(12)));
    record.set_revoked(row.int64(13) != 0);
    record.set_from_alert_id(static_cast<std::uint64_t>(row.int64(14)));
    return record;
}

template <typename T, typename Read>
Result<std::vector<T>> readAll(store::Statement& query, Read read) {
    std::vector<T> rows;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
        if (!hasRow)
            return rows;
        rows.push_back(read(query));
    }
}
} // namespace

// ---- Groups ---------------------------------------------------------------------------------

Status SiteStore::ensureGroup(const std::string& name) {
    YAGURA_ASSIGN_OR_RETURN(
        auto insert,
        m_db.prepare("INSERT OR IGNORE INTO agent_groups (name, created_at) VALUES (?, ?)"));
    insert.bind(1, name).bind(2, m_clock.nowUnixSeconds());
    YAGURA_TRY(insert.run());
    if (m_db.changes() == 0 || name == kDefaultGroup)
        return success();
    // A group named first by an enrolment token starts with the default group's policy, so its
    // agents detect from the start.
    YAGURA_ASSIGN_OR_RETURN(const auto fallback, policy(std::string(kDefaultGroup)));
    if (!fallback)
        return success();
    YAGURA_ASSIGN_OR_RETURN(const auto version,
                            insertPolicy(name, fallback->spec(), "system",
                                         "copied from default when an agent enrolled into it"));
    return audit({"system", "policy.set", "group:" + name, "ok",
                  "version " + std::to_string(version) + ": copied from default"});
}

Result<bool> SiteStore::groupExists(const std::string& name) {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare("SELECT 1 FROM agent_groups WHERE name = ?"));
    query.bind(1, name);
    return query.step();
}

Status SiteStore::createGroup(const std::string& name, const std::string& description) {
    YAGURA_ASSIGN_OR_RETURN(const bool exists, groupExists(name));
    if (exists)
        return makeError(ErrorCode::AlreadyExists, "group '" + name + "' already exists");
    YAGURA_ASSIGN_OR_RETURN(
        auto insert,
        m_db.prepare("INSERT INTO agent_groups (name, description, created_at) VALUES (?, ?, ?)"));
    insert.bind(1, name).bind(2, description).bind(3, m_clock.nowUnixSeconds());
    return insert.run();
}

Result<std::vector<GroupRecord>> SiteStore::groups() {
    YAGURA_ASSIGN_OR_RETURN(
        auto query,
        m_db.prepare(
            "SELECT g.name, g.description, "
            "(SELECT count(*) FROM agents a WHERE a.group_name = g.name AND a.state = 'accepted'), "
            "coalesce((SELECT max(version) FROM policies p WHERE p.group_name = g.name), 0), "
            "(SELECT count(*) FROM agents a WHERE a.group_name = g.name AND a.state = 'accepted' "
            " AND a.policy_version = (SELECT max(version) FROM policies p "
            "                         WHERE p.group_name = g.name)) "
            "FROM agent_groups g ORDER BY g.name COLLATE NOCASE"));
    return readAll<GroupRecord>(query, [](const store::Statement& row) {
        GroupRecord group;
        group.name = row.text(0);
        group.description = row.text(1);
        group.agents = static_cast<std::uint32_t>(row.int64(2));
        group.policyVersion = row.int64(3);
        group.agentsApplied = static_cast<std::uint32_t>(row.int64(4));
        return group;
    });
}

Status SiteStore::moveAgent(std::int64_t agentId, const std::string& group) {
    YAGURA_ASSIGN_OR_RETURN(auto update,
                            m_db.prepare("UPDATE agents SET group_name = ? WHERE id = ?"));
    update.bind(1, group).bind(2, agentId);
    YAGURA_TRY(update.run());
    if (m_db.changes() == 0)
        return makeError(ErrorCode::NotFound, "no agent " + std::to_string(agentId));
    return success();
}

// ---- Policies -------------------------------------------------------------------------------

Result<std::optional<proto::PolicyRecord>> SiteStore::policy(const std::string& group,
                                                             std::int64_t version) {
    YAGURA_ASSIGN_OR_RETURN(auto query,
                            m_db.prepare(std::string("SELECT ") + kPolicyColumns +
                                         " FROM policies WHERE group_name = ?1 AND (?2 = 0 OR "
                                         "version = ?2) ORDER BY version DESC LIMIT 1"));
    query.bind(1, group).bind(2, version);
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    if (!hasRow)
        return std::optional<proto::PolicyRecord>{};
    return std::optional<proto::PolicyRecord>{readPolicy(query)};
}

Result<std::optional<proto::PolicyRecord>> SiteStore::policyByVersion(std::int64_t version) {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare(std::string("SELECT ") + kPolicyColumns +
                                                     " FROM policies WHERE version = ?"));
    query.bind(1, version);
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    if (!hasRow)
        return std::optional<proto::PolicyRecord>{};
    return std::optional<proto::PolicyRecord>{readPolicy(query)};
}

Result<SiteStore::ContactState> SiteStore::contactState(std::int64_t agentId) {
    YAGURA_ASSIGN_OR_RETURN(
        auto query,
        m_db.prepare("SELECT a.policy_version, coalesce((SELECT max(p.version) FROM policies p "
                     "WHERE p.group_name = a.group_name), 0), a.isolated FROM agents a WHERE "
                     "a.id = ?"));
    query.bind(1, agentId);
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    if (!hasRow)
        return makeError(ErrorCode::NotFound, "no agent " + std::to_string(agentId));
    return ContactState{query.int64(0), query.int64(1), query.int64(2) != 0};
}

Result<std::vector<proto::PolicyRecord>> SiteStore::policyHistory(const std::string& group) {
    YAGURA_ASSIGN_OR_RETURN(auto query,
                            m_db.prepare(std::string("SELECT ") + kPolicyColumns +
                                         " FROM policies WHERE group_name = ? ORDER BY version "
                                         "DESC"));
    query.bind(1, group);
    return readAll<proto::PolicyRecord>(query, readPolicy);
}

Result<std::int64_t> SiteStore::insertPolicy(const std::string& group,
                                             const proto::PolicySpec& spec,
                                             const std::string& createdBy,
                                             const std::string& comment) {
    YAGURA_ASSIGN_OR_RETURN(auto insert,
                            m_db.prepare("INSERT INTO policies (group_name, spec, created_at, "
                                         "created_by, comment) VALUES (?, ?, ?, ?, ?)"));
    insert.bind(1, group)
        .bindBlob(2, spec.SerializeAsString())
        .bind(3, m_clock.nowUnixSeconds())
        .bind(4, createdBy)
        .bind(5, comment);
    YAGURA_TRY(insert.run());
    return m_db.lastInsertRowId();
}

Result<std::vector<proto::PolicyRule>> SiteStore::policyRules(const proto::PolicySpec& spec,
                                                              const std::string& product) {
    const std::set<std::string> disabled(spec.disabled_rules().begin(),
                                         spec.disabled_rules().end());
    YAGURA_ASSIGN_OR_RETURN(
        auto query,
        m_db.prepare("SELECT rules.rule_id, rules.pack, rules.yaml FROM rules JOIN rule_packs ON "
                     "rule_packs.name = rules.pack WHERE rules.pack = ? AND rule_packs.complete "
                     "AND rules.status = 'loaded' AND rules.enabled AND (rules.product = '' OR "
                     "rules.product = ?) ORDER BY rules.file"));
    std::vector<proto::PolicyRule> rules;
    std::set<std::string> seen; // the first pack named wins a rule id present in two
    for (const auto& pack : spec.rule_packs()) {
        query.reset();
        query.bind(1, pack).bind(2, product);
        for (;;) {
            YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
            if (!hasRow)
                break;
            std::string id = query.text(0);
            if (disabled.contains(id) || !seen.insert(id).second)
                continue;
            proto::PolicyRule rule;
            rule.set_id(std::move(id));
            rule.set_pack(query.text(1));
            rule.set_yaml(query.blob(2));
            rules.push_back(std::move(rule));
        }
    }
    return rules;
}

Result<std::vector<std::pair<std::string, std::int64_t>>> SiteStore::retentionByGroup() {
    YAGURA_ASSIGN_OR_RETURN(
        auto query, m_db.prepare("SELECT p.group_name, p.spec FROM policies p WHERE p.version = "
                                 "(SELECT max(version) FROM policies q WHERE q.group_name = "
                                 "p.group_name)"));
    return readAll<std::pair<std::string, std::int64_t>>(query, [](const store::Statement& row) {
        proto::PolicySpec spec;
        (void)spec.ParseFromString(row.blob(1));
        return std::make_pair(row.text(0), static_cast<std::int64_t>(spec.retention_days()));
    });
}

Result<std::int64_t> SiteStore::pruneEvents(const std::string& group, std::int64_t cutoffMs,
                                            std::int64_t limit) {
    // Alert events stay while their alert references them: the triage view shows them.
    YAGURA_ASSIGN_OR_RETURN(
        auto prune,
        // Through the (agent, time) index: one probe per agent of the group, reading only what is
        // old enough — never a scan of the table, nor of other groups' old events.
        m_db.prepare("DELETE FROM events WHERE (agent_id, seq) IN (SELECT e.agent_id, e.seq FROM "
                     "events e INDEXED BY events_agent_time WHERE e.time_ms < ?2 AND e.agent_id IN "
                     "(SELECT id FROM agents WHERE group_name = ?1) AND NOT EXISTS (SELECT 1 "
                     "FROM alerts WHERE alerts.agent_id = e.agent_id AND alerts.last_event_seq = "
                     "e.seq) LIMIT ?3)"));
    prune.bind(1, group).bind(2, cutoffMs).bind(3, limit);
    YAGURA_TRY(prune.run());
    return static_cast<std::int64_t>(m_db.changes());
}

// ---- Rule packs -----------------------------------------------------------------------------

Status SiteStore::beginRulePack(const std::string& name, const std::string& description,
                                const std::string& source, bool builtin, const std::string& actor) {
    YAGURA_ASSIGN_OR_RETURN(auto clear, m_db.prepare("DELETE FROM rules WHERE pack = ?"));
    clear.bind(1, name);
    YAGURA_TRY(clear.run());
    YAGURA_ASSIGN_OR_RETURN(auto drop, m_db.prepare("DELETE FROM rule_packs WHERE name = ?"));
    drop.bind(1, name);
    YAGURA_TRY(drop.run());
    YAGURA_ASSIGN_OR_RETURN(
        auto insert,
        m_db.prepare("INSERT INTO rule_packs (name, description, source, builtin, imported_at, "
                     "imported_by, complete) VALUES (?, ?, ?, ?, ?, ?, 0)"));
    insert.bind(1, name)
        .bind(2, description)
        .bind(3, source)
        .bind(4, builtin ? 1 : 0)
        .bind(5, m_clock.nowUnixSeconds())
        .bind(6, actor);
    return insert.run();
}

Status SiteStore::insertRule(const RuleRow& rule) {
    YAGURA_ASSIGN_OR_RETURN(
        auto insert,
        m_db.prepare("INSERT OR REPLACE INTO rules (pack, file, rule_id, title, level, product, "
                     "category, service, tags, status, reason, enabled, yaml) VALUES "
                     "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert.bind(1, rule.pack)
        .bind(2, rule.file)
        .bind(3, rule.ruleId)
        .bind(4, rule.title)
        .bind(5, rule.level)
        .bind(6, rule.product)
        .bind(7, rule.category)
        .bind(8, rule.service)
        .bind(9, rule.tags)
        .bind(10, rule.status)
        .bind(11, rule.reason)
        .bind(12, rule.enabled ? 1 : 0)
        .bindBlob(13, rule.yaml);
    return insert.run();
}

Status SiteStore::finishRulePack(const std::string& staging, const std::string& name) {
    // The import went to a staging name; the switch to the live name is one step of the
    // caller's transaction, so agents never see a half-imported pack.
    // (statement, binds the staging name, binds the live name)
    const std::tuple<const char*, bool, bool> steps[] = {
        {"DELETE FROM rules WHERE pack = ?2", false, true},
        {"DELETE FROM rule_packs WHERE name = ?2", false, true},
        {"INSERT INTO rule_packs (name, description, source, builtin, imported_at, imported_by, "
         "complete) SELECT ?2, description, source, builtin, imported_at, imported_by, 1 FROM "
         "rule_packs WHERE name = ?1",
         true, true},
        {"UPDATE rules SET pack = ?2 WHERE pack = ?1", true, true},
        {"DELETE FROM rule_packs WHERE name = ?1", true, false},
    };
    for (const auto& [sql, usesStaging, usesName] : steps) {
        // SQLite 3.15 refuses a bind to a number the statement does not use.
        YAGURA_ASSIGN_OR_RETURN(auto statement, m_db.prepare(sql));
        if (usesStaging)
            statement.bind(1, staging);
        if (usesName)
            statement.bind(2, name);
        YAGURA_TRY(statement.run());
    }
    return success();
}

namespace {
constexpr const char* kPackQuery =
    "SELECT p.name, p.description, p.source, p.builtin, p.imported_at, p.imported_by, "
    "(SELECT count(*) FROM rules r WHERE r.pack = p.name), "
    "(SELECT count(*) FROM rules r WHERE r.pack = p.name AND r.status = 'loaded'), "
    "(SELECT count(*) FROM rules r WHERE r.pack = p.name AND r.status <> 'loaded'), "
    "(SELECT count(*) FROM rules r WHERE r.pack = p.name AND r.status = 'loaded' AND r.enabled), "
    "(SELECT count(*) FROM rules r WHERE r.pack = p.name AND r.status = 'loaded' AND "
    " r.product IN ('', 'linux')) "
    "FROM rule_packs p WHERE p.complete AND (?1 = '' OR p.name = ?1) "
    "ORDER BY p.builtin DESC, p.name COLLATE NOCASE";

proto::RulePackSummary readPack(const store::Statement& row) {
    proto::RulePackSummary pack;
    pack.set_name(row.text(0));
    pack.set_description(row.text(1));
    pack.set_source(row.text(2));
    pack.set_builtin(row.int64(3) != 0);
    pack.set_imported_at_unix(static_cast<std::uint64_t>(row.int64(4)));
    pack.set_imported_by(row.text(5));
    pack.set_rules(static_cast<std::uint32_t>(row.int64(6)));
    pack.set_loaded(static_cast<std::uint32_t>(row.int64(7)));
    pack.set_unsupported(static_cast<std::uint32_t>(row.int64(8)));
    pack.set_enabled(static_cast<std::uint32_t>(row.int64(9)));
    pack.set_linux_rules(static_cast<std::uint32_t>(row.int64(10)));
    return pack;
}
} // namespace

Result<std::vector<proto::RulePackSummary>> SiteStore::rulePacks() {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare(kPackQuery));
    query.bind(1, std::string_view{});
    return readAll<proto::RulePackSummary>(query, readPack);
}

Result<std::optional<proto::RulePackSummary>> SiteStore::rulePack(const std::string& name) {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare(kPackQuery));
    query.bind(1, name);
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    if (!hasRow)
        return std::optional<proto::RulePackSummary>{};
    return std::optional<proto::RulePackSummary>{readPack(query)};
}

Result<std::vector<std::pair<std::string, std::string>>>
SiteStore::disabledRules(const std::string& pack) {
    YAGURA_ASSIGN_OR_RETURN(
        auto query, m_db.prepare("SELECT file, rule_id FROM rules WHERE pack = ? AND NOT enabled"));
    query.bind(1, pack);
    return readAll<std::pair<std::string, std::string>>(query, [](const store::Statement& row) {
        return std::make_pair(row.text(0), row.text(1));
    });
}

Result<std::pair<std::vector<proto::RuleSummary>, std::uint32_t>>
SiteStore::listRules(const proto::ListRulesRequest& request, std::uint32_t limit) {
    const std::string where =
        " FROM rules WHERE (?1 = '' OR pack = ?1) AND pack NOT LIKE '~import:%' AND (?2 = '' OR "
        "status = ?2) AND (?3 = '' OR "
        "title LIKE ?3 ESCAPE '\\' OR rule_id LIKE ?3 ESCAPE '\\' OR file LIKE ?3 ESCAPE '\\')";
    const std::string pattern =
        request.search().empty() ? std::string{} : "%" + text::escapeLike(request.search()) + "%";
    YAGURA_ASSIGN_OR_RETURN(auto count, m_db.prepare("SELECT count(*)" + where));
    count.bind(1, request.pack()).bind(2, request.status()).bind(3, pattern);
    YAGURA_ASSIGN_OR_RETURN(const bool hasCount, count.step());
    const auto total = hasCount ? static_cast<std::uint32_t>(count.int64(0)) : 0u;
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare(std::string("SELECT ") + kRuleColumns + where +
                                                     " ORDER BY pack, file LIMIT ?4 OFFSET ?5"));
    query.bind(1, request.pack())
        .bind(2, request.status())
        .bind(3, pattern)
        .bind(4, static_cast<std::int64_t>(limit))
        .bind(5, static_cast<std::int64_t>(request.offset()));
    YAGURA_ASSIGN_OR_RETURN(auto rules, readAll<proto::RuleSummary>(query, readRule));
    return std::make_pair(std::move(rules), total);
}

Result<std::optional<std::pair<proto::RuleSummary, std::string>>>
SiteStore::rule(const std::string& pack, const std::string& file) {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare(std::string("SELECT ") + kRuleColumns +
                                                     ", yaml FROM rules WHERE pack = ? AND "
                                                     "file = ?"));
    query.bind(1, pack).bind(2, file);
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    if (!hasRow)
        return std::optional<std::pair<proto::RuleSummary, std::string>>{};
    return std::optional<std::pair<proto::RuleSummary, std::string>>{
        std::make_pair(readRule(query), query.blob(12))};
}

Result<std::uint32_t> SiteStore::setRulesEnabled(const proto::SetRulesEnabledRequest& request) {
    std::uint32_t changed = 0;
    if (request.all()) {
        YAGURA_ASSIGN_OR_RETURN(
            auto update,
            m_db.prepare("UPDATE rules SET enabled = ? WHERE pack = ? AND enabled <> ?"));
        update.bind(1, request.enabled() ? 1 : 0)
            .bind(2, request.pack())
            .bind(3, request.enabled() ? 1 : 0);
        YAGURA_TRY(update.run());
        return static_cast<std::uint32_t>(m_db.changes());
    }
    YAGURA_ASSIGN_OR_RETURN(
        auto update,
        m_db.prepare("UPDATE rules SET enabled = ? WHERE pack = ? AND file = ? AND enabled <> ?"));
    YAGURA_ASSIGN_OR_RETURN(auto exists,
                            m_db.prepare("SELECT 1 FROM rules WHERE pack = ? AND file = ?"));
    for (const auto& file : request.files()) {
        exists.reset();
        exists.bind(1, request.pack()).bind(2, file);
        YAGURA_ASSIGN_OR_RETURN(const bool known, exists.step());
        if (!known)
            return makeError(ErrorCode::NotFound,
                             "no rule " + file + " in pack '" + request.pack() + "'");
        update.reset();
        update.bind(1, request.enabled() ? 1 : 0)
            .bind(2, request.pack())
            .bind(3, file)
            .bind(4, request.enabled() ? 1 : 0);
        YAGURA_TRY(update.run());
        changed += static_cast<std::uint32_t>(m_db.changes());
    }
    return changed;
}

Result<std::optional<std::string>> SiteStore::ruleIdExists(const std::string& ruleId,
                                                           const std::string& exceptPack) {
    YAGURA_ASSIGN_OR_RETURN(
        auto query,
        m_db.prepare("SELECT pack FROM rules JOIN rule_packs ON rule_packs.name = rules.pack "
                     "WHERE rule_id = ? AND pack <> ? AND status = 'loaded' AND "
                     "rule_packs.complete LIMIT 1"));
    query.bind(1, ruleId).bind(2, exceptPack);
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    if (!hasRow)
        return std::optional<std::string>{};
    return std::optional<std::string>{query.text(0)};
}

// ---- Exceptions -----------------------------------------------------------------------------

Result<std::int64_t> SiteStore::insertException(const proto::ExceptionRecord& exception) {
    YAGURA_ASSIGN_OR_RETURN(
        auto insert,
        m_db.prepare("INSERT INTO alert_exceptions (rule_id, rule_title, scope, agent_id, "
                     "group_name, image, reason, created_by, created_at, expires_at, "
                     "from_alert_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert.bind(1, exception.rule_id())
        .bind(2, exception.rule_title())
        .bind(3, exception.scope())
        .bind(4, static_cast<std::int64_t>(exception.agent_id()))
        .bind(5, exception.group())
        .bind(6, exception.image())
        .bind(7, exception.reason())
        .bind(8, exception.created_by())
        .bind(9, m_clock.nowUnixSeconds())
        .bind(10, static_cast<std::int64_t>(exception.expires_at_unix()))
        .bind(11, static_cast<std::int64_t>(exception.from_alert_id()));
    YAGURA_TRY(insert.run());
    return m_db.lastInsertRowId();
}

Result<std::vector<proto::ExceptionRecord>> SiteStore::exceptions(bool includeInactive) {
    YAGURA_ASSIGN_OR_RETURN(
        auto query,
        m_db.prepare(std::string("SELECT ") + kExceptionColumns +
                     " FROM alert_exceptions LEFT JOIN agents ON agents.id = "
                     "alert_exceptions.agent_id WHERE ?1 OR (NOT revoked AND (expires_at = 0 OR "
                     "expires_at > ?2)) ORDER BY alert_exceptions.id DESC"));
    query.bind(1, includeInactive ? 1 : 0).bind(2, m_clock.nowUnixSeconds());
    return readAll<proto::ExceptionRecord>(query, readException);
}

Result<std::optional<proto::ExceptionRecord>> SiteStore::exceptionById(std::int64_t id) {
    YAGURA_ASSIGN_OR_RETURN(auto query,
                            m_db.prepare(std::string("SELECT ") + kExceptionColumns +
                                         " FROM alert_exceptions LEFT JOIN agents ON agents.id "
                                         "= alert_exceptions.agent_id WHERE "
                                         "alert_exceptions.id = ?"));
    query.bind(1, id);
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    if (!hasRow)
        return std::optional<proto::ExceptionRecord>{};
    return std::optional<proto::ExceptionRecord>{readException(query)};
}

Status SiteStore::revokeException(std::int64_t id) {
    YAGURA_ASSIGN_OR_RETURN(auto update,
                            m_db.prepare("UPDATE alert_exceptions SET revoked = 1 WHERE id = ?"));
    update.bind(1, id);
    return update.run();
}

Result<std::optional<std::int64_t>> SiteStore::applyException(std::int64_t agentId,
                                                              const std::string& ruleId,
                                                              const std::string& image) {
    YAGURA_ASSIGN_OR_RETURN(
        auto query,
        m_db.prepare("SELECT x.id FROM alert_exceptions x WHERE x.rule_id = ?1 AND NOT x.revoked "
                     "AND (x.expires_at = 0 OR x.expires_at > ?2) AND (x.image = '' OR x.image = "
                     "?3) AND (x.scope = 'all' OR (x.scope = 'host' AND x.agent_id = ?4) OR "
                     "(x.scope = 'group' AND x.group_name = (SELECT group_name FROM agents WHERE "
                     "id = ?4))) ORDER BY x.id LIMIT 1"));
    query.bind(1, ruleId).bind(2, m_clock.nowUnixSeconds()).bind(3, image).bind(4, agentId);
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    if (!hasRow)
        return std::optional<std::int64_t>{};
    const std::int64_t id = query.int64(0);
    YAGURA_ASSIGN_OR_RETURN(
        auto hit, m_db.prepare("UPDATE alert_exceptions SET hits = hits + 1 WHERE id = ?"));
    hit.bind(1, id);
    YAGURA_TRY(hit.run());
    return std::optional<std::int64_t>{id};
}

// ---- Dashboard ------------------------------------------------------------------------------

Result<std::vector<std::tuple<std::int64_t, std::string, std::uint32_t>>>
SiteStore::alertsByHour(std::int64_t sinceMs) {
    YAGURA_ASSIGN_OR_RETURN(
        auto query, m_db.prepare("SELECT (last_seen_ms / 3600000) * 3600, level, count(*) FROM "
                                 "alerts WHERE last_seen_ms >= ? GROUP BY 1, 2 ORDER BY 1, 2"));
    query.bind(1, sinceMs);
    return readAll<std::tuple<std::int64_t, std::string, std::uint32_t>>(
        query, [](const store::Statement& row) {
            return std::make_tuple(row.int64(0), row.text(1),
                                   static_cast<std::uint32_t>(row.int64(2)));
        });
}

Result<std::vector<std::pair<std::string, std::uint32_t>>> SiteStore::topOpenAlerts(bool byHost,
                                                                                    int limit) {
    YAGURA_ASSIGN_OR_RETURN(
        auto query,
        m_db.prepare(std::string("SELECT ") + (byHost ? "agents.hostname" : "alerts.rule_title") +
                     ", count(*) FROM alerts JOIN agents ON agents.id = alerts.agent_id WHERE "
                     "alerts.status IN ('new', 'acknowledged', 'in_progress') GROUP BY 1 ORDER "
                     "BY 2 DESC, 1 LIMIT ?"));
    query.bind(1, limit);
    return readAll<std::pair<std::string, std::uint32_t>>(query, [](const store::Statement& row) {
        return std::make_pair(row.text(0), static_cast<std::uint32_t>(row.int64(1)));
    });
}

// ---- Correlation ----------------------------------------------------------------------------

Result<std::pair<std::int64_t, std::vector<std::int64_t>>>
SiteStore::recordHashSighting(const std::string& sha256, std::int64_t agentId, std::int64_t timeMs,
                              std::int64_t sinceMs) {
    YAGURA_ASSIGN_OR_RETURN(auto insert,
                            m_db.prepare("INSERT OR IGNORE INTO hash_sightings (sha256, agent_id, "
                                         "first_seen_ms) VALUES (?, ?, ?)"));
    insert.bind(1, sha256).bind(2, agentId).bind(3, timeMs);
    YAGURA_TRY(insert.run());
    YAGURA_ASSIGN_OR_RETURN(auto query,
                            m_db.prepare("SELECT agent_id, first_seen_ms FROM hash_sightings "
                                         "WHERE sha256 = ? ORDER BY first_seen_ms"));
    query.bind(1, sha256);
    std::int64_t first = timeMs;
    std::vector<std::int64_t> recent;
    bool firstRow = true;
    for (;;) {
        YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
        if (!hasRow)
            break;
        if (firstRow)
            first = query.int64(1);
        firstRow = false;
        if (query.int64(1) >= sinceMs)
            recent.push_back(query.int64(0));
    }
    return std::make_pair(first, std::move(recent));
}

Result<std::int64_t> SiteStore::firstTelemetryMs() {
    YAGURA_ASSIGN_OR_RETURN(auto query, m_db.prepare("SELECT coalesce(min(first_seen_ms), 0) FROM "
                                                     "hash_sightings"));
    YAGURA_ASSIGN_OR_RETURN(const bool hasRow, query.step());
    return hasRow ? query.int64(0) : 0;
}

Result<std::int64_t> SiteStore::recordServerAlert(std::int64_t agentId,
                                                  const proto::TelemetryEvent& alert,
                                                  const std::string& detail) {
    return recordAlert(agentId, alert, detail);
}

} // namespace yagura::server
