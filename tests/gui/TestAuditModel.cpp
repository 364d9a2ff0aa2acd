// The audit view against a real in-process server: paging, filters, problem rows, the chain check.

#include "ConsoleTestSupport.h"
#include "TestSite.h"

#include "AuditModel.h"
#include "AuditView.h"
#include "ServerConnection.h"
#include "StatusStyle.h"

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QtTest>

using namespace yagura;
using namespace yagura::console;
using namespace yagura::testing;

namespace {
// Fetches page after page, as a scrolling view would, until the model says the log ended.
void loadAll(AuditModel& model) {
    for (int pages = 0; pages < 100; ++pages) {
        QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), 10000);
        if (!model.canFetchMore({}))
            return;
        model.fetchMore({});
    }
    QFAIL("the audit log never ended");
}

QString cell(const AuditModel& model, int row, int column) {
    return model.index(row, column).data().toString();
}
} // namespace

class TestAuditModel : public QObject {
    Q_OBJECT

private slots:
    void pagesUntilTheEnd_data() {
        QTest::addColumn<int>("pageSize");
        QTest::addColumn<int>("pages");
        // A fresh site holds site.init, user.create and (from the server's first start) the
        // default policy's policy.set; the login adds operator.login.
        QTest::newRow("short last page") << 3 << 2;    // 3 + 1
        QTest::newRow("exactly full pages") << 2 << 2; // 2 + 2 + an empty page
        QTest::newRow("one page") << 200 << 1;
    }

    void pagesUntilTheEnd() {
        QFETCH(int, pageSize);
        QFETCH(int, pages);
        TestSite site;
        ServerConnection connection;
        QVERIFY(logIn(connection, site));

        AuditModel model(&connection);
        model.setPageSize(pageSize);
        QSignalSpy failures(&model, &AuditModel::loadFailed);
        QSignalSpy loaded(&model, &AuditModel::pageLoaded);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        loadAll(model);
        if (QTest::currentTestFailed())
            return;

        QCOMPARE(failures.count(), 0);
        QCOMPARE(model.rowCount(), 4);
        QVERIFY(model.isComplete());
        QVERIFY(!model.canFetchMore({}));
        QVERIFY(loaded.count() >= pages);
        QCOMPARE(loaded.last().at(0).toInt(), 4);
        QCOMPARE(cell(model, 0, AuditModel::ActionColumn), QStringLiteral("site.init"));
        QCOMPARE(cell(model, 0, AuditModel::ActorColumn), QStringLiteral("system"));
        QCOMPARE(cell(model, 1, AuditModel::ActionColumn), QStringLiteral("user.create"));
        QCOMPARE(cell(model, 2, AuditModel::ActionColumn), QStringLiteral("policy.set"));
        QCOMPARE(cell(model, 3, AuditModel::ActionColumn), QStringLiteral("operator.login"));
        QCOMPARE(cell(model, 3, AuditModel::OutcomeColumn), QStringLiteral("ok"));
        for (int row = 0; row < model.rowCount(); ++row) {
            QCOMPARE(model.index(row, 0).data(AuditModel::SeqRole).toULongLong(),
                     static_cast<qulonglong>(row + 1));
            QVERIFY(!cell(model, row, AuditModel::TimeColumn).isEmpty());
            QVERIFY(!model.index(row, 0).data(AuditModel::HashRole).toString().isEmpty());
        }
        QCOMPARE(model.columnCount(), int{AuditModel::ColumnCount});
        QCOMPARE(model.headerData(AuditModel::ActionColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Action"));
    }

    void filtersResetAndRefetch() {
        TestSite site;
        ServerConnection connection;
        QVERIFY(logIn(connection, site));

        AuditModel model(&connection);
        model.setPageSize(2);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        loadAll(model);
        QCOMPARE(model.rowCount(), 4);

        model.setFilter(QStringLiteral("user:admin"), {}, {});
        QCOMPARE(resets.count(), 1);
        loadAll(model);
        QCOMPARE(model.rowCount(), 1);
        for (int row = 0; row < model.rowCount(); ++row) {
            QCOMPARE(cell(model, row, AuditModel::ActorColumn), QStringLiteral("user:admin"));
            QCOMPARE(cell(model, row, AuditModel::ActionColumn), QStringLiteral("operator.login"));
        }

        model.setFilter({}, QStringLiteral("user."), {});
        loadAll(model);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(cell(model, 0, AuditModel::ActionColumn), QStringLiteral("user.create"));

        // A filter changed again before its first page arrived: the stale page is dropped.
        model.setFilter(QStringLiteral("nobody"), {}, {});
        model.setFilter({}, {}, {});
        loadAll(model);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(cell(model, 0, AuditModel::ActionColumn), QStringLiteral("site.init"));
    }

    void problemRowsAreMarked() {
        TestSite site;
        {
            ServerConnection intruder;
            QVERIFY(!logIn(intruder, site, QStringLiteral("admin"),
                           QStringLiteral("not the password")));
        }
        ServerConnection connection;
        QVERIFY(logIn(connection, site));

        AuditModel model(&connection);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setFilter({}, {}, QStringLiteral("failed"));
        loadAll(model);
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex failed = model.index(0, AuditModel::ActionColumn);
        QCOMPARE(failed.data().toString(), QStringLiteral("operator.login"));
        QCOMPARE(failed.data(Qt::ForegroundRole).value<QColor>(), severityColor(Severity::High));
        QVERIFY(!failed.data(Qt::ToolTipRole).toString().isEmpty());

        model.setFilter({}, {}, QStringLiteral("ok"));
        loadAll(model);
        QCOMPARE(model.rowCount(), 4);
        QVERIFY(!model.index(0, AuditModel::ActionColumn).data(Qt::ForegroundRole).isValid());
    }

    void verifyButtonReportsAnIntactChain() {
        TestSite site;
        ServerConnection connection;
        QVERIFY(logIn(connection, site));

        AuditView view(&connection);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto* button = view.findChild<QPushButton*>(QStringLiteral("verifyButton"));
        auto* label = view.findChild<QLabel*>(QStringLiteral("verifyResult"));
        QVERIFY(button);
        QVERIFY(label);

        QSignalSpy verified(&view, &AuditView::verified);
        QTest::mouseClick(button, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(verified.count(), 1, 10000);
        QCOMPARE(verified.at(0).at(0).toBool(), true);
        // site.init, user.create, policy.set, operator.login; the check's own entry comes after.
        QVERIFY2(label->text().contains(QLocale().toString(4) + QStringLiteral(" entries")),
                 qPrintable(label->text()));
        QVERIFY2(label->text().contains(QStringLiteral("intact")), qPrintable(label->text()));
        QVERIFY(button->isEnabled());
    }

    void copyPutsSelectedRowsOnTheClipboard() {
        TestSite site;
        ServerConnection connection;
        QVERIFY(logIn(connection, site));

        AuditView view(&connection);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(view.model()->isComplete(), 10000);
        QCOMPARE(view.model()->rowCount(), 4);

        auto* table = view.findChild<QTableView*>(QStringLiteral("auditTable"));
        QVERIFY(table);
        table->selectAll();
        QTest::keySequence(table, QKeySequence::Copy);
        const QStringList lines = QGuiApplication::clipboard()->text().split(u'\n');
        QCOMPARE(lines.size(), 4);
        const QStringList first = lines.front().split(u'\t');
        QCOMPARE(first.size(), int{AuditModel::ColumnCount});
        QCOMPARE(first.at(AuditModel::SeqColumn), QStringLiteral("1"));
        QCOMPARE(first.at(AuditModel::ActionColumn), QStringLiteral("site.init"));
    }
};

QTEST_MAIN(TestAuditModel)
#include "TestAuditModel.moc"
