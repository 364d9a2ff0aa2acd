// File integrity monitoring and the ransomware heuristic end to end with the real programs: a
// policy set with yagura-ctl names a watched folder; the real agent applies it, and the changes
// made here arrive at the server as events with their hashes. A program that rewrites and
// renames hundreds of files raises the ransomware alert at the server within 2 s, naming it; a
// plain bulk copy of the same size raises nothing. Needs root (fanotify).

#include "RunProgram.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

namespace {
using yagura::testing::ProgramRun;
using yagura::testing::runProgram;

QString field(const QJsonObject& event, const QString& name) {
    for (const auto& value : event["fields"].toArray())
        if (value.toObject()["name"].toString() == name)
            return value.toObject()["value"].toString();
    return {};
}

QString sha256(const QByteArray& bytes) {
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

constexpr const char* kRansomwareRuleId = "ccbe5f77-4531-4069-8750-872e9bec8055";
} // namespace

class TestFileDetection : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QProcessEnvironment m_env;
    QProcess m_server;
    QProcess m_agent;
    QString m_site;
    QString m_watched;

    QJsonObject ctlJson(const QStringList& arguments) {
        const ProgramRun result = runProgram(QStringLiteral(YAGURA_CTL_BIN), arguments, m_env);
        return result.exitCode == 0 ? QJsonDocument::fromJson(result.out.toUtf8()).object()
                                    : QJsonObject{};
    }

    QJsonArray events(const QString& contains) {
        return ctlJson({"events", "list", "--agent", "1", "--contains", contains, "--limit", "1000",
                        "--json"})["events"]
            .toArray();
    }

    // The newest event about `path` with this Action, once it has arrived.
    QJsonObject waitForFileEvent(const QString& path, const QString& action) {
        QJsonObject found;
        (void)QTest::qWaitFor(
            [&] {
                for (const auto& value : events(path)) {
                    const QJsonObject event = value.toObject();
                    if (field(event, "TargetFilename") == path && field(event, "Action") == action)
                        found = event;
                }
                return !found.isEmpty();
            },
            15000);
        return found;
    }

    int ransomwareAlerts() {
        return ctlJson({"alerts", "list", "--rule", kRansomwareRuleId, "--json"})["total"].toInt();
    }

    int appliedPolicy() {
        const auto agents = ctlJson({"agents", "list", "--json"})["agents"].toArray();
        return agents.isEmpty() ? 0 : agents.at(0).toObject()["policy_version"].toString().toInt();
    }

private slots:
    void initTestCase() {
        if (::geteuid() != 0)
            QSKIP("fanotify needs root (CAP_SYS_ADMIN); CI runs as root");
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert("YAGURA_CTL_SESSION", m_dir.filePath("ctl-session.json"));
        m_env.insert("YAGURA_LOG_LEVEL", "warn");
        m_site = m_dir.filePath("site");
        const QString password = m_dir.filePath("pw");
        QFile pw(password);
        QVERIFY(pw.open(QIODevice::WriteOnly));
        pw.write("file-detection-test\n");
        pw.close();
        QCOMPARE(runProgram(QStringLiteral(YAGURA_SERVER_BIN),
                            {"init", "--data-dir", m_site, "--admin-password-file", password},
                            m_env)
                     .exitCode,
                 0);
        m_server.setProcessEnvironment(m_env);
        m_server.start(QStringLiteral(YAGURA_SERVER_BIN),
                       {"run", "--data-dir", m_site, "--agent-bind", "tcp://127.0.0.1:*",
                        "--enrol-bind", "tcp://127.0.0.1:*", "--operator-bind",
                        "tcp://127.0.0.1:*"});
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(m_site + "/run/endpoints.json"), 15000);
        const ProgramRun token =
            runProgram(QStringLiteral(YAGURA_SERVER_BIN),
                       {"token", "create", "--data-dir", m_site, "--auto-accept"}, m_env);
        QCOMPARE(token.exitCode, 0);
        const QString state = m_dir.filePath("agent");
        QCOMPARE(runProgram(QStringLiteral(YAGURA_AGENT_BIN),
                            {"enroll", "--token", token.out.trimmed(), "--state-dir", state}, m_env)
                     .exitCode,
                 0);
        m_agent.setProcessEnvironment(m_env);
        m_agent.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_agent.start(QStringLiteral(YAGURA_AGENT_BIN),
                      {"run", "--state-dir", state, "--retry-max", "2s"});
        QVERIFY(m_agent.waitForStarted());
        QCOMPARE(runProgram(QStringLiteral(YAGURA_CTL_BIN),
                            {"--data-dir", m_site, "login", "--user", "admin", "--password-file",
                             password},
                            m_env)
                     .exitCode,
                 0);
        QTRY_VERIFY_WITH_TIMEOUT(appliedPolicy() == 1, 20000);

        // The watched folder exists, with a file, before the policy names it: its first hash is
        // the baseline the first change is compared with.
        m_watched = m_dir.filePath("watched");
        QVERIFY(QDir().mkpath(m_watched));
        QFile config(m_watched + "/plc.conf");
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("setpoint=42\n");
        config.close();

        // The operator's edit: show the policy, change it, save it as a new version.
        const ProgramRun shown = runProgram(QStringLiteral(YAGURA_CTL_BIN),
                                            {"policy", "show", "default", "--json"}, m_env);
        QCOMPARE(shown.exitCode, 0);
        QJsonObject spec = QJsonDocument::fromJson(shown.out.toUtf8()).object()["spec"].toObject();
        QCOMPARE(spec["retention_days"].toInt(), 30);
        spec["fim_paths"] = QJsonArray{m_watched};
        QFile edited(m_dir.filePath("policy.json"));
        QVERIFY(edited.open(QIODevice::WriteOnly));
        edited.write(QJsonDocument(spec).toJson());
        edited.close();
        const ProgramRun set = runProgram(QStringLiteral(YAGURA_CTL_BIN),
                                          {"policy", "set", "default", "--file", edited.fileName(),
                                           "--comment", "watch the test folder"},
                                          m_env);
        QVERIFY2(set.exitCode == 0, qPrintable(set.err));
        QTRY_VERIFY_WITH_TIMEOUT(appliedPolicy() == 2, 20000);
    }

    void cleanupTestCase() {
        for (QProcess* process : {&m_agent, &m_server}) {
            process->terminate();
            if (!process->waitForFinished(5000))
                process->kill();
        }
    }

    void watchedFileChangesArriveWithTheirHashes() {
        const QString path = m_watched + "/plc.conf";
        QFile file(path);
        QVERIFY(file.open(QIODevice::Append));
        file.write("mode=auto\n");
        file.close();
        const QJsonObject modified = waitForFileEvent(path, "modified");
        QVERIFY(!modified.isEmpty());
        QCOMPARE(modified["category"].toString(), QStringLiteral("file_event"));
        QCOMPARE(field(modified, "Sha256Before"), sha256("setpoint=42\n"));
        QCOMPARE(field(modified, "Sha256After"), sha256("setpoint=42\nmode=auto\n"));

        QCOMPARE(::chmod(path.toLocal8Bit().constData(), 0600), 0);
        const QJsonObject permissions = waitForFileEvent(path, "permissions");
        QVERIFY(!permissions.isEmpty());
        QVERIFY(field(permissions, "Mode").endsWith(QStringLiteral("600")));

        const QString renamed = m_watched + "/plc.conf.old";
        QVERIFY(QFile::rename(path, renamed));
        const QJsonObject rename = waitForFileEvent(renamed, "renamed");
        QVERIFY(!rename.isEmpty());
        QCOMPARE(rename["category"].toString(), QStringLiteral("file_rename"));
        QCOMPARE(field(rename, "OldFilename"), path);

        QVERIFY(QFile::remove(renamed));
        const QJsonObject deleted = waitForFileEvent(renamed, "deleted");
        QVERIFY(!deleted.isEmpty());
        QCOMPARE(deleted["category"].toString(), QStringLiteral("file_delete"));
        QCOMPARE(field(deleted, "Sha256Before"), sha256("setpoint=42\nmode=auto\n"));
    }

    void aBulkCopyRaisesNothing() {
        // 300 files of random bytes, copied as a whole: new files, nothing destroyed.
        const QString source = m_dir.filePath("copy-source");
        QVERIFY(QDir().mkpath(source));
        for (int i = 0; i < 300; ++i) {
            QFile file(source + QStringLiteral("/part-%1.bin").arg(i));
            QVERIFY(file.open(QIODevice::WriteOnly));
            QByteArray bytes(16 * 1024, Qt::Uninitialized);
            QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(bytes.data()),
                                                  bytes.size() / 4);
            file.write(bytes);
        }
        QCOMPARE(runProgram(QStringLiteral("/bin/cp"),
                            {"-r", source, m_dir.filePath("copy-target")}, m_env)
                     .exitCode,
                 0);
        // A marker after the copy: once it is at the server, so is anything the copy raised.
        const QString marker = m_watched + "/after-copy";
        QFile file(marker);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        QVERIFY(!waitForFileEvent(marker, "created").isEmpty());
        QCOMPARE(ransomwareAlerts(), 0);
    }

    void ransomwareIsAlertedWithinTwoSecondsNamingTheProcess() {
        const QString victims = m_dir.filePath("documents");
        QVERIFY(QDir().mkpath(victims));
        for (int i = 0; i < 300; ++i) {
            QFile file(victims + QStringLiteral("/report-%1.txt").arg(i));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(QByteArray("Quarterly production figures, line 4. ").repeated(420));
        }
        QProcess simulator;
        simulator.start(QStringLiteral(YAGURA_RANSOMWARE_SIMULATOR_BIN), {victims});
        QVERIFY(simulator.waitForFinished(30000));
        QCOMPARE(simulator.exitCode(), 0);
        QElapsedTimer sinceDone;
        sinceDone.start();
        // The bar: visible at the server within 2 s of the program's end.
        QTRY_VERIFY_WITH_TIMEOUT(ransomwareAlerts() >= 1, 10000);
        const qint64 elapsed = sinceDone.elapsed();
        qInfo("ransomware alert visible at the server %lld ms after the program ended", elapsed);
        QVERIFY2(elapsed <= 2000, qPrintable(QString::number(elapsed)));
        const auto alert =
            ctlJson({"alerts", "list", "--rule", kRansomwareRuleId, "--json"})["alerts"]
                .toArray()
                .at(0)
                .toObject();
        QCOMPARE(alert["image"].toString(), QStringLiteral(YAGURA_RANSOMWARE_SIMULATOR_BIN));
        QCOMPARE(alert["level"].toString(), QStringLiteral("critical"));
    }
};

QTEST_GUILESS_MAIN(TestFileDetection)
#include "TestFileDetection.moc"
