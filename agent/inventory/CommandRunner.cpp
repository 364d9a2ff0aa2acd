#include "inventory/CommandRunner.h"

#include "inventory/CollectorSupport.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace yagura::agent::inventory {

namespace {

class FileActions {
public:
    FileActions() { m_ok = ::posix_spawn_file_actions_init(&m_actions) == 0; }
    ~FileActions() {
        if (m_ok)
            ::posix_spawn_file_actions_destroy(&m_actions);
    }
    FileActions(const FileActions&) = delete;
    FileActions& operator=(const FileActions&) = delete;
    [[nodiscard]] bool ok() const { return m_ok; }
    posix_spawn_file_actions_t* get() { return &m_actions; }

private:
    posix_spawn_file_actions_t m_actions{};
    bool m_ok = false;
};

class SpawnAttributes {
public:
    SpawnAttributes() { m_ok = ::posix_spawnattr_init(&m_attributes) == 0; }
    ~SpawnAttributes() {
        if (m_ok)
            ::posix_spawnattr_destroy(&m_attributes);
    }
    SpawnAttributes(const SpawnAttributes&) = delete;
    SpawnAttributes& operator=(const SpawnAttributes&) = delete;
    [[nodiscard]] bool ok() const { return m_ok; }
    posix_spawnattr_t* get() { return &m_attributes; }

private:
    posix_spawnattr_t m_attributes{};
    bool m_ok = false;
};

// Reaps the child, killing it if it has not exited by `deadline` (it may linger after closing
// its stdout). Returns its exit code, or -1 when a signal ended it.
int reapChild(pid_t pid, std::chrono::steady_clock::time_point deadline) {
    int status = 0;
    bool killed = false;
    for (;;) {
        const pid_t done = ::waitpid(pid, &status, killed ? 0 : WNOHANG);
        if (done == pid)
            break;
        if (done < 0) {
            if (errno == EINTR)
                continue;
            return -1; // ECHILD: someone else reaped it
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            killed = true;
            continue;
        }
        ::usleep(10000);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace

Result<CommandOutput> runCommand(const std::vector<std::string>& argv, std::size_t maxOutput,
                                 std::chrono::milliseconds timeout) {
    if (argv.empty() || argv.front().empty() || argv.front().front() != '/')
        return makeError(ErrorCode::InvalidArgument, "command needs an absolute path");
    const std::string& program = argv.front();

    std::array<int, 2> pipeFds{-1, -1};
    if (::pipe2(pipeFds.data(), O_CLOEXEC) != 0) {
        const int err = errno;
        return makeError(ErrorCode::Io, "pipe: " + errnoText(err));
    }
    const int readEnd = pipeFds[0];
    const int writeEnd = pipeFds[1];
    auto closeBoth = [&] {
        ::close(readEnd);
        ::close(writeEnd);
    };

    FileActions actions;
    SpawnAttributes attributes;
    if (!actions.ok() || !attributes.ok()) {
        closeBoth();
        return makeError(ErrorCode::Internal, "cannot prepare to run " + program);
    }
    // dup2 clears close-on-exec on the child's stdout; every other descriptor of ours is
    // close-on-exec (pipe2, O_CLOEXEC everywhere in Yagura).
    int rc = ::posix_spawn_file_actions_adddup2(actions.get(), writeEnd, STDOUT_FILENO);
    if (rc == 0)
        rc = ::posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY,
                                                0);
    if (rc == 0)
        rc = ::posix_spawn_file_actions_addopen(actions.get(), STDERR_FILENO, "/dev/null", O_WRONLY,
                                                0);
    sigset_t noSignals;
    sigset_t allSignals;
    sigemptyset(&noSignals);
    sigfillset(&allSignals);
    if (rc == 0)
        rc = ::posix_spawnattr_setsigmask(attributes.get(), &noSignals);
    if (rc == 0)
        rc = ::posix_spawnattr_setsigdefault(attributes.get(), &allSignals);
    if (rc == 0)
        rc = ::posix_spawnattr_setflags(
            attributes.get(), static_cast<short>(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));
    if (rc != 0) {
        closeBoth();
        return makeError(ErrorCode::Internal,
                         "cannot prepare to run " + program + ": " + errnoText(rc));
    }

    std::vector<std::string> argStorage = argv;
    std::vector<char*> args;
    args.reserve(argStorage.size() + 1);
    for (std::string& arg : argStorage)
        args.push_back(arg.data());
    args.push_back(nullptr);
    std::array<std::string, 4> envStorage = {"LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                                             "SYSTEMD_COLORS=0", "SYSTEMD_PAGER="};
    std::vector<char*> env;
    for (std::string& entry : envStorage)
        env.push_back(entry.data());
    env.push_back(nullptr);

    pid_t pid = -1;
    rc = ::posix_spawn(&pid, program.c_str(), actions.get(), attributes.get(), args.data(),
                       env.data());
    ::close(writeEnd);
    if (rc != 0) {
        ::close(readEnd);
        return makeError(rc == ENOENT ? ErrorCode::NotFound : ErrorCode::Io,
                         "cannot run " + program + ": " + errnoText(rc));
    }

    CommandOutput result;
    std::string failure;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::array<char, 16384> buffer{};
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            failure = program + " did not finish within " + std::to_string(timeout.count()) + " ms";
            break;
        }
        struct pollfd pfd {};
        pfd.fd = readEnd;
        pfd.events = POLLIN;
        const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            const int err = errno;
            failure = "poll: " + errnoText(err);
            break;
        }
        if (ready == 0)
            continue; // the deadline check above ends the loop
        const ssize_t got = ::read(readEnd, buffer.data(), buffer.size());
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            const int err = errno;
            failure = "read: " + errnoText(err);
            break;
        }
        if (got == 0)
            break; // the child closed its stdout
        result.stdoutText.append(buffer.data(), static_cast<std::size_t>(got));
        if (result.stdoutText.size() > maxOutput) {
            failure = program + " wrote more than " + std::to_string(maxOutput) + " bytes";
            break;
        }
    }
    ::close(readEnd);
    if (!failure.empty())
        ::kill(pid, SIGKILL);
    result.exitCode = reapChild(pid, deadline);
    if (!failure.empty())
        return makeError(ErrorCode::Io, failure);
    return result;
}

} // namespace yagura::agent::inventory
