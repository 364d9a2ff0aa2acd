// Benchmark: the real agent's footprint, idle and under a storm of process starts, side by side
// with Debian's auditd recording the same storm in the same run. Prints JSON. Needs root.
//
//   yagura-bench-agent-footprint [--rate 1000] [--storm-seconds 10] [--idle-seconds 10]
//                                [--no-auditd]
//
// Phases, one after the other, each with the same storm (yagura-bench-exec-storm: /bin/true
// started RATE times a second with a unique argv marker per start):
//   1. no monitor: the cost of the storm itself (what the started processes use);
//   2. the real yagura-server and a real enrolled `yagura-agent run` (default policy): idle RSS
//      and CPU over a window, then the storm; the starts the agent reported are counted at the
//      server, through the operator API, once a sentinel process started after the storm has
//      arrived there (the spool delivers in order, so everything before it has too);
//   3. auditd in the foreground (`auditd -n`, the packaged auditd.conf with only the log file
//      moved to a temporary directory, the packaged rules file's buffer settings) with an execve
//      rule: idle, then the storm; starts counted in its log once the sentinel is there. The
//      kernel's audit state is restored afterwards. Skipped, with the reason in the JSON, when
//      auditd is missing or already running, or when the kernel refuses audit netlink.
// CPU is utime + stime of the whole process (every thread) from /proc/PID/stat. The agent's BPF
// programs run in the context of the processes they observe, so their time is charged to the
// storm's processes, not to the agent: it is measured separately (the kernel's BPF run-time
// statistics, enabled for the agent phase) and added in "comparison", as kauditd's time and the
// audit work charged to the storm's processes are for auditd.

#include "BenchProcess.h"
#include "BenchServer.h"

#include "agent/inventory/CommandRunner.h"
#include "client/OperatorClient.h"
#include "common/Files.h"
#include "common/Text.h"
#include "server/Site.h"

#include <nlohmann/json.hpp>

#ifdef YAGURA_BENCH_BPF_STATS
#include <bpf/bpf.h>
#endif

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <map>
#include <random>
#include <set>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

using namespace yagura;
using namespace yagura::bench;
using namespace std::chrono;
using json = nlohmann::json;

namespace {

// ---- processes -------------------------------------------------------------------------------

struct Usage {
    double cpuMs = 0; // utime + stime, every thread
    long rssKib = 0;
    long hwmKib = 0; // peak RSS
};

Usage usageOf(pid_t pid) {
    Usage usage;
    auto stat = files::readFile("/proc/" + std::to_string(pid) + "/stat", 65536);
    if (stat.ok()) {
        // Fields after the command name (which may hold spaces) start after the last ')'.
        const auto fields = text::split(stat->substr(stat->rfind(')') + 2), ' ');
        const double msPerTick = 1000.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
        auto ticks = [&](std::size_t i) {
            return std::stod(std::string(fields[i])) * msPerTick;
        };
        usage.cpuMs = ticks(11) + ticks(12);
    }
    auto status = files::readFile("/proc/" + std::to_string(pid) + "/status", 65536);
    if (status.ok())
        for (std::string_view line : text::split(*status, '\n')) {
            if (text::startsWith(line, "VmRSS:"))
                usage.rssKib = std::stol(std::string(text::trim(line.substr(6))));
            else if (text::startsWith(line, "VmHWM:"))
                usage.hwmKib = std::stol(std::string(text::trim(line.substr(6))));
        }
    return usage;
}

// A kernel thread by name (kauditd), 0 when not visible.
pid_t kernelThread(const std::string& name) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const std::string pid = entry.path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos)
            continue;
        auto comm = files::readFile(entry.path() / "comm", 256);
        if (comm.ok() && text::trim(*comm) == name)
            return static_cast<pid_t>(std::stol(pid));
    }
    return 0;
}

// A measuring window: returns false when interrupted.
bool measureFor(seconds window) {
    const auto end = steady_clock::now() + window;
    while (steady_clock::now() < end) {
        if (g_interrupted)
            return false;
        std::this_thread::sleep_for(
            std::min<steady_clock::duration>(100ms, end - steady_clock::now()));
    }
    return true;
}

// ---- the storm -------------------------------------------------------------------------------

struct StormResult {
    bool ok = false;
    json report; // yagura-bench-exec-storm's own JSON
    std::int64_t sent = 0;
    pid_t pid = 0;
    double startSeconds = 0; // steady clock, when it was started
    double endSeconds = 0;   // when it had ended
};

double steadySeconds() {
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

StormResult runStorm(const std::filesystem::path& dir, double rate, int seconds,
                     const std::string& marker) {
    StormResult result;
    const auto output = dir / ("storm-" + marker + ".json");
    result.startSeconds = steadySeconds();
    auto storm = Child::spawn({YAGURA_EXEC_STORM_BIN, "--rate", std::to_string(rate), "--seconds",
                               std::to_string(seconds), "--marker", marker},
                              output);
    if (!storm)
        return result;
    storm->wait();
    result.endSeconds = steadySeconds();
    auto text = files::readFile(output, 65536);
    if (!text.ok())
        return result;
    result.report = json::parse(*text, nullptr, false);
    if (result.report.is_discarded() || !result.report.contains("sent"))
        return result;
    result.sent = result.report["sent"].get<std::int64_t>();
    result.pid = result.report["pid"].get<pid_t>();
    result.ok = result.sent > 0;
    return result;
}

// A process started after the storm that lives long enough for any monitor to read its argv:
// /bin/sleep with argv[0] = MARKER-end.
void startSentinel(const std::string& marker) {
    std::string name = marker + "-end";
    std::string interval = "0.3";
    char* argv[] = {name.data(), interval.data(), nullptr};
    pid_t pid = 0;
    if (::posix_spawn(&pid, "/bin/sleep", nullptr, nullptr, argv, environ) == 0)
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
}

json stormJson(const StormResult& storm) {
    json out = storm.report;
    if (storm.sent > 0)
        out["children_cpu_ms_per_1000_execs"] = storm.report["children_cpu_ms"].get<double>() *
                                                1000.0 / static_cast<double>(storm.sent);
    return out;
}

// ---- machine ---------------------------------------------------------------------------------

// Processes created on the host since boot (/proc/stat "processes"): what an idle window really
// held, since both monitors see every start on the host.
std::int64_t hostForks() {
    auto stat = files::readFile("/proc/stat", 1 << 20);
    if (stat.ok())
        for (std::string_view line : text::split(*stat, '\n'))
            if (text::startsWith(line, "processes "))
                return std::stoll(std::string(line.substr(10)));
    return -1;
}

// ---- the agent -------------------------------------------------------------------------------

struct AgentCounts {
    std::set<std::int64_t> marked; // storm starts the agent reported with their argv
    std::int64_t duplicates = 0;
    std::int64_t withoutArgv = 0; // children of the storm reported without image or argv
};

Result<AgentCounts> countAgentEvents(client::OperatorClient& client, std::uint64_t agentId,
                                     const std::string& marker, pid_t stormPid) {
    AgentCounts counts;
    const std::string stormParent = std::to_string(stormPid);
    std::uint64_t after = 0;
    for (;;) {
        proto::OperatorRequest request;
        auto* list = request.mutable_list_events();
        list->set_agent_id(agentId);
        list->set_category("process_creation");
        list->set_after_seq(after);
        list->set_limit(1000);
        YAGURA_ASSIGN_OR_RETURN(const auto response, client.call(std::move(request)));
        const auto& events = response.list_events().events();
        for (const auto& event : events) {
            after = event.seq();
            std::string commandLine;
            std::string parent;
            for (const auto& field : event.fields()) {
                if (field.name() == "CommandLine")
                    commandLine = field.value();
                else if (field.name() == "ParentProcessId")
                    parent = field.value();
            }
            if (const auto index = markedIndex(commandLine, marker)) {
                if (!counts.marked.insert(*index).second)
                    ++counts.duplicates;
            } else if (parent == stormParent) {
                ++counts.withoutArgv;
            }
        }
        if (events.size() < 1000)
            return counts;
    }
}

bool serverHasEvent(client::OperatorClient& client, std::uint64_t agentId,
                    const std::string& text) {
    proto::OperatorRequest request;
    auto* list = request.mutable_list_events();
    list->set_agent_id(agentId);
    list->set_category("process_creation");
    list->set_contains(text);
    list->set_limit(1);
    auto response = client.call(std::move(request));
    return response.ok() && response->list_events().events_size() > 0;
}

// "process events: the kernel dropped messages N time(s)" lines of the agent's log, summed.
std::int64_t droppedMessages(const std::string& log) {
    std::int64_t dropped = 0;
    const std::string needle = "dropped messages ";
    for (std::size_t at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1))
        dropped += std::atoll(log.c_str() + at + needle.size());
    return dropped;
}

// Time spent in the agent's BPF programs (on_exec, on_fork, on_exit) since stats were enabled.
struct BpfRunTime {
    std::uint64_t ns = 0;
    std::uint64_t runs = 0;
};

BpfRunTime agentBpfRunTime() {
    BpfRunTime total;
#ifdef YAGURA_BENCH_BPF_STATS
    __u32 id = 0;
    while (bpf_prog_get_next_id(id, &id) == 0) {
        const int fd = bpf_prog_get_fd_by_id(id);
        if (fd < 0)
            continue;
        bpf_prog_info info{};
        __u32 length = sizeof info;
        if (bpf_obj_get_info_by_fd(fd, &info, &length) == 0) {
            const std::string_view name(info.name);
            if (name == "on_exec" || name == "on_fork" || name == "on_exit") {
                total.ns += info.run_time_ns;
                total.runs += info.run_cnt;
            }
        }
        ::close(fd);
    }
#endif
    return total;
}

json measureAgent(const std::filesystem::path& dir, double rate, int stormSeconds,
                  int idleSeconds) {
    json out;
#ifdef YAGURA_BENCH_BPF_STATS
    // Run-time statistics are on while this descriptor is open (and off again after).
    const int bpfStats = bpf_enable_stats(BPF_STATS_RUN_TIME);
    struct StatsGuard {
        int fd;
        ~StatsGuard() {
            if (fd >= 0)
                ::close(fd);
        }
    } statsGuard{bpfStats};
    out["bpf_stats"] = bpfStats >= 0;
#else
    out["bpf_stats"] = false;
#endif
    std::filesystem::create_directories(dir);
    const std::string password = "benchmark-password";
    (void)files::writeFileAtomic(dir / "pw", password, 0600);
    const server::SiteLayout layout{dir / "site"};
    server::InitOptions init;
    init.dataDir = layout.dataDir;
    init.adminPasswordFile = dir / "pw";
    auto site = server::initSite(init, SystemClock::instance());
    if (!site.ok())
        return {{"error", "site init: " + site.error().message}};
    server::ServerConfig config;
    config.agentBind = {"tcp://127.0.0.1:*"};
    config.enrolBind = {"tcp://127.0.0.1:*"};
    config.operatorBind = {"tcp://127.0.0.1:*"};
    (void)server::saveServerConfig(layout, config);
    auto server = bench::BenchServer::start(YAGURA_SERVER_BIN, layout);
    if (!server)
        return {{"error", "the server did not start"}};
    auto endpoints = server::loadRuntimeEndpoints(layout);
    if (!endpoints.ok())
        return {{"error", endpoints.error().message}};

    const auto token =
        run({YAGURA_SERVER_BIN, "--log-level", "warn", "token", "create", "--data-dir",
             layout.dataDir.string(), "--auto-accept", "--expires", "1h"});
    if (!token)
        return {{"error", "token create failed"}};
    const auto stateDir = dir / "agent";
    const auto enrolled = run({YAGURA_AGENT_BIN, "enroll", "--token",
                               std::string(text::trim(*token)), "--state-dir", stateDir.string()});
    std::uint64_t agentId = 0;
    const std::string enrolledAs = "Enrolled as agent ";
    if (enrolled && text::startsWith(*enrolled, enrolledAs))
        agentId = std::strtoull(enrolled->c_str() + enrolledAs.size(), nullptr, 10);
    if (agentId == 0)
        return {{"error", "enrolment failed"}};

    const auto agentLog = dir / "agent.log";
    auto agent =
        Child::spawn({YAGURA_AGENT_BIN, "run", "--state-dir", stateDir.string()}, agentLog);
    if (!agent)
        return {{"error", "the agent did not start"}};
    // Settled: connected, inventory acknowledged, the site's policy applied.
    std::string policyLine;
    const bool settled = waitUntil(
        [&] {
            auto status = files::readFile(stateDir / "status.json", 65536);
            auto log = files::readFile(agentLog, 1 << 20);
            if (!status.ok() || !log.ok())
                return false;
            const json state = json::parse(*status, nullptr, false);
            const auto applied = log->find("policy version");
            if (state.is_discarded() || state.value("connection", "") != "connected" ||
                state.value("inventory_generation", 0) == 0 || applied == std::string::npos)
                return false;
            policyLine = log->substr(applied, log->find('\n', applied) - applied);
            return true;
        },
        90s);
    if (!settled || !agent->running()) {
        auto log = files::readFile(agentLog, 1 << 20);
        return {{"error", "the agent did not connect, report its inventory and apply its policy "
                          "within 90 s"},
                {"agent_log", log.ok() ? *log : log.error().message}};
    }
    out["policy"] = policyLine;

    const pid_t agentPid = agent->pid();
    const Usage idleStart = usageOf(agentPid);
    const double idleStartSeconds = steadySeconds();
    const std::int64_t forksBefore = hostForks();
    if (!measureFor(seconds{idleSeconds}))
        return {{"error", "interrupted"}};
    const Usage idleEnd = usageOf(agentPid);
    const double idleElapsed = steadySeconds() - idleStartSeconds;
    const double idleCpuMsPerSecond = (idleEnd.cpuMs - idleStart.cpuMs) / idleElapsed;
    out["idle"] = {{"seconds", idleElapsed},
                   {"rss_kib", idleEnd.rssKib},
                   {"cpu_percent", idleCpuMsPerSecond / 10.0},
                   {"cpu_ms", idleEnd.cpuMs - idleStart.cpuMs},
                   {"host_process_starts", hostForks() - forksBefore}};

    // Logged in before the storm: the password check is not part of the server's storm cost.
    auto client = client::OperatorClient::create(
        {server::dialableEndpoint(endpoints->operatorApi.front()), site->serverKey});
    if (!client.ok() || !(*client)->login("admin", password).ok())
        return {{"error", "operator login failed"}};

    const std::string marker = randomMarker("yagura-storm-agent-");
    const Usage agentBefore = usageOf(agentPid);
    const Usage serverBefore = usageOf(server->pid());
    const BpfRunTime bpfBefore = agentBpfRunTime();
    const auto storm = runStorm(dir, rate, stormSeconds, marker);
    const BpfRunTime bpfAfter = agentBpfRunTime();
    if (!storm.ok)
        return {{"error", "the storm did not run"}};
    startSentinel(marker);
    const bool drained =
        waitUntil([&] { return serverHasEvent(**client, agentId, marker + "-end"); }, 120s, 50ms);
    const double drainedAt = steadySeconds();
    const Usage agentAfter = usageOf(agentPid);
    const Usage serverAfter = usageOf(server->pid());
    auto counts = countAgentEvents(**client, agentId, marker, storm.pid);
    const auto log = files::readFile(agentLog, 64 << 20);
    agent->stop();
    server->stop();
    if (!counts.ok())
        return {{"error", "counting events: " + counts.error().message}};

    const double sent = static_cast<double>(storm.sent);
    const double window = drainedAt - storm.startSeconds;
    const double cpuMs = agentAfter.cpuMs - agentBefore.cpuMs;
    const auto seen = static_cast<std::int64_t>(counts->marked.size());
    out["storm"] = {
        {"execs_sent", storm.sent},
        {"execs_seen", seen},
        {"missed", storm.sent - seen},
        {"seen_without_argv", counts->withoutArgv},
        {"not_seen_at_all", storm.sent - seen - counts->withoutArgv},
        {"duplicates", counts->duplicates},
        {"delivered_to_server", drained},
        {"drain_seconds_after_storm", drainedAt - storm.endSeconds},
        {"window_seconds", window},
        {"cpu_ms", cpuMs},
        {"cpu_ms_per_1000_execs", cpuMs * 1000.0 / sent},
        {"cpu_ms_per_1000_execs_net_of_idle",
         (cpuMs - idleCpuMsPerSecond * window) * 1000.0 / sent},
        {"rss_kib_after", agentAfter.rssKib},
        {"rss_hwm_kib", agentAfter.hwmKib},
        {"kernel_dropped_messages", log.ok() ? droppedMessages(*log) : -1},
        {"bpf_programs_cpu_ms_per_1000_execs",
         static_cast<double>(bpfAfter.ns - bpfBefore.ns) / 1e6 * 1000.0 / sent},
        {"bpf_program_runs", bpfAfter.runs - bpfBefore.runs},
        {"server_cpu_ms_per_1000_execs", (serverAfter.cpuMs - serverBefore.cpuMs) * 1000.0 / sent},
        {"generator", stormJson(storm)},
    };
    return out;
}

// ---- auditd ----------------------------------------------------------------------------------

std::string findProgram(const std::string& name) {
    for (const char* dir : {"/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"})
        if (::access((dir + name).c_str(), X_OK) == 0)
            return dir + name;
    return {};
}

// `auditctl -s` as key → value.
std::optional<std::map<std::string, std::string>> auditStatus(const std::string& auditctl) {
    auto text = run({auditctl, "-s"}, 10s);
    if (!text)
        return std::nullopt;
    std::map<std::string, std::string> status;
    for (std::string_view line : text::split(*text, '\n')) {
        const auto space = line.find(' ');
        if (space != std::string_view::npos)
            status.emplace(std::string(line.substr(0, space)),
                           std::string(text::trim(line.substr(space + 1))));
    }
    return status;
}

std::int64_t statusNumber(const std::map<std::string, std::string>& status, const char* key) {
    const auto it = status.find(key);
    return it == status.end() ? 0 : std::atoll(it->second.c_str());
}

// Undoes what the auditd phase changed, whatever happens in between.
class AuditGuard {
public:
    AuditGuard(std::string auditctl, std::map<std::string, std::string> saved)
        : m_auditctl(std::move(auditctl)), m_saved(std::move(saved)) {}
    ~AuditGuard() {
        if (m_ruleAdded)
            (void)run({m_auditctl, "-d", "always,exit", "-F", "arch=b64", "-S", "execve", "-k",
                       "yagura_bench"});
        if (m_daemon)
            m_daemon->stop();
        (void)run({m_auditctl, "-e", m_saved["enabled"]});
        (void)run({m_auditctl, "-b", m_saved["backlog_limit"]});
        (void)run({m_auditctl, "--backlog_wait_time", m_saved["backlog_wait_time"]});
        (void)run({m_auditctl, "-f", m_saved["failure"]});
    }
    void daemon(Child child) { m_daemon.emplace(std::move(child)); }
    void ruleAdded() { m_ruleAdded = true; }

private:
    std::string m_auditctl;
    std::map<std::string, std::string> m_saved;
    std::optional<Child> m_daemon;
    bool m_ruleAdded = false;
};

// An audit record value: "quoted" text, or hex when it holds spaces or special characters.
std::string auditValue(std::string_view raw) {
    if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"')
        return std::string(raw.substr(1, raw.size() - 2));
    if (auto decoded = text::fromHex(raw); decoded.ok())
        return *decoded;
    return std::string(raw);
}

struct AuditCounts {
    std::set<std::int64_t> marked;
    std::int64_t duplicates = 0;
    std::int64_t execveRecords = 0;
    std::uintmax_t logBytes = 0;
};

// Counts the storm's starts in EXECVE records (a0, a1, ...) of the log and its rotations.
AuditCounts countAuditLog(const std::filesystem::path& logDir, const std::string& marker) {
    AuditCounts counts;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(logDir, ec)) {
        if (!text::startsWith(entry.path().filename().string(), "audit.log"))
            continue;
        auto log = files::readFile(entry.path(), std::size_t{1} << 31);
        if (!log.ok())
            continue;
        counts.logBytes += log->size();
        for (std::string_view line : text::split(*log, '\n')) {
            if (!text::startsWith(line, "type=EXECVE "))
                continue;
            ++counts.execveRecords;
            for (std::string_view token : text::split(line, ' ')) {
                // aN=VALUE; not argc=, aN_len= or aN[i]= (pieces of very long arguments).
                const auto equals = token.find('=');
                if (token.size() < 3 || token[0] != 'a' || equals == std::string_view::npos ||
                    token.substr(1, equals - 1).find_first_not_of("0123456789") !=
                        std::string_view::npos ||
                    equals == 1)
                    continue;
                const std::string value = auditValue(token.substr(equals + 1));
                if (const auto index = markedIndex(value, marker))
                    if (!counts.marked.insert(*index).second)
                        ++counts.duplicates;
            }
        }
    }
    return counts;
}

bool auditLogHas(const std::filesystem::path& logDir, const std::string& text) {
    // The sentinel is the newest record of the storm: look at the end of the log and of its
    // newest rotation.
    for (const char* name : {"audit.log", "audit.log.1"}) {
        const auto path = logDir / name;
        std::error_code ec;
        const auto size = std::filesystem::file_size(path, ec);
        if (ec)
            continue;
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        std::string tail(std::min<std::uintmax_t>(size, 4u << 20), '\0');
        const ssize_t got =
            ::pread(fd, tail.data(), tail.size(), static_cast<off_t>(size - tail.size()));
        ::close(fd);
        if (got > 0 && tail.find(text) != std::string::npos)
            return true;
    }
    return false;
}

json measureAuditd(const std::filesystem::path& dir, double rate, int stormSeconds,
                   int idleSeconds) {
    const std::string auditd = findProgram("auditd");
    const std::string auditctl = findProgram("auditctl");
    if (auditd.empty() || auditctl.empty())
        return {{"available", false},
                {"reason", "auditd is not installed (Debian package auditd)"}};
    auto saved = auditStatus(auditctl);
    if (!saved)
        return {{"available", false},
                {"reason", "auditctl -s failed: no audit netlink here (container without "
                           "CAP_AUDIT_CONTROL, or audit=0)"}};
    if (const auto pid = statusNumber(*saved, "pid");
        pid != 0 && ::kill(static_cast<pid_t>(pid), 0) == 0)
        return {{"available", false},
                {"reason", "an audit daemon is already running (pid " + std::to_string(pid) +
                               "); left alone"}};

    // The packaged configuration, with only the log moved into the benchmark's directory.
    std::filesystem::create_directories(dir);
    const auto confDir = dir / "audit";
    const auto logDir = dir / "audit-log";
    std::filesystem::create_directories(confDir);
    std::filesystem::create_directories(logDir);
    auto packaged = files::readFile("/etc/audit/auditd.conf", 1 << 20);
    if (!packaged.ok())
        return {{"available", false},
                {"reason", "/etc/audit/auditd.conf: " + packaged.error().message}};
    std::string conf;
    for (std::string_view line : text::split(*packaged, '\n')) {
        if (text::startsWith(text::trim(line), "log_file"))
            conf += "log_file = " + (logDir / "audit.log").string() + "\n";
        else
            conf += std::string(line) + "\n";
    }
    (void)files::writeFileAtomic(confDir / "auditd.conf", conf, 0640);

    json out;
    out["available"] = true;
    AuditGuard guard(auditctl, *saved);
    auto daemon = Child::spawn({auditd, "-n", "-c", confDir.string()}, dir / "auditd.out");
    if (!daemon)
        return {{"available", false}, {"reason", "auditd did not start"}};
    const pid_t daemonPid = daemon->pid();
    guard.daemon(std::move(*daemon));
    const bool registered = waitUntil(
        [&] {
            auto status = auditStatus(auditctl);
            return status && statusNumber(*status, "pid") == daemonPid;
        },
        15s);
    if (!registered) {
        auto output = files::readFile(dir / "auditd.out", 65536);
        return {{"available", false},
                {"reason", "auditd did not register with the kernel within 15 s: " +
                               (output.ok() ? std::string(text::trim(*output)) : "")}};
    }
    // The buffer settings of the packaged rules file (/etc/audit/rules.d/audit.rules), then the
    // storm's rule.
    const bool configured = run({auditctl, "-b", "8192"}) &&
                            run({auditctl, "--backlog_wait_time", "60000"}) &&
                            run({auditctl, "-f", "1"}) && run({auditctl, "-e", "1"});
    const bool ruleAdded =
        run({auditctl, "-a", "always,exit", "-F", "arch=b64", "-S", "execve", "-k", "yagura_bench"})
            .has_value();
    if (ruleAdded)
        guard.ruleAdded();
    if (!configured || !ruleAdded)
        return {{"available", false}, {"reason", "auditctl refused the settings or the rule"}};
    out["settings"] = {{"backlog_limit", 8192},
                       {"backlog_wait_time", 60000},
                       {"failure", 1},
                       {"rule", "-a always,exit -F arch=b64 -S execve -k yagura_bench"},
                       {"flush", "packaged auditd.conf (INCREMENTAL_ASYNC on Debian 12)"}};

    const pid_t kauditd = kernelThread("kauditd");
    const Usage idleStart = usageOf(daemonPid);
    const double idleStartSeconds = steadySeconds();
    const std::int64_t forksBefore = hostForks();
    if (!measureFor(seconds{idleSeconds}))
        return {{"error", "interrupted"}};
    const Usage idleEnd = usageOf(daemonPid);
    const double idleElapsed = steadySeconds() - idleStartSeconds;
    const double idleCpuMsPerSecond = (idleEnd.cpuMs - idleStart.cpuMs) / idleElapsed;
    out["idle"] = {{"seconds", idleElapsed},
                   {"rss_kib", idleEnd.rssKib},
                   {"cpu_percent", idleCpuMsPerSecond / 10.0},
                   {"cpu_ms", idleEnd.cpuMs - idleStart.cpuMs},
                   {"host_process_starts", hostForks() - forksBefore}};

    const std::string marker = randomMarker("yagura-storm-auditd-");
    const auto lostBefore = auditStatus(auditctl);
    const Usage before = usageOf(daemonPid);
    const Usage kernelBefore = kauditd ? usageOf(kauditd) : Usage{};
    const auto storm = runStorm(dir, rate, stormSeconds, marker);
    if (!storm.ok)
        return {{"error", "the storm did not run"}};
    startSentinel(marker);
    const bool drained =
        waitUntil([&] { return auditLogHas(logDir, marker + "-end"); }, 120s, 50ms);
    const double drainedAt = steadySeconds();
    const Usage after = usageOf(daemonPid);
    const Usage kernelAfter = kauditd ? usageOf(kauditd) : Usage{};
    const auto lostAfter = auditStatus(auditctl);
    const auto counts = countAuditLog(logDir, marker);

    const double sent = static_cast<double>(storm.sent);
    const double window = drainedAt - storm.startSeconds;
    const double cpuMs = after.cpuMs - before.cpuMs;
    const auto seen = static_cast<std::int64_t>(counts.marked.size());
    out["storm"] = {
        {"execs_sent", storm.sent},
        {"execs_seen", seen},
        {"missed", storm.sent - seen},
        {"duplicates", counts.duplicates},
        {"logged", drained},
        {"drain_seconds_after_storm", drainedAt - storm.endSeconds},
        {"window_seconds", window},
        {"cpu_ms", cpuMs},
        {"cpu_ms_per_1000_execs", cpuMs * 1000.0 / sent},
        {"cpu_ms_per_1000_execs_net_of_idle",
         (cpuMs - idleCpuMsPerSecond * window) * 1000.0 / sent},
        {"rss_kib_after", after.rssKib},
        {"rss_hwm_kib", after.hwmKib},
        {"kauditd_cpu_ms_per_1000_execs",
         kauditd ? (kernelAfter.cpuMs - kernelBefore.cpuMs) * 1000.0 / sent : -1.0},
        {"kernel_lost_records", lostBefore && lostAfter ? statusNumber(*lostAfter, "lost") -
                                                              statusNumber(*lostBefore, "lost")
                                                        : -1},
        {"kernel_backlog_wait_time_actual",
         lostBefore && lostAfter ? statusNumber(*lostAfter, "backlog_wait_time_actual") -
                                       statusNumber(*lostBefore, "backlog_wait_time_actual")
                                 : -1},
        {"log_bytes", counts.logBytes},
        {"execve_records_in_log", counts.execveRecords},
        {"generator", stormJson(storm)},
    };
    return out;
}

} // namespace

int main(int argc, char** argv) {
    double rate = 1000;
    int stormSeconds = 10;
    int idleSeconds = 10;
    bool withAuditd = true;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        const bool hasValue = i + 1 < argc;
        if (flag == "--rate" && hasValue)
            rate = std::stod(argv[++i]);
        else if (flag == "--storm-seconds" && hasValue)
            stormSeconds = std::stoi(argv[++i]);
        else if (flag == "--idle-seconds" && hasValue)
            idleSeconds = std::stoi(argv[++i]);
        else if (flag == "--no-auditd")
            withAuditd = false;
        else {
            std::fprintf(stderr, "yagura-bench-agent-footprint: unknown flag %s\n", flag.c_str());
            return 2;
        }
    }
    if (::geteuid() != 0) {
        std::fprintf(stderr, "yagura-bench-agent-footprint: needs root (the agent's process "
                             "events and auditd)\n");
        return 2;
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGPIPE, SIG_IGN);

    char dirTemplate[] = "/tmp/yagura-footprint-bench-XXXXXX";
    if (!::mkdtemp(dirTemplate)) {
        std::fprintf(stderr, "yagura-bench-agent-footprint: cannot create a temporary directory\n");
        return 1;
    }
    const std::filesystem::path dir = dirTemplate;
    json result = {{"benchmark", "agent_footprint"},
                   {"machine", machineInfo()},
                   {"load_average_start", loadAverage()},
                   {"storm",
                    {{"rate_per_second", rate},
                     {"seconds", stormSeconds},
                     {"program", "/bin/true MARKER-N"}}}};

    const auto baseline = runStorm(dir, rate, stormSeconds, randomMarker("yagura-storm-none-"));
    result["no_monitor"] = stormJson(baseline);
    result["agent"] = measureAgent(dir / "agent-phase", rate, stormSeconds, idleSeconds);
    if (withAuditd && !g_interrupted)
        result["auditd"] = measureAuditd(dir / "auditd-phase", rate, stormSeconds, idleSeconds);
    result["load_average_end"] = loadAverage();

    // Side by side, per 1,000 execs: each monitor's own CPU, plus what it makes the kernel do
    // elsewhere (BPF programs; kauditd and audit work in the storm's processes over the
    // no-monitor baseline).
    const auto children = [](const json& generator) {
        return generator.value("children_cpu_ms_per_1000_execs", 0.0);
    };
    const double baselineChildren = children(result["no_monitor"]);
    json comparison;
    if (result["agent"].contains("storm")) {
        const json& storm = result["agent"]["storm"];
        const double own = storm.value("cpu_ms_per_1000_execs", 0.0);
        const double bpf = storm.value("bpf_programs_cpu_ms_per_1000_execs", 0.0);
        comparison["agent"] = {
            {"own_cpu_ms", own},
            {"bpf_programs_cpu_ms", bpf},
            {"total_cpu_ms", own + bpf},
            {"storm_processes_over_baseline_ms", children(storm["generator"]) - baselineChildren},
            {"missed", storm.value("missed", -1)},
            {"without_argv", storm.value("seen_without_argv", -1)}};
    }
    if (result.contains("auditd") && result["auditd"].contains("storm")) {
        const json& storm = result["auditd"]["storm"];
        const double own = storm.value("cpu_ms_per_1000_execs", 0.0);
        const double kauditd = storm.value("kauditd_cpu_ms_per_1000_execs", 0.0);
        comparison["auditd"] = {
            {"own_cpu_ms", own},
            {"kauditd_cpu_ms", kauditd},
            {"total_cpu_ms", own + kauditd},
            {"storm_processes_over_baseline_ms", children(storm["generator"]) - baselineChildren},
            {"missed", storm.value("missed", -1)}};
    }
    result["comparison_per_1000_execs"] = comparison;

    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    std::printf("%s\n", result.dump(2).c_str());
    return g_interrupted ? 1 : 0;
}
