#include "RulesPanel.h"

#include "AlertsModel.h"
#include "client/RulePackFiles.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace yagura::console {

namespace {
constexpr int kRulesPage = 1000;

QTableWidget* makeTable(const QString& objectName, const QStringList& headers) {
    auto* table = new QTableWidget(0, static_cast<int>(headers.size()));
    table->setObjectName(objectName);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

QString statusText(const std::string& status) {
    if (status == "loaded")
        return RulesPanel::tr("loaded");
    if (status == "duplicate")
        return RulesPanel::tr("duplicate");
    return RulesPanel::tr("not supported");
}
} // namespace

RulesPanel::RulesPanel(ServerConnection* connection, QWidget* parent)
    : QWidget(parent), m_connection(connection) {
    const bool canEdit = connection->isAdmin();
    m_packs = makeTable(QStringLiteral("rulePacksTable"),
                        {tr("Pack"), tr("Rules"), tr("Loaded"), tr("Not loaded"), tr("Enabled"),
                         tr("For Linux agents"), tr("Imported")});
    m_packs->setSelectionMode(QAbstractItemView::SingleSelection);
    m_import = new QPushButton(tr("Import rules…"));
    m_import->setObjectName(QStringLiteral("importRules"));
    m_import->setEnabled(canEdit);
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("importProgress"));
    m_progress->hide();
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("rulesMessage"));
    m_message->setWordWrap(true);

    m_status = new QComboBox;
    m_status->setObjectName(QStringLiteral("ruleStatusFilter"));
    m_status->addItem(tr("All rules"), QString());
    m_status->addItem(tr("Loaded"), QStringLiteral("loaded"));
    m_status->addItem(tr("Not supported"), QStringLiteral("unsupported"));
    m_status->addItem(tr("Duplicates"), QStringLiteral("duplicate"));
    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("ruleSearch"));
    m_search->setPlaceholderText(tr("Search title, id or file"));
    m_search->setClearButtonEnabled(true);
    m_enable = new QPushButton(tr("Enable"));
    m_enable->setObjectName(QStringLiteral("enableRules"));
    m_disable = new QPushButton(tr("Disable"));
    m_disable->setObjectName(QStringLiteral("disableRules"));
    m_enable->setEnabled(canEdit);
    m_disable->setEnabled(canEdit);
    m_rules = makeTable(QStringLiteral("rulesTable"), {tr("On"), tr("Status"), tr("Level"),
                                                       tr("Title"), tr("File"), tr("Why not")});
    m_rules->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Interactive);
    m_rules->setColumnWidth(3, 320);
    m_yaml = new QPlainTextEdit;
    m_yaml->setObjectName(QStringLiteral("ruleYaml"));
    m_yaml->setReadOnly(true);
    m_yaml->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_yaml->setPlaceholderText(tr("Select a rule to read it"));

    auto* packRow = new QHBoxLayout;
    packRow->addWidget(m_message, 1);
    packRow->addWidget(m_progress);
    packRow->addWidget(m_import);
    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(m_status);
    filterRow->addWidget(m_search, 1);
    filterRow->addWidget(m_enable);
    filterRow->addWidget(m_disable);
    auto* rulesSide = new QWidget;
    auto* rulesLayout = new QVBoxLayout(rulesSide);
    rulesLayout->setContentsMargins(0, 0, 0, 0);
    rulesLayout->addLayout(filterRow);
    rulesLayout->addWidget(m_rules, 1);
    auto* splitter = new QSplitter(Qt::Vertical);
    auto* lower = new QSplitter;
    lower->addWidget(rulesSide);
    lower->addWidget(m_yaml);
    lower->setStretchFactor(0, 3);
    lower->setStretchFactor(1, 2);
    splitter->addWidget(m_packs);
    splitter->addWidget(lower);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(packRow);
    layout->addWidget(splitter, 1);

    connect(m_packs, &QTableWidget::itemSelectionChanged, this, &RulesPanel::loadRules);
    connect(m_status, &QComboBox::currentIndexChanged, this, &RulesPanel::loadRules);
    connect(m_search, &QLineEdit::returnPressed, this, &RulesPanel::loadRules);
    connect(m_rules, &QTableWidget::itemSelectionChanged, this, &RulesPanel::showRule);
    connect(m_enable, &QPushButton::clicked, this, [this] { setRulesEnabled(true); });
    connect(m_disable, &QPushButton::clicked, this, [this] { setRulesEnabled(false); });
    connect(m_import, &QPushButton::clicked, this, &RulesPanel::askImport);
}

void RulesPanel::setStatus(const QString& text, bool error) {
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #c62828;") : QString());
}

QString RulesPanel::selectedPack() const {
    const auto rows = m_packs->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_packs->item(rows.first().row(), 0)->text();
}

void RulesPanel::setStatusFilter(const QString& status) {
    m_status->setCurrentIndex(std::max(0, m_status->findData(status)));
}

void RulesPanel::refresh() {
    loadPacks();
}

void RulesPanel::loadPacks() {
    const QString keep = selectedPack();
    proto::OperatorRequest request;
    request.mutable_list_rule_packs();
    m_connection->call(request, this, [this, keep](const CallResult& result) {
        if (!result.ok()) {
            setStatus(tr("Could not load the rule packs: %1").arg(result.error), true);
            return;
        }
        const QLocale locale;
        m_packs->setRowCount(0);
        int select = 0;
        for (const auto& pack : result.response->list_rule_packs().packs()) {
            const int row = m_packs->rowCount();
            m_packs->insertRow(row);
            const QString name = QString::fromStdString(pack.name());
            auto* item = new QTableWidgetItem(name);
            item->setToolTip(QString::fromStdString(pack.description()));
            m_packs->setItem(row, 0, item);
            const quint32 counts[] = {pack.rules(), pack.loaded(), pack.unsupported(),
                                      pack.enabled(), pack.linux_rules()};
            for (int column = 1; column <= 5; ++column)
                m_packs->setItem(row, column,
                                 new QTableWidgetItem(locale.toString(counts[column - 1])));
            m_packs->setItem(
                row, 6,
                new QTableWidgetItem(
                    pack.builtin() ? tr("ships with Yagura")
                                   : tr("%1 by %2")
                                         .arg(locale.toString(
                                                  QDateTime::fromSecsSinceEpoch(
                                                      static_cast<qint64>(pack.imported_at_unix())),
                                                  QLocale::ShortFormat),
                                              QString::fromStdString(pack.imported_by()))));
            if (name == keep)
                select = row;
        }
        if (m_packs->rowCount() > 0)
            m_packs->selectRow(select);
        emit packsLoaded();
    });
}

void RulesPanel::loadRules() {
    const QString pack = selectedPack();
    if (pack.isEmpty())
        return;
    proto::OperatorRequest request;
    auto* list = request.mutable_list_rules();
    list->set_pack(pack.toStdString());
    list->set_status(m_status->currentData().toString().toStdString());
    list->set_search(m_search->text().trimmed().toStdString());
    list->set_limit(kRulesPage);
    const quint64 generation = ++m_generation;
    m_connection->call(request, this, [this, generation](const CallResult& result) {
        if (generation != m_generation)
            return; // a newer filter was asked for
        if (!result.ok()) {
            setStatus(tr("Could not load the rules: %1").arg(result.error), true);
            return;
        }
        const auto& rules = result.response->list_rules();
        m_rules->setRowCount(0);
        for (const auto& rule : rules.rules()) {
            const int row = m_rules->rowCount();
            m_rules->insertRow(row);
            auto* on = new QTableWidgetItem(rule.enabled() ? tr("on") : tr("off"));
            on->setData(Qt::UserRole, QString::fromStdString(rule.file()));
            m_rules->setItem(row, 0, on);
            m_rules->setItem(row, 1, new QTableWidgetItem(statusText(rule.status())));
            const QString level = QString::fromStdString(rule.level());
            m_rules->setItem(
                row, 2,
                new QTableWidgetItem(AlertsModel::levelIcon(level),
                                     level.isEmpty() ? QString() : AlertsModel::levelText(level)));
            m_rules->setItem(row, 3, new QTableWidgetItem(QString::fromStdString(rule.title())));
            m_rules->setItem(row, 4, new QTableWidgetItem(QString::fromStdString(rule.file())));
            m_rules->setItem(row, 5, new QTableWidgetItem(QString::fromStdString(rule.reason())));
        }
        if (rules.total() > static_cast<quint32>(rules.rules_size()))
            setStatus(tr("Showing %1 of %2 rules: narrow the search to see the others.")
                          .arg(rules.rules_size())
                          .arg(rules.total()),
                      false);
        emit rulesLoaded();
    });
}

void RulesPanel::showRule() {
    const auto rows = m_rules->selectionModel()->selectedRows();
    if (rows.size() != 1) {
        m_yaml->clear();
        return;
    }
    proto::OperatorRequest request;
    request.mutable_get_rule()->set_pack(selectedPack().toStdString());
    request.mutable_get_rule()->set_file(
        m_rules->item(rows.first().row(), 0)->data(Qt::UserRole).toString().toStdString());
    m_connection->call(request, this, [this](const CallResult& result) {
        m_yaml->setPlainText(result.ok()
                                 ? QString::fromStdString(result.response->get_rule().yaml())
                                 : result.error);
    });
}

void RulesPanel::setRulesEnabled(bool enabled) {
    const auto rows = m_rules->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    proto::OperatorRequest request;
    auto* set = request.mutable_set_rules_enabled();
    set->set_pack(selectedPack().toStdString());
    set->set_enabled(enabled);
    for (const auto& row : rows)
        set->add_files(m_rules->item(row.row(), 0)->data(Qt::UserRole).toString().toStdString());
    m_connection->call(request, this, [this, enabled](const CallResult& result) {
        if (!result.ok()) {
            setStatus(tr("Not changed: %1").arg(result.error), true);
            return;
        }
        const int changed = static_cast<int>(result.response->set_rules_enabled().changed());
        setStatus(enabled ? tr("%n rule(s) enabled; the policies using the pack have a new "
                               "version.",
                               nullptr, changed)
                          : tr("%n rule(s) disabled; the policies using the pack have a new "
                               "version.",
                               nullptr, changed),
                  false);
        loadPacks();
        emit rulesChanged();
    });
}

void RulesPanel::askImport() {
    // A folder is the common case (a checkout of a rule repository); archives come second.
    QString path = QFileDialog::getExistingDirectory(this, tr("Folder of Sigma rules"));
    if (path.isEmpty())
        path = QFileDialog::getOpenFileName(this, tr("Archive of Sigma rules"), {},
                                            tr("Archives (*.tar *.tar.gz *.tgz *.tar.xz *.zip)"));
    if (path.isEmpty())
        return;
    bool ok = false;
    const QString pack = QInputDialog::getText(
        this, tr("Import rules"),
        tr("Pack name (letters, digits, '.', '-', '_'); an existing pack is replaced:"),
        QLineEdit::Normal, QFileInfo(path).completeBaseName(), &ok);
    if (ok && !pack.trimmed().isEmpty())
        importPath(path, pack.trimmed());
}

void RulesPanel::importPath(const QString& path, const QString& pack) {
    auto files = client::readRulePack(path.toStdString());
    if (!files.ok()) {
        const QString message = QString::fromStdString(files.error().message);
        setStatus(tr("Not imported: %1").arg(message), true);
        emit importFinished(false, message);
        return;
    }
    auto chunks = std::make_shared<std::vector<proto::ImportRulesRequest>>(client::importChunks(
        pack.toStdString(), {}, QFileInfo(path).fileName().toStdString(), *files));
    m_import->setEnabled(false);
    m_progress->setRange(0, static_cast<int>(files->size()));
    m_progress->setValue(0);
    m_progress->show();
    setStatus(tr("Importing %1…").arg(pack), false);
    sendChunk(chunks, 0, files->size(), 0);
}

void RulesPanel::sendChunk(std::shared_ptr<std::vector<proto::ImportRulesRequest>> chunks,
                           std::size_t index, std::size_t files, std::size_t sent) {
    proto::OperatorRequest request;
    *request.mutable_import_rules() = (*chunks)[index];
    m_connection->call(request, this, [this, chunks, index, files, sent](const CallResult& result) {
        if (!result.ok()) {
            m_import->setEnabled(m_connection->isAdmin());
            m_progress->hide();
            setStatus(tr("Import stopped: %1. The pack is unchanged.").arg(result.error), true);
            emit importFinished(false, result.error);
            return;
        }
        const std::size_t now = sent + result.response->import_rules().received();
        m_progress->setValue(static_cast<int>(now));
        if (index + 1 < chunks->size()) {
            sendChunk(chunks, index + 1, files, now);
            return;
        }
        const auto& pack = result.response->import_rules().pack();
        m_import->setEnabled(m_connection->isAdmin());
        m_progress->hide();
        const QString message = tr("Pack %1: %2 rules loaded, %3 not loaded, %4 for Linux agents.")
                                    .arg(QString::fromStdString(pack.name()))
                                    .arg(pack.loaded())
                                    .arg(pack.unsupported())
                                    .arg(pack.linux_rules());
        setStatus(message, false);
        loadPacks();
        emit importFinished(true, message);
    });
}

} // namespace yagura::console
