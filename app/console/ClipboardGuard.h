#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

namespace yagura::console {

// Copies a secret to the clipboard and clears it after a timeout, unless the user has copied
// something else meanwhile.
class ClipboardGuard : public QObject {
    Q_OBJECT

public:
    explicit ClipboardGuard(QObject* parent = nullptr);
    void copySecret(const QString& secret, int clearAfterSeconds);
    bool isPending() const { return m_timer.isActive(); }

private:
    void clearIfUnchanged();

    QTimer m_timer;
    QString m_secret;
};

} // namespace yagura::console
