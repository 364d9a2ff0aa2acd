#pragma once

#include "ServerConnection.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QLabel;
class QPushButton;
class QTableWidget;
QT_END_NAMESPACE

namespace yagura::console {

// The exceptions made from false positives: rule, where, which executable, until when, who and
// why, and how many alerts each has silenced; revoking one (admins and analysts).
class ExceptionsPanel : public QWidget {
    Q_OBJECT

public:
    explicit ExceptionsPanel(ServerConnection* connection, QWidget* parent = nullptr);
    void refresh();
    QTableWidget* table() const { return m_table; }
    void revokeSelected(const QString& reason);

signals:
    void loaded();

private:
    ServerConnection* m_connection;
    QTableWidget* m_table;
    QCheckBox* m_inactive;
    QPushButton* m_revoke;
    QLabel* m_message;
};

} // namespace yagura::console
