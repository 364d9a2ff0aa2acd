#include "ctl/CtlSupport.h"

#include "common/Files.h"
#include "common/Text.h"

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <termios.h>
#include <unistd.h>

namespace yagura::ctl {

std::string envOr(const char* name, const std::string& value) {
    if (!value.empty())
        return value;
    const char* env = std::getenv(name);
    return env ? env : std::string{};
}

std::filesystem::path sessionFile() {
    if (const char* override = std::getenv("YAGURA_CTL_SESSION"))
        return override;
    std::filesystem::path base;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        base = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home)
        base = std::filesystem::path(home) / ".config";
    else
        base = "/tmp";
    return base / "yagura" / "ctl-session.json";
}

[[noreturn]] void die(const std::string& message, int code) {
    std::fprintf(stderr, "yagura-ctl: %s\n", message.c_str());
    std::exit(code);
}

// Server address and key: flags, then the environment, then a local data directory.
client::ServerAddress resolveAddress(const Connection& connection, const json& saved) {
    std::string endpoint = envOr("YAGURA_SERVER", connection.server);
    std::string key = envOr("YAGURA_SERVER_KEY", connection.serverKey);
    const std::string dataDir = envOr("YAGURA_DATA_DIR", connection.dataDir);
    if (!dataDir.empty()) {
        if (key.empty()) {
            auto content = files::readFile(std::filesystem::path(dataDir) / "server.pub", 4096);
            if (!content.ok())
                die(content.error().message);
            for (std::string_view line : text::split(*content, '\n'))
                if (text::startsWith(line, "public = "))
                    key = std::string(text::trim(line.substr(9)));
        }
        if (endpoint.empty()) {
            auto content =
                files::readFile(std::filesystem::path(dataDir) / "run" / "endpoints.json", 65536);
            if (!content.ok())
                die("the server in " + dataDir + " is not running (" + content.error().message +
                    ")");
            try {
                endpoint = json::parse(*content).at("operator").at(0).get<std::string>();
                for (const std::string wildcard : {"tcp://*:", "tcp://0.0.0.0:"})
                    if (text::startsWith(endpoint, wildcard))
                        endpoint = "tcp://127.0.0.1:" + endpoint.substr(wildcard.size());
                if (text::startsWith(endpoint, "tcp://[::]:"))
                    endpoint = "tcp://[::1]:" + endpoint.substr(11);
            } catch (const json::exception&) {
                die(dataDir + "/run/endpoints.json is corrupt");
            }
        }
    }
    if (endpoint.empty() && saved.contains("server"))
        endpoint = saved["server"].get<std::string>();
    if (key.empty() && saved.contains("server_key"))
        key = saved["server_key"].get<std::string>();
    if (endpoint.empty())
        die("no server given: use --server tcp://HOST:7422 (or YAGURA_SERVER), or --data-dir", 2);
    if (key.empty())
        die("no server key given: use --server-key (or YAGURA_SERVER_KEY), or --data-dir", 2);
    auto parsed = crypto::CurvePublicKey::parse(key);
    if (!parsed.ok())
        die("the server key is invalid: " + parsed.error().message, 2);
    return {endpoint, *parsed};
}

json loadSavedSession() {
    const auto path = sessionFile();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return json::object();
    if (auto status = files::checkPrivateFile(path); !status.ok())
        die(status.error().message);
    auto content = files::readFile(path, 65536);
    if (!content.ok())
        return json::object();
    try {
        return json::parse(*content);
    } catch (const json::exception&) {
        die("the saved session " + path.string() + " is corrupt; run 'yagura-ctl login' again");
    }
}

std::string readPassword(const std::string& passwordFile) {
    if (!passwordFile.empty()) {
        auto content = files::readFile(passwordFile, 4096);
        if (!content.ok())
            die(content.error().message);
        return std::string(text::trim(*content));
    }
    if (!::isatty(STDIN_FILENO))
        die("no password: use --password-file or YAGURA_PASSWORD_FILE", 2);
    std::fprintf(stderr, "Password: ");
    termios old{};
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::string password;
    std::getline(std::cin, password);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
    return password;
}

SessionClient connectWithSession(const Connection& connection) {
    const json saved = loadSavedSession();
    const auto address = resolveAddress(connection, saved);
    const std::string user = envOr("YAGURA_USER", connection.user);
    const std::string passwordFile = envOr("YAGURA_PASSWORD_FILE", connection.passwordFile);
    if (!user.empty()) {
        auto client = orDie(client::OperatorClient::create(address));
        orDie(client->login(user, readPassword(passwordFile)));
        return SessionClient(std::move(client), true);
    }
    if (!saved.contains("session_token") || !saved.contains("client_public"))
        die("not logged in: run 'yagura-ctl login' or pass --user and --password-file", 2);
    // The session is bound to the key pair it logged in with, so the saved key pair is reused.
    auto keys = crypto::CurveKeyPair::fromZ85(saved.value("client_public", std::string{}),
                                              saved.value("client_secret", std::string{}));
    if (!keys.ok())
        die("the saved session is corrupt; run 'yagura-ctl login' again");
    auto client = orDie(client::OperatorClient::create(address, *keys));
    auto token = text::fromBase64Url(saved["session_token"].get<std::string>());
    if (!token.ok())
        die("the saved session is corrupt; run 'yagura-ctl login' again");
    client->setSession(*token);
    return SessionClient(std::move(client), false);
}

std::string toJson(const google::protobuf::Message& message) {
    std::string out;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    options.always_print_primitive_fields = true;
    options.add_whitespace = true;
    (void)google::protobuf::util::MessageToJsonString(message, &out, options);
    return out;
}

std::string when(std::uint64_t unix) {
    return unix == 0 ? std::string("never") : text::isoTimeUtc(static_cast<std::int64_t>(unix));
}

} // namespace yagura::ctl
