// Host isolation end to end with the real programs, across network namespaces (IsolationHosts.h):
// after `yagura-ctl isolate` the agent still reaches the server, the other host is cut for TCP,
// UDP and ICMP over IPv4 and IPv6 except the allowlisted Modbus/TCP flow; the isolation
// survives an agent restart (re-applied before connecting); a flushed ruleset is restored within
// the check interval with an alert; release removes exactly Yagura's table, leaving the host's
// own nftables and iptables-nft rules as they were. Needs root.

#include "IsolationHosts.h"

#include <QtTest>

using yagura::testing::IsolationHosts;
using yagura::testing::ProgramRun;

namespace {
constexpr const char* kTamperRuleId = "b7e0c1a4-2f5d-4c8e-9a61-0d3f8e2b7c15";
}

class TestIsolation : public QObject {
    Q_OBJECT

private:
    IsolationHosts m_hosts;
    QString m_rulesetBefore;

    // The host's own firewall: an nftables table and an iptables-nft rule.
    void addHostFirewall() {
        QCOMPARE(m_hosts
                     .inAgentHost({"nft", "add table inet hostfw; add chain inet hostfw input { "
                                          "type filter hook input priority 0; policy accept; }; "
                                          "add rule inet hostfw input tcp dport 22 accept"})
                     .exitCode,
                 0);
        const ProgramRun iptables = m_hosts.inAgentHost(
            {"iptables", "-A", "INPUT", "-p", "tcp", "--dport", "2222", "-j", "ACCEPT"});
        QVERIFY2(iptables.exitCode == 0, qPrintable(iptables.err));
    }

    void expectCut() {
        for (const char* address : {IsolationHosts::kOther4, IsolationHosts::kOther6}) {
            QVERIFY2(m_hosts.probe("tcp", address, 8080) != 0, address);
            QVERIFY2(m_hosts.probe("udp", address, 9999) != 0, address);
            QVERIFY2(m_hosts.probe("icmp", address) != 0, address);
            // The allowlisted flow.
            QVERIFY2(m_hosts.probe("tcp", address, 502) == 0, address);
        }
    }

    void expectOpen() {
        for (const char* address : {IsolationHosts::kOther4, IsolationHosts::kOther6}) {
            QVERIFY2(m_hosts.probe("tcp", address, 8080) == 0, address);
            QVERIFY2(m_hosts.probe("udp", address, 9999) == 0, address);
            QVERIFY2(m_hosts.probe("icmp", address) == 0, address);
            QVERIFY2(m_hosts.probe("tcp", address, 502) == 0, address);
        }
    }

    qint64 issue(const QStringList& arguments) {
        const ProgramRun run = m_hosts.ctl(arguments);
        if (run.exitCode != 0)
            qWarning("ctl %s: %s %s", qPrintable(arguments.join(' ')), qPrintable(run.out),
                     qPrintable(run.err));
        const auto created = QJsonDocument::fromJson(run.out.toUtf8()).object();
        return created["id"].toString().toLongLong();
    }

private slots:
    void initTestCase() {
        if (const QString why = m_hosts.setUp(10); !why.isEmpty()) {
            if (::geteuid() != 0)
                QSKIP(qPrintable(why));
            QFAIL(qPrintable(why));
        }
        addHostFirewall();
        m_rulesetBefore = m_hosts.agentRuleset();
        QVERIFY(m_rulesetBefore.contains("hostfw"));
        expectOpen();
    }

    void cleanupTestCase() { m_hosts.tearDown(); }

    void previewShowsWhatStaysAllowed() {
        const ProgramRun preview = m_hosts.ctl({"isolate", "1", "--reason", "look", "--preview"});
        QCOMPARE(preview.exitCode, 0);
        QVERIFY(preview.out.contains("site server 10.213.0.1"));
        QVERIFY(preview.out.contains("this host to 10.213.0.3 tcp/502 (Modbus/TCP to the PLC)"));
        QVERIFY(preview.out.contains("this host to fd00:213::3 tcp/502"));
        QVERIFY(preview.out.contains("blocked: everything else"));
        QVERIFY(preview.out.contains("table inet yagura_isolation"));
        // Nothing was created by a preview.
        QCOMPARE(m_hosts.ctlJson({"commands", "list", "--json"})["commands"].toArray().size(), 0);
        QVERIFY(!m_hosts.isolationTablePresent());
    }

    void isolationCutsEverythingButTheServerAndTheAllowlist() {
        const qint64 id = issue({"isolate", "1", "--reason", "suspected lateral movement", "--yes",
                                 "--wait", "--json"});
        QVERIFY(id > 0);
        const QJsonObject command = m_hosts.command(id);
        QCOMPARE(command["state"].toString(), QStringLiteral("succeeded"));
        QVERIFY2(command["detail"].toString().contains("the site server answered"),
                 qPrintable(command["detail"].toString()));
        QVERIFY(m_hosts.isolationTablePresent());
        expectCut();
        // The agent still talks to the server: its heartbeats report the isolation.
        QVERIFY(IsolationHosts::waitFor([&] { return m_hosts.agentSummary()["isolated"].toBool(); },
                                        10000));
        // The host's own firewall is untouched.
        QVERIFY(m_hosts.agentRuleset().contains("table inet hostfw"));
        // Every step is audited.
        const auto audit = m_hosts.ctl({"audit", "list", "--action", "command."}).out;
        for (const char* step :
             {"command.isolate", "command.deliver", "command.applied", "command.succeeded"})
            QVERIFY2(audit.contains(step), step);
    }

    void isolationSurvivesAnAgentRestart() {
        m_hosts.stopAgent();
        // Even a table removed while the agent is down comes back at its start, before it
        // connects.
        QCOMPARE(
            m_hosts.inAgentHost({"nft", "delete", "table", "inet", "yagura_isolation"}).exitCode,
            0);
        QVERIFY(!m_hosts.isolationTablePresent());
        m_hosts.startAgent();
        QVERIFY(IsolationHosts::waitFor([&] { return m_hosts.isolationTablePresent(); }, 10000));
        expectCut();
        QVERIFY(IsolationHosts::waitFor([&] { return m_hosts.agentConnected(); }, 15000));
    }

    void aFlushedRulesetIsRestoredWithAnAlert() {
        QCOMPARE(m_hosts.inAgentHost({"nft", "flush", "ruleset"}).exitCode, 0);
        QElapsedTimer timer;
        timer.start();
        // The check runs every second (the policy's isolation_check_seconds).
        QVERIFY(IsolationHosts::waitFor([&] { return m_hosts.isolationTablePresent(); }, 5000));
        QVERIFY2(timer.elapsed() < 3000, "restored later than the check interval allows");
        expectCut();
        QVERIFY(IsolationHosts::waitFor(
            [&] {
                return m_hosts
                           .ctlJson({"alerts", "list", "--rule", kTamperRuleId, "--json"})["total"]
                           .toInt() >= 1;
            },
            15000));
        // The flush took the host's own rules too; put them back as they were.
        addHostFirewall();
    }

    void releaseRemovesExactlyWhatWasAdded() {
        const qint64 id =
            issue({"release", "1", "--reason", "contained; cleaned", "--yes", "--wait", "--json"});
        QVERIFY(id > 0);
        QCOMPARE(m_hosts.command(id)["state"].toString(), QStringLiteral("succeeded"));
        QVERIFY(!m_hosts.isolationTablePresent());
        QCOMPARE(m_hosts.agentRuleset(), m_rulesetBefore);
        expectOpen();
        QVERIFY(IsolationHosts::waitFor(
            [&] { return !m_hosts.agentSummary()["isolated"].toBool(); }, 10000));
        // And it stays released across a restart.
        m_hosts.stopAgent();
        m_hosts.startAgent();
        QVERIFY(IsolationHosts::waitFor([&] { return m_hosts.agentConnected(); }, 15000));
        QVERIFY(!m_hosts.isolationTablePresent());
    }
};

QTEST_GUILESS_MAIN(TestIsolation)
#include "TestIsolation.moc"
