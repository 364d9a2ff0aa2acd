// A network peer for the isolation tests, run inside network namespaces:
//   yagura-test-netpeer serve [--tcp PORT]... [--udp PORT]...   (IPv4 and IPv6; until killed)
//   yagura-test-netpeer probe tcp|udp ADDRESS PORT [--timeout-ms N]
//   yagura-test-netpeer probe icmp ADDRESS [--timeout-ms N]
// A probe exits 0 when the peer answered (TCP: connected and read its greeting; UDP: the echo;
// ICMP: an echo reply), 1 when it did not within the timeout, 2 on bad arguments.
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

bool parseAddress(const std::string& text, std::uint16_t port, sockaddr_storage& address,
                  socklen_t& length) {
    std::memset(&address, 0, sizeof address);
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    if (::inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        length = sizeof *v4;
        return true;
    }
    if (::inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        length = sizeof *v6;
        return true;
    }
    return false;
}

bool waitReadable(int fd, int timeoutMs) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, timeoutMs) == 1;
}

int serve(const std::vector<std::uint16_t>& tcp, const std::vector<std::uint16_t>& udp) {
    std::vector<pollfd> fds;
    std::vector<bool> isTcp;
    auto open = [&](std::uint16_t port, int type) {
        const int fd = ::socket(AF_INET6, type, 0);
        const int off = 0;
        const int on = 1;
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        sockaddr_in6 address{};
        address.sin6_family = AF_INET6;
        address.sin6_addr = in6addr_any;
        address.sin6_port = htons(port);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            (type == SOCK_STREAM && ::listen(fd, 64) != 0)) {
            std::fprintf(stderr, "netpeer: cannot serve port %u: %s\n", port, std::strerror(errno));
            std::exit(1);
        }
        fds.push_back({fd, POLLIN, 0});
        isTcp.push_back(type == SOCK_STREAM);
    };
    for (auto port : tcp)
        open(port, SOCK_STREAM);
    for (auto port : udp)
        open(port, SOCK_DGRAM);
    std::printf("serving\n");
    std::fflush(stdout);
    for (;;) {
        if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR)
            return 1;
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (!(fds[i].revents & POLLIN))
                continue;
            if (isTcp[i]) {
                const int client = ::accept(fds[i].fd, nullptr, nullptr);
                if (client >= 0) {
                    if (::write(client, "ok\n", 3) != 3)
                        std::fprintf(stderr, "netpeer: a greeting was cut short\n");
                    ::close(client);
                }
            } else {
                char buffer[512];
                sockaddr_storage from{};
                socklen_t fromLength = sizeof from;
                const ssize_t got = ::recvfrom(fds[i].fd, buffer, sizeof buffer, 0,
                                               reinterpret_cast<sockaddr*>(&from), &fromLength);
                if (got > 0)
                    (void)::sendto(fds[i].fd, buffer, static_cast<std::size_t>(got), 0,
                                   reinterpret_cast<sockaddr*>(&from), fromLength);
            }
        }
    }
}

int probeTcp(const sockaddr_storage& address, socklen_t length, int timeoutMs) {
    const int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0 &&
        errno != EINPROGRESS)
        return 1;
    pollfd entry{fd, POLLOUT, 0};
    if (::poll(&entry, 1, timeoutMs) != 1)
        return 1;
    int error = 0;
    socklen_t errorLength = sizeof error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &errorLength);
    if (error != 0 || !waitReadable(fd, timeoutMs))
        return 1;
    char buffer[8];
    return ::read(fd, buffer, sizeof buffer) == 3 && std::memcmp(buffer, "ok\n", 3) == 0 ? 0 : 1;
}

int probeUdp(const sockaddr_storage& address, socklen_t length, int timeoutMs) {
    const int fd = ::socket(address.ss_family, SOCK_DGRAM, 0);
    const char message[] = "yagura-probe";
    if (::sendto(fd, message, sizeof message, 0, reinterpret_cast<const sockaddr*>(&address),
                 length) < 0 ||
        !waitReadable(fd, timeoutMs))
        return 1;
    char buffer[64];
    return ::recv(fd, buffer, sizeof buffer, 0) == static_cast<ssize_t>(sizeof message) ? 0 : 1;
}

int probeIcmp(const sockaddr_storage& address, socklen_t length, int timeoutMs) {
    const bool v6 = address.ss_family == AF_INET6;
    const int fd =
        ::socket(address.ss_family, SOCK_RAW, v6 ? int{IPPROTO_ICMPV6} : int{IPPROTO_ICMP});
    if (fd < 0) {
        std::fprintf(stderr, "netpeer: raw ICMP socket: %s (needs root)\n", std::strerror(errno));
        return 2;
    }
    unsigned char packet[16] = {};
    packet[0] = static_cast<unsigned char>(v6 ? int{ICMP6_ECHO_REQUEST} : int{ICMP_ECHO});
    const std::uint16_t id = static_cast<std::uint16_t>(::getpid());
    std::memcpy(packet + 4, &id, sizeof id);
    if (!v6) { // the kernel computes the ICMPv6 checksum itself; ICMPv4's is ours
        std::uint32_t sum = 0;
        for (std::size_t i = 0; i < sizeof packet; i += 2)
            sum += static_cast<std::uint32_t>(packet[i] << 8 | packet[i + 1]);
        while (sum >> 16)
            sum = (sum & 0xffff) + (sum >> 16);
        const std::uint16_t checksum = static_cast<std::uint16_t>(~sum);
        packet[2] = static_cast<unsigned char>(checksum >> 8);
        packet[3] = static_cast<unsigned char>(checksum & 0xff);
    }
    if (::sendto(fd, packet, sizeof packet, 0, reinterpret_cast<const sockaddr*>(&address),
                 length) < 0)
        return 1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        if (left <= 0 || !waitReadable(fd, static_cast<int>(left)))
            return 1;
        unsigned char reply[256];
        const ssize_t got = ::recv(fd, reply, sizeof reply, 0);
        if (got <= 0)
            continue;
        // ICMPv4 raw sockets deliver the IP header too.
        const std::size_t offset = v6 ? 0 : static_cast<std::size_t>((reply[0] & 0x0f) * 4);
        if (static_cast<std::size_t>(got) < offset + 8)
            continue;
        const unsigned char type = reply[offset];
        std::uint16_t replyId = 0;
        std::memcpy(&replyId, reply + offset + 4, sizeof replyId);
        if (type == (v6 ? int{ICMP6_ECHO_REPLY} : int{ICMP_ECHOREPLY}) && replyId == id)
            return 0;
    }
}

int usage() {
    std::fprintf(stderr, "usage: yagura-test-netpeer serve [--tcp PORT]... [--udp PORT]...\n"
                         "       yagura-test-netpeer probe tcp|udp|icmp ADDRESS [PORT] "
                         "[--timeout-ms N]\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2)
        return usage();
    const std::string mode = argv[1];
    if (mode == "serve") {
        std::vector<std::uint16_t> tcp, udp;
        for (int i = 2; i + 1 < argc; i += 2) {
            const std::string flag = argv[i];
            const auto port = static_cast<std::uint16_t>(std::atoi(argv[i + 1]));
            if (flag == "--tcp")
                tcp.push_back(port);
            else if (flag == "--udp")
                udp.push_back(port);
            else
                return usage();
        }
        return serve(tcp, udp);
    }
    if (mode != "probe" || argc < 4)
        return usage();
    const std::string protocol = argv[2];
    const std::string target = argv[3];
    int next = 4;
    std::uint16_t port = 0;
    if (protocol != "icmp") {
        if (argc < 5)
            return usage();
        port = static_cast<std::uint16_t>(std::atoi(argv[next++]));
    }
    int timeoutMs = 1000;
    if (next + 1 < argc && std::string(argv[next]) == "--timeout-ms")
        timeoutMs = std::atoi(argv[next + 1]);
    sockaddr_storage address{};
    socklen_t length = 0;
    if (!parseAddress(target, port, address, length))
        return usage();
    if (protocol == "tcp")
        return probeTcp(address, length, timeoutMs);
    if (protocol == "udp")
        return probeUdp(address, length, timeoutMs);
    if (protocol == "icmp")
        return probeIcmp(address, length, timeoutMs);
    return usage();
}
