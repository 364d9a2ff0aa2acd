#include "EventsView.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace yagura::console {

namespace {
constexpr int kPage = 500;

// The few fields that say what an event is, per category.
QString summaryOf(const proto::EventRecord& event) {
    static const char* const kNames[] = {"Action",         "Image",         "CommandLine",
                                         "TargetFilename", "DestinationIp", "DestinationPort",
                                         "User",           "SourceIp",      "RuleTitle"};
    QStringList parts;
    for (const char* name : kNames)
        for (const auto& field : event.fields())
            if (field.name() == name && !field.value().empty())
                parts << QString::fromStdString(field.value()).left(160);
    return parts.join(QStringLiteral("  ·  "));
}
} // namespace

EventsView::EventsView(ServerConnection* connection, QWidget* parent)
    : QWidget(parent), m_connection(connection) {
    m_host = new QComboBox;
    m_host->setObjectName(QStringLiteral("eventHost"));
    m_host->setMinimumWidth(200);
    m_category = new QComboBox;
    m_category->setObjectName(QStringLiteral("eventCategory"));
    m_category->addItem(tr("All categories"), QString());
    const std::pair<QString, const char*> categories[] = {
        {tr("Process starts"), "process_creation"},
        {tr("Network connections"), "network_connection"},
        {tr("File changes"), "file_event"},
        {tr("File deletions"), "file_delete"},
        {tr("File renames"), "file_rename"},
        {tr("Logins and sudo"), "authentication"},
        {tr("Alerts"), "alert"},
    };
    for (const auto& [label, category] : categories)
        m_category->addItem(label, QString::fromLatin1(category));
    m_contains = new QLineEdit;
    m_contains->setObjectName(QStringLiteral("eventContains"));
    m_contains->setPlaceholderText(tr("Text in any field (exact case)"));
    m_contains->setClearButtonEnabled(true);
    m_from = new QDateTimeEdit(QDateTime::currentDateTime().addSecs(-3600));
    m_from->setObjectName(QStringLiteral("eventFrom"));
    m_from->setCalendarPopup(true);
    m_to = new QDateTimeEdit(QDateTime::currentDateTime().addSecs(3600));
    m_to->setObjectName(QStringLiteral("eventTo"));
    m_to->setCalendarPopup(true);
    m_search = new QPushButton(tr("Search"));
    m_search->setObjectName(QStringLiteral("eventSearch"));
    m_search->setDefault(true);
    m_more = new QPushButton(tr("More"));
    m_more->setObjectName(QStringLiteral("eventMore"));
    m_more->setEnabled(false);
    m_message = new QLabel(tr("Choose a host and a time range."));
    m_message->setObjectName(QStringLiteral("eventMessage"));
    m_results = new QTableWidget(0, 4);
    m_results->setObjectName(QStringLiteral("eventResults"));
    m_results->setHorizontalHeaderLabels({tr("Time"), tr("Category"), tr("Seq"), tr("Summary")});
    m_results->verticalHeader()->hide();
    m_results->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_results->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_results->setSelectionMode(QAbstractItemView::SingleSelection);
    m_results->horizontalHeader()->setStretchLastSection(true);
    for (int column = 0; column < 3; ++column)
        m_results->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_results->setWordWrap(false);
    m_detail = new QTreeWidget;
    m_detail->setObjectName(QStringLiteral("eventDetail"));
    m_detail->setHeaderLabels({tr("Field"), tr("Value")});
    m_detail->setRootIsDecorated(false);
    m_detail->setWordWrap(true);

    auto* filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Host")));
    filters->addWidget(m_host);
    filters->addWidget(m_category);
    filters->addWidget(new QLabel(tr("From")));
    filters->addWidget(m_from);
    filters->addWidget(new QLabel(tr("to")));
    filters->addWidget(m_to);
    filters->addWidget(m_contains, 1);
    filters->addWidget(m_search);
    auto* status = new QHBoxLayout;
    status->addWidget(m_message, 1);
    status->addWidget(m_more);
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_results);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 8, 12, 12);
    layout->addLayout(filters);
    layout->addLayout(status);
    layout->addWidget(splitter, 1);

    connect(m_search, &QPushButton::clicked, this, &EventsView::search);
    connect(m_contains, &QLineEdit::returnPressed, this, &EventsView::search);
    connect(m_more, &QPushButton::clicked, this, [this] { fetch(true); });
    connect(m_results, &QTableWidget::itemSelectionChanged, this, &EventsView::showDetail);
}

void EventsView::refresh() {
    proto::OperatorRequest request;
    request.mutable_list_agents()->set_limit(1000);
    request.mutable_list_agents()->add_states("accepted");
    request.mutable_list_agents()->set_sort(proto::SORT_HOSTNAME);
    m_connection->call(request, this, [this](const CallResult& result) {
        if (!result.ok()) {
            m_message->setText(tr("Could not list the hosts: %1").arg(result.error));
            return;
        }
        const QVariant keep = m_host->currentData();
        m_host->clear();
        for (const auto& agent : result.response->list_agents().agents())
            m_host->addItem(agent.isolated()
                                ? tr("%1 · isolated").arg(QString::fromStdString(agent.hostname()))
                                : QString::fromStdString(agent.hostname()),
                            static_cast<qulonglong>(agent.id()));
        const int index = m_host->findData(keep);
        if (index >= 0)
            m_host->setCurrentIndex(index);
        emit hostsLoaded();
    });
}

void EventsView::searchHost(quint64 agentId, const QDateTime& from, const QDateTime& to,
                            const QString& category, const QString& contains) {
    int index = m_host->findData(static_cast<qulonglong>(agentId));
    if (index < 0) {
        m_host->addItem(tr("agent %1").arg(agentId), static_cast<qulonglong>(agentId));
        index = m_host->count() - 1;
    }
    m_host->setCurrentIndex(index);
    m_from->setDateTime(from);
    m_to->setDateTime(to);
    m_category->setCurrentIndex(std::max(0, m_category->findData(category)));
    m_contains->setText(contains);
    search();
}

void EventsView::search() {
    fetch(false);
}

void EventsView::fetch(bool more) {
    if (m_host->currentIndex() < 0) {
        m_message->setText(tr("Choose a host first."));
        return;
    }
    if (m_from->dateTime() >= m_to->dateTime()) {
        m_message->setText(tr("The range ends before it starts."));
        return;
    }
    if (!more) {
        m_events.clear();
        m_results->setRowCount(0);
        m_detail->clear();
    }
    proto::OperatorRequest request;
    auto* list = request.mutable_list_events();
    list->set_agent_id(m_host->currentData().toULongLong());
    list->set_since_unix_ms(static_cast<std::uint64_t>(m_from->dateTime().toMSecsSinceEpoch()));
    list->set_until_unix_ms(static_cast<std::uint64_t>(m_to->dateTime().toMSecsSinceEpoch()));
    list->set_category(m_category->currentData().toString().toStdString());
    list->set_contains(m_contains->text().toStdString());
    list->set_limit(kPage);
    if (more && !m_events.empty())
        list->set_after_seq(m_events.back().seq());
    const quint64 generation = ++m_generation;
    m_search->setEnabled(false);
    m_connection->call(request, this, [this, generation](const CallResult& result) {
        if (generation != m_generation)
            return;
        m_search->setEnabled(true);
        if (!result.ok()) {
            m_message->setText(tr("Search failed: %1").arg(result.error));
            return;
        }
        const QLocale locale;
        const auto& events = result.response->list_events().events();
        for (const auto& event : events) {
            const int row = m_results->rowCount();
            m_results->insertRow(row);
            m_results->setItem(
                row, 0,
                new QTableWidgetItem(locale.toString(
                    QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(event.time_unix_ms())),
                    QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))));
            m_results->setItem(row, 1,
                               new QTableWidgetItem(QString::fromStdString(event.category())));
            m_results->setItem(row, 2, new QTableWidgetItem(QString::number(event.seq())));
            m_results->setItem(row, 3, new QTableWidgetItem(summaryOf(event)));
            m_events.push_back(event);
        }
        m_more->setEnabled(events.size() == kPage);
        m_message->setText(
            m_events.empty()
                ? tr("No events match.")
                : tr("%n event(s)", nullptr, static_cast<int>(m_events.size())) +
                      (events.size() == kPage ? tr("; more with \"More\"") : QString()));
        emit searched(static_cast<int>(m_events.size()));
    });
}

void EventsView::showDetail() {
    m_detail->clear();
    const auto rows = m_results->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const auto& event = m_events[static_cast<std::size_t>(rows.first().row())];
    for (const auto& field : event.fields())
        new QTreeWidgetItem(m_detail, {QString::fromStdString(field.name()),
                                       QString::fromStdString(field.value())});
    m_detail->resizeColumnToContents(0);
}

} // namespace yagura::console
