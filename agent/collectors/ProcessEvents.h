#pragma once

#include "common/Result.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace yagura::agent {

// What the kernel tracer (ExecTracer) takes at exec time, in the process's own context: nothing
// here depends on the process still existing when the agent reads it.
struct ExecDetails {
    std::string path;             // the file run as the exec named it (may be relative)
    std::string arguments;        // argv, NUL-separated
    std::string workingDirectory; // absolute
    std::uint32_t uid = 0;        // real uid
    std::uint64_t device = 0;     // of the executable, user-space encoding (st_dev)
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t modificationNs = 0;
    bool argumentsIncomplete = false;        // longer than the record carries, or unreadable
    bool workingDirectoryIncomplete = false; // deeper than the record carries
};

// A kernel process event, from the netlink proc connector or the kernel tracer.
struct KernelProcessEvent {
    enum class Kind { Fork, Exec, Exit };
    Kind kind = Kind::Exec;
    pid_t pid = 0;                 // the process (for Fork: the child)
    pid_t tgid = 0;                // its thread group (the process id user space sees)
    pid_t parentPid = 0;           // Fork: the parent's tgid
    int exitCode = 0;              // Exit: the wait status
    std::uint64_t timestampNs = 0; // kernel monotonic time of the event
    // The kernel tracer only: CLOCK_BOOTTIME of the event and of the process's start, and for
    // Exec everything the process pipeline needs without reading /proc.
    std::uint64_t bootTimeNs = 0;
    std::uint64_t startBootTimeNs = 0;
    std::optional<ExecDetails> exec;
};

// Listens to the netlink proc connector: every fork, exec and exit on the host, including
// processes that live for microseconds. Needs CAP_NET_ADMIN (root); without it, open() says so.
class ProcessConnector {
public:
    ProcessConnector() = default;
    ~ProcessConnector();
    ProcessConnector(const ProcessConnector&) = delete;
    ProcessConnector& operator=(const ProcessConnector&) = delete;

    Status open();
    // Reads the events available within `timeout`, appending to `out`. Returns how many kernel
    // messages were lost to buffer overruns since the last call (0 normally).
    Result<std::uint64_t> read(std::vector<KernelProcessEvent>& out,
                               std::chrono::milliseconds timeout);
    int fd() const { return m_fd; }

private:
    Status subscribe(bool listen);
    int m_fd = -1;
};

} // namespace yagura::agent
