#pragma once

// Three hosts for the isolation tests, in network namespaces joined by a bridge:
//   server  10.213.0.1  fd00:213::1   this test process (moved into a namespace of its own),
//                                     running the real yagura-server
//   agent   10.213.0.2  fd00:213::2   a named namespace running the real yagura-agent
//   other   10.213.0.3  fd00:213::3   a named namespace running yagura-test-netpeer: TCP 502
//                                     (the allowlisted "Modbus" flow) and 8080, UDP 9999
// The agent's group policy allowlists outbound TCP 502 to the other host (IPv4 and IPv6),
// asks for a 4-second safe apply and a 1-second table check. Needs root.

#include "RunProgram.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <cstring>
#include <sched.h>
#include <tuple>
#include <unistd.h>

namespace yagura::testing {

class IsolationHosts {
public:
    const QString agentNs = QStringLiteral("yagura-agent-%1").arg(::getpid());
    const QString otherNs = QStringLiteral("yagura-other-%1").arg(::getpid());
    static constexpr const char* kServer4 = "10.213.0.1";
    static constexpr const char* kAgent4 = "10.213.0.2";
    static constexpr const char* kOther4 = "10.213.0.3";
    static constexpr const char* kOther6 = "fd00:213::3";

    ~IsolationHosts() { tearDown(); }

    // Why the hosts cannot be built here ("" when they were).
    QString setUp(int safeApplySeconds) {
        if (::geteuid() != 0)
            return "network namespaces and nftables need root; CI runs this as root";
        if (QStandardPaths::findExecutable("ip").isEmpty() ||
            QStandardPaths::findExecutable("nft").isEmpty())
            return "iproute2 (ip) and nftables (nft) are needed; scripts/install-deps.sh installs "
                   "them";
        // This process becomes the server host: its own network namespace, before any thread
        // exists (a namespace is per thread; threads started later inherit it).
        if (::unshare(CLONE_NEWNET) != 0)
            return QStringLiteral("cannot create a network namespace: %1")
                .arg(QString::fromLocal8Bit(std::strerror(errno)));
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert("YAGURA_CTL_SESSION", m_dir.filePath("ctl-session.json"));
        m_env.insert("YAGURA_LOG_LEVEL", "warn");
        const QStringList network[] = {
            {"link", "set", "lo", "up"},
            {"netns", "add", agentNs},
            {"netns", "add", otherNs},
            {"link", "add", "br0", "type", "bridge"},
            {"link", "add", "veth-agent", "type", "veth", "peer", "name", "eth0", "netns", agentNs},
            {"link", "add", "veth-other", "type", "veth", "peer", "name", "eth0", "netns", otherNs},
            {"link", "set", "veth-agent", "master", "br0"},
            {"link", "set", "veth-other", "master", "br0"},
            {"link", "set", "veth-agent", "up"},
            {"link", "set", "veth-other", "up"},
            {"addr", "add", "10.213.0.1/24", "dev", "br0"},
            {"-6", "addr", "add", "fd00:213::1/64", "dev", "br0", "nodad"},
            {"link", "set", "br0", "up"},
        };
        m_netnsCreated = true;
        for (const auto& arguments : network)
            if (auto result = ip(arguments); result.exitCode != 0)
                return "ip " + arguments.join(' ') + ": " + result.err.trimmed();
        for (const auto& [ns, four, six] :
             {std::tuple{agentNs, QString("10.213.0.2/24"), QString("fd00:213::2/64")},
              std::tuple{otherNs, QString("10.213.0.3/24"), QString("fd00:213::3/64")}}) {
            const QStringList inside[] = {{"link", "set", "lo", "up"},
                                          {"addr", "add", four, "dev", "eth0"},
                                          {"-6", "addr", "add", six, "dev", "eth0", "nodad"},
                                          {"link", "set", "eth0", "up"}};
            for (const auto& arguments : inside)
                if (auto result = ip(QStringList{"netns", "exec", ns, "ip"} + arguments);
                    result.exitCode != 0)
                    return "ip " + arguments.join(' ') + " in " + ns + ": " + result.err.trimmed();
        }
        // The other host's services.
        m_peer.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_peer.start("ip", {"netns", "exec", otherNs, YAGURA_NETPEER_BIN, "serve", "--tcp", "502",
                            "--tcp", "8080", "--udp", "9999"});
        if (!m_peer.waitForReadyRead(10000))
            return "the other host's services did not start";
        // Layer 2 settles: the agent reaches the other host before anything else happens.
        if (!waitFor([&] { return probe("tcp", kOther4, 8080) == 0; }, 10000))
            return "the agent's namespace cannot reach the other host";
        if (!waitFor([&] { return probe("tcp", kOther6, 8080) == 0; }, 10000))
            return "the agent's namespace cannot reach the other host over IPv6";
        return startSite(safeApplySeconds);
    }

    void tearDown() {
        for (QProcess* process : {&m_agent, &m_server, &m_peer}) {
            if (process->state() == QProcess::NotRunning)
                continue;
            process->terminate();
            if (!process->waitForFinished(5000)) {
                process->kill();
                process->waitForFinished();
            }
        }
        if (m_netnsCreated) {
            (void)ip({"netns", "del", agentNs});
            (void)ip({"netns", "del", otherNs});
            m_netnsCreated = false;
        }
    }

    ProgramRun ip(const QStringList& arguments) { return runProgram("ip", arguments, m_env); }
    ProgramRun inAgentHost(const QStringList& command) {
        return ip(QStringList{"netns", "exec", agentNs} + command);
    }
    // 0: answered; 1: no answer within 800 ms.
    int probe(const QString& protocol, const QString& address, int port = 0) {
        QStringList arguments{YAGURA_NETPEER_BIN, "probe", protocol, address};
        if (port)
            arguments << QString::number(port);
        arguments << "--timeout-ms"
                  << "800";
        return inAgentHost(arguments).exitCode;
    }
    QString agentRuleset() { return inAgentHost({"nft", "list", "ruleset"}).out; }
    bool isolationTablePresent() {
        return inAgentHost({"nft", "list", "table", "inet", "yagura_isolation"}).exitCode == 0;
    }

    ProgramRun ctl(const QStringList& arguments, int timeoutMs = 30000) {
        return runProgram(YAGURA_CTL_BIN, arguments, m_env, timeoutMs);
    }
    QJsonObject ctlJson(const QStringList& arguments) {
        const ProgramRun result = ctl(arguments);
        return result.exitCode == 0 ? QJsonDocument::fromJson(result.out.toUtf8()).object()
                                    : QJsonObject{};
    }
    QJsonObject command(qint64 id) {
        return ctlJson({"commands", "show", QString::number(id), "--json"});
    }
    QJsonObject agentSummary() {
        const auto agents = ctlJson({"agents", "list", "--json"})["agents"].toArray();
        return agents.isEmpty() ? QJsonObject{} : agents.at(0).toObject();
    }

    void startAgent() {
        m_agent.setProcessEnvironment(m_env);
        m_agent.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_agent.start("ip", {"netns", "exec", agentNs, YAGURA_AGENT_BIN, "run", "--state-dir",
                             m_dir.filePath("agent"), "--retry-max", "1s"});
        (void)m_agent.waitForStarted();
    }
    void stopAgent() {
        m_agent.terminate();
        if (!m_agent.waitForFinished(10000)) {
            m_agent.kill();
            m_agent.waitForFinished();
        }
    }
    bool agentConnected() { return agentSummary()["online"].toBool(); }
    QString agentStateDir() const { return m_dir.filePath("agent"); }

    template <typename Condition> static bool waitFor(Condition condition, int timeoutMs) {
        return QTest::qWaitFor(condition, timeoutMs);
    }

private:
    QString startSite(int safeApplySeconds) {
        const QString site = m_dir.filePath("site");
        const QString password = m_dir.filePath("pw");
        QFile pw(password);
        if (!pw.open(QIODevice::WriteOnly))
            return "cannot write the password file";
        pw.write("isolation-test-password\n");
        pw.close();
        if (runProgram(YAGURA_SERVER_BIN,
                       {"init", "--data-dir", site, "--admin-password-file", password}, m_env)
                .exitCode != 0)
            return "yagura-server init failed";
        // Heartbeats every 2 s: the isolation badge follows the agent quickly.
        QFile configFile(site + "/config.json");
        if (!configFile.open(QIODevice::ReadOnly))
            return "no config.json";
        QJsonObject config = QJsonDocument::fromJson(configFile.readAll()).object();
        configFile.close();
        config["heartbeat_interval_seconds"] = 2;
        if (!configFile.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return "cannot write config.json";
        configFile.write(QJsonDocument(config).toJson());
        configFile.close();
        m_server.setProcessEnvironment(m_env);
        m_server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_server.start(YAGURA_SERVER_BIN,
                       {"run", "--data-dir", site, "--agent-bind", "tcp://10.213.0.1:*",
                        "--enrol-bind", "tcp://10.213.0.1:*", "--operator-bind",
                        "tcp://127.0.0.1:*"});
        if (!waitFor([&] { return QFile::exists(site + "/run/endpoints.json"); }, 15000))
            return "the server did not start";
        const ProgramRun token = runProgram(
            YAGURA_SERVER_BIN, {"token", "create", "--data-dir", site, "--auto-accept"}, m_env);
        if (token.exitCode != 0)
            return "token create failed";
        const ProgramRun enrolled =
            inAgentHost({YAGURA_AGENT_BIN, "enroll", "--token", token.out.trimmed(), "--state-dir",
                         m_dir.filePath("agent")});
        if (enrolled.exitCode != 0)
            return "enrolment failed: " + enrolled.err.trimmed();
        if (ctl({"--data-dir", site, "login", "--user", "admin", "--password-file", password})
                .exitCode != 0)
            return "ctl login failed";
        startAgent();
        if (!waitFor([&] { return agentSummary()["policy_version"].toString() == "1"; }, 20000))
            return "the agent did not connect and apply its policy";
        // The response policy: Modbus/TCP to the other host stays allowed, IPv4 and IPv6.
        const ProgramRun shown = ctl({"policy", "show", "default", "--json"});
        if (shown.exitCode != 0)
            return "policy show failed";
        QJsonObject spec = QJsonDocument::fromJson(shown.out.toUtf8()).object()["spec"].toObject();
        QJsonObject responsePolicy;
        responsePolicy["isolation_allow"] =
            QJsonArray{QJsonObject{{"address", kOther4},
                                   {"protocol", "tcp"},
                                   {"port", 502},
                                   {"direction", "outbound"},
                                   {"comment", "Modbus/TCP to the PLC"}},
                       QJsonObject{{"address", kOther6},
                                   {"protocol", "tcp"},
                                   {"port", 502},
                                   {"direction", "outbound"},
                                   {"comment", "Modbus/TCP to the PLC"}}};
        responsePolicy["safe_apply_seconds"] = safeApplySeconds;
        responsePolicy["isolation_check_seconds"] = 1;
        spec["response"] = responsePolicy;
        QFile edited(m_dir.filePath("policy.json"));
        if (!edited.open(QIODevice::WriteOnly))
            return "cannot write policy.json";
        edited.write(QJsonDocument(spec).toJson());
        edited.close();
        const ProgramRun set = ctl({"policy", "set", "default", "--file", edited.fileName(),
                                    "--comment", "isolation allowlist"});
        if (set.exitCode != 0)
            return "policy set failed: " + set.err.trimmed();
        if (!waitFor([&] { return agentSummary()["policy_version"].toString() == "2"; }, 20000))
            return "the agent did not apply the response policy";
        return {};
    }

    QTemporaryDir m_dir;
    QProcessEnvironment m_env;
    QProcess m_server;
    QProcess m_agent;
    QProcess m_peer;
    bool m_netnsCreated = false;
};

} // namespace yagura::testing
