#include "ServerConnection.h"

#include <QMetaObject>

#include <QTimer>
#include <atomic>

namespace yagura::console {

// Lives on the connection thread; owns the ZeroMQ client. Every method runs on that thread.
class ConnectionWorker : public QObject {
    Q_OBJECT

public:
    ConnectionWorker() {
        m_poll = new QTimer(this);
        m_poll->setInterval(100);
        connect(m_poll, &QTimer::timeout, this, &ConnectionWorker::pollNotifications);
        m_keepAlive = new QTimer(this);
        m_keepAlive->setInterval(20000);
        connect(m_keepAlive, &QTimer::timeout, this, [this] { renewSubscription(); });
        m_retry = new QTimer(this);
        m_retry->setInterval(3000);
        connect(m_retry, &QTimer::timeout, this, &ConnectionWorker::probe);
    }

    CallResult login(const ServerTarget& target, const QString& user, const QString& password) {
        CallResult result;
        auto key = crypto::CurvePublicKey::parse(target.serverKey.trimmed().toStdString());
        if (!key.ok()) {
            result.code = ErrorCode::InvalidArgument;
            result.error = tr("The server key is not valid: it is 40 characters from the "
                              "server's server.pub file.");
            return result;
        }
        auto client =
            client::OperatorClient::create({target.endpoint.trimmed().toStdString(), *key},
                                           std::nullopt, std::chrono::milliseconds{8000});
        if (!client.ok()) {
            result.code = client.error().code;
            result.error = QString::fromStdString(client.error().message);
            return result;
        }
        auto login = (*client)->login(user.toStdString(), password.toStdString());
        if (!login.ok()) {
            // The current session (if any) stays as it was: a mistyped unlock password must
            // not cut the console off.
            result.code = login.error().code;
            result.error = QString::fromStdString(login.error().message);
            return result;
        }
        if (m_client) {
            // The new session replaces the old one: end the old one on the server too.
            proto::OperatorRequest logout;
            logout.mutable_logout();
            (void)m_client->call(logout);
        }
        m_client = std::move(client).value();
        proto::OperatorResponse response;
        *response.mutable_login() = *login;
        result.response = response;
        setConnected(true);
        renewSubscription();
        m_poll->start();
        m_keepAlive->start();
        return result;
    }

    // Set from the GUI thread when the console closes: queued calls are dropped, not waited for.
    std::atomic<bool> stopping{false};

    CallResult call(const proto::OperatorRequest& request, bool probing = false) {
        CallResult result;
        if (stopping) {
            result.code = ErrorCode::Unavailable;
            result.error = tr("The console is closing.");
            return result;
        }
        if (!m_client) {
            result.code = ErrorCode::Unauthenticated;
            result.error = tr("Not logged in.");
            return result;
        }
        // While the server is known to be unreachable, fail at once instead of making every
        // queued request wait out its timeout; the probe timer finds out when it is back.
        if (!m_connected && !probing) {
            result.code = ErrorCode::Unavailable;
            result.error = tr("The server is unreachable; reconnecting.");
            return result;
        }
        auto response = m_client->call(request);
        if (!response.ok()) {
            result.code = response.error().code;
            result.error = QString::fromStdString(response.error().message);
            if (result.code == ErrorCode::Unavailable)
                setConnected(false);
            else if (result.code == ErrorCode::Unauthenticated)
                endSession(result.error);
            return result;
        }
        setConnected(true);
        result.response = std::move(response).value();
        return result;
    }

    void logout() {
        if (m_client) {
            proto::OperatorRequest request;
            request.mutable_logout();
            (void)m_client->call(request);
        }
        stop();
    }

    void stop() {
        m_poll->stop();
        m_keepAlive->stop();
        m_retry->stop();
        m_client.reset();
    }

signals:
    void connectionStateChanged(bool connected);
    void agentChanged(const yagura::proto::AgentSummary& agent);
    void policyChanged(const yagura::proto::PolicyRecord& policy);
    void commandChanged(const yagura::proto::CommandRecord& command);
    void alertChanged(const yagura::proto::AlertSummary& alert);
    void sessionEnded(const QString& reason);

private:
    void pollNotifications() {
        if (!m_client)
            return;
        for (int i = 0; i < 200; ++i) {
            auto notification = m_client->nextNotification(std::chrono::milliseconds{0});
            if (!notification.ok() || !*notification)
                return;
            if ((*notification)->has_agent_changed())
                emit agentChanged((*notification)->agent_changed());
            else if ((*notification)->has_alert_changed())
                emit alertChanged((*notification)->alert_changed());
            else if ((*notification)->has_policy_changed())
                emit policyChanged((*notification)->policy_changed());
            else if ((*notification)->has_command_changed())
                emit commandChanged((*notification)->command_changed());
        }
    }

    // Subscriptions expire on the server unless renewed; renewing also detects a lost server.
    void renewSubscription(bool probing = false) {
        if (!m_client)
            return;
        proto::OperatorRequest request;
        request.mutable_subscribe();
        (void)call(request, probing);
    }

    void probe() { renewSubscription(true); }

    void setConnected(bool connected) {
        if (connected == m_connected)
            return;
        m_connected = connected;
        if (connected)
            m_retry->stop();
        else
            m_retry->start();
        emit connectionStateChanged(connected);
    }

    void endSession(const QString& reason) {
        stop();
        emit sessionEnded(reason);
    }

    std::unique_ptr<client::OperatorClient> m_client;
    QTimer* m_poll = nullptr;
    QTimer* m_keepAlive = nullptr;
    QTimer* m_retry = nullptr;
    bool m_connected = true;
};

ServerConnection::ServerConnection(QObject* parent) : QObject(parent) {
    qRegisterMetaType<yagura::proto::AgentSummary>();
    qRegisterMetaType<yagura::proto::AlertSummary>();
    qRegisterMetaType<yagura::proto::PolicyRecord>();
    qRegisterMetaType<yagura::proto::CommandRecord>();
    m_worker = new ConnectionWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &ConnectionWorker::agentChanged, this, &ServerConnection::agentChanged);
    connect(m_worker, &ConnectionWorker::agentChanged, this, &ServerConnection::noteIsolation);
    connect(m_worker, &ConnectionWorker::policyChanged, this, &ServerConnection::policyChanged);
    connect(m_worker, &ConnectionWorker::commandChanged, this, &ServerConnection::commandChanged);
    connect(m_worker, &ConnectionWorker::alertChanged, this, &ServerConnection::alertChanged);
    connect(m_worker, &ConnectionWorker::connectionStateChanged, this, [this](bool connected) {
        m_connected = connected;
        emit connectionStateChanged(connected);
    });
    connect(m_worker, &ConnectionWorker::sessionEnded, this, [this](const QString& reason) {
        m_user.clear();
        m_role.clear();
        emit sessionEnded(reason);
    });
    m_thread.setObjectName(QStringLiteral("yagura-connection"));
    m_thread.start();
}

ServerConnection::~ServerConnection() {
    m_worker->stopping = true;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { worker->stop(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void ServerConnection::login(const ServerTarget& target, const QString& user,
                             const QString& password, QObject* context, Callback callback) {
    QPointer<QObject> guard(context);
    QMetaObject::invokeMethod(m_worker, [=, this] {
        const CallResult result = m_worker->login(target, user, password);
        QMetaObject::invokeMethod(
            this,
            [=, this] {
                if (result.ok()) {
                    m_target = target;
                    m_user = QString::fromStdString(result.response->login().user());
                    m_role = QString::fromStdString(result.response->login().role());
                    m_connected = true;
                    emit loggedIn(m_user, m_role);
                    loadIsolation();
                }
                if (guard)
                    callback(result);
            },
            Qt::QueuedConnection);
    });
}

void ServerConnection::noteIsolation(const proto::AgentSummary& agent) {
    const bool was = m_isolated.contains(agent.id());
    if (agent.isolated() == was)
        return;
    if (agent.isolated())
        m_isolated.insert(agent.id());
    else
        m_isolated.remove(agent.id());
    emit isolationChanged(agent.id(), agent.isolated());
}

void ServerConnection::loadIsolation() {
    proto::OperatorRequest request;
    request.mutable_list_agents()->set_limit(1000);
    call(request, this, [this](const CallResult& result) {
        if (result.ok())
            for (const auto& agent : result.response->list_agents().agents())
                noteIsolation(agent);
    });
}

void ServerConnection::call(const proto::OperatorRequest& request, QObject* context,
                            Callback callback) {
    QPointer<QObject> guard(context);
    QMetaObject::invokeMethod(m_worker, [=, this] {
        const CallResult result = m_worker->call(request);
        QMetaObject::invokeMethod(
            this,
            [=] {
                if (guard && callback)
                    callback(result);
            },
            Qt::QueuedConnection);
    });
}

void ServerConnection::logout() {
    m_user.clear();
    m_role.clear();
    QMetaObject::invokeMethod(m_worker, [worker = m_worker] { worker->logout(); });
}

} // namespace yagura::console

#include "ServerConnection.moc"
