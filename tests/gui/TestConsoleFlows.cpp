// The console as a person uses it, offscreen, against a real in-process server: log in (and
// fail to), see a real agent appear, accept it after the confirmation, see the state change,
// verify the audit chain, and notice when the server goes away.

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

namespace {
// Answers the next modal message box with `button` as soon as it opens.
void answerNextMessageBox(QMessageBox::StandardButton button) {
    auto attempt = std::make_shared<std::function<void()>>();
    *attempt = [button, attempt] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            box->button(button)->click();
            return;
        }
        QTimer::singleShot(20, *attempt);
    };
    QTimer::singleShot(0, *attempt);
}
} // namespace

class TestConsoleFlows : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("YaguraTest"));
        QCoreApplication::setApplicationName(QStringLiteral("ConsoleFlows"));
    }

    void wrongPasswordShowsAnErrorAndStays() {
        TestSite site;
        ServerConnection connection;
        LoginDialog dialog(&connection);
        dialog.setTarget(targetOf(site));
        dialog.show();
        dialog.findChild<QLineEdit*>(QStringLiteral("userEdit"))->setText(QStringLiteral("admin"));
        QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("passwordEdit")),
                         QStringLiteral("not the password"));
        QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("loginButton")),
                          Qt::LeftButton);
        auto* status = dialog.findChild<QLabel*>(QStringLiteral("loginStatus"));
        QTRY_VERIFY_WITH_TIMEOUT(status->text() == LoginDialog::tr("Wrong user name or password."),
                                 15000);
        QVERIFY(dialog.isVisible());
        QVERIFY(!connection.isLoggedIn());
    }

    void logInAcceptAPendingAgentAndVerifyTheAuditChain() {
        TestSite site;
        net::Context context;
        const auto agentId = site.enrolAgent(context, false, "plc-gateway-01");
        QVERIFY(agentId > 0);

        ServerConnection connection;
        LoginDialog dialog(&connection);
        dialog.setTarget(targetOf(site));
        dialog.show();
        dialog.findChild<QLineEdit*>(QStringLiteral("userEdit"))->setText(QStringLiteral("admin"));
        QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("passwordEdit")),
                         QString::fromLatin1(kAdminPassword));
        QTest::keyClick(dialog.findChild<QLineEdit*>(QStringLiteral("passwordEdit")),
                        Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), static_cast<int>(QDialog::Accepted), 15000);
        QVERIFY(connection.isLoggedIn());

        MainWindow window(&connection);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.showPage(MainWindow::Page::Assets);
        QTableView* table = window.assetsView()->table();
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, 10000);
        const QModelIndex status = table->model()->index(0, AssetsModel::StatusColumn);
        QCOMPARE(status.data().toString(), statusText(AgentStatus::Pending));
        QCOMPARE(table->model()->index(0, AssetsModel::HostnameColumn).data().toString(),
                 QStringLiteral("plc-gateway-01"));

        // Select it with the keyboard; the detail pane loads its inventory and offers Accept.
        table->setFocus();
        QTest::keyClick(table, Qt::Key_Down);
        if (table->currentIndex().row() != 0)
            table->selectRow(0);
        auto* accept = window.findChild<QPushButton*>(QStringLiteral("acceptButton"));
        QTRY_VERIFY_WITH_TIMEOUT(accept->isVisible(), 10000);
        auto* fingerprint = window.findChild<QLabel*>(QStringLiteral("detailFingerprint"));
        QVERIFY(fingerprint->text().contains(
            table->model()->index(0, AssetsModel::FingerprintColumn).data().toString()));

        // Cancel first: nothing changes.
        answerNextMessageBox(QMessageBox::Cancel);
        QTest::mouseClick(accept, Qt::LeftButton);
        QCOMPARE(table->model()->index(0, 0).data(AssetsModel::StateRole).toString(),
                 QStringLiteral("pending"));
        // Then confirm.
        answerNextMessageBox(QMessageBox::Yes);
        QTest::mouseClick(accept, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(
            table->model()->index(0, 0).data(AssetsModel::StateRole).toString(),
            QStringLiteral("accepted"), 10000);
        QTRY_VERIFY(!accept->isVisible());
        QVERIFY(window.findChild<QPushButton*>(QStringLiteral("revokeButton"))->isVisible());

        // The audit view shows the acceptance and verifies the chain.
        window.showPage(MainWindow::Page::Audit);
        AuditView* audit = window.auditView();
        QSignalSpy verified(audit, &AuditView::verified);
        QTest::mouseClick(audit->findChild<QPushButton*>(QStringLiteral("verifyButton")),
                          Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(verified.count(), 1, 10000);
        QCOMPARE(verified.first().first().toBool(), true);
        auto* auditTable = audit->findChild<QTableView*>(QStringLiteral("auditTable"));
        QTRY_VERIFY_WITH_TIMEOUT(auditTable->model()->rowCount() > 0, 10000);
        bool sawAccept = false;
        for (int row = 0; row < auditTable->model()->rowCount(); ++row)
            for (int column = 0; column < auditTable->model()->columnCount(); ++column)
                sawAccept |= auditTable->model()->index(row, column).data().toString() ==
                             QStringLiteral("agent.accept");
        QVERIFY(sawAccept);
    }
};

QTEST_MAIN(TestConsoleFlows)
#include "TestConsoleFlows.moc"
