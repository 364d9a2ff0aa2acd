// The assets model under QAbstractItemModelTester: paging with fetchMore, server-side sort,
// search and state filters, and live updates pushed by a real server.

#include "AssetsModel.h"
#include "ConsoleTestSupport.h"
#include "StatusStyle.h"

#include "client/OperatorClient.h"

#include <QAbstractItemModelTester>
#include <QtTest>

using namespace yagura;
using namespace yagura::console;
using namespace yagura::testing;

class TestAssetsModel : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TestSite> m_site;
    std::unique_ptr<net::Context> m_context;
    std::unique_ptr<ServerConnection> m_connection;
    static constexpr int kAgents = 120;

private slots:
    void initTestCase() {
        m_site = std::make_unique<TestSite>(16 << 20, 1000);
        m_context = std::make_unique<net::Context>();
        for (int i = 0; i < kAgents; ++i) {
            const auto name = QStringLiteral("host-%1").arg(i, 3, 10, QLatin1Char('0'));
            QVERIFY(m_site->enrolAgent(*m_context, i % 4 != 0, name.toStdString()) > 0);
        }
        m_connection = std::make_unique<ServerConnection>();
        QVERIFY(logIn(*m_connection, *m_site));
    }

    void cleanupTestCase() {
        m_connection.reset();
        m_site.reset();
    }

    void pagesArriveWithFetchMore() {
        // Without a tester first: it would fetch every page itself, as an eager view does.
        AssetsModel model(m_connection.get());
        model.setPageSize(50);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QVERIFY(!model.canFetchMore({})); // one request in flight at a time
        QTRY_COMPARE(model.rowCount(), 50);
        QCOMPARE(model.totalOnServer(), kAgents);
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QTRY_COMPARE(model.rowCount(), 100);
        model.fetchMore({});
        QTRY_COMPARE(model.rowCount(), kAgents);
        QVERIFY(!model.canFetchMore({}));
        QCOMPARE(model.columnCount(), static_cast<int>(AssetsModel::ColumnCount));
        QCOMPARE(model.index(0, AssetsModel::HostnameColumn).data().toString(),
                 QStringLiteral("host-000"));
    }

    void fetchingEverythingUnderTheTester() {
        AssetsModel model(m_connection.get());
        model.setPageSize(50);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(QTest::qWaitFor(
            [&] {
                if (model.canFetchMore({}))
                    model.fetchMore({});
                return model.rowCount() == kAgents;
            },
            20000));
        QVERIFY(!model.canFetchMore({}));
    }

    void sortingHappensOnTheServer() {
        AssetsModel model(m_connection.get());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPageSize(10);
        model.sort(AssetsModel::HostnameColumn, Qt::DescendingOrder);
        QTRY_COMPARE(model.rowCount(), 10);
        QCOMPARE(model.index(0, AssetsModel::HostnameColumn).data().toString(),
                 QStringLiteral("host-119"));
        model.sort(AssetsModel::HostnameColumn, Qt::AscendingOrder);
        QTRY_COMPARE(model.index(0, AssetsModel::HostnameColumn).data().toString(),
                     QStringLiteral("host-000"));
    }

    void searchAndStateFilters() {
        AssetsModel model(m_connection.get());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSearchText(QStringLiteral("host-007"));
        QTRY_COMPARE(model.totalOnServer(), 1);
        QCOMPARE(model.rowCount(), 1);
        model.setSearchText(QString());
        model.setStateFilter({QStringLiteral("pending")});
        QTRY_COMPARE(model.totalOnServer(), kAgents / 4);
        for (int row = 0; row < model.rowCount(); ++row)
            QCOMPARE(model.index(row, 0).data(AssetsModel::StateRole).toString(),
                     QStringLiteral("pending"));
        // Pending rows stand out.
        QVERIFY(model.index(0, 0).data(Qt::FontRole).value<QFont>().bold());
        QCOMPARE(model.index(0, AssetsModel::StatusColumn).data(Qt::ForegroundRole).value<QColor>(),
                 statusColor(AgentStatus::Pending));
    }

    void liveUpdatesChangeRowsInPlace() {
        AssetsModel model(m_connection.get());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStateFilter({QStringLiteral("pending")});
        QTRY_VERIFY(model.rowCount() > 0);
        const quint64 id = model.index(0, 0).data(AssetsModel::AgentIdRole).value<quint64>();
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        auto admin = std::move(client::OperatorClient::create(
                                   {m_site->endpoints().operatorApi.front(), m_site->serverKey()}))
                         .value();
        QVERIFY(admin->login("admin", kAdminPassword).ok());
        proto::OperatorRequest accept;
        accept.mutable_agent_action()->set_agent_id(id);
        accept.mutable_agent_action()->set_action(proto::ACCEPT);
        QVERIFY(admin->call(accept).ok());

        QTRY_VERIFY_WITH_TIMEOUT(changed.count() > 0, 10000);
        const int row = model.rowOfAgent(id);
        QVERIFY(row >= 0);
        QCOMPARE(model.index(row, 0).data(AssetsModel::StateRole).toString(),
                 QStringLiteral("accepted"));
        QCOMPARE(model.index(row, AssetsModel::StatusColumn).data().toString(),
                 statusText(AgentStatus::Offline));
    }

    void newAgentsAppearWhenEverythingIsLoaded() {
        AssetsModel model(m_connection.get());
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPageSize(1000);
        model.reload();
        QTRY_VERIFY(model.rowCount() > 0 && model.rowCount() == model.totalOnServer());
        const int before = model.rowCount();
        QVERIFY(m_site->enrolAgent(*m_context, false, "late-arrival") > 0);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), before + 1, 10000);
    }
};

QTEST_MAIN(TestAssetsModel)
#include "TestAssetsModel.moc"
