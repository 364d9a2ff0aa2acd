// The alerts view against a real in-process server fed by a raw agent: the model under
// QAbstractItemModelTester, new alerts appearing live at the top, the detail with the process
// storyline, and triage (one and many alerts) as an analyst does it; an auditor only looks.

#include "AlertsView.h"
#include "ConsoleTestSupport.h"
#include "MainWindow.h"

#include "crypto/PasswordHash.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTreeWidget>
#include <QtTest>

#include <functional>
#include <memory>

using namespace yagura;
using namespace yagura::console;
using namespace yagura::testing;

namespace {
// An enrolled agent that reports detection alerts, as the real agent's detector does.
class AlertingAgent {
public:
    AlertingAgent(TestSite& site, net::Context& context, const std::string& hostname) {
        const auto token =
            *crypto::decodeEnrolmentToken(site.createToken(true), SystemClock::instance());
        RawPeer enrolling(context, site.serverKey(), site.endpoints().enrol.front());
        proto::Enrol enrol;
        enrol.set_token_id(token.token_id());
        enrol.set_token_secret(token.secret());
        enrol.set_hostname(hostname);
        (void)enrolling.request(protocol::pack(proto::ENROL, 1, enrol));
        m_peer =
            std::make_unique<RawPeer>(context, site.serverKey(), site.endpoints().agent.front(),
                                      std::string{}, enrolling.keys());
    }

    bool sendAlert(const std::string& ruleId, const std::string& title, const std::string& level) {
        proto::EventBatch batch;
        auto* event = batch.add_events();
        event->set_seq(++m_seq);
        event->set_time_unix_ms(1'800'000'000'000 + m_seq);
        event->set_category("alert");
        event->set_rank(proto::RANK_ALERT);
        for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
                 {"RuleId", ruleId},
                 {"RuleTitle", title},
                 {"RuleLevel", level},
                 {"RuleTags", "attack.execution,attack.t1059.004"},
                 {"EventCategory", "process_creation"},
                 {"Image", "/usr/bin/id"},
                 {"CommandLine", "id -u"},
                 {"CurrentDirectory", "/tmp"},
                 {"User", "root"},
                 {"ProcessId", "200"},
                 {"ParentProcessId", "100"},
                 {"ParentImage", "/usr/bin/bash"},
                 {"ParentCommandLine", "bash"},
                 {"ProcessAncestry", "100 /usr/bin/bash bash\n1 /sbin/init init\n"}}) {
            auto* field = event->add_fields();
            field->set_name(name);
            field->set_value(value);
        }
        auto reply =
            protocol::unpack(m_peer->request(protocol::pack(proto::EVENT_BATCH, m_seq, batch)));
        proto::Ack ack;
        return reply.ok() && ack.ParseFromString(reply->payload()) && ack.status() == proto::ACK_OK;
    }

private:
    std::unique_ptr<RawPeer> m_peer;
    std::uint64_t m_seq = 0;
};

// Answers the next modal input dialog with `text` as soon as it opens.
void answerNextInputDialog(const QString& text) {
    auto attempt = std::make_shared<std::function<void()>>();
    *attempt = [text, attempt] {
        if (auto* dialog = qobject_cast<QInputDialog*>(QApplication::activeModalWidget())) {
            dialog->setTextValue(text);
            dialog->accept();
            return;
        }
        QTimer::singleShot(20, *attempt);
    };
    QTimer::singleShot(0, *attempt);
}

int rowOfRule(const AlertsModel* model, const QString& title) {
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->index(row, AlertsModel::RuleColumn).data().toString() == title)
            return row;
    return -1;
}

QString statusAt(const AlertsModel* model, int row) {
    return model->index(row, AlertsModel::StatusColumn).data(AlertsModel::StatusRole).toString();
}
} // namespace

class TestAlertsView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("YaguraTest"));
        QCoreApplication::setApplicationName(QStringLiteral("AlertsView"));
    }

    void theModelPagesUnderTheTester() {
        TestSite site;
        net::Context context;
        AlertingAgent agent(site, context, "web-01");
        QVERIFY(agent.sendAlert("rule-a", "First rule", "high"));
        QVERIFY(agent.sendAlert("rule-b", "Second rule", "critical"));
        QVERIFY(agent.sendAlert("rule-c", "Third rule", "low"));
        ServerConnection connection;
        QVERIFY(logIn(connection, site));

        AlertsModel model(&connection);
        model.setPageSize(2);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(QTest::qWaitFor(
            [&] {
                if (model.canFetchMore({}))
                    model.fetchMore({});
                return model.rowCount() == 3;
            },
            20000));
        QVERIFY(!model.canFetchMore({}));
        QCOMPARE(model.totalOnServer(), 3);
        QCOMPARE(model.columnCount(), static_cast<int>(AlertsModel::ColumnCount));
        // Newest first.
        QCOMPARE(model.index(0, AlertsModel::RuleColumn).data().toString(),
                 QStringLiteral("Third rule"));
        QCOMPARE(model.index(0, AlertsModel::LevelColumn).data(AlertsModel::LevelRole).toString(),
                 QStringLiteral("low"));
        QCOMPARE(model.index(0, AlertsModel::LevelColumn).data().toString(),
                 AlertsModel::levelText(QStringLiteral("low")));
        QVERIFY(
            model.index(0, AlertsModel::LevelColumn).data(Qt::DecorationRole).canConvert<QIcon>());
        QCOMPARE(model.index(0, AlertsModel::HostColumn).data().toString(),
                 QStringLiteral("web-01"));
        QCOMPARE(model.index(0, AlertsModel::ImageColumn).data().toString(),
                 QStringLiteral("/usr/bin/id"));
        QCOMPARE(statusAt(&model, 0), QStringLiteral("new"));
        QCOMPARE(model.index(2, AlertsModel::RuleColumn).data().toString(),
                 QStringLiteral("First rule"));
        const auto id = model.index(1, 0).data(AlertsModel::AlertIdRole).value<quint64>();
        QCOMPARE(model.rowOfAlert(id), 1);
        QCOMPARE(model.alertAt(1)->id(), id);
        QVERIFY(!model.alertAt(3));

        // Filtering happens on the server: nothing is resolved yet.
        model.setStatusFilter({QStringLiteral("resolved")});
        QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), 10000);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.totalOnServer(), 0);
        QVERIFY(!model.canFetchMore({}));
    }

    void newAlertsAppearLiveAtTheTop() {
        TestSite site;
        net::Context context;
        AlertingAgent agent(site, context, "web-01");
        QVERIFY(agent.sendAlert("rule-a", "First rule", "high"));
        ServerConnection connection;
        QVERIFY(logIn(connection, site));
        AlertsView view(&connection);
        view.show();
        view.refresh();
        AlertsModel* model = view.model();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 10000);
        QAbstractItemModelTester tester(model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);

        QVERIFY(agent.sendAlert("rule-b", "Second rule", "critical"));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 10000);
        QCOMPARE(model->index(0, AlertsModel::RuleColumn).data().toString(),
                 QStringLiteral("Second rule"));
        QCOMPARE(model->totalOnServer(), 2);

        // The same rule on the same host fires again: grouped, the row changes in place.
        QVERIFY(agent.sendAlert("rule-b", "Second rule", "critical"));
        QTRY_COMPARE_WITH_TIMEOUT(model->index(0, AlertsModel::CountColumn).data().toString(),
                                  QLocale().toString(2), 10000);
        QCOMPARE(model->rowCount(), 2);
    }

    void detailShowsTheStorylineAndTriageWorks() {
        TestSite site;
        net::Context context;
        AlertingAgent agent(site, context, "web-01");
        QVERIFY(agent.sendAlert("rule-a", "First rule", "high"));
        QVERIFY(agent.sendAlert("rule-b", "Second rule", "critical"));
        ServerConnection connection;
        QVERIFY(logIn(connection, site));
        AlertsView view(&connection);
        view.show();
        view.refresh();
        AlertsModel* model = view.model();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 10000);
        auto* filter = view.findChild<QComboBox*>(QStringLiteral("alertStatusFilter"));
        QVERIFY(filter);
        QCOMPARE(filter->currentIndex(), 0);
        QCOMPARE(model->statusFilter(), AlertsModel::openStatuses());

        QSignalSpy loaded(&view, &AlertsView::alertLoaded);
        QSignalSpy updated(&view, &AlertsView::alertUpdated);
        const int row = rowOfRule(model, QStringLiteral("First rule"));
        QCOMPARE(row, 1);
        const auto id = model->index(row, 0).data(AlertsModel::AlertIdRole).value<quint64>();
        view.table()->selectRow(row);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        QCOMPARE(loaded.first().first().value<quint64>(), id);

        // The storyline: init → bash → the process that fired the rule.
        auto* storyline = view.findChild<QTreeWidget*>(QStringLiteral("alertStoryline"));
        QVERIFY(storyline);
        QCOMPARE(storyline->topLevelItemCount(), 1);
        int depth = 0;
        QTreeWidgetItem* deepest = nullptr;
        for (QTreeWidgetItem* item = storyline->topLevelItem(0); item;
             item = item->childCount() > 0 ? item->child(0) : nullptr) {
            ++depth;
            deepest = item;
        }
        QCOMPARE(depth, 3);
        QVERIFY(storyline->topLevelItem(0)->text(0).contains(QStringLiteral("/sbin/init")));
        QVERIFY(storyline->topLevelItem(0)->child(0)->text(0).contains(QStringLiteral("(100)")));
        QVERIFY(deepest->text(0).contains(QStringLiteral("/usr/bin/id")));
        QVERIFY(deepest->text(0).contains(QStringLiteral("id -u")));
        QVERIFY(deepest->text(0).contains(QStringLiteral("(200)")));

        auto* eventTable = view.findChild<QTableWidget*>(QStringLiteral("alertEventTable"));
        QVERIFY(eventTable);
        bool sawCommandLine = false;
        for (int r = 0; r < eventTable->rowCount(); ++r)
            sawCommandLine |= eventTable->item(r, 1)->text() == QStringLiteral("id -u");
        QVERIFY(sawCommandLine);
        QVERIFY(view.findChild<QLabel*>(QStringLiteral("alertTags"))
                    ->text()
                    .contains(QStringLiteral("attack.t1059.004")));
        auto* history = view.findChild<QListWidget*>(QStringLiteral("alertHistory"));
        QVERIFY(history);
        QCOMPARE(history->count(), 0);

        // Acknowledge it.
        auto* ack = view.findChild<QPushButton*>(QStringLiteral("ackButton"));
        auto* start = view.findChild<QPushButton*>(QStringLiteral("startButton"));
        auto* resolve = view.findChild<QPushButton*>(QStringLiteral("resolveButton"));
        QVERIFY(ack && start && resolve);
        QVERIFY(ack->isVisible());
        QVERIFY(ack->isEnabled());
        QTest::mouseClick(ack, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(updated.count(), 1, 10000);
        QCOMPARE(statusAt(model, row), QStringLiteral("acknowledged"));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 10000); // the detail is fetched again
        QCOMPARE(history->count(), 1);
        QVERIFY(!ack->isEnabled()); // forward only

        // Both selected: acknowledging is not valid for both, starting work is.
        view.table()->selectAll();
        QVERIFY(!ack->isEnabled());
        QVERIFY(start->isEnabled());
        QTest::mouseClick(start, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(updated.count(), 3, 10000);
        QCOMPARE(statusAt(model, 0), QStringLiteral("in_progress"));
        QCOMPARE(statusAt(model, 1), QStringLiteral("in_progress"));

        // Resolving needs a reason: without one nothing happens.
        view.table()->selectRow(row);
        QVERIFY(resolve->isEnabled());
        answerNextInputDialog(QString());
        QTest::mouseClick(resolve, Qt::LeftButton);
        QCOMPARE(updated.count(), 3);
        QCOMPARE(statusAt(model, row), QStringLiteral("in_progress"));
        answerNextInputDialog(QStringLiteral("test binary, expected"));
        QTest::mouseClick(resolve, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(updated.count(), 4, 10000);
        QCOMPARE(updated.last().first().value<quint64>(), id);
        QCOMPARE(statusAt(model, row), QStringLiteral("resolved"));
        QVERIFY(view.findChild<QLabel*>(QStringLiteral("alertsError"))->text().isEmpty());

        // Resolved alerts are not open: gone from the default filter, there under All.
        model->reload();
        QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading(), 10000);
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->index(0, AlertsModel::RuleColumn).data().toString(),
                 QStringLiteral("Second rule"));
        filter->setCurrentIndex(1);
        QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading(), 10000);
        QCOMPARE(model->rowCount(), 2);
    }

    void anAuditorOnlyLooks() {
        TestSite site;
        {
            auto store = site.openStore();
            auto hash =
                crypto::hashPassword("auditor-password", crypto::ScryptParameters{10, 8, 1});
            QVERIFY(store.insertUser({"auditor1", server::Role::Auditor, *hash, false, 0, 0}).ok());
        }
        net::Context context;
        AlertingAgent agent(site, context, "web-01");
        QVERIFY(agent.sendAlert("rule-a", "First rule", "high"));
        ServerConnection connection;
        QVERIFY(logIn(connection, site, QStringLiteral("auditor1"),
                      QStringLiteral("auditor-password")));
        MainWindow window(&connection);
        window.show();
        window.showPage(MainWindow::Page::Alerts);
        AlertsView* view = window.alertsView();
        QVERIFY(view);
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 1, 10000);
        QSignalSpy loaded(view, &AlertsView::alertLoaded);
        view->table()->selectRow(0);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        QCOMPARE(
            view->findChild<QTreeWidget*>(QStringLiteral("alertStoryline"))->topLevelItemCount(),
            1);
        for (const char* name :
             {"ackButton", "startButton", "resolveButton", "falsePositiveButton", "assignMeButton"})
            QVERIFY(!view->findChild<QPushButton*>(QLatin1String(name))->isVisible());
    }
};

QTEST_MAIN(TestAlertsView)
#include "TestAlertsView.moc"
