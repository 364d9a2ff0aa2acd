#pragma once

// An in-process site for tests: a real server (real SQLCipher store, real CURVE endpoints on
// loopback wildcard ports, real ZAP) on its own thread, driven by a ManualClock.

#include "client/OperatorClient.h"
#include "common/Clock.h"
#include "common/Files.h"
#include "crypto/CurveKeys.h"
#include "crypto/EnrolmentToken.h"
#include "crypto/PasswordHash.h"
#include "net/Zmq.h"
#include "proto/Envelope.h"
#include "proto/InventoryItems.h"
#include "server/Server.h"
#include "server/Site.h"

#include <QTemporaryDir>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>

namespace yagura::testing {

inline const char* kAdminPassword = "correct horse battery staple";

class TestSite {
public:
    // `enrolBurst` raises the per-peer enrolment limit for tests that enrol many agents.
    explicit TestSite(std::int64_t agentMaxMessageBytes = 16 << 20, std::uint32_t enrolBurst = 10,
                      const std::function<void(server::ServerConfig&)>& configure = {}) {
        m_layout.dataDir = std::filesystem::path(m_dir.path().toStdString()) / "site";
        const auto passwordFile = std::filesystem::path(m_dir.path().toStdString()) / "admin.pw";
        (void)files::writeFileAtomic(passwordFile, kAdminPassword, 0600);
        server::InitOptions init;
        init.dataDir = m_layout.dataDir;
        init.adminPasswordFile = passwordFile;
        auto result = server::initSite(init, m_clock);
        if (!result.ok())
            qFatal("initSite failed: %s", result.error().message.c_str());
        server::ServerOptions options;
        options.layout = m_layout;
        options.config.agentBind = {"tcp://127.0.0.1:*"};
        options.config.enrolBind = {"tcp://127.0.0.1:*"};
        options.config.operatorBind = {"tcp://127.0.0.1:*"};
        options.config.heartbeatIntervalSeconds = 30;
        options.config.enrolBurstPerPeer = enrolBurst;
        options.config.enrolBurstTotal = std::max<std::uint32_t>(100, enrolBurst);
        options.clock = &m_clock;
        options.agentMaxMessageBytes = agentMaxMessageBytes;
        if (configure)
            configure(options.config);
        auto created = server::Server::create(options);
        if (!created.ok())
            qFatal("Server::create failed: %s", created.error().message.c_str());
        m_server = std::move(created).value();
        if (auto started = m_server->start(); !started.ok())
            qFatal("Server::start failed: %s", started.error().message.c_str());
        m_thread = std::thread([this] { (void)m_server->run(m_stop); });
    }

    ~TestSite() { stop(); }

    void stop() {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        m_server.reset();
    }

    ManualClock& clock() { return m_clock; }
    const server::SiteLayout& layout() const { return m_layout; }
    const server::RuntimeEndpoints& endpoints() const { return m_server->endpoints(); }
    crypto::CurvePublicKey serverKey() const { return m_server->publicKey(); }

    // A second store connection, as the CLI uses while the server runs.
    server::SiteStore openStore() {
        auto store = server::openSiteStore(m_layout, m_clock);
        if (!store.ok())
            qFatal("openSiteStore failed: %s", store.error().message.c_str());
        return std::move(store).value();
    }

    std::string createToken(bool autoAccept, std::int64_t uses = 1,
                            std::chrono::seconds validFor = std::chrono::hours{1}) {
        auto store = openStore();
        server::TokenOptions options;
        options.agentEndpoints = endpoints().agent;
        options.enrolEndpoints = endpoints().enrol;
        options.autoAccept = autoAccept;
        options.uses = uses;
        options.validFor = validFor;
        options.createdBy = "test";
        auto token = server::createEnrolmentToken(m_layout, store, options);
        if (!token.ok())
            qFatal("createEnrolmentToken failed: %s", token.error().message.c_str());
        return *token;
    }

    QString path() const { return m_dir.path(); }

    // Enrols a fresh key over the real enrolment endpoint; returns the agent id (0 on failure).
    std::uint64_t enrolAgent(net::Context& context, bool autoAccept, const std::string& hostname) {
        const auto token =
            crypto::decodeEnrolmentToken(createToken(autoAccept), SystemClock::instance());
        if (!token.ok())
            return 0;
        net::CurveClientOptions options;
        auto keys = crypto::CurveKeyPair::generate();
        options.clientKeys = &*keys;
        options.serverKey = serverKey();
        auto socket = net::Socket::curveDealer(context, options);
        (void)socket->connect(endpoints().enrol.front());
        proto::Enrol enrol;
        enrol.set_token_id(token->token_id());
        enrol.set_token_secret(token->secret());
        enrol.set_hostname(hostname);
        enrol.set_os_pretty_name("Debian GNU/Linux 12 (bookworm)");
        (void)socket->send({protocol::pack(proto::ENROL, 1, enrol)});
        auto reply = socket->receive(std::chrono::milliseconds{5000});
        if (!reply.ok() || !*reply)
            return 0;
        auto envelope = protocol::unpack((*reply)->frames.back());
        proto::EnrolResult result;
        if (!envelope.ok() || !result.ParseFromString(envelope->payload()) || !result.ok())
            return 0;
        return result.agent_id();
    }

    // Enrols (auto-accepted) over the real endpoint; returns the agent id and its key pair.
    std::pair<std::int64_t, crypto::CurveKeyPair> enrolKeys(net::Context& context,
                                                            const std::string& hostname) {
        const auto token =
            crypto::decodeEnrolmentToken(createToken(true), SystemClock::instance()).value();
        auto keys = crypto::CurveKeyPair::generate().value();
        net::CurveClientOptions options;
        options.clientKeys = &keys;
        options.serverKey = serverKey();
        auto socket = net::Socket::curveDealer(context, options);
        (void)socket->connect(endpoints().enrol.front());
        proto::Enrol enrol;
        enrol.set_token_id(token.token_id());
        enrol.set_token_secret(token.secret());
        enrol.set_hostname(hostname);
        (void)socket->send({protocol::pack(proto::ENROL, 1, enrol)});
        auto reply = socket->receive(std::chrono::milliseconds{5000});
        proto::EnrolResult result;
        if (reply.ok() && *reply)
            if (auto envelope = protocol::unpack((*reply)->frames.back()); envelope.ok())
                (void)result.ParseFromString(envelope->payload());
        return {static_cast<std::int64_t>(result.agent_id()), std::move(keys)};
    }

    // A logged-in operator client (users other than admin: see addUser).
    std::unique_ptr<client::OperatorClient> operatorClient(const std::string& user = "admin") {
        auto client =
            client::OperatorClient::create({endpoints().operatorApi.front(), serverKey()}).value();
        const std::string password = user == "admin" ? kAdminPassword : "password-" + user;
        if (!client->login(user, password).ok())
            qFatal("login as %s failed", user.c_str());
        return client;
    }

    // A user whose password is "password-<name>", with cheap hashing for tests.
    void addUser(const std::string& name, server::Role role) {
        auto store = openStore();
        auto hash = crypto::hashPassword("password-" + name, crypto::ScryptParameters{10, 8, 1});
        if (!store.insertUser({name, role, *hash, false}).ok())
            qFatal("cannot add user %s", name.c_str());
    }

private:
    QTemporaryDir m_dir;
    ManualClock m_clock{std::chrono::system_clock::now()};
    server::SiteLayout m_layout;
    std::unique_ptr<server::Server> m_server;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

// Steps an agent session (10 ms waits) until `done` holds or `limit` passes; false on a step
// error or the limit.
template <typename Session, typename Done>
bool driveSession(Session& session, Done done,
                  std::chrono::seconds limit = std::chrono::seconds{20}) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done())
            return true;
        if (!session.step(std::chrono::milliseconds{10}).ok())
            return false;
    }
    return done();
}

// One request/reply over a raw CURVE DEALER: what a (possibly hostile) peer can send.
class RawPeer {
public:
    RawPeer(net::Context& context, const crypto::CurvePublicKey& serverKey,
            const std::string& endpoint, std::string routingId = {},
            std::optional<crypto::CurveKeyPair> keys = {})
        : m_keys(keys ? std::move(*keys) : *crypto::CurveKeyPair::generate()) {
        net::CurveClientOptions options;
        options.clientKeys = &m_keys;
        options.serverKey = serverKey;
        options.routingId = std::move(routingId);
        m_socket.emplace(std::move(net::Socket::curveDealer(context, options)).value());
        (void)m_socket->enableMonitor(context);
        (void)m_socket->connect(endpoint);
    }

    // The reply's payload, or empty on timeout.
    std::string request(const std::string& payload,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds{5000}) {
        auto sent = m_socket->send({payload});
        if (!sent.ok() || !*sent)
            return {};
        auto reply = m_socket->receive(timeout);
        if (!reply.ok() || !*reply)
            return {};
        return (*reply)->frames.back();
    }

    // True once the monitor reports the event within `timeout`.
    bool waitForEvent(net::MonitorEvent wanted, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto event = m_socket->nextMonitorEvent(std::chrono::milliseconds{100});
            if (event && *event == wanted)
                return true;
        }
        return false;
    }

    const crypto::CurveKeyPair& keys() const { return m_keys; }
    net::Socket& socket() { return *m_socket; }

private:
    crypto::CurveKeyPair m_keys;
    std::optional<net::Socket> m_socket;
};

} // namespace yagura::testing
