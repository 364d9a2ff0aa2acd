#pragma once

#include "common/Result.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace yagura::agent {

// One change of the host's TCP/UDP sockets, attributed to a process where possible.
//
// Source and destination follow the connection, not the host: for a connection this host
// initiated (Initiated true) the source is the local end; for one it accepted (Initiated false)
// the source is the remote peer and the destination the local address and port it was accepted
// on (so "DestinationPort 22, Initiated false" is an inbound SSH connection), as Sysmon for
// Linux reports accepted connections.
// Listening / StoppedListening carry the bound local address and port as the source and no
// destination. IPv4-mapped IPv6 addresses (a dual-stack socket talking IPv4) are given in IPv4
// form; `family` stays the socket's.
struct ConnectionEvent {
    enum class Kind { Opened, Closed, Listening, StoppedListening };
    enum class Protocol { Tcp, Udp };

    Kind kind = Kind::Opened;
    Protocol protocol = Protocol::Tcp;
    int family = 0; // AF_INET or AF_INET6
    std::string sourceIp;
    std::uint16_t sourcePort = 0;
    std::string destinationIp; // empty for listeners
    std::uint16_t destinationPort = 0;
    bool initiated = false; // true: outbound, this host connected
    pid_t pid = 0;          // 0: unknown (no process holds the socket, or it was not readable)
    std::string image;      // the owner's executable, empty when unknown
    std::optional<std::string> commandLine; // when read (options.commandLines)
    std::string user;                       // name of the socket's uid; empty when unknown
    std::optional<std::uint32_t> uid;       // the socket's owner uid (inet_diag idiag_uid)
    std::uint64_t inode = 0;                // socket inode; 0 when known only from the kernel's
                                            // destroy notification
    std::uint64_t cookie = 0;               // the kernel's socket cookie
    std::int64_t timeUnixMs = 0;            // when the change was seen
    // TCP closes only, when the kernel's destroy notification was received in time: data bytes
    // sent (retransmissions not counted) and bytes received (the kernel counts the peer's FIN as
    // one byte, so this can be one more than the data).
    std::optional<std::uint64_t> bytesSent;
    std::optional<std::uint64_t> bytesReceived;
    // Opened/Listening: the socket already existed at the collector's first snapshot; its
    // timeUnixMs is that snapshot's, not the moment it was opened.
    bool existing = false;
    // Closed: false for a TCP connection that opened and closed between two polls, known only
    // from the kernel's destroy notification: addresses, direction and bytes, but no process.
    bool seenOpen = true;
};

struct NetworkCollectorOptions {
    std::filesystem::path procRoot = "/proc";
    // The first poll reports every socket that exists already (existing = true); otherwise
    // start() takes that snapshot silently and only changes are reported.
    bool reportExisting = true;
    // Read /proc/PID/cmdline of each newly attributed socket's owner.
    bool commandLines = true;
    // Subscribe to SKNLGRP_INET{,6}_TCP_DESTROY: byte counts on TCP closes, and connections that
    // live shorter than the poll interval.
    bool tcpDestroyNotifications = true;
    // How long a TCP close waits for its destroy notification (and its byte counts) before it
    // is reported without them.
    std::chrono::milliseconds closeGrace{1000};
};

// The host's TCP and UDP sockets, IPv4 and IPv6, from NETLINK_SOCK_DIAG dumps (inet_diag):
// each poll() takes a snapshot and reports the difference to the previous one as connection
// events. Works unprivileged for the sockets themselves; the owning process of another user's
// socket is only found as root (/proc/PID/fd). Not thread-safe: one thread calls poll().
class NetworkCollector {
public:
    explicit NetworkCollector(NetworkCollectorOptions options = {});
    ~NetworkCollector();
    NetworkCollector(const NetworkCollector&) = delete;
    NetworkCollector& operator=(const NetworkCollector&) = delete;

    // Opens the sock_diag socket and checks that dumps work (a clear error when the kernel has
    // no inet_diag), then joins the TCP destroy groups if asked (their failure is not an error:
    // see destroyNotificationStatus()).
    Status start();
    // One step: the events since the previous call (or since start()). Call it every few
    // hundred milliseconds; its cost grows with the number of sockets (see the design notes).
    Result<std::vector<ConnectionEvent>> poll();

    // Events of these processes are not reported (the agent passes its own pid, for example).
    // Their sockets are still tracked, so a later change of the set does not replay them.
    void setIgnoredPids(std::unordered_set<pid_t> pids) { m_ignoredPids = std::move(pids); }

    // Empty when the destroy notifications are active; else why not.
    const std::string& destroyNotificationStatus() const { return m_destroyStatus; }
    bool destroyNotificationsActive() const { return m_destroyFd >= 0; }
    // Readable when destroy notifications are queued (-1 without them): a caller's loop may
    // wait on it to call poll() early, e.g. to report pending closes as soon as they complete.
    int destroyNotificationFd() const { return m_destroyFd; }
    // False when the kernel has no udp_diag (UDP sockets are then not reported).
    bool udpAvailable() const { return m_haveUdp; }

    struct Stats {
        std::size_t sockets = 0; // tracked after the last poll
        std::chrono::microseconds lastPoll{0};
        std::uint64_t polls = 0;
        std::uint64_t processScans = 0;    // full /proc scans for socket owners
        std::uint64_t unattributed = 0;    // sockets whose owner was not found
        std::uint64_t deniedProcesses = 0; // /proc/PID/fd not readable (not root)
        std::uint64_t destroyMessages = 0;
        std::uint64_t destroyOverruns = 0; // ENOBUFS: destroy notifications lost
        std::uint64_t shortLived = 0;      // connections seen only at their destroy
    };
    const Stats& stats() const { return m_stats; }

    // Internals, public for the implementation's helpers.
    struct Key {
        std::uint8_t protocol = 0; // IPPROTO_TCP / IPPROTO_UDP
        std::uint8_t family = 0;
        std::uint16_t localPort = 0;
        std::uint16_t remotePort = 0;
        std::array<std::uint8_t, 16> local{};
        std::array<std::uint8_t, 16> remote{};
        std::uint64_t inode = 0;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& key) const noexcept;
    };
    // One socket of a dump or of a destroy notification.
    struct Observed {
        Key key;
        std::uint8_t state = 0; // TCP state (UDP: ESTABLISHED when connected, CLOSE when not)
        std::uint32_t uid = 0;
        std::uint64_t cookie = 0;
        std::optional<std::uint64_t> bytesSent;
        std::optional<std::uint64_t> bytesReceived;
    };

private:
    struct Owner {
        pid_t pid = 0;
        std::string image;
        // Shared by every socket of the process attributed in the same poll.
        std::shared_ptr<const std::string> commandLine;
        std::uint64_t generation = 0;
    };
    struct Tracked {
        // The Opened/Listening event as reported (attribution, direction), without its command
        // line: that is shared, not copied into every socket of a process.
        ConnectionEvent opened;
        std::shared_ptr<const std::string> commandLine;
        std::uint64_t generation = 0;
    };
    struct PendingClose {
        ConnectionEvent event;
        std::chrono::steady_clock::time_point deadline;
    };
    struct Destroyed {
        Observed socket;
        std::chrono::steady_clock::time_point received;
    };

    Status snapshot(std::vector<Observed>& out);
    // 0, or the errno of the failure (of the request, or as the kernel answered it).
    int dump(std::uint8_t family, std::uint8_t protocol, std::uint32_t states,
             std::vector<Observed>& out);
    void drainDestroyed();
    void openDestroyGroups();
    void resolveOwners(const std::vector<std::uint64_t>& inodes);
    bool scanProcess(pid_t pid, std::unordered_set<std::uint64_t>& wanted);
    const Owner& describeOwner(pid_t pid);
    std::string userName(std::uint32_t uid);
    void addListener(const Key& key);
    bool isListener(const Key& key) const;
    ConnectionEvent makeEvent(const Observed& socket, std::int64_t nowMs) const;
    void emit(std::vector<ConnectionEvent>& out, ConnectionEvent event) const;
    void rememberClosedCookie(std::uint64_t cookie, std::chrono::steady_clock::time_point now);

    NetworkCollectorOptions m_options;
    int m_fd = -1;        // dump requests
    int m_destroyFd = -1; // destroy notifications
    std::string m_destroyStatus = "not started";
    std::uint32_t m_sequence = 0;
    std::vector<char> m_buffer; // netlink receive buffer
    bool m_haveIpv6 = true;
    bool m_haveUdp = true;
    bool m_first = true;
    std::uint64_t m_generation = 0;

    std::unordered_map<Key, Tracked, KeyHash> m_tracked;
    std::unordered_map<std::uint64_t, Key> m_tcpByCookie; // tracked TCP connections
    std::unordered_map<std::uint64_t, Owner> m_owners;    // by inode; pid 0: not found
    std::unordered_map<pid_t, Owner> m_pollProcesses;     // images read during this poll
    std::vector<pid_t> m_recentOwners;                    // scanned first, most recent first
    std::unordered_map<std::uint32_t, std::string> m_userNames;
    std::unordered_set<pid_t> m_ignoredPids;
    // Listening sockets by (protocol << 16 | port): their local addresses, IPv4 in mapped form.
    struct ListenerAddress {
        bool wildcard = false;
        std::array<std::uint8_t, 16> address{};
    };
    std::unordered_map<std::uint32_t, std::vector<ListenerAddress>> m_listeners;

    std::vector<PendingClose> m_pending;
    std::unordered_map<std::uint64_t, Destroyed> m_destroyed;
    // Cookies of TCP sockets already reported closed (or orphaned before the first snapshot):
    // their late destroy notification is not a new short-lived connection.
    std::unordered_map<std::uint64_t, std::chrono::steady_clock::time_point> m_closedCookies;
    std::deque<std::pair<std::chrono::steady_clock::time_point, std::uint64_t>> m_closedOrder;

    Stats m_stats;
};

} // namespace yagura::agent
