// A command line of arbitrary bytes reaches the server. The policy's automatic response end to
// end with the real programs: a group policy names a
// rule and asks the agent to kill what fires it; with the server frozen (SIGSTOP: it answers
// nothing), the real agent still kills the process at once, by itself; once the server runs
// again the kill appears in the command history as done by the policy. Needs root (the
// process tracer and the kill).

#include "RunProgram.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using yagura::testing::ProgramRun;
using yagura::testing::runProgram;

namespace {
constexpr const char* kRuleId = "5f3b0d8e-2a41-4c7e-9b0e-6d1c2f7a9e13";
}

class TestAutoResponse : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QProcessEnvironment m_env;
    QProcess m_server;
    QProcess m_agent;

    ProgramRun ctl(const QStringList& arguments) {
        return runProgram(QStringLiteral(YAGURA_CTL_BIN), arguments, m_env);
    }
    QJsonObject ctlJson(const QStringList& arguments) {
        const ProgramRun result = ctl(arguments);
        return result.exitCode == 0 ? QJsonDocument::fromJson(result.out.toUtf8()).object()
                                    : QJsonObject{};
    }
    int appliedPolicy() {
        const auto agents = ctlJson({"agents", "list", "--json"})["agents"].toArray();
        return agents.isEmpty() ? 0 : agents.at(0).toObject()["policy_version"].toString().toInt();
    }

private slots:
    void initTestCase() {
        if (::geteuid() != 0)
            QSKIP("process events and kills need root; CI runs this as root");
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert("YAGURA_CTL_SESSION", m_dir.filePath("ctl-session.json"));
        m_env.insert("YAGURA_LOG_LEVEL", "warn");
        const QString site = m_dir.filePath("site");
        const QString password = m_dir.filePath("pw");
        QFile pw(password);
        QVERIFY(pw.open(QIODevice::WriteOnly));
        pw.write("auto-response-test\n");
        pw.close();
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
        m_agent.setProcessEnvironment(m_env);
        m_agent.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_agent.start(QStringLiteral(YAGURA_AGENT_BIN),
                      {"run", "--state-dir", state, "--retry-max", "1s"});
        QVERIFY(m_agent.waitForStarted());
        QCOMPARE(ctl({"--data-dir", site, "login", "--user", "admin", "--password-file", password})
                     .exitCode,
                 0);
        QTRY_VERIFY_WITH_TIMEOUT(appliedPolicy() == 1, 20000);

        // A pack with one rule, and a policy that kills what fires it.
        const QString pack = m_dir.filePath("pack");
        QVERIFY(QDir().mkpath(pack));
        QFile rule(pack + "/miner.yml");
        QVERIFY(rule.open(QIODevice::WriteOnly));
        rule.write(QByteArray("title: Test miner started\nid: ") + kRuleId +
                   "\nlevel: high\nlogsource:\n  product: linux\n  category: process_creation\n"
                   "detection:\n  selection:\n    Image|endswith: '/yagura-autoresponse-target'\n"
                   "  condition: selection\n");
        rule.close();
        const ProgramRun imported = ctl({"rules", "import", pack, "--pack", "autotest"});
        QVERIFY2(imported.exitCode == 0, qPrintable(imported.err));
        const ProgramRun shown = ctl({"policy", "show", "default", "--json"});
        QCOMPARE(shown.exitCode, 0);
        QJsonObject spec = QJsonDocument::fromJson(shown.out.toUtf8()).object()["spec"].toObject();
        QJsonArray packs = spec["rule_packs"].toArray();
        packs.append("autotest");
        spec["rule_packs"] = packs;
        spec["response"] = QJsonObject{
            {"auto_response",
             QJsonArray{QJsonObject{{"rule_ids", QJsonArray{kRuleId}}, {"kill_process", true}}}}};
        QFile edited(m_dir.filePath("policy.json"));
        QVERIFY(edited.open(QIODevice::WriteOnly));
        edited.write(QJsonDocument(spec).toJson());
        edited.close();
        const ProgramRun set = ctl({"policy", "set", "default", "--file", edited.fileName(),
                                    "--comment", "kill test miners"});
        QVERIFY2(set.exitCode == 0, qPrintable(set.err));
        QTRY_VERIFY_WITH_TIMEOUT(appliedPolicy() == 2, 20000);
    }

    void cleanupTestCase() {
        if (m_server.state() != QProcess::NotRunning)
            ::kill(static_cast<pid_t>(m_server.processId()), SIGCONT);
        for (QProcess* process : {&m_agent, &m_server}) {
            process->terminate();
            if (!process->waitForFinished(5000))
                process->kill();
        }
    }

    // A command line that is not UTF-8 (anyone can start one) arrives like any other, and does
    // not hold up what follows it.
    void aCommandLineOfAnyBytesArrives() {
        char marker[] = "yagura-\xff\xfe-bytes-7f3a";
        char* argv[] = {const_cast<char*>("/bin/true"), marker, nullptr};
        pid_t pid = 0;
        QCOMPARE(::posix_spawn(&pid, "/bin/true", nullptr, nullptr, argv, environ), 0);
        ::waitpid(pid, nullptr, 0);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return !ctlJson({"events", "list", "--agent", "1", "--contains", "-bytes-7f3a",
                                 "--json"})["events"]
                            .toArray()
                            .isEmpty();
            },
            20000));
    }

    void theAgentKillsByItselfAndTheServerLearnsLater() {
        const QString target = m_dir.filePath("yagura-autoresponse-target");
        QVERIFY(QFile::copy(QStringLiteral("/usr/bin/sleep"), target));
        QVERIFY(QFile::setPermissions(target, QFile::ReadOwner | QFile::ExeOwner));
        // The server answers nothing from now on.
        QCOMPARE(::kill(static_cast<pid_t>(m_server.processId()), SIGSTOP), 0);
        const QByteArray path = target.toLocal8Bit();
        char* argv[] = {const_cast<char*>(path.constData()), const_cast<char*>("30"), nullptr};
        pid_t pid = 0;
        QCOMPARE(::posix_spawn(&pid, path.constData(), nullptr, nullptr, argv, environ), 0);
        // Killed within seconds, by the agent alone.
        int status = 0;
        // (Not QTRY_*: it evaluates its expression once more at the end, and a child is reaped
        // only once.)
        QVERIFY(QTest::qWaitFor([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, 10000));
        QVERIFY(WIFSIGNALED(status));
        QCOMPARE(WTERMSIG(status), SIGKILL);

        // The server runs again: the kill is in the history, by the policy.
        QCOMPARE(::kill(static_cast<pid_t>(m_server.processId()), SIGCONT), 0);
        QJsonObject command;
        QVERIFY(QTest::qWaitFor(
            [&] {
                const auto commands = ctlJson({"commands", "list", "--json"})["commands"].toArray();
                for (const auto& value : commands)
                    if (value.toObject()["created_by"].toString() == "policy")
                        command = value.toObject();
                return !command.isEmpty();
            },
            30000));
        QCOMPARE(command["state"].toString(), QStringLiteral("succeeded"));
        QCOMPARE(command["action"].toString(), QStringLiteral("KILL"));
        QCOMPARE(command["detail"].toString(), QStringLiteral("killed process %1").arg(pid));
        QCOMPARE(command["reason"].toString(),
                 QStringLiteral("automatic response to 'Test miner started'"));
        // And the alert that prompted it.
        QTRY_VERIFY_WITH_TIMEOUT(
            ctlJson({"alerts", "list", "--rule", kRuleId, "--json"})["total"].toInt() >= 1, 10000);
    }
};

QTEST_GUILESS_MAIN(TestAutoResponse)
#include "TestAutoResponse.moc"
