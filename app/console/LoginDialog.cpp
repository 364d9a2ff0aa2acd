#include "LoginDialog.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>
#include <QVBoxLayout>

#include <csignal>

namespace yagura::console {

namespace {
constexpr const char* kServersKey = "servers";

QString serverBinary() {
    // Next to the console in a build tree or an install, else on PATH.
    const QString dir = QCoreApplication::applicationDirPath();
    for (const QString& candidate : {dir + "/yagura-server", dir + "/../server/yagura-server",
                                     QStringLiteral("/usr/bin/yagura-server")})
        if (QFileInfo(candidate).isExecutable())
            return QFileInfo(candidate).canonicalFilePath();
    return QStandardPaths::findExecutable(QStringLiteral("yagura-server"));
}
} // namespace

QString defaultSiteDirectory() {
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/yagura/site");
}

std::optional<ServerTarget> localSiteTarget(const QString& siteDirectory) {
    QFile keyFile(siteDirectory + "/server.pub");
    QFile endpointsFile(siteDirectory + "/run/endpoints.json");
    if (!keyFile.open(QIODevice::ReadOnly) || !endpointsFile.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject endpoints = QJsonDocument::fromJson(endpointsFile.readAll()).object();
    // A stale file from a server that is gone does not count.
    const qint64 pid = endpoints.value("pid").toInteger();
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) != 0)
        return std::nullopt;
    QString endpoint = endpoints.value("operator").toArray().first().toString();
    for (const QString& wildcard : {QStringLiteral("tcp://*:"), QStringLiteral("tcp://0.0.0.0:")})
        if (endpoint.startsWith(wildcard))
            endpoint = "tcp://127.0.0.1:" + endpoint.mid(wildcard.size());
    QString key;
    for (const QByteArray& line : keyFile.readAll().split('\n'))
        if (line.startsWith("public = "))
            key = QString::fromLatin1(line.mid(9).trimmed());
    if (endpoint.isEmpty() || key.isEmpty())
        return std::nullopt;
    return ServerTarget{endpoint, key};
}

LoginDialog::LoginDialog(ServerConnection* connection, QWidget* parent)
    : QDialog(parent), m_connection(connection) {
    setWindowTitle(tr("Log in to Yagura"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/yagura.svg")));
    m_server = new QComboBox(this);
    m_server->setEditable(true);
    m_server->setObjectName(QStringLiteral("serverCombo"));
    m_server->setMinimumWidth(320);
    m_server->lineEdit()->setPlaceholderText(QStringLiteral("tcp://server:7422"));
    m_serverKey = new QLineEdit(this);
    m_serverKey->setObjectName(QStringLiteral("serverKeyEdit"));
    m_serverKey->setPlaceholderText(tr("40 characters, from the server's server.pub"));
    m_user = new QLineEdit(this);
    m_user->setObjectName(QStringLiteral("userEdit"));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("passwordEdit"));
    m_password->setEchoMode(QLineEdit::Password);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("loginStatus"));
    m_status->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("Server"), m_server);
    form->addRow(tr("Server key"), m_serverKey);
    form->addRow(tr("User"), m_user);
    form->addRow(tr("Password"), m_password);

    m_local = new QPushButton(tr("Use this computer's site"), this);
    m_local->setObjectName(QStringLiteral("localSiteButton"));
    m_local->setToolTip(tr("Connect to the single-machine site in %1, starting its server if it "
                           "is not running.")
                            .arg(QDir::toNativeSeparators(defaultSiteDirectory())));
    m_local->setVisible(QFileInfo::exists(defaultSiteDirectory() + "/site.db"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_login = buttons->addButton(tr("Log in"), QDialogButtonBox::AcceptRole);
    m_login->setObjectName(QStringLiteral("loginButton"));
    m_login->setDefault(true);
    buttons->addButton(m_local, QDialogButtonBox::ActionRole);

    auto* layout = new QVBoxLayout(this);
    auto* title = new QLabel(tr("<b>Yagura</b> — on-premises endpoint protection"), this);
    layout->addWidget(title);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(m_login, &QPushButton::clicked, this, &LoginDialog::attemptLogin);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_local, &QPushButton::clicked, this, &LoginDialog::useLocalSite);
    connect(m_server, &QComboBox::activated, this, &LoginDialog::serverChosen);

    QSettings settings;
    const QStringList servers = settings.value(kServersKey).toStringList();
    for (const QString& entry : servers) {
        const QStringList parts = entry.split('|');
        if (parts.size() == 2)
            m_server->addItem(parts[0], parts[1]);
    }
    if (m_server->count() > 0)
        serverChosen(0);
    m_user->setText(settings.value(QStringLiteral("lastUser")).toString());
}

void LoginDialog::serverChosen(int index) {
    if (index >= 0)
        m_serverKey->setText(m_server->itemData(index).toString());
}

void LoginDialog::setTarget(const ServerTarget& target) {
    m_server->setEditText(target.endpoint);
    m_serverKey->setText(target.serverKey);
}

void LoginDialog::setUser(const QString& user) {
    m_user->setText(user);
}
void LoginDialog::setPassword(const QString& password) {
    m_password->setText(password);
}

void LoginDialog::setBusy(bool busy, const QString& message) {
    m_login->setEnabled(!busy);
    m_local->setEnabled(!busy);
    m_status->setStyleSheet(QString());
    m_status->setText(message);
}

void LoginDialog::attemptLogin() {
    const ServerTarget target{m_server->currentText().trimmed(), m_serverKey->text().trimmed()};
    if (target.endpoint.isEmpty() || m_user->text().isEmpty()) {
        m_status->setStyleSheet(QStringLiteral("color: #c62828"));
        m_status->setText(tr("Enter the server address and your user name."));
        return;
    }
    setBusy(true, tr("Connecting to %1…").arg(target.endpoint));
    const QString password = m_password->text();
    m_connection->login(target, m_user->text().trimmed(), password, this,
                        [this, target](const CallResult& result) {
                            setBusy(false);
                            if (result.ok()) {
                                rememberServer(target);
                                m_password->clear();
                                accept();
                                return;
                            }
                            QString message = result.error;
                            if (result.code == ErrorCode::Unauthenticated)
                                message = tr("Wrong user name or password.");
                            else if (result.code == ErrorCode::Unavailable)
                                message = tr("The server does not answer. Check the address, the "
                                             "server key and that the server is running.");
                            m_status->setStyleSheet(QStringLiteral("color: #c62828"));
                            m_status->setText(message);
                            m_password->selectAll();
                            m_password->setFocus();
                            emit loginFailed(message);
                        });
}

void LoginDialog::rememberServer(const ServerTarget& target) {
    QSettings settings;
    QStringList servers = settings.value(kServersKey).toStringList();
    const QString entry = target.endpoint + '|' + target.serverKey;
    servers.removeAll(entry);
    servers.prepend(entry);
    while (servers.size() > 10)
        servers.removeLast();
    settings.setValue(kServersKey, servers);
    settings.setValue(QStringLiteral("lastUser"), m_user->text().trimmed());
}

void LoginDialog::useLocalSite() {
    if (auto target = localSiteTarget(defaultSiteDirectory())) {
        setTarget(*target);
        setBusy(false, tr("Using the local site."));
        m_password->setFocus();
        return;
    }
    startLocalServer();
}

void LoginDialog::startLocalServer() {
    const QString binary = serverBinary();
    if (binary.isEmpty()) {
        m_status->setText(tr("yagura-server is not installed on this computer."));
        return;
    }
    const QString site = defaultSiteDirectory();
    const QString dataHome = QFileInfo(site).absolutePath();
    QFile::remove(site + "/run/endpoints.json");
    // Same log and pid file as scripts/dev.sh, so `dev.sh stop` stops it too.
    QProcess server;
    server.setProgram(binary);
    server.setArguments({QStringLiteral("run"), QStringLiteral("--data-dir"), site,
                         QStringLiteral("--agent-bind"), QStringLiteral("tcp://127.0.0.1:7420"),
                         QStringLiteral("--enrol-bind"), QStringLiteral("tcp://127.0.0.1:7421"),
                         QStringLiteral("--operator-bind"),
                         QStringLiteral("tcp://127.0.0.1:7422")});
    server.setStandardOutputFile(dataHome + "/server.log", QIODevice::Append);
    server.setStandardErrorFile(dataHome + "/server.log", QIODevice::Append);
    qint64 pid = 0;
    if (!server.startDetached(&pid)) {
        m_status->setText(tr("Could not start the local server."));
        return;
    }
    QFile pidFile(dataHome + "/server.pid");
    if (pidFile.open(QIODevice::WriteOnly | QIODevice::Truncate))
        pidFile.write(QByteArray::number(pid) + '\n');
    setBusy(true, tr("Starting the local server…"));
    m_localWaits = 0;
    auto* poll = new QTimer(this);
    poll->setInterval(250);
    connect(poll, &QTimer::timeout, this, [this, poll, site] {
        if (auto target = localSiteTarget(site)) {
            poll->deleteLater();
            setTarget(*target);
            setBusy(false, tr("The local server is running."));
            m_password->setFocus();
        } else if (++m_localWaits > 60) {
            poll->deleteLater();
            setBusy(false, tr("The local server did not start; see %1.")
                               .arg(QDir::toNativeSeparators(QFileInfo(site).absolutePath() +
                                                             "/server.log")));
        }
    });
    poll->start();
}

} // namespace yagura::console
