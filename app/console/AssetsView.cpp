#include "AssetsView.h"

#include "StatusStyle.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTabWidget>

#include "ResponseDialog.h"
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace yagura::console {

namespace {
QTableWidget* makeTable(const QStringList& headers, const QString& objectName, QWidget* parent) {
    auto* table = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    table->setObjectName(objectName);
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->verticalHeader()->setVisible(false);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setSortingEnabled(true);
    table->setWordWrap(false);
    return table;
}

// `sortable` tables let the user sort by any column; the overview keeps its order.
void setRows(QTableWidget* table, const std::vector<QStringList>& rows, bool sortable = true) {
    table->setSortingEnabled(false);
    table->setRowCount(static_cast<int>(rows.size()));
    for (int r = 0; r < static_cast<int>(rows.size()); ++r)
        for (int c = 0; c < static_cast<int>(rows[static_cast<std::size_t>(r)].size()); ++c)
            table->setItem(r, c, new QTableWidgetItem(rows[static_cast<std::size_t>(r)][c]));
    table->setSortingEnabled(sortable);
    table->resizeColumnsToContents();
}

QString q(const std::string& text) {
    return QString::fromStdString(text);
}

QString bytes(std::uint64_t value) {
    return QLocale().formattedDataSize(static_cast<qint64>(value), 1, QLocale::DataSizeIecFormat);
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
} // namespace

AssetDetailPane::AssetDetailPane(ServerConnection* connection, QWidget* parent)
    : QWidget(parent), m_connection(connection) {
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("detailTitle"));
    m_title->setTextFormat(Qt::RichText);
    m_fingerprint = new QLabel(this);
    m_fingerprint->setObjectName(QStringLiteral("detailFingerprint"));
    m_fingerprint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("detailError"));
    m_error->setStyleSheet(QStringLiteral("color: #c62828"));
    m_error->setWordWrap(true);
    m_copyFingerprint = new QPushButton(tr("Copy fingerprint"), this);
    m_accept = new QPushButton(tr("Accept…"), this);
    m_accept->setObjectName(QStringLiteral("acceptButton"));
    m_reject = new QPushButton(tr("Reject…"), this);
    m_reject->setObjectName(QStringLiteral("rejectButton"));
    m_revoke = new QPushButton(tr("Revoke…"), this);
    m_revoke->setObjectName(QStringLiteral("revokeButton"));
    m_isolate = new QPushButton(tr("Isolate…"), this);
    m_isolate->setObjectName(QStringLiteral("isolateButton"));
    m_release = new QPushButton(tr("Release…"), this);
    m_release->setObjectName(QStringLiteral("releaseButton"));
    m_collect = new QPushButton(tr("Collect…"), this);
    m_collect->setObjectName(QStringLiteral("collectButton"));
    m_quarantine = new QPushButton(tr("Quarantine file…"), this);
    m_quarantine->setObjectName(QStringLiteral("quarantineButton"));

    m_tabs = new QTabWidget(this);
    m_overview = makeTable({tr("Property"), tr("Value")}, QStringLiteral("overviewTable"), this);
    m_overview->setSortingEnabled(false);
    m_interfaces = makeTable({tr("Interface"), tr("MAC"), tr("State"), tr("MTU"), tr("Addresses")},
                             QStringLiteral("interfacesTable"), this);
    m_ports = makeTable(
        {tr("Protocol"), tr("Address"), tr("Port"), tr("Process"), tr("PID"), tr("Executable")},
        QStringLiteral("portsTable"), this);
    m_users = makeTable({tr("User"), tr("UID"), tr("GID"), tr("Home"), tr("Shell")},
                        QStringLiteral("usersTable"), this);
    m_packages = makeTable({tr("Package"), tr("Version"), tr("Architecture"), tr("Source package"),
                            tr("Source version")},
                           QStringLiteral("packagesTable"), this);
    m_services = makeTable({tr("Service"), tr("Enabled"), tr("Active"), tr("Description")},
                           QStringLiteral("servicesTable"), this);
    m_tabs->addTab(m_overview, tr("Overview"));
    m_tabs->addTab(m_interfaces, tr("Interfaces"));
    m_tabs->addTab(m_ports, tr("Listening ports"));
    m_tabs->addTab(m_users, tr("Users"));
    m_tabs->addTab(m_packages, tr("Packages"));
    m_tabs->addTab(m_services, tr("Services"));
    m_commands = new CommandsPanel(connection, this);
    m_tabs->addTab(m_commands, tr("Commands"));

    auto* actions = new QHBoxLayout;
    actions->addWidget(m_copyFingerprint);
    actions->addStretch(1);
    actions->addWidget(m_isolate);
    actions->addWidget(m_release);
    actions->addWidget(m_collect);
    actions->addWidget(m_quarantine);
    actions->addWidget(m_accept);
    actions->addWidget(m_reject);
    actions->addWidget(m_revoke);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_fingerprint);
    layout->addLayout(actions);
    layout->addWidget(m_error);
    layout->addWidget(m_tabs, 1);

    connect(m_copyFingerprint, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(q(m_agent.key_fingerprint())); });
    connect(m_accept, &QPushButton::clicked, this, [this] { act(proto::ACCEPT); });
    connect(m_reject, &QPushButton::clicked, this, [this] { act(proto::REJECT); });
    connect(m_revoke, &QPushButton::clicked, this, [this] { act(proto::REVOKE); });
    connect(m_isolate, &QPushButton::clicked, this, [this] { respond(proto::ISOLATE); });
    connect(m_release, &QPushButton::clicked, this, [this] { respond(proto::RELEASE); });
    connect(m_collect, &QPushButton::clicked, this, [this] { respond(proto::COLLECT); });
    connect(m_quarantine, &QPushButton::clicked, this, [this] { respond(proto::QUARANTINE); });
    connect(m_connection, &ServerConnection::agentChanged, this,
            [this](const proto::AgentSummary& agent) {
                if (agent.id() == m_agentId) {
                    m_agent = agent;
                    updateActions(agent);
                }
            });
    clear();
}

void AssetDetailPane::clear() {
    m_agentId = 0;
    m_title->setText(tr("Select an agent to see its inventory."));
    m_fingerprint->clear();
    m_error->clear();
    m_copyFingerprint->setVisible(false);
    m_accept->setVisible(false);
    m_reject->setVisible(false);
    m_revoke->setVisible(false);
    for (QPushButton* button : {m_isolate, m_release, m_collect, m_quarantine})
        button->setVisible(false);
    m_tabs->setVisible(false);
}

void AssetDetailPane::respond(proto::CommandAction action) {
    proto::CreateCommandRequest request;
    request.set_agent_id(m_agentId);
    request.set_action(action);
    if (action == proto::COLLECT)
        request.mutable_collect()->set_kind("processes");
    auto* dialog = new ResponseDialog(m_connection, q(m_agent.hostname()), request, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // The history shows the new command at once, then its live status.
    connect(dialog, &ResponseDialog::commandCreated, this,
            [this] { m_tabs->setCurrentWidget(m_commands); });
    dialog->open();
}

void AssetDetailPane::showAgent(quint64 agentId) {
    m_agentId = agentId;
    m_commands->model()->setAgent(agentId);
    m_error->clear();
    proto::OperatorRequest request;
    request.mutable_get_asset()->set_agent_id(agentId);
    m_connection->call(request, this, [this, agentId](const CallResult& result) {
        if (agentId != m_agentId)
            return;
        if (!result.ok()) {
            m_error->setText(result.error);
            return;
        }
        fill(result.response->get_asset());
        emit loaded(agentId);
    });
}

void AssetDetailPane::updateActions(const proto::AgentSummary& agent) {
    const AgentStatus status = agentStatus(q(agent.state()), agent.online());
    // Isolation is shown where the host is named, as a badge nobody can miss.
    const QString badge =
        agent.isolated()
            ? QStringLiteral(" <span style=\"background:#c62828;color:white;padding:2px 6px\">"
                             "%1</span>")
                  .arg(tr("ISOLATED"))
            : QString();
    m_title->setText(QStringLiteral("<h2><span style=\"color:%1\">●</span> %2%4</h2>%3")
                         .arg(statusColor(status).name(), q(agent.hostname()).toHtmlEscaped(),
                              statusText(status), badge));
    m_fingerprint->setText(tr("Key fingerprint: %1").arg(q(agent.key_fingerprint())));
    m_copyFingerprint->setVisible(true);
    const bool manage = m_connection->canManageAgents();
    m_accept->setVisible(manage && (agent.state() == "pending" || agent.state() == "rejected"));
    m_reject->setVisible(manage && agent.state() == "pending");
    m_revoke->setVisible(manage && agent.state() == "accepted");
    // Response actions: the server checks the role (and the policy for releases).
    const bool respondable = manage && agent.state() == "accepted";
    m_isolate->setVisible(respondable && !agent.isolated());
    m_release->setVisible(respondable && agent.isolated());
    m_collect->setVisible(respondable);
    m_quarantine->setVisible(respondable);
}

void AssetDetailPane::fill(const proto::GetAssetResponse& asset) {
    m_agent = asset.agent();
    updateActions(m_agent);
    m_tabs->setVisible(true);
    const auto& inventory = asset.inventory();
    const auto& host = inventory.host();
    const auto when = [](std::uint64_t unix) {
        return unix == 0
                   ? tr("never")
                   : QLocale().toString(QDateTime::fromSecsSinceEpoch(static_cast<qint64>(unix)),
                                        QLocale::LongFormat);
    };
    std::vector<QStringList> overview = {
        {tr("Host name"), q(host.hostname())},
        {tr("Operating system"), q(host.os().pretty_name())},
        {tr("Kernel"), q(host.os().kernel_release())},
        {tr("Architecture"), q(host.os().architecture())},
        {tr("CPU"), q(host.hardware().cpu_model())},
        {tr("CPU cores"), QLocale().toString(host.hardware().cpu_logical_cores())},
        {tr("Memory"), bytes(host.hardware().memory_total_bytes())},
        {tr("Machine ID"), q(host.machine_id())},
        {tr("Agent version"), q(m_agent.agent_version())},
        {tr("Group"), q(m_agent.group())},
        {tr("Enrolled"), when(m_agent.enrolled_at_unix())},
        {tr("Last seen"), when(m_agent.last_seen_unix())},
        {tr("Inventory updated"), when(asset.inventory_updated_unix())},
    };
    for (const auto& disk : inventory.disks())
        overview.push_back(
            {tr("Disk %1").arg(q(disk.mount_point())),
             tr("%1 free of %2 (%3)")
                 .arg(bytes(disk.free_bytes()), bytes(disk.total_bytes()), q(disk.filesystem()))});
    for (const auto& issue : inventory.issues())
        overview.push_back({tr("Not collected: %1").arg(q(issue.section())), q(issue.message())});
    setRows(m_overview, overview, false);

    std::vector<QStringList> rows;
    for (const auto& nic : inventory.interfaces()) {
        QStringList addresses;
        for (const auto& address : nic.addresses())
            addresses << q(address.address()) + '/' + QString::number(address.prefix_length());
        rows.push_back({q(nic.name()), q(nic.mac()), nic.up() ? tr("up") : tr("down"),
                        QString::number(nic.mtu()), addresses.join(QStringLiteral(", "))});
    }
    setRows(m_interfaces, rows);
    rows.clear();
    for (const auto& port : inventory.listening_ports())
        rows.push_back({q(port.protocol()), q(port.address()), QString::number(port.port()),
                        q(port.process()), port.pid() ? QString::number(port.pid()) : QString(),
                        q(port.executable())});
    setRows(m_ports, rows);
    rows.clear();
    for (const auto& user : inventory.users())
        rows.push_back({q(user.name()), QString::number(user.uid()), QString::number(user.gid()),
                        q(user.home()), q(user.shell())});
    setRows(m_users, rows);
    rows.clear();
    for (const auto& package : inventory.packages())
        rows.push_back({q(package.name()), q(package.version()), q(package.architecture()),
                        q(package.source_name()), q(package.source_version())});
    setRows(m_packages, rows);
    rows.clear();
    for (const auto& service : inventory.services())
        rows.push_back({q(service.name()), q(service.unit_file_state()), q(service.active_state()),
                        q(service.description())});
    setRows(m_services, rows);
    m_tabs->setTabText(1, tr("Interfaces (%1)").arg(inventory.interfaces_size()));
    m_tabs->setTabText(2, tr("Listening ports (%1)").arg(inventory.listening_ports_size()));
    m_tabs->setTabText(3, tr("Users (%1)").arg(inventory.users_size()));
    m_tabs->setTabText(4, tr("Packages (%1)").arg(QLocale().toString(inventory.packages_size())));
    m_tabs->setTabText(5, tr("Services (%1)").arg(inventory.services_size()));
}

void AssetDetailPane::act(proto::AgentAction action) {
    const QString host = q(m_agent.hostname());
    QString question;
    switch (action) {
    case proto::ACCEPT:
        question = tr("Accept agent %1?\n\nOnly accept it if this fingerprint matches the one the "
                      "agent printed when it enrolled:\n%2")
                       .arg(host, q(m_agent.key_fingerprint()));
        break;
    case proto::REJECT:
        question = tr("Reject agent %1? It will not be able to connect.").arg(host);
        break;
    default:
        question =
            tr("Revoke agent %1? It is cut off at once and must enrol again to report.").arg(host);
        break;
    }
    if (QMessageBox::question(this, tr("Confirm"), question, QMessageBox::Yes | QMessageBox::Cancel,
                              QMessageBox::Cancel) != QMessageBox::Yes)
        return;
    proto::OperatorRequest request;
    request.mutable_agent_action()->set_agent_id(m_agentId);
    request.mutable_agent_action()->set_action(action);
    const quint64 agentId = m_agentId;
    m_connection->call(request, this, [this, agentId](const CallResult& result) {
        if (!result.ok()) {
            m_error->setText(result.error);
            return;
        }
        if (agentId == m_agentId) {
            m_agent = result.response->agent_action().agent();
            updateActions(m_agent);
        }
        emit agentStateChanged(agentId);
    });
}

AssetsView::AssetsView(ServerConnection* connection, QWidget* parent)
    : QWidget(parent), m_connection(connection) {
    m_model = new AssetsModel(connection, this);
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("assetSearch"));
    m_search->setPlaceholderText(tr("Search host, OS, address, group…"));
    m_search->setClearButtonEnabled(true);
    m_state = new QComboBox(this);
    m_state->setObjectName(QStringLiteral("assetStateFilter"));
    m_state->addItem(tr("All states"), QString());
    m_state->addItem(statusIcon(AgentStatus::Online), statusText(AgentStatus::Online),
                     QStringLiteral("online"));
    m_state->addItem(statusIcon(AgentStatus::Offline), statusText(AgentStatus::Offline),
                     QStringLiteral("offline"));
    m_state->addItem(statusIcon(AgentStatus::Pending), statusText(AgentStatus::Pending),
                     QStringLiteral("pending"));
    m_state->addItem(statusIcon(AgentStatus::Revoked), statusText(AgentStatus::Revoked),
                     QStringLiteral("revoked"));
    m_state->addItem(statusIcon(AgentStatus::Rejected), statusText(AgentStatus::Rejected),
                     QStringLiteral("rejected"));
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("assetCount"));

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("assetsTable"));
    m_table->setModel(m_model);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(AssetsModel::HostnameColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setColumnWidth(AssetsModel::HostnameColumn, 180);
    m_table->setColumnWidth(AssetsModel::StatusColumn, 150);
    m_table->setColumnWidth(AssetsModel::OsColumn, 220);
    m_table->setColumnWidth(AssetsModel::AddressesColumn, 140);
    m_table->setColumnWidth(AssetsModel::LastSeenColumn, 150);
    m_detail = new AssetDetailPane(connection, this);

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_search, 1);
    filters->addWidget(m_state);
    filters->addWidget(m_count);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({300, 450});
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(splitter, 1);

    auto* debounce = new QTimer(this);
    debounce->setSingleShot(true);
    debounce->setInterval(250);
    connect(m_search, &QLineEdit::textChanged, debounce, qOverload<>(&QTimer::start));
    connect(debounce, &QTimer::timeout, this,
            [this] { m_model->setSearchText(m_search->text().trimmed()); });
    connect(m_state, &QComboBox::currentIndexChanged, this, &AssetsView::applyStateFilter);
    connect(m_model, &AssetsModel::pageLoaded, this, &AssetsView::updateCount);
    connect(m_model, &QAbstractItemModel::modelReset, this, &AssetsView::updateCount);
    connect(m_model, &AssetsModel::loadFailed, m_count, &QLabel::setText);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (const auto* agent = m_model->agentAt(current.row()))
                    m_detail->showAgent(agent->id());
                else
                    m_detail->clear();
            });
    auto* copy = new QShortcut(QKeySequence::Copy, m_table);
    copy->setContext(Qt::WidgetShortcut);
    connect(copy, &QShortcut::activated, this, &AssetsView::copySelection);
}

void AssetsView::refresh() {
    if (m_model->rowCount() == 0 && !m_model->isLoading())
        m_model->reload();
}

void AssetsView::applyStateFilter() {
    const QString state = m_state->currentData().toString();
    m_model->setStateFilter(state.isEmpty() ? QStringList{} : QStringList{state});
}

void AssetsView::updateCount() {
    m_count->setText(tr("%1 of %2 agents")
                         .arg(QLocale().toString(m_model->rowCount()),
                              QLocale().toString(m_model->totalOnServer())));
}

void AssetsView::copySelection() {
    copyTableSelection(m_table);
}

} // namespace yagura::console
