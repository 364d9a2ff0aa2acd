#pragma once

#include "common/Result.h"
#include "crypto/CurveKeys.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace yagura::net {

// The only doorway to ZeroMQ: programs outside core/ use these types, never zmq headers.
class Context {
public:
    explicit Context(int ioThreads = 1, int maxSockets = 1024);
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    // The underlying zmq::context_t, for core/net's own use only.
    void* nativeContext() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

struct ReceivedMessage {
    std::vector<std::string> frames;
    // The Z85 CURVE key the ZAP handler authenticated for this message's connection. The only
    // identity a server may trust; empty on client sockets.
    std::string userId;
    std::string peerAddress;
};

struct CurveServerOptions {
    const crypto::CurveKeyPair* serverKeys = nullptr;
    std::string zapDomain;
    std::int64_t maxMessageBytes = 1 << 20;
    std::chrono::milliseconds handshakeTimeout{5000};
};

struct CurveClientOptions {
    const crypto::CurveKeyPair* clientKeys = nullptr;
    crypto::CurvePublicKey serverKey;
    std::int64_t maxMessageBytes = 64 << 20;
    std::chrono::milliseconds handshakeTimeout{5000};
    // Set a routing identity explicitly (tests use it to impersonate another peer's id).
    std::string routingId;
    std::chrono::milliseconds reconnectInterval{100};
    std::chrono::milliseconds reconnectIntervalMax{5000};
};

enum class MonitorEvent { Connected, Disconnected, HandshakeSucceeded, HandshakeFailed, Other };

class Socket {
public:
    Socket(Socket&&) noexcept;
    Socket& operator=(Socket&&) noexcept;
    ~Socket();

    // ROUTER, CURVE server, ZAP domain set, ROUTER_MANDATORY, MAXMSGSIZE and handshake timeout.
    static Result<Socket> curveRouter(Context& context, const CurveServerOptions& options);
    // DEALER, CURVE client.
    static Result<Socket> curveDealer(Context& context, const CurveClientOptions& options);

    // Binds and returns the resolved endpoint (a "tcp://host:*" wildcard becomes a real port).
    Result<std::string> bind(const std::string& endpoint);
    Status connect(const std::string& endpoint);

    // False when the message could not be queued (would block, or the peer is gone).
    Result<bool> send(const std::vector<std::string>& frames);
    // Empty optional on timeout.
    Result<std::optional<ReceivedMessage>> receive(std::chrono::milliseconds timeout);

    // Socket lifecycle events (for reconnect logic and tests).
    Status enableMonitor(Context& context);
    std::optional<MonitorEvent> nextMonitorEvent(std::chrono::milliseconds timeout);

    void* native() const;

private:
    Socket();
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Waits until one of the sockets is readable; returns a flag per socket.
Result<std::vector<bool>> pollReadable(const std::vector<Socket*>& sockets,
                                       std::chrono::milliseconds timeout);

} // namespace yagura::net
