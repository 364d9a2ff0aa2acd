#include "DashboardView.h"

#include "DashboardDetection.h"

#include <QAbstractBarSeries>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QDateTime>
#include <QEvent>
#include <QFont>
#include <QFontMetrics>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPieSeries>
#include <QPieSlice>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <vector>

namespace yagura::console {

namespace {

constexpr int kRefreshIntervalMs = 30'000;
constexpr int kDebounceMs = 1'000;
constexpr std::size_t kTopOperatingSystems = 8;
constexpr qsizetype kMaxOsLabelLength = 28;

// Whole-number ticks from 0: a step of 1, 2 or 5 x 10^k with at most about six intervals.
// With `headroom`, a bar as long as the axis still leaves room for its value label.
void setIntegerRange(QValueAxis* axis, double maxValue, bool headroom) {
    const double target = std::max(maxValue, 1.0) / 5.0;
    double step = 1.0;
    for (double magnitude = 1.0;; magnitude *= 10.0) {
        if (target <= magnitude) {
            step = magnitude;
            break;
        }
        if (target <= 2.0 * magnitude) {
            step = 2.0 * magnitude;
            break;
        }
        if (target <= 5.0 * magnitude) {
            step = 5.0 * magnitude;
            break;
        }
    }
    double top = std::max(std::ceil(maxValue / step), 1.0) * step;
    if (headroom && top - maxValue < step / 2.0)
        top += step;
    axis->setRange(0.0, top);
    axis->setTickCount(static_cast<int>(std::lround(top / step)) + 1);
}

// QBarCategoryAxis drops duplicate categories, which would shift every bar after them (an hour
// repeated at the end of daylight saving time, an operating system literally named "Other").
QString uniqueLabel(QString label, const QStringList& taken, const QString& suffix = {}) {
    if (taken.contains(label) && !suffix.isEmpty())
        label += QLatin1Char(' ') + suffix;
    while (taken.contains(label))
        label += QChar(0x200B); // zero-width space: looks the same, compares different
    return label;
}

QFont scaledFont(QFont font, double factor, bool bold) {
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * factor);
    else if (font.pixelSize() > 0)
        font.setPixelSize(static_cast<int>(std::lround(font.pixelSize() * factor)));
    font.setBold(bold);
    return font;
}

} // namespace

DashboardView::DashboardView(ServerConnection* connection, QWidget* parent)
    : QWidget(parent), m_connection(connection) {
    setObjectName(QStringLiteral("dashboardView"));

    // --- header: error, last update, refresh --------------------------------------------------
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("dashboardError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    {
        QPalette palette = m_error->palette();
        palette.setColor(QPalette::WindowText, severityColor(Severity::Critical));
        m_error->setPalette(palette);
    }
    m_error->hide();

    m_updated = new QLabel;
    m_updated->setObjectName(QStringLiteral("dashboardUpdated"));
    m_updated->setForegroundRole(QPalette::PlaceholderText);

    m_refreshButton = new QToolButton;
    m_refreshButton->setObjectName(QStringLiteral("dashboardRefresh"));
    m_refreshButton->setText(tr("Refresh"));
    m_refreshButton->setToolTip(tr("Fetch the latest counts from the server"));
    m_refreshButton->setIcon(QIcon::fromTheme(QStringLiteral("view-refresh")));
    m_refreshButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_refreshButton->setAutoRaise(true);
    connect(m_refreshButton, &QToolButton::clicked, this, &DashboardView::refresh);

    auto* header = new QHBoxLayout;
    header->addWidget(m_error, 1);
    header->addStretch();
    header->addWidget(m_updated);
    header->addWidget(m_refreshButton);

    // --- tiles --------------------------------------------------------------------------------
    auto* tiles = new QHBoxLayout;
    tiles->setSpacing(10);
    auto stateTile = [&](AgentStatus status, const QString& name) {
        const QColor color = statusColor(status);
        return makeTile(statusText(status), name, &color, statusIcon(status));
    };
    tiles->addWidget(makeTile(tr("Total"), QStringLiteral("tileTotal"), nullptr, {}), 1);
    tiles->addWidget(stateTile(AgentStatus::Online, QStringLiteral("tileOnline")), 1);
    tiles->addWidget(stateTile(AgentStatus::Offline, QStringLiteral("tileOffline")), 1);
    tiles->addWidget(stateTile(AgentStatus::Pending, QStringLiteral("tilePending")), 1);
    tiles->addWidget(stateTile(AgentStatus::Revoked, QStringLiteral("tileRevoked")), 1);
    tiles->addWidget(stateTile(AgentStatus::Rejected, QStringLiteral("tileRejected")), 1);
    {
        const QColor isolatedColor(0xc6, 0x28, 0x28);
        tiles->addWidget(
            makeTile(tr("Isolated"), QStringLiteral("tileIsolated"), &isolatedColor, {}), 1);
    }
    m_total = findChild<QLabel*>(QStringLiteral("tileTotal"));
    m_online = findChild<QLabel*>(QStringLiteral("tileOnline"));
    m_offline = findChild<QLabel*>(QStringLiteral("tileOffline"));
    m_pending = findChild<QLabel*>(QStringLiteral("tilePending"));
    m_revoked = findChild<QLabel*>(QStringLiteral("tileRevoked"));
    m_rejected = findChild<QLabel*>(QStringLiteral("tileRejected"));
    m_isolated = findChild<QLabel*>(QStringLiteral("tileIsolated"));

    // --- charts -------------------------------------------------------------------------------
    buildStateChart();
    buildOsChart();
    buildCheckinChart();

    auto* charts = new QGridLayout;
    charts->setSpacing(10);
    charts->addWidget(m_stateCard.stack, 0, 0);
    charts->addWidget(m_osCard.stack, 0, 1);
    charts->addWidget(m_checkinCard.stack, 1, 0, 1, 2);
    charts->setColumnStretch(0, 2);
    charts->setColumnStretch(1, 3);
    charts->setRowStretch(0, 1);
    charts->setRowStretch(1, 1);

    // Below its minimum size (a small screen) the view scrolls rather than squashing the charts.
    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(12, 8, 12, 12);
    layout->setSpacing(10);
    layout->addLayout(header);
    layout->addLayout(tiles);
    layout->addLayout(charts, 1);
    m_detection = new DashboardDetection(content);
    m_detection->setObjectName(QStringLiteral("dashboardDetection"));
    layout->addWidget(m_detection, 1);

    auto* scroll = new QScrollArea;
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setWidget(content);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    // --- refresh triggers ---------------------------------------------------------------------
    m_periodic = new QTimer(this);
    m_periodic->setInterval(kRefreshIntervalMs);
    connect(m_periodic, &QTimer::timeout, this, &DashboardView::refresh);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);
    connect(m_debounce, &QTimer::timeout, this, &DashboardView::refresh);

    if (m_connection) {
        connect(m_connection, &ServerConnection::agentChanged, this,
                [this](const proto::AgentSummary&) { scheduleRefresh(); });
        connect(m_connection, &ServerConnection::alertChanged, this,
                [this](const proto::AlertSummary&) { scheduleRefresh(); });
        connect(m_connection, &ServerConnection::connectionStateChanged, this,
                [this](bool connected) {
                    if (connected)
                        scheduleRefresh();
                });
    }
}

DashboardView::~DashboardView() = default;

QWidget* DashboardView::makeTile(const QString& caption, const QString& objectName,
                                 const QColor* color, const QIcon& icon) {
    auto* frame = new QFrame(this);
    frame->setObjectName(objectName + QStringLiteral("Frame"));
    frame->setFrameShape(QFrame::StyledPanel);
    frame->setMinimumWidth(140);
    frame->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);

    auto* number = new QLabel(tr("–", "a tile before the server has answered"), frame);
    number->setObjectName(objectName);
    number->setFont(scaledFont(number->font(), 2.2, true));
    number->setAccessibleName(caption);
    if (color) {
        QPalette palette = number->palette();
        palette.setColor(QPalette::WindowText, *color);
        number->setPalette(palette);
    } else {
        number->setForegroundRole(QPalette::Text);
    }

    auto* captionRow = new QHBoxLayout;
    captionRow->setSpacing(6);
    if (!icon.isNull()) {
        // The icon's shape repeats the state, so the tile does not rest on colour alone.
        auto* iconLabel = new QLabel(frame);
        iconLabel->setPixmap(icon.pixmap(12, 12));
        captionRow->addWidget(iconLabel);
    }
    auto* captionLabel = new QLabel(caption, frame);
    captionRow->addWidget(captionLabel);
    captionRow->addStretch();

    auto* layout = new QVBoxLayout(frame);
    layout->setContentsMargins(14, 8, 14, 10);
    layout->setSpacing(2);
    layout->addWidget(number);
    layout->addLayout(captionRow);
    return frame;
}

QChart* DashboardView::makeChart(const QString& title) {
    auto* chart = new QChart;
    chart->setTheme(QChart::ChartThemeLight); // before any series: a theme resets their colours
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(title);
    chart->setTitleFont(scaledFont(chart->titleFont(), 1.0, true));
    chart->legend()->hide();
    chart->setLocalizeNumbers(true);
    chart->setMargins(QMargins(6, 6, 6, 6));
    return chart;
}

DashboardView::ChartCard DashboardView::makeCard(const QString& title, const QString& emptyText,
                                                 const char* which, QChart* chart,
                                                 const QString& viewName) {
    ChartCard card;
    card.stack = new QStackedWidget(this);

    // The alternatives keep the chart's title so the reader knows what is missing.
    auto makeNote = [&](const QString& text, bool isEmptyState) {
        auto* page = new QFrame;
        page->setFrameShape(QFrame::StyledPanel);
        auto* heading = new QLabel(title, page);
        heading->setFont(scaledFont(heading->font(), 1.0, true));
        heading->setAlignment(Qt::AlignHCenter);
        auto* note = new QLabel(text, page);
        note->setAlignment(Qt::AlignCenter);
        note->setWordWrap(true);
        note->setForegroundRole(QPalette::PlaceholderText);
        if (isEmptyState) {
            note->setObjectName(QStringLiteral("dashboardEmpty"));
            note->setProperty("chart", QString::fromLatin1(which));
        }
        auto* layout = new QVBoxLayout(page);
        layout->addWidget(heading);
        layout->addWidget(note, 1);
        return page;
    };
    card.waitingPage = makeNote(tr("Waiting for the server…"), false);
    card.emptyPage = makeNote(emptyText, true);

    card.view = new QChartView(chart);
    card.view->setObjectName(viewName);
    card.view->setRenderHint(QPainter::Antialiasing);

    card.stack->addWidget(card.waitingPage);
    card.stack->addWidget(card.emptyPage);
    card.stack->addWidget(card.view);
    card.stack->setCurrentWidget(card.waitingPage);
    return card;
}

void DashboardView::buildStateChart() {
    QChart* chart = makeChart(tr("Agents by state"));
    m_stateSeries = new QPieSeries;
    m_stateSeries->setHoleSize(0.45);
    m_stateSeries->setPieSize(0.62); // room for the labels outside the ring
    chart->addSeries(m_stateSeries);
    m_stateCard = makeCard(tr("Agents by state"), tr("No agents are enrolled yet."), "state", chart,
                           QStringLiteral("stateChart"));
    m_stateCard.stack->setMinimumSize(320, 250);
}

void DashboardView::buildOsChart() {
    QChart* chart = makeChart(tr("Agents by operating system"));
    m_osSeries = new QHorizontalBarSeries;
    m_osSet = new QBarSet(tr("Accepted agents"));
    m_osSeries->append(m_osSet);
    m_osSeries->setBarWidth(0.6);
    m_osSeries->setLabelsVisible(true);
    m_osSeries->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    chart->addSeries(m_osSeries);
    m_osSet->setColor(palette().color(QPalette::Highlight));

    m_osAxis = new QBarCategoryAxis;
    m_osValueAxis = new QValueAxis;
    m_osValueAxis->setTitleText(tr("Accepted agents"));
    m_osValueAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_osValueAxis->setMinorTickCount(0);
    chart->addAxis(m_osAxis, Qt::AlignLeft);
    chart->addAxis(m_osValueAxis, Qt::AlignBottom);
    m_osSeries->attachAxis(m_osAxis);
    m_osSeries->attachAxis(m_osValueAxis);

    connect(m_osSeries, &QAbstractBarSeries::hovered, this,
            [this](bool status, int index, QBarSet* set) {
                if (!status || index < 0 || index >= m_osNames.size() || index >= set->count()) {
                    QToolTip::hideText();
                    return;
                }
                const int count = static_cast<int>(std::lround(set->at(index)));
                QToolTip::showText(
                    QCursor::pos(),
                    tr("%1: %n accepted agent(s)", nullptr, count).arg(m_osNames.at(index)));
            });

    m_osCard = makeCard(tr("Agents by operating system"), tr("No accepted agents yet."), "os",
                        chart, QStringLiteral("osChart"));
    m_osCard.stack->setMinimumSize(380, 250);
}

void DashboardView::buildCheckinChart() {
    QChart* chart = makeChart(tr("Check-ins, last 24 hours"));
    m_checkinSeries = new QBarSeries;
    m_checkinSet = new QBarSet(tr("Check-ins"));
    m_checkinSeries->append(m_checkinSet);
    m_checkinSeries->setBarWidth(0.8);
    chart->addSeries(m_checkinSeries);
    m_checkinSet->setColor(palette().color(QPalette::Highlight));

    m_checkinAxis = new QBarCategoryAxis;
    m_checkinAxis->setTitleText(tr("Hour (local time)"));
    m_checkinValueAxis = new QValueAxis;
    m_checkinValueAxis->setTitleText(tr("Check-ins"));
    m_checkinValueAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_checkinValueAxis->setMinorTickCount(0);
    chart->addAxis(m_checkinAxis, Qt::AlignBottom);
    chart->addAxis(m_checkinValueAxis, Qt::AlignLeft);
    m_checkinSeries->attachAxis(m_checkinAxis);
    m_checkinSeries->attachAxis(m_checkinValueAxis);

    connect(
        m_checkinSeries, &QAbstractBarSeries::hovered, this,
        [this](bool status, int index, QBarSet* set) {
            if (!status || index < 0 || index >= m_checkinHours.size() || index >= set->count()) {
                QToolTip::hideText();
                return;
            }
            const QLocale locale;
            const qint64 start = m_checkinHours.at(index);
            const QString from =
                locale.toString(QDateTime::fromSecsSinceEpoch(start).time(), QLocale::ShortFormat);
            const QString to = locale.toString(QDateTime::fromSecsSinceEpoch(start + 3600).time(),
                                               QLocale::ShortFormat);
            const int count = static_cast<int>(std::lround(set->at(index)));
            QToolTip::showText(QCursor::pos(),
                               tr("%1–%2: %n check-in(s)", nullptr, count).arg(from, to));
        });

    m_checkinCard =
        makeCard(tr("Check-ins, last 24 hours"), tr("The server sent no check-in counts."),
                 "checkins", chart, QStringLiteral("checkinChart"));
    m_checkinCard.stack->setMinimumSize(640, 220);
    m_checkinCard.view->installEventFilter(this);
}

int DashboardView::tileValue(const QString& objectName) const {
    if (!m_hasData)
        return -1;
    const auto* label = findChild<QLabel*>(objectName);
    if (!label || !objectName.startsWith(QLatin1String("tile")))
        return -1;
    bool ok = false;
    const int value = QLocale().toInt(label->text(), &ok);
    return ok ? value : -1;
}

void DashboardView::refresh() {
    m_stale = false;
    m_debounce->stop();
    if (!m_connection) {
        showError(tr("There is no connection to a server."));
        return;
    }
    // Only the newest request's answer is shown: an older answer may predate the change that
    // asked for this refresh.
    const quint64 generation = ++m_generation;
    proto::OperatorRequest request;
    request.mutable_get_dashboard();
    m_connection->call(request, this, [this, generation](const CallResult& result) {
        if (generation == m_generation)
            onResult(result);
    });
}

void DashboardView::scheduleRefresh() {
    if (!isVisible()) {
        m_stale = true; // refreshed when shown again
        return;
    }
    // Coalesce a burst of changes into one request, at most a second after the first of them.
    if (!m_debounce->isActive())
        m_debounce->start();
}

void DashboardView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    m_periodic->start();
    if (m_stale) {
        // The main window usually calls refresh() right after showing us; only if it did not
        // does a change seen while hidden need its own request.
        QTimer::singleShot(0, this, [this] {
            if (m_stale && isVisible())
                refresh();
        });
    }
}

void DashboardView::hideEvent(QHideEvent* event) {
    QWidget::hideEvent(event);
    m_periodic->stop();
    if (m_debounce->isActive()) {
        m_debounce->stop();
        m_stale = true;
    }
}

bool DashboardView::eventFilter(QObject* watched, QEvent* event) {
    if (m_checkinCard.view && watched == m_checkinCard.view && event->type() == QEvent::Resize)
        QTimer::singleShot(0, this, [this] { fitCheckinLabels(); });
    return QWidget::eventFilter(watched, event);
}

void DashboardView::onResult(const CallResult& result) {
    if (!result.ok()) {
        showError(result.error.isEmpty() ? tr("The server did not answer.") : result.error);
        return;
    }
    if (!result.response->has_get_dashboard()) {
        showError(tr("The server sent an answer the console does not understand."));
        return;
    }
    m_error->hide();
    m_error->clear();
    apply(result.response->get_dashboard());
    emit refreshed();
}

void DashboardView::showError(const QString& message) {
    m_error->setText(tr("Could not refresh the dashboard: %1").arg(message));
    m_error->show();
}

void DashboardView::apply(const proto::GetDashboardResponse& dashboard) {
    const QLocale locale;
    m_total->setText(locale.toString(dashboard.total()));
    m_online->setText(locale.toString(dashboard.online()));
    m_offline->setText(locale.toString(dashboard.offline()));
    m_pending->setText(locale.toString(dashboard.pending()));
    m_revoked->setText(locale.toString(dashboard.revoked()));
    m_rejected->setText(locale.toString(dashboard.rejected()));
    m_isolated->setText(locale.toString(dashboard.isolated_hosts_size()));
    QStringList isolatedHosts;
    for (const auto& host : dashboard.isolated_hosts())
        isolatedHosts << QString::fromStdString(host);
    m_isolated->setToolTip(
        isolatedHosts.isEmpty()
            ? tr("No host is isolated.")
            : tr("Isolated now: %1").arg(isolatedHosts.join(QStringLiteral(", "))));
    m_hasData = true;

    applyStates(dashboard);
    applyOperatingSystems(dashboard);
    applyCheckins(dashboard);
    m_detection->apply(dashboard);

    if (dashboard.generated_at_unix() > 0) {
        const QDateTime generated =
            QDateTime::fromSecsSinceEpoch(static_cast<qint64>(dashboard.generated_at_unix()));
        m_updated->setText(
            tr("Updated %1").arg(locale.toString(generated.time(), QLocale::ShortFormat)));
        m_updated->setToolTip(
            tr("Counted by the server at %1").arg(locale.toString(generated, QLocale::LongFormat)));
    } else {
        m_updated->clear();
        m_updated->setToolTip({});
    }
}

void DashboardView::applyStates(const proto::GetDashboardResponse& dashboard) {
    struct StateCount {
        AgentStatus status;
        quint32 count;
    };
    const StateCount states[] = {
        {AgentStatus::Online, dashboard.online()},   {AgentStatus::Offline, dashboard.offline()},
        {AgentStatus::Pending, dashboard.pending()}, {AgentStatus::Rejected, dashboard.rejected()},
        {AgentStatus::Revoked, dashboard.revoked()},
    };
    const QLocale locale;
    m_stateSeries->clear();
    for (const auto& state : states) {
        if (state.count == 0)
            continue;
        auto* slice =
            new QPieSlice(tr("%1 %2", "pie slice: state, number of agents")
                              .arg(statusText(state.status), locale.toString(state.count)),
                          state.count);
        slice->setColor(statusColor(state.status)); // before appending: the theme leaves it be
        slice->setLabelVisible(true);
        m_stateSeries->append(slice);
    }
    m_stateCard.stack->setCurrentWidget(m_stateSeries->count() > 0
                                            ? static_cast<QWidget*>(m_stateCard.view)
                                            : m_stateCard.emptyPage);
}

void DashboardView::applyOperatingSystems(const proto::GetDashboardResponse& dashboard) {
    struct OsCount {
        QString name;
        quint64 count;
    };
    std::vector<OsCount> all;
    for (const auto& entry : dashboard.by_os()) {
        if (entry.count() == 0)
            continue;
        QString name = QString::fromStdString(entry.name()).trimmed();
        if (name.isEmpty())
            name = tr("Unknown", "operating system not reported by the agent");
        all.push_back({name, entry.count()});
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const OsCount& a, const OsCount& b) { return a.count > b.count; });
    if (all.size() > kTopOperatingSystems) {
        quint64 rest = 0;
        for (std::size_t i = kTopOperatingSystems; i < all.size(); ++i)
            rest += all[i].count;
        all.resize(kTopOperatingSystems);
        all.push_back({tr("Other", "operating systems beyond the most common ones"), rest});
    }
    if (all.empty()) {
        m_osNames.clear();
        m_osSet->remove(0, m_osSet->count());
        m_osAxis->clear();
        m_osCard.stack->setCurrentWidget(m_osCard.emptyPage);
        return;
    }

    // A horizontal bar chart draws its first category at the bottom: largest goes last.
    std::reverse(all.begin(), all.end());
    QStringList labels;
    QList<qreal> values;
    m_osNames.clear();
    double maxValue = 0.0;
    for (const auto& os : all) {
        QString label = os.name;
        if (label.size() > kMaxOsLabelLength)
            label = label.left(kMaxOsLabelLength - 1) + QChar(0x2026);
        labels << uniqueLabel(label, labels);
        values << static_cast<qreal>(os.count);
        m_osNames << os.name;
        maxValue = std::max(maxValue, static_cast<double>(os.count));
    }
    m_osSet->remove(0, m_osSet->count());
    m_osSet->append(values);
    m_osAxis->clear();
    m_osAxis->append(labels);
    setIntegerRange(m_osValueAxis, maxValue, true);
    m_osCard.stack->setCurrentWidget(m_osCard.view);
}

void DashboardView::applyCheckins(const proto::GetDashboardResponse& dashboard) {
    const QLocale locale;
    QStringList labels;
    QList<qreal> values;
    m_checkinHours.clear();
    double maxValue = 0.0;
    for (const auto& hour : dashboard.checkins()) {
        const auto start = static_cast<qint64>(hour.hour_unix());
        const QDateTime local = QDateTime::fromSecsSinceEpoch(start);
        labels << uniqueLabel(locale.toString(local.time(), QStringLiteral("HH:mm")), labels,
                              local.timeZoneAbbreviation());
        values << static_cast<qreal>(hour.count());
        m_checkinHours << start;
        maxValue = std::max(maxValue, static_cast<double>(hour.count()));
    }
    m_checkinSet->remove(0, m_checkinSet->count());
    m_checkinAxis->clear();
    if (labels.isEmpty()) {
        m_checkinCard.stack->setCurrentWidget(m_checkinCard.emptyPage);
        return;
    }
    m_checkinSet->append(values);
    m_checkinAxis->append(labels);
    setIntegerRange(m_checkinValueAxis, maxValue, false);
    m_checkinCard.stack->setCurrentWidget(m_checkinCard.view);
    fitCheckinLabels();
}

// Twenty-four hour labels fit side by side on a wide window; on a narrow one they turn upright
// rather than overlap.
void DashboardView::fitCheckinLabels() {
    const qsizetype categories = m_checkinAxis->count();
    if (categories == 0 || !m_checkinCard.view)
        return;
    const QFontMetrics metrics(m_checkinAxis->labelsFont());
    const int widest = metrics.horizontalAdvance(QStringLiteral("00:00")) + 8;
    const int plotWidth = std::max(m_checkinCard.view->width() - 90, 0);
    const int angle = plotWidth / static_cast<int>(categories) < widest ? -90 : 0;
    if (m_checkinAxis->labelsAngle() != angle)
        m_checkinAxis->setLabelsAngle(angle);
}

} // namespace yagura::console
