#include "DashboardDetection.h"

#include "AlertsModel.h"
#include "StatusStyle.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QStackedBarSeries>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <map>

namespace yagura::console {

namespace {
const char* const kLevels[] = {"informational", "low", "medium", "high", "critical"};

QLabel* heading(const QString& text) {
    auto* label = new QLabel(text);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

QString mebibytes(quint64 bytes) {
    return QLocale().toString(static_cast<double>(bytes) / (1024.0 * 1024.0), 'f', 1);
}
} // namespace

DashboardDetection::DashboardDetection(QWidget* parent) : QWidget(parent) {
    auto* chart = new QChart;
    chart->setTheme(QChart::ChartThemeLight);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(tr("Alerts, last 24 hours, by severity"));
    chart->legend()->setAlignment(Qt::AlignRight);
    m_alertsSeries = new QStackedBarSeries;
    for (const char* level : kLevels) {
        auto* set = new QBarSet(AlertsModel::levelText(QString::fromLatin1(level)));
        set->setColor(severityColor(AlertsModel::severityOf(QString::fromLatin1(level))));
        m_alertsSeries->append(set);
        m_levelSets << set;
    }
    chart->addSeries(m_alertsSeries);
    m_hoursAxis = new QBarCategoryAxis;
    m_hoursAxis->setLabelsAngle(-90);
    m_countAxis = new QValueAxis;
    m_countAxis->setLabelFormat(QStringLiteral("%.0f"));
    chart->addAxis(m_hoursAxis, Qt::AlignBottom);
    chart->addAxis(m_countAxis, Qt::AlignLeft);
    m_alertsSeries->attachAxis(m_hoursAxis);
    m_alertsSeries->attachAxis(m_countAxis);
    m_alertsView = new QChartView(chart);
    m_alertsView->setObjectName(QStringLiteral("alertsChart"));
    m_alertsView->setRenderHint(QPainter::Antialiasing);
    m_alertsView->setMinimumHeight(240);
    auto* noAlerts = new QLabel(tr("No alerts in the last 24 hours."));
    noAlerts->setAlignment(Qt::AlignCenter);
    noAlerts->setObjectName(QStringLiteral("noAlerts"));
    m_alertsStack = new QStackedWidget;
    m_alertsStack->addWidget(noAlerts);
    m_alertsStack->addWidget(m_alertsView);

    m_topRules = makeTable(QStringLiteral("topRules"), {tr("Rule"), tr("Open alerts")});
    m_topHosts = makeTable(QStringLiteral("topHosts"), {tr("Host"), tr("Open alerts")});
    m_backlog = makeTable(QStringLiteral("backlog"), {tr("Host"), tr("Undelivered events"),
                                                      tr("Spool (MiB)"), tr("Events lost")});
    m_backlogNote = new QLabel(tr("Every agent has delivered all its events; none lost any."));
    m_backlogNote->setWordWrap(true);

    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_alertsStack, 0, 0, 1, 3);
    layout->addWidget(heading(tr("Rules with the most open alerts")), 1, 0);
    layout->addWidget(heading(tr("Hosts with the most open alerts")), 1, 1);
    layout->addWidget(heading(tr("Agent spool backlog and losses")), 1, 2);
    layout->addWidget(m_topRules, 2, 0);
    layout->addWidget(m_topHosts, 2, 1);
    auto* backlogBox = new QVBoxLayout;
    backlogBox->addWidget(m_backlog, 1);
    backlogBox->addWidget(m_backlogNote);
    layout->addLayout(backlogBox, 2, 2);
    layout->setColumnStretch(0, 3);
    layout->setColumnStretch(1, 2);
    layout->setColumnStretch(2, 3);
}

QTableWidget* DashboardDetection::makeTable(const QString& objectName, const QStringList& headers) {
    auto* table = new QTableWidget(0, static_cast<int>(headers.size()));
    table->setObjectName(objectName);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int column = 1; column < headers.size(); ++column)
        table->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    table->setMinimumHeight(160);
    return table;
}

QTableWidget* DashboardDetection::table(const QString& objectName) const {
    return findChild<QTableWidget*>(objectName);
}

int DashboardDetection::chartedAlerts() const {
    qreal total = 0;
    for (const QBarSet* set : m_levelSets)
        total += set->sum();
    return static_cast<int>(total);
}

void DashboardDetection::fillCounts(
    QTableWidget* table, const google::protobuf::RepeatedPtrField<proto::CountByName>& counts) {
    table->setRowCount(0);
    for (const auto& entry : counts) {
        const int row = table->rowCount();
        table->insertRow(row);
        table->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(entry.name())));
        auto* count = new QTableWidgetItem(QLocale().toString(entry.count()));
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        table->setItem(row, 1, count);
    }
    if (counts.empty()) {
        table->insertRow(0);
        auto* none = new QTableWidgetItem(tr("No open alerts."));
        table->setItem(0, 0, none);
        table->setSpan(0, 0, 1, table->columnCount());
    }
}

void DashboardDetection::apply(const proto::GetDashboardResponse& dashboard) {
    // Hours in order; each level's count per hour.
    std::map<quint64, std::map<std::string, quint32>> hours;
    for (const auto& bucket : dashboard.alerts_by_hour())
        hours[bucket.hour_unix()][bucket.level()] += bucket.count();
    QStringList labels;
    quint32 maxTotal = 0;
    std::vector<QList<qreal>> values(m_levelSets.size());
    const QLocale locale;
    for (const auto& [hour, levels] : hours) {
        labels << locale.toString(QDateTime::fromSecsSinceEpoch(static_cast<qint64>(hour)).time(),
                                  QStringLiteral("HH:mm"));
        quint32 total = 0;
        for (qsizetype i = 0; i < m_levelSets.size(); ++i) {
            const auto found = levels.find(kLevels[i]);
            const quint32 count = found == levels.end() ? 0 : found->second;
            values[static_cast<std::size_t>(i)] << count;
            total += count;
        }
        maxTotal = std::max(maxTotal, total);
    }
    for (qsizetype i = 0; i < m_levelSets.size(); ++i) {
        m_levelSets[i]->remove(0, m_levelSets[i]->count());
        m_levelSets[i]->append(values[static_cast<std::size_t>(i)]);
    }
    m_hoursAxis->clear();
    m_hoursAxis->append(labels);
    m_countAxis->setRange(0, std::max<quint32>(maxTotal, 1));
    m_countAxis->setTickCount(
        static_cast<int>(std::min<quint32>(std::max<quint32>(maxTotal, 1), 5)) + 1);
    m_alertsStack->setCurrentIndex(maxTotal > 0 ? 1 : 0);

    fillCounts(m_topRules, dashboard.top_rules());
    fillCounts(m_topHosts, dashboard.top_hosts());

    m_backlog->setRowCount(0);
    for (const auto& agent : dashboard.backlog()) {
        const int row = m_backlog->rowCount();
        m_backlog->insertRow(row);
        m_backlog->setItem(
            row, 0,
            new QTableWidgetItem(
                agent.isolated() ? tr("%1 · isolated").arg(QString::fromStdString(agent.hostname()))
                                 : QString::fromStdString(agent.hostname())));
        const QString cells[] = {locale.toString(static_cast<qulonglong>(agent.spool_events())),
                                 mebibytes(agent.spool_bytes()),
                                 locale.toString(static_cast<qulonglong>(agent.lost_events()))};
        for (int column = 1; column <= 3; ++column) {
            auto* item = new QTableWidgetItem(cells[column - 1]);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (column == 3 && agent.lost_events() > 0)
                item->setForeground(severityColor(Severity::High));
            m_backlog->setItem(row, column, item);
        }
    }
    m_backlog->setVisible(dashboard.backlog_size() > 0);
    m_backlogNote->setVisible(dashboard.backlog_size() == 0);
}

} // namespace yagura::console
