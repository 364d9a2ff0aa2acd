#pragma once

#include "ServerConnection.h"

#include <QAbstractTableModel>

#include <vector>

namespace yagura::console {

// Response commands, newest first: every agent's, or one agent's (the asset's history). Live:
// the server's command notifications update rows in place and add new ones.
class CommandsModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        ActionColumn,
        HostColumn,
        StateColumn,
        ReasonColumn,
        ByColumn,
        CreatedColumn,
        DetailColumn,
        ColumnCount
    };
    enum Role { CommandIdRole = Qt::UserRole + 1, StateRole, OutputSizeRole };

    CommandsModel(ServerConnection* connection, QObject* parent = nullptr);

    // 0: every agent.
    void setAgent(quint64 agentId);
    quint64 agent() const { return m_agentId; }
    const proto::CommandRecord* command(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    static QString actionText(proto::CommandAction action);
    static QString stateText(const QString& state);

public slots:
    void refresh();

signals:
    void loadFailed(const QString& error);

private:
    void upsert(const proto::CommandRecord& command);

    ServerConnection* m_connection;
    quint64 m_agentId = 0;
    std::vector<proto::CommandRecord> m_rows;
};

} // namespace yagura::console
