#pragma once

#include "AlertsModel.h"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QLabel;
class QListWidget;
class QPushButton;
class QTableView;
class QTableWidget;
class QTreeWidget;

namespace yagura::console {

// Detection alerts: the list (newest first, live), one alert's detail with the process that
// fired it and its storyline, and triage of one or many alerts at once.
class AlertsView : public QWidget {
    Q_OBJECT

public:
    AlertsView(ServerConnection* connection, QWidget* parent = nullptr);
    AlertsModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }

public slots:
    void refresh();

signals:
    void exceptionCreated(quint64 id);
    void alertLoaded(quint64 id);  // the detail pane shows this alert
    void alertUpdated(quint64 id); // a triage action changed this alert

private:
    QWidget* buildDetail();
    void applyStatusFilter();
    void updateCount();
    void copySelection();
    void showAlert(quint64 id);
    void clearDetail();
    void fillSummary(const proto::AlertSummary& alert);
    void fillDetail(const proto::GetAlertResponse& detail);
    QList<quint64> selectedAlerts() const;
    // Asks for an exception's scope, expiry and reason for the one selected alert, then makes it.
    void createException();
    void applyFilter();
    void updateActions();
    void triage(const QString& status, bool needsReason);
    void assignToMe();
    void sendUpdate(const proto::OperatorRequest& request);
    // Kill, quarantine or isolate from the alert shown, after the response dialog.
    void respond(proto::CommandAction action);

    ServerConnection* m_connection;
    AlertsModel* m_model;
    QComboBox* m_filter;
    QComboBox* m_level;
    QComboBox* m_period;
    QLineEdit* m_search;
    QLineEdit* m_tag;
    QLabel* m_count;
    QLabel* m_error;
    QTableView* m_table;
    QWidget* m_detail;
    quint64 m_alertId = 0;
    QLabel* m_placeholder;
    QWidget* m_content; // the detail of one alert; hidden while none is selected
    QLabel* m_title;
    QLabel* m_ruleId;
    QLabel* m_tags;
    QLabel* m_host;
    QLabel* m_counts;
    QLabel* m_times;
    QLabel* m_state;
    QLabel* m_selection;
    QPushButton* m_ack;
    QPushButton* m_start;
    QPushButton* m_resolve;
    QPushButton* m_falsePositive;
    QPushButton* m_assignMe;
    QPushButton* m_exception;
    QPushButton* m_kill;
    QPushButton* m_quarantineImage;
    QPushButton* m_isolateHost;
    proto::CreateCommandRequest m_responseTarget; // what the shown alert's event names
    QString m_responseHost;
    QLabel* m_correlation;
    QTableWidget* m_event;
    QTreeWidget* m_storyline;
    QListWidget* m_history;
    bool m_updating = false;
};

} // namespace yagura::console
