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
    logger->set_level(chosen.empty() ? spdlog::level::info : spdlog::level::from_str(chosen));
    spdlog::set_default_logger(logger);
}

} // namespace yagura::log
