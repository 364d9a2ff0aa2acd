#include "AuditView.h"

#include "AuditModel.h"
#include "StatusStyle.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMap>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace yagura::console {

namespace {
QString colorStyle(const QColor& color) {
    return QStringLiteral("color: %1;").arg(color.name());
}

// One cell on one line of tab-separated text: tabs and line breaks would split it.
QString clipboardCell(QString text) {
    for (QChar& c : text)
        if (c == u'\t' || c == u'\n' || c == u'\r')
            c = u' ';
    return text;
}
} // namespace

AuditView::AuditView(ServerConnection* connection, QWidget* parent)
    : QWidget(parent), m_connection(connection), m_model(new AuditModel(connection, this)) {
    m_actor = new QLineEdit(this);
    m_actor->setObjectName(QStringLiteral("auditActorFilter"));
    m_actor->setPlaceholderText(tr("Actor, e.g. user:admin"));
    m_actor->setClearButtonEnabled(true);
    m_actionPrefix = new QLineEdit(this);
    m_actionPrefix->setObjectName(QStringLiteral("auditActionFilter"));
    m_actionPrefix->setPlaceholderText(tr("Action starts with, e.g. operator."));
    m_actionPrefix->setClearButtonEnabled(true);
    m_outcome = new QComboBox(this);
    m_outcome->setObjectName(QStringLiteral("auditOutcomeFilter"));
    m_outcome->addItem(tr("Any outcome"), QString());
    m_outcome->addItem(tr("OK"), QStringLiteral("ok"));
    m_outcome->addItem(tr("Denied"), QStringLiteral("denied"));
    m_outcome->addItem(tr("Failed"), QStringLiteral("failed"));
    connect(m_actor, &QLineEdit::returnPressed, this, &AuditView::applyFilter);
    connect(m_actionPrefix, &QLineEdit::returnPressed, this, &AuditView::applyFilter);
    connect(m_outcome, &QComboBox::currentIndexChanged, this, &AuditView::applyFilter);

    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(new QLabel(tr("Filter:"), this));
    filterRow->addWidget(m_actor, 2);
    filterRow->addWidget(m_actionPrefix, 2);
    filterRow->addWidget(m_outcome, 1);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("auditTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    // Fit the columns to the first page of entries; the detail column takes the rest.
    connect(m_model, &AuditModel::pageLoaded, this, [this](int rows) {
        if (rows <= m_model->pageSize() && rows > 0) {
            m_table->resizeColumnsToContents();
            for (int column = 0; column + 1 < m_model->columnCount(); ++column)
                m_table->setColumnWidth(column, std::min(m_table->columnWidth(column), 360));
        }
    });
    m_table->horizontalHeader()->setSectionResizeMode(AuditModel::SeqColumn,
                                                      QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(AuditModel::TimeColumn,
                                                      QHeaderView::ResizeToContents);

    // Ctrl+C copies every selected cell, not only the current one as QTableView does. The
    // key is taken in eventFilter, ahead of any window-wide Copy shortcut; the action puts the
    // same command, with its key, on the context menu.
    auto* copy = new QAction(tr("Copy"), m_table);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, &AuditView::copySelection);
    m_table->addAction(copy);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_table->installEventFilter(this);

    m_verify = new QPushButton(tr("Verify chain"), this);
    m_verify->setObjectName(QStringLiteral("verifyButton"));
    m_verify->setToolTip(tr("Ask the server to recompute the hash chain of the whole audit log. "
                            "A break means entries were changed or removed outside Yagura."));
    connect(m_verify, &QPushButton::clicked, this, &AuditView::verifyChain);
    m_verifyResult = new QLabel(this);
    m_verifyResult->setObjectName(QStringLiteral("verifyResult"));
    m_verifyResult->setTextFormat(Qt::PlainText);
    m_verifyResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verifyResult->setWordWrap(true);

    auto* verifyRow = new QHBoxLayout;
    verifyRow->addWidget(m_verify);
    verifyRow->addWidget(m_verifyResult, 1);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("auditError"));
    m_error->setTextFormat(Qt::PlainText);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(colorStyle(severityColor(Severity::High)));
    m_error->hide();

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filterRow);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_error);
    layout->addLayout(verifyRow);

    connect(m_model, &AuditModel::loadFailed, this, &AuditView::showError);
    connect(m_model, &AuditModel::pageLoaded, this, [this] { showError({}); });
}

void AuditView::refresh() {
    showError({});
    m_model->reload();
}

void AuditView::applyFilter() {
    showError({});
    m_model->setFilter(m_actor->text(), m_actionPrefix->text(),
                       m_outcome->currentData().toString());
}

void AuditView::verifyChain() {
    m_verify->setEnabled(false);
    m_verifyResult->setStyleSheet({});
    m_verifyResult->setText(tr("Verifying…"));
    proto::OperatorRequest request;
    request.mutable_verify_audit();
    m_connection->call(request, this, [this](const CallResult& result) {
        m_verify->setEnabled(true);
        if (!result.ok()) {
            m_verifyResult->clear();
            showError(result.error);
            return;
        }
        showError({});
        showVerifyResult(result.response->verify_audit());
    });
}

void AuditView::showVerifyResult(const proto::VerifyAuditResponse& result) {
    if (result.intact()) {
        m_verifyResult->setStyleSheet(colorStyle(statusColor(AgentStatus::Online)));
        m_verifyResult->setText(
            tr("Audit chain intact: %1 entries. Head %2…")
                .arg(QLocale().toString(static_cast<qulonglong>(result.entries_checked())),
                     QString::fromStdString(result.head_hash()).left(16)));
        m_verifyResult->setToolTip(QString::fromStdString(result.head_hash()));
    } else {
        m_verifyResult->setStyleSheet(colorStyle(severityColor(Severity::High)));
        m_verifyResult->setText(tr("Audit chain BROKEN at entry %1: %2")
                                    .arg(QString::number(result.first_broken_seq()),
                                         QString::fromStdString(result.problem())));
        m_verifyResult->setToolTip({});
    }
    emit verified(result.intact());
}

bool AuditView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_table &&
        (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress) &&
        static_cast<QKeyEvent*>(event)->matches(QKeySequence::Copy)) {
        // Accepting the override keeps the key from becoming a shortcut; the press then copies.
        if (event->type() == QEvent::KeyPress)
            copySelection();
        event->accept();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void AuditView::copySelection() {
    QModelIndexList cells = m_table->selectionModel()->selectedIndexes();
    if (cells.isEmpty() && m_table->currentIndex().isValid())
        cells.append(m_table->currentIndex());
    if (cells.isEmpty())
        return;
    // Rows in order; within a row, the selected columns in order, with empty cells where the
    // selection has gaps so that columns stay aligned when pasted into a spreadsheet.
    int firstColumn = cells.front().column();
    int lastColumn = firstColumn;
    QMap<int, QMap<int, QString>> rows;
    for (const QModelIndex& cell : cells) {
        firstColumn = qMin(firstColumn, cell.column());
        lastColumn = qMax(lastColumn, cell.column());
        rows[cell.row()][cell.column()] = clipboardCell(cell.data(Qt::DisplayRole).toString());
    }
    QStringList lines;
    for (const auto& row : std::as_const(rows)) {
        QStringList fields;
        for (int column = firstColumn; column <= lastColumn; ++column)
            fields.append(row.value(column));
        lines.append(fields.join(u'\t'));
    }
    QGuiApplication::clipboard()->setText(lines.join(u'\n'));
}

void AuditView::showError(const QString& message) {
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

} // namespace yagura::console
