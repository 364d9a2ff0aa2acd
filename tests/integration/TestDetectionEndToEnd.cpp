// Detection end to end with the real programs: a real yagura-agent on this machine runs real
// SigmaHQ Linux rules; this test runs the commands those rules describe and checks that an alert
// for each rule id reaches the server with its process context — and that benign commands raise
// nothing. Needs root (the agent's process events come from the netlink proc connector).

#include "RunProgram.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

namespace {
using yagura::testing::ProgramRun;
using yagura::testing::runProgram;
} // namespace

class TestDetectionEndToEnd : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QProcessEnvironment m_env;
    QProcess m_server;
    QProcess m_agent;
    QJsonArray m_cases;
    QJsonArray m_benign;

    QJsonObject ctlJson(const QStringList& arguments) {
        const ProgramRun result = runProgram(QStringLiteral(YAGURA_CTL_BIN), arguments, m_env);
        return result.exitCode == 0 ? QJsonDocument::fromJson(result.out.toUtf8()).object()
                                    : QJsonObject{};
    }

private slots:
    void initTestCase() {
        if (::geteuid() != 0)
            QSKIP("the agent's process events need root (netlink proc connector); CI runs as root");
        QFile casesFile(
            QStringLiteral(YAGURA_SOURCE_DIR "/tests/integration/fixtures/detection_cases.json"));
        QVERIFY(casesFile.open(QIODevice::ReadOnly));
        const QJsonObject cases = QJsonDocument::fromJson(casesFile.readAll()).object();
        m_cases = cases["cases"].toArray();
        m_benign = cases["benign"].toArray();
        QVERIFY(m_cases.size() >= 10);

        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert("YAGURA_CTL_SESSION", m_dir.filePath("ctl-session.json"));
        m_env.insert("YAGURA_LOG_LEVEL", "warn");
        const QString site = m_dir.filePath("site");
        const QString password = m_dir.filePath("pw");
        QFile pw(password);
        QVERIFY(pw.open(QIODevice::WriteOnly));
        pw.write("detection-test-password\n");
        pw.close();
        pw.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QCOMPARE(runProgram(QStringLiteral(YAGURA_SERVER_BIN),
                            {"init", "--data-dir", site, "--admin-password-file", password}, m_env)
                     .exitCode,
                 0);
        m_server.setProcessEnvironment(m_env);
        m_server.start(QStringLiteral(YAGURA_SERVER_BIN),
                       {"run", "--data-dir", site, "--agent-bind", "tcp://127.0.0.1:*",
                        "--enrol-bind", "tcp://127.0.0.1:*", "--operator-bind",
                        "tcp://127.0.0.1:*"});
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(site + "/run/endpoints.json"), 15000);
        const ProgramRun token =
            runProgram(QStringLiteral(YAGURA_SERVER_BIN),
                       {"token", "create", "--data-dir", site, "--auto-accept"}, m_env);
        QCOMPARE(token.exitCode, 0);
        const QString state = m_dir.filePath("agent");
        QCOMPARE(runProgram(QStringLiteral(YAGURA_AGENT_BIN),
                            {"enroll", "--token", token.out.trimmed(), "--state-dir", state}, m_env)
                     .exitCode,
                 0);
        QStringList agentArguments{"run", "--state-dir", state, "--retry-max", "2s"};
        for (const auto& value : m_cases)
            agentArguments << "--rules"
                           << QStringLiteral(YAGURA_SHARED_DATA_DIR "/sigma/rules/") +
                                  value.toObject()["rule_file"].toString();
        m_agent.setProcessEnvironment(m_env);
        m_agent.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_agent.start(QStringLiteral(YAGURA_AGENT_BIN), agentArguments);
        QVERIFY(m_agent.waitForStarted());
        QCOMPARE(runProgram(
                     QStringLiteral(YAGURA_CTL_BIN),
                     {"--data-dir", site, "login", "--user", "admin", "--password-file", password},
                     m_env)
                     .exitCode,
                 0);
        // The agent is connected (and its process collector listening) once it shows online.
        QTRY_VERIFY_WITH_TIMEOUT(
            ctlJson({"agents", "list", "--json", "--state", "online"})["agents"].toArray().size() ==
                1,
            20000);
    }

    void cleanupTestCase() {
        for (QProcess* process : {&m_agent, &m_server}) {
            process->terminate();
            if (!process->waitForFinished(5000))
                process->kill();
        }
    }

    void eachRuleRaisesItsAlertWithProcessContext() {
        QTemporaryDir work;
        QHash<QString, QStringList> commands;
        for (const auto& value : m_cases) {
            const QJsonObject entry = value.toObject();
            QStringList argv;
            for (const auto& part : entry["argv"].toArray())
                argv << part.toString();
            commands.insert(entry["rule_id"].toString(), argv);
        }
        auto runCommands = [&](const QList<QString>& rules) {
            for (const QString& rule : rules) {
                const QStringList& argv = commands[rule];
                QProcess command;
                command.setWorkingDirectory(work.path());
                command.start(argv.first(), argv.mid(1));
                command.waitForFinished(10000);
            }
        };
        const QSet<QString> expected(commands.keyBegin(), commands.keyEnd());
        QSet<QString> seen;
        auto waitForAlerts = [&] {
            (void)QTest::qWaitFor(
                [&] {
                    seen.clear();
                    for (const auto& alert :
                         ctlJson({"alerts", "list", "--json", "--limit", "1000"})["alerts"]
                             .toArray())
                        seen.insert(alert.toObject()["rule_id"].toString());
                    return seen.contains(expected);
                },
                15000);
        };
        runCommands(commands.keys());
        waitForAlerts();
        // A process that exits within a millisecond can be gone before the agent reads /proc
        // (a known limit of the proc connector, see docs). Say so, then give those one more try.
        for (int attempt = 2; attempt <= 3 && !seen.contains(expected); ++attempt) {
            const QStringList misses = QSet<QString>(expected).subtract(seen).values();
            qWarning("attempt %d for (process exited before /proc was read): %s", attempt,
                     qPrintable(misses.join(", ")));
            runCommands(misses);
            waitForAlerts();
        }
        const QStringList missing = QSet<QString>(expected).subtract(seen).values();
        QVERIFY2(missing.isEmpty(), qPrintable("no alert for: " + missing.join(", ")));

        // Each alert carries the triggering process and its parent: this test program.
        char self[4096] = {};
        QVERIFY(::readlink("/proc/self/exe", self, sizeof self - 1) > 0);
        auto rulesWithContext = [&] {
            const QJsonArray events = ctlJson({"events", "list", "--agent", "1", "--category",
                                               "alert", "--limit", "1000", "--json"})["events"]
                                          .toArray();
            QSet<QString> withContext;
            for (const auto& value : events) {
                QHash<QString, QString> fields;
                for (const auto& field : value.toObject()["fields"].toArray())
                    fields.insert(field.toObject()["name"].toString(),
                                  field.toObject()["value"].toString());
                if (fields.value("ParentProcessId") == QString::number(::getpid()) &&
                    fields.value("ParentImage") == QString::fromLocal8Bit(self) &&
                    fields.value("ProcessAncestry").contains(QString::number(::getpid())))
                    withContext.insert(fields.value("RuleId"));
            }
            return withContext;
        };
        QSet<QString> withContext;
        (void)QTest::qWaitFor(
            [&] {
                withContext = rulesWithContext();
                return withContext.contains(expected);
            },
            10000);
        // The same race as above: a command read after it exited has no parent to report.
        for (int attempt = 2; attempt <= 3 && !withContext.contains(expected); ++attempt) {
            const QStringList misses = QSet<QString>(expected).subtract(withContext).values();
            qWarning("attempt %d for (alert without process context, process read late): %s",
                     attempt, qPrintable(misses.join(", ")));
            runCommands(misses);
            (void)QTest::qWaitFor(
                [&] {
                    withContext = rulesWithContext();
                    return withContext.contains(expected);
                },
                15000);
        }
        for (const QString& rule : expected)
            QVERIFY2(withContext.contains(rule), qPrintable("no process context for " + rule));
    }

    void benignCommandsRaiseNothing() {
        QSet<QString> commandLines;
        for (const auto& value : m_benign) {
            QStringList argv;
            for (const auto& part : value.toArray())
                argv << part.toString();
            QProcess command;
            command.start(argv.first(), argv.mid(1));
            command.waitForFinished(10000);
            commandLines.insert(argv.join(' '));
        }
        // Wait until the benign commands' own events have arrived (complete, so that rules
        // really saw them), then look for alerts about them.
        for (const QString& line : commandLines)
            QTRY_VERIFY_WITH_TIMEOUT(
                runProgram(QStringLiteral(YAGURA_CTL_BIN),
                           {"events", "list", "--agent", "1", "--category", "process_creation",
                            "--contains", line, "--limit", "1000"},
                           m_env)
                    .out.contains("process_creation"),
                20000);
        const QJsonArray alerts = ctlJson({"events", "list", "--agent", "1", "--category", "alert",
                                           "--limit", "1000", "--json"})["events"]
                                      .toArray();
        for (const auto& alert : alerts)
            for (const auto& field : alert.toObject()["fields"].toArray())
                if (field.toObject()["name"].toString() == QLatin1String("CommandLine"))
                    QVERIFY2(!commandLines.contains(field.toObject()["value"].toString()),
                             qPrintable("a benign command raised an alert: " +
                                        field.toObject()["value"].toString()));
    }
};

QTEST_GUILESS_MAIN(TestDetectionEndToEnd)
#include "TestDetectionEndToEnd.moc"
