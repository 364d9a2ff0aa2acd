#include "inventory/ListeningPortCollector.h"

#include "common/Text.h"
#include "inventory/CollectorSupport.h"

#include <arpa/inet.h>
#include <array>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <iterator>
#include <map>
#include <netinet/in.h>
#include <optional>
#include <tuple>

namespace yagura::agent::inventory {

namespace {

struct ProcNetTable {
    const char* protocol; // also the file name under <procRoot>/net
    unsigned int wantedState;
    const char* ipv4Table; // for an IPv6 table, its IPv4 sibling
};

constexpr unsigned int kTcpListen = 0x0A;
// A socket table line is ~150 bytes: room for about a million sockets.
constexpr std::size_t kMaxSocketTable = std::size_t{160} << 20;
constexpr unsigned int kUdpUnconnected = 0x07; // TCP_CLOSE: bound, not connected

constexpr std::array<ProcNetTable, 4> kTables = {{
    {"tcp", kTcpListen, nullptr},
    {"tcp6", kTcpListen, "tcp"},
    {"udp", kUdpUnconnected, nullptr},
    {"udp6", kUdpUnconnected, "udp"},
}};

// "socket:[12345]" -> 12345
std::optional<std::uint64_t> socketInodeOfLink(std::string_view target) {
    constexpr std::string_view prefix = "socket:[";
    if (!text::startsWith(target, prefix) || target.size() <= prefix.size() + 1 ||
        target.back() != ']')
        return std::nullopt;
    return parseUnsigned(target.substr(prefix.size(), target.size() - prefix.size() - 1));
}

} // namespace

Result<std::string> decodeProcNetAddress(std::string_view hex) {
    if (hex.size() != 8 && hex.size() != 32)
        return makeError(ErrorCode::Corrupt, "bad socket address '" + std::string(hex) + "'");
    std::array<unsigned char, 16> bytes{};
    const std::size_t words = hex.size() / 8;
    for (std::size_t i = 0; i < words; ++i) {
        const auto word = parseUnsigned32(hex.substr(i * 8, 8), 16);
        if (!word)
            return makeError(ErrorCode::Corrupt, "bad socket address '" + std::string(hex) + "'");
        // The kernel prints each __be32 word with %08X, i.e. as the host reads it: copying the
        // value back into memory restores the network-order bytes on any endianness.
        const std::uint32_t value = *word;
        std::memcpy(bytes.data() + i * 4, &value, 4);
    }
    std::array<char, INET6_ADDRSTRLEN> text{};
    const int family = words == 1 ? AF_INET : AF_INET6;
    if (::inet_ntop(family, bytes.data(), text.data(), text.size()) == nullptr)
        return makeError(ErrorCode::Corrupt, "bad socket address '" + std::string(hex) + "'");
    return std::string(text.data());
}

std::vector<SocketEntry> parseProcNet(std::string_view text, std::string_view protocol,
                                      unsigned int wantedState, std::size_t& malformed) {
    std::vector<SocketEntry> sockets;
    const auto lines = splitLines(text);
    for (std::size_t n = 0; n < lines.size(); ++n) {
        const auto fields = splitWhitespace(lines[n]);
        if (fields.empty())
            continue;
        if (n == 0 && fields[0] == "sl")
            continue; // header
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
        if (fields.size() < 10) {
            ++malformed;
            continue;
        }
        const auto state = parseUnsigned32(fields[3], 16);
        if (!state) {
            ++malformed;
            continue;
        }
        if (*state != wantedState)
            continue;
        const std::string_view local = fields[1];
        const auto colon = local.rfind(':');
        if (colon == std::string_view::npos) {
            ++malformed;
            continue;
        }
        auto address = decodeProcNetAddress(local.substr(0, colon));
        const auto port = parseUnsigned32(local.substr(colon + 1), 16);
        const auto uid = parseUnsigned32(fields[7]);
        const auto inode = parseUnsigned(fields[9]);
        if (!address.ok() || !port || *port > 0xffff || !uid || !inode) {
            ++malformed;
            continue;
        }
        if (*port == 0)
            continue; // not bound to a port: nothing listens
        sockets.push_back(
            SocketEntry{std::string(protocol), std::move(address).value(), *port, *uid, *inode});
    }
    return sockets;
}

SocketOwners findSocketOwners(const std::filesystem::path& procRoot,
                              const std::unordered_set<std::uint64_t>& inodes) {
    SocketOwners owners;
    if (inodes.empty())
        return owners;
    DIR* proc = ::opendir(procRoot.c_str());
    if (proc == nullptr)
        return owners;
    while (const struct dirent* entry = ::readdir(proc)) {
        const std::string_view pidText = entry->d_name;
        if (!isAllDigits(pidText))
            continue;
        const auto pid = parseUnsigned32(pidText);
        if (!pid)
            continue;
        const std::filesystem::path fdDir = procRoot / pidText / "fd";
        DIR* fds = ::opendir(fdDir.c_str());
        if (fds == nullptr) {
            if (errno == EACCES || errno == EPERM)
                ++owners.deniedProcesses;
            continue; // ENOENT: the process exited meanwhile
        }
        std::array<char, 64> target{};
        while (const struct dirent* fd = ::readdir(fds)) {
            if (fd->d_name[0] == '.')
                continue;
            const std::filesystem::path link = fdDir / fd->d_name;
            const ssize_t length = ::readlink(link.c_str(), target.data(), target.size() - 1);
            if (length <= 0)
                continue;
            const auto inode = socketInodeOfLink(
                std::string_view(target.data(), static_cast<std::size_t>(length)));
            if (!inode || inodes.count(*inode) == 0)
                continue;
            const auto [it, inserted] = owners.pidByInode.emplace(*inode, *pid);
            if (!inserted && *pid < it->second)
                it->second = *pid; // shared after fork: report the lowest pid (the parent)
        }
        ::closedir(fds);
    }
    ::closedir(proc);
    return owners;
}

void collectListeningPorts(const InventorySources& sources, proto::Inventory& inventory) {
    const std::filesystem::path netDir = sources.procRoot / "net";
    std::vector<SocketEntry> sockets;
    std::size_t malformed = 0;
    for (const ProcNetTable& table : kTables) {
        const std::filesystem::path path = netDir / table.protocol;
        if (table.ipv4Table != nullptr) {
            // Without IPv6 (ipv6.disable=1) the kernel has no tcp6/udp6 table and no such sockets.
            std::error_code ec;
            const bool missing = !std::filesystem::exists(path, ec) && !ec;
            if (missing && std::filesystem::exists(netDir / table.ipv4Table, ec))
                continue;
        }
        auto content = readTextFile(path, kMaxSocketTable);
        if (!content.ok()) {
            addIssue(inventory, kSectionListeningPorts,
                     std::string(table.protocol) + " sockets unknown: " + content.error().message);
            continue;
        }
        auto parsed = parseProcNet(content.value(), table.protocol, table.wantedState, malformed);
        sockets.insert(sockets.end(), std::make_move_iterator(parsed.begin()),
                       std::make_move_iterator(parsed.end()));
    }
    if (malformed > 0)
        addIssue(inventory, kSectionListeningPorts,
                 std::to_string(malformed) + " unreadable line" + (malformed == 1 ? "" : "s") +
                     " in " + netDir.string() + " socket tables skipped");

    std::unordered_set<std::uint64_t> inodes;
    for (const SocketEntry& socket : sockets)
        if (socket.inode != 0)
            inodes.insert(socket.inode);
    const SocketOwners owners = findSocketOwners(sources.procRoot, inodes);

    struct ProcessInfo {
        std::string comm;
        std::string executable;
    };
    std::map<std::uint32_t, ProcessInfo> processes;
    auto processInfo = [&](std::uint32_t pid) -> const ProcessInfo& {
        auto [it, inserted] = processes.try_emplace(pid);
        if (inserted) {
            const std::filesystem::path dir = sources.procRoot / std::to_string(pid);
            if (auto comm = readFirstLine(dir / "comm"); comm.ok())
                it->second.comm = std::move(comm).value();
            // Fails for kernel threads and, without root, for other users' processes.
            if (auto exe = readLink(dir / "exe"); exe.ok())
                it->second.executable = std::move(exe).value();
        }
        return it->second;
    };

    // One entry per protocol + address + port, the key of a listening port. Several sockets can
    // share it (SO_REUSEPORT workers): the one with the lowest known owner pid is reported.
    using Key = std::tuple<std::string, std::string, std::uint32_t>;
    std::map<Key, proto::ListeningPort> ports;
    for (const SocketEntry& socket : sockets) {
        proto::ListeningPort port;
        port.set_protocol(socket.protocol);
        port.set_address(socket.address);
        port.set_port(socket.port);
        port.set_uid(socket.uid);
        if (const auto owner = owners.pidByInode.find(socket.inode);
            owner != owners.pidByInode.end()) {
            const ProcessInfo& info = processInfo(owner->second);
            port.set_pid(owner->second);
            port.set_process(info.comm);
            port.set_executable(info.executable);
        }
        Key key{socket.protocol, socket.address, socket.port};
        const auto existing = ports.find(key);
        if (existing == ports.end()) {
            ports.emplace(std::move(key), std::move(port));
        } else {
            const std::uint32_t old = existing->second.pid();
            if (port.pid() != 0 && (old == 0 || port.pid() < old))
                existing->second = std::move(port);
        }
    }
    std::size_t unknownOwners = 0;
    for (auto& [key, port] : ports) {
        if (port.pid() == 0)
            ++unknownOwners;
        *inventory.add_listening_ports() = std::move(port);
    }

    if (unknownOwners > 0 && owners.deniedProcesses > 0)
        addIssue(inventory, kSectionListeningPorts,
                 "owning process of " + std::to_string(unknownOwners) + " listening socket" +
                     (unknownOwners == 1 ? "" : "s") + " unknown: permission denied (run as root)");
}

} // namespace yagura::agent::inventory
