// The agent's session state machine against a real server: snapshot, deltas, resync,
// revocation and reconnects, with time driven by the site's ManualClock.

#include "TestSite.h"

#include "agent/AgentSession.h"
#include "client/OperatorClient.h"

#include <QtTest>

using namespace yagura;
using namespace yagura::agent;
using namespace yagura::testing;
using namespace std::chrono_literals;

namespace {
proto::Inventory sampleInventory(const std::string& hostname, int packages) {
    proto::Inventory inventory;
    inventory.mutable_host()->set_hostname(hostname);
    inventory.mutable_host()->mutable_os()->set_pretty_name("Test OS 1");
    auto* nic = inventory.add_interfaces();
    nic->set_name("eth0");
    auto* address = nic->add_addresses();
    address->set_address("192.0.2.10");
    address->set_prefix_length(24);
    address->set_family("inet");
    for (int i = 0; i < packages; ++i) {
        auto* package = inventory.add_packages();
        package->set_name("pkg" + std::to_string(i));
        package->set_source_name("src" + std::to_string(i));
        package->set_version("1.0");
        package->set_architecture("amd64");
    }
    return inventory;
}

// Steps the session until `done` holds or 10 s of real time pass.
template <typename Condition> bool driveUntil(AgentSession& session, Condition done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done())
            return true;
        if (!session.step(20ms).ok())
            return false;
    }
    return done();
}
} // namespace

class TestAgentSession : public QObject {
    Q_OBJECT

private:
    struct Agent {
        crypto::CurveKeyPair keys;
        std::int64_t id = 0;
    };

    Agent enrol(TestSite& site, net::Context& context) {
        const auto token =
            *crypto::decodeEnrolmentToken(site.createToken(true), SystemClock::instance());
        RawPeer peer(context, site.serverKey(), site.endpoints().enrol.front());
        proto::Enrol enrol;
        enrol.set_token_id(token.token_id());
        enrol.set_token_secret(token.secret());
        auto envelope = protocol::unpack(peer.request(protocol::pack(proto::ENROL, 1, enrol)));
        proto::EnrolResult result;
        result.ParseFromString(envelope->payload());
        return {peer.keys(), static_cast<std::int64_t>(result.agent_id())};
    }

    SessionConfig config(TestSite& site, const crypto::CurveKeyPair& keys) {
        SessionConfig config;
        config.endpoints = site.endpoints().agent;
        config.serverKey = site.serverKey();
        config.keys = &keys;
        config.agentVersion = "test";
        config.replyTimeout = 5s;
        return config;
    }

private slots:
    void snapshotThenDeltasReachTheStore() {
        TestSite site;
        net::Context context;
        const auto agent = enrol(site, context);
        proto::Inventory current = sampleInventory("alpha", 3);
        proto::InventorySnapshot persisted;
        int commits = 0;
        AgentSession session(
            context, config(site, agent.keys), site.clock(), [&] { return current; }, {},
            [&](const proto::InventorySnapshot& acknowledged) {
                persisted = acknowledged;
                ++commits;
                return success();
            });
        QVERIFY(driveUntil(session, [&] { return session.acknowledgedGeneration() == 1; }));
        QCOMPARE(session.state(), AgentSession::State::Ready);
        QCOMPARE(persisted.generation(), 1u);

        auto store = site.openStore();
        auto record = *store.agentById(agent.id);
        QCOMPARE(record->hostname, std::string("alpha"));
        QCOMPARE(record->addresses, std::string("192.0.2.10"));
        QCOMPARE(record->inventoryGeneration, std::int64_t{1});

        // Upgrade one package, remove one, add one: only those travel.
        current.mutable_packages(0)->set_version("2.0");
        current.mutable_packages()->DeleteSubrange(2, 1);
        auto* added = current.add_packages();
        added->set_name("newpkg");
        added->set_architecture("amd64");
        session.requestInventory();
        QVERIFY(driveUntil(session, [&] { return session.acknowledgedGeneration() == 2; }));
        const auto inventory = protocol::fromItems(*store.inventoryItems(agent.id));
        QCOMPARE(inventory.packages_size(), 3);
        bool sawUpgrade = false;
        bool sawNew = false;
        for (const auto& package : inventory.packages()) {
            QVERIFY(package.name() != "pkg2");
            sawUpgrade |= package.name() == "pkg0" && package.version() == "2.0";
            sawNew |= package.name() == "newpkg";
        }
        QVERIFY(sawUpgrade && sawNew);
        QCOMPARE(commits, 2);

        // Nothing changed: no new generation.
        session.requestInventory();
        for (int i = 0; i < 10; ++i)
            QVERIFY(session.step(10ms).ok());
        QCOMPARE(session.acknowledgedGeneration(), 2u);
    }

    void staleCacheMakesTheAgentResendASnapshot() {
        TestSite site;
        net::Context context;
        const auto agent = enrol(site, context);
        proto::InventorySnapshot stale;
        stale.set_generation(7); // the server never saw this (e.g. its store was restored)
        AgentSession session(
            context, config(site, agent.keys), site.clock(),
            [] { return sampleInventory("beta", 2); }, stale,
            [](const proto::InventorySnapshot&) { return success(); });
        QVERIFY(driveUntil(session, [&] { return session.acknowledgedGeneration() == 8; }));
        auto store = site.openStore();
        QCOMPARE((*store.agentById(agent.id))->inventoryGeneration, std::int64_t{8});
        QCOMPARE(protocol::fromItems(*store.inventoryItems(agent.id)).packages_size(), 2);
    }

    void heartbeatsKeepTheAgentOnline() {
        TestSite site;
        net::Context context;
        const auto agent = enrol(site, context);
        AgentSession session(
            context, config(site, agent.keys), site.clock(), [] { return sampleInventory("g", 1); },
            {}, [](const proto::InventorySnapshot&) { return success(); });
        QVERIFY(driveUntil(session, [&] { return session.acknowledgedGeneration() == 1; }));
        auto store = site.openStore();
        const auto firstSeen = (*store.agentById(agent.id))->lastSeen;
        site.clock().advance(31s); // past the 30 s heartbeat interval
        QVERIFY(driveUntil(session, [&] {
            auto record = store.agentById(agent.id);
            return record.ok() && *record && (*record)->lastSeen >= firstSeen + 31;
        }));
    }

    void revocationStopsTheSession() {
        TestSite site;
        net::Context context;
        const auto agent = enrol(site, context);
        AgentSession session(
            context, config(site, agent.keys), site.clock(), [] { return sampleInventory("r", 1); },
            {}, [](const proto::InventorySnapshot&) { return success(); });
        QVERIFY(driveUntil(session, [&] { return session.state() == AgentSession::State::Ready; }));
        auto admin = std::move(client::OperatorClient::create(
                                   {site.endpoints().operatorApi.front(), site.serverKey()}))
                         .value();
        QVERIFY(admin->login("admin", kAdminPassword).ok());
        proto::OperatorRequest revoke;
        revoke.mutable_agent_action()->set_agent_id(static_cast<std::uint64_t>(agent.id));
        revoke.mutable_agent_action()->set_action(proto::REVOKE);
        QVERIFY(admin->call(revoke).ok());
        QVERIFY(
            driveUntil(session, [&] { return session.state() == AgentSession::State::Revoked; }));
    }

    void unansweredHelloBacksOffAndRetries() {
        TestSite site;
        net::Context context;
        const auto stranger = *crypto::CurveKeyPair::generate(); // not enrolled: ZAP refuses
        auto sessionConfig = config(site, stranger);
        sessionConfig.backoffMin = 1000ms;
        AgentSession session(
            context, sessionConfig, site.clock(), [] { return sampleInventory("x", 1); }, {},
            [](const proto::InventorySnapshot&) { return success(); });
        QVERIFY(session.step(10ms).ok());
        QCOMPARE(session.state(), AgentSession::State::AwaitingHello);
        site.clock().advance(6s); // past the reply timeout
        QVERIFY(session.step(10ms).ok());
        QCOMPARE(session.state(), AgentSession::State::Disconnected);
        QVERIFY(!session.lastError().empty());
        // Not before the backoff has passed...
        QVERIFY(session.step(10ms).ok());
        QCOMPARE(session.state(), AgentSession::State::Disconnected);
        // ...but after it, a new attempt.
        site.clock().advance(2s);
        QVERIFY(session.step(10ms).ok());
        QCOMPARE(session.state(), AgentSession::State::AwaitingHello);
    }
};

QTEST_GUILESS_MAIN(TestAgentSession)
#include "TestAgentSession.moc"
