#include "ResponseView.h"

#include "ResponseDialog.h"

#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace yagura::console {

CommandsPanel::CommandsPanel(ServerConnection* connection, QWidget* parent)
    : QWidget(parent), m_connection(connection) {
    m_model = new CommandsModel(connection, this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("commandsTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_output = new QPushButton(tr("Show collected data…"), this);
    m_output->setObjectName(QStringLiteral("commandOutputButton"));
    m_output->setEnabled(false);
    auto* refresh = new QPushButton(tr("Refresh"), this);
    m_error = new QLabel(this);
    m_error->setStyleSheet(QStringLiteral("color: #c62828"));
    auto* actions = new QHBoxLayout;
    actions->addWidget(m_error, 1);
    actions->addWidget(m_output);
    actions->addWidget(refresh);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(actions);
    layout->addWidget(m_table, 1);
    connect(refresh, &QPushButton::clicked, m_model, &CommandsModel::refresh);
    connect(m_model, &CommandsModel::loadFailed, m_error, &QLabel::setText);
    auto updateOutput = [this] {
        const auto rows = m_table->selectionModel()->selectedRows();
        m_output->setEnabled(!rows.isEmpty() &&
                             rows.first().data(CommandsModel::OutputSizeRole).toULongLong() > 0);
    };
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, updateOutput);
    connect(m_model, &QAbstractItemModel::modelReset, this, updateOutput);
    connect(m_model, &QAbstractItemModel::modelReset, m_table, [this] {
        m_table->resizeColumnsToContents();
        // A long reason must not push the result off screen.
        m_table->setColumnWidth(CommandsModel::ReasonColumn,
                                std::min(m_table->columnWidth(CommandsModel::ReasonColumn), 260));
    });
    connect(m_output, &QPushButton::clicked, this, &CommandsPanel::showOutput);
}

void CommandsPanel::showOutput() {
    const auto rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const quint64 id = rows.first().data(CommandsModel::CommandIdRole).toULongLong();
    proto::OperatorRequest request;
    request.mutable_get_command_output()->set_id(id);
    m_connection->call(request, this, [this, id](const CallResult& result) {
        if (!result.ok()) {
            m_error->setText(result.error);
            return;
        }
        const auto& output = result.response->get_command_output();
        const QByteArray bytes = QByteArray::fromStdString(output.output());
        auto* dialog = new QDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setObjectName(QStringLiteral("commandOutputDialog"));
        dialog->setWindowTitle(tr("Collected by command %1").arg(id));
        auto* text = new QPlainTextEdit(dialog);
        text->setReadOnly(true);
        text->setMinimumSize(720, 420);
        const bool binary = output.output_type() == "application/octet-stream";
        text->setPlainText(binary ? tr("A file of %1 bytes, SHA-256 %2. Save it to examine it.")
                                        .arg(bytes.size())
                                        .arg(QString::fromStdString(output.sha256()))
                                  : QString::fromUtf8(bytes));
        auto* buttons =
            new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Close, dialog);
        connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
        connect(buttons, &QDialogButtonBox::accepted, dialog, [dialog, bytes] {
            const QString path = QFileDialog::getSaveFileName(dialog, tr("Save collected data"));
            if (path.isEmpty())
                return;
            QFile file(path);
            if (file.open(QIODevice::WriteOnly))
                file.write(bytes);
        });
        auto* layout = new QVBoxLayout(dialog);
        layout->addWidget(text, 1);
        layout->addWidget(buttons);
        dialog->show();
    });
}

ResponseView::ResponseView(ServerConnection* connection, QWidget* parent)
    : QWidget(parent), m_connection(connection) {
    auto* tabs = new QTabWidget(this);
    m_commands = new CommandsPanel(connection, this);
    tabs->addTab(m_commands, tr("Commands"));

    auto* quarantinePage = new QWidget(this);
    m_quarantine = new QTableWidget(0, 6, quarantinePage);
    m_quarantine->setObjectName(QStringLiteral("quarantineTable"));
    m_quarantine->setHorizontalHeaderLabels(
        {tr("Host"), tr("File"), tr("Size"), tr("SHA-256"), tr("Quarantined"), tr("Reason")});
    m_quarantine->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_quarantine->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_quarantine->setSelectionMode(QAbstractItemView::SingleSelection);
    m_quarantine->verticalHeader()->setVisible(false);
    m_quarantine->horizontalHeader()->setStretchLastSection(true);
    m_restore = new QPushButton(tr("Restore…"), quarantinePage);
    m_restore->setObjectName(QStringLiteral("restoreButton"));
    m_restore->setEnabled(false);
    m_restore->setVisible(connection->canManageAgents());
    m_quarantineError = new QLabel(quarantinePage);
    m_quarantineError->setStyleSheet(QStringLiteral("color: #c62828"));
    auto* row = new QHBoxLayout;
    row->addWidget(m_quarantineError, 1);
    row->addWidget(m_restore);
    auto* quarantineLayout = new QVBoxLayout(quarantinePage);
    quarantineLayout->setContentsMargins(0, 0, 0, 0);
    quarantineLayout->addLayout(row);
    quarantineLayout->addWidget(m_quarantine, 1);
    tabs->addTab(quarantinePage, tr("Quarantine"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    connect(m_quarantine, &QTableWidget::itemSelectionChanged, this,
            [this] { m_restore->setEnabled(!m_quarantine->selectedItems().isEmpty()); });
    connect(m_restore, &QPushButton::clicked, this, &ResponseView::restoreSelected);
    // A finished quarantine or restore changes the list.
    connect(connection, &ServerConnection::commandChanged, this,
            [this](const proto::CommandRecord& command) {
                if ((command.action() == proto::QUARANTINE || command.action() == proto::RESTORE) &&
                    command.state() == "succeeded")
                    refresh();
            });
}

void ResponseView::refresh() {
    m_commands->model()->refresh();
    proto::OperatorRequest request;
    request.mutable_list_quarantine();
    m_connection->call(request, this, [this](const CallResult& result) {
        if (!result.ok()) {
            m_quarantineError->setText(result.error);
            return;
        }
        m_quarantineError->clear();
        const auto& items = result.response->list_quarantine().items();
        m_items.assign(items.begin(), items.end());
        m_quarantine->setRowCount(static_cast<int>(m_items.size()));
        for (int r = 0; r < static_cast<int>(m_items.size()); ++r) {
            const auto& item = m_items[static_cast<std::size_t>(r)];
            const QStringList cells = {
                QString::fromStdString(item.hostname()),
                QString::fromStdString(item.item().path()),
                QLocale().formattedDataSize(static_cast<qint64>(item.item().size())),
                QString::fromStdString(item.item().sha256()),
                QLocale().toString(QDateTime::fromSecsSinceEpoch(
                                       static_cast<qint64>(item.item().quarantined_at_unix())),
                                   QLocale::ShortFormat),
                QString::fromStdString(item.item().reason())};
            for (int c = 0; c < cells.size(); ++c)
                m_quarantine->setItem(r, c, new QTableWidgetItem(cells[c]));
        }
        m_quarantine->resizeColumnsToContents();
        m_restore->setEnabled(false);
    });
}

void ResponseView::restoreSelected() {
    const int row = m_quarantine->currentRow();
    if (row < 0 || row >= static_cast<int>(m_items.size()))
        return;
    const auto& item = m_items[static_cast<std::size_t>(row)];
    proto::CreateCommandRequest request;
    request.set_agent_id(item.agent_id());
    request.set_action(proto::RESTORE);
    request.mutable_restore()->set_quarantine_id(item.item().id());
    auto* dialog =
        new ResponseDialog(m_connection, QString::fromStdString(item.hostname()), request, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace yagura::console
