#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace yagura::log {

// Logs go to stderr (journald captures them under systemd); the level comes from the
// YAGURA_LOG_LEVEL environment variable or the --log-level flag.
void setup(const std::string& programName, const std::string& level = {});

} // namespace yagura::log
