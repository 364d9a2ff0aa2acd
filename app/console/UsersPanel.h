#pragma once

#include "ServerConnection.h"

#include <QDialog>
#include <QStringList>
#include <QWidget>

#include <functional>
#include <optional>
#include <vector>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace yagura::console {

class ClipboardGuard;

// Asks for a new account: name, role and a typed (twice) or generated password. Checks what
// the server will check, so that the common mistakes are caught before sending.
class NewUserDialog : public QDialog {
    Q_OBJECT

public:
    explicit NewUserDialog(QWidget* parent = nullptr);

    QString name() const;
    QString role() const; // admin, analyst or auditor
    QString password() const;
    // True while the password is the generated one, untouched: it must then be shown once.
    bool passwordWasGenerated() const { return m_generated; }

private:
    void generatePassword();
    void validate();

    QLineEdit* m_name;
    QComboBox* m_role;
    QLineEdit* m_password;
    QLineEdit* m_confirm;
    QPushButton* m_generate;
    QLabel* m_hint;
    QDialogButtonBox* m_buttons;
    bool m_generated = false;
};

// The server's user accounts, for admins: create, change role, reset password, disable.
class UsersPanel : public QWidget {
    Q_OBJECT

public:
    enum Column { NameColumn, RoleColumn, StateColumn, PasswordChangedColumn, ColumnCount };

    UsersPanel(ServerConnection* connection, ClipboardGuard* clipboard, QWidget* parent = nullptr);

    static QStringList roles();                   // as the server names them
    static QString roleText(const QString& role); // translated
    // A random password for a person to type once; empty if the system cannot provide one.
    static QString generatePassword();

    QString selectedUser() const;

public slots:
    void refresh();

signals:
    void usersLoaded(int count);

private:
    void newUser();
    void changeRole();
    void resetPassword();
    void toggleDisabled();

    // Each modal step on its own, small enough to read (and to drive from a test).
    std::optional<QString> askRole(const QString& user, const QString& current);
    bool confirm(const QString& title, const QString& text);
    void showPasswordOnce(const QString& user, const QString& password);

    // Sends a user change; on success clears the error, reloads the list and runs `then`.
    void send(const proto::OperatorRequest& request, const QString& user,
              std::function<void()> then = {});
    void fillTable(const proto::ListUsersResponse& list);
    const proto::UserSummary* selectedSummary() const;
    void updateButtons();
    void setBusy(bool busy);
    void showError(const QString& message);

    ServerConnection* m_connection;
    ClipboardGuard* m_clipboard;
    QTableWidget* m_table;
    QPushButton* m_newUser;
    QPushButton* m_changeRole;
    QPushButton* m_resetPassword;
    QPushButton* m_toggleDisabled;
    QLabel* m_error;
    std::vector<proto::UserSummary> m_users; // in table row order
    QString m_selectAfterLoad;
    bool m_busy = false;
};

} // namespace yagura::console
