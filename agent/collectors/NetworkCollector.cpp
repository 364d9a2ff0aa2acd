#include "collectors/NetworkCollector.h"

#include "common/Files.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

// Design notes
//
// Snapshots. Every poll sends four SOCK_DIAG_BY_FAMILY dumps (inet_diag_req_v2: TCP and UDP,
// IPv4 and IPv6) without extensions, so the kernel copies only the base inet_diag_msg of each
// socket, and diffs them against the previous snapshot by (protocol, family, local and remote
// address and port, inode). Sockets of inode 0 are left out: TIME_WAIT and request sockets,
// connections still in an accept queue, and orphans (closed by their process, finishing the
// FIN exchange). An accepted connection therefore appears once accept() has returned, and a
// connection counts as closed as soon as its process has closed it.
//
// Owners. The kernel does not say which process holds a socket. Only inodes not seen before are
// looked up, in one batch per poll: first in the fd tables of the processes that owned the last
// new sockets (a server accepting connections is found at once), then, for what is left, in a
// scan of every /proc/PID/fd. An inode still not found is remembered as unattributed (a socket
// held by the kernel, passed in flight, or of a process whose fd table is not readable) and not
// looked up again. A socket shared by several processes (inherited over fork) is attributed to
// the first one found.
//
// Direction. A connection whose local protocol, address and port are those of a listening socket
// of this snapshot (a wildcard listener matches every address) was accepted; any other was
// initiated here. The kernel never picks an ephemeral port that a listener holds.
//
// Short connections. A TCP connection opened and closed between two polls is in no snapshot. The
// kernel announces the destruction of every TCP socket to the NETLINK_SOCK_DIAG multicast groups
// SKNLGRP_INET_TCP_DESTROY and SKNLGRP_INET6_TCP_DESTROY (any user may join them: the netlink
// family allows non-root receivers). The notification is an inet_diag_msg with the addresses,
// the cookie and the final tcp_info, but without inode or uid: the socket is gone. It gives byte
// counts to the closes of known connections (matched by cookie; a close waits up to closeGrace
// for it, because the kernel sends it from a work queue, and an orphan is destroyed only when its
// FIN exchange ends) and reveals the short connections, reported as closed with seenOpen false
// and no process. UDP's destroy groups are not joined: every resolver lookup would be one.
//
// What counts. A TCP socket in SYN_SENT is an opened connection (an attempt): one refused later
// is closed at the next poll. Listeners are TCP LISTEN sockets and bound, unconnected UDP
// sockets, which includes a UDP client's socket that sendto() bound to an ephemeral port (as in
// `ss -lu`). A connected UDP socket is a connection; UDP closes carry no byte counts. A short
// connection's notification may also be an outbound attempt that failed: it has 0 bytes.
//
// Cost (measured on the 2-core development VM, kernel 6.18): a poll with a handful of sockets
// takes 0.6-0.9 ms, nearly all of it the kernel walking its 262,144-bucket established-socket
// hash table once per TCP dump (IPv4, IPv6), as `ss` does; 2,000 tracked sockets 1.5 ms,
// 18,000 about 30 ms. New sockets add their owner lookup: ~7 ms for 200 new connections,
// ~30 ms for 2,000, dominated by readlink() of /proc/PID/fd entries.
//
// Limits. Only the agent's network namespace is seen (containers with their own namespace are
// not). Destroy notifications lost to a full receive buffer are counted, not recovered. A
// short connection's process is unknown, so the ignored pids cannot filter it.

namespace yagura::agent {

namespace {

// TCP states as inet_diag reports them (include/net/tcp_states.h).
constexpr std::uint8_t kEstablished = 1;
constexpr std::uint8_t kSynSent = 2;
constexpr std::uint8_t kFinWait1 = 4;
constexpr std::uint8_t kFinWait2 = 5;
constexpr std::uint8_t kClose = 7;
constexpr std::uint8_t kCloseWait = 8;
constexpr std::uint8_t kLastAck = 9;
constexpr std::uint8_t kListen = 10;
constexpr std::uint8_t kClosing = 11;

constexpr std::uint32_t bit(std::uint8_t state) {
    return std::uint32_t{1} << state;
}
// Sockets a process holds: not TIME_WAIT or SYN_RECV (no process, inode 0).
constexpr std::uint32_t kTcpStates = bit(kEstablished) | bit(kSynSent) | bit(kFinWait1) |
                                     bit(kFinWait2) | bit(kCloseWait) | bit(kLastAck) |
                                     bit(kListen) | bit(kClosing);
// UDP: ESTABLISHED when connected, CLOSE when only bound.
constexpr std::uint32_t kUdpStates = bit(kEstablished) | bit(kClose);

constexpr std::size_t kBufferBytes = 64 * 1024;
constexpr std::size_t kMaxRecentOwners = 32;
constexpr std::size_t kMaxClosedCookies = 200'000;
constexpr auto kClosedCookieMemory = std::chrono::minutes(5);
// A destroy notification of a socket that is still tracked is kept for the next poll (it was
// destroyed between the dump and the drain); older ones cannot belong to anything.
constexpr auto kKeepDestroyed = std::chrono::seconds(30);

constexpr std::size_t align4(std::size_t length) {
    return (length + 3) & ~std::size_t{3};
}
constexpr std::size_t kHeaderBytes = align4(sizeof(nlmsghdr));

std::int64_t nowUnixMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string errnoText(int error) {
    return std::strerror(error);
}

bool isMapped(const std::array<std::uint8_t, 16>& address) {
    for (std::size_t i = 0; i < 10; ++i)
        if (address[i] != 0)
            return false;
    return address[10] == 0xff && address[11] == 0xff;
}

std::string addressText(std::uint8_t family, const std::array<std::uint8_t, 16>& address) {
    char text[INET6_ADDRSTRLEN] = {};
    if (family == AF_INET6 && !isMapped(address)) {
        if (::inet_ntop(AF_INET6, address.data(), text, sizeof text) == nullptr)
            return {};
        return text;
    }
    const std::uint8_t* v4 = family == AF_INET6 ? address.data() + 12 : address.data();
    if (::inet_ntop(AF_INET, v4, text, sizeof text) == nullptr)
        return {};
    return text;
}

bool isWildcard(std::uint8_t family, const std::array<std::uint8_t, 16>& address) {
    const std::size_t length = family == AF_INET ? 4 : 16;
    return std::all_of(address.begin(), address.begin() + static_cast<std::ptrdiff_t>(length),
                       [](std::uint8_t byte) { return byte == 0; });
}

// IPv4 as ::ffff:a.b.c.d, so an IPv4 address and its mapped form compare equal.
std::array<std::uint8_t, 16> canonical(std::uint8_t family,
                                       const std::array<std::uint8_t, 16>& address) {
    if (family != AF_INET)
        return address;
    std::array<std::uint8_t, 16> mapped{};
    mapped[10] = 0xff;
    mapped[11] = 0xff;
    std::copy(address.begin(), address.begin() + 4, mapped.begin() + 12);
    return mapped;
}

bool isListening(const NetworkCollector::Observed& socket) {
    if (socket.key.protocol == IPPROTO_TCP)
        return socket.state == kListen;
    return socket.state == kClose && socket.key.remotePort == 0;
}

bool isOrphanState(std::uint8_t state) {
    return state == kFinWait1 || state == kFinWait2 || state == kLastAck || state == kClosing;
}

// One inet_diag_msg (and its attributes) as an Observed socket; nothing when it is truncated.
std::optional<NetworkCollector::Observed> parseDiagMessage(const char* payload, std::size_t length,
                                                           std::uint8_t defaultProtocol) {
    inet_diag_msg message{};
    if (length < sizeof message)
        return std::nullopt;
    std::memcpy(&message, payload, sizeof message);
    NetworkCollector::Observed socket;
    socket.key.family = message.idiag_family;
    socket.key.protocol = defaultProtocol;
    socket.key.localPort = ntohs(message.id.idiag_sport);
    socket.key.remotePort = ntohs(message.id.idiag_dport);
    const std::size_t addressBytes = message.idiag_family == AF_INET ? 4 : 16;
    std::memcpy(socket.key.local.data(), message.id.idiag_src, addressBytes);
    std::memcpy(socket.key.remote.data(), message.id.idiag_dst, addressBytes);
    socket.key.inode = message.idiag_inode;
    socket.state = message.idiag_state;
    socket.uid = message.idiag_uid;
    socket.cookie = (std::uint64_t{message.id.idiag_cookie[1]} << 32) | message.id.idiag_cookie[0];

    // Attributes (struct rtattr: 16-bit length, 16-bit type, payload), 4-byte aligned.
    std::size_t offset = align4(sizeof message);
    while (offset + 4 <= length) {
        std::uint16_t attributeLength = 0;
        std::uint16_t type = 0;
        std::memcpy(&attributeLength, payload + offset, 2);
        std::memcpy(&type, payload + offset + 2, 2);
        if (attributeLength < 4 || offset + attributeLength > length)
            break;
        const char* data = payload + offset + 4;
        const std::size_t dataLength = attributeLength - 4u;
        if (type == INET_DIAG_PROTOCOL && dataLength >= 1) {
            socket.key.protocol = static_cast<std::uint8_t>(data[0]);
        } else if (type == INET_DIAG_INFO) {
            // The kernel's tcp_info may be shorter (older kernel) or longer (newer) than ours.
            tcp_info info{};
            std::memcpy(&info, data, std::min(dataLength, sizeof info));
            const auto covers = [dataLength](std::size_t fieldEnd) {
                return dataLength >= fieldEnd;
            };
            if (covers(offsetof(tcp_info, tcpi_bytes_retrans) + sizeof info.tcpi_bytes_retrans) &&
                info.tcpi_bytes_sent >= info.tcpi_bytes_retrans)
                socket.bytesSent = info.tcpi_bytes_sent - info.tcpi_bytes_retrans;
            else if (covers(offsetof(tcp_info, tcpi_bytes_acked) + sizeof info.tcpi_bytes_acked))
                socket.bytesSent = info.tcpi_bytes_acked;
            if (covers(offsetof(tcp_info, tcpi_bytes_received) + sizeof info.tcpi_bytes_received))
                socket.bytesReceived = info.tcpi_bytes_received;
        }
        offset += align4(attributeLength);
    }
    return socket;
}

// "socket:[12345]" -> 12345
std::optional<std::uint64_t> socketInode(const char* target, std::size_t length) {
    constexpr std::string_view prefix = "socket:[";
    const std::string_view text(target, length);
    if (text.size() <= prefix.size() + 1 || text.substr(0, prefix.size()) != prefix ||
        text.back() != ']')
        return std::nullopt;
    std::uint64_t value = 0;
    for (std::size_t i = prefix.size(); i + 1 < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9')
            return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
    }
    return value;
}

std::optional<pid_t> parsePid(const char* name) {
    if (name[0] < '1' || name[0] > '9')
        return std::nullopt;
    long value = 0;
    for (const char* c = name; *c != '\0'; ++c) {
        if (*c < '0' || *c > '9' || value > 100'000'000)
            return std::nullopt;
        value = value * 10 + (*c - '0');
    }
    return static_cast<pid_t>(value);
}

} // namespace

std::size_t NetworkCollector::KeyHash::operator()(const Key& key) const noexcept {
    // FNV-1a over the members (not the object: it has padding).
    std::uint64_t hash = 1469598103934665603ull;
    const auto mix = [&hash](const void* data, std::size_t size) {
        const auto* bytes = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < size; ++i) {
            hash ^= bytes[i];
            hash *= 1099511628211ull;
        }
    };
    mix(&key.protocol, sizeof key.protocol);
    mix(&key.family, sizeof key.family);
    mix(&key.localPort, sizeof key.localPort);
    mix(&key.remotePort, sizeof key.remotePort);
    mix(key.local.data(), key.local.size());
    mix(key.remote.data(), key.remote.size());
    mix(&key.inode, sizeof key.inode);
    return static_cast<std::size_t>(hash);
}

NetworkCollector::NetworkCollector(NetworkCollectorOptions options)
    : m_options(std::move(options)) {}

NetworkCollector::~NetworkCollector() {
    if (m_fd >= 0)
        ::close(m_fd);
    if (m_destroyFd >= 0)
        ::close(m_destroyFd);
}

Status NetworkCollector::start() {
    if (m_fd >= 0)
        return makeError(ErrorCode::Conflict, "network connections: already started");
    m_fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (m_fd < 0)
        return makeError(ErrorCode::Unavailable,
                         "network connections: cannot open a NETLINK_SOCK_DIAG socket (" +
                             errnoText(errno) + ")");
    // A dump the kernel never finishes must not hang the agent.
    timeval timeout{};
    timeout.tv_sec = 5;
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::vector<Observed> probe;
    if (const int error = dump(AF_INET, IPPROTO_TCP, bit(kListen), probe); error != 0) {
        ::close(m_fd);
        m_fd = -1;
        return makeError(ErrorCode::Unavailable,
                         "network connections: sock_diag cannot list TCP sockets (" +
                             errnoText(error) +
                             "); the kernel needs inet_diag and tcp_diag (CONFIG_INET_DIAG)");
    }
    if (m_options.tcpDestroyNotifications)
        openDestroyGroups();
    else
        m_destroyStatus = "not requested";
    if (!m_options.reportExisting) {
        auto baseline = poll(); // the sockets that exist now: tracked, not reported
        if (!baseline.ok())
            return baseline.error();
    }
    return success();
}

void NetworkCollector::openDestroyGroups() {
    const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_SOCK_DIAG);
    if (fd < 0) {
        m_destroyStatus = "cannot open a second NETLINK_SOCK_DIAG socket: " + errnoText(errno);
        return;
    }
    // A burst of closes must not overflow between two polls: 8 MiB holds about 20,000
    // notifications (measured). Root may go over net.core.rmem_max; others get at most that.
    const int bufferBytes = 8 << 20;
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufferBytes, sizeof bufferBytes) != 0)
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufferBytes, sizeof bufferBytes);
    sockaddr_nl address{};
    address.nl_family = AF_NETLINK;
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        m_destroyStatus = "cannot bind the destroy notification socket: " + errnoText(errno);
        ::close(fd);
        return;
    }
    for (const int group : {int{SKNLGRP_INET_TCP_DESTROY}, int{SKNLGRP_INET6_TCP_DESTROY}}) {
        if (::setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) != 0) {
            // Kernels before 4.9 have no such groups (EINVAL).
            m_destroyStatus = "the kernel refused to join the TCP destroy group " +
                              std::to_string(group) + ": " + errnoText(errno);
            ::close(fd);
            return;
        }
    }
    m_destroyFd = fd;
    m_destroyStatus.clear();
}

int NetworkCollector::dump(std::uint8_t family, std::uint8_t protocol, std::uint32_t states,
                           std::vector<Observed>& out) {
    struct Request {
        nlmsghdr header;
        inet_diag_req_v2 body;
    } request{};
    request.header.nlmsg_len = sizeof request;
    request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.header.nlmsg_seq = ++m_sequence;
    request.body.sdiag_family = family;
    request.body.sdiag_protocol = protocol;
    request.body.idiag_states = states;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(m_fd, &request, sizeof request, 0, reinterpret_cast<const sockaddr*>(&kernel),
                 sizeof kernel) < 0)
        return errno;

    m_buffer.resize(kBufferBytes);
    for (;;) {
        const ssize_t got = ::recv(m_fd, m_buffer.data(), m_buffer.size(), 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return errno; // EAGAIN: the 5 s receive timeout
        }
        const auto size = static_cast<std::size_t>(got);
        for (std::size_t offset = 0; offset + sizeof(nlmsghdr) <= size;) {
            nlmsghdr header{};
            std::memcpy(&header, m_buffer.data() + offset, sizeof header);
            if (header.nlmsg_len < sizeof(nlmsghdr) || offset + header.nlmsg_len > size)
                return EPROTO;
            const char* payload = m_buffer.data() + offset + kHeaderBytes;
            const std::size_t payloadLength = header.nlmsg_len - kHeaderBytes;
            offset += align4(header.nlmsg_len);
            if (header.nlmsg_seq != request.header.nlmsg_seq)
                continue; // an answer to an earlier, abandoned request
            if (header.nlmsg_type == NLMSG_DONE) {
                int status = 0;
                if (payloadLength >= sizeof status)
                    std::memcpy(&status, payload, sizeof status);
                return status < 0 ? -status : 0;
            }
            if (header.nlmsg_type == NLMSG_ERROR) {
                nlmsgerr error{};
                if (payloadLength >= sizeof error)
                    std::memcpy(&error, payload, sizeof error);
                return error.error < 0 ? -error.error : EPROTO;
            }
            if (header.nlmsg_type != SOCK_DIAG_BY_FAMILY)
                continue;
            if (auto socket = parseDiagMessage(payload, payloadLength, protocol))
                out.push_back(*socket);
        }
    }
}

Status NetworkCollector::snapshot(std::vector<Observed>& out) {
    struct Table {
        std::uint8_t family;
        std::uint8_t protocol;
        std::uint32_t states;
    };
    static constexpr Table kTables[] = {{AF_INET, IPPROTO_TCP, kTcpStates},
                                        {AF_INET6, IPPROTO_TCP, kTcpStates},
                                        {AF_INET, IPPROTO_UDP, kUdpStates},
                                        {AF_INET6, IPPROTO_UDP, kUdpStates}};
    for (const Table& table : kTables) {
        if ((table.family == AF_INET6 && !m_haveIpv6) ||
            (table.protocol == IPPROTO_UDP && !m_haveUdp))
            continue;
        const std::size_t before = out.size();
        const int error = dump(table.family, table.protocol, table.states, out);
        if (error == 0)
            continue;
        out.resize(before);
        // No udp_diag module, or no IPv6: those sockets are not reported, the rest still is.
        if (error == ENOENT || error == EAFNOSUPPORT || error == EINVAL) {
            if (table.protocol == IPPROTO_UDP)
                m_haveUdp = false;
            else if (table.family == AF_INET6)
                m_haveIpv6 = false;
            else
                return makeError(ErrorCode::Unavailable,
                                 "network connections: sock_diag cannot list TCP sockets (" +
                                     errnoText(error) + ")");
            continue;
        }
        return makeError(ErrorCode::Io, std::string("network connections: sock_diag dump of ") +
                                            (table.protocol == IPPROTO_TCP ? "tcp" : "udp") +
                                            (table.family == AF_INET6 ? "6" : "") +
                                            " failed: " + errnoText(error));
    }
    return success();
}

void NetworkCollector::drainDestroyed() {
    if (m_destroyFd < 0)
        return;
    m_buffer.resize(kBufferBytes);
    const auto now = std::chrono::steady_clock::now();
    for (;;) {
        const ssize_t got = ::recv(m_destroyFd, m_buffer.data(), m_buffer.size(), 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            if (errno == ENOBUFS) {
                ++m_stats.destroyOverruns; // notifications were dropped: keep reading
                continue;
            }
            return; // EAGAIN: nothing more
        }
        const auto size = static_cast<std::size_t>(got);
        for (std::size_t offset = 0; offset + sizeof(nlmsghdr) <= size;) {
            nlmsghdr header{};
            std::memcpy(&header, m_buffer.data() + offset, sizeof header);
            if (header.nlmsg_len < sizeof(nlmsghdr) || offset + header.nlmsg_len > size)
                break;
            const char* payload = m_buffer.data() + offset + kHeaderBytes;
            const std::size_t payloadLength = header.nlmsg_len - kHeaderBytes;
            offset += align4(header.nlmsg_len);
            if (header.nlmsg_type != SOCK_DIAG_BY_FAMILY)
                continue;
            auto socket = parseDiagMessage(payload, payloadLength, IPPROTO_TCP);
            if (!socket || socket->key.protocol != IPPROTO_TCP)
                continue;
            ++m_stats.destroyMessages;
            m_destroyed[socket->cookie] = Destroyed{std::move(*socket), now};
        }
    }
}

void NetworkCollector::addListener(const Key& key) {
    const std::uint32_t slot = (std::uint32_t{key.protocol} << 16) | key.localPort;
    m_listeners[slot].push_back(
        ListenerAddress{isWildcard(key.family, key.local), canonical(key.family, key.local)});
}

bool NetworkCollector::isListener(const Key& key) const {
    const auto it = m_listeners.find((std::uint32_t{key.protocol} << 16) | key.localPort);
    if (it == m_listeners.end())
        return false;
    const auto local = canonical(key.family, key.local);
    return std::any_of(it->second.begin(), it->second.end(), [&](const ListenerAddress& listener) {
        return listener.wildcard || listener.address == local;
    });
}

std::string NetworkCollector::userName(std::uint32_t uid) {
    if (const auto it = m_userNames.find(uid); it != m_userNames.end())
        return it->second;
    passwd entry{};
    passwd* result = nullptr;
    char buffer[4096];
    std::string name = std::to_string(uid);
    if (::getpwuid_r(uid, &entry, buffer, sizeof buffer, &result) == 0 && result != nullptr)
        name = result->pw_name;
    m_userNames.emplace(uid, name);
    return name;
}

const NetworkCollector::Owner& NetworkCollector::describeOwner(pid_t pid) {
    const auto [it, inserted] = m_pollProcesses.try_emplace(pid);
    if (!inserted)
        return it->second;
    Owner& owner = it->second;
    owner.pid = pid;
    const std::filesystem::path dir = m_options.procRoot / std::to_string(pid);
    char target[4096];
    // Fails for kernel threads and, without root, for other users' processes.
    const ssize_t length = ::readlink((dir / "exe").c_str(), target, sizeof target - 1);
    if (length > 0) {
        owner.image.assign(target, static_cast<std::size_t>(length));
        constexpr std::string_view deleted = " (deleted)";
        if (owner.image.size() > deleted.size() && owner.image.ends_with(deleted))
            owner.image.resize(owner.image.size() - deleted.size());
    }
    if (m_options.commandLines) {
        if (auto raw = files::readFile(dir / "cmdline", 64 * 1024); raw.ok()) {
            std::string line = std::move(raw).value();
            while (!line.empty() && line.back() == '\0')
                line.pop_back();
            std::replace(line.begin(), line.end(), '\0', ' ');
            owner.commandLine = std::make_shared<const std::string>(std::move(line));
        }
    }
    return owner;
}

bool NetworkCollector::scanProcess(pid_t pid, std::unordered_set<std::uint64_t>& wanted) {
    const std::string fdDir = (m_options.procRoot / std::to_string(pid) / "fd").string();
    DIR* fds = ::opendir(fdDir.c_str());
    if (fds == nullptr) {
        if (errno == EACCES || errno == EPERM)
            ++m_stats.deniedProcesses;
        return false; // ENOENT: the process exited meanwhile
    }
    bool found = false;
    char target[64];
    while (const dirent* entry = ::readdir(fds)) {
        if (entry->d_name[0] == '.')
            continue;
        const ssize_t length = ::readlinkat(::dirfd(fds), entry->d_name, target, sizeof target);
        if (length <= 0 || static_cast<std::size_t>(length) >= sizeof target)
            continue;
        const auto inode = socketInode(target, static_cast<std::size_t>(length));
        if (!inode || wanted.erase(*inode) == 0)
            continue;
        Owner owner = describeOwner(pid);
        owner.generation = m_generation;
        m_owners[*inode] = std::move(owner);
        found = true;
        if (wanted.empty())
            break;
    }
    ::closedir(fds);
    return found;
}

void NetworkCollector::resolveOwners(const std::vector<std::uint64_t>& inodes) {
    if (inodes.empty())
        return;
    std::unordered_set<std::uint64_t> wanted(inodes.begin(), inodes.end());
    std::unordered_set<pid_t> scanned;
    std::vector<pid_t> owners;
    // The processes that opened the last new sockets usually open the next ones too.
    for (const pid_t pid : m_recentOwners) {
        scanned.insert(pid);
        if (scanProcess(pid, wanted))
            owners.push_back(pid);
        if (wanted.empty())
            break;
    }
    if (!wanted.empty()) {
        ++m_stats.processScans;
        if (DIR* proc = ::opendir(m_options.procRoot.c_str())) {
            while (const dirent* entry = ::readdir(proc)) {
                const auto pid = parsePid(entry->d_name);
                if (!pid || scanned.count(*pid) != 0)
                    continue;
                if (scanProcess(*pid, wanted))
                    owners.push_back(*pid);
                if (wanted.empty())
                    break;
            }
            ::closedir(proc);
        }
    }
    for (const std::uint64_t inode : wanted) {
        Owner unknown;
        unknown.generation = m_generation;
        m_owners[inode] = std::move(unknown);
        ++m_stats.unattributed;
    }
    // Most recent first, without duplicates, bounded.
    for (const pid_t pid : m_recentOwners)
        if (std::find(owners.begin(), owners.end(), pid) == owners.end())
            owners.push_back(pid);
    if (owners.size() > kMaxRecentOwners)
        owners.resize(kMaxRecentOwners);
    m_recentOwners = std::move(owners);
}

ConnectionEvent NetworkCollector::makeEvent(const Observed& socket, std::int64_t nowMs) const {
    ConnectionEvent event;
    const Key& key = socket.key;
    event.protocol = key.protocol == IPPROTO_UDP ? ConnectionEvent::Protocol::Udp
                                                 : ConnectionEvent::Protocol::Tcp;
    event.family = key.family;
    event.inode = key.inode;
    event.cookie = socket.cookie;
    event.timeUnixMs = nowMs;
    const std::string local = addressText(key.family, key.local);
    if (isListening(socket)) {
        event.kind = ConnectionEvent::Kind::Listening;
        event.sourceIp = local;
        event.sourcePort = key.localPort;
        return event;
    }
    event.kind = ConnectionEvent::Kind::Opened;
    event.initiated = !isListener(key);
    const std::string remote = addressText(key.family, key.remote);
    if (event.initiated) {
        event.sourceIp = local;
        event.sourcePort = key.localPort;
        event.destinationIp = remote;
        event.destinationPort = key.remotePort;
    } else {
        event.sourceIp = remote;
        event.sourcePort = key.remotePort;
        event.destinationIp = local;
        event.destinationPort = key.localPort;
    }
    return event;
}

void NetworkCollector::emit(std::vector<ConnectionEvent>& out, ConnectionEvent event) const {
    if (event.pid != 0 && m_ignoredPids.count(event.pid) != 0)
        return;
    out.push_back(std::move(event));
}

void NetworkCollector::rememberClosedCookie(std::uint64_t cookie,
                                            std::chrono::steady_clock::time_point now) {
    const auto expiry = now + kClosedCookieMemory;
    m_closedCookies[cookie] = expiry;
    m_closedOrder.emplace_back(expiry, cookie);
}

Result<std::vector<ConnectionEvent>> NetworkCollector::poll() {
    if (m_fd < 0)
        return makeError(ErrorCode::Unavailable,
                         "network connections: the collector is not started");
    const auto started = std::chrono::steady_clock::now();
    const std::int64_t nowMs = nowUnixMs();

    std::vector<Observed> sockets;
    sockets.reserve(m_tracked.size() + 64);
    YAGURA_TRY(snapshot(sockets));
    // After the dump: the notification of every socket missing from it is queued by now (or
    // is on its way from the kernel's work queue: see closeGrace).
    drainDestroyed();

    ++m_generation;
    m_pollProcesses.clear();
    m_listeners.clear();
    for (const Observed& socket : sockets)
        if (socket.key.inode != 0 && isListening(socket))
            addListener(socket.key);

    std::vector<const Observed*> fresh;
    std::vector<std::uint64_t> unknownInodes;
    for (const Observed& socket : sockets) {
        if (socket.key.inode == 0) {
            // Orphans that were closed before the first snapshot: their destroy notification
            // will come, and is not a new connection.
            if (m_first && socket.key.protocol == IPPROTO_TCP && isOrphanState(socket.state))
                rememberClosedCookie(socket.cookie, started);
            continue;
        }
        if (const auto it = m_tracked.find(socket.key); it != m_tracked.end())
            it->second.generation = m_generation;
        else
            fresh.push_back(&socket);
        if (const auto owner = m_owners.find(socket.key.inode); owner != m_owners.end())
            owner->second.generation = m_generation;
        else
            unknownInodes.push_back(socket.key.inode); // resolveOwners removes duplicates
    }
    resolveOwners(unknownInodes);

    std::vector<ConnectionEvent> events;
    const auto attachBytes = [](ConnectionEvent& event, const Observed& destroyed) {
        event.bytesSent = destroyed.bytesSent;
        event.bytesReceived = destroyed.bytesReceived;
    };

    // Closes: what the previous snapshot had and this one has not.
    for (auto it = m_tracked.begin(); it != m_tracked.end();) {
        if (it->second.generation == m_generation) {
            ++it;
            continue;
        }
        ConnectionEvent closed = std::move(it->second.opened);
        if (it->second.commandLine)
            closed.commandLine = *it->second.commandLine;
        closed.timeUnixMs = nowMs;
        closed.existing = false;
        const bool listener = closed.kind == ConnectionEvent::Kind::Listening;
        closed.kind =
            listener ? ConnectionEvent::Kind::StoppedListening : ConnectionEvent::Kind::Closed;
        if (listener)
            addListener(it->first); // still counts for this poll's short connections
        const bool tcpConnection = !listener && it->first.protocol == IPPROTO_TCP;
        if (tcpConnection) {
            if (const auto known = m_tcpByCookie.find(closed.cookie);
                known != m_tcpByCookie.end() && known->second == it->first)
                m_tcpByCookie.erase(known);
        }
        it = m_tracked.erase(it);
        if (!tcpConnection || m_destroyFd < 0) {
            emit(events, std::move(closed));
            continue;
        }
        if (const auto destroyed = m_destroyed.find(closed.cookie);
            destroyed != m_destroyed.end()) {
            attachBytes(closed, destroyed->second.socket);
            m_destroyed.erase(destroyed);
            emit(events, std::move(closed));
        } else {
            m_pending.push_back(PendingClose{std::move(closed), started + m_options.closeGrace});
        }
    }
    // Closes waiting for their destroy notification (compacted in place: thousands may wait).
    std::size_t kept = 0;
    for (std::size_t i = 0; i < m_pending.size(); ++i) {
        PendingClose& pending = m_pending[i];
        const auto destroyed = m_destroyed.find(pending.event.cookie);
        if (destroyed != m_destroyed.end()) {
            attachBytes(pending.event, destroyed->second.socket);
            m_destroyed.erase(destroyed);
        } else if (pending.deadline > started) {
            if (kept != i) // never onto itself: a self-move empties its strings
                m_pending[kept] = std::move(pending);
            ++kept;
            continue;
        }
        // Remembered either way: a late notification (an orphan's FIN exchange outlasting the
        // grace, or a failed connect whose socket is closed later) is not a new connection.
        rememberClosedCookie(pending.event.cookie, started);
        emit(events, std::move(pending.event));
    }
    m_pending.resize(kept);

    // Opens.
    for (const Observed* socket : fresh) {
        ConnectionEvent event = makeEvent(*socket, nowMs);
        event.uid = socket->uid;
        event.user = userName(socket->uid);
        std::shared_ptr<const std::string> commandLine;
        if (const auto owner = m_owners.find(socket->key.inode); owner != m_owners.end()) {
            event.pid = owner->second.pid;
            event.image = owner->second.image;
            commandLine = owner->second.commandLine;
        }
        event.existing = m_first;
        if (event.kind == ConnectionEvent::Kind::Opened &&
            event.protocol == ConnectionEvent::Protocol::Tcp)
            m_tcpByCookie[event.cookie] = socket->key;
        if (!m_first || m_options.reportExisting) {
            ConnectionEvent reported = event;
            if (commandLine)
                reported.commandLine = *commandLine;
            emit(events, std::move(reported));
        }
        m_tracked.emplace(socket->key,
                          Tracked{std::move(event), std::move(commandLine), m_generation});
    }

    // Destroy notifications left over: connections that never were in a snapshot.
    for (auto it = m_destroyed.begin(); it != m_destroyed.end();) {
        const Observed& socket = it->second.socket;
        if (m_tcpByCookie.count(socket.cookie) != 0 &&
            started - it->second.received < kKeepDestroyed) {
            ++it; // destroyed after the dump: its close is found by the next poll
            continue;
        }
        const bool known =
            m_closedCookies.count(socket.cookie) != 0 || m_tcpByCookie.count(socket.cookie) != 0;
        // A listener or a socket that never connected has no remote port.
        if (!known && socket.key.localPort != 0 && socket.key.remotePort != 0) {
            ConnectionEvent event = makeEvent(socket, nowMs);
            event.kind = ConnectionEvent::Kind::Closed;
            event.inode = 0;
            event.seenOpen = false;
            attachBytes(event, socket);
            ++m_stats.shortLived;
            if (!m_first || m_options.reportExisting)
                emit(events, std::move(event));
        }
        it = m_destroyed.erase(it);
    }

    // Forget owners of sockets that are gone, and closed cookies after a while.
    std::erase_if(m_owners,
                  [this](const auto& entry) { return entry.second.generation != m_generation; });
    while (!m_closedOrder.empty() &&
           (m_closedOrder.front().first <= started || m_closedOrder.size() > kMaxClosedCookies)) {
        const auto [expiry, cookie] = m_closedOrder.front();
        m_closedOrder.pop_front();
        if (const auto it = m_closedCookies.find(cookie);
            it != m_closedCookies.end() && it->second == expiry)
            m_closedCookies.erase(it);
    }
    m_pollProcesses.clear();

    m_first = false;
    ++m_stats.polls;
    m_stats.sockets = m_tracked.size();
    m_stats.lastPoll = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    return events;
}

} // namespace yagura::agent
