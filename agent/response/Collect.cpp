#include "response/Collect.h"

#include "collectors/NetworkCollector.h"
#include "common/Files.h"
#include "common/Text.h"
#include "crypto/Hash.h"
#include "proto/Envelope.h"
#include "response/ProcessKiller.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace yagura::agent {

namespace {
using json = nlohmann::json;

// Command lines and paths may hold any bytes; JSON needs UTF-8.
std::string printable(std::string_view bytes) {
    std::string text(bytes);
    protocol::makeUtf8(text);
    return text;
}

std::string userName(std::uint32_t uid) {
    passwd entry{};
    passwd* result = nullptr;
    char buffer[4096];
    if (::getpwuid_r(uid, &entry, buffer, sizeof buffer, &result) == 0 && result)
        return result->pw_name;
    return std::to_string(uid);
}

Result<Collected> processes(const std::filesystem::path& proc) {
    json list = json::array();
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(proc, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        const pid_t pid = static_cast<pid_t>(std::stol(name));
        auto stat = files::readFile(entry.path() / "stat", 4096);
        if (!stat.ok())
            continue; // gone meanwhile
        const auto close = stat->rfind(')');
        const auto open = stat->find('(');
        if (close == std::string::npos || open == std::string::npos)
            continue;
        const auto fields = text::split(std::string_view(*stat).substr(close + 2), ' ');
        if (fields.size() < 20)
            continue;
        struct stat owner {};
        const std::uint32_t uid = ::stat(entry.path().c_str(), &owner) == 0 ? owner.st_uid : 0;
        std::error_code linkError;
        const auto exe = std::filesystem::read_symlink(entry.path() / "exe", linkError);
        std::string commandLine = files::readFile(entry.path() / "cmdline", 1 << 16).valueOr("");
        while (!commandLine.empty() && commandLine.back() == '\0')
            commandLine.pop_back();
        for (char& c : commandLine)
            if (c == '\0')
                c = ' ';
        list.push_back({{"pid", pid},
                        {"parent_pid", std::stol(std::string(fields[1]))},
                        {"start_ticks", std::stoull(std::string(fields[19]))},
                        {"name", printable(stat->substr(open + 1, close - open - 1))},
                        {"user", userName(uid)},
                        {"image", linkError ? "" : printable(exe.string())},
                        {"command_line", printable(commandLine)}});
    }
    Collected collected;
    collected.summary = std::to_string(list.size()) + " processes";
    collected.output = list.dump(1, ' ', false, json::error_handler_t::replace);
    collected.type = "application/json";
    return collected;
}

Result<Collected> connections(const std::filesystem::path& proc) {
    NetworkCollectorOptions options;
    options.procRoot = proc;
    options.reportExisting = true;
    options.tcpDestroyNotifications = false;
    NetworkCollector collector(options);
    YAGURA_TRY(collector.start());
    YAGURA_ASSIGN_OR_RETURN(const auto sockets, collector.poll());
    json list = json::array();
    for (const auto& socket : sockets) {
        json item = {
            {"protocol", socket.protocol == ConnectionEvent::Protocol::Tcp ? "tcp" : "udp"},
            {"state", socket.kind == ConnectionEvent::Kind::Listening ? "listening" : "connected"},
            {"local_ip", socket.sourceIp},
            {"local_port", socket.sourcePort},
            {"pid", socket.pid},
            {"image", printable(socket.image)},
            {"user", socket.user}};
        if (socket.kind != ConnectionEvent::Kind::Listening) {
            item["remote_ip"] = socket.destinationIp;
            item["remote_port"] = socket.destinationPort;
            item["initiated"] = socket.initiated;
        }
        list.push_back(std::move(item));
    }
    Collected collected;
    collected.summary = std::to_string(list.size()) + " sockets";
    collected.output = list.dump(1, ' ', false, json::error_handler_t::replace);
    collected.type = "application/json";
    return collected;
}

Result<Collected> file(const proto::CollectRequest& request, bool content) {
    const std::string& path = request.path();
    if (path.empty() || path.front() != '/')
        return makeError(ErrorCode::InvalidArgument,
                         "collect: '" + path + "' is not an absolute path");
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return makeError(errno == ENOENT ? ErrorCode::NotFound : ErrorCode::Io,
                         "collect: cannot open " + path + ": " + std::strerror(errno));
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        return makeError(ErrorCode::InvalidArgument, "collect: " + path + " is not a regular file");
    }
    const std::uint64_t limit =
        request.max_bytes() == 0
            ? kMaxCollectedFileBytes
            : std::min<std::uint64_t>(request.max_bytes(), kMaxCollectedFileBytes);
    // Refused before anything is read: the agent's loop waits while a file is read.
    if (content && static_cast<std::uint64_t>(info.st_size) > limit) {
        ::close(fd);
        return makeError(ErrorCode::InvalidArgument,
                         "collect: " + path + " has " + std::to_string(info.st_size) +
                             " bytes, more than the " + std::to_string(limit) +
                             " allowed; collect file_info for its hash");
    }
    if (static_cast<std::uint64_t>(info.st_size) > kMaxHashedFileBytes) {
        ::close(fd);
        return makeError(ErrorCode::InvalidArgument,
                         "collect: " + path + " has " + std::to_string(info.st_size) +
                             " bytes; files above 1 GiB are not hashed");
    }
    // The hash is of the whole file; the content, if asked, up to the limit.
    std::string bytes;
    char buffer[65536];
    ssize_t got = 0;
    crypto::Sha256Stream digest;
    while ((got = ::read(fd, buffer, sizeof buffer)) > 0) {
        digest.update(std::string_view(buffer, static_cast<std::size_t>(got)));
        if (content && bytes.size() < limit)
            bytes.append(
                buffer, std::min<std::size_t>(static_cast<std::size_t>(got), limit - bytes.size()));
    }
    ::close(fd);
    if (got < 0)
        return makeError(ErrorCode::Io, "collect: cannot read " + path);
    const std::string sha256 = digest.hexDigest();
    Collected collected;
    if (content) {
        if (static_cast<std::uint64_t>(info.st_size) > limit)
            return makeError(ErrorCode::InvalidArgument,
                             "collect: " + path + " has " + std::to_string(info.st_size) +
                                 " bytes, more than the " + std::to_string(limit) +
                                 " allowed; collect file_info for its hash");
        collected.output = std::move(bytes);
        collected.type = "application/octet-stream";
        collected.summary =
            path + ": " + std::to_string(info.st_size) + " bytes, SHA-256 " + sha256;
        return collected;
    }
    const json value = {{"path", printable(path)},
                        {"size", info.st_size},
                        {"mode", info.st_mode & 07777},
                        {"uid", info.st_uid},
                        {"gid", info.st_gid},
                        {"user", userName(info.st_uid)},
                        {"mtime_unix", info.st_mtim.tv_sec},
                        {"ctime_unix", info.st_ctim.tv_sec},
                        {"inode", info.st_ino},
                        {"sha256", sha256}};
    collected.output = value.dump(1, ' ', false, json::error_handler_t::replace);
    collected.type = "application/json";
    collected.summary = path + ": SHA-256 " + sha256;
    return collected;
}
} // namespace

Result<Collected> collect(const proto::CollectRequest& request,
                          const std::filesystem::path& procRoot) try {
    if (request.kind() == "processes")
        return processes(procRoot);
    if (request.kind() == "connections")
        return connections(procRoot);
    if (request.kind() == "file_info")
        return file(request, false);
    if (request.kind() == "file")
        return file(request, true);
    return makeError(ErrorCode::InvalidArgument,
                     "collect: unknown kind '" + request.kind() +
                         "' (processes, connections, file_info or file)");
} catch (const std::exception& error) {
    // nlohmann::json and std::stol are the only throwers here: a process that vanished or
    // changed between two reads, or wrote something unexpected.
    return makeError(ErrorCode::Internal, std::string("collect: ") + error.what());
}

} // namespace yagura::agent
