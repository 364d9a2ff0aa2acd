#include "AssetsModel.h"

#include "StatusStyle.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFont>
#include <QLocale>

namespace yagura::console {

namespace {
proto::AgentSortKey sortKeyFor(int column) {
    switch (column) {
    case AssetsModel::HostnameColumn:
        return proto::SORT_HOSTNAME;
    case AssetsModel::StatusColumn:
        return proto::SORT_STATE;
    case AssetsModel::OsColumn:
        return proto::SORT_OS;
    case AssetsModel::GroupColumn:
        return proto::SORT_GROUP;
    case AssetsModel::LastSeenColumn:
        return proto::SORT_LAST_SEEN;
    default:
        return proto::SORT_ID;
    }
}

QString lastSeenText(std::uint64_t unix) {
    if (unix == 0)
        return QCoreApplication::translate("AssetsModel", "never");
    return QLocale().toString(QDateTime::fromSecsSinceEpoch(static_cast<qint64>(unix)),
                              QLocale::ShortFormat);
}
} // namespace

AssetsModel::AssetsModel(ServerConnection* connection, QObject* parent)
    : QAbstractTableModel(parent), m_connection(connection) {
    connect(m_connection, &ServerConnection::agentChanged, this, &AssetsModel::onAgentChanged);
    m_reloadSoon.setSingleShot(true);
    m_reloadSoon.setInterval(500);
    connect(&m_reloadSoon, &QTimer::timeout, this, &AssetsModel::reload);
    // Changes pushed while the server was unreachable are lost: start over once it is back.
    connect(m_connection, &ServerConnection::connectionStateChanged, this, [this](bool connected) {
        if (connected && m_loadedOnce)
            reload();
    });
}

int AssetsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_agents.size());
}

int AssetsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

const proto::AgentSummary* AssetsModel::agentAt(int row) const {
    if (row < 0 || row >= static_cast<int>(m_agents.size()))
        return nullptr;
    return &m_agents[static_cast<std::size_t>(row)];
}

int AssetsModel::rowOfAgent(quint64 id) const {
    for (std::size_t i = 0; i < m_agents.size(); ++i)
        if (m_agents[i].id() == id)
            return static_cast<int>(i);
    return -1;
}

QVariant AssetsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& agent = m_agents[static_cast<std::size_t>(index.row())];
    const AgentStatus status = agentStatus(QString::fromStdString(agent.state()), agent.online());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        switch (index.column()) {
        case HostnameColumn:
            return agent.hostname().empty() ? tr("(unknown host)")
                                            : QString::fromStdString(agent.hostname());
        case StatusColumn:
            // Isolation shows wherever the host is listed.
            return agent.isolated() ? tr("%1 · isolated").arg(statusText(status))
                                    : statusText(status);
        case OsColumn:
            return QString::fromStdString(agent.os());
        case AddressesColumn:
            return QString::fromStdString(agent.addresses());
        case GroupColumn:
            return QString::fromStdString(agent.group());
        case LastSeenColumn:
            return lastSeenText(agent.last_seen_unix());
        case VersionColumn:
            return QString::fromStdString(agent.agent_version());
        case FingerprintColumn:
            return QString::fromStdString(agent.key_fingerprint());
        default:
            return {};
        }
    case Qt::DecorationRole:
        if (index.column() == StatusColumn)
            return statusIcon(status);
        return {};
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn)
            return statusColor(status);
        return {};
    case Qt::FontRole:
        if (status == AgentStatus::Pending) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ToolTipRole:
        if (status == AgentStatus::Pending)
            return tr("Waiting for an operator to accept or reject this agent. Compare the key "
                      "fingerprint with the one the agent printed.");
        if (index.column() == LastSeenColumn && agent.last_seen_unix() != 0)
            return QLocale().toString(
                QDateTime::fromSecsSinceEpoch(static_cast<qint64>(agent.last_seen_unix())),
                QLocale::LongFormat);
        return {};
    case AgentIdRole:
        return QVariant::fromValue<quint64>(agent.id());
    case StateRole:
        return QString::fromStdString(agent.state());
    default:
        return {};
    }
}

QVariant AssetsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case HostnameColumn:
        return tr("Host");
    case StatusColumn:
        return tr("Status");
    case OsColumn:
        return tr("Operating system");
    case AddressesColumn:
        return tr("Addresses");
    case GroupColumn:
        return tr("Group");
    case LastSeenColumn:
        return tr("Last seen");
    case VersionColumn:
        return tr("Agent version");
    case FingerprintColumn:
        return tr("Key fingerprint");
    default:
        return {};
    }
}

bool AssetsModel::canFetchMore(const QModelIndex& parent) const {
    if (parent.isValid() || m_fetching || !m_connection->isLoggedIn())
        return false;
    return !m_loadedOnce || static_cast<int>(m_agents.size()) < m_total;
}

void AssetsModel::fetchMore(const QModelIndex& parent) {
    if (!canFetchMore(parent))
        return;
    requestPage(static_cast<int>(m_agents.size()), m_generation);
}

void AssetsModel::requestPage(int offset, quint64 generation) {
    m_fetching = true;
    proto::OperatorRequest request;
    auto* list = request.mutable_list_agents();
    list->set_offset(static_cast<std::uint32_t>(offset));
    list->set_limit(static_cast<std::uint32_t>(m_pageSize));
    list->set_sort(m_sortKey);
    list->set_descending(m_descending);
    list->set_search(m_search.toStdString());
    for (const QString& state : m_states)
        list->add_states(state.toStdString());
    m_connection->call(request, this, [this, generation](const CallResult& result) {
        if (generation != m_generation)
            return; // a reset happened meanwhile; its own request is on the way
        m_fetching = false;
        if (!result.ok()) {
            emit loadFailed(result.error);
            return;
        }
        m_loadedOnce = true;
        const auto& page = result.response->list_agents();
        m_total = static_cast<int>(page.total());
        std::vector<proto::AgentSummary> fresh;
        for (const auto& agent : page.agents())
            if (rowOfAgent(agent.id()) < 0) // the list may shift under us between pages
                fresh.push_back(agent);
        if (!fresh.empty()) {
            const int first = static_cast<int>(m_agents.size());
            beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
            m_agents.insert(m_agents.end(), fresh.begin(), fresh.end());
            endInsertRows();
        }
        if (page.agents_size() == 0 && static_cast<int>(m_agents.size()) < m_total)
            m_total = static_cast<int>(m_agents.size()); // the rest went away meanwhile
        emit pageLoaded(static_cast<int>(m_agents.size()), m_total);
    });
}

void AssetsModel::reload() {
    m_reloadSoon.stop();
    beginResetModel();
    m_agents.clear();
    m_total = 0;
    m_loadedOnce = false;
    m_fetching = false;
    ++m_generation;
    endResetModel();
    if (m_connection->isLoggedIn())
        requestPage(0, m_generation);
}

void AssetsModel::sort(int column, Qt::SortOrder order) {
    if (column < 0 || column >= ColumnCount)
        return;
    const auto key = sortKeyFor(column);
    const bool descending = order == Qt::DescendingOrder;
    if (key == m_sortKey && descending == m_descending && m_loadedOnce)
        return;
    m_sortKey = key;
    m_descending = descending;
    reload();
}

void AssetsModel::setSearchText(const QString& text) {
    if (text == m_search)
        return;
    m_search = text;
    reload();
}

void AssetsModel::setStateFilter(const QStringList& states) {
    if (states == m_states)
        return;
    m_states = states;
    reload();
}

void AssetsModel::onAgentChanged(const proto::AgentSummary& agent) {
    const int row = rowOfAgent(agent.id());
    if (row >= 0) {
        m_agents[static_cast<std::size_t>(row)] = agent;
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    // An agent this view has not loaded: new, or beyond the pages fetched so far.
    // When everything is loaded and it matches the filters, it is new: reload to place it
    // where the sort puts it. Otherwise later pages bring it, fresh, when the user scrolls
    // there, or it is outside the filters and not shown at all.
    if (m_loadedOnce && static_cast<int>(m_agents.size()) >= m_total && matchesFilters(agent))
        m_reloadSoon.start();
}

bool AssetsModel::matchesFilters(const proto::AgentSummary& agent) const {
    if (!m_states.isEmpty()) {
        const QString state = QString::fromStdString(agent.state());
        const bool accepted = state == QLatin1String("accepted");
        bool any = false;
        for (const QString& wanted : m_states)
            any |= wanted == state ||
                   (wanted == QLatin1String("online") && accepted && agent.online()) ||
                   (wanted == QLatin1String("offline") && accepted && !agent.online());
        if (!any)
            return false;
    }
    if (m_search.isEmpty())
        return true;
    // The server's search: a substring of host, OS, group, addresses or machine id, or the id.
    for (const std::string* field :
         {&agent.hostname(), &agent.os(), &agent.group(), &agent.addresses(), &agent.machine_id()})
        if (QString::fromStdString(*field).contains(m_search, Qt::CaseInsensitive))
            return true;
    return m_search == QString::number(agent.id());
}

} // namespace yagura::console
