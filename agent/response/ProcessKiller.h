#pragma once

#include "common/Result.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <sys/types.h>
#include <vector>

namespace yagura::agent {

// Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. With the pid
// it names one process; a pid reused by a later process has another start time.
std::optional<std::uint64_t> processStartTicks(pid_t pid,
                                               const std::filesystem::path& procRoot = "/proc");

// Kills the process `pid` that started at `startTicks` (SIGKILL), and with `tree` every process
// descended from it (stopped first, so none can start more while the tree is collected). Each
// is signalled through a pidfd opened before its start time is checked, so a pid reused in
// between is never signalled. Returns the pids killed; NotFound when the process is gone (or
// the pid now belongs to another process): nothing is killed then.
Result<std::vector<pid_t>> killProcess(pid_t pid, std::uint64_t startTicks, bool tree,
                                       const std::filesystem::path& procRoot = "/proc");

} // namespace yagura::agent
