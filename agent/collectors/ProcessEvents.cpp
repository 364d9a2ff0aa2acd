#include "collectors/ProcessEvents.h"

#include <cerrno>
#include <cstring>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace yagura::agent {

ProcessConnector::~ProcessConnector() {
    if (m_fd >= 0) {
        (void)subscribe(false);
        ::close(m_fd);
    }
}

Status ProcessConnector::open() {
    m_fd = ::socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
    if (m_fd < 0)
        return makeError(ErrorCode::Unavailable,
                         std::string("process events: cannot open the netlink connector: ") +
                             std::strerror(errno));
    // A large receive buffer rides out exec storms between reads.
    const int bufferBytes = 8 << 20;
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufferBytes, sizeof bufferBytes);
    sockaddr_nl address{};
    address.nl_family = AF_NETLINK;
    address.nl_groups = CN_IDX_PROC;
    address.nl_pid = 0; // let the kernel pick a unique port id
    if (::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        const int err = errno;
        ::close(m_fd);
        m_fd = -1;
        return makeError(err == EPERM ? ErrorCode::PermissionDenied : ErrorCode::Unavailable,
                         std::string("process events: cannot bind the proc connector (") +
                             std::strerror(err) + "); it needs root (CAP_NET_ADMIN)");
    }
    if (auto status = subscribe(true); !status.ok()) {
        ::close(m_fd);
        m_fd = -1;
        return status;
    }
    return success();
}

Status ProcessConnector::subscribe(bool listen) {
    // One netlink message carrying one connector message carrying the listen operation.
    constexpr std::size_t kPayload = sizeof(cn_msg) + sizeof(proc_cn_mcast_op);
    alignas(nlmsghdr) char request[NLMSG_LENGTH(kPayload)] = {};
    nlmsghdr header{};
    header.nlmsg_len = sizeof request;
    header.nlmsg_type = NLMSG_DONE;
    header.nlmsg_pid = static_cast<__u32>(::getpid());
    cn_msg message{};
    message.id.idx = CN_IDX_PROC;
    message.id.val = CN_VAL_PROC;
    message.len = sizeof(proc_cn_mcast_op);
    const proc_cn_mcast_op op = listen ? PROC_CN_MCAST_LISTEN : PROC_CN_MCAST_IGNORE;
    std::memcpy(request, &header, sizeof header);
    std::memcpy(request + NLMSG_HDRLEN, &message, sizeof message);
    std::memcpy(request + NLMSG_HDRLEN + sizeof message, &op, sizeof op);
    if (::send(m_fd, request, sizeof request, 0) < 0)
        return makeError(errno == EPERM ? ErrorCode::PermissionDenied : ErrorCode::Unavailable,
                         std::string("process events: the kernel refused the subscription (") +
                             std::strerror(errno) + "); it needs root (CAP_NET_ADMIN)");
    return success();
}

Result<std::uint64_t> ProcessConnector::read(std::vector<KernelProcessEvent>& out,
                                             std::chrono::milliseconds timeout) {
    if (m_fd < 0)
        return makeError(ErrorCode::Unavailable, "process events: not open");
    std::uint64_t lost = 0;
    pollfd waitFor{m_fd, POLLIN, 0};
    if (::poll(&waitFor, 1, static_cast<int>(timeout.count())) <= 0)
        return lost;
    alignas(nlmsghdr) char buffer[65536];
    for (;;) {
        const ssize_t got = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (got < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return lost;
            if (errno == ENOBUFS) {
                ++lost; // the kernel dropped messages: our reader fell behind
                continue;
            }
            if (errno == EINTR)
                continue;
            return makeError(ErrorCode::Io, std::string("process events: receive failed: ") +
                                                std::strerror(errno));
        }
        // NLMSG_NEXT is an old-style cast; walk the messages by hand, aligned the same way.
        for (std::size_t offset = 0; offset + sizeof(nlmsghdr) <= static_cast<std::size_t>(got);) {
            auto* header = reinterpret_cast<nlmsghdr*>(buffer + offset);
            if (header->nlmsg_len < sizeof(nlmsghdr) ||
                offset + header->nlmsg_len > static_cast<std::size_t>(got))
                break;
            offset += NLMSG_ALIGN(header->nlmsg_len);
            if (header->nlmsg_type == NLMSG_NOOP || header->nlmsg_type == NLMSG_ERROR)
                continue;
            const auto* message = reinterpret_cast<const cn_msg*>(
                buffer + (offset - NLMSG_ALIGN(header->nlmsg_len)) + NLMSG_HDRLEN);
            if (message->id.idx != CN_IDX_PROC || message->id.val != CN_VAL_PROC)
                continue;
            const auto* event = reinterpret_cast<const proc_event*>(message->data);
            KernelProcessEvent converted;
            converted.timestampNs = event->timestamp_ns;
            switch (event->what) {
            case proc_event::PROC_EVENT_FORK:
                // Threads are forks too; only new processes (pid == tgid) matter here.
                if (event->event_data.fork.child_pid != event->event_data.fork.child_tgid)
                    continue;
                converted.kind = KernelProcessEvent::Kind::Fork;
                converted.pid = event->event_data.fork.child_pid;
                converted.tgid = event->event_data.fork.child_tgid;
                converted.parentPid = event->event_data.fork.parent_tgid;
                break;
            case proc_event::PROC_EVENT_EXEC:
                converted.kind = KernelProcessEvent::Kind::Exec;
                converted.pid = event->event_data.exec.process_pid;
                converted.tgid = event->event_data.exec.process_tgid;
                break;
            case proc_event::PROC_EVENT_EXIT:
                if (event->event_data.exit.process_pid != event->event_data.exit.process_tgid)
                    continue;
                converted.kind = KernelProcessEvent::Kind::Exit;
                converted.pid = event->event_data.exit.process_pid;
                converted.tgid = event->event_data.exit.process_tgid;
                converted.exitCode = static_cast<int>(event->event_data.exit.exit_code);
                break;
            default:
                continue;
            }
            out.push_back(converted);
        }
    }
}

} // namespace yagura::agent
