#pragma once

// Starts the real yagura-server for a benchmark and waits — on its own "listening" line, with a
// bound, not on a sleep — until its endpoints are bound.

#include "server/Site.h"

#include <cerrno>
#include <csignal>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace yagura::bench {

class BenchServer {
public:
    // Returns nothing when the server could not be started or did not come up within 15 s.
    static std::optional<BenchServer> start(const std::string& binary,
                                            const server::SiteLayout& layout) {
        int pipeFds[2];
        if (::pipe(pipeFds) != 0)
            return std::nullopt;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, pipeFds[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, pipeFds[0]);
        std::vector<std::string> args{binary, "--log-level", "warn",
                                      "run",  "--data-dir",  layout.dataDir.string()};
        std::vector<char*> argv;
        for (auto& arg : args)
            argv.push_back(arg.data());
        argv.push_back(nullptr);
        pid_t pid = 0;
        const int spawned =
            ::posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(pipeFds[1]);
        BenchServer server;
        server.m_pid = spawned == 0 ? pid : 0;
        server.m_output = pipeFds[0];
        if (spawned != 0 || !server.waitForLine("listening", 15000))
            return std::nullopt;
        return server;
    }

    BenchServer(BenchServer&& other) noexcept
        : m_pid(std::exchange(other.m_pid, 0)), m_output(std::exchange(other.m_output, -1)) {}
    ~BenchServer() { stop(); }

    pid_t pid() const { return m_pid; }

    void stop() {
        if (m_pid > 0) {
            ::kill(m_pid, SIGTERM);
            ::waitpid(m_pid, nullptr, 0);
            m_pid = 0;
        }
        if (m_output >= 0) {
            ::close(m_output);
            m_output = -1;
        }
    }

private:
    BenchServer() = default;

    bool waitForLine(const std::string& needle, int timeoutMs) {
        std::string seen;
        char buffer[4096];
        pollfd waitFor{m_output, POLLIN, 0};
        while (seen.find(needle) == std::string::npos) {
            if (::poll(&waitFor, 1, timeoutMs) <= 0)
                return false;
            const ssize_t got = ::read(m_output, buffer, sizeof buffer);
            if (got <= 0)
                return false; // the server exited
            seen.append(buffer, static_cast<std::size_t>(got));
        }
        return true;
    }

    pid_t m_pid = 0;
    int m_output = -1;
};

} // namespace yagura::bench
