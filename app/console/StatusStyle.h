#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

namespace yagura::console {

// The one colour language of the console: the same state is the same colour everywhere
// (tables, charts, tiles, the detail pane).
enum class AgentStatus { Online, Offline, Pending, Rejected, Revoked, Isolated };

AgentStatus agentStatus(const QString& state, bool online);
QColor statusColor(AgentStatus status);
QString statusText(AgentStatus status); // translated
QIcon statusIcon(AgentStatus status);   // a filled dot in the status colour

enum class Severity { Info, Low, Medium, High, Critical };
QColor severityColor(Severity severity);

} // namespace yagura::console
