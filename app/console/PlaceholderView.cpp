#include "PlaceholderView.h"

#include <QLabel>
#include <QVBoxLayout>

namespace yagura::console {

PlaceholderView::PlaceholderView(const QString& title, const QString& sentence, QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* heading = new QLabel(QStringLiteral("<h2>%1</h2>").arg(title.toHtmlEscaped()), this);
    auto* text = new QLabel(sentence, this);
    text->setObjectName(QStringLiteral("placeholderSentence"));
    text->setWordWrap(true);
    layout->addWidget(heading);
    layout->addWidget(text);
    layout->addStretch(1);
}

} // namespace yagura::console
