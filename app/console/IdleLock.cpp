#include "IdleLock.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QEvent>

namespace yagura::console {

IdleLock::IdleLock(QObject* parent, WallClock clock)
    : QObject(parent),
      m_clock(clock ? std::move(clock)
                    : WallClock([] { return QDateTime::currentSecsSinceEpoch(); })) {
    m_timer.setInterval(5000);
    connect(&m_timer, &QTimer::timeout, this, &IdleLock::check);
    if (QCoreApplication::instance())
        QCoreApplication::instance()->installEventFilter(this);
    m_lastActivity = m_clock();
}

void IdleLock::setTimeoutMinutes(int minutes) {
    m_minutes = qBound(1, minutes, 24 * 60);
}

void IdleLock::setEnabled(bool enabled) {
    m_enabled = enabled;
    touch();
    if (enabled)
        m_timer.start();
    else
        m_timer.stop();
}

void IdleLock::touch() {
    m_lastActivity = m_clock();
}

void IdleLock::check() {
    if (!m_enabled)
        return;
    if (m_clock() - m_lastActivity >= static_cast<qint64>(m_minutes) * 60) {
        setEnabled(false);
        emit lockRequested();
    }
}

bool IdleLock::eventFilter(QObject* watched, QEvent* event) {
    switch (event->type()) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::MouseMove:
    case QEvent::Wheel:
    case QEvent::TouchBegin:
        m_lastActivity = m_clock();
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace yagura::console
