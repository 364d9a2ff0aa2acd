#pragma once

#include <QString>

#include <functional>

namespace yagura::console {

class MainWindow;

// Visits every view of a real, shown window, waits for its data, and saves
// <dir>/<language>-<view>.png; then calls `done`.
void takeScreenshots(MainWindow* window, const QString& directory, std::function<void()> done);

} // namespace yagura::console
