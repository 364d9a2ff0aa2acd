// Authentication events from the systemd journal. No journald runs in the test environment, so
// the journal files are real ones written by systemd-journal-remote from entries in journal
// export format (the sshd, sudo, su and login messages as those programs log them); the reader
// opens them as files or as a directory, like the system journal. Running journal-remote again
// on the same file appends, which is how the tests follow a growing journal.

#include "collectors/JournalAuthCollector.h"
#include "detection/AgentDetector.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace yagura;
using namespace yagura::agent;
using namespace std::chrono_literals;

namespace {
struct Entry {
    QByteArray identifier; // SYSLOG_IDENTIFIER; empty: none (then _COMM names the program)
    QByteArray message;
    QByteArray comm;
    int pid = 0;
};

QString journalRemote() {
    QString found = QStandardPaths::findExecutable("systemd-journal-remote");
    if (found.isEmpty())
        found = QStandardPaths::findExecutable(
            "systemd-journal-remote", {"/usr/lib/systemd", "/lib/systemd", "/usr/libexec/systemd"});
    return found;
}

// Writes entries into a journal file with systemd-journal-remote (which appends to an existing
// file). One boot, strictly increasing realtime and monotonic timestamps, as journald writes.
class JournalWriter {
public:
    explicit JournalWriter(QString program) : m_program(std::move(program)) {
        for (int i = 0; i < 4; ++i)
            m_bootId += QByteArray::number(QRandomGenerator::global()->generate(), 16)
                            .rightJustified(8, '0');
    }

    // Empty on success, else what went wrong.
    QString append(const QString& journalFile, const QList<Entry>& entries) {
        QByteArray exported;
        for (const auto& entry : entries) {
            ++m_counter;
            const qint64 realtime = QDateTime::currentMSecsSinceEpoch() * 1000 + m_counter;
            m_lastRealtime = std::max(realtime, m_lastRealtime + 1);
            exported += "__REALTIME_TIMESTAMP=" + QByteArray::number(m_lastRealtime) + '\n';
            exported +=
                "__MONOTONIC_TIMESTAMP=" + QByteArray::number(5000000 + m_counter * 1000) + '\n';
            exported += "_BOOT_ID=" + m_bootId + '\n';
            exported += "_HOSTNAME=plant-hmi\n";
            exported += "_UID=0\n";
            exported += "_PID=" + QByteArray::number(entry.pid) + '\n';
            exported += "_COMM=" + (entry.comm.isEmpty() ? entry.identifier : entry.comm) + '\n';
            if (!entry.identifier.isEmpty())
                exported += "SYSLOG_IDENTIFIER=" + entry.identifier + '\n';
            exported += "SYSLOG_FACILITY=10\nPRIORITY=6\n";
            exported += "MESSAGE=" + entry.message + "\n\n";
        }
        QProcess process;
        process.start(m_program, {"--output=" + journalFile, "-"});
        if (!process.waitForStarted(10000))
            return "cannot start " + m_program + ": " + process.errorString();
        process.write(exported);
        process.closeWriteChannel();
        if (!process.waitForFinished(30000))
            return m_program + " did not finish";
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
            return m_program + " failed: " + QString::fromLocal8Bit(process.readAllStandardError());
        return {};
    }

private:
    QString m_program;
    QByteArray m_bootId;
    qint64 m_counter = 0;
    qint64 m_lastRealtime = 0;
};

// Polls until `expected` events came or 10 s passed, then once more: an extra event would show.
// Waits on the journal (sd_journal_wait) between polls, never on the clock alone.
std::vector<AuthEvent> pollFor(JournalAuthCollector& collector, std::size_t expected) {
    std::vector<AuthEvent> all;
    const QDeadlineTimer deadline(10000);
    for (;;) {
        auto got = collector.poll();
        if (!got.ok()) {
            qWarning("poll: %s", got.error().message.c_str());
            break;
        }
        for (auto& event : *got)
            all.push_back(std::move(event));
        if (all.size() >= expected || deadline.hasExpired())
            break;
        (void)collector.waitForChange(100ms);
    }
    if (auto extra = collector.poll(); extra.ok())
        for (auto& event : *extra)
            all.push_back(std::move(event));
    return all;
}

QString q(const std::string& text) {
    return QString::fromStdString(text);
}

QStringList users(const std::vector<AuthEvent>& events) {
    QStringList list;
    for (const auto& event : events)
        list << QString::fromStdString(event.user);
    return list;
}

Entry failedSsh(const QByteArray& user, int port) {
    return {"sshd",
            "Failed password for " + user + " from 192.0.2.10 port " + QByteArray::number(port) +
                " ssh2",
            {},
            3000 + port % 1000};
}

Entry cron() {
    return {
        "CRON", "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)", {}, 777};
}
} // namespace

class TestJournalAuth : public QObject {
    Q_OBJECT

private:
    QString m_remote;

    // The tests that write journal files need systemd-journal-remote.
    bool haveJournalRemote() const { return !m_remote.isEmpty(); }

private slots:
    void initTestCase() { m_remote = journalRemote(); }

    void readsAuthenticationEntries() {
        if (!haveJournalRemote())
            QSKIP("systemd-journal-remote is not installed (Debian package "
                  "systemd-journal-remote; scripts/install-deps.sh installs it): no journal "
                  "files can be written");
        QTemporaryDir dir;
        const QString file = dir.filePath("remote.journal");
        JournalWriter writer(m_remote);
        // History before the reader starts, not replayed.
        QCOMPARE(writer.append(file, {failedSsh("old", 1), cron()}), QString());
        JournalAuthCollector collector(JournalSource::files({file.toStdString()}));
        const auto started = collector.startAtEnd();
        QVERIFY2(started.ok(), started.ok() ? "" : started.error().message.c_str());
        QCOMPARE(collector.poll()->size(), std::size_t{0});

        QCOMPARE(
            writer.append(
                file,
                {
                    {"sshd", "Failed password for root from 203.0.113.9 port 60000 ssh2", {}, 2101},
                    {"sshd",
                     "Failed password for invalid user admin from 203.0.113.9 port 60001 ssh2",
                     {},
                     2102},
                    {"sshd", "Accepted password for alice from 10.1.2.3 port 51522 ssh2", {}, 2103},
                    // OpenSSH 9.8 and later: the session process logs the login.
                    {"sshd-session",
                     "Accepted publickey for bob from 10.1.2.4 port 40000 ssh2: ED25519 "
                     "SHA256:Zm9vYmFyYmF6cXV4",
                     {},
                     2104},
                    {"sudo",
                     "   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/"
                     "systemctl restart plc-bridge",
                     {},
                     2200},
                    {"sudo",
                     "mallory : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/tmp ; USER=root "
                     "; COMMAND=/usr/bin/id",
                     {},
                     2201},
                    cron(),
                    {"su",
                     "pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 "
                     "tty=/dev/pts/0 ruser=alice rhost=  user=root",
                     {},
                     2300},
                    {"su", "FAILED SU (to root) alice on pts/0", {}, 2300},
                    {"su", "(to root) carol on pts/2", {}, 2301},
                    {"systemd", "Started Session 4 of User alice.", {}, 1},
                    {"login",
                     "FAILED LOGIN (1) on '/dev/tty1' FOR 'operator', Authentication failure",
                     {},
                     900},
                    {"sshd", "Server listening on 0.0.0.0 port 22.", {}, 600},
                    // No SYSLOG_IDENTIFIER: the process name says it is sshd.
                    {{},
                     "Failed password for root from 198.51.100.7 port 2222 ssh2",
                     "sshd-session",
                     2400},
                    // Bytes that are not UTF-8 (a user name chosen by an attacker).
                    {"sshd", "Invalid user \xff\xfe from 203.0.113.50 port 1", {}, 2401},
                }),
            QString());

        const auto events = pollFor(collector, 13);
        QCOMPARE(events.size(), std::size_t{13});
        using K = AuthEvent::Kind;
        struct Expected {
            K kind;
            const char* program;
            const char* user;
            const char* target;
            const char* ip;
            const char* command;
        };
        const Expected expected[] = {
            {K::LoginFailed, "sshd", "root", "", "203.0.113.9", ""},
            {K::LoginFailed, "sshd", "admin", "", "203.0.113.9", ""},
            {K::LoginSucceeded, "sshd", "alice", "", "10.1.2.3", ""},
            {K::LoginSucceeded, "sshd", "bob", "", "10.1.2.4", ""},
            {K::Sudo, "sudo", "alice", "root", "", "/usr/bin/systemctl restart plc-bridge"},
            {K::SudoFailed, "sudo", "mallory", "root", "", "/usr/bin/id"},
            {K::SuFailed, "su", "alice", "root", "", ""},
            {K::SuFailed, "su", "alice", "root", "", ""},
            {K::Su, "su", "carol", "root", "", ""},
            {K::LoginFailed, "login", "operator", "", "", ""},
            {K::Other, "sshd", "", "", "", ""},
            {K::LoginFailed, "sshd", "root", "", "198.51.100.7", ""},
            {K::LoginFailed, "sshd", "\xEF\xBF\xBD\xEF\xBF\xBD", "", "203.0.113.50", ""},
        };
        for (std::size_t i = 0; i < std::size(expected); ++i) {
            const auto& event = events[i];
            const auto& want = expected[i];
            const QByteArray row = "event " + QByteArray::number(qulonglong(i)) + ": " +
                                   QByteArray::fromStdString(event.line);
            QVERIFY2(event.kind == want.kind, row.constData());
            QCOMPARE(q(event.program), QString::fromUtf8(want.program));
            QCOMPARE(q(event.user), QString::fromUtf8(want.user));
            QCOMPARE(q(event.targetUser), QString::fromUtf8(want.target));
            QCOMPARE(q(event.sourceIp), QString::fromUtf8(want.ip));
            QCOMPARE(q(event.command), QString::fromUtf8(want.command));
        }
        // The raw line, as auth.log would show it, parses to the same fact.
        QVERIFY(QByteArray::fromStdString(events[0].line)
                    .endsWith(" plant-hmi sshd[2101]: Failed password for root from 203.0.113.9 "
                              "port 60000 ssh2"));
        QVERIFY(QByteArray::fromStdString(events[3].line).contains(" sshd-session[2104]: "));
        for (const auto& event : events) {
            const auto reparsed = parseAuthLine(event.line);
            QVERIFY2(reparsed.has_value(), event.line.c_str());
            QVERIFY(reparsed->kind == event.kind);
            QCOMPARE(q(reparsed->program), q(event.program));
            QCOMPARE(q(reparsed->user), q(event.user));
            QCOMPARE(q(reparsed->targetUser), q(event.targetUser));
            QCOMPARE(q(reparsed->sourceIp), q(event.sourceIp));
            QCOMPARE(q(reparsed->command), q(event.command));
        }
        // Telemetry from the non-UTF-8 entry survives a protobuf round trip (proto3 strings
        // must be UTF-8: parsing raw 0xFF bytes fails).
        const auto telemetry = authTelemetry(events[12], 1);
        proto::TelemetryEvent parsed;
        QVERIFY(parsed.ParseFromString(telemetry.SerializeAsString()));
        QCOMPARE(parsed.fields_size(), telemetry.fields_size());
        QCOMPARE(collector.poll()->size(), std::size_t{0});
    }

    void seesAppendedEntriesExactlyOnce() {
        if (!haveJournalRemote())
            QSKIP("systemd-journal-remote is not installed (Debian package "
                  "systemd-journal-remote; scripts/install-deps.sh installs it): no journal "
                  "files can be written");
        QTemporaryDir dir;
        const QString file = dir.filePath("remote.journal");
        JournalWriter writer(m_remote);
        QCOMPARE(writer.append(file, {failedSsh("h1", 1), failedSsh("h2", 2)}), QString());
        // The whole directory, as the system journal is read.
        JournalAuthCollector collector(JournalSource::directory(dir.path().toStdString()));
        QVERIFY(collector.startAtEnd().ok());
        QCOMPARE(collector.poll()->size(), std::size_t{0});
        QCOMPARE(writer.append(file, {failedSsh("a1", 3), cron(), failedSsh("a2", 4)}), QString());
        QCOMPARE(users(pollFor(collector, 2)), QStringList({"a1", "a2"}));
        QCOMPARE(writer.append(file, {failedSsh("b1", 5)}), QString());
        QCOMPARE(writer.append(file, {failedSsh("b2", 6)}), QString());
        QCOMPARE(users(pollFor(collector, 2)), QStringList({"b1", "b2"}));
        QCOMPARE(collector.poll()->size(), std::size_t{0});
    }

    void restartContinuesAtTheCursor() {
        if (!haveJournalRemote())
            QSKIP("systemd-journal-remote is not installed (Debian package "
                  "systemd-journal-remote; scripts/install-deps.sh installs it): no journal "
                  "files can be written");
        QTemporaryDir dir;
        const QString file = dir.filePath("remote.journal");
        JournalWriter writer(m_remote);
        // The newest entry at start is one the filter does not match.
        QCOMPARE(writer.append(file, {failedSsh("old", 1), cron()}), QString());
        JournalAuthCollector collector(JournalSource::files({file.toStdString()}));
        QVERIFY(collector.startAtEnd().ok());
        const std::string atStart = collector.cursor();
        QVERIFY(!atStart.empty());

        // Entries written while the reader is closed are read after the restart.
        QCOMPARE(writer.append(file, {failedSsh("r1", 2), failedSsh("r2", 3)}), QString());
        QVERIFY(collector.restart().ok());
        QCOMPARE(users(pollFor(collector, 2)), QStringList({"r1", "r2"}));
        QVERIFY(collector.cursor() != atStart);

        // A restart right after a poll repeats nothing.
        QVERIFY(collector.restart().ok());
        QCOMPARE(collector.poll()->size(), std::size_t{0});
        QCOMPARE(writer.append(file, {cron(), failedSsh("r3", 4)}), QString());
        QVERIFY(collector.restart().ok());
        QCOMPARE(users(pollFor(collector, 1)), QStringList({"r3"}));

        // A new reader resumed from the cursor continues where the first one stopped.
        QCOMPARE(writer.append(file, {failedSsh("r4", 5)}), QString());
        JournalAuthCollector successor(JournalSource::files({file.toStdString()}));
        QVERIFY(successor.resumeAfter(collector.cursor()).ok());
        QCOMPARE(users(pollFor(successor, 1)), QStringList({"r4"}));
        QCOMPARE(users(pollFor(collector, 1)), QStringList({"r4"}));

        // A cursor that is not one is refused with one line.
        JournalAuthCollector broken(JournalSource::files({file.toStdString()}));
        const auto refused = broken.resumeAfter("not a cursor");
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().message.find('\n') == std::string::npos);
    }

    void readsAJournalThatWasEmptyAtStart() {
        if (!haveJournalRemote())
            QSKIP("systemd-journal-remote is not installed (Debian package "
                  "systemd-journal-remote; scripts/install-deps.sh installs it): no journal "
                  "files can be written");
        QTemporaryDir dir;
        JournalAuthCollector collector(JournalSource::directory(dir.path().toStdString()));
        QVERIFY(collector.startAtEnd().ok());
        QVERIFY(collector.cursor().empty());
        QCOMPARE(collector.poll()->size(), std::size_t{0});
        JournalWriter writer(m_remote);
        // A file created after the start is found (inotify on the directory).
        QCOMPARE(writer.append(dir.filePath("remote.journal"),
                               {failedSsh("e1", 1), cron(), failedSsh("e2", 2)}),
                 QString());
        // One poll sees it without any waiting: poll() takes the directory's inotify news.
        const auto events = collector.poll();
        QVERIFY(events.ok());
        QCOMPARE(users(*events), QStringList({"e1", "e2"}));
        // ... and a restart then continues after them.
        QVERIFY(collector.restart().ok());
        QCOMPARE(collector.poll()->size(), std::size_t{0});
    }

    void sshdKeywordRuleMatchesTheJournalLine() {
        if (!haveJournalRemote())
            QSKIP("systemd-journal-remote is not installed (Debian package "
                  "systemd-journal-remote; scripts/install-deps.sh installs it): no journal "
                  "files can be written");
        QTemporaryDir dir;
        const QString file = dir.filePath("remote.journal");
        JournalWriter writer(m_remote);
        QCOMPARE(writer.append(file, {cron()}), QString());
        JournalAuthCollector collector(JournalSource::files({file.toStdString()}));
        QVERIFY(collector.startAtEnd().ok());
        QCOMPARE(writer.append(file, {{"sshd", "error: Corrupted MAC on input. [preauth]", {}, 9}}),
                 QString());
        const auto events = pollFor(collector, 1);
        QCOMPARE(events.size(), std::size_t{1});
        AgentDetector detector;
        const auto report = detector.load({std::filesystem::path(YAGURA_SHARED_DATA_DIR) /
                                           "sigma/rules/linux/builtin/sshd/lnx_sshd_susp_ssh.yml"});
        QCOMPARE(report.loaded, std::size_t{1});
        const auto telemetry = authTelemetry(events.front(), 1);
        QCOMPARE(detector.evaluateLog(events.front().program, telemetry, 1).size(), std::size_t{1});
    }

    void reportsErrorsInOneLine() {
        QTemporaryDir dir;
        JournalAuthCollector missing(
            JournalSource::files({dir.filePath("none.journal").toStdString()}));
        const auto started = missing.startAtEnd();
        QVERIFY(!started.ok());
        QVERIFY(started.error().message.find("none.journal") != std::string::npos);
        QVERIFY(started.error().message.find('\n') == std::string::npos);
        JournalAuthCollector idle(JournalSource::system());
        QVERIFY(!idle.poll().ok()); // not started
        QCOMPARE(idle.waitFd(), -1);
    }

    void detectsARunningJournald() {
        QTemporaryDir dir;
        const QString path = dir.filePath("socket");
        QVERIFY(!JournalAuthCollector::systemJournalAvailable(path.toStdString()));
        QFile plain(path);
        QVERIFY(plain.open(QIODevice::WriteOnly));
        plain.close();
        QVERIFY(!JournalAuthCollector::systemJournalAvailable(path.toStdString()));
        QVERIFY(QFile::remove(path));
        const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        QVERIFY(fd >= 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const QByteArray name = QFile::encodeName(path);
        QVERIFY(std::size_t(name.size()) < sizeof address.sun_path);
        std::memcpy(address.sun_path, name.constData(), std::size_t(name.size()));
        const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
        const bool available = JournalAuthCollector::systemJournalAvailable(path.toStdString());
        ::close(fd);
        QCOMPARE(bound, 0);
        QVERIFY(available);
    }
};

QTEST_GUILESS_MAIN(TestJournalAuth)
#include "TestJournalAuth.moc"
