#pragma once

#include "proto/operator.pb.h"

#include <QDialog>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLineEdit;
class QPushButton;
QT_END_NAMESPACE

namespace yagura::console {

// Asks how far an exception made from a false positive reaches: this host, its group or every
// host; only this executable or any; until when; and why (required).
class ExceptionDialog : public QDialog {
    Q_OBJECT

public:
    ExceptionDialog(const proto::AlertSummary& alert, QWidget* parent = nullptr);
    proto::CreateExceptionRequest request() const;

private:
    void updateOk();

    proto::AlertSummary m_alert;
    QComboBox* m_scope;
    QCheckBox* m_anyImage;
    QCheckBox* m_expires;
    QDateTimeEdit* m_until;
    QLineEdit* m_reason;
    QPushButton* m_ok;
};

} // namespace yagura::console
