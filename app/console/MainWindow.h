#pragma once

#include "ServerConnection.h"

#include <QMainWindow>
#include <QStringList>

class QLabel;
class QLineEdit;
class QListWidget;
class QStackedWidget;

namespace yagura::console {

class AlertsView;
class ResponseView;
class AssetsView;
class AuditView;
class ClipboardGuard;
class DashboardView;
class EventsView;
class PoliciesView;
class IdleLock;
class SettingsView;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    // The navigation, in order; the same keys name the views in tests and screenshots.
    enum class Page {
        Dashboard,
        Assets,
        Alerts,
        Events,
        Response,
        Policies,
        Vulnerabilities,
        Compliance,
        Audit,
        Exports,
        Settings,
        PageCount
    };

    MainWindow(ServerConnection* connection, QWidget* parent = nullptr);

    void showPage(Page page);
    Page currentPage() const;
    static QString pageKey(Page page); // "dashboard", "assets", ...
    AssetsView* assetsView() const { return m_assets; }
    AlertsView* alertsView() const { return m_alerts; }
    ResponseView* responseView() const { return m_response; }
    EventsView* eventsView() const { return m_events; }
    PoliciesView* policiesView() const { return m_policies; }
    DashboardView* dashboardView() const { return m_dashboard; }
    AuditView* auditView() const { return m_audit; }
    SettingsView* settingsView() const { return m_settings; }
    IdleLock* idleLock() const { return m_idleLock; }
    bool isLocked() const;

signals:
    void loginRequired(const QString& reason);

public slots:
    void lock();

private:
    QWidget* buildLockPage();
    void unlock();
    void onConnectionState(bool connected);
    void updateStatusBar();

    ServerConnection* m_connection;
    ClipboardGuard* m_clipboard;
    IdleLock* m_idleLock;
    QStackedWidget* m_outer; // the console, or the lock screen
    QStackedWidget* m_pages;
    QListWidget* m_navigation;
    QLabel* m_banner;
    QLabel* m_lockStatus;
    QLineEdit* m_lockPassword;
    DashboardView* m_dashboard = nullptr;
    AssetsView* m_assets = nullptr;
    AlertsView* m_alerts = nullptr;
    ResponseView* m_response = nullptr;
    EventsView* m_events = nullptr;
    PoliciesView* m_policies = nullptr;
    AuditView* m_audit = nullptr;
    SettingsView* m_settings = nullptr;
};

} // namespace yagura::console
