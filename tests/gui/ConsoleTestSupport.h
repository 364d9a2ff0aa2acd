#pragma once

// Logs a real ServerConnection in to an in-process TestSite.

#include "ServerConnection.h"
#include "TestSite.h"

#include <QtTest>

namespace yagura::testing {

inline console::ServerTarget targetOf(TestSite& site) {
    return {QString::fromStdString(site.endpoints().operatorApi.front()),
            QString::fromStdString(site.serverKey().z85())};
}

inline bool logIn(console::ServerConnection& connection, TestSite& site,
                  const QString& user = QStringLiteral("admin"),
                  const QString& password = QString::fromLatin1(kAdminPassword)) {
    QObject context;
    bool done = false;
    bool ok = false;
    connection.login(targetOf(site), user, password, &context, [&](const console::CallResult& r) {
        done = true;
        ok = r.ok();
    });
    // Not QTRY_*: those return void on failure, and this function returns a value.
    return QTest::qWaitFor([&] { return done; }, 15000) && ok;
}

} // namespace yagura::testing
