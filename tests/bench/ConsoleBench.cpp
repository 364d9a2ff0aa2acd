// Benchmark: the console with 10,000 assets on the server. Seeds a site's store directly (a
// seeding tool: 10,000 agent records with realistic fields), starts the real yagura-server, then
// measures in a real (offscreen) console: login to first rows in the Assets view, time for a
// search filter to apply, and the console's memory. Prints JSON.
//
//   yagura-bench-console [--assets 10000]

#include "BenchServer.h"

#include "AssetsModel.h"
#include "AssetsView.h"
#include "ServerConnection.h"

#include "common/Files.h"
#include "common/Text.h"
#include "server/Site.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTableView>

#include <nlohmann/json.hpp>

#include <csignal>
#include <sys/wait.h>
#include <thread>

using namespace yagura;

namespace {
double rssMiB() {
    auto status = files::readFile("/proc/self/status", 65536);
    if (status.ok())
        for (std::string_view line : text::split(*status, '\n'))
            if (text::startsWith(line, "VmRSS:"))
                return std::stod(std::string(text::trim(line.substr(6)))) / 1024.0;
    return 0;
}

template <typename Condition> bool waitFor(Condition condition, int timeoutMs = 30000) {
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}
} // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    int assets = 10000;
    for (int i = 1; i + 1 < argc; i += 2)
        if (std::string(argv[i]) == "--assets")
            assets = std::stoi(argv[i + 1]);

    char dirTemplate[] = "/tmp/yagura-console-bench-XXXXXX";
    const std::filesystem::path dir = ::mkdtemp(dirTemplate);
    const server::SiteLayout layout{dir / "site"};
    (void)files::writeFileAtomic(dir / "pw", "benchmark-password", 0600);
    server::InitOptions init;
    init.dataDir = layout.dataDir;
    init.adminPasswordFile = dir / "pw";
    if (!server::initSite(init, SystemClock::instance()).ok())
        return 1;
    {
        auto store = server::openSiteStore(layout, SystemClock::instance());
        auto transaction = store->database().beginImmediate();
        const char* systems[] = {"Debian GNU/Linux 12 (bookworm)", "Ubuntu 22.04.4 LTS",
                                 "Red Hat Enterprise Linux 9.3", "Windows 10 IoT Enterprise LTSC"};
        for (int i = 0; i < assets; ++i) {
            server::AgentRecord agent;
            agent.publicKey = crypto::CurveKeyPair::generate()->publicKey().z85();
            agent.state = i % 50 == 0 ? server::AgentState::Pending : server::AgentState::Accepted;
            agent.hostname = "line" + std::to_string(i / 200) + "-hmi-" + std::to_string(i);
            agent.os = systems[i % 4];
            agent.group = "cell-" + std::to_string(i % 40);
            (void)store->insertAgent(agent, "seed");
        }
        (void)transaction->commit();
        server::ServerConfig config;
        config.agentBind = {"tcp://127.0.0.1:*"};
        config.enrolBind = {"tcp://127.0.0.1:*"};
        config.operatorBind = {"tcp://127.0.0.1:*"};
        (void)server::saveServerConfig(layout, config);
    }
    auto server = bench::BenchServer::start(YAGURA_SERVER_BIN, layout);
    if (!server) {
        std::fprintf(stderr, "yagura-bench-console: the server did not start\n");
        return 1;
    }
    auto endpoints = server::loadRuntimeEndpoints(layout);
    auto serverKey = crypto::loadPublicKey(layout.serverPublicKey());
    const double rssBefore = rssMiB();

    console::ServerConnection connection;
    console::AssetsView view(&connection);
    view.resize(1280, 800);
    view.show();
    QElapsedTimer clock;
    clock.start();
    bool loggedIn = false;
    connection.login({QString::fromStdString(endpoints->operatorApi.front()),
                      QString::fromStdString(serverKey->z85())},
                     QStringLiteral("admin"), QStringLiteral("benchmark-password"), &view,
                     [&](const console::CallResult& result) { loggedIn = result.ok(); });
    waitFor([&] { return loggedIn; });
    const double loginMs = static_cast<double>(clock.elapsed());
    view.refresh();
    waitFor([&] { return view.model()->rowCount() > 0; });
    const double firstRowsMs = static_cast<double>(clock.elapsed());

    // A filter typed by a person: the time from setting it to the rows being there.
    QElapsedTimer filter;
    filter.start();
    view.model()->setSearchText(QStringLiteral("hmi-777"));
    waitFor([&] {
        return view.model()->totalOnServer() > 0 && view.model()->rowCount() > 0 &&
               view.model()->rowCount() == view.model()->totalOnServer();
    });
    const double filterMs = static_cast<double>(filter.elapsed());
    filter.restart();
    view.model()->setStateFilter({QStringLiteral("pending")});
    view.model()->setSearchText(QString());
    waitFor([&] { return view.model()->rowCount() > 0 && !view.model()->isLoading(); });
    const double stateFilterMs = static_cast<double>(filter.elapsed());

    // Scroll through everything, to see memory with all rows loaded.
    view.model()->setStateFilter({});
    waitFor([&] { return view.model()->rowCount() > 0; });
    while (view.model()->canFetchMore({})) {
        view.model()->fetchMore({});
        waitFor([&] { return !view.model()->isLoading(); });
    }
    const double rssAll = rssMiB();

    server->stop();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    const nlohmann::json result = {
        {"benchmark", "console_assets"},
        {"assets_on_server", assets},
        {"login_ms", loginMs},
        {"login_to_first_rows_ms", firstRowsMs},
        {"search_filter_ms", filterMs},
        {"state_filter_ms", stateFilterMs},
        {"rows_loaded_at_end", view.model()->rowCount()},
        {"console_rss_mib_before_login", rssBefore},
        {"console_rss_mib_all_rows_loaded", rssAll},
        {"page_size", 200},
        {"cores", std::thread::hardware_concurrency()},
    };
    std::printf("%s\n", result.dump(2).c_str());
    return 0;
}
