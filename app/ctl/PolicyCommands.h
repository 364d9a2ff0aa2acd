#pragma once

#include "ctl/CtlSupport.h"

#include "common/CommandLine.h"

#include <optional>

namespace yagura::ctl {

// Adds `groups`, `policy`, `exceptions`, `agents move` and `rules packs|list|import|enable|
// disable`; a command that ran sets `exitCode`.
void addPolicyCommands(CLI::App& app, CLI::App& agents, CLI::App& rules,
                       const Connection& connection, std::optional<int>& exitCode);

} // namespace yagura::ctl
