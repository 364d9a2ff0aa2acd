#include "ExceptionDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace yagura::console {

ExceptionDialog::ExceptionDialog(const proto::AlertSummary& alert, QWidget* parent)
    : QDialog(parent), m_alert(alert) {
    setWindowTitle(tr("Exception from a false positive"));
    auto* intro = new QLabel(tr("Rule \"%1\" will not raise alerts again where this exception "
                                "applies. Its events are still recorded.")
                                 .arg(QString::fromStdString(alert.rule_title())));
    intro->setWordWrap(true);
    m_scope = new QComboBox;
    m_scope->setObjectName(QStringLiteral("exceptionScope"));
    m_scope->addItem(tr("This host (%1)").arg(QString::fromStdString(alert.hostname())),
                     QStringLiteral("host"));
    m_scope->addItem(tr("Every host of its group"), QStringLiteral("group"));
    m_scope->addItem(tr("Every host"), QStringLiteral("all"));
    m_anyImage =
        new QCheckBox(tr("Any executable, not only %1").arg(QString::fromStdString(alert.image())));
    m_anyImage->setObjectName(QStringLiteral("exceptionAnyImage"));
    m_expires = new QCheckBox(tr("Ends on"));
    m_expires->setObjectName(QStringLiteral("exceptionExpires"));
    m_expires->setChecked(true);
    m_until = new QDateTimeEdit(QDateTime::currentDateTime().addDays(30));
    m_until->setObjectName(QStringLiteral("exceptionUntil"));
    m_until->setCalendarPopup(true);
    m_until->setMinimumDateTime(QDateTime::currentDateTime().addSecs(60));
    m_reason = new QLineEdit;
    m_reason->setObjectName(QStringLiteral("exceptionReason"));
    m_reason->setPlaceholderText(tr("Why this is not a threat (required)"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Create exception"));
    m_ok->setObjectName(QStringLiteral("createException"));
    auto* expiry = new QHBoxLayout;
    expiry->addWidget(m_expires);
    expiry->addWidget(m_until, 1);
    auto* form = new QFormLayout;
    form->addRow(tr("Where"), m_scope);
    form->addRow(QString(), m_anyImage);
    form->addRow(tr("Until"), expiry);
    form->addRow(tr("Reason"), m_reason);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_reason, &QLineEdit::textChanged, this, &ExceptionDialog::updateOk);
    connect(m_expires, &QCheckBox::toggled, m_until, &QWidget::setEnabled);
    updateOk();
}

void ExceptionDialog::updateOk() {
    m_ok->setEnabled(!m_reason->text().trimmed().isEmpty());
}

proto::CreateExceptionRequest ExceptionDialog::request() const {
    proto::CreateExceptionRequest request;
    request.set_alert_id(m_alert.id());
    request.set_scope(m_scope->currentData().toString().toStdString());
    request.set_any_image(m_anyImage->isChecked());
    if (m_expires->isChecked())
        request.set_expires_at_unix(
            static_cast<std::uint64_t>(m_until->dateTime().toSecsSinceEpoch()));
    request.set_reason(m_reason->text().trimmed().toStdString());
    return request;
}

} // namespace yagura::console
