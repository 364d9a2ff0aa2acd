#include "net/Zmq.h"

#include <zmq.hpp>

#include <atomic>

namespace yagura::net {

namespace {
Error zmqError(std::string_view what, const zmq::error_t& error) {
    return makeError(ErrorCode::Unavailable, std::string(what) + ": " + error.what());
}
std::atomic<unsigned> monitorCounter{0};
} // namespace

struct Context::Impl {
    zmq::context_t context;
};

Context::Context(int ioThreads, int maxSockets) : m_impl(std::make_unique<Impl>()) {
    m_impl->context.set(zmq::ctxopt::io_threads, ioThreads);
    m_impl->context.set(zmq::ctxopt::max_sockets, maxSockets);
}

Context::~Context() {
    m_impl->context.shutdown();
    m_impl->context.close();
}

void* Context::nativeContext() const {
    return &m_impl->context;
}

struct Socket::Impl {
    zmq::socket_t socket;
    zmq::socket_t monitor;
};

Socket::Socket() : m_impl(std::make_unique<Impl>()) {}
Socket::Socket(Socket&&) noexcept = default;
Socket& Socket::operator=(Socket&&) noexcept = default;
Socket::~Socket() = default;

void* Socket::native() const {
    return m_impl->socket.handle();
}

Result<Socket> Socket::curveRouter(Context& context, const CurveServerOptions& options) {
    if (options.serverKeys == nullptr || options.zapDomain.empty())
        return makeError(ErrorCode::InvalidArgument, "a CURVE server needs keys and a ZAP domain");
    Socket result;
    try {
        result.m_impl->socket = zmq::socket_t(
            *static_cast<zmq::context_t*>(context.nativeContext()), zmq::socket_type::router);
        auto& s = result.m_impl->socket;
        s.set(zmq::sockopt::linger, 0);
        s.set(zmq::sockopt::curve_server, 1);
        s.set(zmq::sockopt::curve_secretkey, options.serverKeys->secretZ85());
        s.set(zmq::sockopt::zap_domain, options.zapDomain);
        s.set(zmq::sockopt::maxmsgsize, options.maxMessageBytes);
        s.set(zmq::sockopt::handshake_ivl, static_cast<int>(options.handshakeTimeout.count()));
        s.set(zmq::sockopt::router_mandatory, 1);
        s.set(zmq::sockopt::sndhwm, 10000);
        s.set(zmq::sockopt::rcvhwm, 10000);
        s.set(zmq::sockopt::sndtimeo, 0);
    } catch (const zmq::error_t& error) {
        return zmqError("cannot create a server socket", error);
    }
    return result;
}

Result<Socket> Socket::curveDealer(Context& context, const CurveClientOptions& options) {
    if (options.clientKeys == nullptr)
        return makeError(ErrorCode::InvalidArgument, "a CURVE client needs a key pair");
    Socket result;
    try {
        result.m_impl->socket = zmq::socket_t(
            *static_cast<zmq::context_t*>(context.nativeContext()), zmq::socket_type::dealer);
        auto& s = result.m_impl->socket;
        s.set(zmq::sockopt::linger, 0);
        s.set(zmq::sockopt::curve_serverkey, options.serverKey.z85());
        s.set(zmq::sockopt::curve_publickey, options.clientKeys->publicKey().z85());
        s.set(zmq::sockopt::curve_secretkey, options.clientKeys->secretZ85());
        s.set(zmq::sockopt::maxmsgsize, options.maxMessageBytes);
        s.set(zmq::sockopt::handshake_ivl, static_cast<int>(options.handshakeTimeout.count()));
        s.set(zmq::sockopt::reconnect_ivl, static_cast<int>(options.reconnectInterval.count()));
        s.set(zmq::sockopt::reconnect_ivl_max,
              static_cast<int>(options.reconnectIntervalMax.count()));
        s.set(zmq::sockopt::sndtimeo, 0);
        if (!options.routingId.empty())
            s.set(zmq::sockopt::routing_id, options.routingId);
    } catch (const zmq::error_t& error) {
        return zmqError("cannot create a client socket", error);
    }
    return result;
}

Result<std::string> Socket::bind(const std::string& endpoint) {
    try {
        m_impl->socket.bind(endpoint);
        return m_impl->socket.get(zmq::sockopt::last_endpoint);
    } catch (const zmq::error_t& error) {
        return zmqError("cannot listen on " + endpoint, error);
    }
}

Status Socket::connect(const std::string& endpoint) {
    try {
        m_impl->socket.connect(endpoint);
        return success();
    } catch (const zmq::error_t& error) {
        return makeError(ErrorCode::InvalidArgument,
                         "cannot connect to " + endpoint + ": " + error.what());
    }
}

Result<bool> Socket::send(const std::vector<std::string>& frames) {
    try {
        for (std::size_t i = 0; i < frames.size(); ++i) {
            const auto flags =
                (i + 1 < frames.size()) ? zmq::send_flags::sndmore : zmq::send_flags::none;
            const auto sent = m_impl->socket.send(zmq::buffer(frames[i].data(), frames[i].size()),
                                                  flags | zmq::send_flags::dontwait);
            if (!sent)
                return false;
        }
        return true;
    } catch (const zmq::error_t& error) {
        // ROUTER_MANDATORY: the peer disconnected between its request and our reply.
        if (error.num() == EHOSTUNREACH)
            return false;
        return zmqError("send failed", error);
    }
}

Result<std::optional<ReceivedMessage>> Socket::receive(std::chrono::milliseconds timeout) {
    try {
        zmq::pollitem_t item{m_impl->socket.handle(), 0, ZMQ_POLLIN, 0};
        if (zmq::poll(&item, 1, timeout) == 0)
            return std::optional<ReceivedMessage>{};
        ReceivedMessage received;
        for (;;) {
            zmq::message_t frame;
            if (!m_impl->socket.recv(frame, zmq::recv_flags::dontwait))
                return std::optional<ReceivedMessage>{};
            if (received.userId.empty()) {
                // Metadata is per connection, but the ROUTER's own routing-id frame carries
                // none: look at every frame until one has it.
                // zmq_msg_gets, not message_t::gets: the latter throws for absent properties.
                if (const char* user = zmq_msg_gets(frame.handle(), "User-Id"))
                    received.userId = user;
                if (const char* address = zmq_msg_gets(frame.handle(), "Peer-Address"))
                    received.peerAddress = address;
            }
            received.frames.emplace_back(frame.to_string());
            if (!frame.more())
                break;
        }
        return std::optional<ReceivedMessage>(std::move(received));
    } catch (const zmq::error_t& error) {
        if (error.num() == EINVAL || error.num() == EINTR)
            return std::optional<ReceivedMessage>{};
        return zmqError("receive failed", error);
    }
}

Status Socket::enableMonitor(Context& context) {
    const std::string address =
        "inproc://yagura.monitor." + std::to_string(monitorCounter.fetch_add(1));
    try {
        const int events = ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED |
                           ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                           ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                           ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL;
        if (zmq_socket_monitor(m_impl->socket.handle(), address.c_str(), events) != 0)
            return makeError(ErrorCode::Internal, "cannot monitor the socket");
        m_impl->monitor = zmq::socket_t(*static_cast<zmq::context_t*>(context.nativeContext()),
                                        zmq::socket_type::pair);
        m_impl->monitor.connect(address);
        return success();
    } catch (const zmq::error_t& error) {
        return zmqError("cannot monitor the socket", error);
    }
}

std::optional<MonitorEvent> Socket::nextMonitorEvent(std::chrono::milliseconds timeout) {
    if (!m_impl->monitor)
        return std::nullopt;
    try {
        zmq::pollitem_t item{m_impl->monitor.handle(), 0, ZMQ_POLLIN, 0};
        if (zmq::poll(&item, 1, timeout) == 0)
            return std::nullopt;
        zmq::message_t eventFrame;
        zmq::message_t addressFrame;
        if (!m_impl->monitor.recv(eventFrame) || !eventFrame.more() ||
            !m_impl->monitor.recv(addressFrame))
            return std::nullopt;
        std::uint16_t event = 0;
        std::memcpy(&event, eventFrame.data(), sizeof event);
        switch (event) {
        case ZMQ_EVENT_CONNECTED:
            return MonitorEvent::Connected;
        case ZMQ_EVENT_DISCONNECTED:
            return MonitorEvent::Disconnected;
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
            return MonitorEvent::HandshakeSucceeded;
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
            return MonitorEvent::HandshakeFailed;
        default:
            return MonitorEvent::Other;
        }
    } catch (const zmq::error_t&) {
        return std::nullopt;
    }
}

Result<std::vector<bool>> pollReadable(const std::vector<Socket*>& sockets,
                                       std::chrono::milliseconds timeout) {
    std::vector<zmq::pollitem_t> items;
    items.reserve(sockets.size());
    for (Socket* socket : sockets)
        items.push_back({socket->native(), 0, ZMQ_POLLIN, 0});
    try {
        zmq::poll(items.data(), items.size(), timeout);
    } catch (const zmq::error_t& error) {
        if (error.num() != EINTR)
            return zmqError("poll failed", error);
    }
    std::vector<bool> readable;
    readable.reserve(items.size());
    for (const auto& item : items)
        readable.push_back((item.revents & ZMQ_POLLIN) != 0);
    return readable;
}

} // namespace yagura::net
