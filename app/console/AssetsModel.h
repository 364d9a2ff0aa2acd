#pragma once

#include "ServerConnection.h"

#include <QAbstractTableModel>
#include <QStringList>
#include <QTimer>

#include <vector>

namespace yagura::console {

// The fleet as a table, fetched from the server a page at a time. Sorting and filtering happen
// on the server; live changes pushed by the server update rows in place.
class AssetsModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        HostnameColumn,
        StatusColumn,
        OsColumn,
        AddressesColumn,
        GroupColumn,
        LastSeenColumn,
        VersionColumn,
        FingerprintColumn,
        ColumnCount
    };
    enum Role { AgentIdRole = Qt::UserRole + 1, StateRole, SummaryRole };

    explicit AssetsModel(ServerConnection* connection, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    void sort(int column, Qt::SortOrder order) override;

    void setPageSize(int pageSize) { m_pageSize = pageSize; }
    void setSearchText(const QString& text);
    void setStateFilter(const QStringList& states); // pending, online, offline, rejected, revoked
    // Drops every row and fetches the first page again.
    void reload();

    int totalOnServer() const { return m_total; }
    bool isLoading() const { return m_fetching; }
    const proto::AgentSummary* agentAt(int row) const;
    int rowOfAgent(quint64 id) const;

signals:
    void loadFailed(const QString& message);
    void pageLoaded(int rows, int total);

private:
    void requestPage(int offset, quint64 generation);
    void onAgentChanged(const proto::AgentSummary& agent);
    bool matchesFilters(const proto::AgentSummary& agent) const;

    ServerConnection* m_connection;
    std::vector<proto::AgentSummary> m_agents;
    int m_total = 0;
    int m_pageSize = 200;
    bool m_fetching = false;
    bool m_loadedOnce = false;
    quint64 m_generation = 0; // bumps on every reset; stale pages are dropped
    QString m_search;
    QStringList m_states;
    proto::AgentSortKey m_sortKey = proto::SORT_HOSTNAME;
    bool m_descending = false;
    QTimer m_reloadSoon;
};

} // namespace yagura::console
