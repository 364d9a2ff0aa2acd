#pragma once

#include "ServerConnection.h"
#include "StatusStyle.h"

#include <QAbstractTableModel>
#include <QIcon>
#include <QStringList>

#include <vector>

namespace yagura::console {

// Detection alerts as a table, newest first, fetched from the server a page at a time.
// Filtering happens on the server. Live changes pushed by the server update rows in place;
// a new alert that matches the filter appears at the top.
class AlertsModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        LevelColumn,
        StatusColumn,
        RuleColumn,
        HostColumn,
        ImageColumn,
        CountColumn,
        LastSeenColumn,
        AssigneeColumn,
        ColumnCount
    };
    enum Role { AlertIdRole = Qt::UserRole + 1, LevelRole, StatusRole };

    explicit AlertsModel(ServerConnection* connection, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

    void setPageSize(int pageSize) { m_pageSize = pageSize; }
    // new, acknowledged, in_progress, resolved, false_positive; empty: every status.
    void setStatusFilter(const QStringList& statuses);
    QStringList statusFilter() const { return m_statuses; }
    // The other filters, all applied by the server (and to pushed alerts): levels (empty: all),
    // text in host name / rule title / rule id, one exact tag, last seen since (0: any time).
    struct Filter {
        QStringList levels;
        QString search;
        QString tag;
        qint64 sinceUnixMs = 0;
        bool operator==(const Filter&) const = default;
    };
    void setFilter(const Filter& filter);
    const Filter& filter() const { return m_filter; }
    // Drops every row and fetches the first page again.
    void reload();
    // Applies a changed alert (pushed by the server or returned by an update).
    void updateAlert(const proto::AlertSummary& alert);

    int totalOnServer() const { return m_total; }
    bool isLoading() const { return m_fetching; }
    const proto::AlertSummary* alertAt(int row) const;
    int rowOfAlert(quint64 id) const;

    // The Sigma level (informational, low, medium, high, critical) in the console's terms.
    static Severity severityOf(const QString& level);
    static QString levelText(const QString& level);   // translated
    static QIcon levelIcon(const QString& level);     // a filled dot in the severity colour
    static QString statusText(const QString& status); // translated
    static QStringList openStatuses();                // new, acknowledged, in_progress

signals:
    void loadFailed(const QString& message);
    void pageLoaded(int rows, int total);

private:
    void requestPage(int offset, quint64 generation);
    bool matchesFilter(const proto::AlertSummary& alert) const;

    ServerConnection* m_connection;
    std::vector<proto::AlertSummary> m_alerts;
    int m_total = 0;
    int m_pageSize = 200;
    bool m_fetching = false;
    bool m_loadedOnce = false;
    quint64 m_generation = 0; // bumps on every reset; stale pages are dropped
    QStringList m_statuses;
    Filter m_filter;
};

} // namespace yagura::console
