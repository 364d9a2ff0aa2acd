#include "Screenshots.h"

#include "AlertsView.h"
#include "AssetsView.h"
#include "DashboardView.h"
#include "EventsView.h"
#include "MainWindow.h"
#include "ResponseView.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QLocale>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>

namespace yagura::console {

void takeScreenshots(MainWindow* window, const QString& directory, std::function<void()> done) {
    QDir().mkpath(directory);
    const QString language = QLocale().name().left(2);
    auto index = std::make_shared<int>(0);
    auto step = std::make_shared<std::function<void()>>();
    *step = [=] {
        const int count = static_cast<int>(MainWindow::Page::PageCount);
        if (*index >= count) {
            done();
            return;
        }
        const auto page = static_cast<MainWindow::Page>(*index);
        window->showPage(page);
        if (page == MainWindow::Page::Assets || page == MainWindow::Page::Alerts) {
            // Show a selected row, so the detail pane is in the picture.
            auto* table = page == MainWindow::Page::Assets ? window->assetsView()->table()
                                                           : window->alertsView()->table();
            QTimer::singleShot(800, table, [table] {
                if (table->model()->rowCount() > 0)
                    table->selectRow(0);
            });
        }
        if (page == MainWindow::Page::Response) {
            auto* table = window->responseView()->commands()->table();
            QTimer::singleShot(800, table, [table] {
                if (table->model()->rowCount() > 0)
                    table->selectRow(0);
            });
        }
        if (page == MainWindow::Page::Events) {
            // A search of the first host's last quarter hour, with one event opened.
            auto* events = window->eventsView();
            QTimer::singleShot(800, events, [events] {
                auto* host = events->findChild<QComboBox*>(QStringLiteral("eventHost"));
                if (!host || host->count() == 0)
                    return;
                const QDateTime now = QDateTime::currentDateTime();
                events->searchHost(host->itemData(0).toULongLong(), now.addSecs(-900),
                                   now.addSecs(60), QStringLiteral("process_creation"));
                QTimer::singleShot(700, events, [events] {
                    if (events->results()->rowCount() > 0)
                        events->results()->selectRow(events->results()->rowCount() - 1);
                });
            });
        }
        // Give the view time to fetch its data from the server and paint.
        const bool detail = page == MainWindow::Page::Assets || page == MainWindow::Page::Alerts ||
                            page == MainWindow::Page::Events || page == MainWindow::Page::Response;
        QTimer::singleShot(detail ? 2500 : 1500, window, [=] {
            const QString path =
                QStringLiteral("%1/%2-%3.png").arg(directory, language, MainWindow::pageKey(page));
            window->grab().save(path);
            ++*index;
            if (page != MainWindow::Page::Dashboard) {
                (*step)();
                return;
            }
            // The Dashboard's detection half is below the fold: a second picture, scrolled.
            if (auto* scroll = window->dashboardView()->findChild<QScrollArea*>())
                scroll->verticalScrollBar()->setValue(scroll->verticalScrollBar()->maximum());
            QTimer::singleShot(500, window, [=] {
                window->grab().save(
                    QStringLiteral("%1/%2-dashboard-detection.png").arg(directory, language));
                (*step)();
            });
        });
    };
    QTimer::singleShot(1500, window, [=] { (*step)(); });
}

} // namespace yagura::console
