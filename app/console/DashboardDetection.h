#pragma once

#include "proto/operator.pb.h"

#include <QList>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QBarCategoryAxis;
class QBarSet;
class QChartView;
class QLabel;
class QStackedBarSeries;
class QStackedWidget;
class QTableWidget;
class QValueAxis;
QT_END_NAMESPACE

namespace yagura::console {

// The detection half of the Dashboard: alerts over the last 24 hours by severity, the rules and
// hosts with the most open alerts, and the agents whose spools hold undelivered events or had
// to drop some. Shows only what GetDashboard sent; an empty list says so in words.
class DashboardDetection : public QWidget {
    Q_OBJECT

public:
    explicit DashboardDetection(QWidget* parent = nullptr);
    void apply(const proto::GetDashboardResponse& dashboard);

    // For tests: rows of the lists by objectName ("topRules", "topHosts", "backlog").
    QTableWidget* table(const QString& objectName) const;
    // Sum of the alert chart's bars (for tests).
    int chartedAlerts() const;

private:
    QTableWidget* makeTable(const QString& objectName, const QStringList& headers);
    void fillCounts(QTableWidget* table,
                    const google::protobuf::RepeatedPtrField<proto::CountByName>& counts);

    QStackedWidget* m_alertsStack = nullptr;
    QChartView* m_alertsView = nullptr;
    QStackedBarSeries* m_alertsSeries = nullptr;
    QList<QBarSet*> m_levelSets; // informational .. critical
    QBarCategoryAxis* m_hoursAxis = nullptr;
    QValueAxis* m_countAxis = nullptr;
    QTableWidget* m_topRules = nullptr;
    QTableWidget* m_topHosts = nullptr;
    QTableWidget* m_backlog = nullptr;
    QLabel* m_backlogNote = nullptr;
};

} // namespace yagura::console
