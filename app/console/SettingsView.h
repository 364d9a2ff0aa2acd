#pragma once

#include <QWidget>

class QComboBox;
class QSpinBox;
class QTabWidget;

namespace yagura::console {

class ClipboardGuard;
class ServerConnection;
class UsersPanel;

// The console's own preferences (kept in QSettings on this machine) and, for admins, the
// server's user accounts.
class SettingsView : public QWidget {
    Q_OBJECT

public:
    SettingsView(ServerConnection* connection, ClipboardGuard* clipboard,
                 QWidget* parent = nullptr);

    // The stored preferences, within their allowed ranges, for the rest of the console.
    static QString language(); // "" for the system's
    static int idleLockMinutes();
    static int clipboardClearSeconds();

public slots:
    void refresh();

signals:
    void languageChanged(const QString& code);
    void idleLockMinutesChanged(int minutes);

private:
    QWidget* buildGeneralTab();
    void loadSettings();
    void updateUsersTab();

    ServerConnection* m_connection;
    ClipboardGuard* m_clipboard;
    QTabWidget* m_tabs;
    QComboBox* m_language = nullptr;
    QSpinBox* m_idleLock = nullptr;
    QSpinBox* m_clipboardClear = nullptr;
    UsersPanel* m_users = nullptr;
};

} // namespace yagura::console
