#include "StatusStyle.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPixmap>

namespace yagura::console {

AgentStatus agentStatus(const QString& state, bool online) {
    if (state == QLatin1String("pending"))
        return AgentStatus::Pending;
    if (state == QLatin1String("rejected"))
        return AgentStatus::Rejected;
    if (state == QLatin1String("revoked"))
        return AgentStatus::Revoked;
    return online ? AgentStatus::Online : AgentStatus::Offline;
}

QColor statusColor(AgentStatus status) {
    switch (status) {
    case AgentStatus::Online:
        return QColor(0x2e, 0x7d, 0x32); // green
    case AgentStatus::Offline:
        return QColor(0x75, 0x75, 0x75); // grey
    case AgentStatus::Pending:
        return QColor(0xef, 0x8f, 0x00); // amber
    case AgentStatus::Rejected:
        return QColor(0x8d, 0x6e, 0x63); // brown
    case AgentStatus::Revoked:
        return QColor(0xc6, 0x28, 0x28); // red
    case AgentStatus::Isolated:
        return QColor(0x6a, 0x1b, 0x9a); // purple
    }
    return Qt::black;
}

QString statusText(AgentStatus status) {
    switch (status) {
    case AgentStatus::Online:
        return QCoreApplication::translate("Status", "Online");
    case AgentStatus::Offline:
        return QCoreApplication::translate("Status", "Offline");
    case AgentStatus::Pending:
        return QCoreApplication::translate("Status", "Pending approval");
    case AgentStatus::Rejected:
        return QCoreApplication::translate("Status", "Rejected");
    case AgentStatus::Revoked:
        return QCoreApplication::translate("Status", "Revoked");
    case AgentStatus::Isolated:
        return QCoreApplication::translate("Status", "Isolated");
    }
    return {};
}

QIcon statusIcon(AgentStatus status) {
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(statusColor(status));
    if (status == AgentStatus::Pending) {
        // A diamond, so the state does not rest on colour alone.
        const QPointF diamond[] = {{8, 2}, {14, 8}, {8, 14}, {2, 8}};
        painter.drawPolygon(diamond, 4);
    } else if (status == AgentStatus::Revoked || status == AgentStatus::Rejected) {
        painter.drawRect(QRectF(3, 3, 10, 10));
    } else {
        painter.drawEllipse(QRectF(3, 3, 10, 10));
    }
    return QIcon(pixmap);
}

QColor severityColor(Severity severity) {
    switch (severity) {
    case Severity::Info:
        return QColor(0x15, 0x65, 0xc0);
    case Severity::Low:
        return QColor(0x2e, 0x7d, 0x32);
    case Severity::Medium:
        return QColor(0xef, 0x8f, 0x00);
    case Severity::High:
        return QColor(0xe6, 0x51, 0x00);
    case Severity::Critical:
        return QColor(0xc6, 0x28, 0x28);
    }
    return Qt::black;
}

} // namespace yagura::console
