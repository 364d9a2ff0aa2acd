// End to end with the real programs on loopback: yagura-server init/run/token, a real
// yagura-agent enrolling and reporting this machine, and yagura-ctl reading it back.

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

namespace {
struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

Run run(const QString& program, const QStringList& arguments,
        const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment(),
        int timeoutMs = 30000) {
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    Run result;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = "timed out";
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

QByteArray fileDigest(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

bool isOneLine(const QString& text) {
    return text.trimmed().count('\n') == 0 && !text.trimmed().isEmpty();
}
} // namespace

class TestEndToEnd : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_site;
    QString m_passwordFile;
    QProcessEnvironment m_env;
    QProcess m_server;
    QList<QProcess*> m_agents;

    QString ctl() const { return QStringLiteral(YAGURA_CTL_BIN); }
    QString agentBin() const { return QStringLiteral(YAGURA_AGENT_BIN); }
    QString serverBin() const { return QStringLiteral(YAGURA_SERVER_BIN); }

    QJsonObject ctlJson(const QStringList& arguments) {
        const Run result = run(ctl(), arguments, m_env);
        if (result.exitCode != 0)
            return {};
        return QJsonDocument::fromJson(result.out.toUtf8()).object();
    }

    QProcess* startAgent(const QString& stateDir) {
        auto* process = new QProcess(this);
        process->setProcessEnvironment(m_env);
        process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process->start(agentBin(), {"run", "--state-dir", stateDir, "--retry-max", "2s"});
        m_agents.append(process);
        return process;
    }

    QString createToken(bool autoAccept) {
        QStringList arguments{"token", "create", "--data-dir", m_site, "--expires", "1h"};
        if (autoAccept)
            arguments << "--auto-accept";
        const Run result = run(serverBin(), arguments, m_env);
        if (result.exitCode != 0)
            qWarning("token create failed: %s", qPrintable(result.err));
        return result.out.trimmed();
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_site = m_dir.filePath("site");
        m_passwordFile = m_dir.filePath("admin.pw");
        QFile password(m_passwordFile);
        QVERIFY(password.open(QIODevice::WriteOnly));
        password.write("end-to-end-password\n");
        password.close();
        password.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert("YAGURA_CTL_SESSION", m_dir.filePath("ctl-session.json"));
        m_env.insert("YAGURA_LOG_LEVEL", "warn");

        const Run init =
            run(serverBin(),
                {"init", "--data-dir", m_site, "--admin-password-file", m_passwordFile}, m_env);
        QVERIFY2(init.exitCode == 0, qPrintable(init.err));
        QVERIFY(init.out.contains("Server key fingerprint"));

        m_server.setProcessEnvironment(m_env);
        m_server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_server.start(serverBin(), {"run", "--data-dir", m_site, "--agent-bind",
                                     "tcp://127.0.0.1:*", "--enrol-bind", "tcp://127.0.0.1:*",
                                     "--operator-bind", "tcp://127.0.0.1:*"});
        QVERIFY(m_server.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(m_server.canReadLine() || m_server.state() != QProcess::Running,
                                 15000);
        QVERIFY2(m_server.readLine().contains("listening"), "the server did not start");

        const Run login = run(
            ctl(),
            {"--data-dir", m_site, "login", "--user", "admin", "--password-file", m_passwordFile},
            m_env);
        QVERIFY2(login.exitCode == 0, qPrintable(login.err));
    }

    void cleanupTestCase() {
        for (QProcess* agent : m_agents) {
            agent->terminate();
            if (!agent->waitForFinished(5000))
                agent->kill();
        }
        m_server.terminate();
        if (!m_server.waitForFinished(5000))
            m_server.kill();
    }

    void realAgentReportsThisMachine() {
        const QString token = createToken(true);
        QVERIFY(token.startsWith("YGT1."));
        const QString stateDir = m_dir.filePath("agent1");
        const Run enrol =
            run(agentBin(), {"enroll", "--token", token, "--state-dir", stateDir}, m_env);
        QVERIFY2(enrol.exitCode == 0, qPrintable(enrol.err));
        QVERIFY(enrol.out.contains("accepted"));
        QCOMPARE(QFileInfo(stateDir + "/agent.key").permissions() &
                     (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions{});
        startAgent(stateDir);

        QJsonObject asset;
        QTRY_VERIFY_WITH_TIMEOUT((asset = ctlJson({"assets", "show", "1", "--json"}),
                                  asset["inventory"].toObject()["packages"].toArray().size() > 0),
                                 30000);
        const QJsonObject inventory = asset["inventory"].toObject();
        const QJsonObject host = inventory["host"].toObject();

        // Host name equals `hostname`.
        const Run hostname = run("hostname", {});
        QCOMPARE(host["hostname"].toString(), hostname.out.trimmed());
        QCOMPARE(asset["agent"].toObject()["hostname"].toString(), hostname.out.trimmed());

        // Package count equals what dpkg reports installed.
        const Run dpkg = run("dpkg-query", {"-W", "-f=${db:Status-Status}\\n"});
        QCOMPARE(dpkg.exitCode, 0);
        const auto installed =
            dpkg.out.split('\n').filter(QRegularExpression("^installed$")).size();
        const Run ii = run("sh", {"-c", "dpkg -l | grep -c '^ii'"});
        QCOMPARE(inventory["packages"].toArray().size(), installed);
        QCOMPARE(QString::number(installed), ii.out.trimmed()); // no held packages here
        for (const auto& value : inventory["packages"].toArray()) {
            const QJsonObject package = value.toObject();
            QVERIFY(!package["source_name"].toString().isEmpty());
        }

        // Every interface of `ip -j addr`, with its addresses.
        const Run ip = run("ip", {"-j", "addr"});
        QCOMPARE(ip.exitCode, 0);
        QHash<QString, QSet<QString>> reported;
        for (const auto& value : inventory["interfaces"].toArray()) {
            const QJsonObject nic = value.toObject();
            QSet<QString> addresses;
            for (const auto& address : nic["addresses"].toArray())
                addresses.insert(address.toObject()["address"].toString() + "/" +
                                 QString::number(address.toObject()["prefix_length"].toInt()));
            reported.insert(nic["name"].toString(), addresses);
        }
        const QJsonArray expected = QJsonDocument::fromJson(ip.out.toUtf8()).array();
        QVERIFY(!expected.isEmpty());
        for (const auto& value : expected) {
            const QJsonObject nic = value.toObject();
            const QString name = nic["ifname"].toString();
            QVERIFY2(reported.contains(name), qPrintable("missing interface " + name));
            QSet<QString> addresses;
            for (const auto& info : nic["addr_info"].toArray())
                addresses.insert(info.toObject()["local"].toString() + "/" +
                                 QString::number(info.toObject()["prefixlen"].toInt()));
            QCOMPARE(reported.value(name), addresses);
        }

        // The agent's own status agrees.
        QTRY_VERIFY_WITH_TIMEOUT(
            run(agentBin(), {"status", "--state-dir", stateDir}, m_env).out.contains("connected"),
            15000);
    }

    void pendingAgentIsAcceptedByAnOperator() {
        const QString stateDir = m_dir.filePath("agent2");
        const Run enrol = run(
            agentBin(), {"enroll", "--token", createToken(false), "--state-dir", stateDir}, m_env);
        QVERIFY2(enrol.exitCode == 0, qPrintable(enrol.err));
        QVERIFY(enrol.out.contains("pending"));
        startAgent(stateDir);

        QJsonArray agents =
            ctlJson({"agents", "list", "--json", "--state", "pending"})["agents"].toArray();
        QCOMPARE(agents.size(), 1);
        const QString id = agents.first().toObject()["id"].toVariant().toString();
        QVERIFY(!agents.first().toObject()["key_fingerprint"].toString().isEmpty());
        const Run accept = run(ctl(), {"agents", "accept", id}, m_env);
        QVERIFY2(accept.exitCode == 0, qPrintable(accept.err));
        QVERIFY(accept.out.contains("accepted"));
        QTRY_VERIFY_WITH_TIMEOUT(
            ctlJson({"agents", "list", "--json", "--state", "online"})["agents"].toArray().size() ==
                2,
            30000);
    }

    void auditChainVerifies() {
        const Run verify = run(ctl(), {"audit", "verify"}, m_env);
        QCOMPARE(verify.exitCode, 0);
        QVERIFY(verify.out.contains("intact"));
        const Run list = run(ctl(), {"audit", "list"}, m_env);
        QVERIFY(list.out.contains("agent.accept"));
        QVERIFY(list.out.contains("token.create"));
        QVERIFY(list.out.contains("operator.login"));
    }

    void badArgumentsGiveOneLineErrors() {
        for (const QStringList& arguments :
             {QStringList{"agents", "frobnicate"}, QStringList{"assets", "show", "notanumber"},
              QStringList{"--bogus"}}) {
            const Run result = run(ctl(), arguments, m_env);
            QVERIFY(result.exitCode != 0);
            QVERIFY2(isOneLine(result.err), qPrintable(result.err));
        }
        const Run badDuration =
            run(serverBin(), {"token", "create", "--data-dir", m_site, "--expires", "soon"}, m_env);
        QVERIFY(badDuration.exitCode != 0);
        QVERIFY(isOneLine(badDuration.err));
        const Run noSite =
            run(serverBin(), {"run", "--data-dir", m_dir.filePath("nothing")}, m_env);
        QVERIFY(noSite.exitCode != 0);
        QVERIFY(isOneLine(noSite.err));
        QVERIFY(!QDir(m_dir.filePath("nothing")).exists());
    }

    void corruptTokenChangesNothing() {
        const QString token = createToken(true);
        QString corrupt = token;
        corrupt[20] = corrupt[20] == 'A' ? 'B' : 'A';
        const QString stateDir = m_dir.filePath("agent-corrupt");
        for (const QString& bad : {corrupt, token.left(token.size() / 2), QString("hello")}) {
            const Run result =
                run(agentBin(), {"enroll", "--token", bad, "--state-dir", stateDir}, m_env);
            QVERIFY(result.exitCode != 0);
            QVERIFY2(isOneLine(result.err), qPrintable(result.err));
            QVERIFY2(result.err.contains("corrupt"), qPrintable(result.err));
            QVERIFY(!QDir(stateDir).exists());
        }
    }

    void unreachableServerIsAClearError() {
        // A token naming a port nothing listens on: enrolment fails cleanly.
        const QString stateDir = m_dir.filePath("agent-unreachable");
        const Run result = run(ctl(),
                               {"--server", "tcp://127.0.0.1:9", "--server-key",
                                "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", "--user", "admin",
                                "--password-file", m_passwordFile, "agents", "list"},
                               m_env);
        QVERIFY(result.exitCode != 0);
        QVERIFY2(isOneLine(result.err), qPrintable(result.err));
        QVERIFY(result.err.contains("no answer"));
    }

    void wrongStoreKeyIsRefusedAndChangesNothing() {
        const QString other = m_dir.filePath("site-wrongkey");
        QVERIFY(run(serverBin(),
                    {"init", "--data-dir", other, "--admin-password-file", m_passwordFile}, m_env)
                    .exitCode == 0);
        QFile key(other + "/store.key");
        QVERIFY(key.open(QIODevice::WriteOnly | QIODevice::Truncate));
        key.write(QByteArray(64, 'a') + "\n");
        key.close();
        const QByteArray before = fileDigest(other + "/site.db");
        const Run result = run(serverBin(), {"token", "create", "--data-dir", other}, m_env);
        QVERIFY(result.exitCode != 0);
        QVERIFY2(isOneLine(result.err) && result.err.contains("key is wrong"),
                 qPrintable(result.err));
        QCOMPARE(fileDigest(other + "/site.db"), before);
        QVERIFY(!QFile::exists(other + "/site.db-wal") ||
                QFileInfo(other + "/site.db-wal").size() == 0);

        QFile::remove(other + "/store.key");
        const Run missing = run(serverBin(), {"token", "create", "--data-dir", other}, m_env);
        QVERIFY(missing.exitCode != 0);
        QVERIFY(missing.err.contains("store key"));
        QCOMPARE(fileDigest(other + "/site.db"), before);
    }
};

QTEST_GUILESS_MAIN(TestEndToEnd)
#include "TestEndToEnd.moc"
