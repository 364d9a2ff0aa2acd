// Benchmark helper: starts a program at a fixed rate — a storm of short-lived processes for the
// agent footprint and latency benchmarks. Prints one JSON object when done.
//
//   yagura-bench-exec-storm [--rate 1000] [--seconds 10] [--marker TEXT] [--exe /bin/true]
//
// Each start is argv {EXE, "MARKER-N"} (N counts from 0), or {EXE} without --marker, so that a
// monitor's records can be matched to the starts one by one. Starts are paced on absolute
// CLOCK_MONOTONIC deadlines (start + N / rate): a late start does not shift the ones after it.
// --seconds 0 runs until SIGTERM or SIGINT. Children are started with posix_spawn (a vfork-style
// clone and an execve, as the kernel and every monitor sees a fork/exec) and reaped as they end.
//
// Output: {"pid", "sent", "failed", "seconds", "rate_achieved", "max_lag_ms", "self_cpu_ms",
// "children_cpu_ms"}. children_cpu_ms is what the started processes used, including the kernel's
// exec path in their context (where audit builds its records and the proc connector sends).

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <vector>

extern char** environ;

namespace {

std::atomic<bool> g_stop{false};
void onSignal(int) {
    g_stop = true;
}

std::int64_t nowNs() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

timespec toTimespec(std::int64_t ns) {
    timespec at{};
    at.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    at.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    return at;
}

double cpuMs(const rusage& usage) {
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

// Reaps every child that has ended; with `block`, waits for all of them.
void reap(std::int64_t& running, bool block) {
    while (running > 0) {
        const pid_t ended = ::waitpid(-1, nullptr, block ? 0 : WNOHANG);
        if (ended > 0) {
            --running;
            continue;
        }
        if (ended < 0 && errno == EINTR)
            continue;
        break;
    }
}

int usage(const char* message) {
    std::fprintf(stderr, "yagura-bench-exec-storm: %s\n", message);
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    double rate = 1000;
    double seconds = 10;
    std::string marker;
    std::string exe = "/bin/true";
    for (int i = 1; i < argc; i += 2) {
        const std::string flag = argv[i];
        if (i + 1 >= argc)
            return usage(("missing value for " + flag).c_str());
        const std::string value = argv[i + 1];
        if (flag == "--rate")
            rate = std::stod(value);
        else if (flag == "--seconds")
            seconds = std::stod(value);
        else if (flag == "--marker")
            marker = value;
        else if (flag == "--exe")
            exe = value;
        else
            return usage(("unknown flag " + flag).c_str());
    }
    if (rate <= 0 || seconds < 0)
        return usage("--rate must be positive and --seconds not negative");
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);

    const auto periodNs = static_cast<std::int64_t>(1e9 / rate);
    const std::int64_t total = seconds > 0 ? static_cast<std::int64_t>(rate * seconds) : -1;
    std::int64_t sent = 0;
    std::int64_t failed = 0;
    std::int64_t running = 0;
    std::int64_t maxLagNs = 0;
    const std::int64_t start = nowNs();
    for (std::int64_t n = 0; (total < 0 || n < total) && !g_stop; ++n) {
        const std::int64_t deadline = start + n * periodNs;
        const timespec at = toTimespec(deadline);
        while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr) == EINTR &&
               !g_stop) {
        }
        if (g_stop)
            break;
        maxLagNs = std::max(maxLagNs, nowNs() - deadline);
        std::string tag = marker.empty() ? std::string() : marker + "-" + std::to_string(n);
        std::vector<char*> childArgv{exe.data()};
        if (!tag.empty())
            childArgv.push_back(tag.data());
        childArgv.push_back(nullptr);
        pid_t child = 0;
        if (::posix_spawn(&child, exe.c_str(), nullptr, nullptr, childArgv.data(), environ) == 0) {
            ++sent;
            ++running;
        } else {
            ++failed;
        }
        reap(running, false);
    }
    // On schedule, the last start is at (sent - 1) periods: the storm lasted sent periods.
    const double elapsed = static_cast<double>(nowNs() - start + periodNs) / 1e9;
    reap(running, true);
    rusage self{};
    rusage children{};
    ::getrusage(RUSAGE_SELF, &self);
    ::getrusage(RUSAGE_CHILDREN, &children);
    std::printf("{\"pid\": %d, \"sent\": %lld, \"failed\": %lld, \"seconds\": %.3f, "
                "\"rate_achieved\": %.1f, \"max_lag_ms\": %.3f, \"self_cpu_ms\": %.1f, "
                "\"children_cpu_ms\": %.1f}\n",
                static_cast<int>(::getpid()), static_cast<long long>(sent),
                static_cast<long long>(failed), elapsed,
                elapsed > 0 ? static_cast<double>(sent) / elapsed : 0.0,
                static_cast<double>(maxLagNs) / 1e6, cpuMs(self), cpuMs(children));
    return 0;
}
