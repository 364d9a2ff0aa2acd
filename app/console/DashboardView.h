#pragma once

#include "ServerConnection.h"
#include "StatusStyle.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QBarCategoryAxis;
class QBarSeries;
class QBarSet;
class QChart;
class QChartView;
class QEvent;
class QHideEvent;
class QHorizontalBarSeries;
class QLabel;
class QPieSeries;
class QShowEvent;
class QStackedWidget;
class QTimer;
class QToolButton;
class QValueAxis;
QT_END_NAMESPACE

namespace yagura::console {

class DashboardDetection;

// The fleet at a glance: counts per state, agents per operating system and check-ins over the
// last 24 hours, all as the server reports them (GetDashboard). Nothing is drawn that the server
// did not send: before the first answer the view says it is waiting, and a chart with nothing to
// show says so in words instead of drawing an empty chart.
//
// Refreshes when refresh() is called (the main window does so when the view is shown), every
// 30 seconds while visible, and shortly after the server pushes an agent change. A failed call
// shows its error and keeps the last good data on screen.
class DashboardView : public QWidget {
    Q_OBJECT

public:
    explicit DashboardView(ServerConnection* connection, QWidget* parent = nullptr);
    ~DashboardView() override;

    // For tests: the number on a tile by the objectName of its number label ("tileTotal",
    // "tileOnline", "tileOffline", "tilePending", "tileRevoked", "tileRejected"); -1 before the
    // first successful load or for an unknown name.
    int tileValue(const QString& objectName) const;
    // True once one GetDashboard answer has been shown.
    bool hasData() const { return m_hasData; }
    DashboardDetection* detection() const { return m_detection; }

public slots:
    void refresh();

signals:
    // After the view has shown a fresh successful answer from the server.
    void refreshed();

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    // One chart with its alternatives: waiting for the first answer, or nothing to show.
    struct ChartCard {
        QStackedWidget* stack = nullptr;
        QWidget* waitingPage = nullptr;
        QWidget* emptyPage = nullptr;
        QChartView* view = nullptr;
    };

    QWidget* makeTile(const QString& caption, const QString& objectName, const QColor* color,
                      const QIcon& icon);
    ChartCard makeCard(const QString& title, const QString& emptyText, const char* which,
                       QChart* chart, const QString& viewName);
    static QChart* makeChart(const QString& title);
    void buildStateChart();
    void buildOsChart();
    void buildCheckinChart();

    void scheduleRefresh();
    void onResult(const CallResult& result);
    void apply(const proto::GetDashboardResponse& dashboard);
    void applyStates(const proto::GetDashboardResponse& dashboard);
    void applyOperatingSystems(const proto::GetDashboardResponse& dashboard);
    void applyCheckins(const proto::GetDashboardResponse& dashboard);
    void showError(const QString& message);
    void fitCheckinLabels();

    ServerConnection* m_connection = nullptr;

    QLabel* m_total = nullptr;
    QLabel* m_online = nullptr;
    QLabel* m_offline = nullptr;
    QLabel* m_pending = nullptr;
    QLabel* m_revoked = nullptr;
    QLabel* m_rejected = nullptr;
    QLabel* m_isolated = nullptr;

    QLabel* m_error = nullptr;
    QLabel* m_updated = nullptr;
    QToolButton* m_refreshButton = nullptr;

    ChartCard m_stateCard;
    QPieSeries* m_stateSeries = nullptr;

    ChartCard m_osCard;
    QHorizontalBarSeries* m_osSeries = nullptr;
    QBarSet* m_osSet = nullptr;
    QBarCategoryAxis* m_osAxis = nullptr;
    QValueAxis* m_osValueAxis = nullptr;
    QStringList m_osNames; // full names, in bar order, for the tooltips

    ChartCard m_checkinCard;
    QBarSeries* m_checkinSeries = nullptr;
    QBarSet* m_checkinSet = nullptr;
    QBarCategoryAxis* m_checkinAxis = nullptr;
    QValueAxis* m_checkinValueAxis = nullptr;
    QList<qint64> m_checkinHours; // start of each bar's hour, for the tooltips

    DashboardDetection* m_detection = nullptr;
    QTimer* m_periodic = nullptr;
    QTimer* m_debounce = nullptr;
    quint64 m_generation = 0; // only the newest request's answer is shown
    bool m_hasData = false;
    bool m_stale = false; // a change arrived while hidden
};

} // namespace yagura::console
