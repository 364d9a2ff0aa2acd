// The console's views by role and state, offscreen, against a real in-process server: what
// is not built says so, an auditor sees no agent actions, a lost server shows the banner.

#include "AssetsView.h"
#include "AuditView.h"
#include "ConsoleTestSupport.h"
#include "LoginDialog.h"
#include "MainWindow.h"
#include "StatusStyle.h"

#include "crypto/PasswordHash.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QtTest>

using namespace yagura;
using namespace yagura::console;
using namespace yagura::testing;

class TestConsoleViews : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("YaguraTest"));
        QCoreApplication::setApplicationName(QStringLiteral("ConsoleViews"));
    }

    void viewsNotBuiltSaySoPlainly() {
        TestSite site;
        ServerConnection connection;
        QVERIFY(logIn(connection, site));
        MainWindow window(&connection);
        for (const auto page : {MainWindow::Page::Vulnerabilities, MainWindow::Page::Compliance,
                                MainWindow::Page::Exports}) {
            auto* view = window.findChild<QWidget*>(MainWindow::pageKey(page) + "View");
            QVERIFY(view);
            auto* sentence = view->findChild<QLabel*>(QStringLiteral("placeholderSentence"));
            QVERIFY(sentence);
            QVERIFY(sentence->text().contains(QStringLiteral("not built yet")));
            QCOMPARE(view->findChildren<QTableView*>().size(), 0);
        }
    }

    void anAuditorDoesNotSeeAgentActions() {
        TestSite site;
        {
            auto store = site.openStore();
            auto hash =
                crypto::hashPassword("auditor-password", crypto::ScryptParameters{10, 8, 1});
            QVERIFY(store.insertUser({"auditor1", server::Role::Auditor, *hash, false, 0, 0}).ok());
        }
        net::Context context;
        QVERIFY(site.enrolAgent(context, false, "pending-host") > 0);
        ServerConnection connection;
        QVERIFY(logIn(connection, site, QStringLiteral("auditor1"),
                      QStringLiteral("auditor-password")));
        MainWindow window(&connection);
        window.show();
        window.showPage(MainWindow::Page::Assets);
        QTableView* table = window.assetsView()->table();
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, 10000);
        QSignalSpy loaded(window.assetsView()->detail(), &AssetDetailPane::loaded);
        table->selectRow(0);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        QVERIFY(!window.findChild<QPushButton*>(QStringLiteral("acceptButton"))->isVisible());
        QVERIFY(!window.findChild<QPushButton*>(QStringLiteral("rejectButton"))->isVisible());
    }

    void lostServerShowsTheBanner() {
        auto site = std::make_unique<TestSite>();
        ServerConnection connection;
        QVERIFY(logIn(connection, *site));
        MainWindow window(&connection);
        window.show();
        auto* banner = window.findChild<QLabel*>(QStringLiteral("connectionBanner"));
        QVERIFY(!banner->isVisible());
        site->stop();
        window.showPage(MainWindow::Page::Assets);
        window.assetsView()->model()->reload();
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 30000);
    }
};

QTEST_MAIN(TestConsoleViews)
#include "TestConsoleViews.moc"
