// The network connection collector on the real kernel: sock_diag snapshots turned into open and
// close events, attributed to processes through /proc/PID/fd, with the direction of each
// connection and, through the TCP destroy notifications, byte counts and connections shorter
// than a poll. Every socket is on loopback and bound to port 0. Runs unprivileged except the
// case of another user's process, which needs root.

#include "collectors/NetworkCollector.h"
#include "collectors/NetworkTelemetry.h"

#include <QtTest>

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <spawn.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

using namespace yagura;
using namespace yagura::agent;
using namespace std::chrono_literals;

namespace {

using Kind = ConnectionEvent::Kind;

// A socket closed when the test leaves its scope (even on a failed QVERIFY).
class Socket {
public:
    explicit Socket(int fd = -1) : m_fd(fd) {}
    ~Socket() { close(); }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    void close() {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd;
};

std::string loopback(int family) {
    return family == AF_INET6 ? "::1" : "127.0.0.1";
}

// A loopback address of the family with `port`.
sockaddr_storage address(int family, std::uint16_t port) {
    sockaddr_storage storage{};
    if (family == AF_INET6) {
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
        v6->sin6_family = AF_INET6;
        v6->sin6_addr = in6addr_loopback;
        v6->sin6_port = htons(port);
    } else {
        auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
        v4->sin_family = AF_INET;
        v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        v4->sin_port = htons(port);
    }
    return storage;
}

socklen_t addressLength(int family) {
    return family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}

// Close-on-exec, so the child processes of the test never inherit them.
int boundSocket(int family, int type) {
    const int fd = ::socket(family, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    const sockaddr_storage any = address(family, 0);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&any), addressLength(family)) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

int tcpListener(int family) {
    const int fd = boundSocket(family, SOCK_STREAM);
    if (fd >= 0 && ::listen(fd, 512) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

int connectTo(int family, int type, std::uint16_t port) {
    const int fd = ::socket(family, type | SOCK_CLOEXEC, 0);
    const sockaddr_storage target = address(family, port);
    if (fd >= 0 &&
        ::connect(fd, reinterpret_cast<const sockaddr*>(&target), addressLength(family)) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

std::uint16_t localPort(int fd) {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0)
        return 0;
    if (storage.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
    return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
}

std::uint64_t inodeOf(int fd) {
    struct stat info {};
    return ::fstat(fd, &info) == 0 ? info.st_ino : 0;
}

bool sendAll(int fd, std::size_t bytes) {
    const std::string data(bytes, 'x');
    std::size_t sent = 0;
    while (sent < bytes) {
        const ssize_t got = ::send(fd, data.data() + sent, bytes - sent, MSG_NOSIGNAL);
        if (got <= 0)
            return false;
        sent += static_cast<std::size_t>(got);
    }
    return true;
}

bool receiveAll(int fd, std::size_t bytes) {
    std::string buffer(bytes, '\0');
    std::size_t received = 0;
    while (received < bytes) {
        const ssize_t got = ::recv(fd, buffer.data() + received, bytes - received, 0);
        if (got <= 0)
            return false;
        received += static_cast<std::size_t>(got);
    }
    return true;
}

std::string realPath(const char* path) {
    char resolved[PATH_MAX] = {};
    return ::realpath(path, resolved) != nullptr ? std::string(resolved) : std::string();
}

std::string userNameOf(uid_t uid) {
    const passwd* entry = ::getpwuid(uid);
    return entry != nullptr ? std::string(entry->pw_name) : std::to_string(uid);
}

std::string field(const proto::TelemetryEvent& event, const std::string& name) {
    for (const auto& item : event.fields())
        if (item.name() == name)
            return item.value();
    return "<absent>";
}

const ConnectionEvent* findEvent(const std::vector<ConnectionEvent>& events, Kind kind,
                                 std::uint64_t inode) {
    const auto it = std::find_if(events.begin(), events.end(), [&](const ConnectionEvent& event) {
        return event.kind == kind && event.inode == inode;
    });
    return it == events.end() ? nullptr : &*it;
}

// Runs `arguments` with its stdin reading from `input`; -1 on failure.
pid_t spawnWithInput(const std::vector<std::string>& arguments, int input) {
    std::vector<char*> argv;
    for (const auto& argument : arguments)
        argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, input, 0);
    pid_t pid = -1;
    const int error =
        ::posix_spawn(&pid, arguments.front().c_str(), &actions, nullptr, argv.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    return error == 0 ? pid : -1;
}

} // namespace

class TestNetworkCollector : public QObject {
    Q_OBJECT

private:
    NetworkCollector m_collector{[] {
        NetworkCollectorOptions options;
        options.reportExisting = false; // the machine's other sockets are not this test's business
        options.closeGrace = 5s;        // generous: a loaded CI machine must still get the bytes
        return options;
    }()};
    std::string m_image;
    std::string m_user;

    // Polls until `done` holds for the events seen so far, or 10 s pass. Between polls it waits
    // for a destroy notification (at most 20 ms): the condition is checked after every poll.
    template <typename Done>
    std::vector<ConnectionEvent> collectUntil(NetworkCollector& collector, Done done) {
        std::vector<ConnectionEvent> seen;
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        for (;;) {
            auto batch = collector.poll();
            if (!batch.ok()) {
                qWarning("poll failed: %s", batch.error().message.c_str());
                return seen;
            }
            seen.insert(seen.end(), batch->begin(), batch->end());
            if (done(seen) || std::chrono::steady_clock::now() > deadline)
                return seen;
            pollfd notifications{collector.destroyNotificationFd(), POLLIN, 0};
            ::poll(&notifications, 1, 20); // a negative fd is ignored: then it paces the loop
        }
    }
    std::vector<ConnectionEvent> collectUntilAll(Kind kind, std::vector<std::uint64_t> inodes) {
        return collectUntil(m_collector, [&](const std::vector<ConnectionEvent>& events) {
            return std::all_of(inodes.begin(), inodes.end(), [&](std::uint64_t inode) {
                return findEvent(events, kind, inode) != nullptr;
            });
        });
    }

    void addFamilies() {
        QTest::addColumn<int>("family");
        QTest::newRow("ipv4") << int{AF_INET};
        QTest::newRow("ipv6") << int{AF_INET6};
    }
    // Skips the IPv6 rows where the host has no IPv6 loopback.
    static bool familyAvailable(int family) {
        const Socket probe(boundSocket(family, SOCK_STREAM));
        return probe.valid();
    }

private slots:
    void initTestCase() {
        auto started = m_collector.start();
        QVERIFY2(started.ok(), started.ok() ? "" : started.error().message.c_str());
        m_image = realPath("/proc/self/exe");
        QVERIFY(!m_image.empty());
        m_user = userNameOf(::geteuid());
        if (!m_collector.destroyNotificationsActive())
            qWarning("TCP destroy notifications unavailable: %s",
                     m_collector.destroyNotificationStatus().c_str());
    }

    void tcpListenerIsReported_data() { addFamilies(); }
    void tcpListenerIsReported() {
        QFETCH(int, family);
        if (!familyAvailable(family))
            QSKIP("no loopback address of this family on this host");
        Socket listener(tcpListener(family));
        QVERIFY(listener.valid());
        const std::uint64_t inode = inodeOf(listener.fd());
        const std::uint16_t port = localPort(listener.fd());

        const auto seen = collectUntilAll(Kind::Listening, {inode});
        const ConnectionEvent* listening = findEvent(seen, Kind::Listening, inode);
        QVERIFY2(listening != nullptr, "the new listener was not reported");
        QVERIFY(listening->protocol == ConnectionEvent::Protocol::Tcp);
        QCOMPARE(listening->family, family);
        QCOMPARE(listening->sourceIp, loopback(family));
        QCOMPARE(listening->sourcePort, port);
        QVERIFY(listening->destinationIp.empty());
        QVERIFY(!listening->initiated);
        QCOMPARE(listening->pid, ::getpid());
        QCOMPARE(listening->image, m_image);
        QVERIFY(listening->commandLine.has_value());
        QCOMPARE(listening->uid, std::optional<std::uint32_t>(::geteuid()));
        QCOMPARE(listening->user, m_user);
        QVERIFY(!listening->existing);

        const proto::TelemetryEvent telemetry = connectionTelemetry(*listening, 0);
        QCOMPARE(telemetry.category(), std::string("network_connection"));
        QCOMPARE(telemetry.rank(), proto::RANK_SECURITY);
        QCOMPARE(field(telemetry, "Action"), std::string("listening"));
        QCOMPARE(field(telemetry, "Image"), m_image);
        QCOMPARE(field(telemetry, "ProcessId"), std::to_string(::getpid()));
        QCOMPARE(field(telemetry, "Protocol"), std::string("tcp"));
        QCOMPARE(field(telemetry, "SourcePort"), std::to_string(port));
        QCOMPARE(field(telemetry, "SourceIsIpv6"),
                 std::string(family == AF_INET6 ? "true" : "false"));
        QCOMPARE(field(telemetry, "DestinationIp"), std::string("<absent>"));

        listener.close();
        const auto after = collectUntilAll(Kind::StoppedListening, {inode});
        const ConnectionEvent* stopped = findEvent(after, Kind::StoppedListening, inode);
        QVERIFY2(stopped != nullptr, "the closed listener was not reported");
        QCOMPARE(stopped->sourcePort, port);
        QCOMPARE(stopped->pid, ::getpid());
        QCOMPARE(connectionTelemetry(*stopped, 0).rank(), proto::RANK_TELEMETRY);
    }

    void tcpConnectionBothEnds_data() { addFamilies(); }
    void tcpConnectionBothEnds() {
        QFETCH(int, family);
        if (!familyAvailable(family))
            QSKIP("no loopback address of this family on this host");
        Socket listener(tcpListener(family));
        QVERIFY(listener.valid());
        const std::uint16_t serverPort = localPort(listener.fd());
        Socket client(connectTo(family, SOCK_STREAM, serverPort));
        QVERIFY(client.valid());
        Socket accepted(::accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC));
        QVERIFY(accepted.valid());
        const std::uint16_t clientPort = localPort(client.fd());
        const std::uint64_t clientInode = inodeOf(client.fd());
        const std::uint64_t acceptedInode = inodeOf(accepted.fd());

        const auto seen = collectUntilAll(Kind::Opened, {clientInode, acceptedInode});
        const ConnectionEvent* outbound = findEvent(seen, Kind::Opened, clientInode);
        const ConnectionEvent* inbound = findEvent(seen, Kind::Opened, acceptedInode);
        QVERIFY2(outbound != nullptr, "the client's connection was not reported");
        QVERIFY2(inbound != nullptr, "the accepted connection was not reported");
        // Both ends describe the same connection: from the client's port to the server's.
        for (const ConnectionEvent* end : {outbound, inbound}) {
            QCOMPARE(end->sourceIp, loopback(family));
            QCOMPARE(end->sourcePort, clientPort);
            QCOMPARE(end->destinationIp, loopback(family));
            QCOMPARE(end->destinationPort, serverPort);
            QCOMPARE(end->pid, ::getpid());
            QCOMPARE(end->image, m_image);
            QCOMPARE(end->user, m_user);
            QCOMPARE(end->family, family);
        }
        QVERIFY(outbound->initiated);
        QVERIFY(!inbound->initiated);

        const proto::TelemetryEvent telemetry = connectionTelemetry(*outbound, 0);
        QCOMPARE(telemetry.rank(), proto::RANK_TELEMETRY);
        QCOMPARE(field(telemetry, "Action"), std::string("opened"));
        QCOMPARE(field(telemetry, "Initiated"), std::string("true"));
        QCOMPARE(field(telemetry, "DestinationPort"), std::to_string(serverPort));
        QCOMPARE(field(telemetry, "DestinationIsIpv6"),
                 std::string(family == AF_INET6 ? "true" : "false"));
        QCOMPARE(field(connectionTelemetry(*inbound, 0), "Initiated"), std::string("false"));

        constexpr std::size_t kUp = 20'000;
        constexpr std::size_t kDown = 10;
        QVERIFY(sendAll(client.fd(), kUp));
        QVERIFY(receiveAll(accepted.fd(), kUp));
        QVERIFY(sendAll(accepted.fd(), kDown));
        QVERIFY(receiveAll(client.fd(), kDown));
        client.close();
        accepted.close();

        const auto closes = collectUntilAll(Kind::Closed, {clientInode, acceptedInode});
        const ConnectionEvent* clientClosed = findEvent(closes, Kind::Closed, clientInode);
        const ConnectionEvent* acceptedClosed = findEvent(closes, Kind::Closed, acceptedInode);
        QVERIFY2(clientClosed != nullptr, "the client's close was not reported");
        QVERIFY2(acceptedClosed != nullptr, "the accepted side's close was not reported");
        QVERIFY(clientClosed->initiated);
        QVERIFY(!acceptedClosed->initiated);
        QCOMPARE(clientClosed->pid, ::getpid());
        QCOMPARE(acceptedClosed->destinationPort, serverPort);
        if (m_collector.destroyNotificationsActive()) {
            // Data bytes sent; received counts the peer's FIN as one more.
            QCOMPARE(clientClosed->bytesSent, std::optional<std::uint64_t>(kUp));
            QVERIFY(clientClosed->bytesReceived.has_value());
            QVERIFY(*clientClosed->bytesReceived >= kDown &&
                    *clientClosed->bytesReceived <= kDown + 1);
            QCOMPARE(acceptedClosed->bytesSent, std::optional<std::uint64_t>(kDown));
            QVERIFY(acceptedClosed->bytesReceived.has_value());
            QVERIFY(*acceptedClosed->bytesReceived >= kUp &&
                    *acceptedClosed->bytesReceived <= kUp + 1);
            QCOMPARE(field(connectionTelemetry(*clientClosed, 0), "BytesSent"),
                     std::to_string(kUp));
        }
        QCOMPARE(field(connectionTelemetry(*clientClosed, 0), "Action"), std::string("closed"));
    }

    // An IPv6 socket bound to ::ffff:127.0.0.1 serves IPv4 clients: its connections are given
    // with IPv4 addresses (as Sigma's IPv4 ranges expect), and still count as accepted.
    void ipv4MappedConnectionOfAnIpv6Socket() {
        if (!familyAvailable(AF_INET6))
            QSKIP("no IPv6 on this host");
        Socket listener(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
        QVERIFY(listener.valid());
        const int dualStack = 0;
        QVERIFY(::setsockopt(listener.fd(), IPPROTO_IPV6, IPV6_V6ONLY, &dualStack,
                             sizeof dualStack) == 0);
        sockaddr_in6 mapped{};
        mapped.sin6_family = AF_INET6;
        QVERIFY(::inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped.sin6_addr) == 1);
        QVERIFY(::bind(listener.fd(), reinterpret_cast<const sockaddr*>(&mapped), sizeof mapped) ==
                0);
        QVERIFY(::listen(listener.fd(), 4) == 0);
        const std::uint16_t port = localPort(listener.fd());
        Socket client(connectTo(AF_INET, SOCK_STREAM, port));
        QVERIFY(client.valid());
        Socket accepted(::accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC));
        QVERIFY(accepted.valid());
        const std::uint64_t acceptedInode = inodeOf(accepted.fd());
        const std::uint64_t listenerInode = inodeOf(listener.fd());

        const auto seen =
            collectUntil(m_collector, [&](const std::vector<ConnectionEvent>& events) {
                return findEvent(events, Kind::Opened, acceptedInode) &&
                       findEvent(events, Kind::Listening, listenerInode);
            });
        const ConnectionEvent* listening = findEvent(seen, Kind::Listening, listenerInode);
        const ConnectionEvent* inbound = findEvent(seen, Kind::Opened, acceptedInode);
        QVERIFY(listening != nullptr);
        QVERIFY(inbound != nullptr);
        QCOMPARE(listening->family, int{AF_INET6});
        QCOMPARE(listening->sourceIp, std::string("127.0.0.1"));
        QCOMPARE(inbound->family, int{AF_INET6});
        QVERIFY(!inbound->initiated);
        QCOMPARE(inbound->sourceIp, std::string("127.0.0.1"));
        QCOMPARE(inbound->sourcePort, localPort(client.fd()));
        QCOMPARE(inbound->destinationIp, std::string("127.0.0.1"));
        QCOMPARE(inbound->destinationPort, port);
        const proto::TelemetryEvent telemetry = connectionTelemetry(*inbound, 0);
        QCOMPARE(field(telemetry, "SourceIsIpv6"), std::string("false"));
        QCOMPARE(field(telemetry, "DestinationIsIpv6"), std::string("false"));
    }

    void udpSockets_data() { addFamilies(); }
    void udpSockets() {
        QFETCH(int, family);
        if (!m_collector.udpAvailable())
            QSKIP("the kernel has no udp_diag: UDP sockets cannot be listed");
        if (!familyAvailable(family))
            QSKIP("no loopback address of this family on this host");
        Socket server(boundSocket(family, SOCK_DGRAM));
        QVERIFY(server.valid());
        const std::uint16_t serverPort = localPort(server.fd());
        Socket client(connectTo(family, SOCK_DGRAM, serverPort)); // connected UDP
        QVERIFY(client.valid());
        const std::uint16_t clientPort = localPort(client.fd());
        const std::uint64_t serverInode = inodeOf(server.fd());
        const std::uint64_t clientInode = inodeOf(client.fd());

        auto seen = collectUntil(m_collector, [&](const std::vector<ConnectionEvent>& events) {
            return findEvent(events, Kind::Listening, serverInode) &&
                   findEvent(events, Kind::Opened, clientInode);
        });
        const ConnectionEvent* bound = findEvent(seen, Kind::Listening, serverInode);
        const ConnectionEvent* connected = findEvent(seen, Kind::Opened, clientInode);
        QVERIFY2(bound != nullptr, "the bound UDP socket was not reported as listening");
        QVERIFY2(connected != nullptr, "the connected UDP socket was not reported");
        QVERIFY(bound->protocol == ConnectionEvent::Protocol::Udp);
        QCOMPARE(bound->sourceIp, loopback(family));
        QCOMPARE(bound->sourcePort, serverPort);
        QCOMPARE(bound->pid, ::getpid());
        QVERIFY(connected->protocol == ConnectionEvent::Protocol::Udp);
        QVERIFY(connected->initiated);
        QCOMPARE(connected->sourcePort, clientPort);
        QCOMPARE(connected->destinationIp, loopback(family));
        QCOMPARE(connected->destinationPort, serverPort);
        QCOMPARE(connected->image, m_image);
        QCOMPARE(field(connectionTelemetry(*connected, 0), "Protocol"), std::string("udp"));

        client.close();
        server.close();
        seen = collectUntil(m_collector, [&](const std::vector<ConnectionEvent>& events) {
            return findEvent(events, Kind::StoppedListening, serverInode) &&
                   findEvent(events, Kind::Closed, clientInode);
        });
        QVERIFY(findEvent(seen, Kind::StoppedListening, serverInode) != nullptr);
        const ConnectionEvent* closed = findEvent(seen, Kind::Closed, clientInode);
        QVERIFY(closed != nullptr);
        QVERIFY(!closed->bytesSent.has_value()); // UDP: no byte counts
    }

    // A connection made by another process (bash's /dev/tcp) is that process's: pid, image and
    // command line. The child holds it until the test closes the pipe on its stdin.
    void childProcessConnection() {
        Socket listener(tcpListener(AF_INET));
        QVERIFY(listener.valid());
        const std::uint16_t port = localPort(listener.fd());
        int pipeFds[2];
        QVERIFY(::pipe2(pipeFds, O_CLOEXEC) == 0);
        Socket readEnd(pipeFds[0]);
        Socket writeEnd(pipeFds[1]);
        const std::string script =
            "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port) + " && read -r line";
        const pid_t child = spawnWithInput({"/bin/bash", "-c", script}, readEnd.fd());
        QVERIFY(child > 0);
        readEnd.close();
        // Accepting also lets the child's close finish its FIN exchange (and its destroy).
        Socket accepted(::accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC));

        const auto isChildConnection = [port](const ConnectionEvent& event) {
            return event.kind == Kind::Opened && event.initiated && event.destinationPort == port;
        };
        auto seen = collectUntil(m_collector, [&](const std::vector<ConnectionEvent>& events) {
            return std::any_of(events.begin(), events.end(), isChildConnection);
        });
        const auto it = std::find_if(seen.begin(), seen.end(), isChildConnection);
        const bool found = it != seen.end();
        const ConnectionEvent opened = found ? *it : ConnectionEvent{};
        writeEnd.close(); // the child's read ends, and so does the child
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        accepted.close();
        QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) != 127);
        QVERIFY2(found, "the child's connection was not reported");
        QCOMPARE(opened.pid, child);
        QCOMPARE(opened.image, realPath("/bin/bash"));
        QVERIFY(opened.commandLine.has_value());
        QVERIFY2(opened.commandLine->find("/dev/tcp/127.0.0.1/") != std::string::npos,
                 opened.commandLine->c_str());
        QCOMPARE(opened.user, m_user);
        QCOMPARE(opened.sourceIp, std::string("127.0.0.1"));

        // The child has exited: its connection is closed, still attributed to it.
        seen = collectUntilAll(Kind::Closed, {opened.inode});
        const ConnectionEvent* closed = findEvent(seen, Kind::Closed, opened.inode);
        QVERIFY2(closed != nullptr, "the child's close was not reported");
        QCOMPARE(closed->pid, child);
        QCOMPARE(closed->image, realPath("/bin/bash"));
    }

    // Another user's process: only root may read its /proc/PID/fd.
    void otherUsersConnectionNeedsRoot() {
        if (::geteuid() != 0)
            QSKIP("attributing another user's socket reads its /proc/PID/fd: needs root");
        if (::access("/usr/bin/setpriv", X_OK) != 0)
            QSKIP("/usr/bin/setpriv (util-linux) is not installed");
        const passwd* nobody = ::getpwnam("nobody");
        if (nobody == nullptr)
            QSKIP("no user 'nobody' on this host");
        Socket listener(tcpListener(AF_INET));
        QVERIFY(listener.valid());
        const std::uint16_t port = localPort(listener.fd());
        int pipeFds[2];
        QVERIFY(::pipe2(pipeFds, O_CLOEXEC) == 0);
        Socket readEnd(pipeFds[0]);
        Socket writeEnd(pipeFds[1]);
        const std::string script =
            "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port) + " && read -r line";
        // setpriv execs bash: the pid stays the child's.
        const pid_t child =
            spawnWithInput({"/usr/bin/setpriv", "--reuid=" + std::to_string(nobody->pw_uid),
                            "--regid=" + std::to_string(nobody->pw_gid), "--clear-groups",
                            "/bin/bash", "-c", script},
                           readEnd.fd());
        QVERIFY(child > 0);
        readEnd.close();
        const auto isChildConnection = [port](const ConnectionEvent& event) {
            return event.kind == Kind::Opened && event.initiated && event.destinationPort == port;
        };
        const auto seen =
            collectUntil(m_collector, [&](const std::vector<ConnectionEvent>& events) {
                return std::any_of(events.begin(), events.end(), isChildConnection);
            });
        writeEnd.close();
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        const auto it = std::find_if(seen.begin(), seen.end(), isChildConnection);
        QVERIFY2(it != seen.end(), "the other user's connection was not reported");
        QCOMPARE(it->pid, child);
        QCOMPARE(it->image, realPath("/bin/bash"));
        QCOMPARE(it->uid, std::optional<std::uint32_t>(nobody->pw_uid));
        QCOMPARE(it->user, std::string(nobody->pw_name));
        QCOMPARE(field(connectionTelemetry(*it, 0), "User"), std::string(nobody->pw_name));
    }

    // Opened and closed between two polls: no snapshot has it, the destroy notification does.
    void shortConnectionSeenAtItsDestroy() {
        if (!m_collector.destroyNotificationsActive())
            QSKIP(("no TCP destroy notifications here: " + m_collector.destroyNotificationStatus())
                      .c_str());
        Socket listener(tcpListener(AF_INET));
        QVERIFY(listener.valid());
        const std::uint16_t serverPort = localPort(listener.fd());
        const std::uint64_t listenerInode = inodeOf(listener.fd());
        collectUntilAll(Kind::Listening, {listenerInode});

        std::uint16_t clientPort = 0;
        {
            Socket client(connectTo(AF_INET, SOCK_STREAM, serverPort));
            QVERIFY(client.valid());
            Socket accepted(::accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC));
            QVERIFY(accepted.valid());
            clientPort = localPort(client.fd());
            QVERIFY(sendAll(client.fd(), 1234));
            QVERIFY(receiveAll(accepted.fd(), 1234));
        } // both closed before the next poll

        const auto shortClose = [&](const ConnectionEvent& event, bool initiated) {
            return event.kind == Kind::Closed && !event.seenOpen && event.initiated == initiated &&
                   event.sourcePort == clientPort && event.destinationPort == serverPort;
        };
        const auto seen =
            collectUntil(m_collector, [&](const std::vector<ConnectionEvent>& events) {
                const auto has = [&](bool initiated) {
                    return std::any_of(events.begin(), events.end(), [&](const auto& event) {
                        return shortClose(event, initiated);
                    });
                };
                return has(true) && has(false);
            });
        const auto outbound = std::find_if(
            seen.begin(), seen.end(), [&](const auto& event) { return shortClose(event, true); });
        const auto inbound = std::find_if(
            seen.begin(), seen.end(), [&](const auto& event) { return shortClose(event, false); });
        QVERIFY2(outbound != seen.end(), "the short connection's client end was not reported");
        QVERIFY2(inbound != seen.end(), "the short connection's accepted end was not reported");
        QCOMPARE(outbound->sourceIp, std::string("127.0.0.1"));
        QCOMPARE(outbound->bytesSent, std::optional<std::uint64_t>(1234));
        QVERIFY(inbound->bytesReceived.has_value() && *inbound->bytesReceived >= 1234);
        QCOMPARE(outbound->pid, 0); // the socket is gone: no process to find
        QVERIFY(!outbound->uid.has_value());
        // Opened at no poll: no Opened event for it either.
        QVERIFY(std::none_of(seen.begin(), seen.end(), [&](const ConnectionEvent& event) {
            return event.kind == Kind::Opened && event.sourcePort == clientPort;
        }));
    }

    void ignoredPidsAreNotReported() {
        m_collector.setIgnoredPids({::getpid()});
        Socket listener(tcpListener(AF_INET));
        QVERIFY(listener.valid());
        const std::uint64_t inode = inodeOf(listener.fd());
        // A dump sees every socket that exists when it runs: one poll is enough.
        auto events = m_collector.poll();
        QVERIFY(events.ok());
        QVERIFY(findEvent(*events, Kind::Listening, inode) == nullptr);
        listener.close();
        events = m_collector.poll();
        QVERIFY(events.ok());
        QVERIFY(findEvent(*events, Kind::StoppedListening, inode) == nullptr);
        m_collector.setIgnoredPids({});
    }

    // By default the first poll reports what exists already, marked as such.
    void existingSocketsAreReportedFirst() {
        Socket listener(tcpListener(AF_INET));
        QVERIFY(listener.valid());
        const std::uint64_t inode = inodeOf(listener.fd());
        NetworkCollectorOptions options;
        options.tcpDestroyNotifications = false;
        NetworkCollector collector(options);
        auto started = collector.start();
        QVERIFY2(started.ok(), started.ok() ? "" : started.error().message.c_str());
        QVERIFY(!collector.destroyNotificationsActive());
        auto events = collector.poll();
        QVERIFY(events.ok());
        const ConnectionEvent* existing = findEvent(*events, Kind::Listening, inode);
        QVERIFY2(existing != nullptr, "an existing listener was not reported by the first poll");
        QVERIFY(existing->existing);
        QCOMPARE(existing->pid, ::getpid());
        events = collector.poll();
        QVERIFY(events.ok());
        QVERIFY(findEvent(*events, Kind::Listening, inode) == nullptr); // once only
    }

    // Many connections at once: every one attributed, every close with its bytes. Also reports
    // what a poll costs with them.
    void burstOfConnections() {
        constexpr int kConnections = 200;
        Socket listener(tcpListener(AF_INET));
        QVERIFY(listener.valid());
        const std::uint16_t port = localPort(listener.fd());
        std::vector<std::unique_ptr<Socket>> sockets;
        std::vector<std::uint64_t> inodes;
        for (int i = 0; i < kConnections; ++i) {
            auto client = std::make_unique<Socket>(connectTo(AF_INET, SOCK_STREAM, port));
            QVERIFY(client->valid());
            auto accepted =
                std::make_unique<Socket>(::accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC));
            QVERIFY(accepted->valid());
            QVERIFY(sendAll(client->fd(), 100));
            inodes.push_back(inodeOf(client->fd()));
            inodes.push_back(inodeOf(accepted->fd()));
            sockets.push_back(std::move(client));
            sockets.push_back(std::move(accepted));
        }
        const auto opened = collectUntilAll(Kind::Opened, inodes);
        const auto firstPoll = m_collector.stats().lastPoll;
        for (const std::uint64_t inode : inodes) {
            const ConnectionEvent* event = findEvent(opened, Kind::Opened, inode);
            QVERIFY(event != nullptr);
            QCOMPARE(event->pid, ::getpid());
        }
        QVERIFY(m_collector.poll().ok());
        const auto steadyPoll = m_collector.stats().lastPoll;
        qInfo("poll with %zu tracked sockets: %lld us with %d new connections, %lld us unchanged",
              m_collector.stats().sockets, static_cast<long long>(firstPoll.count()), kConnections,
              static_cast<long long>(steadyPoll.count()));

        sockets.clear();
        const auto closed = collectUntilAll(Kind::Closed, inodes);
        for (std::size_t i = 0; i < inodes.size(); ++i) {
            const ConnectionEvent* event = findEvent(closed, Kind::Closed, inodes[i]);
            QVERIFY(event != nullptr);
            if (m_collector.destroyNotificationsActive()) {
                const bool isClient = i % 2 == 0;
                QCOMPARE(event->bytesSent, std::optional<std::uint64_t>(isClient ? 100 : 0));
            }
        }
        QCOMPARE(m_collector.stats().destroyOverruns, std::uint64_t{0});
    }

    void telemetryOfAnInboundIpv6Connection() {
        ConnectionEvent event;
        event.kind = Kind::Closed;
        event.protocol = ConnectionEvent::Protocol::Tcp;
        event.family = AF_INET6;
        event.sourceIp = "2001:db8::7";
        event.sourcePort = 50123;
        event.destinationIp = "192.0.2.10"; // a dual-stack socket's IPv4 side, in IPv4 form
        event.destinationPort = 22;
        event.initiated = false;
        event.pid = 812;
        event.image = "/usr/sbin/sshd";
        event.user = "root";
        event.timeUnixMs = 1'700'000'000'000;
        event.bytesSent = 4096;
        event.bytesReceived = 2048;
        const proto::TelemetryEvent telemetry = connectionTelemetry(event, 5);
        QCOMPARE(telemetry.time_unix_ms(), std::uint64_t{1'700'000'000'000});
        QCOMPARE(telemetry.category(), std::string("network_connection"));
        QCOMPARE(telemetry.rank(), proto::RANK_TELEMETRY);
        QCOMPARE(field(telemetry, "Action"), std::string("closed"));
        QCOMPARE(field(telemetry, "Image"), std::string("/usr/sbin/sshd"));
        QCOMPARE(field(telemetry, "ProcessId"), std::string("812"));
        QCOMPARE(field(telemetry, "User"), std::string("root"));
        QCOMPARE(field(telemetry, "Protocol"), std::string("tcp"));
        QCOMPARE(field(telemetry, "Initiated"), std::string("false"));
        QCOMPARE(field(telemetry, "SourceIsIpv6"), std::string("true"));
        QCOMPARE(field(telemetry, "SourceIp"), std::string("2001:db8::7"));
        QCOMPARE(field(telemetry, "SourcePort"), std::string("50123"));
        QCOMPARE(field(telemetry, "DestinationIsIpv6"), std::string("false"));
        QCOMPARE(field(telemetry, "DestinationIp"), std::string("192.0.2.10"));
        QCOMPARE(field(telemetry, "DestinationPort"), std::string("22"));
        QCOMPARE(field(telemetry, "BytesSent"), std::string("4096"));
        QCOMPARE(field(telemetry, "BytesReceived"), std::string("2048"));
        QCOMPARE(field(telemetry, "CommandLine"), std::string("<absent>"));
        // A short connection: no process, no user.
        ConnectionEvent anonymous = event;
        anonymous.pid = 0;
        anonymous.image.clear();
        anonymous.user.clear();
        anonymous.timeUnixMs = 0;
        const proto::TelemetryEvent bare = connectionTelemetry(anonymous, 5);
        QCOMPARE(bare.time_unix_ms(), std::uint64_t{5});
        QCOMPARE(field(bare, "ProcessId"), std::string("<absent>"));
        QCOMPARE(field(bare, "Image"), std::string("<absent>"));
    }
};

QTEST_GUILESS_MAIN(TestNetworkCollector)
#include "TestNetworkCollector.moc"
