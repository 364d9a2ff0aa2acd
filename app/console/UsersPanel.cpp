#include "UsersPanel.h"

#include "ClipboardGuard.h"
#include "SettingsView.h"
#include "StatusStyle.h"
#include "crypto/Random.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace yagura::console {

namespace {
// The server's rules (OperatorService); it checks them again.
constexpr int kMinPasswordLength = 12;
constexpr int kMaxUserNameLength = 64;
constexpr std::size_t kGeneratedPasswordLength = 20;

QString userNameProblem(const QString& name) {
    if (name.isEmpty())
        return QCoreApplication::translate("NewUserDialog", "Enter a user name.");
    if (name.size() > kMaxUserNameLength || name.contains(u' ') || name.contains(u'\t') ||
        name.contains(u':'))
        return QCoreApplication::translate("NewUserDialog",
                                           "A user name is 1-64 characters without spaces or ':'.");
    return {};
}

QString dateText(std::uint64_t unix) {
    if (unix == 0)
        return QCoreApplication::translate("UsersPanel", "never");
    return QLocale().toString(QDateTime::fromSecsSinceEpoch(static_cast<qint64>(unix)).date(),
                              QLocale::ShortFormat);
}

QString dateTimeText(std::uint64_t unix) {
    if (unix == 0)
        return {};
    return QLocale().toString(QDateTime::fromSecsSinceEpoch(static_cast<qint64>(unix)),
                              QLocale::LongFormat);
}
} // namespace

// NewUserDialog

NewUserDialog::NewUserDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("New user"));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("newUserName"));
    m_name->setMaxLength(kMaxUserNameLength);
    m_role = new QComboBox(this);
    m_role->setObjectName(QStringLiteral("newUserRole"));
    for (const QString& role : UsersPanel::roles())
        m_role->addItem(UsersPanel::roleText(role), role);
    // The least powerful role that can still work with agents.
    m_role->setCurrentIndex(m_role->findData(QStringLiteral("analyst")));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("newUserPassword"));
    m_password->setEchoMode(QLineEdit::Password);
    m_confirm = new QLineEdit(this);
    m_confirm->setObjectName(QStringLiteral("newUserConfirm"));
    m_confirm->setEchoMode(QLineEdit::Password);
    m_generate = new QPushButton(tr("&Generate"), this);
    m_generate->setObjectName(QStringLiteral("newUserGenerate"));
    m_generate->setAutoDefault(false);
    m_generate->setToolTip(tr("Fill in a random password. It is shown once, and copied to the "
                              "clipboard, after the user has been created."));
    m_hint = new QLabel(this);
    m_hint->setObjectName(QStringLiteral("newUserHint"));
    m_hint->setTextFormat(Qt::PlainText);
    m_hint->setWordWrap(true);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));

    auto* passwordRow = new QHBoxLayout;
    passwordRow->addWidget(m_password, 1);
    passwordRow->addWidget(m_generate);
    auto* form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Role:"), m_role);
    form->addRow(tr("&Password:"), passwordRow);
    form->addRow(tr("Con&firm:"), m_confirm);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_hint);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_generate, &QPushButton::clicked, this, &NewUserDialog::generatePassword);
    connect(m_name, &QLineEdit::textChanged, this, &NewUserDialog::validate);
    connect(m_confirm, &QLineEdit::textChanged, this, &NewUserDialog::validate);
    connect(m_password, &QLineEdit::textChanged, this, &NewUserDialog::validate);
    // Typing over a generated password makes it the user's own: not shown after creation.
    const auto typed = [this] {
        m_generated = false;
        validate();
    };
    connect(m_password, &QLineEdit::textEdited, this, typed);
    connect(m_confirm, &QLineEdit::textEdited, this, typed);
    validate();
}

QString NewUserDialog::name() const {
    return m_name->text().trimmed();
}

QString NewUserDialog::role() const {
    return m_role->currentData().toString();
}

QString NewUserDialog::password() const {
    return m_password->text();
}

void NewUserDialog::generatePassword() {
    const QString password = UsersPanel::generatePassword();
    if (password.isEmpty()) {
        m_hint->setText(tr("The system could not provide random numbers. Type a password."));
        return;
    }
    m_password->setText(password);
    m_confirm->setText(password);
    m_generated = true;
    validate();
}

void NewUserDialog::validate() {
    QString problem = userNameProblem(name());
    if (problem.isEmpty() && m_password->text().size() < kMinPasswordLength)
        problem = tr("A password needs at least %n characters.", nullptr, kMinPasswordLength);
    if (problem.isEmpty() && m_confirm->text() != m_password->text())
        problem = tr("The two passwords differ.");
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
    if (problem.isEmpty() && m_generated)
        m_hint->setText(tr("The generated password is shown once after the user is created."));
    else
        m_hint->setText(problem);
}

// UsersPanel

QStringList UsersPanel::roles() {
    return {QStringLiteral("admin"), QStringLiteral("analyst"), QStringLiteral("auditor")};
}

QString UsersPanel::roleText(const QString& role) {
    if (role == QLatin1String("admin"))
        return tr("Admin");
    if (role == QLatin1String("analyst"))
        return tr("Analyst");
    if (role == QLatin1String("auditor"))
        return tr("Auditor");
    return role;
}

QString UsersPanel::generatePassword() {
    auto password = crypto::randomPassword(kGeneratedPasswordLength);
    if (!password.ok())
        return {};
    return QString::fromStdString(*password);
}

UsersPanel::UsersPanel(ServerConnection* connection, ClipboardGuard* clipboard, QWidget* parent)
    : QWidget(parent), m_connection(connection), m_clipboard(clipboard) {
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("usersTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("Name"), tr("Role"), tr("State"), tr("Password changed")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &UsersPanel::updateButtons);

    m_newUser = new QPushButton(tr("New user…"), this);
    m_newUser->setObjectName(QStringLiteral("newUserButton"));
    m_changeRole = new QPushButton(tr("Change role…"), this);
    m_changeRole->setObjectName(QStringLiteral("changeRoleButton"));
    m_resetPassword = new QPushButton(tr("Reset password…"), this);
    m_resetPassword->setObjectName(QStringLiteral("resetPasswordButton"));
    m_toggleDisabled = new QPushButton(tr("Disable"), this);
    m_toggleDisabled->setObjectName(QStringLiteral("toggleDisabledButton"));
    connect(m_newUser, &QPushButton::clicked, this, &UsersPanel::newUser);
    connect(m_changeRole, &QPushButton::clicked, this, &UsersPanel::changeRole);
    connect(m_resetPassword, &QPushButton::clicked, this, &UsersPanel::resetPassword);
    connect(m_toggleDisabled, &QPushButton::clicked, this, &UsersPanel::toggleDisabled);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("usersError"));
    m_error->setTextFormat(Qt::PlainText);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: %1;").arg(severityColor(Severity::High).name()));
    m_error->hide();

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_newUser);
    buttons->addWidget(m_changeRole);
    buttons->addWidget(m_resetPassword);
    buttons->addWidget(m_toggleDisabled);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_error);
    layout->addLayout(buttons);
    updateButtons();
}

void UsersPanel::refresh() {
    if (m_selectAfterLoad.isEmpty())
        m_selectAfterLoad = selectedUser();
    proto::OperatorRequest request;
    request.mutable_list_users();
    m_connection->call(request, this, [this](const CallResult& result) {
        if (!result.ok()) {
            showError(result.error);
            return;
        }
        fillTable(result.response->list_users());
        emit usersLoaded(static_cast<int>(m_users.size()));
    });
}

void UsersPanel::fillTable(const proto::ListUsersResponse& list) {
    const QString select = std::exchange(m_selectAfterLoad, QString());
    m_users.assign(list.users().begin(), list.users().end());
    m_table->setRowCount(0);
    m_table->setRowCount(static_cast<int>(m_users.size()));
    const QColor disabledColor = statusColor(AgentStatus::Offline);
    int selectRow = -1;
    for (int row = 0; row < static_cast<int>(m_users.size()); ++row) {
        const auto& user = m_users[static_cast<std::size_t>(row)];
        const QString name = QString::fromStdString(user.name());
        auto* nameItem = new QTableWidgetItem(name);
        if (name == m_connection->user())
            nameItem->setToolTip(tr("This is you."));
        auto* roleItem = new QTableWidgetItem(roleText(QString::fromStdString(user.role())));
        auto* stateItem = new QTableWidgetItem(user.disabled() ? tr("Disabled") : tr("Active"));
        auto* changedItem = new QTableWidgetItem(dateText(user.password_changed_at_unix()));
        changedItem->setToolTip(dateTimeText(user.password_changed_at_unix()));
        const QList<QTableWidgetItem*> items{nameItem, roleItem, stateItem, changedItem};
        for (int column = 0; column < ColumnCount; ++column) {
            auto* item = items[column];
            if (user.disabled())
                item->setForeground(disabledColor);
            m_table->setItem(row, column, item);
        }
        if (name == select)
            selectRow = row;
    }
    m_table->resizeColumnsToContents();
    if (selectRow >= 0)
        m_table->selectRow(selectRow);
    updateButtons();
}

QString UsersPanel::selectedUser() const {
    const auto* user = selectedSummary();
    return user ? QString::fromStdString(user->name()) : QString();
}

const proto::UserSummary* UsersPanel::selectedSummary() const {
    const auto rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return nullptr;
    const int row = rows.front().row();
    if (row < 0 || row >= static_cast<int>(m_users.size()))
        return nullptr;
    return &m_users[static_cast<std::size_t>(row)];
}

void UsersPanel::updateButtons() {
    const auto* user = selectedSummary();
    // The server refuses an admin's demoting or disabling themself; do not offer it.
    const bool self = user && QString::fromStdString(user->name()) == m_connection->user();
    m_newUser->setEnabled(!m_busy);
    m_changeRole->setEnabled(!m_busy && user && !self);
    m_resetPassword->setEnabled(!m_busy && user);
    m_toggleDisabled->setEnabled(!m_busy && user && (!self || user->disabled()));
    m_toggleDisabled->setText(user && user->disabled() ? tr("Enable") : tr("Disable"));
}

void UsersPanel::setBusy(bool busy) {
    m_busy = busy;
    updateButtons();
}

void UsersPanel::showError(const QString& message) {
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void UsersPanel::send(const proto::OperatorRequest& request, const QString& user,
                      std::function<void()> then) {
    setBusy(true);
    m_connection->call(request, this, [this, user, then](const CallResult& result) {
        setBusy(false);
        if (!result.ok()) {
            showError(result.error);
            return;
        }
        showError({});
        m_selectAfterLoad = user;
        refresh();
        if (then)
            then();
    });
}

void UsersPanel::newUser() {
    NewUserDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString name = dialog.name();
    const QString password = dialog.password();
    const bool generated = dialog.passwordWasGenerated();
    proto::OperatorRequest request;
    auto* create = request.mutable_create_user();
    create->set_name(name.toStdString());
    create->set_role(dialog.role().toStdString());
    create->set_password(password.toStdString());
    send(request, name, [this, name, password, generated] {
        if (generated)
            showPasswordOnce(name, password);
    });
}

void UsersPanel::changeRole() {
    const auto* user = selectedSummary();
    if (!user)
        return;
    const QString name = QString::fromStdString(user->name());
    const QString current = QString::fromStdString(user->role());
    const auto role = askRole(name, current);
    if (!role || *role == current)
        return;
    proto::OperatorRequest request;
    auto* update = request.mutable_update_user();
    update->set_name(name.toStdString());
    update->set_role(role->toStdString());
    send(request, name);
}

void UsersPanel::resetPassword() {
    const QString name = selectedUser();
    if (name.isEmpty())
        return;
    const QString password = generatePassword();
    if (password.isEmpty()) {
        showError(tr("The system could not provide random numbers for a password."));
        return;
    }
    if (!confirm(tr("Reset password"),
                 tr("Give %1 a new, generated password? The current password stops working "
                    "and their open sessions end.")
                     .arg(name)))
        return;
    proto::OperatorRequest request;
    auto* update = request.mutable_update_user();
    update->set_name(name.toStdString());
    update->set_new_password(password.toStdString());
    send(request, name, [this, name, password] { showPasswordOnce(name, password); });
}

void UsersPanel::toggleDisabled() {
    const auto* user = selectedSummary();
    if (!user)
        return;
    const QString name = QString::fromStdString(user->name());
    const bool disable = !user->disabled();
    const bool confirmed =
        disable
            ? confirm(tr("Disable user"),
                      tr("Disable %1? They can no longer log in, and their open sessions "
                         "end now.")
                          .arg(name))
            : confirm(
                  tr("Enable user"),
                  tr("Enable %1? They can log in again with their current password.").arg(name));
    if (!confirmed)
        return;
    proto::OperatorRequest request;
    auto* update = request.mutable_update_user();
    update->set_name(name.toStdString());
    update->set_disabled(disable);
    send(request, name);
}

std::optional<QString> UsersPanel::askRole(const QString& user, const QString& current) {
    QStringList labels;
    for (const QString& role : roles())
        labels.append(roleText(role));
    bool ok = false;
    const QString chosen = QInputDialog::getItem(
        this, tr("Change role"), tr("Role for %1:").arg(user), labels,
        static_cast<int>(qMax(qsizetype{0}, roles().indexOf(current))), false, &ok);
    const qsizetype index = labels.indexOf(chosen);
    if (!ok || index < 0)
        return std::nullopt;
    return roles().at(index);
}

bool UsersPanel::confirm(const QString& title, const QString& text) {
    return QMessageBox::question(this, title, text, QMessageBox::Yes | QMessageBox::Cancel,
                                 QMessageBox::Cancel) == QMessageBox::Yes;
}

void UsersPanel::showPasswordOnce(const QString& user, const QString& password) {
    const int seconds = SettingsView::clipboardClearSeconds();
    if (m_clipboard)
        m_clipboard->copySecret(password, seconds);
    QMessageBox box(QMessageBox::Information, tr("Password for %1").arg(user),
                    tr("The password for %1 is:\n\n%2\n\nIt has been copied to the clipboard, "
                       "which is cleared in %n second(s). It is not shown again.",
                       nullptr, seconds)
                        .arg(user, password),
                    QMessageBox::Ok, this);
    box.setObjectName(QStringLiteral("passwordOnceBox"));
    box.setTextFormat(Qt::PlainText);
    box.setTextInteractionFlags(Qt::TextSelectableByMouse);
    box.exec();
}

} // namespace yagura::console
