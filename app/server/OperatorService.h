#pragma once

#include "common/Clock.h"
#include "net/Zmq.h"
#include "proto/operator.pb.h"
#include "server/AgentRegistry.h"
#include "server/RateLimiter.h"
#include "server/SiteStore.h"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace yagura::server {

class Server;

enum class Permission {
    ViewAgents,
    ManageAgents,
    ViewAudit,
    ManageUsers,
    ViewPolicies,     // groups, policies, rule packs, exceptions: every role may look
    ManagePolicies,   // edit policies and groups, import and switch rules: admins
    ManageExceptions, // create and revoke exceptions from false positives: admins and analysts
    RespondToThreats, // isolate, kill, quarantine, restore, collect: admins and analysts
    ReleaseIsolation, // admins; analysts too where the agent's policy says so
};
bool roleAllows(Role role, Permission permission);

proto::AgentSummary toSummary(const AgentRecord& agent, std::int64_t onlineSince);

struct OperatorSettings {
    std::chrono::minutes sessionIdle{30};
    std::chrono::hours sessionMax{12};
    int maxFailedLogins = 5;
    std::chrono::minutes lockout{15};
    std::chrono::seconds onlineWindow{90};
    // A subscriber renews its subscription within this time, or pushes to it stop.
    std::chrono::seconds subscriptionTtl{60};
    std::chrono::seconds commandExpiry{14 * 86400};
};

// The operator API: login, sessions bound to the client's CURVE key, role checks on every
// call, audit of every action and every denial, and pushes to subscribed sessions.
class OperatorService {
public:
    OperatorService(SiteStore& store, AgentRegistry& registry, const Clock& clock, Server& server,
                    OperatorSettings settings);

    // Returns the serialized OperatorMessage to send back.
    std::string handle(const net::ReceivedMessage& message);
    // Sends an agent's new summary to every subscribed session.
    void broadcastAgent(const AgentRecord& agent, net::Socket& socket);
    void broadcastAlert(const proto::AlertSummary& alert, net::Socket& socket);
    void broadcastPolicy(const proto::PolicyRecord& policy, net::Socket& socket);
    void broadcastCommand(const proto::CommandRecord& command, net::Socket& socket);
    void expireSessions();

private:
    struct Session {
        std::string user;
        Role role = Role::Auditor;
        std::string clientKey;
        std::int64_t createdMs = 0;
        std::int64_t lastActivityMs = 0;
        std::string routingId; // set by Subscribe
    };
    struct FailedLogins {
        int count = 0;
        std::int64_t firstMs = 0;
        std::int64_t lockedUntilMs = 0;
    };

    proto::OperatorResponse dispatch(const proto::OperatorRequest& request,
                                     const net::ReceivedMessage& message);
    void broadcast(const proto::OperatorMessage& message, net::Socket& socket);
    proto::OperatorResponse login(const proto::OperatorRequest& request,
                                  const net::ReceivedMessage& message);
    Session* authenticate(const proto::OperatorRequest& request,
                          const net::ReceivedMessage& message, proto::OperatorResponse& response);
    bool authorize(const Session& session, Permission permission, std::string_view action,
                   std::string_view target, proto::OperatorResponse& response);
    void auditOrLog(const AuditRecord& record);

    void listAgents(const proto::ListAgentsRequest& request, proto::OperatorResponse& response);
    void agentAction(const Session& session, const proto::AgentActionRequest& request,
                     proto::OperatorResponse& response);
    void getAsset(const proto::GetAssetRequest& request, proto::OperatorResponse& response);
    void listAudit(const proto::ListAuditRequest& request, proto::OperatorResponse& response);
    void verifyAudit(const Session& session, proto::OperatorResponse& response);
    void dashboard(proto::OperatorResponse& response);
    void updateAlerts(const Session& session, const proto::UpdateAlertsRequest& request,
                      proto::OperatorResponse& response);
    void getAlert(const proto::GetAlertRequest& request, proto::OperatorResponse& response);
    void listUsers(proto::OperatorResponse& response);
    void createUser(const Session& session, const proto::CreateUserRequest& request,
                    proto::OperatorResponse& response);
    void updateUser(const Session& session, const proto::UpdateUserRequest& request,
                    proto::OperatorResponse& response);

    // Groups, policies, rule packs and exceptions (OperatorPolicies.cpp); false when the
    // request is none of those.
    bool dispatchPolicy(const Session& session, const proto::OperatorRequest& request,
                        proto::OperatorResponse& response);
    void createGroup(const Session& session, const proto::CreateGroupRequest& request,
                     proto::OperatorResponse& response);
    void moveAgents(const Session& session, const proto::MoveAgentsRequest& request,
                    proto::OperatorResponse& response);
    void setPolicy(const Session& session, const proto::SetPolicyRequest& request,
                   proto::OperatorResponse& response);
    void importRules(const Session& session, const proto::ImportRulesRequest& request,
                     proto::OperatorResponse& response);
    void setRulesEnabled(const Session& session, const proto::SetRulesEnabledRequest& request,
                         proto::OperatorResponse& response);
    void createException(const Session& session, const proto::CreateExceptionRequest& request,
                         proto::OperatorResponse& response);
    void revokeException(const Session& session, const proto::RevokeExceptionRequest& request,
                         proto::OperatorResponse& response);
    void dashboardDetection(proto::GetDashboardResponse& body);

    // Response commands (OperatorCommands.cpp); false when the request is none of those.
    bool dispatchCommands(const Session& session, const proto::OperatorRequest& request,
                          proto::OperatorResponse& response);
    void createCommand(const Session& session, const proto::CreateCommandRequest& request,
                       proto::OperatorResponse& response);

    std::int64_t onlineSince() const;

    SiteStore& m_store;
    AgentRegistry& m_registry;
    const Clock& m_clock;
    Server& m_server;
    OperatorSettings m_settings;
    struct Route {
        std::string clientKey;
        std::int64_t lastMessageMs = 0;
    };

    std::map<std::string, Session> m_sessions;          // by token
    std::map<std::string, FailedLogins> m_failedLogins; // by user and peer address
    // Who last spoke on each routing id, and when: pushes go only to a route whose latest
    // message came from the session's own key recently, so a client that reuses a departed
    // subscriber's routing id receives nothing.
    std::map<std::string, Route> m_routes;
    RateLimiter m_loginsPerPeer;
};

} // namespace yagura::server
