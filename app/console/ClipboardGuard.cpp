#include "ClipboardGuard.h"

#include <QClipboard>
#include <QGuiApplication>

namespace yagura::console {

ClipboardGuard::ClipboardGuard(QObject* parent) : QObject(parent) {
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ClipboardGuard::clearIfUnchanged);
}

void ClipboardGuard::copySecret(const QString& secret, int clearAfterSeconds) {
    // A private buffer, so wiping it later cannot touch (or miss) a shared one.
    m_secret = QString(secret.constData(), secret.size());
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
