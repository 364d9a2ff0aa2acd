#include "response/ProcessKiller.h"

#include "common/Files.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <sys/syscall.h>
#include <unistd.h>

namespace yagura::agent {

namespace {
// /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so the
// fields are counted from the last ')'.
std::optional<std::pair<pid_t, std::uint64_t>> parentAndStart(pid_t pid,
                                                              const std::filesystem::path& proc) {
    auto stat = files::readFile(proc / std::to_string(pid) / "stat", 4096);
    if (!stat.ok())
        return std::nullopt;
    const auto close = stat->rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::vector<std::string> fields;
    std::string field;
    for (std::size_t i = close + 2; i < stat->size(); ++i) {
        const char c = (*stat)[i];
        if (c == ' ' || c == '\n') {
            fields.push_back(field);
            field.clear();
        } else {
            field += c;
        }
    }
    if (!field.empty())
        fields.push_back(field);
    // After the comm: state is field 3, ppid 4, starttime 22.
    if (fields.size() < 20)
        return std::nullopt;
    return std::make_pair(static_cast<pid_t>(std::strtol(fields[1].c_str(), nullptr, 10)),
                          std::strtoull(fields[19].c_str(), nullptr, 10));
}

int openPidfd(pid_t pid) {
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

int signalPidfd(int pidfd, int signal) {
    return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0));
}

// A pidfd for `pid` if it still is the process that started at `startTicks`; -1 otherwise.
int pidfdIfSame(pid_t pid, std::uint64_t startTicks, const std::filesystem::path& proc) {
    const int pidfd = openPidfd(pid);
    if (pidfd < 0)
        return -1;
    // Checked after opening: if the pid had been reused before the open, the start time read
    // now is the new process's and differs; if it matches, the pidfd is that process.
    const auto now = parentAndStart(pid, proc);
    if (!now || now->second != startTicks) {
        ::close(pidfd);
        return -1;
    }
    return pidfd;
}

// Descendants of `root` in one scan of /proc, parents before children.
std::vector<std::pair<pid_t, std::uint64_t>> descendants(pid_t root,
                                                         const std::filesystem::path& proc) {
    std::map<pid_t, std::pair<pid_t, std::uint64_t>> all; // pid -> (parent, start)
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(proc, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        const pid_t pid = static_cast<pid_t>(std::stol(name));
        if (auto info = parentAndStart(pid, proc))
            all.emplace(pid, *info);
    }
    std::vector<std::pair<pid_t, std::uint64_t>> found;
    std::vector<pid_t> frontier{root};
    while (!frontier.empty()) {
        std::vector<pid_t> next;
        for (const auto& [pid, info] : all)
            for (pid_t parent : frontier)
                if (info.first == parent && pid != root) {
                    found.emplace_back(pid, info.second);
                    next.push_back(pid);
                }
        frontier = std::move(next);
    }
    return found;
}
} // namespace

std::optional<std::uint64_t> processStartTicks(pid_t pid, const std::filesystem::path& procRoot) {
    if (auto info = parentAndStart(pid, procRoot))
        return info->second;
    return std::nullopt;
}

Result<std::vector<pid_t>> killProcess(pid_t pid, std::uint64_t startTicks, bool tree,
                                       const std::filesystem::path& procRoot) {
    if (pid <= 1)
        return makeError(ErrorCode::InvalidArgument,
                         "refusing to kill process " + std::to_string(pid));
    if (pid == ::getpid())
        return makeError(ErrorCode::InvalidArgument, "refusing to kill the agent itself");
    const int rootFd = pidfdIfSame(pid, startTicks, procRoot);
    if (rootFd < 0)
        return makeError(ErrorCode::NotFound, "process " + std::to_string(pid) +
                                                  " (started at tick " +
                                                  std::to_string(startTicks) +
                                                  ") is no longer running; nothing was killed");
    std::vector<std::pair<int, pid_t>> targets{{rootFd, pid}};
    if (tree) {
        // Stop the root first, then every descendant found, and look again until a scan finds
        // no new one: a stopped process starts no more children.
        (void)signalPidfd(rootFd, SIGSTOP);
        std::set<pid_t> seen{pid};
        for (int round = 0; round < 16; ++round) {
            bool found = false;
            for (const auto& [child, start] : descendants(pid, procRoot)) {
                if (child == ::getpid() || seen.count(child))
                    continue;
                seen.insert(child);
                const int fd = pidfdIfSame(child, start, procRoot);
                if (fd < 0)
                    continue; // gone already
                (void)signalPidfd(fd, SIGSTOP);
                targets.emplace_back(fd, child);
                found = true;
            }
            if (!found)
                break;
        }
    }
    std::vector<pid_t> killed;
    std::string failures;
    for (const auto& [fd, target] : targets) {
        if (signalPidfd(fd, SIGKILL) == 0)
            killed.push_back(target);
        else if (errno != ESRCH)
            failures += " " + std::to_string(target) + ": " + std::strerror(errno) + ";";
        ::close(fd);
    }
    if (killed.empty())
        return makeError(ErrorCode::Io,
                         "could not kill process " + std::to_string(pid) + ":" + failures);
    return killed;
}

} // namespace yagura::agent
