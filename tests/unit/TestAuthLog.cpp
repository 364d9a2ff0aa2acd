// Authentication events from auth.log / secure, in the real formats Debian and RHEL write
// (classic syslog time and RFC 3339), followed like tail -F: appends, partial lines, rotation
// and truncation.

#include "collectors/AuthLogCollector.h"
#include "detection/AgentDetector.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace yagura;
using namespace yagura::agent;

namespace {
void append(const QString& path, const QByteArray& text) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::Append));
    file.write(text);
}
} // namespace

class TestAuthLog : public QObject {
    Q_OBJECT

private slots:
    void parsesRealLines_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("ip");
        QTest::addColumn<QString>("command");
        using K = AuthEvent::Kind;
        QTest::newRow("ssh password ok") << "Nov 26 09:00:01 plant-hmi sshd[1234]: Accepted "
                                            "password for alice from 10.1.2.3 port 51522 ssh2"
                                         << int(K::LoginSucceeded) << "alice"
                                         << ""
                                         << "10.1.2.3"
                                         << "";
        QTest::newRow("ssh key ok, rfc3339")
            << "2026-11-26T09:00:01.123456+09:00 plant-hmi sshd[1234]: Accepted publickey for bob "
               "from 10.1.2.4 port 40000 ssh2: ED25519 SHA256:abc"
            << int(K::LoginSucceeded) << "bob"
            << ""
            << "10.1.2.4"
            << "";
        QTest::newRow("ssh failed") << "Nov 26 09:00:02 plant-hmi sshd[1235]: Failed password for "
                                       "root from 203.0.113.9 port 60000 ssh2"
                                    << int(K::LoginFailed) << "root"
                                    << ""
                                    << "203.0.113.9"
                                    << "";
        QTest::newRow("ssh invalid user")
            << "Nov 26 09:00:03 plant-hmi sshd[1236]: Failed password for invalid user admin from "
               "203.0.113.9 port 60001 ssh2"
            << int(K::LoginFailed) << "admin"
            << ""
            << "203.0.113.9"
            << "";
        QTest::newRow("sudo")
            << "Nov 26 09:01:02 plant-hmi sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root "
               "; COMMAND=/usr/bin/systemctl restart plc-bridge"
            << int(K::Sudo) << "alice"
            << "root"
            << ""
            << "/usr/bin/systemctl restart plc-bridge";
        QTest::newRow("sudo failed")
            << "Nov 26 09:01:05 plant-hmi sudo:    mallory : 3 incorrect password attempts ; "
               "TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/usr/bin/id"
            << int(K::SudoFailed) << "mallory"
            << "root"
            << ""
            << "/usr/bin/id";
        QTest::newRow("su") << "Nov 26 09:02:00 plant-hmi su[4000]: (to root) alice on pts/0"
                            << int(K::Su) << "alice"
                            << "root"
                            << ""
                            << "";
        QTest::newRow("su failed pam")
            << "Nov 26 09:02:10 plant-hmi su[4001]: pam_unix(su:auth): authentication failure; "
               "logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=root"
            << int(K::SuFailed) << "alice"
            << "root"
            << ""
            << "";
        QTest::newRow("su failed")
            << "Nov 26 09:02:11 plant-hmi su[4001]: FAILED SU (to root) alice on pts/0"
            << int(K::SuFailed) << "alice"
            << "root"
            << ""
            << "";
        QTest::newRow("console login failed")
            << "Nov 26 09:03:00 plant-hmi login[900]: FAILED LOGIN (1) on '/dev/tty1' FOR "
               "'operator', Authentication failure"
            << int(K::LoginFailed) << "operator"
            << ""
            << ""
            << "";
    }

    void parsesRealLines() {
        QFETCH(QString, line);
        QFETCH(int, kind);
        QFETCH(QString, user);
        QFETCH(QString, target);
        QFETCH(QString, ip);
        QFETCH(QString, command);
        const auto event = parseAuthLine(line.toStdString());
        QVERIFY(event.has_value());
        QCOMPARE(int(event->kind), kind);
        QCOMPARE(QString::fromStdString(event->user), user);
        QCOMPARE(QString::fromStdString(event->targetUser), target);
        QCOMPARE(QString::fromStdString(event->sourceIp), ip);
        QCOMPARE(QString::fromStdString(event->command), command);
        QCOMPARE(QString::fromStdString(event->line), line);
    }

    void ignoresOtherPrograms() {
        QVERIFY(!parseAuthLine("Nov 26 09:00:01 host CRON[77]: pam_unix(cron:session): session "
                               "opened for user root(uid=0) by (uid=0)"));
        QVERIFY(!parseAuthLine("not a syslog line"));
        const auto other =
            parseAuthLine("Nov 26 09:00:01 host sshd[5]: Server listening on 0.0.0.0 port 22.");
        QVERIFY(other && other->kind == AuthEvent::Kind::Other);
    }

    void sshdSessionIsSshd() {
        // OpenSSH 9.8 and later log logins from sshd-session; rules know the service as sshd.
        const auto event = parseAuthLine("2026-11-26T09:00:01.123456+09:00 plant-hmi "
                                         "sshd-session[1234]: Accepted password for alice from "
                                         "10.1.2.3 port 51522 ssh2");
        QVERIFY(event);
        QCOMPARE(event->kind, AuthEvent::Kind::LoginSucceeded);
        QCOMPARE(QString::fromStdString(event->program), QString("sshd"));
        QCOMPARE(QString::fromStdString(event->user), QString("alice"));
        QVERIFY(!parseAuthMessage("sshd-keygen", "Accepted password for a from 1.2.3.4 port 1"));
    }

    void followsTheFileLikeTailF() {
        QTemporaryDir dir;
        const QString path = dir.filePath("auth.log");
        append(path,
               "Nov 26 08:00:00 h sshd[1]: Failed password for root from 192.0.2.1 port 1 ssh2\n");
        AuthLogCollector collector(path.toStdString());
        QVERIFY(collector.startAtEnd().ok());
        QCOMPARE(collector.poll()->size(), std::size_t{0}); // history is not replayed
        append(path,
               "Nov 26 08:00:01 h sshd[1]: Failed password for root from 192.0.2.1 port 2 ssh2\n"
               "Nov 26 08:00:02 h sshd[1]: Accepted password for root from 192.0.2.1 po");
        auto first = collector.poll();
        QCOMPARE(first->size(), std::size_t{1});
        append(path, "rt 3 ssh2\n"); // the rest of a line written in two pieces
        auto second = collector.poll();
        QCOMPARE(second->size(), std::size_t{1});
        QCOMPARE(second->front().kind, AuthEvent::Kind::LoginSucceeded);
        // Rotation: the old file moves away, a new one starts.
        QVERIFY(QFile::rename(path, path + ".1"));
        append(path, "Nov 26 08:01:00 h su[2]: (to root) alice on pts/0\n");
        auto rotated = collector.poll();
        QCOMPARE(rotated->size(), std::size_t{1});
        QCOMPARE(rotated->front().kind, AuthEvent::Kind::Su);
        // Truncation (copytruncate): noticed as a shorter file, then read from the top. (Like
        // tail -F, a truncated file that grows past the old offset before the next poll is
        // indistinguishable from appends; the agent polls several times a second.)
        QFile truncated(path);
        QVERIFY(truncated.open(QIODevice::WriteOnly | QIODevice::Truncate));
        truncated.close();
        QCOMPARE(collector.poll()->size(), std::size_t{0});
        append(path, "Nov 26 08:02:00 h sudo:    bob : TTY=pts/0 ; PWD=/ ; USER=root ; "
                     "COMMAND=/usr/bin/id\n");
        auto afterTruncate = collector.poll();
        QCOMPARE(afterTruncate->size(), std::size_t{1});
        QCOMPARE(afterTruncate->front().kind, AuthEvent::Kind::Sudo);
    }

    void sshdKeywordRuleMatchesTheRawLine() {
        AgentDetector detector;
        const auto report = detector.load({std::filesystem::path(YAGURA_SHARED_DATA_DIR) /
                                           "sigma/rules/linux/builtin/sshd/lnx_sshd_susp_ssh.yml"});
        QCOMPARE(report.loaded, std::size_t{1});
        const auto line =
            parseAuthLine("Nov 26 09:00:01 h sshd[9]: error: Corrupted MAC on input. [preauth]");
        QVERIFY(line);
        const auto telemetry = authTelemetry(*line, 1);
        const auto alerts = detector.evaluateLog(line->program, telemetry, 1);
        QCOMPARE(alerts.size(), std::size_t{1});
        const auto benign = parseAuthLine(
            "Nov 26 09:00:01 h sshd[9]: Accepted password for a from 10.0.0.1 port 1 ssh2");
        QCOMPARE(detector.evaluateLog(benign->program, authTelemetry(*benign, 1), 1).size(),
                 std::size_t{0});
    }
};

QTEST_GUILESS_MAIN(TestAuthLog)
#include "TestAuthLog.moc"
