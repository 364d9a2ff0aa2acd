#include "AlertsModel.h"

#include <QDateTime>
#include <QFont>
#include <QLocale>
#include <QPainter>
#include <QPixmap>

namespace yagura::console {

namespace {
QString q(const std::string& text) {
    return QString::fromStdString(text);
}

QDateTime fromMillis(std::uint64_t unixMs) {
    return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(unixMs));
}
} // namespace

AlertsModel::AlertsModel(ServerConnection* connection, QObject* parent)
    : QAbstractTableModel(parent), m_connection(connection) {
    connect(m_connection, &ServerConnection::alertChanged, this, &AlertsModel::updateAlert);
    // The host column carries the isolation badge.
    connect(m_connection, &ServerConnection::isolationChanged, this, [this](quint64 agentId) {
        for (int row = 0; row < static_cast<int>(m_alerts.size()); ++row)
            if (m_alerts[static_cast<std::size_t>(row)].agent_id() == agentId)
                emit dataChanged(index(row, HostColumn), index(row, HostColumn));
    });
    // Changes pushed while the server was unreachable are lost: start over once it is back.
    connect(m_connection, &ServerConnection::connectionStateChanged, this, [this](bool connected) {
        if (connected && m_loadedOnce)
            reload();
    });
}

Severity AlertsModel::severityOf(const QString& level) {
    if (level == QLatin1String("critical"))
        return Severity::Critical;
    if (level == QLatin1String("high"))
        return Severity::High;
    if (level == QLatin1String("medium"))
        return Severity::Medium;
    if (level == QLatin1String("low"))
        return Severity::Low;
    return Severity::Info;
}

QString AlertsModel::levelText(const QString& level) {
    if (level == QLatin1String("informational"))
        return tr("Informational");
    if (level == QLatin1String("low"))
        return tr("Low");
    if (level == QLatin1String("medium"))
        return tr("Medium");
    if (level == QLatin1String("high"))
        return tr("High");
    if (level == QLatin1String("critical"))
        return tr("Critical");
    return level;
}

QIcon AlertsModel::levelIcon(const QString& level) {
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(severityColor(severityOf(level)));
    painter.drawEllipse(QRectF(3, 3, 10, 10));
    return QIcon(pixmap);
}

QString AlertsModel::statusText(const QString& status) {
    if (status == QLatin1String("new"))
        return tr("New");
    if (status == QLatin1String("acknowledged"))
        return tr("Acknowledged");
    if (status == QLatin1String("in_progress"))
        return tr("In progress");
    if (status == QLatin1String("resolved"))
        return tr("Resolved");
    if (status == QLatin1String("false_positive"))
        return tr("False positive");
    return status;
}

QStringList AlertsModel::openStatuses() {
    return {QStringLiteral("new"), QStringLiteral("acknowledged"), QStringLiteral("in_progress")};
}

int AlertsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_alerts.size());
}

int AlertsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

const proto::AlertSummary* AlertsModel::alertAt(int row) const {
    if (row < 0 || row >= static_cast<int>(m_alerts.size()))
        return nullptr;
    return &m_alerts[static_cast<std::size_t>(row)];
}

int AlertsModel::rowOfAlert(quint64 id) const {
    for (std::size_t i = 0; i < m_alerts.size(); ++i)
        if (m_alerts[i].id() == id)
            return static_cast<int>(i);
    return -1;
}

QVariant AlertsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& alert = m_alerts[static_cast<std::size_t>(index.row())];
    const QString level = q(alert.level());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        switch (index.column()) {
        case LevelColumn:
            return levelText(level);
        case StatusColumn:
            return statusText(q(alert.status()));
        case RuleColumn:
            return alert.rule_title().empty() ? q(alert.rule_id()) : q(alert.rule_title());
        case HostColumn: {
            const QString host =
                alert.hostname().empty() ? tr("(unknown host)") : q(alert.hostname());
            return m_connection->isIsolated(alert.agent_id()) ? tr("%1 · isolated").arg(host)
                                                              : host;
        }
        case ImageColumn:
            return q(alert.image());
        case CountColumn:
            return QLocale().toString(alert.count());
        case LastSeenColumn:
            return QLocale().toString(fromMillis(alert.last_seen_unix_ms()), QLocale::ShortFormat);
        case AssigneeColumn:
            return q(alert.assignee());
        default:
            return {};
        }
    case Qt::DecorationRole:
        if (index.column() == LevelColumn)
            return levelIcon(level);
        return {};
    case Qt::ForegroundRole:
        if (index.column() == LevelColumn)
            return severityColor(severityOf(level));
        return {};
    case Qt::FontRole:
        if (alert.status() == "new") {
            // Nobody has looked at it yet.
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == CountColumn)
            return static_cast<int>(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case RuleColumn:
            return tr("Rule %1").arg(q(alert.rule_id()));
        case ImageColumn:
            return q(alert.image());
        case LastSeenColumn:
        case CountColumn:
            return tr("First seen %1, last seen %2")
                .arg(
                    QLocale().toString(fromMillis(alert.first_seen_unix_ms()), QLocale::LongFormat),
                    QLocale().toString(fromMillis(alert.last_seen_unix_ms()), QLocale::LongFormat));
        default:
            return {};
        }
    case AlertIdRole:
        return QVariant::fromValue<quint64>(alert.id());
    case LevelRole:
        return level;
    case StatusRole:
        return q(alert.status());
    default:
        return {};
    }
}

QVariant AlertsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case LevelColumn:
        return tr("Level");
    case StatusColumn:
        return tr("Status");
    case RuleColumn:
        return tr("Rule");
    case HostColumn:
        return tr("Host");
    case ImageColumn:
        return tr("Image");
    case CountColumn:
        return tr("Count");
    case LastSeenColumn:
        return tr("Last seen");
    case AssigneeColumn:
        return tr("Assignee");
    default:
        return {};
    }
}

bool AlertsModel::canFetchMore(const QModelIndex& parent) const {
    if (parent.isValid() || m_fetching || !m_connection->isLoggedIn())
        return false;
    return !m_loadedOnce || static_cast<int>(m_alerts.size()) < m_total;
}

void AlertsModel::fetchMore(const QModelIndex& parent) {
    if (!canFetchMore(parent))
        return;
    requestPage(static_cast<int>(m_alerts.size()), m_generation);
}

void AlertsModel::requestPage(int offset, quint64 generation) {
    m_fetching = true;
    proto::OperatorRequest request;
    auto* list = request.mutable_list_alerts();
    list->set_offset(static_cast<std::uint32_t>(offset));
    list->set_limit(static_cast<std::uint32_t>(m_pageSize));
    for (const QString& status : m_statuses)
        list->add_statuses(status.toStdString());
    for (const QString& level : m_filter.levels)
        list->add_levels(level.toStdString());
    list->set_search(m_filter.search.toStdString());
    list->set_tag(m_filter.tag.toStdString());
    list->set_since_unix_ms(static_cast<std::uint64_t>(std::max<qint64>(0, m_filter.sinceUnixMs)));
    m_connection->call(request, this, [this, generation](const CallResult& result) {
        if (generation != m_generation)
            return; // a reset happened meanwhile; its own request is on the way
        m_fetching = false;
        if (!result.ok()) {
            emit loadFailed(result.error);
            return;
        }
        m_loadedOnce = true;
        const auto& page = result.response->list_alerts();
        m_total = static_cast<int>(page.total());
        // Offset paging over a list that grows at the top: a page may repeat rows already
        // here (new alerts pushed meanwhile shifted it). Keep the first copy.
        std::vector<proto::AlertSummary> fresh;
        for (const auto& alert : page.alerts())
            if (rowOfAlert(alert.id()) < 0)
                fresh.push_back(alert);
        if (!fresh.empty()) {
            const int first = static_cast<int>(m_alerts.size());
            beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
            m_alerts.insert(m_alerts.end(), fresh.begin(), fresh.end());
            endInsertRows();
        }
        if (page.alerts_size() == 0 && static_cast<int>(m_alerts.size()) < m_total)
            m_total = static_cast<int>(m_alerts.size()); // the rest went away meanwhile
        emit pageLoaded(static_cast<int>(m_alerts.size()), m_total);
    });
}

void AlertsModel::reload() {
    beginResetModel();
    m_alerts.clear();
    m_total = 0;
    m_loadedOnce = false;
    m_fetching = false;
    ++m_generation;
    endResetModel();
    if (m_connection->isLoggedIn())
        requestPage(0, m_generation);
}

void AlertsModel::setStatusFilter(const QStringList& statuses) {
    if (statuses == m_statuses)
        return;
    m_statuses = statuses;
    // Before the first fetch there is nothing to redo: the first page uses the new filter.
    if (m_loadedOnce || m_fetching)
        reload();
}

void AlertsModel::updateAlert(const proto::AlertSummary& alert) {
    const int row = rowOfAlert(alert.id());
    if (row >= 0) {
        m_alerts[static_cast<std::size_t>(row)] = alert;
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    // Not loaded yet: the first page brings it. Outside the filter: not shown.
    if (!m_loadedOnce || !matchesFilter(alert))
        return;
    // New, or fired again after being further down: either way it is now the newest. (In the
    // second case the total is one too high until the next page brings the server's count.)
    beginInsertRows({}, 0, 0);
    m_alerts.insert(m_alerts.begin(), alert);
    ++m_total;
    endInsertRows();
}

void AlertsModel::setFilter(const Filter& filter) {
    if (filter == m_filter)
        return;
    m_filter = filter;
    if (m_loadedOnce || m_fetching)
        reload();
}

bool AlertsModel::matchesFilter(const proto::AlertSummary& alert) const {
    if (!m_statuses.isEmpty() && !m_statuses.contains(q(alert.status())))
        return false;
    if (!m_filter.levels.isEmpty() && !m_filter.levels.contains(q(alert.level())))
        return false;
    if (!m_filter.search.isEmpty() &&
        !q(alert.hostname()).contains(m_filter.search, Qt::CaseInsensitive) &&
        !q(alert.rule_title()).contains(m_filter.search, Qt::CaseInsensitive) &&
        q(alert.rule_id()) != m_filter.search)
        return false;
    if (!m_filter.tag.isEmpty() &&
        std::none_of(alert.tags().begin(), alert.tags().end(),
                     [&](const std::string& tag) { return q(tag) == m_filter.tag; }))
        return false;
    return m_filter.sinceUnixMs <= 0 ||
           static_cast<qint64>(alert.last_seen_unix_ms()) >= m_filter.sinceUnixMs;
}

} // namespace yagura::console
