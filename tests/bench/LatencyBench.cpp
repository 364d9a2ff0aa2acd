// Benchmark: how long from a process start on an endpoint to the alert reaching an operator's
// subscription, idle and under a steady background of other process starts. Prints JSON. Needs
// root (the agent's process events).
//
//   yagura-bench-latency [--samples 200] [--idle-samples 50] [--background-rate 200]
//                        [--trigger true|sleep]
//
// The real yagura-server; a real enrolled `yagura-agent run --rules DIR`, DIR holding one Sigma
// rule: process_creation, Image ends with a binary name unique to the run (a copy of /bin/true,
// or with --trigger sleep of /bin/sleep, in the benchmark's directory); a real operator client
// (core/client/OperatorClient) logged in and subscribed. A sample: CLOCK_MONOTONIC read, then
// posix_spawn of the trigger with argv carrying "MARKER-N"; stopped when the alert_changed
// notification for the rule arrives at the client with the alert's count one higher. The alert
// is then read back (GetAlert) to check that its newest triggering event is start N. Samples
// are one at a time, a random 20–100 ms apart, so that they do not lock onto the agent's or the
// background's period.
//
// Baseline in the same run: --idle-samples samples with no background load, first. Then the
// background (yagura-bench-exec-storm, /bin/true at --background-rate per second) runs for the
// --samples samples.
//
// Per phase: latency_ms (min, p50, p90, p99, max, mean; nearest rank) and, for the same
// samples, of_which_until_detection_ms: from the start to the time the agent stamped on its
// alert event (wall clock, whole milliseconds) — the rest is spool, delivery, store and push.
//
// A trigger the agent cannot read from /proc in time (it has exited) has no Image, matches no
// rule and gives no alert: after 5 s the sample counts as missed. --trigger sleep makes the
// trigger live 100 ms, so the race is not part of the measurement.

#include "BenchProcess.h"
#include "BenchServer.h"

#include "agent/inventory/CommandRunner.h"
#include "client/OperatorClient.h"
#include "common/Files.h"
#include "common/Text.h"
#include "server/Site.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <numeric>
#include <random>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

using namespace yagura;
using namespace yagura::bench;
using namespace std::chrono;
using json = nlohmann::json;

namespace {

double monotonicMs() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<double>(now.tv_sec) * 1000.0 + static_cast<double>(now.tv_nsec) / 1e6;
}

double cpuMsOf(pid_t pid) {
    auto stat = files::readFile("/proc/" + std::to_string(pid) + "/stat", 65536);
    if (!stat.ok())
        return 0;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const auto fields = text::split(stat->substr(stat->rfind(')') + 2), ' ');
    return (std::stod(std::string(fields[11])) + std::stod(std::string(fields[12]))) * 1000.0 /
           static_cast<double>(::sysconf(_SC_CLK_TCK));
}

struct Phase {
    std::vector<double> latenciesMs;
    // Of each sample: from the start to the agent's detection (the alert event's time, wall
    // clock, millisecond resolution); the rest is spool, delivery, store and notification.
    std::vector<double> detectionMs;
    int missed = 0;     // no alert within the timeout
    int unverified = 0; // the alert's newest event had no readable command line
    int ambiguous = 0;  // the count moved by more than one: not used as a sample
    int wrongEvent = 0; // the alert's newest event was another start: not used as a sample
};

json distribution(std::vector<double> values) {
    if (values.empty())
        return json();
    std::sort(values.begin(), values.end());
    // Nearest rank.
    auto percentile = [&](double q) {
        const auto rank =
            static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
        return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
    };
    return {
        {"min", values.front()},
        {"p50", percentile(0.50)},
        {"p90", percentile(0.90)},
        {"p99", percentile(0.99)},
        {"max", values.back()},
        {"mean",
         std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size())},
    };
}

json summarise(const Phase& phase) {
    return {{"samples", phase.latenciesMs.size()},
            {"missed", phase.missed},
            {"unverified", phase.unverified},
            {"ambiguous", phase.ambiguous},
            {"wrong_event", phase.wrongEvent},
            {"latency_ms", distribution(phase.latenciesMs)},
            {"of_which_until_detection_ms", distribution(phase.detectionMs)}};
}

class Sampler {
public:
    Sampler(client::OperatorClient& client, std::string ruleId, std::string trigger,
            std::string mode, std::string marker)
        : m_client(client), m_ruleId(std::move(ruleId)), m_trigger(std::move(trigger)),
          m_mode(std::move(mode)), m_marker(std::move(marker)) {}

    // `count` samples; `recorded` false for warm-up.
    Phase run(int count, bool recorded) {
        Phase phase;
        std::uniform_int_distribution<int> gapMs(20, 100);
        for (int i = 0; i < count && !g_interrupted; ++i) {
            reapTriggers();
            if (steady_clock::now() - m_lastRenewal > 15s) {
                (void)m_client.subscribe(); // subscriptions expire after 60 s without a message
                m_lastRenewal = steady_clock::now();
            }
            drainNotifications();
            std::this_thread::sleep_for(milliseconds{gapMs(m_random)});
            sample(phase, recorded);
        }
        return phase;
    }

    void subscribed() { m_lastRenewal = steady_clock::now(); }

    void reapAllTriggers() {
        while (!m_triggers.empty())
            reapTriggers(0);
    }

private:
    void sample(Phase& phase, bool recorded) {
        const std::int64_t index = m_next++;
        std::string tag = m_marker + "-" + std::to_string(index);
        std::string interval = "0.1";
        std::vector<char*> argv;
        if (m_mode == "sleep") { // sleep takes no free text: the marker is argv[0]
            argv = {tag.data(), interval.data(), nullptr};
        } else {
            argv = {m_trigger.data(), tag.data(), nullptr};
        }
        const auto wallStart = system_clock::now();
        const double start = monotonicMs();
        pid_t pid = 0;
        if (::posix_spawn(&pid, m_trigger.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
            ++phase.missed;
            return;
        }
        m_triggers.push_back(pid);
        const double deadline = start + 5000;
        for (;;) {
            const double left = deadline - monotonicMs();
            if (left <= 0) {
                if (recorded)
                    ++phase.missed;
                return;
            }
            auto notification =
                m_client.nextNotification(milliseconds{static_cast<long>(left) + 1});
            if (!notification.ok() || !*notification)
                continue;
            const double arrived = monotonicMs();
            if (!(*notification)->has_alert_changed())
                continue;
            const auto& alert = (*notification)->alert_changed();
            if (alert.rule_id() != m_ruleId || alert.count() <= m_lastCount)
                continue;
            const bool jumped = m_lastCount != 0 && alert.count() != m_lastCount + 1;
            m_lastCount = alert.count();
            // Which start is the alert's newest event? Read after the clock has stopped.
            proto::OperatorRequest request;
            request.mutable_get_alert()->set_alert_id(alert.id());
            auto details = m_client.call(std::move(request));
            std::optional<std::int64_t> seen;
            std::optional<double> detectedMs;
            if (details.ok()) {
                const auto& event = details->get_alert().triggering_event();
                for (const auto& field : event.fields())
                    if (field.name() == "CommandLine")
                        seen = markedIndex(field.value(), m_marker);
                // Both in whole milliseconds, as the agent stamps its events.
                detectedMs = static_cast<double>(event.time_unix_ms()) -
                             static_cast<double>(
                                 duration_cast<milliseconds>(wallStart.time_since_epoch()).count());
            }
            if (!recorded)
                return;
            if (jumped) {
                ++phase.ambiguous;
                return;
            }
            if (seen && *seen < index)
                continue; // a late alert of an earlier, missed start: keep waiting for ours
            if (seen && *seen != index) {
                ++phase.wrongEvent;
                return;
            }
            if (!seen)
                ++phase.unverified;
            phase.latenciesMs.push_back(arrived - start);
            if (detectedMs)
                phase.detectionMs.push_back(std::max(0.0, *detectedMs));
            return;
        }
    }

    void drainNotifications() {
        for (;;) {
            auto notification = m_client.nextNotification(milliseconds{0});
            if (!notification.ok() || !*notification)
                return;
            if ((*notification)->has_alert_changed() &&
                (*notification)->alert_changed().rule_id() == m_ruleId)
                m_lastCount = std::max(m_lastCount, (*notification)->alert_changed().count());
        }
    }

    // Only the triggers: the agent, the server and the background are children too.
    void reapTriggers(int options = WNOHANG) {
        std::erase_if(m_triggers, [&](pid_t pid) {
            const pid_t ended = ::waitpid(pid, nullptr, options);
            return ended == pid || (ended < 0 && errno != EINTR);
        });
    }

    client::OperatorClient& m_client;
    std::string m_ruleId;
    std::string m_trigger;
    std::string m_mode;
    std::string m_marker;
    std::mt19937 m_random{12345};
    std::int64_t m_next = 0;
    std::uint32_t m_lastCount = 0;
    std::vector<pid_t> m_triggers;
    steady_clock::time_point m_lastRenewal;
};

struct Options {
    int samples = 200;
    int idleSamples = 50;
    double backgroundRate = 200;
    std::string mode = "true";
};

int fail(const std::string& message) {
    std::fprintf(stderr, "yagura-bench-latency: %s\n", message.c_str());
    return 1;
}

// Everything it starts has ended when it returns.
int measure(const std::filesystem::path& dir, const Options& options) {
    const std::string& mode = options.mode;
    // The trigger and its rule, unique to this run.
    const std::string runId = randomMarker("");
    const auto trigger = dir / "bin" / ("yagura-latency-" + runId);
    std::filesystem::create_directories(trigger.parent_path());
    std::error_code copyError;
    std::filesystem::copy_file(mode == "sleep" ? "/bin/sleep" : "/bin/true", trigger, copyError);
    if (copyError)
        return fail("cannot copy the trigger: " + copyError.message());
    ::chmod(trigger.c_str(), 0755);
    const std::string ruleId =
        "5e1a7e9c-" + runId.substr(0, 4) + "-4000-8000-" + runId.substr(4, 12);
    std::filesystem::create_directories(dir / "rules");
    (void)files::writeFileAtomic(dir / "rules" / "latency.yml",
                                 "title: Yagura latency benchmark trigger\n"
                                 "id: " +
                                     ruleId +
                                     "\n"
                                     "status: test\n"
                                     "logsource:\n"
                                     "  product: linux\n"
                                     "  category: process_creation\n"
                                     "detection:\n"
                                     "  selection:\n"
                                     "    Image|endswith: '/yagura-latency-" +
                                     runId +
                                     "'\n"
                                     "  condition: selection\n"
                                     "level: low\n",
                                 0600);

    // Site, server, enrolled agent.
    const std::string password = "benchmark-password";
    (void)files::writeFileAtomic(dir / "pw", password, 0600);
    const server::SiteLayout layout{dir / "site"};
    server::InitOptions init;
    init.dataDir = layout.dataDir;
    init.adminPasswordFile = dir / "pw";
    auto site = server::initSite(init, SystemClock::instance());
    if (!site.ok())
        return fail("site init: " + site.error().message);
    server::ServerConfig config;
    config.agentBind = {"tcp://127.0.0.1:*"};
    config.enrolBind = {"tcp://127.0.0.1:*"};
    config.operatorBind = {"tcp://127.0.0.1:*"};
    (void)server::saveServerConfig(layout, config);
    auto server = bench::BenchServer::start(YAGURA_SERVER_BIN, layout);
    if (!server)
        return fail("the server did not start");
    auto endpoints = server::loadRuntimeEndpoints(layout);
    if (!endpoints.ok())
        return fail(endpoints.error().message);
    const auto token =
        run({YAGURA_SERVER_BIN, "--log-level", "warn", "token", "create", "--data-dir",
             layout.dataDir.string(), "--auto-accept", "--expires", "1h"});
    const auto stateDir = dir / "agent";
    const auto enrolled =
        token ? run({YAGURA_AGENT_BIN, "enroll", "--token", std::string(text::trim(*token)),
                     "--state-dir", stateDir.string()})
              : std::nullopt;
    if (!enrolled)
        return fail("enrolment failed");
    const auto agentLog = dir / "agent.log";
    auto agent = Child::spawn({YAGURA_AGENT_BIN, "run", "--state-dir", stateDir.string(), "--rules",
                               (dir / "rules").string()},
                              agentLog);
    if (!agent)
        return fail("the agent did not start");
    std::string rulesLine;
    const bool settled = waitUntil(
        [&] {
            auto status = files::readFile(stateDir / "status.json", 65536);
            auto log = files::readFile(agentLog, 1 << 20);
            if (!status.ok() || !log.ok())
                return false;
            const json state = json::parse(*status, nullptr, false);
            const auto rules = log->find("detection rules:");
            if (state.is_discarded() || state.value("connection", "") != "connected" ||
                state.value("inventory_generation", 0) == 0 || rules == std::string::npos ||
                log->find("policy version") == std::string::npos)
                return false;
            rulesLine = log->substr(rules, log->find('\n', rules) - rules);
            return true;
        },
        90s);
    if (!settled || !agent->running()) {
        auto log = files::readFile(agentLog, 1 << 20);
        return fail("the agent did not connect, report its inventory and apply its policy "
                    "within 90 s; its log:\n" +
                    (log.ok() ? *log : log.error().message));
    }

    auto client = client::OperatorClient::create(
        {server::dialableEndpoint(endpoints->operatorApi.front()), site->serverKey});
    if (!client.ok() || !(*client)->login("admin", password).ok() || !(*client)->subscribe().ok())
        return fail("operator login or subscription failed");

    Sampler sampler(**client, ruleId, trigger.string(), mode, "yagura-latency-" + runId);
    sampler.subscribed();
    (void)sampler.run(5, false); // warm-up: creates the alert; the rest bump its count
    const Phase idle = sampler.run(options.idleSamples, true);

    auto background = Child::spawn(
        {YAGURA_EXEC_STORM_BIN, "--rate", std::to_string(options.backgroundRate), "--seconds", "0"},
        dir / "background.json");
    if (!background)
        return fail("the background load did not start");
    const double agentCpuStart = cpuMsOf(agent->pid());
    const double serverCpuStart = cpuMsOf(server->pid());
    const double loadStart = monotonicMs();
    const Phase loaded = sampler.run(options.samples, true);
    const double loadSeconds = (monotonicMs() - loadStart) / 1000.0;
    const double agentCpu = cpuMsOf(agent->pid()) - agentCpuStart;
    const double serverCpu = cpuMsOf(server->pid()) - serverCpuStart;
    background->stop();
    sampler.reapAllTriggers();
    auto backgroundReport = files::readFile(dir / "background.json", 65536);
    agent->stop();
    server->stop();

    json result = {
        {"benchmark", "alert_latency"},
        {"machine", machineInfo()},
        {"load_average_end", loadAverage()},
        {"trigger",
         mode == "sleep" ? "copy of /bin/sleep, lives 100 ms" : "copy of /bin/true, exits at once"},
        {"agent_rules", rulesLine},
        {"idle", summarise(idle)},
        {"under_load", summarise(loaded)},
        {"background",
         {{"rate_per_second", options.backgroundRate},
          {"generator",
           backgroundReport.ok() ? json::parse(*backgroundReport, nullptr, false) : json()}}},
        {"under_load_seconds", loadSeconds},
        {"agent_cpu_percent_under_load", agentCpu / loadSeconds / 10.0},
        {"server_cpu_percent_under_load", serverCpu / loadSeconds / 10.0},
    };
    std::printf("%s\n", result.dump(2).c_str());
    return g_interrupted ? 1 : 0;
}

} // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        const bool hasValue = i + 1 < argc;
        if (flag == "--samples" && hasValue)
            options.samples = std::stoi(argv[++i]);
        else if (flag == "--idle-samples" && hasValue)
            options.idleSamples = std::stoi(argv[++i]);
        else if (flag == "--background-rate" && hasValue)
            options.backgroundRate = std::stod(argv[++i]);
        else if (flag == "--trigger" && hasValue)
            options.mode = argv[++i];
        else {
            std::fprintf(stderr, "yagura-bench-latency: unknown flag %s\n", flag.c_str());
            return 2;
        }
    }
    if (options.mode != "true" && options.mode != "sleep") {
        std::fprintf(stderr, "yagura-bench-latency: --trigger is true or sleep\n");
        return 2;
    }
    if (::geteuid() != 0) {
        std::fprintf(stderr, "yagura-bench-latency: needs root (the agent's process events)\n");
        return 2;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGPIPE, SIG_IGN);

    char dirTemplate[] = "/tmp/yagura-latency-bench-XXXXXX";
    if (!::mkdtemp(dirTemplate))
        return fail("cannot create a temporary directory");
    const std::filesystem::path dir = dirTemplate;
    const int status = measure(dir, options);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return status;
}
