// yagura-console: the desktop console for on-site security staff.
#include "Bootstrap.h"
#include "LoginDialog.h"
#include "MainWindow.h"
#include "Screenshots.h"
#include "Translations.h"

#include "common/Version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QPointer>
#include <QSettings>
#include <QTimer>

#include <cstdio>

using namespace yagura::console;

int main(int argc, char** argv) {
    hardenProcess();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Yagura"));
    QApplication::setApplicationName(QStringLiteral("Console"));
    QApplication::setApplicationVersion(QString::fromLatin1(yagura::kVersion));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/yagura.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Yagura console"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption server(QStringLiteral("server"),
                                    QStringLiteral("Operator API address"),
                                    QStringLiteral("tcp://HOST:7422"));
    const QCommandLineOption serverKey(QStringLiteral("server-key"),
                                       QStringLiteral("Server CURVE key (Z85)"),
                                       QStringLiteral("KEY"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QStringLiteral("A local site: address and key from there"),
                                     QStringLiteral("DIR"));
    const QCommandLineOption user(QStringLiteral("user"), QStringLiteral("User name"),
                                  QStringLiteral("NAME"));
    const QCommandLineOption passwordFile(QStringLiteral("password-file"),
                                          QStringLiteral("Log in at once with this password"),
                                          QStringLiteral("FILE"));
    const QCommandLineOption language(QStringLiteral("lang"),
                                      QStringLiteral("Language: en or ja (default: settings, then "
                                                     "the system locale)"),
                                      QStringLiteral("CODE"));
    const QCommandLineOption screenshots(
        QStringLiteral("screenshots"), QStringLiteral("Save a screenshot of every view, then quit"),
        QStringLiteral("DIR"));
    parser.addOptions({server, serverKey, dataDir, user, passwordFile, language, screenshots});
    parser.process(app);

    QString code = parser.value(language);
    if (code.isEmpty())
        code = QSettings().value(QStringLiteral("language")).toString();
    installTranslations(app, code);

    ServerConnection connection;
    LoginDialog login(&connection);
    if (parser.isSet(dataDir)) {
        if (auto target = localSiteTarget(parser.value(dataDir)))
            login.setTarget(*target);
        else {
            std::fprintf(stderr, "yagura-console: the server of %s is not running\n",
                         qPrintable(parser.value(dataDir)));
            return 1;
        }
    }
    if (parser.isSet(server))
        login.setTarget({parser.value(server), parser.value(serverKey)});
    if (parser.isSet(user))
        login.setUser(parser.value(user));
    if (parser.isSet(passwordFile)) {
        QFile file(parser.value(passwordFile));
        if (!file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "yagura-console: cannot read %s\n",
                         qPrintable(parser.value(passwordFile)));
            return 1;
        }
        login.setPassword(QString::fromUtf8(file.readAll()).trimmed());
        QTimer::singleShot(0, &login, &LoginDialog::attemptLogin);
    }

    QPointer<MainWindow> window;
    std::function<void(const QString&)> showLogin;
    auto openMainWindow = [&] {
        window = new MainWindow(&connection);
        window->setAttribute(Qt::WA_DeleteOnClose);
        QObject::connect(window, &MainWindow::loginRequired, &app,
                         [&](const QString& reason) { showLogin(reason); });
        window->show();
        if (parser.isSet(screenshots))
            takeScreenshots(window, parser.value(screenshots), [&app] { app.quit(); });
    };
    showLogin = [&](const QString& reason) {
        if (window)
            window->close();
        LoginDialog again(&connection);
        again.setTarget(connection.target());
        again.setWindowTitle(reason.isEmpty() ? again.windowTitle() : reason);
        if (again.exec() == QDialog::Accepted)
            openMainWindow();
        else
            app.quit();
    };
    if (login.exec() != QDialog::Accepted)
        return parser.isSet(passwordFile) ? 1 : 0;
    openMainWindow();
    return app.exec();
}
