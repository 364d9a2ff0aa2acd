#include "MainWindow.h"

#include "AlertsView.h"
#include "AssetsView.h"
#include "AuditView.h"
#include "ClipboardGuard.h"
#include "DashboardView.h"
#include "EventsView.h"
#include "IdleLock.h"
#include "PlaceholderView.h"
#include "PoliciesView.h"
#include "ResponseView.h"
#include "SettingsView.h"

#include <QAction>
#include <QApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

namespace yagura::console {

namespace {
struct PageInfo {
    const char* key;
    const char* icon;
};

constexpr PageInfo kPages[] = {
    {"dashboard", "dashboard"},
    {"assets", "assets"},
    {"alerts", "alerts"},
    {"events", "events"},
    {"response", "response"},
    {"policies", "policies"},
    {"vulnerabilities", "vulnerabilities"},
    {"compliance", "compliance"},
    {"audit", "audit"},
    {"exports", "exports"},
    {"settings", "settings"},
};

QString pageTitle(MainWindow::Page page) {
    switch (page) {
    case MainWindow::Page::Dashboard:
        return MainWindow::tr("Dashboard");
    case MainWindow::Page::Assets:
        return MainWindow::tr("Assets");
    case MainWindow::Page::Alerts:
        return MainWindow::tr("Alerts");
    case MainWindow::Page::Events:
        return MainWindow::tr("Events");
    case MainWindow::Page::Response:
        return MainWindow::tr("Response");
    case MainWindow::Page::Policies:
        return MainWindow::tr("Policies");
    case MainWindow::Page::Vulnerabilities:
        return MainWindow::tr("Vulnerabilities");
    case MainWindow::Page::Compliance:
        return MainWindow::tr("Compliance");
    case MainWindow::Page::Audit:
        return MainWindow::tr("Audit");
    case MainWindow::Page::Exports:
        return MainWindow::tr("Exports");
    case MainWindow::Page::Settings:
        return MainWindow::tr("Settings");
    case MainWindow::Page::PageCount:
        break;
    }
    return {};
}
} // namespace

QString MainWindow::pageKey(Page page) {
    return QString::fromLatin1(kPages[static_cast<int>(page)].key);
}

MainWindow::MainWindow(ServerConnection* connection, QWidget* parent)
    : QMainWindow(parent), m_connection(connection) {
    setWindowTitle(tr("Yagura Console"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/yagura.svg")));
    m_clipboard = new ClipboardGuard(this);
    m_idleLock = new IdleLock(this);
    m_idleLock->setTimeoutMinutes(SettingsView::idleLockMinutes());

    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("connectionBanner"));
    m_banner->setStyleSheet(QStringLiteral(
        "QLabel { background: #c62828; color: white; padding: 6px; font-weight: bold; }"));
    m_banner->setText(tr("The connection to the server is lost. Reconnecting… What you see may "
                         "be out of date."));
    m_banner->setVisible(false);

    m_navigation = new QListWidget(this);
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setIconSize(QSize(22, 22));
    m_navigation->setFixedWidth(200);
    m_pages = new QStackedWidget(this);
    const auto notBuilt = [this](Page page, const QString& sentence) {
        return new PlaceholderView(pageTitle(page), sentence, this);
    };
    for (int i = 0; i < static_cast<int>(Page::PageCount); ++i) {
        const auto page = static_cast<Page>(i);
        QWidget* view = nullptr;
        switch (page) {
        case Page::Dashboard:
            view = m_dashboard = new DashboardView(connection, this);
            break;
        case Page::Assets:
            view = m_assets = new AssetsView(connection, this);
            break;
        case Page::Alerts:
            view = m_alerts = new AlertsView(connection, this);
            break;
        case Page::Response:
            view = m_response = new ResponseView(connection, this);
            break;
        case Page::Events:
            view = m_events = new EventsView(connection, this);
            break;
        case Page::Policies:
            view = m_policies = new PoliciesView(connection, this);
            break;
        case Page::Vulnerabilities:
            view = notBuilt(page, tr("Vulnerability tracking is not built yet."));
            break;
        case Page::Compliance:
            view = notBuilt(page, tr("Compliance reporting is not built yet."));
            break;
        case Page::Audit:
            view = m_audit = new AuditView(connection, this);
            break;
        case Page::Exports:
            view = notBuilt(page, tr("Export bundles for the security provider are not built "
                                     "yet."));
            break;
        case Page::Settings:
            view = m_settings = new SettingsView(connection, m_clipboard, this);
            break;
        case Page::PageCount:
            break;
        }
        view->setObjectName(pageKey(page) + QStringLiteral("View"));
        m_pages->addWidget(view);
        auto* item = new QListWidgetItem(
            QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(kPages[i].icon))),
            pageTitle(page), m_navigation);
        item->setData(Qt::UserRole, pageKey(page));
        // The console only hides what the role cannot do; the server enforces it.
        if (page == Page::Audit && !connection->canViewAudit())
            item->setHidden(true);
    }
    connect(m_navigation, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0)
            return;
        m_pages->setCurrentIndex(row);
        const auto page = static_cast<Page>(row);
        if (page == Page::Dashboard)
            QMetaObject::invokeMethod(m_dashboard, "refresh");
        else if (page == Page::Assets)
            m_assets->refresh();
        else if (page == Page::Alerts)
            m_alerts->refresh();
        else if (page == Page::Events)
            m_events->refresh();
        else if (page == Page::Response)
            m_response->refresh();
        else if (page == Page::Policies)
            m_policies->refresh();
        else if (page == Page::Audit)
            QMetaObject::invokeMethod(m_audit, "refresh");
        else if (page == Page::Settings)
            QMetaObject::invokeMethod(m_settings, "refresh");
    });

    auto* body = new QWidget(this);
    auto* row = new QHBoxLayout;
    row->addWidget(m_navigation);
    row->addWidget(m_pages, 1);
    auto* column = new QVBoxLayout(body);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(m_banner);
    column->addLayout(row, 1);

    m_outer = new QStackedWidget(this);
    m_outer->addWidget(body);
    m_outer->addWidget(buildLockPage());
    setCentralWidget(m_outer);

    auto* file = menuBar()->addMenu(tr("&File"));
    auto* lockAction = file->addAction(tr("&Lock"), this, &MainWindow::lock);
    lockAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    file->addAction(tr("Log &out"), this, [this] {
        m_connection->logout();
        emit loginRequired(tr("You logged out."));
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Yagura"), this, [this] {
        QMessageBox::about(this, tr("About Yagura"),
                           tr("<b>Yagura</b> 櫓 — on-premises endpoint protection.<br>Console "
                              "for on-site security staff."));
    });

    connect(m_connection, &ServerConnection::connectionStateChanged, this,
            &MainWindow::onConnectionState);
    // The server's reason is English and technical; the person gets a translated sentence.
    connect(m_connection, &ServerConnection::sessionEnded, this, [this](const QString&) {
        emit loginRequired(tr("Your session has ended. Log in again."));
    });
    connect(m_idleLock, &IdleLock::lockRequested, this, &MainWindow::lock);
    if (m_settings)
        connect(m_settings, &SettingsView::idleLockMinutesChanged, m_idleLock,
                &IdleLock::setTimeoutMinutes);
    updateStatusBar();
    m_idleLock->setEnabled(true);
    m_navigation->setCurrentRow(static_cast<int>(Page::Dashboard));
    resize(1280, 800);
}

QWidget* MainWindow::buildLockPage() {
    auto* page = new QWidget(this);
    page->setObjectName(QStringLiteral("lockPage"));
    auto* title = new QLabel(tr("<h2>The console is locked</h2>"), page);
    auto* note = new QLabel(tr("Enter your password to continue."), page);
    m_lockPassword = new QLineEdit(page);
    m_lockPassword->setObjectName(QStringLiteral("lockPassword"));
    m_lockPassword->setEchoMode(QLineEdit::Password);
    m_lockPassword->setMaximumWidth(320);
    auto* unlockButton = new QPushButton(tr("Unlock"), page);
    unlockButton->setObjectName(QStringLiteral("unlockButton"));
    m_lockStatus = new QLabel(page);
    m_lockStatus->setObjectName(QStringLiteral("lockStatus"));
    m_lockStatus->setStyleSheet(QStringLiteral("color: #c62828"));
    auto* layout = new QVBoxLayout(page);
    layout->addStretch(1);
    for (QWidget* widget :
         {static_cast<QWidget*>(title), static_cast<QWidget*>(note),
          static_cast<QWidget*>(m_lockPassword), static_cast<QWidget*>(unlockButton),
          static_cast<QWidget*>(m_lockStatus)})
        layout->addWidget(widget, 0, Qt::AlignHCenter);
    layout->addStretch(2);
    connect(unlockButton, &QPushButton::clicked, this, &MainWindow::unlock);
    connect(m_lockPassword, &QLineEdit::returnPressed, this, &MainWindow::unlock);
    return page;
}

bool MainWindow::isLocked() const {
    return m_outer->currentIndex() == 1;
}

void MainWindow::lock() {
    if (isLocked())
        return;
    m_idleLock->setEnabled(false);
    m_outer->setCurrentIndex(1);
    menuBar()->setEnabled(false);
    m_lockPassword->clear();
    m_lockStatus->clear();
    m_lockPassword->setFocus();
}

void MainWindow::unlock() {
    // Unlocking proves the password to the server again: a fresh session replaces the old one.
    const QString password = m_lockPassword->text();
    m_lockPassword->clear();
    m_lockStatus->setText(tr("Checking…"));
    m_connection->login(m_connection->target(), m_connection->user(), password, this,
                        [this](const CallResult& result) {
                            if (!result.ok()) {
                                m_lockStatus->setText(result.code == ErrorCode::Unauthenticated
                                                          ? tr("Wrong password.")
                                                          : result.error);
                                return;
                            }
                            m_outer->setCurrentIndex(0);
                            menuBar()->setEnabled(true);
                            m_idleLock->setEnabled(true);
                            updateStatusBar();
                        });
}

void MainWindow::showPage(Page page) {
    m_navigation->setCurrentRow(static_cast<int>(page));
}

MainWindow::Page MainWindow::currentPage() const {
    return static_cast<Page>(m_navigation->currentRow());
}

void MainWindow::onConnectionState(bool connected) {
    m_banner->setVisible(!connected);
    updateStatusBar();
}

void MainWindow::updateStatusBar() {
    const QString role = m_connection->role();
    const QString roleText = role == QLatin1String("admin")     ? tr("Administrator")
                             : role == QLatin1String("analyst") ? tr("Analyst")
                             : role == QLatin1String("auditor") ? tr("Auditor")
                                                                : role;
    statusBar()->showMessage(
        tr("%1 (%2) at %3").arg(m_connection->user(), roleText, m_connection->target().endpoint));
}

} // namespace yagura::console
