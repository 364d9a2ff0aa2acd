#include "AuditModel.h"

#include "StatusStyle.h"

#include <QDateTime>
#include <QLocale>

namespace yagura::console {

namespace {
// The short formats carry no seconds, but audit entries often come seconds apart.
QString shortDateTimeWithSeconds(const QLocale& locale) {
    QString time = locale.timeFormat(QLocale::ShortFormat);
    if (!time.contains(QLatin1Char('s'))) {
        const qsizetype minutes = time.indexOf(QLatin1String("mm"));
        if (minutes >= 0)
            time.insert(minutes + 2, QLatin1String(":ss"));
    }
    return locale.dateFormat(QLocale::ShortFormat) + QLatin1Char(' ') + time;
}

bool isProblem(const std::string& outcome) {
    return outcome == "denied" || outcome == "failed";
}

QDateTime entryTime(const proto::AuditEntry& entry) {
    return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(entry.time_unix_ms()));
}
} // namespace

AuditModel::AuditModel(ServerConnection* connection, QObject* parent)
    : QAbstractTableModel(parent), m_connection(connection),
      m_timeFormat(shortDateTimeWithSeconds(QLocale())) {}

int AuditModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int AuditModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

const proto::AuditEntry* AuditModel::entryAt(int row) const {
    if (row < 0 || row >= static_cast<int>(m_entries.size()))
        return nullptr;
    return &m_entries[static_cast<std::size_t>(row)];
}

QVariant AuditModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& entry = m_entries[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        switch (index.column()) {
        case SeqColumn:
            // An identifier, not a quantity: no digit grouping.
            return QString::number(entry.seq());
        case TimeColumn:
            return QLocale().toString(entryTime(entry), m_timeFormat);
        case ActorColumn:
            return QString::fromStdString(entry.actor());
        case ActionColumn:
            return QString::fromStdString(entry.action());
        case TargetColumn:
            return QString::fromStdString(entry.target());
        case OutcomeColumn:
            return QString::fromStdString(entry.outcome());
        case DetailColumn:
            return QString::fromStdString(entry.detail());
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (isProblem(entry.outcome()))
            return severityColor(Severity::High);
        return {};
    case Qt::ToolTipRole:
        if (isProblem(entry.outcome())) {
            // Denials and failures are what an auditor looks for: say why in full.
            const QString detail = QString::fromStdString(entry.detail());
            if (entry.outcome() == "denied")
                return detail.isEmpty() ? tr("Denied by the server.")
                                        : tr("Denied by the server: %1").arg(detail);
            return detail.isEmpty() ? tr("Failed.") : tr("Failed: %1").arg(detail);
        }
        if (index.column() == TimeColumn)
            return QLocale().toString(entryTime(entry), QLocale::LongFormat);
        if (index.column() == DetailColumn && !entry.detail().empty())
            return QString::fromStdString(entry.detail()); // long details are cut in the cell
        return {};
    case SeqRole:
        return QVariant::fromValue<quint64>(entry.seq());
    case OutcomeRole:
        return QString::fromStdString(entry.outcome());
    case HashRole:
        return QString::fromStdString(entry.hash());
    default:
        return {};
    }
}

QVariant AuditModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case SeqColumn:
        return tr("#");
    case TimeColumn:
        return tr("Time");
    case ActorColumn:
        return tr("Actor");
    case ActionColumn:
        return tr("Action");
    case TargetColumn:
        return tr("Target");
    case OutcomeColumn:
        return tr("Outcome");
    case DetailColumn:
        return tr("Detail");
    default:
        return {};
    }
}

bool AuditModel::canFetchMore(const QModelIndex& parent) const {
    return !parent.isValid() && !m_fetching && !m_atEnd && m_connection->isLoggedIn();
}

void AuditModel::fetchMore(const QModelIndex& parent) {
    if (!canFetchMore(parent))
        return;
    requestPage(m_entries.empty() ? 0 : m_entries.back().seq(), m_generation);
}

void AuditModel::requestPage(quint64 afterSeq, quint64 generation) {
    m_fetching = true;
    const int limit = m_pageSize;
    proto::OperatorRequest request;
    auto* list = request.mutable_list_audit();
    list->set_after_seq(afterSeq);
    list->set_limit(static_cast<std::uint32_t>(limit));
    list->set_actor(m_actor.toStdString());
    list->set_action_prefix(m_actionPrefix.toStdString());
    list->set_outcome(m_outcome.toStdString());
    m_connection->call(
        request, this, [this, generation, afterSeq, limit](const CallResult& result) {
            if (generation != m_generation)
                return; // a reset happened meanwhile; its own request is on the way
            m_fetching = false;
            if (!result.ok()) {
                emit loadFailed(result.error);
                return;
            }
            const auto& page = result.response->list_audit();
            std::vector<proto::AuditEntry> fresh;
            quint64 last = m_entries.empty() ? afterSeq : m_entries.back().seq();
            for (const auto& entry : page.entries()) {
                if (entry.seq() <= last)
                    continue; // never show an entry twice, whatever the server sends
                last = entry.seq();
                fresh.push_back(entry);
            }
            // A short page is the end of the log for now; later entries come with a reload.
            if (page.entries_size() < limit)
                m_atEnd = true;
            if (!fresh.empty()) {
                const int first = static_cast<int>(m_entries.size());
                beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
                m_entries.insert(m_entries.end(), fresh.begin(), fresh.end());
                endInsertRows();
            }
            emit pageLoaded(static_cast<int>(m_entries.size()));
        });
}

void AuditModel::reload() {
    beginResetModel();
    m_entries.clear();
    m_atEnd = false;
    m_fetching = false;
    ++m_generation;
    endResetModel();
    // A view may already have asked for the first page while reacting to the reset.
    fetchMore({});
}

void AuditModel::setFilter(const QString& actor, const QString& actionPrefix,
                           const QString& outcome) {
    m_actor = actor.trimmed();
    m_actionPrefix = actionPrefix.trimmed();
    m_outcome = outcome;
    reload();
}

} // namespace yagura::console
