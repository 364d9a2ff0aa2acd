#pragma once

#include "AssetsModel.h"
#include "ResponseView.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QTableWidget;

namespace yagura::console {

// One agent's full inventory, with the state actions an operator's role allows.
class AssetDetailPane : public QWidget {
    Q_OBJECT

public:
    AssetDetailPane(ServerConnection* connection, QWidget* parent = nullptr);
    void showAgent(quint64 agentId);
    void clear();
    quint64 agentId() const { return m_agentId; }
    CommandsPanel* commands() const { return m_commands; }
    QPushButton* isolateButton() const { return m_isolate; }

signals:
    void agentStateChanged(quint64 agentId);
    void loaded(quint64 agentId);

private:
    void fill(const proto::GetAssetResponse& asset);
    void act(proto::AgentAction action);
    void updateActions(const proto::AgentSummary& agent);
    void respond(proto::CommandAction action);

    ServerConnection* m_connection;
    quint64 m_agentId = 0;
    proto::AgentSummary m_agent;
    QLabel* m_title;
    QLabel* m_fingerprint;
    QLabel* m_error;
    QPushButton* m_copyFingerprint;
    QPushButton* m_accept;
    QPushButton* m_reject;
    QPushButton* m_revoke;
    QPushButton* m_isolate;
    QPushButton* m_release;
    QPushButton* m_collect;
    QPushButton* m_quarantine;
    QTabWidget* m_tabs;
    CommandsPanel* m_commands;
    QTableWidget* m_overview;
    QTableWidget* m_interfaces;
    QTableWidget* m_ports;
    QTableWidget* m_users;
    QTableWidget* m_packages;
    QTableWidget* m_services;
};

class AssetsView : public QWidget {
    Q_OBJECT

public:
    AssetsView(ServerConnection* connection, QWidget* parent = nullptr);
    AssetsModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    AssetDetailPane* detail() const { return m_detail; }

public slots:
    void refresh();

private:
    void applyStateFilter();
    void updateCount();
    void copySelection();

    ServerConnection* m_connection;
    AssetsModel* m_model;
    QTableView* m_table;
    QLineEdit* m_search;
    QComboBox* m_state;
    QLabel* m_count;
    AssetDetailPane* m_detail;
};

} // namespace yagura::console
