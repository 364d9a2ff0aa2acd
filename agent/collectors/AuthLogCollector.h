#pragma once

#include "common/Result.h"
#include "proto/agent.pb.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yagura::agent {

// One authentication fact read from a syslog line or a journal entry.
struct AuthEvent {
    // Other: a line of sshd, sudo, su or login that is not an authentication fact; kept for
    // Sigma's keyword rules on those services (e.g. sshd protocol errors).
    enum class Kind { LoginSucceeded, LoginFailed, Sudo, SudoFailed, Su, SuFailed, Other };
    Kind kind = Kind::LoginFailed;
    std::string program;    // sshd, sudo, su, login
    std::string user;       // who authenticated (or tried to)
    std::string targetUser; // sudo/su: the user switched to
    std::string sourceIp;   // ssh: the remote address
    std::string command;    // sudo: the command run
    std::string line;       // the raw log line (Sigma keyword rules search it)
};

// The service name of an authentication program as rules know it: sshd (also for OpenSSH's
// sshd-session and sshd-auth), sudo, su, login; nothing for any other program.
std::optional<std::string> authProgram(std::string_view name);

// Parses the message of one log entry of `program` (a syslog tag or a journal
// SYSLOG_IDENTIFIER); nothing when the program is not one of the authentication programs, an
// event of kind Other when it is but the message is no authentication fact. The event's `line`
// is the message; callers that have the whole log line replace it.
std::optional<AuthEvent> parseAuthMessage(const std::string& program, const std::string& message);

// Parses one line of /var/log/auth.log (Debian) or /var/log/secure (RHEL) in the classic
// syslog format or the RFC 3339 one; nothing for lines that are not authentication facts.
std::optional<AuthEvent> parseAuthLine(const std::string& line);

// The telemetry event (category "authentication") for a fact; detection offers it to rules of
// logsource service "auth" and of the program's own service (sshd, sudo, su, login).
proto::TelemetryEvent authTelemetry(const AuthEvent& event, std::int64_t nowUnixMs);

// Follows an auth log like `tail -F`: remembers its offset and inode, notices rotation and
// truncation, and reads only complete lines. Used where no systemd journal runs.
class AuthLogCollector {
public:
    explicit AuthLogCollector(std::filesystem::path path) : m_path(std::move(path)) {}

    // Starts at the end of the current file: history before the agent started is not replayed.
    Status startAtEnd();
    // The authentication facts appended since the last call.
    Result<std::vector<AuthEvent>> poll();
    const std::filesystem::path& path() const { return m_path; }

    // The first of /var/log/auth.log and /var/log/secure that exists.
    static std::optional<std::filesystem::path> defaultPath();

private:
    std::filesystem::path m_path;
    std::uint64_t m_inode = 0;
    std::uint64_t m_offset = 0;
    std::string m_partial; // an incomplete last line, completed by the next read
};

} // namespace yagura::agent
