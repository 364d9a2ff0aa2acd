#include "SettingsView.h"

#include "ServerConnection.h"
#include "UsersPanel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace yagura::console {

namespace {
const QString kLanguageKey = QStringLiteral("language");
const QString kIdleLockKey = QStringLiteral("idleLockMinutes");
const QString kClipboardClearKey = QStringLiteral("clipboardClearSeconds");
constexpr int kIdleLockMin = 1;
constexpr int kIdleLockMax = 240;
constexpr int kIdleLockDefault = 15;
constexpr int kClipboardClearMin = 5;
constexpr int kClipboardClearMax = 300;
constexpr int kClipboardClearDefault = 30;

// A hand-edited settings file must not give a zero timeout.
int storedInt(const QString& key, int fallback, int low, int high) {
    bool ok = false;
    const int value = QSettings().value(key, fallback).toInt(&ok);
    return ok ? qBound(low, value, high) : fallback;
}
} // namespace

QString SettingsView::language() {
    return QSettings().value(kLanguageKey).toString();
}

int SettingsView::idleLockMinutes() {
    return storedInt(kIdleLockKey, kIdleLockDefault, kIdleLockMin, kIdleLockMax);
}

int SettingsView::clipboardClearSeconds() {
    return storedInt(kClipboardClearKey, kClipboardClearDefault, kClipboardClearMin,
                     kClipboardClearMax);
}

SettingsView::SettingsView(ServerConnection* connection, ClipboardGuard* clipboard, QWidget* parent)
    : QWidget(parent), m_connection(connection), m_clipboard(clipboard),
      m_tabs(new QTabWidget(this)) {
    m_tabs->addTab(buildGeneralTab(), tr("General"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);
    loadSettings();
    updateUsersTab();
    // Another user may log in on the same window; the Users tab follows the role.
    connect(m_connection, &ServerConnection::loggedIn, this, &SettingsView::updateUsersTab);
}

QWidget* SettingsView::buildGeneralTab() {
    auto* page = new QWidget;
    page->setObjectName(QStringLiteral("generalTab"));

    m_language = new QComboBox(page);
    m_language->setObjectName(QStringLiteral("languageCombo"));
    m_language->addItem(tr("System default"), QString());
    // Each language is named in itself, so that it can be found whatever the current one.
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("日本語"), QStringLiteral("ja"));
    auto* languageNote = new QLabel(tr("The language changes after the console restarts."), page);
    languageNote->setWordWrap(true);

    m_idleLock = new QSpinBox(page);
    m_idleLock->setObjectName(QStringLiteral("idleLockSpin"));
    m_idleLock->setRange(kIdleLockMin, kIdleLockMax);
    m_idleLock->setSuffix(tr(" min"));
    m_idleLock->setKeyboardTracking(false); // one change when typing ends, not per digit
    m_idleLock->setToolTip(tr("After this long without input the console locks and asks for "
                              "the password again."));

    m_clipboardClear = new QSpinBox(page);
    m_clipboardClear->setObjectName(QStringLiteral("clipboardClearSpin"));
    m_clipboardClear->setRange(kClipboardClearMin, kClipboardClearMax);
    m_clipboardClear->setSuffix(tr(" s"));
    m_clipboardClear->setKeyboardTracking(false);
    m_clipboardClear->setToolTip(tr("Passwords copied by the console are removed from the "
                                    "clipboard after this long."));

    auto* form = new QFormLayout(page);
    form->addRow(tr("&Language:"), m_language);
    form->addRow(QString(), languageNote);
    form->addRow(tr("Lock when idle &after:"), m_idleLock);
    form->addRow(tr("Clear copied &passwords after:"), m_clipboardClear);

    connect(m_language, &QComboBox::currentIndexChanged, this, [this] {
        const QString code = m_language->currentData().toString();
        QSettings().setValue(kLanguageKey, code);
        emit languageChanged(code);
    });
    connect(m_idleLock, &QSpinBox::valueChanged, this, [this](int minutes) {
        QSettings().setValue(kIdleLockKey, minutes);
        emit idleLockMinutesChanged(minutes);
    });
    connect(m_clipboardClear, &QSpinBox::valueChanged, this,
            [](int seconds) { QSettings().setValue(kClipboardClearKey, seconds); });
    return page;
}

// Shows the stored values without treating them as changes.
void SettingsView::loadSettings() {
    {
        const QSignalBlocker blocker(m_language);
        const int index = m_language->findData(language());
        m_language->setCurrentIndex(index >= 0 ? index : 0);
    }
    {
        const QSignalBlocker blocker(m_idleLock);
        m_idleLock->setValue(idleLockMinutes());
    }
    {
        const QSignalBlocker blocker(m_clipboardClear);
        m_clipboardClear->setValue(clipboardClearSeconds());
    }
}

void SettingsView::updateUsersTab() {
    // The server refuses user management to other roles anyway; the tab is only hidden.
    if (m_connection->isAdmin() && !m_users) {
        m_users = new UsersPanel(m_connection, m_clipboard);
        m_users->setObjectName(QStringLiteral("usersTab"));
        m_tabs->addTab(m_users, tr("Users"));
        if (m_connection->isLoggedIn())
            m_users->refresh();
    } else if (!m_connection->isAdmin() && m_users) {
        m_tabs->removeTab(m_tabs->indexOf(m_users));
        delete m_users;
        m_users = nullptr;
    }
}

void SettingsView::refresh() {
    loadSettings();
    UsersPanel* const existing = m_users;
    updateUsersTab(); // a new panel loads itself
    if (m_users && m_users == existing)
        m_users->refresh();
}

} // namespace yagura::console
