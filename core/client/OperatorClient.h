#pragma once

#include "common/Result.h"
#include "crypto/CurveKeys.h"
#include "net/Zmq.h"
#include "proto/operator.pb.h"

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace yagura::client {

struct ServerAddress {
    std::string endpoint;             // tcp://host:7422
    crypto::CurvePublicKey serverKey; // the site server's CURVE key
};

// A synchronous client of the operator API, for yagura-ctl and the console's worker thread.
// Each instance owns its ZMQ context and socket; use it from one thread.
class OperatorClient {
public:
    // Connects with `clientKeys`, or a fresh ephemeral key pair when none is given.
    static Result<std::unique_ptr<OperatorClient>>
    create(const ServerAddress& address, std::optional<crypto::CurveKeyPair> clientKeys = {},
           std::chrono::milliseconds timeout = std::chrono::milliseconds{10000});
    ~OperatorClient();

    Result<proto::LoginResponse> login(const std::string& user, const std::string& password);
    void setSession(std::string token) { m_sessionToken = std::move(token); }
    const std::string& session() const { return m_sessionToken; }
    const crypto::CurveKeyPair& clientKeys() const { return m_keys; }

    // Sends a request (request id and session filled in) and waits for its response. A server
    // error becomes an Error with the server's code and one-line message.
    Result<proto::OperatorResponse> call(proto::OperatorRequest request);
    // A pushed notification, if one arrives within `timeout` (after subscribe()).
    Result<std::optional<proto::Notification>> nextNotification(std::chrono::milliseconds timeout);
    Status subscribe();

private:
    OperatorClient(net::Context* context, net::Socket socket, crypto::CurveKeyPair keys,
                   std::chrono::milliseconds timeout, std::string endpoint);

    std::unique_ptr<net::Context> m_context;
    net::Socket m_socket;
    crypto::CurveKeyPair m_keys;
    std::chrono::milliseconds m_timeout;
    std::string m_endpoint;
    std::string m_sessionToken;
    std::uint64_t m_nextRequestId = 1;
    std::deque<proto::Notification> m_notifications;
};

ErrorCode errorCodeFromName(std::string_view name);

} // namespace yagura::client
