#include "ExceptionsPanel.h"

#include <QCheckBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace yagura::console {

ExceptionsPanel::ExceptionsPanel(ServerConnection* connection, QWidget* parent)
    : QWidget(parent), m_connection(connection) {
    m_table = new QTableWidget(0, 8);
    m_table->setObjectName(QStringLiteral("exceptionsTable"));
    m_table->setHorizontalHeaderLabels({tr("Rule"), tr("Where"), tr("Executable"), tr("Until"),
                                        tr("Silenced"), tr("By"), tr("Reason"), tr("State")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_inactive = new QCheckBox(tr("Show expired and revoked"));
    m_inactive->setObjectName(QStringLiteral("showInactiveExceptions"));
    m_revoke = new QPushButton(tr("Revoke…"));
    m_revoke->setObjectName(QStringLiteral("revokeException"));
    m_revoke->setEnabled(connection->canTriageAlerts());
    m_message = new QLabel(tr("Exceptions are made from a false positive in the Alerts view."));
    m_message->setWordWrap(true);
    auto* row = new QHBoxLayout;
    row->addWidget(m_message, 1);
    row->addWidget(m_inactive);
    row->addWidget(m_revoke);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_table, 1);
    connect(m_inactive, &QCheckBox::toggled, this, &ExceptionsPanel::refresh);
    connect(m_revoke, &QPushButton::clicked, this, [this] {
        if (m_table->selectionModel()->selectedRows().isEmpty())
            return;
        bool ok = false;
        const QString reason =
            QInputDialog::getText(this, tr("Revoke exception"), tr("Why (kept in the audit log):"),
                                  QLineEdit::Normal, {}, &ok);
        if (ok)
            revokeSelected(reason);
    });
}

void ExceptionsPanel::refresh() {
    proto::OperatorRequest request;
    request.mutable_list_exceptions()->set_include_inactive(m_inactive->isChecked());
    m_connection->call(request, this, [this](const CallResult& result) {
        if (!result.ok()) {
            m_message->setText(tr("Could not load the exceptions: %1").arg(result.error));
            return;
        }
        const QLocale locale;
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        m_table->setRowCount(0);
        for (const auto& exception : result.response->list_exceptions().exceptions()) {
            const int row = m_table->rowCount();
            m_table->insertRow(row);
            auto* rule = new QTableWidgetItem(QString::fromStdString(exception.rule_title()));
            rule->setData(Qt::UserRole, static_cast<qulonglong>(exception.id()));
            m_table->setItem(row, 0, rule);
            const QString where =
                exception.scope() == "host"
                    ? tr("host %1").arg(QString::fromStdString(exception.hostname()))
                : exception.scope() == "group"
                    ? tr("group %1").arg(QString::fromStdString(exception.group()))
                    : tr("every host");
            m_table->setItem(row, 1, new QTableWidgetItem(where));
            m_table->setItem(row, 2,
                             new QTableWidgetItem(exception.image().empty()
                                                      ? tr("any")
                                                      : QString::fromStdString(exception.image())));
            const auto expires = static_cast<qint64>(exception.expires_at_unix());
            m_table->setItem(row, 3,
                             new QTableWidgetItem(
                                 expires ? locale.toString(QDateTime::fromSecsSinceEpoch(expires),
                                                           QLocale::ShortFormat)
                                         : tr("no end")));
            m_table->setItem(row, 4, new QTableWidgetItem(locale.toString(exception.hits())));
            m_table->setItem(row, 5,
                             new QTableWidgetItem(QString::fromStdString(exception.created_by())));
            m_table->setItem(row, 6,
                             new QTableWidgetItem(QString::fromStdString(exception.reason())));
            m_table->setItem(row, 7,
                             new QTableWidgetItem(exception.revoked()         ? tr("revoked")
                                                  : expires && expires <= now ? tr("expired")
                                                                              : tr("active")));
        }
        emit loaded();
    });
}

void ExceptionsPanel::revokeSelected(const QString& reason) {
    const auto rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    proto::OperatorRequest request;
    request.mutable_revoke_exception()->set_id(
        m_table->item(rows.first().row(), 0)->data(Qt::UserRole).toULongLong());
    request.mutable_revoke_exception()->set_reason(reason.toStdString());
    m_connection->call(request, this, [this](const CallResult& result) {
        m_message->setText(result.ok() ? tr("Exception revoked: its rule alerts again.")
                                       : tr("Not revoked: %1").arg(result.error));
        refresh();
    });
}

} // namespace yagura::console
