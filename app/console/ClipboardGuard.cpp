#include "ClipboardGuard.h"

#include <QClipboard>
#include <QGuiApplication>

namespace yagura::console {

ClipboardGuard::ClipboardGuard(QObject* parent) : QObject(parent) {
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ClipboardGuard::clearIfUnchanged);
}

void ClipboardGuard::copySecret(const QString& secret, int clearAfterSeconds) {
    m_secret = secret;
    QGuiApplication::clipboard()->setText(secret);
    m_timer.start(clearAfterSeconds * 1000);
}

void ClipboardGuard::clearIfUnchanged() {
    QClipboard* clipboard = QGuiApplication::clipboard();
    if (clipboard->text() == m_secret)
        clipboard->clear();
    m_secret.fill(QChar(u'\0'));
    m_secret.clear();
}

} // namespace yagura::console
