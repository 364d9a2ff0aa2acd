#pragma once

// What every yagura-ctl command shares: the connection options, the saved session, output.

#include "client/OperatorClient.h"
#include "common/Result.h"

#include <google/protobuf/message.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace yagura::ctl {

using json = nlohmann::json;

struct Connection {
    std::string server;
    std::string serverKey;
    std::string dataDir;
    std::string user;
    std::string passwordFile;
};

// Prints "yagura-ctl: <message>" and exits with `code`.
[[noreturn]] void die(const std::string& message, int code = 1);

template <typename T> T orDie(Result<T> result) {
    if (!result.ok())
        die(result.error().message, result.error().code == ErrorCode::PermissionDenied ? 4 : 1);
    return std::move(result).value();
}

// A client with a session. With --user, a one-shot session that is logged out at the end, so
// scripted commands do not leave sessions behind on the server.
class SessionClient {
public:
    SessionClient(std::unique_ptr<client::OperatorClient> client, bool oneShot)
        : m_client(std::move(client)), m_oneShot(oneShot) {}
    SessionClient(SessionClient&&) = default;
    ~SessionClient() {
        if (m_oneShot && m_client) {
            proto::OperatorRequest logout;
            logout.mutable_logout();
            (void)m_client->call(logout);
        }
    }
    client::OperatorClient* operator->() const { return m_client.get(); }

private:
    std::unique_ptr<client::OperatorClient> m_client;
    bool m_oneShot;
};

// A client with a session: the saved one, or a one-shot login with --user.
SessionClient connectWithSession(const Connection& connection);
client::ServerAddress resolveAddress(const Connection& connection, const json& saved);
std::string readPassword(const std::string& passwordFile);
std::string envOr(const char* name, const std::string& value);
std::filesystem::path sessionFile();
std::string toJson(const google::protobuf::Message& message);
// "never" for 0, else ISO 8601 UTC.
std::string when(std::uint64_t unix);

} // namespace yagura::ctl
