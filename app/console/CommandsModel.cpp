#include "CommandsModel.h"

#include <QColor>
#include <QDateTime>
#include <QLocale>

namespace yagura::console {

namespace {
QString q(const std::string& text) {
    return QString::fromStdString(text);
}
} // namespace

CommandsModel::CommandsModel(ServerConnection* connection, QObject* parent)
    : QAbstractTableModel(parent), m_connection(connection) {
    connect(m_connection, &ServerConnection::commandChanged, this, &CommandsModel::upsert);
}

QString CommandsModel::actionText(proto::CommandAction action) {
    switch (action) {
    case proto::ISOLATE:
        return tr("Isolate");
    case proto::RELEASE:
        return tr("Release");
    case proto::KILL:
        return tr("Kill process");
    case proto::QUARANTINE:
        return tr("Quarantine file");
    case proto::RESTORE:
        return tr("Restore file");
    case proto::COLLECT:
        return tr("Collect");
    default:
        return tr("Unknown");
    }
}

QString CommandsModel::stateText(const QString& state) {
    if (state == QLatin1String("queued"))
        return tr("Queued (agent offline)");
    if (state == QLatin1String("delivered"))
        return tr("Delivered");
    if (state == QLatin1String("acknowledged"))
        return tr("Running on the agent");
    if (state == QLatin1String("applied"))
        return tr("Applied, confirming");
    if (state == QLatin1String("succeeded"))
        return tr("Succeeded");
    if (state == QLatin1String("failed"))
        return tr("Failed");
    if (state == QLatin1String("expired"))
        return tr("Expired");
    return state;
}

void CommandsModel::setAgent(quint64 agentId) {
    m_agentId = agentId;
    refresh();
}

void CommandsModel::refresh() {
    proto::OperatorRequest request;
    request.mutable_list_commands()->set_agent_id(m_agentId);
    request.mutable_list_commands()->set_limit(500);
    const quint64 asked = m_agentId;
    m_connection->call(request, this, [this, asked](const CallResult& result) {
        if (asked != m_agentId)
            return;
        if (!result.ok()) {
            emit loadFailed(result.error);
            return;
        }
        beginResetModel();
        const auto& commands = result.response->list_commands().commands();
        m_rows.assign(commands.begin(), commands.end());
        endResetModel();
    });
}

void CommandsModel::upsert(const proto::CommandRecord& command) {
    if (m_agentId != 0 && command.agent_id() != m_agentId)
        return;
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id() == command.id()) {
            m_rows[i] = command;
            emit dataChanged(index(static_cast<int>(i), 0),
                             index(static_cast<int>(i), ColumnCount - 1));
            return;
        }
    // New commands are the newest: they go on top.
    beginInsertRows({}, 0, 0);
    m_rows.insert(m_rows.begin(), command);
    endInsertRows();
}

const proto::CommandRecord* CommandsModel::command(int row) const {
    return row >= 0 && row < static_cast<int>(m_rows.size())
               ? &m_rows[static_cast<std::size_t>(row)]
               : nullptr;
}

int CommandsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int CommandsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CommandsModel::data(const QModelIndex& index, int role) const {
    const proto::CommandRecord* record = index.isValid() ? command(index.row()) : nullptr;
    if (!record)
        return {};
    if (role == CommandIdRole)
        return QVariant::fromValue<quint64>(record->id());
    if (role == StateRole)
        return q(record->state());
    if (role == OutputSizeRole)
        return QVariant::fromValue<quint64>(record->output_size());
    if (role == Qt::ForegroundRole && index.column() == StateColumn) {
        if (record->state() == "failed" || record->state() == "expired")
            return QColor(0xc6, 0x28, 0x28);
        if (record->state() == "succeeded")
            return QColor(0x2e, 0x7d, 0x32);
        return {};
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case IdColumn:
        return QVariant::fromValue<quint64>(record->id());
    case ActionColumn:
        return actionText(record->action());
    case HostColumn:
        return q(record->hostname());
    case StateColumn:
        return stateText(q(record->state()));
    case ReasonColumn:
        return q(record->reason());
    case ByColumn:
        return record->created_by() == "policy" ? tr("policy (automatic)")
                                                : q(record->created_by());
    case CreatedColumn:
        return QLocale().toString(
            QDateTime::fromSecsSinceEpoch(static_cast<qint64>(record->created_at_unix())),
            QLocale::ShortFormat);
    case DetailColumn:
        return q(record->detail());
    default:
        return {};
    }
}

QVariant CommandsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn:
        return tr("ID");
    case ActionColumn:
        return tr("Action");
    case HostColumn:
        return tr("Host");
    case StateColumn:
        return tr("Status");
    case ReasonColumn:
        return tr("Reason");
    case ByColumn:
        return tr("By");
    case CreatedColumn:
        return tr("Created");
    case DetailColumn:
        return tr("Result");
    default:
        return {};
    }
}

} // namespace yagura::console
