// Benchmark: time from an operator's confirmation to isolation in force on the agent, and from
// release to connectivity restored, with 1,000 connected agents. Prints JSON. Needs root.
//
//   yagura-bench-isolation [--agents 1000] [--samples 50] [--heartbeat-seconds 5]
//                          [--pause-ms 200]
//
// A real yagura-server process; 999 simulated agents (real AgentSession, real CURVE,
// heartbeating) in a child process, and one target agent with the real command executor and the
// real nftables isolation in this process (libnftables cannot share a process with a thousand
// sockets: its netlink socket would land above FD_SETSIZE), which runs in a network namespace of
// its own (the isolation table lives there and leaves the machine alone). An operator client on its
// own thread creates an isolate command, then a release, `samples` times. "In force" is the moment
// the executor returned from applying the nftables transaction (the table is in the kernel);
// "restored", the moment the release removed it. Both are measured from just before the operator's
// request.

#include "BenchServer.h"
#include "SimulatedFleet.h"

#include "agent/response/CommandExecutor.h"
#include "agent/response/Isolation.h"
#include "agent/response/Quarantine.h"
#include "client/OperatorClient.h"
#include "common/Files.h"
#include "common/Log.h"
#include "server/Site.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <poll.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace yagura;
using namespace std::chrono;

namespace {

// The target agent's channel: the real executor, with the time each command finished running.
class TimedChannel : public agent::CommandChannel {
public:
    explicit TimedChannel(agent::CommandExecutor& executor) : m_executor(executor) {}
    void commandReceived(const proto::Command& command) override {
        m_executor.commandReceived(command);
        std::lock_guard lock(m_mutex);
        m_done[command.id()] = steady_clock::now();
        m_changed.notify_all();
    }
    std::optional<proto::CommandResult> nextCommandReport() override {
        return m_executor.nextCommandReport();
    }
    void commandReportAcknowledged(const proto::CommandResult& report) override {
        m_executor.commandReportAcknowledged(report);
    }
    bool isolated() const override { return m_executor.isolated(); }

    std::optional<steady_clock::time_point> waitFor(std::uint64_t id, milliseconds limit) {
        std::unique_lock lock(m_mutex);
        if (!m_changed.wait_for(lock, limit, [&] { return m_done.count(id) > 0; }))
            return std::nullopt;
        return m_done[id];
    }

private:
    agent::CommandExecutor& m_executor;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::map<std::uint64_t, steady_clock::time_point> m_done;
};

nlohmann::json percentiles(std::vector<double> values) {
    if (values.empty())
        return nullptr;
    std::sort(values.begin(), values.end());
    auto at = [&](double p) {
        return values[std::min(values.size() - 1,
                               static_cast<std::size_t>(p * static_cast<double>(values.size())))];
    };
    return {{"p50", at(0.5)},
            {"p90", at(0.9)},
            {"p99", at(0.99)},
            {"max", values.back()},
            {"samples", values.size()}};
}

} // namespace

int main(int argc, char** argv) {
    int agents = 1000;
    int samples = 50;
    int heartbeatSeconds = 5;
    int pauseMs = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--agents")
            agents = std::stoi(argv[i + 1]);
        else if (flag == "--samples")
            samples = std::stoi(argv[i + 1]);
        else if (flag == "--heartbeat-seconds")
            heartbeatSeconds = std::stoi(argv[i + 1]);
        else if (flag == "--pause-ms")
            pauseMs = std::stoi(argv[i + 1]);
        else {
            std::fprintf(stderr, "yagura-bench-isolation: unknown flag %s\n", flag.c_str());
            return 2;
        }
    }
    spdlog::set_level(spdlog::level::warn); // stdout carries the JSON
    if (::geteuid() != 0 || ::unshare(CLONE_NEWNET) != 0) {
        std::fprintf(stderr, "yagura-bench-isolation: needs root (a network namespace of its own "
                             "and nftables)\n");
        return 2;
    }
    if (std::system("ip link set lo up") != 0) {
        std::fprintf(stderr, "yagura-bench-isolation: cannot bring up loopback\n");
        return 1;
    }
    if (rlimit limit{}; ::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    char dirTemplate[] = "/tmp/yagura-bench-isolation-XXXXXX";
    const std::filesystem::path dir = ::mkdtemp(dirTemplate);
    const std::filesystem::path site = dir / "site";
    const std::string password = "benchmark-password";
    (void)files::writeFileAtomic(dir / "pw", password, 0600);
    if (!bench::initFleetSite(site, dir / "pw", agents, heartbeatSeconds))
        return 1;
    const server::SiteLayout layout{site};
    auto server = bench::BenchServer::start(YAGURA_SERVER_BIN, layout);
    if (!server) {
        std::fprintf(stderr, "yagura-bench-isolation: the server did not start\n");
        return 1;
    }
    auto endpoints = server::loadRuntimeEndpoints(layout);
    const std::string token = bench::fleetToken(layout, *endpoints, agents);

    // The other agents, in a child: enrolled, connected and heartbeating until told to stop.
    int toChild[2];
    int fromChild[2];
    if (::pipe(toChild) != 0 || ::pipe(fromChild) != 0)
        return 1;
    const auto onlineStart = steady_clock::now();
    const pid_t child = ::fork();
    if (child == 0) {
        ::close(toChild[1]);
        ::close(fromChild[0]);
        net::Context context(1, agents * 2 + 64);
        bench::SimulatedFleet others;
        if (!others.enrol(context, token, endpoints->enrol, agents - 1))
            ::_exit(1);
        others.start(context, endpoints->agent, [](int) { return proto::Inventory{}; });
        others.driveUntil([&] { return others.allReady(); });
        if (::write(fromChild[1], "r", 1) != 1)
            ::_exit(1);
        others.driveUntil([&] {
            pollfd parent{toChild[0], POLLIN, 0};
            return ::poll(&parent, 1, 0) > 0; // closed: the measurement is over
        });
        ::_exit(0);
    }
    ::close(toChild[0]);
    ::close(fromChild[1]);
    char readyByte = 0;
    if (::read(fromChild[0], &readyByte, 1) != 1) {
        std::fprintf(stderr, "yagura-bench-isolation: the simulated agents did not come online\n");
        return 1;
    }
    const double onlineSeconds = duration<double>(steady_clock::now() - onlineStart).count();

    // The target agent, enrolled last: the real executor and nftables.
    net::Context context(1, 64);
    bench::SimulatedFleet fleet;
    if (!fleet.enrol(context, token, endpoints->enrol, 1))
        return 1;
    agent::Isolation isolation(dir / "isolation.pb");
    agent::Quarantine quarantine(dir / "quarantine");
    agent::CommandExecutor executor(dir / "commands.json", isolation, quarantine, endpoints->agent,
                                    SystemClock::instance());
    TimedChannel channel(executor);
    fleet.start(
        context, endpoints->agent, [](int) { return proto::Inventory{}; },
        [&channel](int, agent::SessionConfig& config) { config.commands = &channel; });
    fleet.driveUntil([&] { return fleet.allReady(); });
    const auto targetId = static_cast<std::uint64_t>(agents);

    // The operator, on its own thread, while this one drives the fleet.
    std::atomic<bool> done{false};
    std::vector<double> isolateMs, releaseMs;
    std::string failure;
    std::thread operatorThread([&] {
        auto client = client::OperatorClient::create(
            {server::dialableEndpoint(endpoints->operatorApi.front()), fleet.serverKey});
        if (!client.ok() || !(*client)->login("admin", password).ok()) {
            failure = "operator login failed";
            done = true;
            return;
        }
        for (int i = 0; i < samples && failure.empty(); ++i) {
            for (const auto action : {proto::ISOLATE, proto::RELEASE}) {
                proto::OperatorRequest request;
                request.mutable_create_command()->set_agent_id(targetId);
                request.mutable_create_command()->set_action(action);
                request.mutable_create_command()->set_reason("benchmark");
                const auto confirmed = steady_clock::now();
                auto created = (*client)->call(request);
                if (!created.ok()) {
                    failure = created.error().message;
                    break;
                }
                const auto id = created->create_command().command().id();
                const auto inForce = channel.waitFor(id, seconds{30});
                if (!inForce) {
                    failure = "command " + std::to_string(id) + " was not carried out in 30 s";
                    break;
                }
                (action == proto::ISOLATE ? isolateMs : releaseMs)
                    .push_back(duration<double, std::milli>(*inForce - confirmed).count());
                // Spread the samples over the fleet's heartbeats (the load they measure under).
                std::this_thread::sleep_for(milliseconds{pauseMs});
            }
        }
        done = true;
    });
    fleet.driveUntil([&] { return done.load(); });
    operatorThread.join();
    ::close(toChild[1]);
    int childStatus = 0;
    ::waitpid(child, &childStatus, 0);
    const bool othersStayed = WIFEXITED(childStatus) && WEXITSTATUS(childStatus) == 0;
    server->stop();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);

    const nlohmann::json result = {
        {"benchmark", "isolation_latency"},
        {"agents", agents},
        {"heartbeat_interval_seconds", heartbeatSeconds},
        {"pause_between_commands_ms", pauseMs},
        {"time_to_all_online_seconds", onlineSeconds},
        {"other_agents_connected_throughout", othersStayed},
        {"confirmation_to_isolation_in_force_ms", percentiles(isolateMs)},
        {"release_to_connectivity_restored_ms", percentiles(releaseMs)},
        {"error", failure.empty() ? nlohmann::json(nullptr) : nlohmann::json(failure)},
    };
    std::printf("%s\n", result.dump(2).c_str());
    return failure.empty() ? 0 : 1;
}
