#include "agent/Enrolment.h"

#include "common/Files.h"
#include "common/Text.h"
#include "common/Version.h"
#include "crypto/EnrolmentToken.h"
#include "proto/Envelope.h"

#include <unistd.h>

namespace yagura::agent {

namespace {
std::string readFirstLine(const std::filesystem::path& path) {
    auto content = files::readFile(path, 65536);
    if (!content.ok())
        return {};
    return std::string(text::trim(text::split(*content, '\n').front()));
}

std::string osPrettyName() {
    for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
        auto content = files::readFile(path, 65536);
        if (!content.ok())
            continue;
        for (std::string_view line : text::split(*content, '\n')) {
            if (text::startsWith(line, "PRETTY_NAME=")) {
                std::string_view value = text::trim(line.substr(12));
                if (value.size() >= 2 && (value.front() == '"' || value.front() == '\''))
                    value = value.substr(1, value.size() - 2);
                return std::string(value);
            }
        }
    }
    return "Linux";
}

std::string hostName() {
    char buffer[256] = {};
    if (::gethostname(buffer, sizeof buffer - 1) != 0)
        return {};
    return buffer;
}

std::string stateName(proto::AgentState state) {
    switch (state) {
    case proto::PENDING:
        return "pending";
    case proto::ACCEPTED:
        return "accepted";
    case proto::REJECTED:
        return "rejected";
    case proto::REVOKED:
        return "revoked";
    default:
        return "unknown";
    }
}
} // namespace

Result<proto::EnrolResult> requestEnrolment(net::Context& context, const crypto::CurveKeyPair& keys,
                                            const crypto::CurvePublicKey& serverKey,
                                            const std::vector<std::string>& endpoints,
                                            const proto::Enrol& enrol,
                                            std::chrono::milliseconds timeout) {
    std::string lastProblem = "no enrolment endpoint given";
    const auto perEndpoint = timeout / static_cast<int>(std::max<std::size_t>(1, endpoints.size()));
    for (const auto& endpoint : endpoints) {
        net::CurveClientOptions options;
        options.clientKeys = &keys;
        options.serverKey = serverKey;
        options.maxMessageBytes = 1 << 20;
        YAGURA_ASSIGN_OR_RETURN(auto socket, net::Socket::curveDealer(context, options));
        if (auto status = socket.connect(endpoint); !status.ok()) {
            lastProblem = status.error().message;
            continue;
        }
        YAGURA_ASSIGN_OR_RETURN(const bool queued,
                                socket.send({protocol::pack(proto::ENROL, 1, enrol)}));
        if (!queued) {
            lastProblem = "cannot queue the request to " + endpoint;
            continue;
        }
        YAGURA_ASSIGN_OR_RETURN(auto reply, socket.receive(perEndpoint));
        if (!reply) {
            lastProblem = "no answer from " + endpoint + " within " +
                          std::to_string(perEndpoint.count() / 1000) +
                          " s (server unreachable, or it does not hold the token's server key)";
            continue;
        }
        auto envelope = protocol::unpack(reply->frames.back());
        if (!envelope.ok() || envelope->type() != proto::ENROL_RESULT)
            return makeError(ErrorCode::Protocol, "the server sent an unexpected reply to Enrol");
        return protocol::parsePayload<proto::EnrolResult>(*envelope);
    }
    return makeError(ErrorCode::Unavailable, "cannot reach the server: " + lastProblem);
}

Result<EnrolmentState> enrolAgent(const EnrolOptions& options, const StateDir& stateDir,
                                  const Clock& clock) {
    YAGURA_ASSIGN_OR_RETURN(const auto token, crypto::decodeEnrolmentToken(options.token, clock));
    if (stateDir.isEnrolled())
        return makeError(ErrorCode::AlreadyExists,
                         "this agent is already enrolled (state in " + stateDir.root().string() +
                             "); use another --state-dir or remove it first");
    YAGURA_ASSIGN_OR_RETURN(const auto serverKey,
                            crypto::CurvePublicKey::parse(token.server_public_key()));
    YAGURA_ASSIGN_OR_RETURN(const auto keys, crypto::CurveKeyPair::generate());

    proto::Enrol enrol;
    enrol.set_token_id(token.token_id());
    enrol.set_token_secret(token.secret());
    enrol.set_hostname(options.hostname.empty() ? hostName() : options.hostname);
    enrol.set_machine_id(options.machineId.empty() ? readFirstLine("/etc/machine-id")
                                                   : options.machineId);
    enrol.set_agent_version(kVersion);
    enrol.set_os_pretty_name(options.osPrettyName.empty() ? osPrettyName() : options.osPrettyName);

    net::Context context;
    const std::vector<std::string> enrolEndpoints(token.enrol_endpoints().begin(),
                                                  token.enrol_endpoints().end());
    YAGURA_ASSIGN_OR_RETURN(
        const auto result,
        requestEnrolment(context, keys, serverKey, enrolEndpoints, enrol, options.timeout));
    if (!result.ok())
        return makeError(ErrorCode::PermissionDenied, result.error());

    EnrolmentState state;
    state.agentId = result.agent_id();
    state.state = stateName(result.state());
    state.serverPublicKey = serverKey.z85();
    state.agentEndpoints.assign(token.agent_endpoints().begin(), token.agent_endpoints().end());
    if (state.agentEndpoints.empty())
        state.agentEndpoints.assign(result.agent_endpoints().begin(),
                                    result.agent_endpoints().end());
    state.enrolEndpoints = enrolEndpoints;
    state.enrolledAt = clock.nowUnixSeconds();

    YAGURA_TRY(files::ensureDirectory(stateDir.root(), 0700));
    YAGURA_TRY(keys.save(stateDir.keyFile()));
    if (auto saved = stateDir.saveEnrolment(state); !saved.ok()) {
        std::error_code ec;
        std::filesystem::remove(stateDir.keyFile(), ec);
        return saved.error();
    }
    return state;
}

} // namespace yagura::agent
