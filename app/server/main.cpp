// yagura-server: the site engine. See docs/cli.md.
#include "common/Files.h"
#include "common/Log.h"
#include "common/Text.h"
#include "common/Version.h"
#include "crypto/PasswordHash.h"
#include "server/Server.h"
#include "server/Site.h"

#include "common/CommandLine.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace yagura;

namespace {
std::atomic<bool> g_stopRequested{false};

void onSignal(int) {
    g_stopRequested = true;
}

int fail(const Error& error) {
    std::fprintf(stderr, "yagura-server: %s\n", error.message.c_str());
    return 1;
}

std::string localActor() {
    const passwd* pw = ::getpwuid(::getuid());
    return std::string("cli:") + (pw ? pw->pw_name : std::to_string(::getuid()));
}

int runInit(const std::string& dataDir, const std::string& passphraseFile,
            const std::string& adminPasswordFile) {
    server::InitOptions options;
    options.dataDir = dataDir;
    if (!passphraseFile.empty())
        options.passphraseFile = passphraseFile;
    if (!adminPasswordFile.empty())
        options.adminPasswordFile = adminPasswordFile;
    auto result = server::initSite(options, SystemClock::instance());
    if (!result.ok())
        return fail(result.error());
    std::printf("Initialised a Yagura site in %s\n", dataDir.c_str());
    std::printf("Server key fingerprint: %s\n", result->serverKey.fingerprint().c_str());
    if (!result->adminPassword.empty())
        std::printf("First administrator: admin\nPassword (shown once, store it now): %s\n",
                    result->adminPassword.c_str());
    else
        std::printf("First administrator: admin (password from %s)\n", adminPasswordFile.c_str());
    return 0;
}

int runServer(const std::string& dataDir, const std::vector<std::string>& agentBind,
              const std::vector<std::string>& enrolBind,
              const std::vector<std::string>& operatorBind, unsigned heartbeatSeconds) {
    const server::SiteLayout layout{dataDir};
    auto config = server::loadServerConfig(layout);
    if (!config.ok())
        return fail(config.error());
    if (!agentBind.empty())
        config->agentBind = agentBind;
    if (!enrolBind.empty())
        config->enrolBind = enrolBind;
    if (!operatorBind.empty())
        config->operatorBind = operatorBind;
    if (heartbeatSeconds != 0)
        config->heartbeatIntervalSeconds = heartbeatSeconds;

    server::ServerOptions options;
    options.layout = layout;
    options.config = *config;
    auto created = server::Server::create(options);
    if (!created.ok())
        return fail(created.error());
    auto& srv = **created;
    if (auto started = srv.start(); !started.ok())
        return fail(started.error());

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGPIPE, SIG_IGN);
    const auto& endpoints = srv.endpoints();
    auto join = [](const std::vector<std::string>& list) {
        std::string out;
        for (const auto& item : list)
            out += (out.empty() ? "" : ",") + item;
        return out;
    };
    std::printf("yagura-server %s listening: agent=%s enrol=%s operator=%s\n", kVersion,
                join(endpoints.agent).c_str(), join(endpoints.enrol).c_str(),
                join(endpoints.operatorApi).c_str());
    std::fflush(stdout);
    spdlog::info("server key fingerprint {}", srv.publicKey().fingerprint());
    if (auto status = srv.run(g_stopRequested); !status.ok())
        return fail(status.error());
    spdlog::info("stopped");
    return 0;
}

int runTokenCreate(const std::string& dataDir, std::vector<std::string> endpoints,
                   std::vector<std::string> enrolEndpoints, const std::string& expires,
                   std::int64_t uses, const std::string& group, bool autoAccept) {
    auto validFor = text::parseDuration(expires);
    if (!validFor.ok())
        return fail(
            makeError(ErrorCode::InvalidArgument, "--expires: " + validFor.error().message));
    const server::SiteLayout layout{dataDir};
    auto store = server::openSiteStore(layout, SystemClock::instance());
    if (!store.ok())
        return fail(store.error());

    // Without --endpoint, use what the running server bound (or the configured addresses).
    std::vector<std::string> boundAgent;
    std::vector<std::string> boundEnrol;
    if (auto runtime = server::loadRuntimeEndpoints(layout); runtime.ok()) {
        boundAgent = runtime->agent;
        boundEnrol = runtime->enrol;
    } else if (auto config = server::loadServerConfig(layout); config.ok()) {
        boundAgent = config->agentBind;
        boundEnrol = config->enrolBind;
    }
    if (endpoints.empty())
        for (const auto& endpoint : boundAgent)
            endpoints.push_back(server::dialableEndpoint(endpoint));
    if (enrolEndpoints.empty()) {
        // Same hosts as --endpoint, on the enrol port the server listens on.
        const std::string enrolPort =
            boundEnrol.empty() ? "7421"
                               : boundEnrol.front().substr(boundEnrol.front().rfind(':') + 1);
        for (const auto& endpoint : endpoints)
            enrolEndpoints.push_back(endpoint.substr(0, endpoint.rfind(':') + 1) + enrolPort);
    }
    for (const auto& endpoint : endpoints)
        if (!text::startsWith(endpoint, "tcp://") || endpoint.rfind(':') <= 6)
            return fail(makeError(ErrorCode::InvalidArgument,
                                  "--endpoint '" + endpoint + "' must look like tcp://HOST:PORT"));

    server::TokenOptions options;
    options.agentEndpoints = endpoints;
    options.enrolEndpoints = enrolEndpoints;
    options.validFor = *validFor;
    options.uses = uses;
    options.group = group;
    options.autoAccept = autoAccept;
    options.createdBy = localActor();
    auto token = server::createEnrolmentToken(layout, *store, options);
    if (!token.ok())
        return fail(token.error());
    std::printf("%s\n", token->c_str());
    return 0;
}

int runUserAdd(const std::string& dataDir, const std::string& name, const std::string& roleText,
               const std::string& passwordFile) {
    const auto role = server::parseRole(roleText);
    if (!role)
        return fail(
            makeError(ErrorCode::InvalidArgument, "--role must be admin, analyst or auditor"));
    if (name.empty() || name.size() > 64 || name.find_first_of(" \t\n:") != std::string::npos)
        return fail(makeError(ErrorCode::InvalidArgument,
                              "--name must be 1-64 characters without spaces or ':'"));
    auto content = files::readFile(passwordFile, 4096);
    if (!content.ok())
        return fail(content.error());
    const std::string password(text::trim(*content));
    if (password.size() < 12)
        return fail(
            makeError(ErrorCode::InvalidArgument, "the password must be at least 12 characters"));
    auto hash = crypto::hashPassword(password);
    if (!hash.ok())
        return fail(hash.error());
    auto store = server::openSiteStore(server::SiteLayout{dataDir}, SystemClock::instance());
    if (!store.ok())
        return fail(store.error());
    auto transaction = store->database().beginImmediate();
    if (!transaction.ok())
        return fail(transaction.error());
    if (auto status = store->insertUser({name, *role, *hash, false}); !status.ok())
        return fail(status.error());
    if (auto status = store->audit({localActor(), "user.create", name, "ok", "role " + roleText});
        !status.ok())
        return fail(status.error());
    if (auto status = transaction->commit(); !status.ok())
        return fail(status.error());
    std::printf("Created user %s (%s)\n", name.c_str(), roleText.c_str());
    return 0;
}
} // namespace

int main(int argc, char** argv) {
    ::umask(077);
    // One descriptor per connected agent: take the whole hard limit the system allows.
    if (rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    CLI::App app{"yagura-server: the Yagura site engine"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("yagura-server ") + kVersion);
    std::string logLevel;
    app.add_option("--log-level", logLevel, "trace, debug, info, warn, error");

    std::string dataDir;
    std::string passphraseFile;
    std::string adminPasswordFile;
    auto* init = app.add_subcommand("init", "Create a new site in a data directory");
    init->add_option("--data-dir", dataDir, "Site data directory")->required();
    init->add_option("--passphrase-file", passphraseFile,
                     "Key the store with the passphrase in this file instead of a key file");
    init->add_option("--admin-password-file", adminPasswordFile,
                     "Take the first admin's password from this file");

    std::vector<std::string> agentBind;
    std::vector<std::string> enrolBind;
    std::vector<std::string> operatorBind;
    unsigned heartbeatSeconds = 0;
    auto* run = app.add_subcommand("run", "Serve agents and operators");
    run->add_option("--data-dir", dataDir, "Site data directory")->required();
    run->add_option("--agent-bind", agentBind, "Agent endpoint address (repeatable)");
    run->add_option("--enrol-bind", enrolBind, "Enrolment endpoint address (repeatable)");
    run->add_option("--operator-bind", operatorBind, "Operator API address (repeatable)");
    run->add_option("--heartbeat-interval", heartbeatSeconds, "Seconds between agent heartbeats")
        ->check(CLI::Range(1, 3600));

    std::vector<std::string> endpoints;
    std::vector<std::string> enrolEndpoints;
    std::string expires = "24h";
    std::int64_t uses = 1;
    std::string group;
    bool autoAccept = false;
    auto* token = app.add_subcommand("token", "Enrolment tokens");
    token->require_subcommand(1);
    auto* tokenCreate = token->add_subcommand("create", "Create an enrolment token");
    tokenCreate->add_option("--data-dir", dataDir, "Site data directory")->required();
    tokenCreate->add_option("--endpoint", endpoints,
                            "Agent endpoint agents should dial, tcp://HOST:PORT (repeatable)");
    tokenCreate->add_option("--enrol-endpoint", enrolEndpoints,
                            "Enrolment endpoint agents should dial (default: --endpoint hosts on "
                            "the enrolment port)");
    tokenCreate->add_option("--expires", expires, "Validity, e.g. 30m, 24h, 7d");
    tokenCreate->add_option("--uses", uses, "How many agents may enrol with it");
    tokenCreate->add_option("--group", group, "Group the agents join");
    tokenCreate->add_flag("--auto-accept", autoAccept, "Accept agents without approval");

    std::string userName;
    std::string role;
    std::string passwordFile;
    auto* user = app.add_subcommand("user", "Local user administration");
    user->require_subcommand(1);
    auto* userAdd = user->add_subcommand("add", "Add an operator account");
    userAdd->add_option("--data-dir", dataDir, "Site data directory")->required();
    userAdd->add_option("--name", userName, "User name")->required();
    userAdd->add_option("--role", role, "admin, analyst or auditor")->required();
    userAdd->add_option("--password-file", passwordFile, "File holding the password")->required();

    if (const auto exitCode = cli::parse(app, argc, argv, "yagura-server"))
        return *exitCode;
    log::setup("yagura-server", logLevel);

    if (init->parsed())
        return runInit(dataDir, passphraseFile, adminPasswordFile);
    if (run->parsed())
        return runServer(dataDir, agentBind, enrolBind, operatorBind, heartbeatSeconds);
    if (tokenCreate->parsed())
        return runTokenCreate(dataDir, endpoints, enrolEndpoints, expires, uses, group, autoAccept);
    if (userAdd->parsed())
        return runUserAdd(dataDir, userName, role, passwordFile);
    return 2;
}
