#pragma once

// What the footprint and latency benchmarks share: child processes with their output in a file,
// bounded waits that a signal cuts short, the machine's description, and run markers.

#include "agent/inventory/CommandRunner.h"
#include "common/Files.h"
#include "common/Text.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <random>
#include <spawn.h>
#include <string>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace yagura::bench {

using namespace std::chrono;
using json = nlohmann::json;

// Set by SIGINT / SIGTERM: every wait ends early and the benchmark reports what it has.
inline std::atomic<bool> g_interrupted{false};
inline void onSignal(int) {
    g_interrupted = true;
}

class Child {
public:
    static std::optional<Child> spawn(const std::vector<std::string>& args,
                                      const std::filesystem::path& output) {
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
        std::vector<std::string> copy = args;
        std::vector<char*> argv;
        for (auto& arg : copy)
            argv.push_back(arg.data());
        argv.push_back(nullptr);
        pid_t pid = 0;
        const int spawned = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (spawned != 0)
            return std::nullopt;
        Child child;
        child.m_pid = pid;
        return child;
    }
    Child(Child&& other) noexcept : m_pid(std::exchange(other.m_pid, 0)) {}
    ~Child() { stop(); }

    pid_t pid() const { return m_pid; }
    bool running() {
        if (m_pid <= 0)
            return false;
        if (::waitpid(m_pid, nullptr, WNOHANG) == m_pid) {
            m_pid = 0;
            return false;
        }
        return true;
    }
    void wait() {
        if (m_pid > 0)
            while (::waitpid(m_pid, nullptr, 0) < 0 && errno == EINTR) {
            }
        m_pid = 0;
    }
    // SIGTERM, then SIGKILL if it has not ended within `grace`.
    void stop(milliseconds grace = 10s) {
        if (m_pid <= 0)
            return;
        ::kill(m_pid, SIGTERM);
        const auto deadline = steady_clock::now() + grace;
        while (running() && steady_clock::now() < deadline)
            std::this_thread::sleep_for(10ms);
        if (m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            wait();
        }
    }

private:
    Child() = default;
    pid_t m_pid = 0;
};

// Runs a command to its end (no shell); its stdout, or nothing when it failed.
inline std::optional<std::string> run(const std::vector<std::string>& argv,
                                      milliseconds timeout = 30s) {
    auto output = agent::inventory::runCommand(argv, 1 << 20, timeout);
    if (!output.ok() || output->exitCode != 0)
        return std::nullopt;
    return output->stdoutText;
}

// Waits, with a bound, until `done` holds; polls every `every` (a benchmark watching another
// process, which offers nothing to wait on).
template <typename Condition>
bool waitUntil(Condition done, milliseconds timeout, milliseconds every = 100ms) {
    const auto deadline = steady_clock::now() + timeout;
    while (!done()) {
        if (g_interrupted || steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(every);
    }
    return true;
}

// The start index N of "MARKER-N" anywhere in `text`.
inline std::optional<std::int64_t> markedIndex(std::string_view text, const std::string& marker) {
    const std::string prefix = marker + "-";
    for (std::size_t at = text.find(prefix); at != std::string_view::npos;
         at = text.find(prefix, at + 1)) {
        std::size_t end = at + prefix.size();
        while (end < text.size() && text[end] >= '0' && text[end] <= '9')
            ++end;
        if (end > at + prefix.size())
            return std::stoll(
                std::string(text.substr(at + prefix.size(), end - at - prefix.size())));
    }
    return std::nullopt;
}

// `prefix` and eight random hex digits: names unique to one run.
inline std::string randomMarker(const std::string& prefix) {
    std::random_device device;
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", device());
    return prefix + hex;
}

inline json machineInfo() {
    json machine;
    machine["nproc"] = std::thread::hardware_concurrency();
    utsname name{};
    if (::uname(&name) == 0)
        machine["kernel"] = std::string(name.release);
    machine["cpu"] = "unknown";
    if (auto info = files::readFile("/proc/cpuinfo", 1 << 20); info.ok())
        for (std::string_view line : text::split(*info, '\n'))
            if (text::startsWith(line, "model name")) {
                machine["cpu"] = std::string(text::trim(line.substr(line.find(':') + 1)));
                break;
            }
    if (auto meminfo = files::readFile("/proc/meminfo", 65536); meminfo.ok())
        for (std::string_view line : text::split(*meminfo, '\n'))
            if (text::startsWith(line, "MemTotal:"))
                machine["mem_total_mib"] =
                    std::stol(std::string(text::trim(line.substr(9)))) / 1024;
    return machine;
}

inline std::string loadAverage() {
    auto load = files::readFile("/proc/loadavg", 4096);
    return load.ok() ? std::string(text::trim(*load)) : "";
}

} // namespace yagura::bench
