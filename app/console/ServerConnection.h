#pragma once

#include "client/OperatorClient.h"
#include "proto/operator.pb.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QThread>

#include <functional>
#include <memory>
#include <optional>

namespace yagura::console {

// Where the console connects: the operator endpoint and the server's CURVE key.
struct ServerTarget {
    QString endpoint;
    QString serverKey;
};

// The result of one operator call as the GUI sees it.
struct CallResult {
    std::optional<proto::OperatorResponse> response;
    ErrorCode code = ErrorCode::Internal;
    QString error; // one line, for a person
    bool ok() const { return response.has_value(); }
};

class ConnectionWorker;

// The console's only way to the server. Every network call runs on a worker thread; results
// come back as queued callbacks on the GUI thread, so the window never waits on the network.
// Live changes pushed by the server arrive as signals. A lost server is reported once and
// retried in the background until it answers again.
class ServerConnection : public QObject {
    Q_OBJECT

public:
    explicit ServerConnection(QObject* parent = nullptr);
    ~ServerConnection() override;

    using Callback = std::function<void(const CallResult&)>;

    // Connects (with a fresh key pair) and logs in; the callback gets the LoginResponse.
    void login(const ServerTarget& target, const QString& user, const QString& password,
               QObject* context, Callback callback);
    // Sends a request with the current session. `context` guards the callback's lifetime.
    void call(const proto::OperatorRequest& request, QObject* context, Callback callback);
    void logout();

    bool isLoggedIn() const { return !m_user.isEmpty(); }
    bool isConnected() const { return m_connected; }
    QString user() const { return m_user; }
    QString role() const { return m_role; }
    ServerTarget target() const { return m_target; }
    bool isAdmin() const { return m_role == QLatin1String("admin"); }
    bool canManageAgents() const {
        return m_role == QLatin1String("admin") || m_role == QLatin1String("analyst");
    }
    bool canTriageAlerts() const { return canManageAgents(); }
    // Whether the agent reports its isolation in force, as far as this console has heard (the
    // agent list at login, then every agent push): for the badge wherever a host is named.
    bool isIsolated(quint64 agentId) const { return m_isolated.contains(agentId); }
    bool canViewAudit() const {
        return m_role == QLatin1String("admin") || m_role == QLatin1String("auditor");
    }

signals:
    void connectionStateChanged(bool connected);
    void agentChanged(const yagura::proto::AgentSummary& agent);
    void alertChanged(const yagura::proto::AlertSummary& alert);
    // Someone (or a rule change) saved a new policy version.
    void policyChanged(const yagura::proto::PolicyRecord& policy);
    // A response command was created or moved on (or the agent's policy acted by itself).
    void commandChanged(const yagura::proto::CommandRecord& command);
    void sessionEnded(const QString& reason);
    void loggedIn(const QString& user, const QString& role);
    void isolationChanged(quint64 agentId, bool isolated);

private:
    QThread m_thread;
    ConnectionWorker* m_worker = nullptr;
    ServerTarget m_target;
    QString m_user;
    QString m_role;
    bool m_connected = true;
    QSet<quint64> m_isolated;

    void noteIsolation(const proto::AgentSummary& agent);
    void loadIsolation();
};

} // namespace yagura::console

Q_DECLARE_METATYPE(yagura::proto::AgentSummary)
Q_DECLARE_METATYPE(yagura::proto::AlertSummary)
Q_DECLARE_METATYPE(yagura::proto::PolicyRecord)
Q_DECLARE_METATYPE(yagura::proto::CommandRecord)
