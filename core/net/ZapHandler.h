#pragma once

#include "common/Result.h"
#include "net/Zmq.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace yagura::net {

struct ZapRequest {
    std::string domain;
    std::string peerAddress;
    std::string mechanism;
    std::string publicKeyZ85; // empty unless the mechanism is CURVE
};

struct ZapDecision {
    bool allow = false;
    std::string reason; // logged on refusal
};

// The ZeroMQ Authentication Protocol (RFC 27) handler. It must be serving before any CURVE
// server socket binds: libzmq lets connections through unauthenticated when no handler
// answers, so Yagura's endpoints check isServing() and refuse to bind otherwise.
class ZapHandler {
public:
    using Policy = std::function<ZapDecision(const ZapRequest&)>;

    ZapHandler(Context& context, Policy policy);
    ~ZapHandler();
    ZapHandler(const ZapHandler&) = delete;
    ZapHandler& operator=(const ZapHandler&) = delete;

    Status start();
    void stop();
    // A live round trip through the handler, not just a flag.
    bool isServing(std::chrono::milliseconds timeout = std::chrono::milliseconds{2000});

    std::uint64_t refusals() const { return m_refusals.load(); }

private:
    void serve();

    Context& m_context;
    Policy m_policy;
    std::thread m_thread;
    std::atomic<bool> m_stopRequested{false};
    std::atomic<bool> m_running{false};
    std::atomic<std::uint64_t> m_refusals{0};
};

// The ZAP domain used for the liveness probe; never assigned to a real socket.
inline constexpr const char* kZapProbeDomain = "yagura.zap-probe";

} // namespace yagura::net
