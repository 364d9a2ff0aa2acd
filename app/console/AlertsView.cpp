#include "AlertsView.h"

#include "ResponseDialog.h"

#include "ExceptionDialog.h"

#include "StatusStyle.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace yagura::console {

namespace {
QString q(const std::string& text) {
    return QString::fromStdString(text);
}

QString longTime(std::uint64_t unixMs) {
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(unixMs)),
                              QLocale::LongFormat);
}

void copyTableSelection(QAbstractItemView* view) {
    const QModelIndexList indexes = view->selectionModel()->selectedIndexes();
    if (indexes.isEmpty())
        return;
    QModelIndexList sorted = indexes;
    std::sort(sorted.begin(), sorted.end());
    QString text;
    int row = sorted.first().row();
    QStringList cells;
    for (const QModelIndex& index : sorted) {
        if (index.row() != row) {
            text += cells.join('\t') + '\n';
            cells.clear();
            row = index.row();
        }
        cells << index.data().toString();
    }
    text += cells.join('\t');
    QApplication::clipboard()->setText(text);
}

QLabel* makeValue(QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

// One process as the storyline shows it: "image — command line (pid)".
QString processText(const QString& image, const QString& commandLine, const QString& pid) {
    const QString shownImage = image.isEmpty() ? AlertsView::tr("(unknown image)") : image;
    if (commandLine.isEmpty())
        return pid.isEmpty() ? shownImage : AlertsView::tr("%1 (%2)").arg(shownImage, pid);
    return pid.isEmpty() ? AlertsView::tr("%1 — %2").arg(shownImage, commandLine)
                         : AlertsView::tr("%1 — %2 (%3)").arg(shownImage, commandLine, pid);
}

struct Process {
    QString pid;
    QString image;
    QString commandLine;
};

// ProcessAncestry: one "pid image commandline" line per ancestor, nearest first.
std::vector<Process> parseAncestry(const QString& ancestry) {
    std::vector<Process> processes;
    for (const QString& line : ancestry.split('\n', Qt::SkipEmptyParts)) {
        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty())
            continue;
        const QString rest = trimmed.section(' ', 1);
        processes.push_back(
            {trimmed.section(' ', 0, 0), rest.section(' ', 0, 0), rest.section(' ', 1).trimmed()});
    }
    return processes;
}
} // namespace

AlertsView::AlertsView(ServerConnection* connection, QWidget* parent)
    : QWidget(parent), m_connection(connection) {
    m_model = new AlertsModel(connection, this);
    m_model->setStatusFilter(AlertsModel::openStatuses());

    m_filter = new QComboBox(this);
    m_filter->setObjectName(QStringLiteral("alertStatusFilter"));
    m_filter->addItem(tr("Open"), AlertsModel::openStatuses());
    m_filter->addItem(tr("All"), QStringList{});
    for (const char* status : {"new", "acknowledged", "in_progress", "resolved", "false_positive"})
        m_filter->addItem(AlertsModel::statusText(QLatin1String(status)),
                          QStringList{QLatin1String(status)});
    m_filter->setToolTip(tr("Open alerts are new, acknowledged or in progress."));
    auto* filterLabel = new QLabel(tr("Show:"), this);
    filterLabel->setBuddy(m_filter);
    m_level = new QComboBox(this);
    m_level->setObjectName(QStringLiteral("alertLevelFilter"));
    m_level->addItem(tr("Any severity"), QStringList{});
    m_level->addItem(tr("Critical"), QStringList{QStringLiteral("critical")});
    m_level->addItem(tr("High and above"),
                     QStringList{QStringLiteral("high"), QStringLiteral("critical")});
    m_level->addItem(
        tr("Medium and above"),
        QStringList{QStringLiteral("medium"), QStringLiteral("high"), QStringLiteral("critical")});
    m_period = new QComboBox(this);
    m_period->setObjectName(QStringLiteral("alertPeriodFilter"));
    m_period->addItem(tr("Any time"), qint64{0});
    m_period->addItem(tr("Last hour"), qint64{3600});
    m_period->addItem(tr("Last 24 hours"), qint64{86400});
    m_period->addItem(tr("Last 7 days"), qint64{7 * 86400});
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("alertSearch"));
    m_search->setPlaceholderText(tr("Host or rule"));
    m_search->setClearButtonEnabled(true);
    m_tag = new QLineEdit(this);
    m_tag->setObjectName(QStringLiteral("alertTag"));
    m_tag->setPlaceholderText(tr("Tag, e.g. attack.t1059.004"));
    m_tag->setClearButtonEnabled(true);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("alertCount"));
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("alertsError"));
    m_error->setStyleSheet(QStringLiteral("color: #c62828"));
    m_error->setWordWrap(true);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("alertsTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setColumnWidth(AlertsModel::LevelColumn, 120);
    m_table->setColumnWidth(AlertsModel::StatusColumn, 120);
    m_table->setColumnWidth(AlertsModel::RuleColumn, 280);
    m_table->setColumnWidth(AlertsModel::HostColumn, 150);
    m_table->setColumnWidth(AlertsModel::ImageColumn, 200);
    m_table->setColumnWidth(AlertsModel::CountColumn, 70);
    m_table->setColumnWidth(AlertsModel::LastSeenColumn, 150);

    auto* filters = new QHBoxLayout;
    filters->addWidget(filterLabel);
    filters->addWidget(m_filter);
    filters->addWidget(m_level);
    filters->addWidget(m_period);
    filters->addWidget(m_search, 2);
    filters->addWidget(m_tag, 1);
    filters->addStretch(1);
    filters->addWidget(m_count);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(buildDetail());
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({300, 450});
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_error);
    layout->addWidget(splitter, 1);

    connect(m_filter, &QComboBox::currentIndexChanged, this, &AlertsView::applyStatusFilter);
    for (QComboBox* box : {m_level, m_period})
        connect(box, &QComboBox::currentIndexChanged, this, &AlertsView::applyFilter);
    for (QLineEdit* edit : {m_search, m_tag}) {
        connect(edit, &QLineEdit::returnPressed, this, &AlertsView::applyFilter);
        // Cleared with the button: the filter goes at once.
        connect(edit, &QLineEdit::textChanged, this, [this](const QString& text) {
            if (text.isEmpty())
                applyFilter();
        });
    }
    connect(m_model, &AlertsModel::pageLoaded, this, [this] {
        m_error->clear();
        m_error->setStyleSheet(QStringLiteral("color: #c62828"));
        updateCount();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        // The selection is gone (without a signal): so is the alert on show.
        clearDetail();
        updateCount();
        updateActions();
    });
    connect(m_model, &AlertsModel::loadFailed, m_error, &QLabel::setText);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &AlertsView::updateCount);
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this] {
        // A live change to the alert on show (status, count, assignee).
        if (const auto* alert = m_model->alertAt(m_model->rowOfAlert(m_alertId)))
            fillSummary(*alert);
        updateActions();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (const auto* alert = m_model->alertAt(current.row())) {
                    if (alert->id() != m_alertId)
                        showAlert(alert->id());
                } else {
                    clearDetail();
                }
            });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AlertsView::updateActions);
    connect(m_ack, &QPushButton::clicked, this,
            [this] { triage(QStringLiteral("acknowledged"), false); });
    connect(m_start, &QPushButton::clicked, this,
            [this] { triage(QStringLiteral("in_progress"), false); });
    connect(m_resolve, &QPushButton::clicked, this,
            [this] { triage(QStringLiteral("resolved"), true); });
    connect(m_falsePositive, &QPushButton::clicked, this,
            [this] { triage(QStringLiteral("false_positive"), true); });
    connect(m_assignMe, &QPushButton::clicked, this, &AlertsView::assignToMe);
    connect(m_exception, &QPushButton::clicked, this, &AlertsView::createException);
    connect(m_kill, &QPushButton::clicked, this, [this] { respond(proto::KILL); });
    connect(m_quarantineImage, &QPushButton::clicked, this, [this] { respond(proto::QUARANTINE); });
    connect(m_isolateHost, &QPushButton::clicked, this, [this] { respond(proto::ISOLATE); });
    auto* copy = new QShortcut(QKeySequence::Copy, m_table);
    copy->setContext(Qt::WidgetShortcut);
    connect(copy, &QShortcut::activated, this, &AlertsView::copySelection);

    clearDetail();
    updateActions();
}

QWidget* AlertsView::buildDetail() {
    m_detail = new QWidget(this);
    m_detail->setObjectName(QStringLiteral("alertDetail"));
    m_placeholder = new QLabel(tr("Select an alert to see the process that fired it."), m_detail);
    m_title = new QLabel(m_detail);
    m_title->setObjectName(QStringLiteral("alertTitle"));
    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);
    m_ruleId = makeValue(m_detail);
    m_ruleId->setObjectName(QStringLiteral("alertRuleId"));
    m_tags = makeValue(m_detail);
    m_tags->setObjectName(QStringLiteral("alertTags"));
    m_host = makeValue(m_detail);
    m_counts = makeValue(m_detail);
    m_times = makeValue(m_detail);
    m_state = makeValue(m_detail);
    m_state->setObjectName(QStringLiteral("alertState"));

    m_selection = new QLabel(m_detail);
    m_selection->setObjectName(QStringLiteral("alertSelection"));
    m_ack = new QPushButton(tr("Acknowledge"), m_detail);
    m_ack->setObjectName(QStringLiteral("ackButton"));
    m_ack->setToolTip(tr("Someone is looking at it."));
    m_start = new QPushButton(tr("Start work"), m_detail);
    m_start->setObjectName(QStringLiteral("startButton"));
    m_start->setToolTip(tr("Investigation is under way."));
    m_resolve = new QPushButton(tr("Resolve…"), m_detail);
    m_resolve->setObjectName(QStringLiteral("resolveButton"));
    m_resolve->setToolTip(tr("Dealt with. You are asked for the reason."));
    m_falsePositive = new QPushButton(tr("False positive…"), m_detail);
    m_falsePositive->setObjectName(QStringLiteral("falsePositiveButton"));
    m_falsePositive->setToolTip(tr("Not a threat. You are asked for the reason."));
    m_assignMe = new QPushButton(tr("Assign to me"), m_detail);
    m_assignMe->setObjectName(QStringLiteral("assignMeButton"));
    m_exception = new QPushButton(tr("Exception…"), m_detail);
    m_exception->setObjectName(QStringLiteral("exceptionButton"));
    m_exception->setToolTip(
        tr("Stop this rule from alerting again on this host, its group or everywhere."));
    m_kill = new QPushButton(tr("Kill process…"), m_detail);
    m_kill->setObjectName(QStringLiteral("killButton"));
    m_kill->setToolTip(tr("Kill the process that fired the rule (not a later one that reuses "
                          "its process id)."));
    m_quarantineImage = new QPushButton(tr("Quarantine executable…"), m_detail);
    m_quarantineImage->setObjectName(QStringLiteral("quarantineImageButton"));
    m_isolateHost = new QPushButton(tr("Isolate host…"), m_detail);
    m_isolateHost->setObjectName(QStringLiteral("isolateHostButton"));
    m_correlation = makeValue(m_detail);
    m_correlation->setObjectName(QStringLiteral("alertCorrelation"));

    m_event = new QTableWidget(0, 2, m_detail);
    m_event->setObjectName(QStringLiteral("alertEventTable"));
    m_event->setHorizontalHeaderLabels({tr("Field"), tr("Value")});
    m_event->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_event->verticalHeader()->setVisible(false);
    m_event->horizontalHeader()->setStretchLastSection(true);
    m_event->setWordWrap(false);
    m_storyline = new QTreeWidget(m_detail);
    m_storyline->setObjectName(QStringLiteral("alertStoryline"));
    m_storyline->setHeaderHidden(true);
    m_storyline->setColumnCount(1);
    m_storyline->setToolTip(
        tr("The chain of processes that led to the alert, from the outermost ancestor down to the "
           "process that fired the rule."));
    m_history = new QListWidget(m_detail);
    m_history->setObjectName(QStringLiteral("alertHistory"));
    m_history->setWordWrap(true);

    auto* facts = new QFormLayout;
    facts->addRow(tr("Rule ID:"), m_ruleId);
    facts->addRow(tr("Tags (MITRE ATT&CK):"), m_tags);
    facts->addRow(tr("Host:"), m_host);
    facts->addRow(tr("Count:"), m_counts);
    facts->addRow(tr("Seen:"), m_times);
    facts->addRow(tr("Status:"), m_state);
    facts->addRow(tr("Across hosts:"), m_correlation);
    auto* actions = new QHBoxLayout;
    actions->addWidget(m_selection);
    actions->addStretch(1);
    for (QPushButton* button :
         {m_ack, m_start, m_resolve, m_falsePositive, m_assignMe, m_exception})
        actions->addWidget(button);
    auto* responses = new QHBoxLayout;
    responses->addStretch(1);
    for (QPushButton* button : {m_kill, m_quarantineImage, m_isolateHost})
        responses->addWidget(button);

    const auto section = [this](const QString& title, QWidget* content) {
        auto* box = new QGroupBox(title, m_detail);
        auto* boxLayout = new QVBoxLayout(box);
        boxLayout->addWidget(content);
        return box;
    };
    auto* sections = new QSplitter(Qt::Horizontal, m_detail);
    sections->addWidget(section(tr("Process"), m_event));
    sections->addWidget(section(tr("Storyline"), m_storyline));
    sections->addWidget(section(tr("History"), m_history));
    sections->setStretchFactor(0, 3);
    sections->setStretchFactor(1, 3);
    sections->setStretchFactor(2, 2);

    m_content = new QWidget(m_detail);
    m_content->setObjectName(QStringLiteral("alertContent"));
    auto* contentLayout = new QVBoxLayout(m_content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addWidget(m_title);
    contentLayout->addLayout(facts);
    contentLayout->addLayout(responses);
    contentLayout->addWidget(sections, 1);

    auto* layout = new QVBoxLayout(m_detail);
    layout->addLayout(actions);
    layout->addWidget(m_placeholder);
    layout->addWidget(m_content, 1);
    return m_detail;
}

void AlertsView::refresh() {
    if (m_model->rowCount() == 0 && !m_model->isLoading())
        m_model->reload();
}

void AlertsView::applyFilter() {
    AlertsModel::Filter filter;
    filter.levels = m_level->currentData().toStringList();
    filter.search = m_search->text().trimmed();
    filter.tag = m_tag->text().trimmed();
    const qint64 period = m_period->currentData().toLongLong();
    filter.sinceUnixMs = period > 0 ? QDateTime::currentMSecsSinceEpoch() - period * 1000 : 0;
    m_model->setFilter(filter);
}

void AlertsView::applyStatusFilter() {
    m_model->setStatusFilter(m_filter->currentData().toStringList());
    if (m_model->rowCount() == 0 && !m_model->isLoading())
        m_model->reload();
}

void AlertsView::updateCount() {
    m_count->setText(tr("%1 of %2 alerts")
                         .arg(QLocale().toString(m_model->rowCount()),
                              QLocale().toString(m_model->totalOnServer())));
}

void AlertsView::copySelection() {
    copyTableSelection(m_table);
}

void AlertsView::clearDetail() {
    m_alertId = 0;
    m_placeholder->setVisible(true);
    m_content->setVisible(false);
    m_event->setRowCount(0);
    m_storyline->clear();
    m_history->clear();
}

void AlertsView::showAlert(quint64 id) {
    m_alertId = id;
    proto::OperatorRequest request;
    request.mutable_get_alert()->set_alert_id(id);
    m_connection->call(request, this, [this, id](const CallResult& result) {
        if (id != m_alertId)
            return; // another alert was selected meanwhile
        if (!result.ok()) {
            m_error->setText(result.error);
            return;
        }
        fillDetail(result.response->get_alert());
        emit alertLoaded(id);
    });
}

void AlertsView::fillSummary(const proto::AlertSummary& alert) {
    const QString level = q(alert.level());
    const QColor color = severityColor(AlertsModel::severityOf(level));
    const QString title = alert.rule_title().empty() ? q(alert.rule_id()) : q(alert.rule_title());
    m_title->setText(QStringLiteral("<h2><span style=\"color:%1\">●</span> %2</h2>"
                                    "<span style=\"color:%1\"><b>%3</b></span>")
                         .arg(color.name(), title.toHtmlEscaped(),
                              AlertsModel::levelText(level).toHtmlEscaped()));
    m_ruleId->setText(q(alert.rule_id()));
    QStringList tags;
    for (const auto& tag : alert.tags())
        tags << q(tag);
    m_tags->setText(tags.isEmpty() ? tr("none") : tags.join(QStringLiteral(", ")));
    const QString host = alert.hostname().empty() ? tr("(unknown host)") : q(alert.hostname());
    m_host->setText(
        m_connection->isIsolated(alert.agent_id())
            ? tr("%1 (agent %2) · ISOLATED").arg(host, QString::number(alert.agent_id()))
            : tr("%1 (agent %2)").arg(host, QString::number(alert.agent_id())));
    m_counts->setText(tr("Fired %n time(s)", nullptr, static_cast<int>(alert.count())));
    m_times->setText(
        tr("First %1, last %2")
            .arg(longTime(alert.first_seen_unix_ms()), longTime(alert.last_seen_unix_ms())));
    m_correlation->setText(alert.detail().empty() ? tr("—") : q(alert.detail()));
    const QString status = AlertsModel::statusText(q(alert.status()));
    m_state->setText(alert.assignee().empty()
                         ? tr("%1, unassigned").arg(status)
                         : tr("%1, assigned to %2").arg(status, q(alert.assignee())));
}

void AlertsView::fillDetail(const proto::GetAlertResponse& detail) {
    const auto& alert = detail.alert();
    m_placeholder->setVisible(false);
    m_content->setVisible(true);
    fillSummary(alert);

    // The process that fired the rule: the fields an analyst reads first, then the rest.
    const auto& event = detail.triggering_event();
    QHash<QString, QString> fields;
    QStringList order;
    for (const auto& field : event.fields()) {
        const QString name = q(field.name());
        if (!fields.contains(name)) {
            fields.insert(name, q(field.value()));
            order << name;
        }
    }
    // What a response from here acts on: this host, this process (id and start time), this
    // executable.
    m_responseTarget.Clear();
    m_responseTarget.set_agent_id(alert.agent_id());
    m_responseTarget.set_from_alert_id(alert.id());
    m_responseHost = q(alert.hostname());
    const bool respond = m_connection->canManageAgents();
    const quint64 pid = fields.value(QStringLiteral("ProcessId")).toULongLong();
    const quint64 ticks = fields.value(QStringLiteral("ProcessStartTicks")).toULongLong();
    m_responseTarget.mutable_kill()->set_pid(static_cast<std::uint32_t>(pid));
    m_responseTarget.mutable_kill()->set_start_ticks(ticks);
    const QString executable = fields.value(QStringLiteral("Image"));
    m_responseTarget.mutable_quarantine()->set_path(executable.toStdString());
    m_kill->setVisible(respond);
    m_kill->setEnabled(pid > 1 && ticks > 0);
    m_quarantineImage->setVisible(respond);
    m_quarantineImage->setEnabled(executable.startsWith(QLatin1Char('/')));
    m_isolateHost->setVisible(respond);
    const std::pair<const char*, QString> known[] = {
        {"Image", tr("Image")},
        {"CommandLine", tr("Command line")},
        {"CurrentDirectory", tr("Working directory")},
        {"User", tr("User")},
        {"ProcessId", tr("Process ID")},
        {"ParentProcessId", tr("Parent process ID")},
        {"ParentImage", tr("Parent image")},
        {"ParentCommandLine", tr("Parent command line")},
        {"Hashes", tr("Hashes")},
        {"EventCategory", tr("Event category")},
    };
    std::vector<std::pair<QString, QString>> rows; // label, field name
    QStringList shown = {QStringLiteral("RuleId"), QStringLiteral("RuleTitle"),
                         QStringLiteral("RuleLevel"), QStringLiteral("RuleTags"),
                         QStringLiteral("ProcessAncestry")};
    for (const auto& [name, label] : known) {
        shown << QLatin1String(name);
        if (fields.contains(QLatin1String(name)))
            rows.emplace_back(label, QLatin1String(name));
    }
    for (const QString& name : order)
        if (!shown.contains(name))
            rows.emplace_back(name, name);
    m_event->setRowCount(0);
    const auto addRow = [this](const QString& label, const QString& value, const QString& tip) {
        const int row = m_event->rowCount();
        m_event->insertRow(row);
        auto* labelItem = new QTableWidgetItem(label);
        labelItem->setToolTip(tip);
        m_event->setItem(row, 0, labelItem);
        auto* valueItem = new QTableWidgetItem(value);
        valueItem->setToolTip(value);
        m_event->setItem(row, 1, valueItem);
    };
    if (event.fields_size() == 0) {
        addRow(tr("Event"), tr("The event that fired this alert is no longer stored."), {});
    } else {
        if (event.time_unix_ms() != 0)
            addRow(tr("Time"), longTime(event.time_unix_ms()), {});
        for (const auto& [label, name] : rows)
            addRow(label, fields.value(name), name);
    }
    m_event->resizeColumnToContents(0);

    // The storyline: outermost ancestor at the top, the alerting process as the deepest child.
    m_storyline->clear();
    std::vector<Process> ancestors = parseAncestry(fields.value(QStringLiteral("ProcessAncestry")));
    if (ancestors.empty() && !fields.value(QStringLiteral("ParentImage")).isEmpty())
        ancestors.push_back({fields.value(QStringLiteral("ParentProcessId")),
                             fields.value(QStringLiteral("ParentImage")),
                             fields.value(QStringLiteral("ParentCommandLine"))});
    QTreeWidgetItem* parentItem = nullptr;
    const auto addNode = [this, &parentItem](const QString& text) {
        auto* item =
            parentItem ? new QTreeWidgetItem(parentItem) : new QTreeWidgetItem(m_storyline);
        item->setText(0, text);
        item->setToolTip(0, text);
        parentItem = item;
        return item;
    };
    for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it)
        addNode(processText(it->image, it->commandLine, it->pid));
    const QString image = fields.value(QStringLiteral("Image"), q(alert.image()));
    auto* alerting = addNode(processText(image, fields.value(QStringLiteral("CommandLine")),
                                         fields.value(QStringLiteral("ProcessId"))));
    QFont bold = alerting->font(0);
    bold.setBold(true);
    alerting->setFont(0, bold);
    alerting->setIcon(0, AlertsModel::levelIcon(q(alert.level())));
    alerting->setToolTip(0, tr("%1\nThis process fired the rule.").arg(alerting->text(0)));
    m_storyline->expandAll();

    m_history->clear();
    for (const auto& entry : detail.history()) {
        QString change = q(entry.change()).trimmed();
        while (change.endsWith(';'))
            change.chop(1);
        QString text = tr("%1 — %2: %3")
                           .arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(
                                                       static_cast<qint64>(entry.time_unix_ms())),
                                                   QLocale::ShortFormat),
                                q(entry.actor()), change);
        if (!entry.note().empty())
            text += '\n' + tr("Note: %1").arg(q(entry.note()));
        m_history->addItem(text);
    }
    updateActions();
}

QList<quint64> AlertsView::selectedAlerts() const {
    QList<quint64> ids;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        if (const auto* alert = m_model->alertAt(index.row()))
            ids << alert->id();
    return ids;
}

void AlertsView::updateActions() {
    // The console only hides what the role cannot do; the server enforces it.
    const bool visible = m_connection->canTriageAlerts();
    bool allNew = true;
    bool allBeforeWork = true;
    bool allOpen = true;
    bool anyNotMine = false;
    int selected = 0;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows()) {
        const auto* alert = m_model->alertAt(index.row());
        if (!alert)
            continue;
        ++selected;
        const std::string& status = alert->status();
        allNew &= status == "new";
        allBeforeWork &= status == "new" || status == "acknowledged";
        allOpen &= status == "new" || status == "acknowledged" || status == "in_progress";
        anyNotMine |= q(alert->assignee()) != m_connection->user();
    }
    const bool ready = visible && selected > 0 && !m_updating;
    m_ack->setEnabled(ready && allNew);
    m_start->setEnabled(ready && allBeforeWork);
    m_resolve->setEnabled(ready && allOpen);
    m_falsePositive->setEnabled(ready && allOpen);
    m_assignMe->setEnabled(ready && anyNotMine);
    m_exception->setEnabled(ready && selected == 1);
    for (QPushButton* button :
         {m_ack, m_start, m_resolve, m_falsePositive, m_assignMe, m_exception})
        button->setVisible(visible);
    m_selection->setVisible(visible && selected > 0);
    m_selection->setText(tr("%n alert(s) selected", nullptr, selected));
}

void AlertsView::respond(proto::CommandAction action) {
    proto::CreateCommandRequest request = m_responseTarget;
    request.set_action(action);
    if (action != proto::KILL)
        request.clear_kill();
    if (action != proto::QUARANTINE)
        request.clear_quarantine();
    auto* dialog = new ResponseDialog(m_connection, m_responseHost, request, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void AlertsView::createException() {
    const auto rows = m_table->selectionModel()->selectedRows();
    if (rows.size() != 1)
        return;
    const auto* alert = m_model->alertAt(rows.first().row());
    if (!alert)
        return;
    ExceptionDialog dialog(*alert, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    proto::OperatorRequest request;
    *request.mutable_create_exception() = dialog.request();
    m_connection->call(request, this, [this](const CallResult& result) {
        // Said in the view, not in a box to click away: the work goes on.
        m_error->setStyleSheet(
            QStringLiteral("color: %1").arg(result.ok() ? "#2e7d32" : "#c62828"));
        if (!result.ok()) {
            m_error->setText(tr("Exception not created: %1").arg(result.error));
            m_error->show();
            return;
        }
        const auto& made = result.response->create_exception().exception();
        m_error->setText(
            tr("Exception created: rule \"%1\" no longer alerts there (Policies → Exceptions "
               "to revoke it).")
                .arg(q(made.rule_title())));
        m_error->show();
        emit exceptionCreated(made.id());
    });
}

void AlertsView::triage(const QString& status, bool needsReason) {
    const QList<quint64> ids = selectedAlerts();
    if (ids.isEmpty())
        return;
    QString note;
    if (needsReason) {
        const bool resolving = status == QLatin1String("resolved");
        const int count = static_cast<int>(ids.size());
        bool ok = false;
        note = QInputDialog::getMultiLineText(
                   this, resolving ? tr("Resolve alerts") : tr("Mark as false positive"),
                   resolving ? tr("Why are these %n alert(s) resolved? The reason is kept in "
                                  "each alert's history.",
                                  nullptr, count)
                             : tr("Why are these %n alert(s) false positives? The reason is kept "
                                  "in each alert's history.",
                                  nullptr, count),
                   QString(), &ok)
                   .trimmed();
        if (!ok || note.isEmpty())
            return; // the reason is required; without one nothing changes
    }
    proto::OperatorRequest request;
    auto* update = request.mutable_update_alerts();
    for (quint64 id : ids)
        update->add_alert_ids(id);
    update->set_status(status.toStdString());
    update->set_note(note.toStdString());
    sendUpdate(request);
}

void AlertsView::assignToMe() {
    const QList<quint64> ids = selectedAlerts();
    if (ids.isEmpty())
        return;
    proto::OperatorRequest request;
    auto* update = request.mutable_update_alerts();
    for (quint64 id : ids)
        update->add_alert_ids(id);
    update->set_assignee(m_connection->user().toStdString());
    sendUpdate(request);
}

void AlertsView::sendUpdate(const proto::OperatorRequest& request) {
    m_updating = true;
    m_error->clear();
    updateActions();
    m_connection->call(request, this, [this](const CallResult& result) {
        m_updating = false;
        if (!result.ok()) {
            m_error->setText(result.error); // all or nothing: no alert changed
            updateActions();
            return;
        }
        QList<quint64> changed;
        for (const auto& alert : result.response->update_alerts().alerts()) {
            m_model->updateAlert(alert);
            changed << alert.id();
        }
        if (m_alertId != 0 && changed.contains(m_alertId))
            showAlert(m_alertId); // the history has a new entry
        updateActions();
        for (quint64 id : changed)
            emit alertUpdated(id);
    });
}

} // namespace yagura::console
