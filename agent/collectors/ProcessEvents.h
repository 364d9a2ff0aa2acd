#pragma once

#include "common/Result.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <sys/types.h>
#include <vector>

namespace yagura::agent {

// A kernel process event from the netlink proc connector.
struct KernelProcessEvent {
    enum class Kind { Fork, Exec, Exit };
    Kind kind = Kind::Exec;
    pid_t pid = 0;                 // the process (for Fork: the child)
    pid_t tgid = 0;                // its thread group (the process id user space sees)
    pid_t parentPid = 0;           // Fork: the parent's tgid
    int exitCode = 0;              // Exit: the wait status
    std::uint64_t timestampNs = 0; // kernel monotonic time of the event
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
