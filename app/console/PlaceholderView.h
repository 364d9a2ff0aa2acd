#pragma once

#include <QWidget>

namespace yagura::console {

// A view whose feature is not built yet: it says so in one sentence and shows nothing else.
class PlaceholderView : public QWidget {
    Q_OBJECT

public:
    PlaceholderView(const QString& title, const QString& sentence, QWidget* parent = nullptr);
};

} // namespace yagura::console
