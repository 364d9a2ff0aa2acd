#include "common/Log.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <cstdlib>

namespace yagura::log {

void setup(const std::string& programName, const std::string& level) {
    auto logger = spdlog::stderr_logger_mt(programName);
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %n: %v");
    std::string chosen = level;
    if (chosen.empty()) {
        if (const char* env = std::getenv("YAGURA_LOG_LEVEL"))
            chosen = env;
    }
    auto chosenLevel = chosen.empty() ? spdlog::level::info : spdlog::level::from_str(chosen);
    // spdlog maps unknown names to "off"; an operator's typo must not silence the logs.
    const bool unknown = chosenLevel == spdlog::level::off && chosen != "off";
    logger->set_level(unknown ? spdlog::level::info : chosenLevel);
    spdlog::set_default_logger(logger);
    if (unknown)
        spdlog::warn("unknown log level '{}'; using info", chosen);
}

} // namespace yagura::log
