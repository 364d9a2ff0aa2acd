// Safe apply: when the site server stops answering while an isolation goes in force, the agent
// rolls the isolation back after the policy's safe-apply time and, once it reaches the server
// again, reports the command as failed with the reason. The server host drops everything the
// agent sends (its own nftables table, in its own namespace) before the command is issued: the
// command still reaches the agent over the open connection, no answer comes back. Needs root.

#include "IsolationHosts.h"

#include "proto/agent.pb.h"

#include <QtTest>

using yagura::testing::IsolationHosts;
using yagura::testing::ProgramRun;

class TestIsolationSafeApply : public QObject {
    Q_OBJECT

private:
    IsolationHosts m_hosts;

private slots:
    void initTestCase() {
        if (const QString why = m_hosts.setUp(3); !why.isEmpty()) {
            if (::geteuid() != 0)
                QSKIP(qPrintable(why));
            QFAIL(qPrintable(why));
        }
    }

    void cleanupTestCase() { m_hosts.tearDown(); }

    void rolledBackAndReportedWhenTheServerIsUnreachable() {
        const QString before = m_hosts.agentRuleset();
        // This (server) host stops hearing the agent.
        QCOMPARE(nft("add table inet testblock; add chain inet testblock input { type filter "
                     "hook input priority -300; policy accept; }; add rule inet testblock input "
                     "ip saddr 10.213.0.2 drop; add rule inet testblock input ip6 saddr "
                     "fd00:213::2 drop"),
                 0);
        const ProgramRun issued =
            m_hosts.ctl({"isolate", "1", "--reason", "server lost mid-apply", "--yes", "--json"});
        QVERIFY2(issued.exitCode == 0, qPrintable(issued.err));
        const qint64 id =
            QJsonDocument::fromJson(issued.out.toUtf8()).object()["id"].toString().toLongLong();
        QVERIFY(id > 0);
        // The isolation goes in force, then is rolled back after 3 s without an answer.
        QVERIFY(IsolationHosts::waitFor([&] { return m_hosts.isolationTablePresent(); }, 10000));
        QElapsedTimer timer;
        timer.start();
        QVERIFY(IsolationHosts::waitFor([&] { return !m_hosts.isolationTablePresent(); }, 10000));
        QVERIFY2(timer.elapsed() >= 1500, "rolled back sooner than the safe-apply time");
        QCOMPARE(m_hosts.agentRuleset(), before);
        QCOMPARE(m_hosts.probe("tcp", IsolationHosts::kOther4, 8080), 0);
        // The server hears of it once the agent is back.
        QCOMPARE(nft("delete table inet testblock"), 0);
        QVERIFY(IsolationHosts::waitFor(
            [&] { return m_hosts.command(id)["state"].toString() == "failed"; }, 40000));
        const QString detail = m_hosts.command(id)["detail"].toString();
        QVERIFY2(detail.contains("rolled back: the site server did not answer within 3 s"),
                 qPrintable(detail));
        QVERIFY(!m_hosts.agentSummary()["isolated"].toBool());
    }

    // A new isolation that loses the server is rolled back to the isolation it replaced, not
    // to none: the host stays contained.
    void aRollbackKeepsThePreviousIsolation() {
        const ProgramRun first =
            m_hosts.ctl({"isolate", "1", "--reason", "contain", "--yes", "--wait", "--json"});
        QVERIFY2(first.exitCode == 0, qPrintable(first.out + first.err));
        const QString inForce =
            m_hosts.inAgentHost({"nft", "list", "table", "inet", "yagura_isolation"}).out;
        QVERIFY(!inForce.isEmpty());
        QCOMPARE(nft("add table inet testblock; add chain inet testblock input { type filter "
                     "hook input priority -300; policy accept; }; add rule inet testblock input "
                     "ip saddr 10.213.0.2 drop; add rule inet testblock input ip6 saddr "
                     "fd00:213::2 drop"),
                 0);
        const ProgramRun second =
            m_hosts.ctl({"isolate", "1", "--reason", "again", "--yes", "--json"});
        QVERIFY2(second.exitCode == 0, qPrintable(second.err));
        const qint64 id =
            QJsonDocument::fromJson(second.out.toUtf8()).object()["id"].toString().toLongLong();
        // The agent's own record of the isolation in force: the new one, then the old one again.
        const qint64 firstId =
            QJsonDocument::fromJson(first.out.toUtf8()).object()["id"].toString().toLongLong();
        const auto isolationInForce = [&] {
            QFile file(m_hosts.agentStateDir() + "/isolation.pb");
            yagura::proto::IsolationState state;
            return file.open(QIODevice::ReadOnly) &&
                           state.ParseFromString(file.readAll().toStdString())
                       ? static_cast<qint64>(state.command_id())
                       : qint64{0};
        };
        QVERIFY(IsolationHosts::waitFor([&] { return isolationInForce() == id; }, 10000));
        QVERIFY(IsolationHosts::waitFor([&] { return isolationInForce() == firstId; }, 10000));
        QCOMPARE(nft("delete table inet testblock"), 0);
        QVERIFY(IsolationHosts::waitFor(
            [&] { return m_hosts.command(id)["state"].toString() == "failed"; }, 40000));
        QVERIFY(m_hosts.isolationTablePresent());
        QCOMPARE(m_hosts.probe("tcp", IsolationHosts::kOther4, 8080), 1);
    }

private:
    // nft in this (the server's) namespace.
    static int nft(const QString& commands) {
        return yagura::testing::runProgram("nft", {commands},
                                           QProcessEnvironment::systemEnvironment())
            .exitCode;
    }
};

QTEST_GUILESS_MAIN(TestIsolationSafeApply)
#include "TestIsolationSafeApply.moc"
