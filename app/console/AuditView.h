#pragma once

#include "ServerConnection.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace yagura::console {

class AuditModel;

// The audit log: a filter row, the entries, and a check of the hash chain on the server.
class AuditView : public QWidget {
    Q_OBJECT

public:
    explicit AuditView(ServerConnection* connection, QWidget* parent = nullptr);

    AuditModel* model() const { return m_model; }

public slots:
    void refresh();

signals:
    void verified(bool intact);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void applyFilter();
    void verifyChain();
    void showVerifyResult(const proto::VerifyAuditResponse& result);
    void copySelection();
    void showError(const QString& message);

    ServerConnection* m_connection;
    AuditModel* m_model;
    QLineEdit* m_actor;
    QLineEdit* m_actionPrefix;
    QComboBox* m_outcome;
    QTableView* m_table;
    QPushButton* m_verify;
    QLabel* m_verifyResult;
    QLabel* m_error;
};

} // namespace yagura::console
