// The operator API for groups, policies, rule packs and exceptions.
#include "server/OperatorService.h"

#include "common/Log.h"
#include "common/Text.h"
#include "server/OperatorSupport.h"
#include "server/PolicyService.h"
#include "server/Server.h"

#include <algorithm>
#include <map>

namespace yagura::server {

namespace {
proto::GroupSummary toGroupSummary(const GroupRecord& group) {
    proto::GroupSummary summary;
    summary.set_name(group.name);
    summary.set_description(group.description);
    summary.set_agents(group.agents);
    summary.set_policy_version(static_cast<std::uint64_t>(group.policyVersion));
    summary.set_agents_applied(group.agentsApplied);
    return summary;
}

// Runs `work` in one transaction; its error becomes the response's.
template <typename Work>
bool inTransaction(SiteStore& store, proto::OperatorResponse& response, Work&& work) {
    auto transaction = store.database().beginImmediate();
    if (!transaction.ok()) {
        setError(response, transaction.error());
        return false;
    }
    if (Status done = work(); !done.ok()) {
        setError(response, done.error());
        return false; // rolls back
    }
    if (auto committed = transaction->commit(); !committed.ok()) {
        setError(response, committed.error());
        return false;
    }
    return true;
}
} // namespace

bool OperatorService::dispatchPolicy(const Session& session, const proto::OperatorRequest& request,
                                     proto::OperatorResponse& response) {
    switch (request.body_case()) {
    case proto::OperatorRequest::kListGroups:
        if (authorize(session, Permission::ViewPolicies, "groups.list", "", response)) {
            auto groups = m_store.groups();
            if (!groups.ok())
                setError(response, groups.error());
            else
                for (const auto& group : *groups)
                    *response.mutable_list_groups()->add_groups() = toGroupSummary(group);
        }
        return true;
    case proto::OperatorRequest::kCreateGroup:
        if (authorize(session, Permission::ManagePolicies, "group.create",
                      "group:" + request.create_group().name(), response))
            createGroup(session, request.create_group(), response);
        return true;
    case proto::OperatorRequest::kMoveAgents:
        if (authorize(session, Permission::ManagePolicies, "agents.move",
                      "group:" + request.move_agents().group(), response))
            moveAgents(session, request.move_agents(), response);
        return true;
    case proto::OperatorRequest::kGetPolicy:
        if (authorize(session, Permission::ViewPolicies, "policy.show",
                      "group:" + request.get_policy().group(), response)) {
            auto policy = m_store.policy(request.get_policy().group(),
                                         static_cast<std::int64_t>(request.get_policy().version()));
            if (!policy.ok())
                setError(response, policy.error());
            else if (!policy->has_value())
                setError(response, ErrorCode::NotFound,
                         request.get_policy().version()
                             ? "group '" + request.get_policy().group() + "' has no version " +
                                   std::to_string(request.get_policy().version())
                             : "group '" + request.get_policy().group() + "' has no policy");
            else
                *response.mutable_get_policy()->mutable_policy() = **policy;
        }
        return true;
    case proto::OperatorRequest::kPolicyHistory:
        if (authorize(session, Permission::ViewPolicies, "policy.history",
                      "group:" + request.policy_history().group(), response)) {
            auto history = m_store.policyHistory(request.policy_history().group());
            if (!history.ok())
                setError(response, history.error());
            else
                for (auto& version : *history)
                    *response.mutable_policy_history()->add_versions() = std::move(version);
        }
        return true;
    case proto::OperatorRequest::kSetPolicy:
        if (authorize(session, Permission::ManagePolicies, "policy.set",
                      "group:" + request.set_policy().group(), response))
            setPolicy(session, request.set_policy(), response);
        return true;
    case proto::OperatorRequest::kListRulePacks:
        if (authorize(session, Permission::ViewPolicies, "rules.packs", "", response)) {
            auto packs = m_store.rulePacks();
            if (!packs.ok())
                setError(response, packs.error());
            else
                for (auto& pack : *packs)
                    *response.mutable_list_rule_packs()->add_packs() = std::move(pack);
        }
        return true;
    case proto::OperatorRequest::kListRules:
        if (authorize(session, Permission::ViewPolicies, "rules.list", "", response)) {
            auto rules =
                m_store.listRules(request.list_rules(), pageLimit(request.list_rules().limit()));
            if (!rules.ok()) {
                setError(response, rules.error());
            } else {
                auto* body = response.mutable_list_rules();
                body->set_total(rules->second);
                for (auto& rule : rules->first)
                    *body->add_rules() = std::move(rule);
            }
        }
        return true;
    case proto::OperatorRequest::kGetRule:
        if (authorize(session, Permission::ViewPolicies, "rules.show", "", response)) {
            auto rule = m_store.rule(request.get_rule().pack(), request.get_rule().file());
            if (!rule.ok()) {
                setError(response, rule.error());
            } else if (!rule->has_value()) {
                setError(response, ErrorCode::NotFound,
                         "no rule " + request.get_rule().file() + " in pack '" +
                             request.get_rule().pack() + "'");
            } else {
                *response.mutable_get_rule()->mutable_rule() = (*rule)->first;
                response.mutable_get_rule()->set_yaml((*rule)->second);
            }
        }
        return true;
    case proto::OperatorRequest::kImportRules:
        if (authorize(session, Permission::ManagePolicies, "rules.import",
                      "pack:" + request.import_rules().pack(), response))
            importRules(session, request.import_rules(), response);
        return true;
    case proto::OperatorRequest::kSetRulesEnabled:
        if (authorize(session, Permission::ManagePolicies, "rules.enable",
                      "pack:" + request.set_rules_enabled().pack(), response))
            setRulesEnabled(session, request.set_rules_enabled(), response);
        return true;
    case proto::OperatorRequest::kCreateException:
        if (authorize(session, Permission::ManageExceptions, "exception.create",
                      "alert:" + std::to_string(request.create_exception().alert_id()), response))
            createException(session, request.create_exception(), response);
        return true;
    case proto::OperatorRequest::kListExceptions:
        if (authorize(session, Permission::ViewPolicies, "exceptions.list", "", response)) {
            auto exceptions = m_store.exceptions(request.list_exceptions().include_inactive());
            if (!exceptions.ok())
                setError(response, exceptions.error());
            else
                for (auto& exception : *exceptions)
                    *response.mutable_list_exceptions()->add_exceptions() = std::move(exception);
        }
        return true;
    case proto::OperatorRequest::kRevokeException:
        if (authorize(session, Permission::ManageExceptions, "exception.revoke",
                      "exception:" + std::to_string(request.revoke_exception().id()), response))
            revokeException(session, request.revoke_exception(), response);
        return true;
    default:
        return false;
    }
}

void OperatorService::createGroup(const Session& session, const proto::CreateGroupRequest& request,
                                  proto::OperatorResponse& response) {
    if (!validGroupName(request.name())) {
        setError(response, ErrorCode::InvalidArgument,
                 "a group name is 1-64 letters, digits, '.', '-' or '_'");
        return;
    }
    std::optional<proto::PolicyRecord> copied;
    const bool done = inTransaction(m_store, response, [&]() -> Status {
        YAGURA_TRY(m_store.createGroup(request.name(), request.description()));
        std::string detail = request.description();
        if (!request.copy_policy_from().empty()) {
            YAGURA_ASSIGN_OR_RETURN(const auto source, m_store.policy(request.copy_policy_from()));
            if (!source)
                return makeError(ErrorCode::NotFound, "group '" + request.copy_policy_from() +
                                                          "' has no policy to copy");
            YAGURA_ASSIGN_OR_RETURN(
                const auto version,
                m_store.insertPolicy(request.name(), source->spec(), actorOf(session.user),
                                     "copied from " + request.copy_policy_from() + " version " +
                                         std::to_string(source->version())));
            YAGURA_ASSIGN_OR_RETURN(copied, m_store.policyByVersion(version));
            detail += "; policy copied from " + request.copy_policy_from();
        }
        return m_store.audit(
            {actorOf(session.user), "group.create", "group:" + request.name(), "ok", detail});
    });
    if (!done)
        return;
    auto groups = m_store.groups();
    if (groups.ok())
        for (const auto& group : *groups)
            if (group.name == request.name())
                *response.mutable_create_group()->mutable_group() = toGroupSummary(group);
    if (copied)
        m_server.policyChanged(*copied);
}

void OperatorService::moveAgents(const Session& session, const proto::MoveAgentsRequest& request,
                                 proto::OperatorResponse& response) {
    if (request.agent_ids_size() == 0 || request.agent_ids_size() > 10'000) {
        setError(response, ErrorCode::InvalidArgument, "name between 1 and 10000 agents");
        return;
    }
    std::vector<std::int64_t> moved;
    const bool done = inTransaction(m_store, response, [&]() -> Status {
        YAGURA_ASSIGN_OR_RETURN(const bool exists, m_store.groupExists(request.group()));
        if (!exists)
            return makeError(ErrorCode::NotFound, "no group '" + request.group() + "'");
        for (const auto rawId : request.agent_ids()) {
            const auto id = static_cast<std::int64_t>(rawId);
            YAGURA_ASSIGN_OR_RETURN(const auto agent, m_store.agentById(id));
            if (!agent)
                return makeError(ErrorCode::NotFound, "no agent " + std::to_string(rawId));
            if (agent->group == request.group())
                continue;
            YAGURA_TRY(m_store.moveAgent(id, request.group()));
            YAGURA_TRY(
                m_store.audit({actorOf(session.user), "agent.move",
                               "agent:" + std::to_string(rawId) + " (" + agent->hostname + ")",
                               "ok", agent->group + " -> " + request.group()}));
            moved.push_back(id);
        }
        return success();
    });
    if (!done)
        return;
    auto* body = response.mutable_move_agents();
    for (const auto rawId : request.agent_ids())
        if (auto agent = m_store.agentById(static_cast<std::int64_t>(rawId));
            agent.ok() && agent->has_value())
            *body->add_agents() = toSummary(**agent, onlineSince());
    m_server.agentsRegrouped(moved);
}

void OperatorService::setPolicy(const Session& session, const proto::SetPolicyRequest& request,
                                proto::OperatorResponse& response) {
    proto::PolicyRecord stored;
    const bool done = inTransaction(m_store, response, [&]() -> Status {
        YAGURA_ASSIGN_OR_RETURN(stored,
                                m_server.policies().setPolicy(request, actorOf(session.user)));
        return m_store.audit({actorOf(session.user), "policy.set", "group:" + request.group(), "ok",
                              "version " + std::to_string(stored.version()) +
                                  (request.comment().empty() ? "" : ": " + request.comment())});
    });
    if (!done) {
        auditOrLog({actorOf(session.user), "policy.set", "group:" + request.group(), "failed",
                    response.error().message()});
        return;
    }
    *response.mutable_set_policy()->mutable_policy() = stored;
    m_server.policyChanged(stored);
}

void OperatorService::importRules(const Session& session, const proto::ImportRulesRequest& request,
                                  proto::OperatorResponse& response) {
    proto::ImportRulesResponse imported;
    std::vector<proto::PolicyRecord> republished;
    const bool done = inTransaction(m_store, response, [&]() -> Status {
        YAGURA_ASSIGN_OR_RETURN(imported,
                                m_server.policies().importChunk(request, actorOf(session.user)));
        if (!request.finish())
            return success();
        YAGURA_TRY(
            m_store.audit({actorOf(session.user), "rules.import", "pack:" + request.pack(), "ok",
                           std::to_string(imported.pack().loaded()) + " loaded, " +
                               std::to_string(imported.pack().unsupported()) +
                               " not loaded, from " + request.source()}));
        YAGURA_ASSIGN_OR_RETURN(republished,
                                m_server.policies().republishForPack(
                                    request.pack(), actorOf(session.user),
                                    "rule pack " + request.pack() + " imported again"));
        return success();
    });
    if (!done) {
        if (request.finish() || request.begin())
            auditOrLog({actorOf(session.user), "rules.import", "pack:" + request.pack(), "failed",
                        response.error().message()});
        return;
    }
    *response.mutable_import_rules() = imported;
    for (const auto& policy : republished)
        m_server.policyChanged(policy);
}

void OperatorService::setRulesEnabled(const Session& session,
                                      const proto::SetRulesEnabledRequest& request,
                                      proto::OperatorResponse& response) {
    if (!request.all() && request.files_size() == 0) {
        setError(response, ErrorCode::InvalidArgument, "name the rules, or all of the pack");
        return;
    }
    std::uint32_t changed = 0;
    std::vector<proto::PolicyRecord> republished;
    const bool done = inTransaction(m_store, response, [&]() -> Status {
        YAGURA_ASSIGN_OR_RETURN(const auto pack, m_store.rulePack(request.pack()));
        if (!pack)
            return makeError(ErrorCode::NotFound, "no rule pack '" + request.pack() + "'");
        YAGURA_ASSIGN_OR_RETURN(changed, m_store.setRulesEnabled(request));
        if (changed == 0)
            return success();
        std::string which = request.all() ? "all rules" : "";
        for (int i = 0; i < request.files_size() && i < 20; ++i)
            which += (i ? ", " : "") + request.files(i);
        if (request.files_size() > 20)
            which += ", …";
        const std::string comment = std::string(request.enabled() ? "enabled " : "disabled ") +
                                    std::to_string(changed) + " rule(s) of pack " + request.pack();
        YAGURA_TRY(m_store.audit({actorOf(session.user),
                                  request.enabled() ? "rules.enable" : "rules.disable",
                                  "pack:" + request.pack(), "ok", comment + ": " + which}));
        YAGURA_ASSIGN_OR_RETURN(republished, m_server.policies().republishForPack(
                                                 request.pack(), actorOf(session.user), comment));
        return success();
    });
    if (!done)
        return;
    response.mutable_set_rules_enabled()->set_changed(changed);
    for (const auto& policy : republished)
        m_server.policyChanged(policy);
}

void OperatorService::createException(const Session& session,
                                      const proto::CreateExceptionRequest& request,
                                      proto::OperatorResponse& response) {
    if (request.scope() != "host" && request.scope() != "group" && request.scope() != "all") {
        setError(response, ErrorCode::InvalidArgument, "the scope must be host, group or all");
        return;
    }
    if (request.reason().empty()) {
        setError(response, ErrorCode::InvalidArgument, "say why this is not a threat");
        return;
    }
    if (request.expires_at_unix() != 0 &&
        static_cast<std::int64_t>(request.expires_at_unix()) <= m_clock.nowUnixSeconds()) {
        setError(response, ErrorCode::InvalidArgument, "the expiry is in the past");
        return;
    }
    std::int64_t id = 0;
    const bool done = inTransaction(m_store, response, [&]() -> Status {
        YAGURA_ASSIGN_OR_RETURN(const auto alert,
                                m_store.alertById(static_cast<std::int64_t>(request.alert_id())));
        if (!alert)
            return makeError(ErrorCode::NotFound,
                             "no alert with id " + std::to_string(request.alert_id()));
        YAGURA_ASSIGN_OR_RETURN(const auto agent,
                                m_store.agentById(static_cast<std::int64_t>(alert->agent_id())));
        proto::ExceptionRecord exception;
        exception.set_rule_id(alert->rule_id());
        exception.set_rule_title(alert->rule_title());
        exception.set_scope(request.scope());
        if (request.scope() == "host")
            exception.set_agent_id(alert->agent_id());
        if (request.scope() == "group")
            exception.set_group(agent ? agent->group : std::string(kDefaultGroup));
        if (!request.any_image())
            exception.set_image(alert->image());
        exception.set_reason(request.reason());
        exception.set_created_by(actorOf(session.user));
        exception.set_expires_at_unix(request.expires_at_unix());
        exception.set_from_alert_id(request.alert_id());
        YAGURA_ASSIGN_OR_RETURN(id, m_store.insertException(exception));
        const std::string where = request.scope() == "host"    ? "host " + alert->hostname()
                                  : request.scope() == "group" ? "group " + exception.group()
                                                               : "all hosts";
        YAGURA_TRY(m_store.audit(
            {actorOf(session.user), "exception.create", "exception:" + std::to_string(id), "ok",
             "rule " + alert->rule_title() + " on " + where +
                 (exception.image().empty() ? "" : " for " + exception.image()) +
                 (request.expires_at_unix()
                      ? ", until " +
                            text::isoTimeUtc(static_cast<std::int64_t>(request.expires_at_unix()))
                      : ", no expiry") +
                 ": " + request.reason()}));
        return success();
    });
    if (!done)
        return;
    auto stored = m_store.exceptionById(id);
    if (stored.ok() && stored->has_value())
        *response.mutable_create_exception()->mutable_exception() = **stored;
}

void OperatorService::revokeException(const Session& session,
                                      const proto::RevokeExceptionRequest& request,
                                      proto::OperatorResponse& response) {
    const auto id = static_cast<std::int64_t>(request.id());
    const bool done = inTransaction(m_store, response, [&]() -> Status {
        YAGURA_ASSIGN_OR_RETURN(const auto exception, m_store.exceptionById(id));
        if (!exception)
            return makeError(ErrorCode::NotFound, "no exception " + std::to_string(id));
        if (exception->revoked())
            return makeError(ErrorCode::Conflict,
                             "exception " + std::to_string(id) + " is already revoked");
        YAGURA_TRY(m_store.revokeException(id));
        return m_store.audit({actorOf(session.user), "exception.revoke",
                              "exception:" + std::to_string(id), "ok",
                              "rule " + exception->rule_title() +
                                  (request.reason().empty() ? "" : ": " + request.reason())});
    });
    if (!done)
        return;
    auto stored = m_store.exceptionById(id);
    if (stored.ok() && stored->has_value())
        *response.mutable_revoke_exception()->mutable_exception() = **stored;
}

void OperatorService::dashboardDetection(proto::GetDashboardResponse& body) {
    // Every hour of the last 24 and every level is present, so charts need no gap filling.
    const std::int64_t now = m_clock.nowUnixSeconds();
    const std::int64_t firstHour = now - now % 3600 - 23 * 3600;
    static constexpr const char* kLevels[] = {"informational", "low", "medium", "high", "critical"};
    std::map<std::pair<std::int64_t, std::string>, std::uint32_t> counts;
    if (auto rows = m_store.alertsByHour(firstHour * 1000); rows.ok())
        for (const auto& [hour, level, count] : *rows)
            counts[{hour, level}] += count;
    for (int i = 0; i < 24; ++i)
        for (const char* level : kLevels) {
            const std::int64_t hour = firstHour + i * 3600;
            auto* bucket = body.add_alerts_by_hour();
            bucket->set_hour_unix(static_cast<std::uint64_t>(hour));
            bucket->set_level(level);
            const auto found = counts.find({hour, level});
            bucket->set_count(found == counts.end() ? 0 : found->second);
        }
    for (const bool byHost : {false, true})
        if (auto top = m_store.topOpenAlerts(byHost, 10); top.ok())
            for (const auto& [name, count] : *top) {
                auto* entry = byHost ? body.add_top_hosts() : body.add_top_rules();
                entry->set_name(name);
                entry->set_count(count);
            }
    if (auto backlog = m_store.backlogAgents(10); backlog.ok())
        for (const auto& agent : *backlog)
            *body.add_backlog() = toSummary(agent, onlineSince());
}

} // namespace yagura::server
