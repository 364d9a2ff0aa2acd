#pragma once

#include <CLI/CLI.hpp>

#include <cstdio>
#include <optional>

namespace yagura::cli {

// Parses the command line the way every Yagura program does: --help and --version print and
// exit 0; any other problem is one line on stderr and exit code 2. Returns the exit code to
// return from main(), or nothing when the program should go on.
inline std::optional<int> parse(CLI::App& app, int argc, char** argv, const char* program) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "%s: %s (see --help)\n", program, e.what());
        return 2;
    }
    return std::nullopt;
}

} // namespace yagura::cli
