#include "net/ZapHandler.h"

#include "common/Log.h"

#include <zmq.hpp>

#include <future>

namespace yagura::net {

namespace {
constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
constexpr std::size_t kCurveKeyBytes = 32;
} // namespace

ZapHandler::ZapHandler(Context& context, Policy policy)
    : m_context(context), m_policy(std::move(policy)) {}

ZapHandler::~ZapHandler() {
    stop();
}

Status ZapHandler::start() {
    if (m_running)
        return success();
    std::promise<Status> bound;
    auto boundFuture = bound.get_future();
    m_stopRequested = false;
    m_thread = std::thread([this, &bound] {
        zmq::socket_t socket;
        try {
            socket = zmq::socket_t(*static_cast<zmq::context_t*>(m_context.nativeContext()),
                                   zmq::socket_type::rep);
            socket.set(zmq::sockopt::linger, 0);
            socket.bind(kZapEndpoint);
        } catch (const zmq::error_t& error) {
            bound.set_value(
                makeError(ErrorCode::Unavailable,
                          std::string("cannot start the ZAP handler: ") + error.what()));
            return;
        }
        m_running = true;
        bound.set_value(success());
        while (!m_stopRequested) {
            try {
                zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
                if (zmq::poll(&item, 1, std::chrono::milliseconds{100}) == 0)
                    continue;
                std::vector<zmq::message_t> frames;
                for (;;) {
                    zmq::message_t frame;
                    if (!socket.recv(frame))
                        break;
                    const bool more = frame.more();
                    frames.push_back(std::move(frame));
                    if (!more)
                        break;
                }
                // RFC 27: version, request id, domain, address, identity, mechanism, credentials.
                ZapRequest request;
                std::string version;
                std::string requestId;
                if (frames.size() >= 6) {
                    version = frames[0].to_string();
                    requestId = frames[1].to_string();
                    request.domain = frames[2].to_string();
                    request.peerAddress = frames[3].to_string();
                    request.mechanism = frames[5].to_string();
                    if (request.mechanism == "CURVE" && frames.size() >= 7 &&
                        frames[6].size() == kCurveKeyBytes) {
                        char z85[41] = {};
                        zmq_z85_encode(z85, static_cast<const uint8_t*>(frames[6].data()),
                                       kCurveKeyBytes);
                        request.publicKeyZ85 = z85;
                    }
                }
                ZapDecision decision;
                if (version != "1.0") {
                    decision.reason = "malformed ZAP request";
                } else if (request.domain == kZapProbeDomain) {
                    decision.allow = true;
                } else if (request.mechanism != "CURVE" || request.publicKeyZ85.empty()) {
                    decision.reason = "only CURVE is accepted";
                } else {
                    decision = m_policy(request);
                }
                if (!decision.allow) {
                    ++m_refusals;
                    spdlog::info("refused connection from {} to '{}' (key {}): {}",
                                 request.peerAddress, request.domain, request.publicKeyZ85,
                                 decision.reason);
                }
                const std::string status = decision.allow ? "200" : "400";
                const std::string userId = decision.allow ? request.publicKeyZ85 : std::string{};
                socket.send(zmq::buffer(std::string_view("1.0")), zmq::send_flags::sndmore);
                socket.send(zmq::buffer(requestId), zmq::send_flags::sndmore);
                socket.send(zmq::buffer(status), zmq::send_flags::sndmore);
                socket.send(zmq::buffer(decision.allow ? std::string("OK") : decision.reason),
                            zmq::send_flags::sndmore);
                socket.send(zmq::buffer(userId), zmq::send_flags::sndmore);
                socket.send(zmq::message_t{}, zmq::send_flags::none);
            } catch (const zmq::error_t& error) {
                if (error.num() == ETERM)
                    break;
                spdlog::error("ZAP handler: {}", error.what());
            }
        }
        m_running = false;
    });
    Status status = boundFuture.get();
    if (!status.ok() && m_thread.joinable())
        m_thread.join();
    return status;
}

void ZapHandler::stop() {
    m_stopRequested = true;
    if (m_thread.joinable())
        m_thread.join();
    m_running = false;
}

bool ZapHandler::isServing(std::chrono::milliseconds timeout) {
    if (!m_running)
        return false;
    try {
        zmq::socket_t probe(*static_cast<zmq::context_t*>(m_context.nativeContext()),
                            zmq::socket_type::req);
        probe.set(zmq::sockopt::linger, 0);
        probe.connect(kZapEndpoint);
        const std::string frames[] = {"1.0", "probe", kZapProbeDomain, "", "", "NULL"};
        for (std::size_t i = 0; i < std::size(frames); ++i)
            probe.send(zmq::buffer(frames[i]), i + 1 < std::size(frames) ? zmq::send_flags::sndmore
                                                                         : zmq::send_flags::none);
        zmq::pollitem_t item{probe.handle(), 0, ZMQ_POLLIN, 0};
        if (zmq::poll(&item, 1, timeout) == 0)
            return false;
        std::vector<std::string> reply;
        for (;;) {
            zmq::message_t frame;
            if (!probe.recv(frame))
                return false;
            reply.push_back(frame.to_string());
            if (!frame.more())
                break;
        }
        return reply.size() >= 3 && reply[2] == "200";
    } catch (const zmq::error_t&) {
        return false;
    }
}

} // namespace yagura::net
