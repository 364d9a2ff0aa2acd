#pragma once

#include "common/Result.h"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace yagura::agent::inventory {

struct CommandOutput {
    int exitCode = -1; // -1 when the command was ended by a signal
    std::string stdoutText;
};

// Runs argv[0] (an absolute path; no shell, no PATH search) with stdin and stderr on /dev/null,
// a minimal C-locale environment and default signal dispositions, and collects its standard
// output. The command is killed, and an error returned, when its output exceeds `maxOutput`
// bytes or it runs longer than `timeout`. Always waits for the child.
Result<CommandOutput> runCommand(const std::vector<std::string>& argv, std::size_t maxOutput,
                                 std::chrono::milliseconds timeout);

} // namespace yagura::agent::inventory
