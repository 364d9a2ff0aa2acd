#pragma once

#include "CommandsModel.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;
class QTableWidget;

namespace yagura::console {

// Commands shows every response command with its live status, and what a collect command
// brought back; a table of commands is also each asset's history (AssetsView).
class CommandsPanel : public QWidget {
    Q_OBJECT

public:
    CommandsPanel(ServerConnection* connection, QWidget* parent = nullptr);
    CommandsModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QPushButton* outputButton() const { return m_output; }

private:
    void showOutput();

    ServerConnection* m_connection;
    CommandsModel* m_model;
    QTableView* m_table;
    QPushButton* m_output;
    QLabel* m_error;
};

// The Response page: every command, and the files in the hosts' quarantines (with restore).
class ResponseView : public QWidget {
    Q_OBJECT

public:
    ResponseView(ServerConnection* connection, QWidget* parent = nullptr);
    CommandsPanel* commands() const { return m_commands; }
    QTableWidget* quarantine() const { return m_quarantine; }

public slots:
    void refresh();

private:
    void restoreSelected();

    ServerConnection* m_connection;
    CommandsPanel* m_commands;
    QTableWidget* m_quarantine;
    QPushButton* m_restore;
    QLabel* m_quarantineError;
    std::vector<proto::QuarantineRecord> m_items;
};

} // namespace yagura::console
