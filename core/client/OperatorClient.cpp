#include "client/OperatorClient.h"

#include "common/Version.h"

namespace yagura::client {

ErrorCode errorCodeFromName(std::string_view name) {
    for (ErrorCode code :
         {ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::AlreadyExists,
          ErrorCode::PermissionDenied, ErrorCode::Unauthenticated, ErrorCode::Expired,
          ErrorCode::Exhausted, ErrorCode::RateLimited, ErrorCode::Corrupt, ErrorCode::Crypto,
          ErrorCode::Io, ErrorCode::Protocol, ErrorCode::Unavailable, ErrorCode::Conflict})
        if (errorCodeName(code) == name)
            return code;
    return ErrorCode::Internal;
}

OperatorClient::OperatorClient(net::Context* context, net::Socket socket, crypto::CurveKeyPair keys,
                               std::chrono::milliseconds timeout, std::string endpoint)
    : m_context(context), m_socket(std::move(socket)), m_keys(std::move(keys)), m_timeout(timeout),
      m_endpoint(std::move(endpoint)) {}

// Members are destroyed in reverse order: the socket closes before its context.
OperatorClient::~OperatorClient() = default;

Result<std::unique_ptr<OperatorClient>>
OperatorClient::create(const ServerAddress& address, std::optional<crypto::CurveKeyPair> clientKeys,
                       std::chrono::milliseconds timeout) {
    if (!clientKeys) {
        YAGURA_ASSIGN_OR_RETURN(clientKeys, crypto::CurveKeyPair::generate());
    }
    auto context = std::make_unique<net::Context>();
    net::CurveClientOptions options;
    options.clientKeys = &*clientKeys;
    options.serverKey = address.serverKey;
    options.maxMessageBytes = 256 << 20;
    YAGURA_ASSIGN_OR_RETURN(auto socket, net::Socket::curveDealer(*context, options));
    YAGURA_TRY(socket.connect(address.endpoint));
    return std::unique_ptr<OperatorClient>(new OperatorClient(
        context.release(), std::move(socket), std::move(*clientKeys), timeout, address.endpoint));
}

Result<proto::OperatorResponse> OperatorClient::call(proto::OperatorRequest request) {
    const std::uint64_t id = m_nextRequestId++;
    request.set_request_id(id);
    request.set_protocol_version(kProtocolVersion);
    if (!m_sessionToken.empty() && request.session_token().empty())
        request.set_session_token(m_sessionToken);
    YAGURA_ASSIGN_OR_RETURN(const bool queued, m_socket.send({request.SerializeAsString()}));
    if (!queued)
        return makeError(ErrorCode::Unavailable, "cannot send to the server at " + m_endpoint);
    const auto deadline = std::chrono::steady_clock::now() + m_timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return makeError(ErrorCode::Unavailable,
                             "no answer from the server at " + m_endpoint +
                                 " (not running, unreachable, or a different server key)");
        YAGURA_ASSIGN_OR_RETURN(auto message, m_socket.receive(left));
        if (!message)
            continue;
        proto::OperatorMessage reply;
        if (!reply.ParseFromString(message->frames.back()))
            return makeError(ErrorCode::Protocol, "the server sent a malformed message");
        if (reply.has_notification()) {
            if (m_notifications.size() < 10000)
                m_notifications.push_back(reply.notification());
            continue;
        }
        if (!reply.has_response() || reply.response().request_id() != id)
            continue; // a late answer to an earlier, abandoned request
        const auto& response = reply.response();
        if (response.has_error())
            return makeError(errorCodeFromName(response.error().code()),
                             response.error().message());
        return response;
    }
}

Result<proto::LoginResponse> OperatorClient::login(const std::string& user,
                                                   const std::string& password) {
    proto::OperatorRequest request;
    request.mutable_login()->set_user(user);
    request.mutable_login()->set_password(password);
    YAGURA_ASSIGN_OR_RETURN(const auto response, call(std::move(request)));
    m_sessionToken = response.login().session_token();
    return response.login();
}

Status OperatorClient::subscribe() {
    proto::OperatorRequest request;
    request.mutable_subscribe();
    YAGURA_TRY(call(std::move(request)));
    return success();
}

Result<std::optional<proto::Notification>>
OperatorClient::nextNotification(std::chrono::milliseconds timeout) {
    if (!m_notifications.empty()) {
        auto notification = std::move(m_notifications.front());
        m_notifications.pop_front();
        return std::optional<proto::Notification>(std::move(notification));
    }
    YAGURA_ASSIGN_OR_RETURN(auto message, m_socket.receive(timeout));
    if (!message)
        return std::optional<proto::Notification>{};
    proto::OperatorMessage reply;
    if (!reply.ParseFromString(message->frames.back()))
        return makeError(ErrorCode::Protocol, "the server sent a malformed message");
    if (!reply.has_notification())
        return std::optional<proto::Notification>{};
    return std::optional<proto::Notification>(reply.notification());
}

} // namespace yagura::client
