// Nothing acknowledged is lost, nothing is stored twice: an agent streams a 50,000-event burst
// to the real yagura-server, the server is killed with SIGKILL in the middle, restarted on the
// same data, and the agent carries on. Every event ends up in the store exactly once.

#include "agent/AgentSession.h"
#include "agent/Enrolment.h"
#include "agent/spool/EventSpool.h"
#include "common/Files.h"
#include "crypto/EnrolmentToken.h"
#include "server/Site.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace yagura;
using namespace yagura::agent;
using namespace std::chrono_literals;

namespace {
// A port the kernel just handed out: the server must come back on the same address after the
// crash, so a wildcard bind cannot be used here.
int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

proto::TelemetryEvent makeEvent(int i) {
    proto::TelemetryEvent event;
    event.set_time_unix_ms(1'800'000'000'000 + static_cast<std::uint64_t>(i));
    event.set_category("process_creation");
    event.set_rank(proto::RANK_TELEMETRY);
    auto* field = event.add_fields();
    field->set_name("CommandLine");
    field->set_value("/usr/bin/true " + std::to_string(i));
    return event;
}
} // namespace

class TestCrashDelivery : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_site;
    QStringList m_runArguments;
    std::unique_ptr<QProcess> m_server;

    void startServer() {
        m_server = std::make_unique<QProcess>();
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert("YAGURA_LOG_LEVEL", "warn");
        m_server->setProcessEnvironment(env);
        m_server->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QFile::remove(m_site + "/run/endpoints.json");
        m_server->start(QStringLiteral(YAGURA_SERVER_BIN), m_runArguments);
        QVERIFY(m_server->waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(m_site + "/run/endpoints.json"), 15000);
    }

private slots:
    void cleanupTestCase() {
        if (m_server) {
            m_server->kill();
            m_server->waitForFinished();
        }
    }

    void killNineMidBurstLosesNothingAndDuplicatesNothing() {
        m_site = m_dir.filePath("site");
        (void)files::writeFileAtomic((m_dir.filePath("pw")).toStdString(), "crash-test-password",
                                     0600);
        server::InitOptions init;
        init.dataDir = m_site.toStdString();
        init.adminPasswordFile = m_dir.filePath("pw").toStdString();
        QVERIFY(server::initSite(init, SystemClock::instance()).ok());
        const QString agentEndpoint = QStringLiteral("tcp://127.0.0.1:%1").arg(freePort());
        const QString enrolEndpoint = QStringLiteral("tcp://127.0.0.1:%1").arg(freePort());
        m_runArguments = {"run",          "--data-dir",      m_site,
                          "--agent-bind", agentEndpoint,     "--enrol-bind",
                          enrolEndpoint,  "--operator-bind", "tcp://127.0.0.1:*"};
        startServer();

        const server::SiteLayout layout{m_site.toStdString()};
        std::string tokenText;
        {
            auto store = server::openSiteStore(layout, SystemClock::instance());
            server::TokenOptions options;
            options.agentEndpoints = {agentEndpoint.toStdString()};
            options.enrolEndpoints = {enrolEndpoint.toStdString()};
            options.autoAccept = true;
            options.createdBy = "test";
            tokenText = *server::createEnrolmentToken(layout, *store, options);
        }
        const StateDir state{m_dir.filePath("agent").toStdString()};
        EnrolOptions enrol;
        enrol.token = tokenText;
        auto enrolment = enrolAgent(enrol, state, SystemClock::instance());
        QVERIFY2(enrolment.ok(), enrolment.ok() ? "" : enrolment.error().message.c_str());
        const auto keys = *state.loadKeys();

        auto spool = EventSpool::open(state.root(), 512 << 20);
        QVERIFY(spool.ok());
        constexpr int kEvents = 50'000;
        std::vector<proto::TelemetryEvent> events;
        for (int i = 0; i < kEvents; ++i)
            events.push_back(makeEvent(i));
        QVERIFY(spool->appendAll(std::move(events)).ok());

        net::Context context;
        SessionConfig config;
        config.endpoints = {agentEndpoint.toStdString()};
        config.serverKey = *crypto::CurvePublicKey::parse(enrolment->serverPublicKey);
        config.keys = &keys;
        config.agentVersion = "test";
        config.spool = &*spool;
        config.batchEvents = 500;
        config.replyTimeout = 3s;
        config.backoffMin = 200ms;
        config.backoffMax = 1s;
        config.inventoryInterval = std::chrono::hours{24};
        AgentSession session(
            context, config, SystemClock::instance(), [] { return proto::Inventory{}; }, {},
            [](const proto::InventorySnapshot&) { return success(); });

        // Stream until about a third is acknowledged, then kill the server mid-burst.
        const auto deadline = std::chrono::steady_clock::now() + 40s;
        while (*spool->pendingEvents() > kEvents * 2 / 3 &&
               std::chrono::steady_clock::now() < deadline)
            QVERIFY(session.step(5ms).ok());
        const auto acknowledgedBeforeCrash = session.eventsDelivered();
        QVERIFY(acknowledgedBeforeCrash > 0);
        ::kill(static_cast<pid_t>(m_server->processId()), SIGKILL);
        QVERIFY(m_server->waitForFinished(10000));
        // The agent notices nothing answers, keeps everything unacknowledged, and retries.
        for (int i = 0; i < 50; ++i)
            QVERIFY(session.step(5ms).ok());
        startServer();
        while (*spool->pendingEvents() > 0 && std::chrono::steady_clock::now() < deadline)
            QVERIFY(session.step(5ms).ok());
        QCOMPARE(*spool->pendingEvents(), 0u);
        m_server->terminate();
        QVERIFY(m_server->waitForFinished(10000));

        // Every event is there exactly once: the count, the distinct payloads and the seq range.
        auto store = server::openSiteStore(layout, SystemClock::instance());
        auto& db = store->database();
        auto count = db.prepare(
            "SELECT count(*), count(DISTINCT body), max(seq) - min(seq) + 1 FROM events");
        QVERIFY(count.ok() && *count->step());
        QCOMPARE(count->int64(0), std::int64_t{kEvents});
        QCOMPARE(count->int64(1), std::int64_t{kEvents});
        QCOMPARE(count->int64(2), std::int64_t{kEvents});
    }
};

QTEST_GUILESS_MAIN(TestCrashDelivery)
#include "TestCrashDelivery.moc"
