// Response from the console, as a person does it, offscreen against a real in-process server:
// isolate an asset (the dialog shows what stays allowed and asks for a reason), see the command
// in the asset's history and on the Response page, live; kill from an alert; the commands model
// under QAbstractItemModelTester.

#include "AlertsModel.h"
#include "AlertsView.h"
#include "AssetsView.h"
#include "CommandsModel.h"
#include "ConsoleTestSupport.h"
#include "ResponseDialog.h"
#include "ResponseView.h"
#include "agent/AgentSession.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>

using namespace yagura;
using namespace yagura::console;
using namespace yagura::testing;

namespace {
// The response dialog once it is open (opened asynchronously by a click).
ResponseDialog* openDialog(QWidget* parent) {
    ResponseDialog* dialog = nullptr;
    const bool shown = QTest::qWaitFor(
        [&] {
            dialog = parent->findChild<ResponseDialog*>();
            return dialog && dialog->isVisible();
        },
        5000);
    return shown ? dialog : nullptr;
}

int rowWithState(CommandsModel* model, const QString& state) {
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->index(row, 0).data(CommandsModel::StateRole).toString() == state)
            return row;
    return -1;
}
} // namespace

class TestResponseView : public QObject {
    Q_OBJECT

private slots:
    void isolateAnAssetFromItsPage() {
        TestSite site;
        net::Context context;
        auto [agentId, keys] = site.enrolKeys(context, "hmi-line-3");
        ServerConnection connection;
        QVERIFY(logIn(connection, site));

        AssetsView assets(&connection);
        assets.resize(1200, 800);
        assets.show();
        assets.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(assets.model()->rowCount(), 1, 5000);
        assets.table()->selectRow(0);
        AssetDetailPane* detail = assets.detail();
        QTRY_VERIFY_WITH_TIMEOUT(detail->isolateButton()->isVisible(), 5000);
        QAbstractItemModelTester tester(detail->commands()->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);

        QTest::mouseClick(detail->isolateButton(), Qt::LeftButton);
        ResponseDialog* dialog = openDialog(detail);
        QVERIFY(dialog);
        // The preview says what stays allowed before anything is done.
        QTRY_VERIFY_WITH_TIMEOUT(
            dialog->previewText()->toPlainText().contains(QStringLiteral("site server")), 5000);
        QVERIFY(dialog->previewText()->toPlainText().contains(QStringLiteral("Blocked")));
        QVERIFY(dialog->previewText()->toPlainText().contains(
            QStringLiteral("table inet yagura_isolation")));
        QPushButton* ok = dialog->buttons()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled()); // no reason yet
        QTest::keyClicks(dialog->reasonEdit(), QStringLiteral("beaconing to 203.0.113.9"));
        QTRY_VERIFY_WITH_TIMEOUT(ok->isEnabled(), 2000);
        QTest::mouseClick(ok, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->isVisible(), 5000);

        // The agent is offline: the command waits, in the asset's history.
        CommandsModel* history = detail->commands()->model();
        QTRY_COMPARE_WITH_TIMEOUT(history->rowCount(), 1, 5000);
        QCOMPARE(history->index(0, CommandsModel::StateColumn).data().toString(),
                 CommandsModel::stateText(QStringLiteral("queued")));
        QCOMPARE(history->index(0, CommandsModel::ReasonColumn).data().toString(),
                 QStringLiteral("beaconing to 203.0.113.9"));

        // The Response page lists it too, and follows its status live.
        ResponseView response(&connection);
        response.show();
        response.refresh();
        QAbstractItemModelTester all(response.commands()->model(),
                                     QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_COMPARE_WITH_TIMEOUT(response.commands()->model()->rowCount(), 1, 5000);
        // The agent connects: the command is delivered and the row moves on without a refresh.
        QTemporaryDir state;
        agent::SessionConfig config;
        config.endpoints = site.endpoints().agent;
        config.serverKey = site.serverKey();
        config.keys = &keys;
        config.agentVersion = "test";
        config.inventoryInterval = std::chrono::hours{24};
        agent::AgentSession session(
            context, config, site.clock(), [] { return proto::Inventory{}; }, {},
            [](const proto::InventorySnapshot&) { return success(); });
        QTRY_VERIFY_WITH_TIMEOUT(
            ((void)session.stepNonBlocking(),
             rowWithState(response.commands()->model(), QStringLiteral("delivered")) == 0),
            10000);
        QTRY_COMPARE_WITH_TIMEOUT(history->index(0, CommandsModel::StateColumn).data().toString(),
                                  CommandsModel::stateText(QStringLiteral("delivered")), 5000);
        (void)agentId;
    }

    void theIsolatedBadgeFollowsTheAgent() {
        TestSite site;
        net::Context context;
        auto [agentId, keys] = site.enrolKeys(context, "plc-gateway");
        // An alert on the host, for the Alerts view.
        proto::EventBatch batch;
        auto* alert = batch.add_events();
        alert->set_seq(1);
        alert->set_time_unix_ms(static_cast<std::uint64_t>(site.clock().nowUnixMillis()));
        alert->set_category("alert");
        alert->set_rank(proto::RANK_ALERT);
        for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
                 {"RuleId", "11111111-2222-3333-4444-555555555555"},
                 {"RuleTitle", "Test"},
                 {"RuleLevel", "high"},
                 {"Image", "/usr/bin/nc"}}) {
            auto* field = alert->add_fields();
            field->set_name(name);
            field->set_value(value);
        }
        RawPeer peer(context, site.serverKey(), site.endpoints().agent.front(), {}, keys);
        (void)peer.request(protocol::pack(proto::EVENT_BATCH, 1, batch));

        ServerConnection connection;
        QVERIFY(logIn(connection, site));
        AlertsView alerts(&connection);
        alerts.show();
        alerts.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(alerts.model()->rowCount(), 1, 5000);
        const auto hostCell = [&] {
            return alerts.model()->index(0, AlertsModel::HostColumn).data().toString();
        };
        QCOMPARE(hostCell(), QStringLiteral("plc-gateway"));
        AssetsView assets(&connection);
        assets.show();
        assets.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(assets.model()->rowCount(), 1, 5000);

        // The agent reports its isolation in force (its heartbeat): the badge appears live.
        proto::Heartbeat heartbeat;
        heartbeat.set_isolated(true);
        (void)peer.request(protocol::pack(proto::HEARTBEAT, 2, heartbeat));
        QTRY_COMPARE_WITH_TIMEOUT(hostCell(), QStringLiteral("plc-gateway · isolated"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(assets.model()
                                     ->index(0, AssetsModel::StatusColumn)
                                     .data()
                                     .toString()
                                     .endsWith(QStringLiteral("· isolated")),
                                 5000);
        // Released: gone again.
        heartbeat.set_isolated(false);
        (void)peer.request(protocol::pack(proto::HEARTBEAT, 3, heartbeat));
        QTRY_COMPARE_WITH_TIMEOUT(hostCell(), QStringLiteral("plc-gateway"), 5000);
        (void)agentId;
    }

    void anAuditorSeesNoResponseButtons() {
        TestSite site;
        net::Context context;
        auto [agentId, keys] = site.enrolKeys(context, "historian");
        site.addUser("watcher", server::Role::Auditor);
        ServerConnection connection;
        QVERIFY(
            logIn(connection, site, QStringLiteral("watcher"), QStringLiteral("password-watcher")));
        AssetsView assets(&connection);
        assets.show();
        assets.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(assets.model()->rowCount(), 1, 5000);
        assets.table()->selectRow(0);
        // The detail has loaded (its history is there) and offers no response action.
        QTRY_VERIFY_WITH_TIMEOUT(assets.detail()->findChild<QTabWidget*>()->isVisible(), 5000);
        QVERIFY(!assets.detail()->isolateButton()->isVisible());
        (void)agentId;
        (void)keys;
    }
};

QTEST_MAIN(TestResponseView)
#include "TestResponseView.moc"
