#pragma once

#include "ServerConnection.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QTreeWidget;
QT_END_NAMESPACE

namespace yagura::console {

// Event search: one host's telemetry in a time range, optionally of one category and with a
// text in a field, oldest first, a page at a time; the selected event's fields below.
class EventsView : public QWidget {
    Q_OBJECT

public:
    explicit EventsView(ServerConnection* connection, QWidget* parent = nullptr);

    void refresh(); // reloads the host list
    // For tests and for "show events" from other views.
    void searchHost(quint64 agentId, const QDateTime& from, const QDateTime& to,
                    const QString& category = {}, const QString& contains = {});
    QTableWidget* results() const { return m_results; }
    QTreeWidget* detail() const { return m_detail; }

public slots:
    void search();

signals:
    void hostsLoaded();
    void searched(int rows);

private:
    void fetch(bool more);
    void showDetail();

    ServerConnection* m_connection;
    QComboBox* m_host;
    QComboBox* m_category;
    QLineEdit* m_contains;
    QDateTimeEdit* m_from;
    QDateTimeEdit* m_to;
    QPushButton* m_search;
    QPushButton* m_more;
    QLabel* m_message;
    QTableWidget* m_results;
    QTreeWidget* m_detail;
    std::vector<proto::EventRecord> m_events;
    quint64 m_generation = 0;
};

} // namespace yagura::console
