#include "server/OperatorService.h"

#include <algorithm>

#include "common/Log.h"
#include "common/Text.h"
#include "common/Version.h"
#include "crypto/CurveKeys.h"
#include "crypto/PasswordHash.h"
#include "crypto/Random.h"
#include "proto/InventoryItems.h"
#include "server/AuditLog.h"
#include "server/OperatorSupport.h"
#include "server/Server.h"

namespace yagura::server {

bool roleAllows(Role role, Permission permission) {
    switch (role) {
    case Role::Admin:
        return true;
    case Role::Analyst:
        return permission == Permission::ViewAgents || permission == Permission::ManageAgents ||
               permission == Permission::ViewPolicies ||
               permission == Permission::ManageExceptions ||
               permission == Permission::RespondToThreats;
    case Role::Auditor:
        return permission == Permission::ViewAgents || permission == Permission::ViewAudit ||
               permission == Permission::ViewPolicies;
    }
    return false;
}

proto::AgentSummary toSummary(const AgentRecord& agent, std::int64_t onlineSince) {
    proto::AgentSummary summary;
    summary.set_id(static_cast<std::uint64_t>(agent.id));
    summary.set_hostname(agent.hostname);
    summary.set_machine_id(agent.machineId);
    summary.set_state(std::string(agentStateName(agent.state)));
    summary.set_online(agent.state == AgentState::Accepted && agent.lastSeen >= onlineSince &&
                       agent.lastSeen > 0);
    summary.set_os(agent.os);
    summary.set_group(agent.group);
    summary.set_agent_version(agent.agentVersion);
    summary.set_enrolled_at_unix(static_cast<std::uint64_t>(agent.enrolledAt));
    summary.set_last_seen_unix(static_cast<std::uint64_t>(agent.lastSeen));
    summary.set_public_key(agent.publicKey);
    if (auto key = crypto::CurvePublicKey::parse(agent.publicKey); key.ok())
        summary.set_key_fingerprint(key->fingerprint());
    summary.set_uptime_seconds(static_cast<std::uint64_t>(agent.uptimeSeconds));
    summary.set_policy_version(static_cast<std::uint64_t>(agent.policyVersion));
    summary.set_inventory_generation(static_cast<std::uint64_t>(agent.inventoryGeneration));
    summary.set_addresses(agent.addresses);
    summary.set_desired_policy_version(static_cast<std::uint64_t>(agent.desiredPolicyVersion));
    summary.set_spool_events(static_cast<std::uint64_t>(agent.spoolEvents));
    summary.set_spool_bytes(static_cast<std::uint64_t>(agent.spoolBytes));
    summary.set_lost_events(static_cast<std::uint64_t>(agent.lostEvents));
    summary.set_isolated(agent.isolated);
    return summary;
}

OperatorService::OperatorService(SiteStore& store, AgentRegistry& registry, const Clock& clock,
                                 Server& server, OperatorSettings settings)
    : m_store(store), m_registry(registry), m_clock(clock), m_server(server), m_settings(settings),
      m_loginsPerPeer(clock, 10, 0.5) {}

std::int64_t OperatorService::onlineSince() const {
    return m_clock.nowUnixSeconds() - m_settings.onlineWindow.count();
}

void OperatorService::auditOrLog(const AuditRecord& record) {
    if (auto status = AuditLog::appendStandalone(m_store.database(), m_clock, record); !status.ok())
        spdlog::error("cannot write the audit log ({} {}): {}", record.action, record.outcome,
                      status.error().message);
}

std::string OperatorService::handle(const net::ReceivedMessage& message) {
    proto::OperatorMessage reply;
    proto::OperatorResponse& response = *reply.mutable_response();
    proto::OperatorRequest request;
    const std::string& payload = message.frames.back();
    if (message.frames.size() != 2 || !request.ParseFromString(payload)) {
        setError(response, ErrorCode::Protocol, "malformed request");
        return reply.SerializeAsString();
    }
    if (m_routes.size() > 10'000)
        m_routes.clear();
    m_routes[message.frames.front()] = Route{message.userId, m_clock.nowUnixMillis()};
    response = dispatch(request, message);
    response.set_request_id(request.request_id());
    return reply.SerializeAsString();
}

proto::OperatorResponse OperatorService::dispatch(const proto::OperatorRequest& request,
                                                  const net::ReceivedMessage& message) {
    proto::OperatorResponse response;
    if (request.body_case() == proto::OperatorRequest::kLogin)
        return login(request, message);
    if (request.body_case() == proto::OperatorRequest::BODY_NOT_SET) {
        setError(response, ErrorCode::Protocol,
                 "unknown request type (the server is older than the client?)");
        return response;
    }
    Session* session = authenticate(request, message, response);
    if (session == nullptr)
        return response;

    switch (request.body_case()) {
    case proto::OperatorRequest::kLogout: {
        auditOrLog({actorOf(session->user), "operator.logout", session->user, "ok", ""});
        m_sessions.erase(request.session_token());
        response.mutable_logout();
        break;
    }
    case proto::OperatorRequest::kListAgents:
        if (authorize(*session, Permission::ViewAgents, "agents.list", "", response))
            listAgents(request.list_agents(), response);
        break;
    case proto::OperatorRequest::kAgentAction: {
        const std::string target = "agent:" + std::to_string(request.agent_action().agent_id());
        const std::string action =
            "agent." + std::string(request.agent_action().action() == proto::ACCEPT   ? "accept"
                                   : request.agent_action().action() == proto::REJECT ? "reject"
                                                                                      : "revoke");
        if (authorize(*session, Permission::ManageAgents, action, target, response))
            agentAction(*session, request.agent_action(), response);
        break;
    }
    case proto::OperatorRequest::kGetAsset:
        if (authorize(*session, Permission::ViewAgents, "assets.show",
                      "agent:" + std::to_string(request.get_asset().agent_id()), response))
            getAsset(request.get_asset(), response);
        break;
    case proto::OperatorRequest::kListAudit:
        if (authorize(*session, Permission::ViewAudit, "audit.list", "", response))
            listAudit(request.list_audit(), response);
        break;
    case proto::OperatorRequest::kVerifyAudit:
        if (authorize(*session, Permission::ViewAudit, "audit.verify", "", response))
            verifyAudit(*session, response);
        break;
    case proto::OperatorRequest::kGetDashboard:
        if (authorize(*session, Permission::ViewAgents, "dashboard.show", "", response))
            dashboard(response);
        break;
    case proto::OperatorRequest::kListUsers:
        if (authorize(*session, Permission::ManageUsers, "users.list", "", response))
            listUsers(response);
        break;
    case proto::OperatorRequest::kCreateUser:
        if (authorize(*session, Permission::ManageUsers, "user.create",
                      request.create_user().name(), response))
            createUser(*session, request.create_user(), response);
        break;
    case proto::OperatorRequest::kUpdateUser:
        if (authorize(*session, Permission::ManageUsers, "user.update",
                      request.update_user().name(), response))
            updateUser(*session, request.update_user(), response);
        break;
    case proto::OperatorRequest::kListEvents:
        if (authorize(*session, Permission::ViewAgents, "events.list",
                      "agent:" + std::to_string(request.list_events().agent_id()), response)) {
            const std::uint32_t limit = request.list_events().limit() == 0
                                            ? kDefaultPageSize
                                            : std::min(request.list_events().limit(), kMaxPageSize);
            auto events = m_store.listEvents(request.list_events(), limit);
            if (!events.ok()) {
                setError(response, events.error().code, events.error().message);
                break;
            }
            auto* body = response.mutable_list_events();
            for (auto& event : *events)
                *body->add_events() = std::move(event);
        }
        break;
    case proto::OperatorRequest::kListAlerts:
        if (authorize(*session, Permission::ViewAgents, "alerts.list", "", response)) {
            const std::uint32_t limit = request.list_alerts().limit() == 0
                                            ? kDefaultPageSize
                                            : std::min(request.list_alerts().limit(), kMaxPageSize);
            auto alerts = m_store.listAlerts(request.list_alerts(), limit);
            if (!alerts.ok()) {
                setError(response, alerts.error().code, alerts.error().message);
                break;
            }
            auto* body = response.mutable_list_alerts();
            body->set_total(alerts->second);
            for (auto& alert : alerts->first)
                *body->add_alerts() = std::move(alert);
        }
        break;
    case proto::OperatorRequest::kUpdateAlerts:
        if (authorize(*session, Permission::ManageAgents, "alert.update", "", response))
            updateAlerts(*session, request.update_alerts(), response);
        break;
    case proto::OperatorRequest::kGetAlert:
        if (authorize(*session, Permission::ViewAgents, "alert.show",
                      "alert:" + std::to_string(request.get_alert().alert_id()), response))
            getAlert(request.get_alert(), response);
        break;
    case proto::OperatorRequest::kSubscribe:
        session->routingId = message.frames.front();
        response.mutable_subscribe();
        break;
    default:
        if (!dispatchPolicy(*session, request, response) &&
            !dispatchCommands(*session, request, response))
            setError(response, ErrorCode::Protocol, "unknown request type");
        break;
    }
    return response;
}

proto::OperatorResponse OperatorService::login(const proto::OperatorRequest& request,
                                               const net::ReceivedMessage& message) {
    proto::OperatorResponse response;
    const std::string& user = request.login().user();
    const std::int64_t nowMs = m_clock.nowUnixMillis();
    // Password hashing is deliberately expensive: bound how often one address may ask for it.
    if (!m_loginsPerPeer.allow(message.peerAddress)) {
        setError(response, ErrorCode::RateLimited, "too many login attempts; wait a moment");
        return response;
    }
    // Lockout per user *and* address: a stranger cannot lock the real admin out from elsewhere.
    if (m_failedLogins.size() > 10'000)
        m_failedLogins.clear();
    FailedLogins& failures = m_failedLogins[user + "|" + message.peerAddress];
    if (failures.lockedUntilMs > nowMs) {
        auditOrLog({actorOf(user), "operator.login", user, "denied",
                    "account locked after repeated failures; from " + message.peerAddress});
        setError(response, ErrorCode::RateLimited,
                 "too many failed logins for this user; try again later");
        return response;
    }
    auto record = m_store.userByName(user);
    if (!record.ok()) {
        setError(response, ErrorCode::Internal, record.error().message);
        return response;
    }
    bool passwordOk = false;
    if (record->has_value()) {
        auto verified = crypto::verifyPassword(request.login().password(), (*record)->passwordHash);
        passwordOk = verified.ok() && *verified;
    } else {
        // Spend the same work for unknown users, so timing does not reveal which names exist.
        (void)crypto::verifyPassword(request.login().password(),
                                     "$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$"
                                     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    }
    if (!passwordOk || (*record)->disabled) {
        if (nowMs - failures.firstMs >
            std::chrono::duration_cast<std::chrono::milliseconds>(m_settings.lockout).count())
            failures = FailedLogins{0, nowMs, 0};
        if (++failures.count >= m_settings.maxFailedLogins)
            failures.lockedUntilMs =
                nowMs +
                std::chrono::duration_cast<std::chrono::milliseconds>(m_settings.lockout).count();
        auditOrLog({actorOf(user), "operator.login", user, "failed",
                    (passwordOk ? "account disabled" : "wrong user or password") +
                        std::string("; from ") + message.peerAddress});
        setError(response, ErrorCode::Unauthenticated, "wrong user name or password");
        return response;
    }
    m_failedLogins.erase(user + "|" + message.peerAddress);
    auto token = crypto::randomBytes(32);
    if (!token.ok()) {
        setError(response, ErrorCode::Internal, token.error().message);
        return response;
    }
    Session session;
    session.user = user;
    session.role = (*record)->role;
    session.clientKey = message.userId;
    session.createdMs = nowMs;
    session.lastActivityMs = nowMs;
    m_sessions[*token] = session;
    auditOrLog({actorOf(user), "operator.login", user, "ok",
                "role " + std::string(roleName(session.role)) + "; from " + message.peerAddress});
    auto* body = response.mutable_login();
    body->set_session_token(*token);
    body->set_user(user);
    body->set_role(std::string(roleName(session.role)));
    body->set_expires_at_unix(static_cast<std::uint64_t>(
        (nowMs +
         std::chrono::duration_cast<std::chrono::milliseconds>(m_settings.sessionMax).count()) /
        1000));
    return response;
}

OperatorService::Session* OperatorService::authenticate(const proto::OperatorRequest& request,
                                                        const net::ReceivedMessage& message,
                                                        proto::OperatorResponse& response) {
    const auto it = m_sessions.find(request.session_token());
    const std::int64_t nowMs = m_clock.nowUnixMillis();
    if (it == m_sessions.end()) {
        setError(response, ErrorCode::Unauthenticated, "not logged in or the session has ended");
        return nullptr;
    }
    Session& session = it->second;
    // A session is bound to the CURVE key it logged in with: a stolen token is useless from
    // another connection key.
    if (session.clientKey != message.userId) {
        auditOrLog(
            {actorOf(session.user), "operator.session", session.user, "denied",
             "session token presented from another client key; from " + message.peerAddress});
        setError(response, ErrorCode::Unauthenticated, "not logged in or the session has ended");
        return nullptr;
    }
    const auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(m_settings.sessionIdle);
    const auto maxAge =
        std::chrono::duration_cast<std::chrono::milliseconds>(m_settings.sessionMax);
    if (nowMs - session.lastActivityMs > idle.count() ||
        nowMs - session.createdMs > maxAge.count()) {
        m_sessions.erase(it);
        setError(response, ErrorCode::Unauthenticated, "the session expired; log in again");
        return nullptr;
    }
    // A disabled or deleted user loses access at once, not at session expiry.
    auto user = m_store.userByName(session.user);
    if (!user.ok() || !user->has_value() || (*user)->disabled) {
        m_sessions.erase(it);
        setError(response, ErrorCode::Unauthenticated, "the account is disabled");
        return nullptr;
    }
    session.role = (*user)->role;
    session.lastActivityMs = nowMs;
    return &session;
}

bool OperatorService::authorize(const Session& session, Permission permission,
                                std::string_view action, std::string_view target,
                                proto::OperatorResponse& response) {
    if (roleAllows(session.role, permission))
        return true;
    auditOrLog({actorOf(session.user), std::string(action), std::string(target), "denied",
                "role " + std::string(roleName(session.role)) + " may not do this"});
    setError(response, ErrorCode::PermissionDenied,
             "your role (" + std::string(roleName(session.role)) + ") may not do this");
    return false;
}

void OperatorService::listAgents(const proto::ListAgentsRequest& request,
                                 proto::OperatorResponse& response) {
    AgentQuery query;
    query.offset = request.offset();
    query.limit = request.limit() == 0 ? kDefaultPageSize : std::min(request.limit(), kMaxPageSize);
    query.sort = request.sort();
    query.descending = request.descending();
    query.search = request.search();
    query.states.assign(request.states().begin(), request.states().end());
    query.onlineSince = onlineSince();
    auto result = m_store.queryAgents(query);
    if (!result.ok()) {
        setError(response, result.error().code, result.error().message);
        return;
    }
    auto* body = response.mutable_list_agents();
    body->set_total(result->second);
    for (const auto& agent : result->first)
        *body->add_agents() = toSummary(agent, query.onlineSince);
}

void OperatorService::agentAction(const Session& session, const proto::AgentActionRequest& request,
                                  proto::OperatorResponse& response) {
    const auto id = static_cast<std::int64_t>(request.agent_id());
    auto agent = m_store.agentById(id);
    if (!agent.ok() || !agent->has_value()) {
        setError(response, ErrorCode::NotFound,
                 "no agent with id " + std::to_string(request.agent_id()));
        return;
    }
    AgentRecord record = **agent;
    AgentState target = record.state;
    std::string actionName;
    bool allowed = false;
    switch (request.action()) {
    case proto::ACCEPT:
        actionName = "agent.accept";
        target = AgentState::Accepted;
        allowed = record.state == AgentState::Pending || record.state == AgentState::Rejected;
        break;
    case proto::REJECT:
        actionName = "agent.reject";
        target = AgentState::Rejected;
        allowed = record.state == AgentState::Pending;
        break;
    case proto::REVOKE:
        actionName = "agent.revoke";
        target = AgentState::Revoked;
        allowed = record.state != AgentState::Revoked;
        break;
    default:
        setError(response, ErrorCode::InvalidArgument, "unknown agent action");
        return;
    }
    const std::string targetName = "agent:" + std::to_string(id) + " (" + record.hostname + ")";
    if (!allowed) {
        auditOrLog({actorOf(session.user), actionName, targetName, "failed",
                    "agent is " + std::string(agentStateName(record.state))});
        setError(response, ErrorCode::Conflict,
                 "agent " + std::to_string(id) + " is " +
                     std::string(agentStateName(record.state)) + "; it cannot be " +
                     (request.action() == proto::ACCEPT   ? "accepted"
                      : request.action() == proto::REJECT ? "rejected"
                                                          : "revoked"));
        return;
    }
    auto transaction = m_store.database().beginImmediate();
    if (!transaction.ok()) {
        setError(response, ErrorCode::Io, transaction.error().message);
        return;
    }
    Status status = m_store.setAgentState(id, target);
    if (status.ok())
        status = m_store.audit({actorOf(session.user), actionName, targetName, "ok",
                                "key " + toSummary(record, 0).key_fingerprint()});
    if (status.ok())
        status = transaction->commit();
    if (!status.ok()) {
        setError(response, ErrorCode::Io, status.error().message);
        return;
    }
    record.state = target;
    m_registry.set(record.publicKey, {record.id, target});
    m_server.agentStateChanged(record);
    *response.mutable_agent_action()->mutable_agent() = toSummary(record, onlineSince());
}

void OperatorService::getAsset(const proto::GetAssetRequest& request,
                               proto::OperatorResponse& response) {
    const auto id = static_cast<std::int64_t>(request.agent_id());
    auto agent = m_store.agentById(id);
    if (!agent.ok() || !agent->has_value()) {
        setError(response, ErrorCode::NotFound,
                 "no agent with id " + std::to_string(request.agent_id()));
        return;
    }
    auto items = m_store.inventoryItems(id);
    if (!items.ok()) {
        setError(response, items.error().code, items.error().message);
        return;
    }
    auto* body = response.mutable_get_asset();
    *body->mutable_agent() = toSummary(**agent, onlineSince());
    *body->mutable_inventory() = protocol::fromItems(*items);
    body->set_inventory_updated_unix(static_cast<std::uint64_t>((*agent)->inventoryUpdatedAt));
}

void OperatorService::listAudit(const proto::ListAuditRequest& request,
                                proto::OperatorResponse& response) {
    AuditFilter filter;
    filter.afterSeq = request.after_seq();
    filter.limit =
        request.limit() == 0 ? kDefaultPageSize : std::min(request.limit(), kMaxPageSize);
    filter.actor = request.actor();
    filter.actionPrefix = request.action_prefix();
    filter.outcome = request.outcome();
    auto rows = AuditLog::list(m_store.database(), filter);
    if (!rows.ok()) {
        setError(response, rows.error().code, rows.error().message);
        return;
    }
    auto* body = response.mutable_list_audit();
    for (const auto& row : *rows) {
        auto* entry = body->add_entries();
        entry->set_seq(row.seq);
        entry->set_time_unix_ms(static_cast<std::uint64_t>(row.timeMs));
        entry->set_actor(row.record.actor);
        entry->set_action(row.record.action);
        entry->set_target(row.record.target);
        entry->set_outcome(row.record.outcome);
        entry->set_detail(row.record.detail);
        entry->set_hash(row.hash);
    }
}

void OperatorService::verifyAudit(const Session& session, proto::OperatorResponse& response) {
    auto result = AuditLog::verify(m_store.database());
    if (!result.ok()) {
        setError(response, result.error().code, result.error().message);
        return;
    }
    auditOrLog({actorOf(session.user), "audit.verify", "audit log", "ok",
                result->intact ? "intact, " + std::to_string(result->entriesChecked) + " entries"
                               : "broken at entry " + std::to_string(result->firstBrokenSeq)});
    auto* body = response.mutable_verify_audit();
    body->set_intact(result->intact);
    body->set_entries_checked(result->entriesChecked);
    body->set_first_broken_seq(result->firstBrokenSeq);
    body->set_problem(result->problem);
    body->set_head_hash(result->headHash);
}

namespace {
proto::UserSummary toUserSummary(const UserRecord& user) {
    proto::UserSummary summary;
    summary.set_name(user.name);
    summary.set_role(std::string(roleName(user.role)));
    summary.set_disabled(user.disabled);
    summary.set_created_at_unix(static_cast<std::uint64_t>(user.createdAt));
    summary.set_password_changed_at_unix(static_cast<std::uint64_t>(user.passwordChangedAt));
    return summary;
}

Status checkUserName(const std::string& name) {
    if (name.empty() || name.size() > 64 || name.find_first_of(" \t\n:") != std::string::npos)
        return makeError(ErrorCode::InvalidArgument,
                         "a user name is 1-64 characters without spaces or ':'");
    return success();
}

Status checkPassword(const std::string& password) {
    if (password.size() < 12)
        return makeError(ErrorCode::InvalidArgument, "a password needs at least 12 characters");
    if (password.size() > 1024)
        return makeError(ErrorCode::InvalidArgument, "the password is too long");
    return success();
}
} // namespace

namespace {
int statusOrder(std::string_view status) {
    if (status == "new")
        return 0;
    if (status == "acknowledged")
        return 1;
    if (status == "in_progress")
        return 2;
    if (status == "resolved" || status == "false_positive")
        return 3;
    return -1;
}
} // namespace

void OperatorService::updateAlerts(const Session& session,
                                   const proto::UpdateAlertsRequest& request,
                                   proto::OperatorResponse& response) {
    if (request.alert_ids_size() == 0 || request.alert_ids_size() > 1000) {
        setError(response, ErrorCode::InvalidArgument, "name between 1 and 1000 alerts");
        return;
    }
    if (request.has_status()) {
        const int target = statusOrder(request.status());
        if (target <= 0) {
            setError(response, ErrorCode::InvalidArgument,
                     "the status must be acknowledged, in_progress, resolved or false_positive");
            return;
        }
        if (target == 3 && request.note().empty()) {
            setError(response, ErrorCode::InvalidArgument,
                     "say why when resolving an alert or marking it a false positive");
            return;
        }
    }
    if (request.has_assignee() && !request.assignee().empty()) {
        auto user = m_store.userByName(request.assignee());
        if (!user.ok() || !user->has_value() || (*user)->disabled) {
            setError(response, ErrorCode::InvalidArgument,
                     "no active user named '" + request.assignee() + "'");
            return;
        }
    }
    auto transaction = m_store.database().beginImmediate();
    if (!transaction.ok()) {
        setError(response, transaction.error().code, transaction.error().message);
        return;
    }
    std::vector<std::int64_t> changed;
    std::vector<std::uint64_t> ids(request.alert_ids().begin(), request.alert_ids().end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end()); // a repeated id counts once
    for (const auto rawId : ids) {
        const auto id = static_cast<std::int64_t>(rawId);
        auto alert = m_store.alertById(id);
        if (!alert.ok() || !alert->has_value()) {
            setError(response, ErrorCode::NotFound, "no alert with id " + std::to_string(rawId));
            return; // the transaction rolls back: all or nothing
        }
        std::string change;
        if (request.has_status()) {
            // Forward only: new → acknowledged → in progress → resolved / false positive.
            if (statusOrder((*alert)->status()) >= statusOrder(request.status())) {
                setError(response, ErrorCode::Conflict,
                         "alert " + std::to_string(rawId) + " is " + (*alert)->status() +
                             "; it cannot become " + request.status());
                return;
            }
            change += "status " + (*alert)->status() + " -> " + request.status() + "; ";
        }
        if (request.has_assignee())
            change += request.assignee().empty() ? "unassigned; "
                                                 : "assigned to " + request.assignee() + "; ";
        if (change.empty())
            change = "note; ";
        const std::optional<std::string> status =
            request.has_status() ? std::optional<std::string>(request.status()) : std::nullopt;
        const std::optional<std::string> assignee =
            request.has_assignee() ? std::optional<std::string>(request.assignee()) : std::nullopt;
        Status outcome = m_store.updateAlert(id, status, assignee, actorOf(session.user), change,
                                             request.note());
        if (outcome.ok())
            outcome = m_store.audit(
                {actorOf(session.user), "alert.update",
                 "alert:" + std::to_string(rawId) + " (" + (*alert)->rule_title() + ")", "ok",
                 change + request.note()});
        if (!outcome.ok()) {
            setError(response, outcome.error().code, outcome.error().message);
            return;
        }
        changed.push_back(id);
    }
    if (auto committed = transaction->commit(); !committed.ok()) {
        setError(response, committed.error().code, committed.error().message);
        return;
    }
    auto* body = response.mutable_update_alerts();
    for (std::int64_t id : changed)
        if (auto alert = m_store.alertById(id); alert.ok() && alert->has_value()) {
            *body->add_alerts() = **alert;
            m_server.alertChanged(**alert);
        }
}

void OperatorService::getAlert(const proto::GetAlertRequest& request,
                               proto::OperatorResponse& response) {
    const auto id = static_cast<std::int64_t>(request.alert_id());
    auto alert = m_store.alertById(id);
    if (!alert.ok() || !alert->has_value()) {
        setError(response, ErrorCode::NotFound,
                 "no alert with id " + std::to_string(request.alert_id()));
        return;
    }
    auto* body = response.mutable_get_alert();
    *body->mutable_alert() = **alert;
    if (auto history = m_store.alertHistory(id); history.ok())
        for (auto& entry : *history)
            *body->add_history() = std::move(entry);
    if (auto event = m_store.eventBySeq(static_cast<std::int64_t>((*alert)->agent_id()),
                                        static_cast<std::int64_t>((*alert)->last_event_seq()));
        event.ok() && event->has_value())
        *body->mutable_triggering_event() = **event;
}

void OperatorService::dashboard(proto::OperatorResponse& response) {
    auto counts = m_store.dashboardCounts(onlineSince());
    if (!counts.ok()) {
        setError(response, counts.error().code, counts.error().message);
        return;
    }
    auto* body = response.mutable_get_dashboard();
    body->set_total(counts->total);
    body->set_online(counts->online);
    body->set_offline(counts->offline);
    body->set_pending(counts->pending);
    body->set_rejected(counts->rejected);
    body->set_revoked(counts->revoked);
    for (const auto& [os, count] : counts->byOs) {
        auto* entry = body->add_by_os();
        entry->set_name(os);
        entry->set_count(count);
    }
    for (const auto& [hour, count] : counts->checkinsByHour) {
        auto* entry = body->add_checkins();
        entry->set_hour_unix(static_cast<std::uint64_t>(hour));
        entry->set_count(count);
    }
    body->set_generated_at_unix(static_cast<std::uint64_t>(m_clock.nowUnixSeconds()));
    if (auto isolated = m_store.isolatedHostnames(); isolated.ok())
        for (auto& name : *isolated)
            body->add_isolated_hosts(std::move(name));
    dashboardDetection(*body);
}

void OperatorService::listUsers(proto::OperatorResponse& response) {
    auto users = m_store.allUsers();
    if (!users.ok()) {
        setError(response, users.error().code, users.error().message);
        return;
    }
    auto* body = response.mutable_list_users();
    for (const auto& user : *users)
        *body->add_users() = toUserSummary(user);
}

void OperatorService::createUser(const Session& session, const proto::CreateUserRequest& request,
                                 proto::OperatorResponse& response) {
    const auto role = parseRole(request.role());
    Status valid = checkUserName(request.name());
    if (valid.ok() && !role)
        valid = makeError(ErrorCode::InvalidArgument, "the role must be admin, analyst or auditor");
    if (valid.ok())
        valid = checkPassword(request.password());
    if (!valid.ok()) {
        setError(response, valid.error().code, valid.error().message);
        return;
    }
    auto hash = crypto::hashPassword(request.password());
    if (!hash.ok()) {
        setError(response, hash.error().code, hash.error().message);
        return;
    }
    UserRecord user{request.name(),          *role, *hash, false, m_clock.nowUnixSeconds(),
                    m_clock.nowUnixSeconds()};
    auto transaction = m_store.database().beginImmediate();
    Status status = transaction.ok() ? m_store.insertUser(user) : transaction.error();
    if (status.ok())
        status = m_store.audit(
            {actorOf(session.user), "user.create", user.name, "ok", "role " + request.role()});
    if (status.ok())
        status = transaction->commit();
    if (!status.ok()) {
        setError(response, status.error().code, status.error().message);
        return;
    }
    *response.mutable_create_user()->mutable_user() = toUserSummary(user);
}

void OperatorService::updateUser(const Session& session, const proto::UpdateUserRequest& request,
                                 proto::OperatorResponse& response) {
    auto existing = m_store.userByName(request.name());
    if (!existing.ok() || !existing->has_value()) {
        setError(response, ErrorCode::NotFound, "no user named '" + request.name() + "'");
        return;
    }
    UserRecord user = **existing;
    std::string changes;
    if (request.has_role()) {
        const auto role = parseRole(request.role());
        if (!role) {
            setError(response, ErrorCode::InvalidArgument,
                     "the role must be admin, analyst or auditor");
            return;
        }
        user.role = *role;
        changes += "role " + request.role() + "; ";
    }
    if (request.has_disabled()) {
        user.disabled = request.disabled();
        changes += request.disabled() ? "disabled; " : "enabled; ";
    }
    // An admin cannot lock the site out by demoting or disabling the last active admin.
    if (user.name == session.user && (user.disabled || user.role != Role::Admin)) {
        setError(response, ErrorCode::Conflict,
                 "you cannot disable yourself or remove your own admin role");
        return;
    }
    const bool passwordChanged = request.has_new_password();
    if (passwordChanged) {
        if (auto valid = checkPassword(request.new_password()); !valid.ok()) {
            setError(response, valid.error().code, valid.error().message);
            return;
        }
        auto hash = crypto::hashPassword(request.new_password());
        if (!hash.ok()) {
            setError(response, hash.error().code, hash.error().message);
            return;
        }
        user.passwordHash = *hash;
        changes += "password reset; ";
    }
    auto transaction = m_store.database().beginImmediate();
    Status status =
        transaction.ok() ? m_store.updateUser(user, passwordChanged) : transaction.error();
    if (status.ok())
        status = m_store.audit({actorOf(session.user), "user.update", user.name, "ok", changes});
    if (status.ok())
        status = transaction->commit();
    if (!status.ok()) {
        setError(response, status.error().code, status.error().message);
        return;
    }
    if (user.disabled || passwordChanged) {
        // Their sessions end now, not at expiry.
        std::erase_if(m_sessions, [&](const auto& entry) {
            return entry.second.user == user.name && &entry.second != &session;
        });
    }
    auto refreshed = m_store.userByName(user.name);
    *response.mutable_update_user()->mutable_user() =
        toUserSummary(refreshed.ok() && refreshed->has_value() ? **refreshed : user);
}

void OperatorService::broadcastAgent(const AgentRecord& agent, net::Socket& socket) {
    proto::OperatorMessage message;
    *message.mutable_notification()->mutable_agent_changed() = toSummary(agent, onlineSince());
    broadcast(message, socket);
}

void OperatorService::broadcastAlert(const proto::AlertSummary& alert, net::Socket& socket) {
    proto::OperatorMessage message;
    *message.mutable_notification()->mutable_alert_changed() = alert;
    broadcast(message, socket);
}

void OperatorService::broadcastPolicy(const proto::PolicyRecord& policy, net::Socket& socket) {
    proto::OperatorMessage message;
    *message.mutable_notification()->mutable_policy_changed() = policy;
    broadcast(message, socket);
}

void OperatorService::broadcastCommand(const proto::CommandRecord& command, net::Socket& socket) {
    proto::OperatorMessage message;
    *message.mutable_notification()->mutable_command_changed() = command;
    broadcast(message, socket);
}

void OperatorService::broadcast(const proto::OperatorMessage& message, net::Socket& socket) {
    const std::string bytes = message.SerializeAsString();
    const std::int64_t nowMs = m_clock.nowUnixMillis();
    const auto ttl =
        std::chrono::duration_cast<std::chrono::milliseconds>(m_settings.subscriptionTtl);
    for (auto& [token, session] : m_sessions) {
        if (session.routingId.empty())
            continue;
        const auto route = m_routes.find(session.routingId);
        if (route == m_routes.end() || route->second.clientKey != session.clientKey ||
            nowMs - route->second.lastMessageMs > ttl.count()) {
            session.routingId.clear();
            continue;
        }
        auto sent = socket.send({session.routingId, bytes});
        if (!sent.ok() || !*sent)
            session.routingId.clear(); // the client went away; it subscribes again on return
    }
}

void OperatorService::expireSessions() {
    const std::int64_t nowMs = m_clock.nowUnixMillis();
    const auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(m_settings.sessionIdle);
    const auto maxAge =
        std::chrono::duration_cast<std::chrono::milliseconds>(m_settings.sessionMax);
    std::erase_if(m_sessions, [&](const auto& entry) {
        return nowMs - entry.second.lastActivityMs > idle.count() ||
               nowMs - entry.second.createdMs > maxAge.count();
    });
}

} // namespace yagura::server
