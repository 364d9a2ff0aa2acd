#pragma once

#include "ServerConnection.h"

#include <QAbstractTableModel>
#include <QString>

#include <vector>

namespace yagura::console {

// The audit log as a table, oldest entry first, fetched from the server a page at a time.
// Filtering happens on the server. The log only grows, so a page is asked for by the last
// sequence number seen rather than by offset: rows never shift under an open view.
class AuditModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        SeqColumn,
        TimeColumn,
        ActorColumn,
        ActionColumn,
        TargetColumn,
        OutcomeColumn,
        DetailColumn,
        ColumnCount
    };
    enum Role { SeqRole = Qt::UserRole + 1, OutcomeRole, HashRole };

    explicit AuditModel(ServerConnection* connection, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

    void setPageSize(int pageSize) { m_pageSize = qBound(1, pageSize, 1000); }
    int pageSize() const { return m_pageSize; }
    // Empty strings match everything. outcome: "", "ok", "denied" or "failed".
    void setFilter(const QString& actor, const QString& actionPrefix, const QString& outcome);
    QString actorFilter() const { return m_actor; }
    QString actionPrefixFilter() const { return m_actionPrefix; }
    QString outcomeFilter() const { return m_outcome; }
    // Drops every row and fetches the first page again.
    void reload();

    bool isLoading() const { return m_fetching; }
    bool isComplete() const { return m_atEnd; }
    const proto::AuditEntry* entryAt(int row) const;

signals:
    void loadFailed(const QString& message);
    void pageLoaded(int rows); // rows now loaded in total

private:
    void requestPage(quint64 afterSeq, quint64 generation);

    ServerConnection* m_connection;
    std::vector<proto::AuditEntry> m_entries;
    int m_pageSize = 200;
    bool m_fetching = false;
    bool m_atEnd = false;     // a page came back short: nothing more until a reload
    quint64 m_generation = 0; // bumps on every reset; stale pages are dropped
    QString m_actor;
    QString m_actionPrefix;
    QString m_outcome;
    QString m_timeFormat; // the locale's short date and time, with seconds
};

} // namespace yagura::console
