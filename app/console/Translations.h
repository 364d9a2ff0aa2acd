#pragma once

#include <QString>

class QApplication;

namespace yagura::console {

// Loads the console's and Qt's own translations for `code` ("en", "ja"), or for the system
// locale when empty. Dates, numbers and sizes follow QLocale, set to the same language.
void installTranslations(QApplication& app, const QString& code);

} // namespace yagura::console
