#include "PolicyEditor.h"

#include "proto/PolicyText.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace yagura::console {

namespace {
QString when(quint64 unix) {
    return QLocale().toString(QDateTime::fromSecsSinceEpoch(static_cast<qint64>(unix)),
                              QLocale::ShortFormat);
}

QTableWidget* makeTable(const QString& objectName, const QStringList& headers) {
    auto* table = new QTableWidget(0, static_cast<int>(headers.size()));
    table->setObjectName(objectName);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    // Names first in full; the counts share what is left.
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    for (int column = 1; column < headers.size(); ++column)
        table->horizontalHeader()->setSectionResizeMode(column, QHeaderView::Stretch);
    return table;
}
} // namespace

PolicyEditor::PolicyEditor(ServerConnection* connection, QWidget* parent)
    : QWidget(parent), m_connection(connection) {
    const bool canEdit = connection->isAdmin();

    // --- groups -------------------------------------------------------------------------------
    m_groups = makeTable(QStringLiteral("groups"),
                         {tr("Group"), tr("Agents"), tr("Policy version"), tr("Applied by")});
    auto* newGroup = new QPushButton(tr("New group…"));
    newGroup->setObjectName(QStringLiteral("newGroup"));
    auto* move = new QPushButton(tr("Move agents here…"));
    move->setObjectName(QStringLiteral("moveAgents"));
    newGroup->setEnabled(canEdit);
    move->setEnabled(canEdit);
    auto* groupButtons = new QHBoxLayout;
    groupButtons->addWidget(newGroup);
    groupButtons->addWidget(move);
    groupButtons->addStretch(1);
    auto* groupsBox = new QGroupBox(tr("Agent groups"));
    auto* groupsLayout = new QVBoxLayout(groupsBox);
    groupsLayout->addWidget(m_groups, 1);
    groupsLayout->addLayout(groupButtons);

    // --- the policy form ---------------------------------------------------------------------
    m_packs = new QListWidget;
    m_packs->setObjectName(QStringLiteral("rulePacks"));
    m_packs->setMaximumHeight(110);
    m_fimPaths = new QPlainTextEdit;
    m_fimPaths->setObjectName(QStringLiteral("fimPaths"));
    m_fimPaths->setPlaceholderText(tr("One absolute path per line; folders are watched with "
                                      "everything below them"));
    m_fimPaths->setMaximumHeight(120);
    m_ransomwareEnabled = new QCheckBox(tr("Detect ransomware-like file activity"));
    m_ransomwareEnabled->setObjectName(QStringLiteral("ransomwareEnabled"));
    m_window = new QSpinBox;
    m_window->setRange(1, 600);
    m_window->setSuffix(tr(" s"));
    m_minFiles = new QSpinBox;
    m_minFiles->setObjectName(QStringLiteral("minFiles"));
    m_minFiles->setRange(5, 100000);
    m_entropy = new QDoubleSpinBox;
    m_entropy->setRange(0.0, 8.0);
    m_entropy->setDecimals(1);
    m_entropy->setSingleStep(0.1);
    m_notes = new QSpinBox;
    m_notes->setRange(0, 1000);
    m_notes->setSpecialValueText(tr("off"));
    m_spoolBudget = new QSpinBox;
    m_spoolBudget->setObjectName(QStringLiteral("spoolBudget"));
    m_spoolBudget->setRange(1, 65536);
    m_spoolBudget->setSuffix(tr(" MiB"));
    m_retention = new QSpinBox;
    m_retention->setObjectName(QStringLiteral("retention"));
    m_retention->setRange(1, 3650);
    m_retention->setSuffix(tr(" days"));
    m_comment = new QLineEdit;
    m_comment->setObjectName(QStringLiteral("policyComment"));
    m_comment->setPlaceholderText(tr("Why this change (kept in the history)"));
    m_save = new QPushButton(tr("Save as new version"));
    m_save->setObjectName(QStringLiteral("savePolicy"));
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("policyStatus"));
    m_status->setWordWrap(true);

    auto* ransomware = new QFormLayout;
    ransomware->addRow(m_ransomwareEnabled);
    ransomware->addRow(tr("Window"), m_window);
    ransomware->addRow(tr("Files rewritten or renamed"), m_minFiles);
    ransomware->addRow(tr("Content entropy above (bits/byte)"), m_entropy);
    ransomware->addRow(tr("Ransom notes"), m_notes);
    auto* form = new QFormLayout;
    form->addRow(tr("Rule packs"), m_packs);
    form->addRow(tr("Watched files and folders"), m_fimPaths);
    form->addRow(tr("Ransomware"), ransomware);
    form->addRow(tr("Offline spool budget"), m_spoolBudget);
    form->addRow(tr("Keep telemetry on the server"), m_retention);
    form->addRow(tr("Comment"), m_comment);
    auto* saveRow = new QHBoxLayout;
    saveRow->addWidget(m_status, 1);
    saveRow->addWidget(m_save);
    auto* policyBox = new QGroupBox(tr("Policy"));
    auto* policyLayout = new QVBoxLayout(policyBox);
    policyLayout->addLayout(form);
    policyLayout->addLayout(saveRow);
    for (QWidget* field : std::initializer_list<QWidget*>{
             m_packs, m_fimPaths, m_ransomwareEnabled, m_window, m_minFiles, m_entropy, m_notes,
             m_spoolBudget, m_retention, m_comment, m_save})
        field->setEnabled(canEdit);
    if (!canEdit)
        m_status->setText(tr("Only administrators change policies."));

    // --- history, diff, agents ---------------------------------------------------------------
    m_history = new QListWidget;
    m_history->setObjectName(QStringLiteral("policyHistory"));
    m_diff = new QPlainTextEdit;
    m_diff->setObjectName(QStringLiteral("policyDiff"));
    m_diff->setReadOnly(true);
    m_diff->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_agents = makeTable(QStringLiteral("groupAgents"),
                         {tr("Host"), tr("Runs version"), tr("Should run")});
    auto* historyBox = new QGroupBox(tr("Versions (select one to see what it changed)"));
    auto* historyLayout = new QHBoxLayout(historyBox);
    historyLayout->addWidget(m_history, 1);
    historyLayout->addWidget(m_diff, 2);
    auto* agentsBox = new QGroupBox(tr("Agents of the group"));
    auto* agentsLayout = new QVBoxLayout(agentsBox);
    agentsLayout->addWidget(m_agents);

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(policyBox);
    rightLayout->addWidget(historyBox, 1);
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(groupsBox, 2);
    leftLayout->addWidget(agentsBox, 1);
    auto* splitter = new QSplitter;
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_groups, &QTableWidget::itemSelectionChanged, this, [this] {
        const QString group = selectedGroup();
        if (group.isEmpty())
            return;
        loadPolicy(group);
        loadHistory(group);
        loadAgents(group);
    });
    connect(m_history, &QListWidget::currentRowChanged, this, [this] { showDiff(); });
    connect(m_save, &QPushButton::clicked, this, &PolicyEditor::save);
    // Another operator's save: the groups' versions move on; the form stays as it is (a save
    // from it is then refused as stale, not silently overwritten).
    connect(connection, &ServerConnection::policyChanged, this, [this](const proto::PolicyRecord&) {
        if (isVisible())
            loadGroups();
    });
    connect(newGroup, &QPushButton::clicked, this, &PolicyEditor::createGroup);
    connect(move, &QPushButton::clicked, this, &PolicyEditor::moveAgents);
}

QString PolicyEditor::selectedGroup() const {
    const auto rows = m_groups->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    return m_groups->item(rows.first().row(), 0)->text();
}

void PolicyEditor::selectGroup(const QString& name) {
    for (int row = 0; row < m_groups->rowCount(); ++row)
        if (m_groups->item(row, 0)->text() == name)
            m_groups->selectRow(row);
}

void PolicyEditor::refresh() {
    loadGroups();
}

void PolicyEditor::setStatus(const QString& text, bool error) {
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c62828;") : QString());
}

void PolicyEditor::loadGroups() {
    const QString keep = selectedGroup();
    proto::OperatorRequest request;
    request.mutable_list_groups();
    m_connection->call(request, this, [this, keep](const CallResult& result) {
        if (!result.ok()) {
            setStatus(tr("Could not load the groups: %1").arg(result.error), true);
            return;
        }
        m_groups->setRowCount(0);
        const QLocale locale;
        for (const auto& group : result.response->list_groups().groups()) {
            const int row = m_groups->rowCount();
            m_groups->insertRow(row);
            auto* name = new QTableWidgetItem(QString::fromStdString(group.name()));
            name->setToolTip(QString::fromStdString(group.description()));
            m_groups->setItem(row, 0, name);
            m_groups->setItem(row, 1, new QTableWidgetItem(locale.toString(group.agents())));
            m_groups->setItem(row, 2,
                              new QTableWidgetItem(group.policy_version()
                                                       ? locale.toString(static_cast<qulonglong>(
                                                             group.policy_version()))
                                                       : tr("none")));
            m_groups->setItem(row, 3,
                              new QTableWidgetItem(tr("%1 of %2")
                                                       .arg(locale.toString(group.agents_applied()),
                                                            locale.toString(group.agents()))));
        }
        selectGroup(keep.isEmpty() ? QStringLiteral("default") : keep);
        emit groupsLoaded();
    });
    // The packs the form offers.
    proto::OperatorRequest packs;
    packs.mutable_list_rule_packs();
    m_connection->call(packs, this, [this](const CallResult& result) {
        if (!result.ok())
            return;
        QStringList checked;
        for (int i = 0; i < m_packs->count(); ++i)
            if (m_packs->item(i)->checkState() == Qt::Checked)
                checked << m_packs->item(i)->data(Qt::UserRole).toString();
        m_packs->clear();
        for (const auto& pack : result.response->list_rule_packs().packs()) {
            const QString name = QString::fromStdString(pack.name());
            auto* item = new QListWidgetItem(
                tr("%1 (%2 rules for Linux agents)").arg(name).arg(pack.linux_rules()), m_packs);
            item->setData(Qt::UserRole, name);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(checked.contains(name) ? Qt::Checked : Qt::Unchecked);
        }
        if (m_loaded.version() != 0)
            fillForm(m_loaded.spec());
    });
}

void PolicyEditor::loadPolicy(const QString& group) {
    proto::OperatorRequest request;
    request.mutable_get_policy()->set_group(group.toStdString());
    m_connection->call(request, this, [this, group](const CallResult& result) {
        if (group != selectedGroup())
            return;
        if (!result.ok()) {
            m_loaded.Clear();
            fillForm({});
            setStatus(result.code == ErrorCode::NotFound
                          ? tr("Group %1 has no policy yet; its agents keep the last one they "
                               "ran. Saving gives it one.")
                                .arg(group)
                          : tr("Could not load the policy: %1").arg(result.error),
                      result.code != ErrorCode::NotFound);
            emit policyLoaded();
            return;
        }
        m_loaded = result.response->get_policy().policy();
        fillForm(m_loaded.spec());
        setStatus(tr("Version %1, saved by %2 on %3")
                      .arg(m_loaded.version())
                      .arg(QString::fromStdString(m_loaded.created_by()),
                           when(m_loaded.created_at_unix())),
                  false);
        emit policyLoaded();
    });
}

void PolicyEditor::fillForm(const proto::PolicySpec& spec) {
    for (int i = 0; i < m_packs->count(); ++i) {
        const std::string name = m_packs->item(i)->data(Qt::UserRole).toString().toStdString();
        const bool on = std::find(spec.rule_packs().begin(), spec.rule_packs().end(), name) !=
                        spec.rule_packs().end();
        m_packs->item(i)->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    }
    QStringList paths;
    for (const auto& path : spec.fim_paths())
        paths << QString::fromStdString(path);
    m_fimPaths->setPlainText(paths.join(QLatin1Char('\n')));
    m_ransomwareEnabled->setChecked(spec.ransomware().enabled());
    m_window->setValue(static_cast<int>(spec.ransomware().window_seconds()));
    m_minFiles->setValue(static_cast<int>(spec.ransomware().min_files()));
    m_entropy->setValue(spec.ransomware().entropy_bits_per_byte());
    m_notes->setValue(static_cast<int>(spec.ransomware().ransom_notes()));
    m_spoolBudget->setValue(static_cast<int>(spec.spool_budget_mib()));
    m_retention->setValue(static_cast<int>(spec.retention_days()));
    m_disabledRules.clear();
    for (const auto& id : spec.disabled_rules())
        m_disabledRules << QString::fromStdString(id);
    m_comment->clear();
}

std::optional<proto::PolicySpec> PolicyEditor::formSpec(QString* problem) const {
    proto::PolicySpec spec;
    for (int i = 0; i < m_packs->count(); ++i)
        if (m_packs->item(i)->checkState() == Qt::Checked)
            spec.add_rule_packs(m_packs->item(i)->data(Qt::UserRole).toString().toStdString());
    for (const auto& id : m_disabledRules)
        spec.add_disabled_rules(id.toStdString());
    for (const QString& line : m_fimPaths->toPlainText().split(QLatin1Char('\n'))) {
        const QString path = line.trimmed();
        if (path.isEmpty())
            continue;
        if (!path.startsWith(QLatin1Char('/')) || path.contains(QLatin1String("/../")) ||
            path.endsWith(QLatin1String("/.."))) {
            *problem = tr("Watched path \"%1\" must be absolute, without \"..\".").arg(path);
            return std::nullopt;
        }
        spec.add_fim_paths(path.toStdString());
    }
    auto* ransomware = spec.mutable_ransomware();
    ransomware->set_enabled(m_ransomwareEnabled->isChecked());
    ransomware->set_window_seconds(static_cast<std::uint32_t>(m_window->value()));
    ransomware->set_min_files(static_cast<std::uint32_t>(m_minFiles->value()));
    ransomware->set_entropy_bits_per_byte(m_entropy->value());
    ransomware->set_ransom_notes(static_cast<std::uint32_t>(m_notes->value()));
    spec.set_spool_budget_mib(static_cast<std::uint32_t>(m_spoolBudget->value()));
    spec.set_retention_days(static_cast<std::uint32_t>(m_retention->value()));
    return spec;
}

void PolicyEditor::save() {
    const QString group = selectedGroup();
    if (group.isEmpty())
        return;
    QString problem;
    const auto spec = formSpec(&problem);
    if (!spec) {
        setStatus(problem, true);
        emit failed(problem);
        return;
    }
    proto::OperatorRequest request;
    auto* set = request.mutable_set_policy();
    set->set_group(group.toStdString());
    *set->mutable_spec() = *spec;
    set->set_comment(m_comment->text().trimmed().toStdString());
    set->set_base_version(m_loaded.version());
    m_save->setEnabled(false);
    m_connection->call(request, this, [this, group](const CallResult& result) {
        m_save->setEnabled(true);
        if (!result.ok()) {
            setStatus(tr("Not saved: %1").arg(result.error), true);
            emit failed(result.error);
            return;
        }
        const auto version = result.response->set_policy().policy().version();
        setStatus(tr("Saved as version %1; the group's agents fetch it now.").arg(version), false);
        loadGroups();
        loadHistory(group);
        emit saved(version);
    });
}

void PolicyEditor::loadHistory(const QString& group) {
    proto::OperatorRequest request;
    request.mutable_policy_history()->set_group(group.toStdString());
    m_connection->call(request, this, [this, group](const CallResult& result) {
        if (group != selectedGroup() || !result.ok())
            return;
        m_versions.assign(result.response->policy_history().versions().begin(),
                          result.response->policy_history().versions().end());
        m_history->clear();
        for (const auto& version : m_versions) {
            QString label = tr("Version %1 · %2 · %3")
                                .arg(version.version())
                                .arg(when(version.created_at_unix()),
                                     QString::fromStdString(version.created_by()));
            if (!version.comment().empty())
                label += QLatin1Char('\n') + QString::fromStdString(version.comment());
            m_history->addItem(label);
        }
        if (!m_versions.empty())
            m_history->setCurrentRow(0);
        else
            m_diff->setPlainText(tr("No versions yet."));
    });
}

void PolicyEditor::showDiff() {
    const int row = m_history->currentRow();
    if (row < 0 || row >= static_cast<int>(m_versions.size()))
        return;
    const auto& shown = m_versions[static_cast<std::size_t>(row)];
    const std::string after = protocol::policyToText(shown.spec());
    if (row + 1 >= static_cast<int>(m_versions.size())) {
        m_diff->setPlainText(tr("The group's first version:") + QLatin1Char('\n') +
                             QString::fromStdString(after));
        return;
    }
    const auto& before = m_versions[static_cast<std::size_t>(row + 1)];
    QStringList lines;
    lines << tr("Changes from version %1 to %2:").arg(before.version()).arg(shown.version());
    bool changed = false;
    for (const auto& line : protocol::diffLines(protocol::policyToText(before.spec()), after)) {
        if (line.front() == ' ')
            continue; // only what changed, so the difference is what the eye meets
        changed = true;
        lines << QString::fromStdString(line);
    }
    if (!changed)
        lines << tr("(the same settings: saved again because its rule packs changed)");
    m_diff->setPlainText(lines.join(QLatin1Char('\n')));
}

void PolicyEditor::loadAgents(const QString& group) {
    proto::OperatorRequest request;
    request.mutable_list_agents()->set_search(group.toStdString());
    request.mutable_list_agents()->set_limit(1000);
    m_connection->call(request, this, [this, group](const CallResult& result) {
        if (group != selectedGroup() || !result.ok())
            return;
        m_agents->setRowCount(0);
        const QLocale locale;
        for (const auto& agent : result.response->list_agents().agents()) {
            if (QString::fromStdString(agent.group()) != group || agent.state() != "accepted")
                continue; // the search also matches host names containing the group's name
            const int row = m_agents->rowCount();
            m_agents->insertRow(row);
            m_agents->setItem(
                row, 0,
                new QTableWidgetItem(
                    agent.isolated()
                        ? tr("%1 · isolated").arg(QString::fromStdString(agent.hostname()))
                        : QString::fromStdString(agent.hostname())));
            m_agents->setItem(row, 1,
                              new QTableWidgetItem(agent.policy_version()
                                                       ? locale.toString(static_cast<qulonglong>(
                                                             agent.policy_version()))
                                                       : tr("none yet")));
            auto* desired = new QTableWidgetItem(
                locale.toString(static_cast<qulonglong>(agent.desired_policy_version())));
            if (agent.policy_version() != agent.desired_policy_version())
                desired->setToolTip(tr("Not applied yet: the agent is offline or fetching it"));
            m_agents->setItem(row, 2, desired);
        }
    });
}

void PolicyEditor::createGroup() {
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("New group"), tr("Name (letters, digits, '.', '-', '_'):"),
                              QLineEdit::Normal, {}, &ok);
    if (!ok || name.trimmed().isEmpty())
        return;
    proto::OperatorRequest request;
    request.mutable_create_group()->set_name(name.trimmed().toStdString());
    // A new group starts from the selected group's policy, so its agents keep detecting.
    request.mutable_create_group()->set_copy_policy_from(selectedGroup().toStdString());
    m_connection->call(request, this, [this, name](const CallResult& result) {
        if (!result.ok()) {
            setStatus(tr("Group not created: %1").arg(result.error), true);
            return;
        }
        setStatus(tr("Group %1 created.").arg(name.trimmed()), false);
        loadGroups();
    });
}

void PolicyEditor::moveAgents() {
    const QString group = selectedGroup();
    if (group.isEmpty())
        return;
    proto::OperatorRequest request;
    request.mutable_list_agents()->set_limit(1000);
    request.mutable_list_agents()->add_states("accepted");
    m_connection->call(request, this, [this, group](const CallResult& result) {
        if (!result.ok()) {
            setStatus(tr("Could not list agents: %1").arg(result.error), true);
            return;
        }
        QDialog dialog(this);
        dialog.setWindowTitle(tr("Move agents to %1").arg(group));
        auto* list = new QListWidget(&dialog);
        list->setObjectName(QStringLiteral("moveAgentsList"));
        for (const auto& agent : result.response->list_agents().agents()) {
            if (QString::fromStdString(agent.group()) == group)
                continue;
            auto* item = new QListWidgetItem(tr("%1 (now in %2)")
                                                 .arg(QString::fromStdString(agent.hostname()),
                                                      QString::fromStdString(agent.group())),
                                             list);
            item->setData(Qt::UserRole, static_cast<qulonglong>(agent.id()));
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(Qt::Unchecked);
        }
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
        connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
        connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
        auto* layout = new QVBoxLayout(&dialog);
        layout->addWidget(new QLabel(tr("They run this group's policy from their next contact.")));
        layout->addWidget(list);
        layout->addWidget(buttons);
        if (dialog.exec() != QDialog::Accepted)
            return;
        proto::OperatorRequest move;
        move.mutable_move_agents()->set_group(group.toStdString());
        for (int i = 0; i < list->count(); ++i)
            if (list->item(i)->checkState() == Qt::Checked)
                move.mutable_move_agents()->add_agent_ids(
                    list->item(i)->data(Qt::UserRole).toULongLong());
        if (move.move_agents().agent_ids_size() == 0)
            return;
        m_connection->call(move, this, [this, group](const CallResult& moved) {
            if (!moved.ok()) {
                setStatus(tr("Not moved: %1").arg(moved.error), true);
                return;
            }
            setStatus(
                tr("%n agent(s) moved to %1.", nullptr, moved.response->move_agents().agents_size())
                    .arg(group),
                false);
            loadGroups();
            loadAgents(group);
        });
    });
}

} // namespace yagura::console
