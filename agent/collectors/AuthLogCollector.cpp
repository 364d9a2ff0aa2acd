#include "collectors/AuthLogCollector.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <regex>
#include <sys/stat.h>
#include <unistd.h>

namespace yagura::agent {

namespace {
struct Pattern {
    std::regex expression;
    AuthEvent::Kind kind;
    // capture group numbers (0 = absent)
    int user = 0;
    int sourceIp = 0;
    int targetUser = 0;
    int command = 0;
};

// "<program>[pid]: message" after the syslog time and host prefix.
const std::regex& prefixPattern() {
    static const std::regex prefix(
        R"(^(?:\S+\s+\d+\s+[\d:]+|\S+T\S+)\s+\S+\s+([\w.-]+)(?:\[\d+\])?:\s(.*)$)");
    return prefix;
}

const std::vector<Pattern>& patterns() {
    static const std::vector<Pattern> all = [] {
        std::vector<Pattern> list;
        const auto add = [&list](const char* text, AuthEvent::Kind kind, int user, int ip,
                                 int target, int command) {
            list.push_back({std::regex(text), kind, user, ip, target, command});
        };
        using K = AuthEvent::Kind;
        add(R"(^Accepted \S+ for (\S+) from (\S+) port \d+)", K::LoginSucceeded, 1, 2, 0, 0);
        add(R"(^Failed \S+ for invalid user (\S*) from (\S+) port \d+)", K::LoginFailed, 1, 2, 0,
            0);
        add(R"(^Failed \S+ for (\S+) from (\S+) port \d+)", K::LoginFailed, 1, 2, 0, 0);
        add(R"(^Invalid user (\S*) from (\S+))", K::LoginFailed, 1, 2, 0, 0);
        add(R"(^\s*(\S+) : .*incorrect password attempts.*USER=(\S+) ; COMMAND=(.*)$)",
            K::SudoFailed, 1, 0, 2, 3);
        add(R"(^\s*(\S+) : .*USER=(\S+) ; COMMAND=(.*)$)", K::Sudo, 1, 0, 2, 3);
        add(R"(^(?:Successful su for (\S+) by (\S+)))", K::Su, 2, 0, 1, 0);
        add(R"(^\(to (\S+)\) (\S+) on)", K::Su, 2, 0, 1, 0);
        add(R"(^FAILED SU \(to (\S+)\) (\S+) on)", K::SuFailed, 2, 0, 1, 0);
        add(R"(^pam_unix\(su(?:-l)?:auth\): authentication failure;.*ruser=(\S*).*user=(\S+))",
            K::SuFailed, 1, 0, 2, 0);
        add(R"(^FAILED LOGIN \(\d+\) on '\S+' FOR '(\S+)')", K::LoginFailed, 1, 0, 0, 0);
        add(R"(^pam_unix\(login:session\): session opened for user (\S+?)(?:\(uid=\d+\))? by)",
            K::LoginSucceeded, 1, 0, 0, 0);
        return list;
    }();
    return all;
}

void addField(proto::TelemetryEvent& event, const char* name, const std::string& value) {
    if (value.empty())
        return;
    auto* field = event.add_fields();
    field->set_name(name);
    field->set_value(value);
}

const char* kindName(AuthEvent::Kind kind) {
    switch (kind) {
    case AuthEvent::Kind::LoginSucceeded:
        return "login";
    case AuthEvent::Kind::LoginFailed:
        return "login_failed";
    case AuthEvent::Kind::Sudo:
        return "sudo";
    case AuthEvent::Kind::SudoFailed:
        return "sudo_failed";
    case AuthEvent::Kind::Su:
        return "su";
    case AuthEvent::Kind::SuFailed:
        return "su_failed";
    case AuthEvent::Kind::Other:
        return "other";
    }
    return "unknown";
}
} // namespace

std::optional<std::string> authProgram(std::string_view name) {
    // OpenSSH 9.8 and later log from sshd-session (and, from 10.0, sshd-auth) instead of
    // sshd; rules and telemetry know the service as sshd.
    if (name == "sshd" || name == "sshd-session" || name == "sshd-auth")
        return std::string("sshd");
    if (name == "sudo" || name == "su" || name == "login")
        return std::string(name);
    return std::nullopt;
}

std::optional<AuthEvent> parseAuthMessage(const std::string& program, const std::string& message) {
    auto service = authProgram(program);
    if (!service)
        return std::nullopt;
    AuthEvent event;
    event.kind = AuthEvent::Kind::Other;
    event.program = std::move(*service);
    event.line = message;
    for (const auto& pattern : patterns()) {
        std::smatch match;
        if (!std::regex_search(message, match, pattern.expression))
            continue;
        event.kind = pattern.kind;
        if (pattern.user)
            event.user = match[pattern.user].str();
        if (pattern.sourceIp)
            event.sourceIp = match[pattern.sourceIp].str();
        if (pattern.targetUser)
            event.targetUser = match[pattern.targetUser].str();
        if (pattern.command)
            event.command = match[pattern.command].str();
        break;
    }
    return event;
}

std::optional<AuthEvent> parseAuthLine(const std::string& line) {
    std::smatch prefix;
    if (!std::regex_match(line, prefix, prefixPattern()))
        return std::nullopt;
    auto event = parseAuthMessage(prefix[1].str(), prefix[2].str());
    if (event)
        event->line = line;
    return event;
}

proto::TelemetryEvent authTelemetry(const AuthEvent& event, std::int64_t nowUnixMs) {
    proto::TelemetryEvent telemetry;
    telemetry.set_time_unix_ms(static_cast<std::uint64_t>(nowUnixMs));
    telemetry.set_category("authentication");
    telemetry.set_rank(event.kind == AuthEvent::Kind::Other ? proto::RANK_TELEMETRY
                                                            : proto::RANK_SECURITY);
    addField(telemetry, "Program", event.program);
    addField(telemetry, "Action", kindName(event.kind));
    addField(telemetry, "User", event.user);
    addField(telemetry, "TargetUser", event.targetUser);
    addField(telemetry, "SourceIp", event.sourceIp);
    addField(telemetry, "CommandLine", event.command);
    // Sigma's Linux auth rules are keyword rules over the raw line.
    addField(telemetry, "Message", event.line);
    return telemetry;
}

std::optional<std::filesystem::path> AuthLogCollector::defaultPath() {
    for (const char* path : {"/var/log/auth.log", "/var/log/secure"}) {
        std::error_code ec;
        if (std::filesystem::exists(path, ec))
            return std::filesystem::path(path);
    }
    return std::nullopt;
}

Status AuthLogCollector::startAtEnd() {
    struct stat info {};
    if (::stat(m_path.c_str(), &info) != 0)
        return makeError(ErrorCode::NotFound, "authentication events: cannot read " +
                                                  m_path.string() + ": " + std::strerror(errno));
    m_inode = info.st_ino;
    m_offset = static_cast<std::uint64_t>(info.st_size);
    return success();
}

Result<std::vector<AuthEvent>> AuthLogCollector::poll() {
    std::vector<AuthEvent> events;
    const int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return events; // rotated away for a moment: the next poll finds the new file
    struct stat info {};
    ::fstat(fd, &info);
    // A new file (rotation) or a shorter one (truncation): read it from the start.
    if (info.st_ino != m_inode || static_cast<std::uint64_t>(info.st_size) < m_offset) {
        m_inode = info.st_ino;
        m_offset = 0;
        m_partial.clear();
    }
    if (::lseek(fd, static_cast<off_t>(m_offset), SEEK_SET) < 0) {
        ::close(fd);
        return events;
    }
    char buffer[65536];
    std::string data = std::move(m_partial);
    m_partial.clear();
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got <= 0)
            break;
        data.append(buffer, static_cast<std::size_t>(got));
        m_offset += static_cast<std::uint64_t>(got);
        if (data.size() > (16u << 20))
            break; // a burst: the rest next time
    }
    ::close(fd);
    std::size_t start = 0;
    for (;;) {
        const auto end = data.find('\n', start);
        if (end == std::string::npos) {
            m_partial = data.substr(start); // an incomplete line: wait for its end
            break;
        }
        if (auto event = parseAuthLine(data.substr(start, end - start)))
            events.push_back(std::move(*event));
        start = end + 1;
    }
    return events;
}

} // namespace yagura::agent
