// Transport negatives against a real in-process server: every way in that must fail, tried.
// The matrix follows libzmq's tests/test_security_curve.cpp.

#include "TestSite.h"

#include "client/OperatorClient.h"
#include "net/ZapHandler.h"

#include <QtTest>

using namespace yagura;
using namespace yagura::testing;
using namespace std::chrono_literals;

namespace {
std::string enrolMessage(const proto::EnrolmentToken& token, const std::string& hostname) {
    proto::Enrol enrol;
    enrol.set_token_id(token.token_id());
    enrol.set_token_secret(token.secret());
    enrol.set_hostname(hostname);
    enrol.set_agent_version("test");
    return protocol::pack(proto::ENROL, 1, enrol);
}

proto::EnrolResult parseEnrolResult(const std::string& bytes) {
    proto::EnrolResult result;
    auto envelope = protocol::unpack(bytes);
    if (envelope.ok() && envelope->type() == proto::ENROL_RESULT)
        result.ParseFromString(envelope->payload());
    return result;
}

proto::Ack parseAck(const std::string& bytes) {
    proto::Ack ack;
    auto envelope = protocol::unpack(bytes);
    if (envelope.ok() && envelope->type() == proto::ACK)
        ack.ParseFromString(envelope->payload());
    return ack;
}

std::string hello(std::uint64_t seq = 1) {
    proto::Hello message;
    message.set_agent_version("test");
    return protocol::pack(proto::HELLO, seq, message);
}

std::string heartbeat(std::uint64_t seq) {
    proto::Heartbeat message;
    message.set_agent_version("test");
    return protocol::pack(proto::HEARTBEAT, seq, message);
}

std::int64_t agentCount(TestSite& site) {
    auto store = site.openStore();
    auto agents = store.allAgents();
    return agents.ok() ? static_cast<std::int64_t>(agents->size()) : -1;
}
} // namespace

class TestTransport : public QObject {
    Q_OBJECT

private:
    // Enrols a fresh key with an auto-accept token; returns the key pair.
    crypto::CurveKeyPair enrolAccepted(TestSite& site, net::Context& context,
                                       const std::string& hostname) {
        const auto token =
            *crypto::decodeEnrolmentToken(site.createToken(true), SystemClock::instance());
        RawPeer peer(context, site.serverKey(), site.endpoints().enrol.front());
        const auto result = parseEnrolResult(peer.request(enrolMessage(token, hostname)));
        if (!result.ok() || result.state() != proto::ACCEPTED)
            qFatal("enrolment failed: %s", result.error().c_str());
        return peer.keys();
    }

private slots:
    void acceptedAgentIsServed() {
        TestSite site;
        net::Context context;
        auto keys = enrolAccepted(site, context, "host-a");
        RawPeer agent(context, site.serverKey(), site.endpoints().agent.front(), {}, keys);
        const std::string reply = agent.request(hello());
        auto envelope = protocol::unpack(reply);
        QVERIFY(envelope.ok());
        QCOMPARE(envelope->type(), proto::HELLO_RESULT);
    }

    void unknownClientKeyIsRefused() {
        TestSite site;
        net::Context context;
        RawPeer stranger(context, site.serverKey(), site.endpoints().agent.front());
        QVERIFY(stranger.waitForEvent(net::MonitorEvent::HandshakeFailed, 5s));
        QVERIFY(stranger.request(hello(), 500ms).empty());
    }

    void pendingAgentIsRefused() {
        TestSite site;
        net::Context context;
        const auto token =
            *crypto::decodeEnrolmentToken(site.createToken(false), SystemClock::instance());
        RawPeer enrolling(context, site.serverKey(), site.endpoints().enrol.front());
        const auto result = parseEnrolResult(enrolling.request(enrolMessage(token, "pending")));
        QVERIFY(result.ok());
        QCOMPARE(result.state(), proto::PENDING);
        RawPeer agent(context, site.serverKey(), site.endpoints().agent.front(), {},
                      enrolling.keys());
        QVERIFY(agent.waitForEvent(net::MonitorEvent::HandshakeFailed, 5s));
    }

    void wrongServerKeyNeverConnects() {
        TestSite site;
        net::Context context;
        const auto impostorServer = *crypto::CurveKeyPair::generate();
        auto keys = enrolAccepted(site, context, "host-a");
        RawPeer agent(context, impostorServer.publicKey(), site.endpoints().agent.front(), {},
                      keys);
        QVERIFY(agent.request(hello(), 1500ms).empty());
    }

    void garbageServerKeyIsRejectedBeforeConnecting() {
        QVERIFY(!crypto::CurvePublicKey::parse("not-a-key").ok());
        QVERIFY(!crypto::CurvePublicKey::parse(std::string(40, ' ')).ok());
        QVERIFY(!crypto::CurvePublicKey::parse(std::string(41, 'a')).ok());
    }

    void expiredTokenIsRefused() {
        TestSite site;
        net::Context context;
        const auto token = *crypto::decodeEnrolmentToken(
            site.createToken(true, 1, std::chrono::hours{1}), SystemClock::instance());
        site.clock().advance(std::chrono::hours{2});
        RawPeer peer(context, site.serverKey(), site.endpoints().enrol.front());
        const auto result = parseEnrolResult(peer.request(enrolMessage(token, "late")));
        QVERIFY(!result.ok());
        QVERIFY2(result.error().find("expired") != std::string::npos, result.error().c_str());
        QCOMPARE(agentCount(site), 0);
    }

    void exhaustedTokenIsRefused() {
        TestSite site;
        net::Context context;
        const auto token =
            *crypto::decodeEnrolmentToken(site.createToken(true, 1), SystemClock::instance());
        RawPeer first(context, site.serverKey(), site.endpoints().enrol.front());
        QVERIFY(parseEnrolResult(first.request(enrolMessage(token, "first"))).ok());
        RawPeer second(context, site.serverKey(), site.endpoints().enrol.front());
        const auto result = parseEnrolResult(second.request(enrolMessage(token, "second")));
        QVERIFY(!result.ok());
        QVERIFY2(result.error().find("used up") != std::string::npos, result.error().c_str());
        QCOMPARE(agentCount(site), 1);
        // Re-sending from the already enrolled key does not consume a use and is not a failure.
        QVERIFY(parseEnrolResult(first.request(enrolMessage(token, "first"))).ok());
    }

    void forgedTokenIsRefused() {
        TestSite site;
        net::Context context;
        auto token =
            *crypto::decodeEnrolmentToken(site.createToken(true, 5), SystemClock::instance());
        proto::EnrolmentToken forged = token;
        std::string secret = forged.secret();
        secret[0] = static_cast<char>(secret[0] ^ 0x01);
        forged.set_secret(secret);
        RawPeer peer(context, site.serverKey(), site.endpoints().enrol.front());
        auto result = parseEnrolResult(peer.request(enrolMessage(forged, "forger")));
        QVERIFY(!result.ok());
        proto::EnrolmentToken unknown = token;
        unknown.set_token_id("0000000000000000");
        RawPeer other(context, site.serverKey(), site.endpoints().enrol.front());
        const auto unknownResult = parseEnrolResult(other.request(enrolMessage(unknown, "x")));
        QVERIFY(!unknownResult.ok());
        // Same answer for a wrong secret and an unknown id: a prober learns nothing.
        QCOMPARE(result.error(), unknownResult.error());
        QCOMPARE(agentCount(site), 0);
        // Both refusals are audited.
        auto store = site.openStore();
        server::AuditFilter filter;
        filter.actionPrefix = "agent.enrol";
        filter.outcome = "denied";
        QCOMPARE(server::AuditLog::list(store.database(), filter)->size(), std::size_t{2});
    }

    void enrolEndpointAcceptsOnlyEnrol() {
        TestSite site;
        net::Context context;
        RawPeer peer(context, site.serverKey(), site.endpoints().enrol.front());
        const auto result = parseEnrolResult(peer.request(hello()));
        QVERIFY(!result.ok());
        QVERIFY(result.error().find("only Enrol") != std::string::npos);
        QCOMPARE(agentCount(site), 0);
    }

    void malformedMessagesAreRejectedAndServerSurvives() {
        TestSite site;
        net::Context context;
        auto keys = enrolAccepted(site, context, "host-a");
        RawPeer agent(context, site.serverKey(), site.endpoints().agent.front(), {}, keys);
        QCOMPARE(parseAck(agent.request("\xff\xfe garbage")).status(), proto::ACK_REJECTED);
        proto::Envelope unknownType;
        unknownType.set_protocol_version(1);
        unknownType.set_type(static_cast<proto::MessageType>(99));
        unknownType.set_seq(7);
        QCOMPARE(parseAck(agent.request(unknownType.SerializeAsString())).status(),
                 proto::ACK_UNSUPPORTED);
        QVERIFY(protocol::unpack(agent.request(hello())).ok());
    }

    void oversizedFrameDisconnectsThePeer() {
        TestSite site(64 << 10);
        net::Context context;
        auto keys = enrolAccepted(site, context, "big");
        RawPeer agent(context, site.serverKey(), site.endpoints().agent.front(), {}, keys);
        QVERIFY(protocol::unpack(agent.request(hello())).ok());
        QVERIFY(*agent.socket().send({std::string(256 << 10, 'x')}));
        QVERIFY(agent.waitForEvent(net::MonitorEvent::Disconnected, 5s));
        // The server itself keeps serving others.
        auto otherKeys = enrolAccepted(site, context, "small");
        RawPeer other(context, site.serverKey(), site.endpoints().agent.front(), {}, otherKeys);
        QVERIFY(protocol::unpack(other.request(hello())).ok());
    }

    void agentCannotSubmitAsAnotherAgent() {
        TestSite site;
        net::Context context;
        auto keysA = enrolAccepted(site, context, "host-a");
        auto keysB = enrolAccepted(site, context, "host-b");
        // A picks B's routing id and claims B's host name in its payload.
        RawPeer impostor(context, site.serverKey(), site.endpoints().agent.front(), "agent-b",
                         keysA);
        proto::Inventory inventory;
        inventory.mutable_host()->set_hostname("host-b");
        proto::InventorySnapshot snapshot;
        snapshot.set_generation(1);
        for (const auto& item : protocol::toItems(inventory))
            *snapshot.add_items() = item;
        QCOMPARE(parseAck(impostor.request(protocol::pack(proto::INVENTORY_SNAPSHOT, 2, snapshot)))
                     .status(),
                 proto::ACK_OK);
        auto store = site.openStore();
        auto a = *store.agentByKey(keysA.publicKey().z85());
        auto b = *store.agentByKey(keysB.publicKey().z85());
        QVERIFY(a && b);
        // The data landed on A, the authenticated key; B is untouched.
        QCOMPARE(a->inventoryGeneration, std::int64_t{1});
        QCOMPARE(b->inventoryGeneration, std::int64_t{0});
        QCOMPARE(store.inventoryItems(b->id)->size(), std::size_t{0});
    }

    void revokedAgentIsCutOff() {
        TestSite site;
        net::Context context;
        auto keys = enrolAccepted(site, context, "doomed");
        RawPeer agent(context, site.serverKey(), site.endpoints().agent.front(), {}, keys);
        QVERIFY(protocol::unpack(agent.request(hello())).ok());

        auto admin = std::move(client::OperatorClient::create(
                                   {site.endpoints().operatorApi.front(), site.serverKey()}))
                         .value();
        QVERIFY(admin->login("admin", kAdminPassword).ok());
        auto store = site.openStore();
        const auto record = *store.agentByKey(keys.publicKey().z85());
        proto::OperatorRequest revoke;
        revoke.mutable_agent_action()->set_agent_id(static_cast<std::uint64_t>(record->id));
        revoke.mutable_agent_action()->set_action(proto::REVOKE);
        QVERIFY(admin->call(revoke).ok());

        // The connected agent is told at once (well within 5 s), unprompted.
        auto pushed = agent.socket().receive(5s);
        QVERIFY(pushed.ok() && *pushed);
        QCOMPARE(parseAck((*pushed)->frames.back()).status(), proto::ACK_REVOKED);
        // Anything it still sends is refused...
        QCOMPARE(parseAck(agent.request(heartbeat(5))).status(), proto::ACK_REVOKED);
        // ...and a new connection with its key fails the handshake.
        RawPeer again(context, site.serverKey(), site.endpoints().agent.front(), {}, keys);
        QVERIFY(again.waitForEvent(net::MonitorEvent::HandshakeFailed, 5s));
    }

    void serverRefusesToBindWithoutZapHandler() {
        net::Context context;
        auto keys = *crypto::CurveKeyPair::generate();
        net::CurveServerOptions options;
        options.serverKeys = &keys;
        options.zapDomain = "agent";
        auto socket = net::Socket::curveRouter(context, options);
        QVERIFY(socket.ok());
        net::ZapHandler zap(context, [](const net::ZapRequest&) {
            return net::ZapDecision{true, {}};
        });
        // Never started.
        auto bound = server::bindCurveEndpoint(*socket, zap, {"tcp://127.0.0.1:*"});
        QVERIFY(!bound.ok());
        QVERIFY(bound.error().message.find("ZAP") != std::string::npos);
        // Started, then stopped.
        QVERIFY(zap.start().ok());
        QVERIFY(zap.isServing());
        zap.stop();
        QVERIFY(!zap.isServing(std::chrono::milliseconds{300}));
        QVERIFY(!server::bindCurveEndpoint(*socket, zap, {"tcp://127.0.0.1:*"}).ok());
    }

    void enrolmentIsRateLimited() {
        TestSite site;
        net::Context context;
        int refused = 0;
        for (int i = 0; i < 15; ++i) {
            RawPeer peer(context, site.serverKey(), site.endpoints().enrol.front());
            const auto result = parseEnrolResult(peer.request(hello()));
            if (result.error().find("too many") != std::string::npos)
                ++refused;
        }
        QVERIFY2(refused >= 4, qPrintable(QString::number(refused)));
        // Time heals: after a minute the peer may try again.
        site.clock().advance(std::chrono::minutes{1});
        RawPeer later(context, site.serverKey(), site.endpoints().enrol.front());
        QVERIFY(parseEnrolResult(later.request(hello())).error().find("too many") ==
                std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestTransport)
#include "TestTransport.moc"
