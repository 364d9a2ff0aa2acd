// The dashboard against a real in-process server, through a real ServerConnection: the numbers
// are the server's, a chart with nothing to show is replaced by words, and a lost server leaves
// the last good numbers on screen.

#include "DashboardView.h"
#include "ServerConnection.h"
#include "StatusStyle.h"
#include "TestSite.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QPieSeries>
#include <QPieSlice>
#include <QSignalSpy>
#include <QtTest>

using namespace yagura;
using namespace yagura::testing;

namespace {

// Enrols an agent over the real enrolment endpoint (pending unless the token auto-accepts);
// returns its id, 0 on failure.
std::uint64_t enrol(TestSite& site, net::Context& context, bool autoAccept,
                    const std::string& hostname, const std::string& os = {}) {
    const auto token =
        *crypto::decodeEnrolmentToken(site.createToken(autoAccept), SystemClock::instance());
    RawPeer peer(context, site.serverKey(), site.endpoints().enrol.front());
    proto::Enrol request;
    request.set_token_id(token.token_id());
    request.set_token_secret(token.secret());
    request.set_hostname(hostname);
    request.set_os_pretty_name(os);
    auto envelope = protocol::unpack(peer.request(protocol::pack(proto::ENROL, 1, request)));
    if (!envelope.ok())
        return 0;
    proto::EnrolResult result;
    if (!result.ParseFromString(envelope->payload()) || !result.ok())
        return 0;
    return result.agent_id();
}

// Logs `connection` in as the site's first admin, the way the login dialog does.
void login(TestSite& site, console::ServerConnection& connection) {
    QObject context;
    bool done = false;
    console::CallResult outcome;
    connection.login({QString::fromStdString(site.endpoints().operatorApi.front()),
                      QString::fromStdString(site.serverKey().z85())},
                     QStringLiteral("admin"), QString::fromUtf8(kAdminPassword), &context,
                     [&](const console::CallResult& result) {
                         outcome = result;
                         done = true;
                     });
    QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
    QVERIFY2(outcome.ok(), qPrintable(outcome.error));
    QVERIFY(connection.isLoggedIn());
}

// Shows the view at the size the console is designed for and waits for its first answer.
void showAndRefresh(console::DashboardView& view) {
    view.resize(1280, 800);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy refreshed(&view, &console::DashboardView::refreshed);
    view.refresh();
    QVERIFY(refreshed.wait(10000));
}

// Refreshes after a change on the server. Only the answer to the newest request is shown, so the
// first `refreshed` after this call reflects the server as it is now.
void refreshAgain(console::DashboardView& view) {
    QSignalSpy refreshed(&view, &console::DashboardView::refreshed);
    view.refresh();
    QVERIFY(refreshed.wait(10000));
}

QString tileText(const QWidget& view, const char* name) {
    const auto* label = view.findChild<QLabel*>(QLatin1String(name));
    return label ? label->text() : QStringLiteral("<no tile %1>").arg(QLatin1String(name));
}

QLabel* emptyLabel(const QWidget& view, const char* chart) {
    for (auto* label : view.findChildren<QLabel*>(QStringLiteral("dashboardEmpty")))
        if (label->property("chart").toString() == QLatin1String(chart))
            return label;
    return nullptr;
}

QChartView* chartView(const QWidget& view, const char* name) {
    return view.findChild<QChartView*>(QLatin1String(name));
}

template <typename Series> Series* onlySeries(QChartView* view) {
    if (!view || view->chart()->series().size() != 1)
        return nullptr;
    return qobject_cast<Series*>(view->chart()->series().front());
}

} // namespace

class TestDashboardView : public QObject {
    Q_OBJECT

private slots:
    void countsComeFromTheServer() {
        TestSite site;
        net::Context context;
        console::ServerConnection connection;
        login(site, connection);
        if (QTest::currentTestFailed())
            return;
        console::DashboardView view(&connection);
        QCOMPARE(view.tileValue(QStringLiteral("tileTotal")), -1); // nothing invented before
        showAndRefresh(view);
        if (QTest::currentTestFailed())
            return;

        // An empty site: every tile reads 0 and neither state nor OS chart is drawn.
        for (const char* tile : {"tileTotal", "tileOnline", "tileOffline", "tilePending",
                                 "tileRevoked", "tileRejected"}) {
            QCOMPARE(tileText(view, tile), QStringLiteral("0"));
            QCOMPARE(view.tileValue(QLatin1String(tile)), 0);
        }
        QLabel* stateEmpty = emptyLabel(view, "state");
        QLabel* osEmpty = emptyLabel(view, "os");
        QVERIFY(stateEmpty && osEmpty);
        QVERIFY(stateEmpty->isVisible());
        QCOMPARE(stateEmpty->text(), QStringLiteral("No agents are enrolled yet."));
        QVERIFY(osEmpty->isVisible());
        QVERIFY(!chartView(view, "stateChart")->isVisible());
        QVERIFY(!chartView(view, "osChart")->isVisible());
        // Zero check-ins are measurements: that chart is drawn, one bar per hour.
        QVERIFY(chartView(view, "checkinChart")->isVisible());
        auto* checkins = onlySeries<QBarSeries>(chartView(view, "checkinChart"));
        QVERIFY(checkins);
        QCOMPARE(checkins->barSets().size(), 1);
        QCOMPARE(checkins->barSets().front()->count(), 24);
        QVERIFY(!view.findChild<QLabel*>(QStringLiteral("dashboardError"))->isVisible());

        // Two agents waiting for approval.
        QVERIFY(enrol(site, context, false, "pending-1") > 0);
        QVERIFY(enrol(site, context, false, "pending-2") > 0);
        refreshAgain(view);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(tileText(view, "tilePending"), QStringLiteral("2"));
        QCOMPARE(tileText(view, "tileTotal"), QStringLiteral("2"));
        QCOMPARE(tileText(view, "tileOnline"), QStringLiteral("0"));
        QVERIFY(chartView(view, "stateChart")->isVisible());
        QVERIFY(!stateEmpty->isVisible());
        auto* states = onlySeries<QPieSeries>(chartView(view, "stateChart"));
        QVERIFY(states);
        QCOMPARE(states->count(), 1); // one slice per non-zero state
        QCOMPARE(states->slices().front()->value(), 2.0);
        QCOMPARE(states->slices().front()->color(),
                 console::statusColor(console::AgentStatus::Pending));
        QVERIFY(states->slices().front()->label().contains(QLatin1String("2")));
        // Pending agents are not counted by operating system.
        QVERIFY(osEmpty->isVisible());
    }

    void acceptedAgentsAreCountedByOperatingSystem() {
        TestSite site;
        net::Context context;
        QVERIFY(enrol(site, context, true, "plc-gw-1", "Debian GNU/Linux 12 (bookworm)") > 0);
        QVERIFY(enrol(site, context, true, "plc-gw-2", "Debian GNU/Linux 12 (bookworm)") > 0);
        QVERIFY(enrol(site, context, true, "hmi-1", "Windows 10 IoT Enterprise") > 0);
        console::ServerConnection connection;
        login(site, connection);
        if (QTest::currentTestFailed())
            return;
        console::DashboardView view(&connection);
        showAndRefresh(view);
        if (QTest::currentTestFailed())
            return;

        QCOMPARE(tileText(view, "tileTotal"), QStringLiteral("3"));
        // Enrolled but never heard from since: accepted and offline.
        QCOMPARE(view.tileValue(QStringLiteral("tileOnline")) +
                     view.tileValue(QStringLiteral("tileOffline")),
                 3);
        QVERIFY(chartView(view, "osChart")->isVisible());
        QVERIFY(!emptyLabel(view, "os")->isVisible());
        auto* byOs = onlySeries<QHorizontalBarSeries>(chartView(view, "osChart"));
        QVERIFY(byOs);
        QCOMPARE(byOs->barSets().front()->count(), 2);
        // Horizontal bars are drawn bottom up: the most common system is the last category.
        QBarSet* counts = byOs->barSets().front();
        QCOMPARE(counts->at(counts->count() - 1), 2.0);
        QCOMPARE(counts->at(0), 1.0);
        auto* categories = qobject_cast<QBarCategoryAxis*>(
            chartView(view, "osChart")->chart()->axes(Qt::Vertical).value(0));
        QVERIFY(categories);
        QCOMPARE(categories->count(), 2);
        QVERIFY(categories->at(1).startsWith(QLatin1String("Debian GNU/Linux 12")));
    }

    void aLostServerKeepsTheLastGoodNumbers() {
        TestSite site;
        net::Context context;
        QVERIFY(enrol(site, context, false, "pending-1") > 0);
        console::ServerConnection connection;
        login(site, connection);
        if (QTest::currentTestFailed())
            return;
        console::DashboardView view(&connection);
        showAndRefresh(view);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(tileText(view, "tilePending"), QStringLiteral("1"));

        site.stop();
        QSignalSpy refreshed(&view, &console::DashboardView::refreshed);
        view.refresh();
        auto* error = view.findChild<QLabel*>(QStringLiteral("dashboardError"));
        QVERIFY(error);
        // The client gives up after its own timeout (8 s).
        QTRY_VERIFY_WITH_TIMEOUT(error->isVisible(), 20000);
        QVERIFY(!error->text().isEmpty());
        QCOMPARE(refreshed.count(), 0);
        QCOMPARE(tileText(view, "tilePending"), QStringLiteral("1"));
        QCOMPARE(tileText(view, "tileTotal"), QStringLiteral("1"));
        QVERIFY(chartView(view, "stateChart")->isVisible());
    }
};

QTEST_MAIN(TestDashboardView)
#include "TestDashboardView.moc"
