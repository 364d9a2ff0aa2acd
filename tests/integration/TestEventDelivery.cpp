// Telemetry delivery, with nothing acknowledged lost: the agent's durable spool, the real
// server's batch commit, acknowledgement, deduplication on (agent, seq), and the drop report
// when the spool's budget is exceeded.

#include "TestSite.h"

#include "agent/AgentSession.h"
#include "agent/spool/EventSpool.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace yagura;
using namespace yagura::agent;
using namespace yagura::testing;
using namespace std::chrono_literals;

namespace {
proto::TelemetryEvent processEvent(int i, proto::EventRank rank = proto::RANK_TELEMETRY) {
    proto::TelemetryEvent event;
    event.set_time_unix_ms(1'800'000'000'000 + static_cast<std::uint64_t>(i));
    event.set_category("process_creation");
    event.set_rank(rank);
    auto* image = event.add_fields();
    image->set_name("Image");
    image->set_value("/usr/bin/true");
    auto* line = event.add_fields();
    line->set_name("CommandLine");
    line->set_value("/usr/bin/true --run " + std::to_string(i));
    return event;
}

template <typename Done>
bool drive(AgentSession& session, Done done, std::chrono::seconds limit = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done())
            return true;
        if (!session.step(10ms).ok())
            return false;
    }
    return done();
}
} // namespace

class TestEventDelivery : public QObject {
    Q_OBJECT

private slots:
    void spoolNumbersStoresAndForgetsOnlyWhatWasAcknowledged() {
        QTemporaryDir dir;
        const std::filesystem::path state = dir.path().toStdString();
        std::uint64_t first = 0;
        {
            auto spool = EventSpool::open(state, 64 << 20);
            QVERIFY(spool.ok());
            std::vector<proto::TelemetryEvent> events;
            for (int i = 0; i < 10; ++i)
                events.push_back(processEvent(i));
            const std::uint64_t last = *spool->appendAll(events);
            first = last - 9;
            // Numbering starts from the clock, not 1: a recreated spool stays above an old one.
            QVERIFY(first > 1'700'000'000'000'000ull);
            auto batch = spool->nextBatch(4, 1 << 20);
            QCOMPARE(batch->events_size(), 4);
            QCOMPARE(batch->events(0).seq(), first);
            QCOMPARE(batch->events(3).seq(), first + 3);
            QVERIFY(spool->acknowledge(*batch).ok());
            QCOMPARE(*spool->pendingEvents(), 6u);
            // Not acknowledged: still there after a restart.
        }
        auto reopened = EventSpool::open(state, 64 << 20);
        QCOMPARE(*reopened->pendingEvents(), 6u);
        QCOMPARE(reopened->nextBatch(100, 1 << 20)->events(0).seq(), first + 4);
        // Acknowledge everything, then append: a seq is never reused.
        QVERIFY(reopened->acknowledge(*reopened->nextBatch(100, 1 << 20)).ok());
        QCOMPARE(*reopened->pendingEvents(), 0u);
        QCOMPARE(*reopened->append(processEvent(99)), first + 10);
        // A spool recreated from scratch numbers above the old one.
        QTemporaryDir other;
        auto recreated = EventSpool::open(other.path().toStdString(), 64 << 20);
        QVERIFY(*recreated->append(processEvent(1)) > first + 10);
        // The spool file is encrypted like the site store.
        QFile file(dir.filePath("spool.db"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains("/usr/bin/true --run"));
    }

    void fullSpoolDropsLowestRankOldestFirstAndSaysSo() {
        QTemporaryDir dir;
        auto spool = EventSpool::open(dir.path().toStdString(), 6000);
        QVERIFY(spool.ok());
        std::vector<proto::TelemetryEvent> alerts;
        for (int i = 0; i < 5; ++i)
            alerts.push_back(processEvent(i, proto::RANK_ALERT));
        QVERIFY(spool->appendAll(alerts).ok());
        for (int i = 0; i < 200; ++i)
            QVERIFY(spool->append(processEvent(100 + i)).ok());
        QVERIFY(*spool->pendingBytes() <= 6000);
        auto batch = spool->nextBatch(1000, 1 << 20);
        QVERIFY(batch.ok());
        int alertsLeft = 0;
        std::uint64_t oldestTelemetry = 0;
        for (const auto& event : batch->events()) {
            if (event.rank() == proto::RANK_ALERT)
                ++alertsLeft;
            else if (oldestTelemetry == 0)
                oldestTelemetry = event.seq();
        }
        QCOMPARE(alertsLeft, 5);      // alerts outrank telemetry
        QVERIFY(oldestTelemetry > 6); // the oldest telemetry went first
        QVERIFY(batch->dropped_size() > 0);
        std::uint64_t dropped = 0;
        for (const auto& range : batch->dropped()) {
            QCOMPARE(range.rank(), proto::RANK_TELEMETRY);
            dropped += range.count();
        }
        QCOMPARE(dropped + static_cast<std::uint64_t>(batch->events_size()), 205u);
        QVERIFY(batch->dropped(0).first_seq() > batch->events(4).seq());
        // Once the server has the report, it is not sent again.
        QVERIFY(spool->acknowledge(*batch).ok());
        QCOMPARE(spool->nextBatch(10, 1 << 20)->dropped_size(), 0);
    }

    void offlineBacklogArrivesOnceAfterReconnect() {
        TestSite site;
        net::Context context;
        const auto token =
            *crypto::decodeEnrolmentToken(site.createToken(true), SystemClock::instance());
        RawPeer enrolling(context, site.serverKey(), site.endpoints().enrol.front());
        proto::Enrol enrol;
        enrol.set_token_id(token.token_id());
        enrol.set_token_secret(token.secret());
        proto::EnrolResult result;
        result.ParseFromString(
            protocol::unpack(enrolling.request(protocol::pack(proto::ENROL, 1, enrol)))->payload());
        const auto agentId = static_cast<std::int64_t>(result.agent_id());

        QTemporaryDir dir;
        auto spool = EventSpool::open(dir.path().toStdString(), 512 << 20);
        QVERIFY(spool.ok());
        // Offline: 100,000 events pile up in the spool.
        constexpr int kEvents = 100'000;
        std::vector<proto::TelemetryEvent> events;
        events.reserve(kEvents);
        for (int i = 0; i < kEvents; ++i)
            events.push_back(processEvent(i));
        QVERIFY(spool->appendAll(std::move(events)).ok());

        SessionConfig config;
        config.endpoints = site.endpoints().agent;
        config.serverKey = site.serverKey();
        config.keys = &enrolling.keys();
        config.agentVersion = "test";
        config.spool = &*spool;
        config.batchEvents = 2000;
        config.inventoryInterval = std::chrono::hours{24};
        AgentSession session(
            context, config, site.clock(), [] { return proto::Inventory{}; }, {},
            [](const proto::InventorySnapshot&) { return success(); });
        QVERIFY(drive(
            session, [&] { return *spool->pendingEvents() == 0; }, 45s));
        QCOMPARE(session.eventsDelivered(), static_cast<std::uint64_t>(kEvents));
        auto store = site.openStore();
        QCOMPARE(*store.eventCount(agentId), static_cast<std::uint64_t>(kEvents));
    }

    void aBatchSentTwiceIsStoredOnce() {
        TestSite site;
        net::Context context;
        const auto token =
            *crypto::decodeEnrolmentToken(site.createToken(true), SystemClock::instance());
        RawPeer enrolling(context, site.serverKey(), site.endpoints().enrol.front());
        proto::Enrol enrol;
        enrol.set_token_id(token.token_id());
        enrol.set_token_secret(token.secret());
        proto::EnrolResult result;
        result.ParseFromString(
            protocol::unpack(enrolling.request(protocol::pack(proto::ENROL, 1, enrol)))->payload());
        RawPeer agent(context, site.serverKey(), site.endpoints().agent.front(), {},
                      enrolling.keys());
        proto::EventBatch batch;
        for (int i = 1; i <= 50; ++i) {
            auto event = processEvent(i);
            event.set_seq(static_cast<std::uint64_t>(i));
            *batch.add_events() = event;
        }
        auto* dropped = batch.add_dropped();
        dropped->set_first_seq(100);
        dropped->set_last_seq(120);
        dropped->set_count(21);
        dropped->set_rank(proto::RANK_TELEMETRY);
        // The ack of the first send was "lost": the agent sends the same batch again.
        for (int attempt = 0; attempt < 2; ++attempt) {
            proto::Ack ack;
            ack.ParseFromString(
                protocol::unpack(
                    agent.request(protocol::pack(proto::EVENT_BATCH,
                                                 static_cast<std::uint64_t>(attempt + 1), batch)))
                    ->payload());
            QCOMPARE(ack.status(), proto::ACK_OK);
        }
        auto store = site.openStore();
        QCOMPARE(*store.eventCount(static_cast<std::int64_t>(result.agent_id())), 50u);
        QCOMPARE(*store.lostEventCount(static_cast<std::int64_t>(result.agent_id())), 21u);
    }
};

QTEST_GUILESS_MAIN(TestEventDelivery)
#include "TestEventDelivery.moc"
