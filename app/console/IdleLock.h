#pragma once

#include <QObject>
#include <QTimer>

#include <functional>

namespace yagura::console {

// Locks the console after a period without keyboard or mouse input. Measured on the wall
// clock, so time spent suspended counts as idle; the clock is injectable for tests.
class IdleLock : public QObject {
    Q_OBJECT

public:
    using WallClock = std::function<qint64()>; // seconds since the epoch

    explicit IdleLock(QObject* parent = nullptr, WallClock clock = {});

    void setTimeoutMinutes(int minutes);
    int timeoutMinutes() const { return m_minutes; }
    void setEnabled(bool enabled);
    void touch();
    // Checks now; called by a timer, and by tests after moving the clock.
    void check();

signals:
    void lockRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    WallClock m_clock;
    QTimer m_timer;
    qint64 m_lastActivity = 0;
    int m_minutes = 15;
    bool m_enabled = false;
};

} // namespace yagura::console
