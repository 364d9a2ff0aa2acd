#pragma once

#include "ServerConnection.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace yagura::console {

// Where a local single-machine site lives (the "embedded default").
QString defaultSiteDirectory();
// Reads the operator endpoint and server key of a local site that is running.
std::optional<ServerTarget> localSiteTarget(const QString& siteDirectory);

// Server, user and password. Remembers servers (never passwords) in QSettings and offers to
// start the local site's server.
class LoginDialog : public QDialog {
    Q_OBJECT

public:
    explicit LoginDialog(ServerConnection* connection, QWidget* parent = nullptr);

    void setTarget(const ServerTarget& target);
    void setUser(const QString& user);
    void setPassword(const QString& password);
    // Logs in with what the fields hold; accept() on success, an error line otherwise.
    void attemptLogin();

signals:
    void loginFailed(const QString& message);

private:
    void useLocalSite();
    void startLocalServer();
    void serverChosen(int index);
    void rememberServer(const ServerTarget& target);
    void setBusy(bool busy, const QString& message = {});

    ServerConnection* m_connection;
    QComboBox* m_server;
    QLineEdit* m_serverKey;
    QLineEdit* m_user;
    QLineEdit* m_password;
    QLabel* m_status;
    QPushButton* m_login;
    QPushButton* m_local;
    int m_localWaits = 0;
};

} // namespace yagura::console
