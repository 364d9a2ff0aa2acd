// Security hygiene of a program holding an operator session: no core dumps, idle lock on the
// wall clock, copied secrets cleared.

#include "Bootstrap.h"
#include "ClipboardGuard.h"
#include "ConsoleTestSupport.h"
#include "IdleLock.h"
#include "MainWindow.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QtTest>

#include <sys/prctl.h>
#include <sys/resource.h>

using namespace yagura;
using namespace yagura::console;
using namespace yagura::testing;

class TestConsoleHygiene : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("YaguraTest"));
        QCoreApplication::setApplicationName(QStringLiteral("ConsoleHygiene"));
    }

    void noCoreDumps() {
        hardenProcess();
        QCOMPARE(::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
        rlimit limit{};
        QCOMPARE(::getrlimit(RLIMIT_CORE, &limit), 0);
        QCOMPARE(limit.rlim_cur, rlim_t{0});
    }

    void idleLockFollowsTheWallClock() {
        qint64 now = 1'800'000'000;
        IdleLock lock(nullptr, [&now] { return now; });
        lock.setTimeoutMinutes(15);
        lock.setEnabled(true);
        QSignalSpy locked(&lock, &IdleLock::lockRequested);
        now += 14 * 60;
        lock.check();
        QCOMPARE(locked.count(), 0);
        // A suspended laptop: the wall clock jumps, no timer ran in between.
        now += 2 * 60;
        lock.check();
        QCOMPARE(locked.count(), 1);
        // Activity resets the count.
        lock.setEnabled(true);
        now += 10 * 60;
        lock.touch();
        now += 10 * 60;
        lock.check();
        QCOMPARE(locked.count(), 1);
    }

    void lockedConsoleNeedsThePassword() {
        TestSite site;
        ServerConnection connection;
        QVERIFY(logIn(connection, site));
        MainWindow window(&connection);
        window.show();
        window.lock();
        QVERIFY(window.isLocked());
        auto* password = window.findChild<QLineEdit*>(QStringLiteral("lockPassword"));
        auto* status = window.findChild<QLabel*>(QStringLiteral("lockStatus"));
        password->setText(QStringLiteral("wrong"));
        QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("unlockButton")),
                          Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(status->text(), MainWindow::tr("Wrong password."), 15000);
        QVERIFY(window.isLocked());
        // A mistyped unlock password does not cut the console off: the session still works.
        bool answered = false;
        proto::OperatorRequest list;
        list.mutable_list_agents();
        connection.call(list, &window, [&](const CallResult& result) { answered = result.ok(); });
        QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
        password->setText(QString::fromLatin1(kAdminPassword));
        QTest::keyClick(password, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isLocked(), 15000);
    }

    void copiedSecretsAreCleared() {
        QClipboard* clipboard = QGuiApplication::clipboard();
        ClipboardGuard guard;
        guard.copySecret(QStringLiteral("s3cret-password"), 0);
        QCOMPARE(clipboard->text(), QStringLiteral("s3cret-password"));
        QTRY_VERIFY(!guard.isPending());
        QVERIFY(clipboard->text().isEmpty());
        // Something the user copied afterwards is left alone.
        guard.copySecret(QStringLiteral("another-secret"), 0);
        clipboard->setText(QStringLiteral("user's own text"));
        QTRY_VERIFY(!guard.isPending());
        QCOMPARE(clipboard->text(), QStringLiteral("user's own text"));
    }
};

QTEST_MAIN(TestConsoleHygiene)
#include "TestConsoleHygiene.moc"
