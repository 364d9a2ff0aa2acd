// yagura-agent: the endpoint agent. See docs/cli.md.
#include "agent/AgentSession.h"
#include "agent/Enrolment.h"
#include "agent/StateDir.h"
#include "agent/collectors/AuthLogCollector.h"
#include "agent/collectors/FileMonitor.h"
#include "agent/collectors/FileTelemetry.h"
#include "agent/collectors/JournalAuthCollector.h"
#include "agent/collectors/NetworkCollector.h"
#include "agent/collectors/NetworkTelemetry.h"
#include "agent/collectors/ProcessCollector.h"
#include "agent/detection/AgentDetector.h"
#include "agent/detection/ProcessPipeline.h"
#include "agent/inventory/HostCollector.h"
#include "agent/inventory/InventoryCollector.h"
#include "agent/policy/AgentPolicy.h"
#include "agent/response/AutoResponder.h"
#include "agent/response/CommandExecutor.h"
#include "agent/response/Isolation.h"
#include "agent/spool/EventSpool.h"
#include "common/Files.h"
#include "common/Log.h"
#include "common/Text.h"
#include "common/Version.h"
#include "crypto/Random.h"

#include "common/CommandLine.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace yagura;
using namespace yagura::agent;

namespace {
std::atomic<bool> g_stopRequested{false};
void onSignal(int) {
    g_stopRequested = true;
}

int fail(const std::string& message, int code = 1) {
    std::fprintf(stderr, "yagura-agent: %s\n", message.c_str());
    return code;
}

std::int64_t bootTimeUnix() {
    // Only /proc/stat's btime: a whole inventory at start-up would be wasted work.
    auto stat = files::readFile("/proc/stat", 1 << 20);
    const auto boot = stat.ok() ? inventory::parseBootTime(*stat) : std::nullopt;
    return boot ? static_cast<std::int64_t>(*boot) : 0;
}

int runEnroll(const std::string& token, const StateDir& stateDir, const std::string& timeout) {
    auto wait = text::parseDuration(timeout);
    if (!wait.ok())
        return fail("--timeout: " + wait.error().message, 2);
    EnrolOptions options;
    options.token = token;
    options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*wait);
    auto state = enrolAgent(options, stateDir, SystemClock::instance());
    if (!state.ok())
        return fail(state.error().message);
    auto keys = stateDir.loadKeys();
    std::printf("Enrolled as agent %llu: %s\n", static_cast<unsigned long long>(state->agentId),
                state->state.c_str());
    if (keys.ok())
        std::printf("Agent key fingerprint: %s\n", keys->publicKey().fingerprint().c_str());
    if (state->state == "pending")
        std::printf("An operator must accept this agent before it reports (compare the "
                    "fingerprint).\n");
    return 0;
}

// Waits for an operator's decision on a pending agent; true once accepted.
bool waitForAcceptance(net::Context& context, const StateDir& stateDir, EnrolmentState& enrolment,
                       const crypto::CurveKeyPair& keys, std::chrono::milliseconds retryMax) {
    const auto serverKey = crypto::CurvePublicKey::parse(enrolment.serverPublicKey);
    auto backoff = std::chrono::milliseconds{500};
    while (!g_stopRequested) {
        proto::Enrol query; // no token: the server answers with this key's current state
        query.set_agent_version(kVersion);
        auto result = requestEnrolment(context, keys, *serverKey, enrolment.enrolEndpoints, query,
                                       std::chrono::milliseconds{10000});
        RuntimeStatus status;
        status.connection = "waiting-for-approval";
        status.updatedUnix = SystemClock::instance().nowUnixSeconds();
        status.pid = ::getpid();
        if (result.ok()) {
            if (result->state() == proto::ACCEPTED) {
                enrolment.state = "accepted";
                (void)stateDir.saveEnrolment(enrolment);
                return true;
            }
            if (result->state() == proto::REJECTED || result->state() == proto::REVOKED) {
                enrolment.state = result->state() == proto::REJECTED ? "rejected" : "revoked";
                (void)stateDir.saveEnrolment(enrolment);
                status.connection = enrolment.state;
                (void)stateDir.saveStatus(status);
                return false;
            }
        } else {
            status.lastError = result.error().message;
        }
        (void)stateDir.saveStatus(status);
        const auto sleepFor =
            backoff / 2 + std::chrono::milliseconds{crypto::randomBelow(
                              static_cast<std::uint64_t>(backoff.count() / 2 + 1))};
        for (auto slept = std::chrono::milliseconds{0}; slept < sleepFor && !g_stopRequested;
             slept += std::chrono::milliseconds{100})
            ::usleep(100'000);
        backoff = std::min(retryMax, backoff * 2);
    }
    return false;
}

int runAgent(const StateDir& stateDir, const std::string& inventoryInterval,
             const std::string& retryMax, std::uint64_t spoolBudgetBytes,
             const std::vector<std::filesystem::path>& rulePaths) {
    auto interval = text::parseDuration(inventoryInterval);
    if (!interval.ok())
        return fail("--inventory-interval: " + interval.error().message, 2);
    auto retry = text::parseDuration(retryMax);
    if (!retry.ok())
        return fail("--retry-max: " + retry.error().message, 2);
    auto enrolment = stateDir.loadEnrolment();
    if (!enrolment.ok())
        return fail(enrolment.error().message);
    auto keys = stateDir.loadKeys();
    if (!keys.ok())
        return fail(keys.error().message);
    auto cache = stateDir.loadInventoryCache();
    if (!cache.ok()) {
        spdlog::warn("{}; sending a full snapshot", cache.error().message);
        cache = proto::InventorySnapshot{};
    }
    if (enrolment->state == "rejected" || enrolment->state == "revoked")
        return fail("this agent has been " + enrolment->state + " by the site; enrol it again", 3);

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGPIPE, SIG_IGN);
    net::Context context;
    const auto retryMs = std::chrono::duration_cast<std::chrono::milliseconds>(*retry);
    if (enrolment->state == "pending") {
        spdlog::info("waiting for an operator to accept this agent (key {})",
                     keys->publicKey().fingerprint());
        if (!waitForAcceptance(context, stateDir, *enrolment, *keys, retryMs))
            return g_stopRequested
                       ? 0
                       : fail("this agent has been " + enrolment->state + " by the site", 3);
    }

    SessionConfig config;
    config.endpoints = enrolment->agentEndpoints;
    config.serverKey = *crypto::CurvePublicKey::parse(enrolment->serverPublicKey);
    config.keys = &*keys;
    config.agentVersion = kVersion;
    config.backoffMax = retryMs;
    config.inventoryInterval = std::chrono::duration_cast<std::chrono::milliseconds>(*interval);
    config.bootTimeUnix = bootTimeUnix();

    // Response: an isolation in force stays in force across restarts and reboots, re-applied
    // before anything is sent; commands run once per id, their results reported until heard.
    Isolation isolation(stateDir.root() / "isolation.pb");
    if (auto restored = isolation.restore(); !restored.ok())
        spdlog::error("isolation could not be re-applied: {}", restored.error().message);
    Quarantine quarantine(stateDir.root() / "quarantine");
    CommandExecutor commands(stateDir.root() / "commands.json", isolation, quarantine,
                             enrolment->agentEndpoints, SystemClock::instance());
    if (auto loaded = commands.load(); !loaded.ok())
        return fail(loaded.error().message);
    config.commands = &commands;

    // Telemetry: every event is in the durable spool before it is sent.
    auto spool = EventSpool::open(stateDir.root(), spoolBudgetBytes);
    if (!spool.ok())
        return fail(spool.error().message);
    config.spool = &*spool;
    AgentDetector detector;
    if (!rulePaths.empty()) {
        const auto report = detector.load(rulePaths);
        spdlog::info("detection rules: {} loaded, {} not supported", report.loaded,
                     report.unsupported);
        for (const auto& [file, reason] : report.problems)
            spdlog::debug("rule {} not loaded: {}", file, reason);
    }
    // Files: integrity monitoring of the policy's paths and the ransomware heuristic (fanotify).
    FileMonitor files;
    bool monitoringFiles = false;
    if (auto started = files.start(FileMonitorConfig{}); started.ok())
        monitoringFiles = true;
    else
        spdlog::warn("{}", started.error().message);
    // The policy's automatic response acts on alerts as they are spooled, online or not.
    AutoResponder autoResponse(commands, quarantine, enrolment->agentEndpoints);
    auto spoolEvents = [&](std::vector<proto::TelemetryEvent> events) {
        auto responses = autoResponse.respond(events, SystemClock::instance().nowUnixMillis());
        for (auto& response : responses)
            events.push_back(std::move(response));
        if (auto stored = spool->appendAll(std::move(events)); !stored.ok())
            spdlog::error("cannot spool events: {}", stored.error().message);
    };
    // The last policy from the server runs before the server is reached (offline start).
    AgentPolicy policy(
        stateDir.root(), detector, &*spool,
        [&files, &monitoringFiles, &autoResponse](const proto::PolicySpec& spec) -> Status {
            if (monitoringFiles)
                YAGURA_TRY(files.reconfigure(fileMonitorConfig(spec)));
            autoResponse.configure(spec.response());
            return success();
        });
    if (auto stored = policy.applyStored(); !stored.ok())
        spdlog::warn("stored policy not applied: {}", stored.error().message);
    config.policyVersion = policy.version();
    config.applyPolicy = [&policy](const proto::PolicyBundle& bundle) {
        return policy.apply(bundle);
    };
    // Authentication: the systemd journal where journald runs, else the auth log.
    std::optional<JournalAuthCollector> journalAuth;
    std::optional<AuthLogCollector> authLog;
    if (JournalAuthCollector::systemJournalAvailable()) {
        journalAuth.emplace(JournalSource::system());
        if (auto started = journalAuth->startAtEnd(); started.ok()) {
            spdlog::info("authentication events: reading the systemd journal");
        } else {
            spdlog::warn("{}; reading the auth log instead", started.error().message);
            journalAuth.reset();
        }
    }
    if (!journalAuth) {
        if (auto path = AuthLogCollector::defaultPath()) {
            authLog.emplace(*path);
            if (auto started = authLog->startAtEnd(); !started.ok()) {
                spdlog::warn("{}", started.error().message);
                authLog.reset();
            }
        } else {
            spdlog::warn("authentication events not collected: no systemd journal and no "
                         "/var/log/auth.log or /var/log/secure on this host");
        }
    }
    std::string lastAuthError; // a failing journal is reported once, not every round
    // Network connections: a sock_diag snapshot diff once a second, plus the kernel's TCP
    // destroy notifications for connections shorter than that.
    NetworkCollector network;
    bool collectingNetwork = false;
    if (auto started = network.start(); started.ok()) {
        network.setIgnoredPids({::getpid()}); // the agent's own session to the server
        collectingNetwork = true;
    } else {
        spdlog::warn("{}", started.error().message);
    }
    std::int64_t nextNetworkPollMs = 0;
    ProcessPipeline processes(detector);
    bool collectingProcesses = false;
    if (auto started = processes.start(); started.ok()) {
        collectingProcesses = true;
    } else {
        // Not fatal: inventory and delivery still work; the reason is reported.
        spdlog::warn("process events not collected: {}", started.error().message);
    }
    AgentSession session(
        context, config, SystemClock::instance(),
        [] {
            return collectInventory(InventorySources{}, SystemClock::instance().nowUnixSeconds());
        },
        *cache,
        [&stateDir](const proto::InventorySnapshot& acknowledged) {
            return stateDir.saveInventoryCache(acknowledged);
        });
    spdlog::info("agent {} starting; server {}", enrolment->agentId,
                 enrolment->agentEndpoints.front());

    RuntimeStatus last;
    std::int64_t lastWrite = 0;
    std::int64_t lastStateCheck = SystemClock::instance().nowUnixSeconds();
    const std::int64_t stateCheckInterval = std::max<std::int64_t>(30, 2 * retry->count());
    // Start-up (inventory, rule compilation) and storms leave freed memory that glibc keeps; give
    // it back now and then, so an agent at rest stays small on the endpoint.
    std::int64_t nextMemoryTrim = SystemClock::instance().nowUnixSeconds() + 5;
    while (!g_stopRequested) {
        if (SystemClock::instance().nowUnixSeconds() >= nextMemoryTrim) {
            ::malloc_trim(0);
            nextMemoryTrim = SystemClock::instance().nowUnixSeconds() + 30;
        }
        if (journalAuth || authLog) {
            auto facts = journalAuth ? journalAuth->poll() : authLog->poll();
            if (!facts.ok()) {
                if (facts.error().message != lastAuthError)
                    spdlog::warn("{}", facts.error().message);
                lastAuthError = facts.error().message;
            } else if (lastAuthError.clear(); !facts->empty()) {
                std::vector<proto::TelemetryEvent> events;
                const std::int64_t nowMs = SystemClock::instance().nowUnixMillis();
                for (const auto& fact : *facts) {
                    auto telemetry = authTelemetry(fact, nowMs);
                    for (auto& alert : detector.evaluateLog(fact.program, telemetry, nowMs))
                        events.push_back(std::move(alert));
                    events.push_back(std::move(telemetry));
                }
                spoolEvents(std::move(events));
            }
        }
        if (monitoringFiles) {
            if (auto activities = files.drain(); !activities.empty()) {
                std::vector<proto::TelemetryEvent> events;
                const std::int64_t nowMs = SystemClock::instance().nowUnixMillis();
                for (const auto& activity : activities) {
                    auto telemetry = fileTelemetry(activity);
                    if (telemetry.category() != "alert")
                        for (auto& alert : detector.evaluateTelemetry(telemetry, nowMs))
                            events.push_back(std::move(alert));
                    events.push_back(std::move(telemetry));
                }
                spoolEvents(std::move(events));
            }
        }
        if (collectingNetwork && SystemClock::instance().nowUnixMillis() >= nextNetworkPollMs) {
            const std::int64_t nowMs = SystemClock::instance().nowUnixMillis();
            nextNetworkPollMs = nowMs + 1000;
            if (auto connections = network.poll(); !connections.ok()) {
                spdlog::warn("network connections: {}", connections.error().message);
            } else if (!connections->empty()) {
                std::vector<proto::TelemetryEvent> events;
                for (const auto& connection : *connections) {
                    auto telemetry = connectionTelemetry(connection, nowMs);
                    for (auto& alert : detector.evaluateTelemetry(telemetry, nowMs))
                        events.push_back(std::move(alert));
                    events.push_back(std::move(telemetry));
                }
                spoolEvents(std::move(events));
            }
        }
        if (auto alerts = commands.tick(); !alerts.empty())
            spoolEvents(std::move(alerts));
        if (collectingProcesses) {
            if (auto events = processes.drain(); !events.empty())
                spoolEvents(std::move(events));
        }
        // Short waits while events can arrive: an alert waits at most this long to be spooled.
        if (auto status = session.step(std::chrono::milliseconds{collectingProcesses ? 50 : 200});
            !status.ok())
            spdlog::error("{}", status.error().message);
        // A refused handshake says nothing about why: while the session cannot be established,
        // ask the enrolment endpoint now and then whether the site revoked this agent.
        if (session.state() != AgentSession::State::Ready &&
            SystemClock::instance().nowUnixSeconds() - lastStateCheck >= stateCheckInterval) {
            lastStateCheck = SystemClock::instance().nowUnixSeconds();
            proto::Enrol query;
            query.set_agent_version(kVersion);
            auto answer =
                requestEnrolment(context, *keys, config.serverKey, enrolment->enrolEndpoints, query,
                                 std::chrono::milliseconds{5000});
            if (answer.ok() &&
                (answer->state() == proto::REVOKED || answer->state() == proto::REJECTED)) {
                enrolment->state = answer->state() == proto::REVOKED ? "revoked" : "rejected";
                (void)stateDir.saveEnrolment(*enrolment);
                RuntimeStatus ended;
                ended.connection = enrolment->state;
                ended.updatedUnix = SystemClock::instance().nowUnixSeconds();
                (void)stateDir.saveStatus(ended);
                return fail("this agent has been " + enrolment->state + " by the site", 3);
            }
        }
        RuntimeStatus now;
        switch (session.state()) {
        case AgentSession::State::Ready:
            now.connection = "connected";
            break;
        case AgentSession::State::Revoked:
            now.connection = "revoked";
            break;
        default:
            now.connection = "connecting";
            break;
        }
        now.lastContactUnix = session.lastContactUnix();
        now.lastError = session.lastError();
        now.inventoryGeneration = session.acknowledgedGeneration();
        now.pid = ::getpid();
        const std::int64_t nowUnix = SystemClock::instance().nowUnixSeconds();
        const bool changed = now.connection != last.connection || now.lastError != last.lastError ||
                             now.inventoryGeneration != last.inventoryGeneration;
        if (changed || nowUnix - lastWrite >= 10) {
            if (changed)
                spdlog::info("session {}{}", now.connection,
                             now.lastError.empty() ? "" : ": " + now.lastError);
            now.updatedUnix = nowUnix;
            (void)stateDir.saveStatus(now);
            last = now;
            lastWrite = nowUnix;
        }
        if (session.state() == AgentSession::State::Revoked) {
            enrolment->state = "revoked";
            (void)stateDir.saveEnrolment(*enrolment);
            return fail("the site revoked this agent; it stops reporting", 3);
        }
    }
    last.connection = "stopped";
    last.updatedUnix = SystemClock::instance().nowUnixSeconds();
    (void)stateDir.saveStatus(last);
    return 0;
}

int runStatus(const StateDir& stateDir, bool asJson) {
    auto enrolment = stateDir.loadEnrolment();
    if (!enrolment.ok())
        return fail(enrolment.error().message);
    auto keys = stateDir.loadKeys();
    auto status = stateDir.loadStatus();
    const auto serverKey = crypto::CurvePublicKey::parse(enrolment->serverPublicKey);
    if (asJson) {
        std::printf("{\"agent_id\": %llu, \"state\": \"%s\", \"connection\": \"%s\", "
                    "\"last_contact_unix\": %lld, \"inventory_generation\": %llu}\n",
                    static_cast<unsigned long long>(enrolment->agentId), enrolment->state.c_str(),
                    status.ok() ? status->connection.c_str() : "never-run",
                    static_cast<long long>(status.ok() ? status->lastContactUnix : 0),
                    static_cast<unsigned long long>(status.ok() ? status->inventoryGeneration : 0));
        return 0;
    }
    std::printf("Agent id:          %llu\n", static_cast<unsigned long long>(enrolment->agentId));
    std::printf("Enrolment:         %s\n", enrolment->state.c_str());
    std::printf("Agent key:         %s\n",
                keys.ok() ? keys->publicKey().fingerprint().c_str() : keys.error().message.c_str());
    std::printf("Server:            %s\n", enrolment->agentEndpoints.front().c_str());
    std::printf("Server key:        %s\n", serverKey.ok() ? serverKey->fingerprint().c_str() : "?");
    if (status.ok()) {
        std::printf("Connection:        %s\n", status->connection.c_str());
        std::printf("Last contact:      %s\n",
                    status->lastContactUnix ? text::isoTimeUtc(status->lastContactUnix).c_str()
                                            : "never");
        std::printf("Inventory:         generation %llu acknowledged\n",
                    static_cast<unsigned long long>(status->inventoryGeneration));
        if (!status->lastError.empty())
            std::printf("Last problem:      %s\n", status->lastError.c_str());
    } else {
        std::printf("Connection:        not running yet\n");
    }
    return 0;
}
} // namespace

int main(int argc, char** argv) {
    ::umask(077);
    CLI::App app{"yagura-agent: Yagura endpoint agent"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("yagura-agent ") + kVersion);
    std::string logLevel;
    app.add_option("--log-level", logLevel, "trace, debug, info, warn, error");
    std::string stateDir = kDefaultStateDir;

    std::string token;
    std::string timeout = "15s";
    auto* enroll = app.add_subcommand("enroll", "Enrol this endpoint with a site server");
    enroll->add_option("--token", token, "Enrolment token from 'yagura-server token create'")
        ->required();
    enroll->add_option("--state-dir", stateDir, "Agent state directory");
    enroll->add_option("--timeout", timeout, "How long to wait for the server");

    std::string inventoryInterval = "15m";
    std::string retryMax = "60s";
    auto* run = app.add_subcommand("run", "Run the agent");
    run->add_option("--state-dir", stateDir, "Agent state directory");
    run->add_option("--inventory-interval", inventoryInterval, "How often to re-collect inventory");
    run->add_option("--retry-max", retryMax, "Longest wait between reconnection attempts");
    std::uint64_t spoolBudgetMiB = 256;
    run->add_option("--spool-budget-mib", spoolBudgetMiB,
                    "Bytes of undelivered events kept while offline, in MiB")
        ->check(CLI::Range(1, 1 << 20));
    std::vector<std::filesystem::path> rulePaths;
    run->add_option("--rules", rulePaths,
                    "Sigma rule file or folder to run on this endpoint (repeatable)")
        ->check(CLI::ExistingPath);

    bool asJson = false;
    auto* status = app.add_subcommand("status", "Show enrolment and connection state");
    status->add_option("--state-dir", stateDir, "Agent state directory");
    status->add_flag("--json", asJson, "Machine-readable output");

    if (const auto exitCode = cli::parse(app, argc, argv, "yagura-agent"))
        return *exitCode;
    log::setup("yagura-agent", logLevel);
    const StateDir dir{stateDir};
    if (enroll->parsed())
        return runEnroll(token, dir, timeout);
    if (run->parsed())
        return runAgent(dir, inventoryInterval, retryMax, spoolBudgetMiB << 20, rulePaths);
    if (status->parsed())
        return runStatus(dir, asJson);
    return 2;
}
