// Events for offline rule tests (yagura-ctl rules test): JSON object, array or NDJSON,
// flattened so Sigma field names match the innermost keys; logsource only when stated.

#include "detect/EventJson.h"
#include "detect/RuleSet.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace yagura;
using namespace yagura::detect;

class TestEventJson : public QObject {
    Q_OBJECT

private slots:
    void formsOfInput() {
        QCOMPARE(parseJsonEvents(R"({"Image": "/usr/bin/id"})")->size(), std::size_t{1});
        QCOMPARE(parseJsonEvents(R"([{"Image": "a"}, {"Image": "b"}])")->size(), std::size_t{2});
        QCOMPARE(parseJsonEvents("{\"Image\": \"a\"}\n\n{\"Image\": \"b\"}\n")->size(),
                 std::size_t{2});
        auto bad = parseJsonEvents("{\"Image\": \"a\"}\n{not json}\n");
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message.find("line 2") != std::string::npos);
        QVERIFY(!parseJsonEvents("[1, 2]").ok());
    }

    void nestedObjectsAreFlattened() {
        auto events = parseJsonEvents(
            R"({"Event": {"System": {"EventID": 4688}, "EventData": {"CommandLine": "whoami /all", "Tags": ["a", "b"], "Empty": null}}})");
        QVERIFY(events.ok());
        const Event& event = events->front();
        QCOMPARE(*event.get("CommandLine"), std::string("whoami /all"));
        QCOMPARE(*event.get("Event.EventData.CommandLine"), std::string("whoami /all"));
        QCOMPARE(*event.get("EventID"), std::string("4688"));
        QCOMPARE(*event.get("Tags"), std::string("a\nb"));
        QVERIFY(!event.has("Empty"));
        QVERIFY(event.category.empty() && event.product.empty());
    }

    void logsourceIsTakenWhenStated() {
        auto events = parseJsonEvents(
            R"({"logsource": {"category": "process_creation", "product": "linux"}, "Image": "/usr/bin/id"})");
        QCOMPARE(events->front().category, std::string("process_creation"));
        QCOMPARE(events->front().product, std::string("linux"));
        QVERIFY(!events->front().has("logsource"));
    }

    void ctlRulesTestPrintsMatches() {
        QTemporaryDir dir;
        QFile events(dir.filePath("events.ndjson"));
        QVERIFY(events.open(QIODevice::WriteOnly));
        events.write(
            R"({"logsource": {"category": "process_creation", "product": "linux"}, "Image": "/usr/bin/id", "CommandLine": "id"})"
            "\n"
            R"({"logsource": {"category": "process_creation", "product": "windows"}, "Image": "/usr/bin/id"})"
            "\n");
        events.close();
        const QString rule =
            QStringLiteral(YAGURA_SHARED_DATA_DIR) +
            "/sigma/rules/linux/process_creation/proc_creation_lnx_local_account.yml";
        QProcess ctl;
        ctl.start(QStringLiteral(YAGURA_CTL_BIN),
                  {"rules", "test", rule, "--events", events.fileName(), "--json"});
        QVERIFY(ctl.waitForFinished(30000));
        QCOMPARE(ctl.exitCode(), 0);
        const QByteArray out = ctl.readAllStandardOutput();
        QVERIFY(out.contains("b45e3d6f-42c6-47d8-a478-df6bd6cf534c"));
        // The second event states a Windows log source: the Linux rule does not apply to it.
        QVERIFY(out.contains("\"event\": 1"));
        QVERIFY(!out.contains("\"event\": 2"));
        QProcess bad;
        bad.start(QStringLiteral(YAGURA_CTL_BIN),
                  {"rules", "test", rule, "--events", "/nonexistent"});
        QVERIFY(bad.waitForFinished(30000));
        QVERIFY(bad.exitCode() != 0);
        QCOMPARE(bad.readAllStandardError().trimmed().count('\n'), 0);
    }
};

QTEST_GUILESS_MAIN(TestEventJson)
#include "TestEventJson.moc"
