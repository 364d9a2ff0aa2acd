#include "Screenshots.h"

#include "AssetsView.h"
#include "MainWindow.h"

#include <QDir>
#include <QLocale>
#include <QScreen>
#include <QTableView>
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
        if (page == MainWindow::Page::Assets) {
            // Show a selected agent, so the detail pane is in the picture.
            auto* table = window->assetsView()->table();
            if (table->model()->rowCount() > 0)
                table->selectRow(0);
        }
        // Give the view time to fetch its data from the server and paint.
        QTimer::singleShot(page == MainWindow::Page::Assets ? 2500 : 1500, window, [=] {
            const QString path =
                QStringLiteral("%1/%2-%3.png").arg(directory, language, MainWindow::pageKey(page));
            window->grab().save(path);
            ++*index;
            (*step)();
        });
    };
    QTimer::singleShot(1500, window, [=] { (*step)(); });
}

} // namespace yagura::console
