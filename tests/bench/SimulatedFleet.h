#pragma once

// Simulated agents for the benchmarks: real enrolment over the server's enrolment endpoint and
// real AgentSession code with real CURVE, many sessions driven from one thread.

#include "agent/AgentSession.h"
#include "agent/Enrolment.h"
#include "common/Clock.h"
#include "crypto/EnrolmentToken.h"
#include "net/Zmq.h"
#include "server/Site.h"

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace yagura::bench {

// A site in `site` for a fleet of `agents` on loopback (wildcard ports), its first admin's
// password in `passwordFile`, enrolment limits raised for the fleet. False on a failure
// (reported on stderr).
inline bool initFleetSite(const std::filesystem::path& site,
                          const std::filesystem::path& passwordFile, int agents,
                          int heartbeatSeconds) {
    server::InitOptions init;
    init.dataDir = site;
    init.adminPasswordFile = passwordFile;
    if (auto result = server::initSite(init, SystemClock::instance()); !result.ok()) {
        std::fprintf(stderr, "init failed: %s\n", result.error().message.c_str());
        return false;
    }
    server::ServerConfig config;
    config.agentBind = {"tcp://127.0.0.1:*"};
    config.enrolBind = {"tcp://127.0.0.1:*"};
    config.operatorBind = {"tcp://127.0.0.1:*"};
    config.heartbeatIntervalSeconds = static_cast<std::uint32_t>(heartbeatSeconds);
    config.enrolBurstPerPeer = static_cast<std::uint32_t>(agents * 2);
    config.enrolPerMinutePerPeer = static_cast<std::uint32_t>(agents * 60);
    config.enrolBurstTotal = static_cast<std::uint32_t>(agents * 2);
    config.enrolPerSecondTotal = static_cast<std::uint32_t>(agents);
    return server::saveServerConfig({site}, config).ok();
}

// An auto-accepting enrolment token for `agents` agents of the running site.
inline std::string fleetToken(const server::SiteLayout& layout,
                              const server::RuntimeEndpoints& endpoints, int agents) {
    auto siteStore = server::openSiteStore(layout, SystemClock::instance());
    if (!siteStore.ok())
        return {};
    server::TokenOptions options;
    options.agentEndpoints = endpoints.agent;
    options.enrolEndpoints = endpoints.enrol;
    options.uses = agents;
    options.autoAccept = true;
    options.createdBy = "bench";
    return server::createEnrolmentToken(layout, *siteStore, options).valueOr(std::string());
}

struct SimulatedFleet {
    std::vector<crypto::CurveKeyPair> keys;
    std::vector<std::unique_ptr<agent::AgentSession>> sessions;
    crypto::CurvePublicKey serverKey;
    std::vector<std::string> agentEndpoints;

    // Enrols `count` agents with `token` (hostnames sim-0, sim-1, ...); false on a failure
    // (reported on stderr).
    bool enrol(net::Context& context, const std::string& token,
               const std::vector<std::string>& enrolEndpoints, int count) {
        const auto decoded = crypto::decodeEnrolmentToken(token, SystemClock::instance());
        if (!decoded.ok())
            return false;
        serverKey = *crypto::CurvePublicKey::parse(decoded->server_public_key());
        keys.reserve(static_cast<std::size_t>(count));
        for (int i = 0; i < count; ++i) {
            keys.push_back(*crypto::CurveKeyPair::generate());
            proto::Enrol enrol;
            enrol.set_token_id(decoded->token_id());
            enrol.set_token_secret(decoded->secret());
            enrol.set_hostname("sim-" + std::to_string(i));
            auto result = agent::requestEnrolment(context, keys.back(), serverKey, enrolEndpoints,
                                                  enrol, std::chrono::seconds{10});
            if (!result.ok() || !result->ok()) {
                std::fprintf(stderr, "enrolment %d failed: %s\n", i,
                             result.ok() ? result->error().c_str()
                                         : result.error().message.c_str());
                return false;
            }
        }
        return true;
    }

    // One session per enrolled agent; `configure` may adjust each one's configuration.
    void start(net::Context& context, const std::vector<std::string>& endpoints,
               const std::function<proto::Inventory(int)>& inventory,
               const std::function<void(int, agent::SessionConfig&)>& configure = {}) {
        agentEndpoints = endpoints;
        for (int i = 0; i < static_cast<int>(keys.size()); ++i) {
            agent::SessionConfig config;
            config.endpoints = endpoints;
            config.serverKey = serverKey;
            config.keys = &keys[static_cast<std::size_t>(i)];
            config.agentVersion = "bench";
            config.replyTimeout = std::chrono::seconds{30};
            config.inventoryInterval = std::chrono::hours{24};
            if (configure)
                configure(i, config);
            sessions.push_back(std::make_unique<agent::AgentSession>(
                context, config, SystemClock::instance(), [inventory, i] { return inventory(i); },
                proto::InventorySnapshot{},
                [](const proto::InventorySnapshot&) { return success(); }));
        }
    }

    // Steps every session until `until` holds, waiting on their sockets between rounds.
    template <typename Until> void driveUntil(Until until) {
        while (!until()) {
            std::vector<net::Socket*> sockets;
            for (auto& session : sessions) {
                (void)session->stepNonBlocking();
                if (auto* socket = session->socket())
                    sockets.push_back(socket);
            }
            (void)net::pollReadable(sockets, std::chrono::milliseconds{5});
        }
    }

    bool allReady() const {
        for (const auto& session : sessions)
            if (session->acknowledgedGeneration() == 0)
                return false;
        return true;
    }
};

} // namespace yagura::bench
