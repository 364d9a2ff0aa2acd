// Benchmark: N simulated agents (in this process, real AgentSession code, real CURVE) enrol with
// and heartbeat against one real yagura-server process. Prints JSON.
//
//   yagura-bench-fleet [--agents 1000] [--heartbeat-seconds 2] [--measure-seconds 20]
//
// Side by side, as a baseline measured in the same run: the cost of the same number of
// "last seen" updates done directly on SQLCipher with the server's durability settings.

#include "BenchServer.h"
#include "SimulatedFleet.h"

#include "agent/AgentSession.h"
#include "agent/Enrolment.h"
#include "common/Clock.h"
#include "common/Files.h"
#include "common/Text.h"
#include "crypto/EnrolmentToken.h"
#include "server/Site.h"
#include "store/Database.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace yagura;
using namespace std::chrono;

namespace {

struct ProcessUsage {
    double cpuSeconds = 0;
    double rssMiB = 0;
};

ProcessUsage usageOf(pid_t pid) {
    ProcessUsage usage;
    auto stat = files::readFile("/proc/" + std::to_string(pid) + "/stat", 65536);
    if (stat.ok()) {
        // Fields after the command name (which may hold spaces) start after the last ')'.
        const auto fields = text::split(stat->substr(stat->rfind(')') + 2), ' ');
        const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
        usage.cpuSeconds =
            (std::stod(std::string(fields[11])) + std::stod(std::string(fields[12]))) / ticks;
    }
    auto status = files::readFile("/proc/" + std::to_string(pid) + "/status", 65536);
    if (status.ok())
        for (std::string_view line : text::split(*status, '\n'))
            if (text::startsWith(line, "VmRSS:"))
                usage.rssMiB = std::stod(std::string(text::trim(line.substr(6)))) / 1024.0;
    return usage;
}

std::string cpuModel() {
    auto info = files::readFile("/proc/cpuinfo", 1 << 20);
    if (info.ok())
        for (std::string_view line : text::split(*info, '\n'))
            if (text::startsWith(line, "model name"))
                return std::string(text::trim(line.substr(line.find(':') + 1)));
    return "unknown";
}

proto::Inventory simulatedInventory(int index) {
    proto::Inventory inventory;
    inventory.mutable_host()->set_hostname("sim-" + std::to_string(index));
    inventory.mutable_host()->set_machine_id("machine-" + std::to_string(index));
    inventory.mutable_host()->mutable_os()->set_pretty_name("Debian GNU/Linux 12 (bookworm)");
    auto* nic = inventory.add_interfaces();
    nic->set_name("eth0");
    auto* address = nic->add_addresses();
    address->set_address("10.20." + std::to_string(index / 250) + "." +
                         std::to_string(index % 250));
    address->set_prefix_length(16);
    address->set_family("inet");
    for (int i = 0; i < 200; ++i) {
        auto* package = inventory.add_packages();
        package->set_name("package-" + std::to_string(i));
        package->set_source_name("source-" + std::to_string(i / 3));
        package->set_version("1." + std::to_string(i) + "-1");
        package->set_architecture("amd64");
    }
    return inventory;
}

// Raw SQLCipher baseline: the same number of single-row updates in batches, durable commits.
double baselineUpdateMicros(const std::filesystem::path& dir, int agents, int updates) {
    auto db = store::Database::open(dir / "baseline.db", store::StoreKey::raw(std::string(32, 'k')),
                                    store::OpenMode::CreateIfMissing);
    (void)db->exec("CREATE TABLE agents (id INTEGER PRIMARY KEY, last_seen INTEGER)");
    {
        auto transaction = db->beginImmediate();
        auto insert = db->prepare("INSERT INTO agents VALUES (?, 0)");
        for (int i = 1; i <= agents; ++i) {
            insert->reset();
            insert->bind(1, std::int64_t{i});
            (void)insert->run();
        }
        (void)transaction->commit();
    }
    const auto start = steady_clock::now();
    auto update = db->prepare("UPDATE agents SET last_seen = ? WHERE id = ?");
    constexpr int kBatch = 32; // what the server commits per poll under this load, roughly
    for (int done = 0; done < updates;) {
        auto transaction = db->beginImmediate();
        for (int i = 0; i < kBatch && done < updates; ++i, ++done) {
            update->reset();
            update->bind(1, std::int64_t{done}).bind(2, std::int64_t{done % agents + 1});
            (void)update->run();
        }
        (void)transaction->commit();
    }
    return static_cast<double>(duration_cast<microseconds>(steady_clock::now() - start).count()) /
           updates;
}

// Check-ins (Hello + Heartbeat) the server has committed, read from its store.
std::int64_t committedCheckins(const server::SiteLayout& layout) {
    auto siteStore = server::openSiteStore(layout, SystemClock::instance());
    if (!siteStore.ok())
        return -1;
    auto query =
        siteStore->database().prepare("SELECT coalesce(sum(count), 0) FROM agent_checkins");
    if (!query.ok() || !query->step().ok())
        return -1;
    return query->int64(0);
}

} // namespace

int main(int argc, char** argv) {
    int agents = 1000;
    int heartbeatSeconds = 2;
    int measureSeconds = 20;
    std::string serverBin = YAGURA_SERVER_BIN;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--agents")
            agents = std::stoi(argv[i + 1]);
        else if (flag == "--heartbeat-seconds")
            heartbeatSeconds = std::stoi(argv[i + 1]);
        else if (flag == "--measure-seconds")
            measureSeconds = std::stoi(argv[i + 1]);
        else if (flag == "--server")
            serverBin = argv[i + 1];
        else {
            std::fprintf(stderr, "yagura-bench-fleet: unknown flag %s\n", flag.c_str());
            return 2;
        }
    }
    if (rlimit limit{}; ::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }

    char dirTemplate[] = "/tmp/yagura-bench-XXXXXX";
    const std::filesystem::path dir = ::mkdtemp(dirTemplate);
    const std::filesystem::path site = dir / "site";
    (void)files::writeFileAtomic(dir / "pw", "benchmark-password", 0600);
    if (!bench::initFleetSite(site, dir / "pw", agents, heartbeatSeconds))
        return 1;

    const server::SiteLayout layout{site};
    auto server = bench::BenchServer::start(serverBin, layout);
    if (!server) {
        std::fprintf(stderr, "yagura-bench-fleet: the server did not start\n");
        return 1;
    }
    const pid_t serverPid = server->pid();
    auto endpoints = server::loadRuntimeEndpoints(layout);
    if (!endpoints.ok()) {
        std::fprintf(stderr, "yagura-bench-fleet: %s\n", endpoints.error().message.c_str());
        return 1;
    }
    const std::string token = bench::fleetToken(layout, *endpoints, agents);
    const auto baselineIdle = usageOf(serverPid);

    // Enrol every simulated agent over the real enrolment endpoint.
    net::Context context(1, agents * 2 + 64);
    bench::SimulatedFleet fleet;
    const auto enrolStart = steady_clock::now();
    if (!fleet.enrol(context, token, endpoints->enrol, agents))
        return 1;
    const double enrolSeconds = duration<double>(steady_clock::now() - enrolStart).count();

    // Start every session; all driven from this thread.
    fleet.start(context, endpoints->agent, simulatedInventory);
    auto driveFor = [&](auto until) {
        fleet.driveUntil(until);
    };
    const auto onlineStart = steady_clock::now();
    driveFor([&] { return fleet.allReady(); });
    const double onlineSeconds = duration<double>(steady_clock::now() - onlineStart).count();
    const auto afterOnline = usageOf(serverPid);

    // Steady state: heartbeats only.
    const auto checkinsBefore = committedCheckins(layout);
    const auto measureStart = steady_clock::now();
    const auto cpuBefore = usageOf(serverPid).cpuSeconds;
    driveFor([&] { return steady_clock::now() - measureStart >= seconds{measureSeconds}; });
    const auto measured = usageOf(serverPid);
    const double elapsed = duration<double>(steady_clock::now() - measureStart).count();
    const auto heartbeats = static_cast<double>(committedCheckins(layout) - checkinsBefore);
    int ready = 0;
    for (auto& session : fleet.sessions)
        ready += session->state() == agent::AgentSession::State::Ready ? 1 : 0;

    server->stop();
    const double baselineMicros = baselineUpdateMicros(dir, agents, static_cast<int>(heartbeats));
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);

    const nlohmann::json result = {
        {"benchmark", "agent_fleet"},
        {"machine", {{"cpu", cpuModel()}, {"cores", std::thread::hardware_concurrency()}}},
        {"agents", agents},
        {"inventory_packages_per_agent", 200},
        {"heartbeat_interval_seconds", heartbeatSeconds},
        {"enrol_seconds_total", enrolSeconds},
        {"enrol_ms_per_agent", enrolSeconds * 1000 / agents},
        {"time_to_all_online_seconds", onlineSeconds},
        {"agents_ready_at_end", ready},
        {"server_rss_mib_idle", baselineIdle.rssMiB},
        {"server_rss_mib_all_online", afterOnline.rssMiB},
        {"server_rss_mib_steady", measured.rssMiB},
        {"steady_seconds", elapsed},
        {"heartbeats_committed", heartbeats},
        {"heartbeats_per_second", heartbeats / elapsed},
        {"server_cpu_seconds_steady", measured.cpuSeconds - cpuBefore},
        {"server_cpu_us_per_heartbeat", (measured.cpuSeconds - cpuBefore) * 1e6 / heartbeats},
        {"baseline_raw_sqlcipher_update_us", baselineMicros},
    };
    std::printf("%s\n", result.dump(2).c_str());
    return 0;
}
