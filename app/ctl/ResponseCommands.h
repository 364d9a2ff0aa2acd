#pragma once

#include "ctl/CtlSupport.h"

#include "common/CommandLine.h"

#include <optional>

namespace yagura::ctl {

// Adds `isolate`, `release`, `kill`, `quarantine`, `restore`, `collect` and `commands
// list|show`; a command that ran sets `exitCode`.
void addResponseCommands(CLI::App& app, const Connection& connection, std::optional<int>& exitCode);

} // namespace yagura::ctl
