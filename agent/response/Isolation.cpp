#include "response/Isolation.h"

#include "common/Files.h"
#include "common/Log.h"
#include "common/Text.h"
#include "response/IsolationRules.h"

#include <arpa/inet.h>
#include <cstring>
#include <memory>
#include <netdb.h>
#include <nftables/libnftables.h>
#include <set>

namespace yagura::agent {

namespace {
struct ContextFree {
    void operator()(nft_ctx* context) const { nft_ctx_free(context); }
};

// Runs nft commands as one batch (one kernel transaction); the output, or the first line of
// nft's error message.
Result<std::string> runNft(const std::string& commands) {
    std::unique_ptr<nft_ctx, ContextFree> context(nft_ctx_new(NFT_CTX_DEFAULT));
    if (!context)
        return makeError(ErrorCode::Unavailable, "isolation: cannot create an nftables context");
    nft_ctx_buffer_output(context.get());
    nft_ctx_buffer_error(context.get());
    if (nft_run_cmd_from_buffer(context.get(), commands.c_str()) != 0) {
        std::string error = nft_ctx_get_error_buffer(context.get());
        if (const auto newline = error.find('\n'); newline != std::string::npos)
            error.resize(newline);
        const bool missing = error.find("No such file or directory") != std::string::npos;
        const bool denied = error.find("Operation not permitted") != std::string::npos;
        return makeError(
            missing  ? ErrorCode::NotFound
            : denied ? ErrorCode::PermissionDenied
                     : ErrorCode::Io,
            "nftables: " + (error.empty() ? std::string("the command failed") : error) +
                (denied ? " (needs root with CAP_NET_ADMIN)" : ""));
    }
    return std::string(nft_ctx_get_output_buffer(context.get()));
}

// The host's DNS servers (nameserver lines of /etc/resolv.conf), numeric: what "allow DNS" lets
// the host reach on port 53, and nothing else.
std::vector<std::string> hostResolvers() {
    std::vector<std::string> resolvers;
    auto text = files::readFile("/etc/resolv.conf", 1 << 16);
    if (!text.ok())
        return resolvers;
    for (std::string_view line : text::split(*text, '\n')) {
        line = text::trim(line);
        if (!text::startsWith(line, "nameserver"))
            continue;
        std::string address(text::trim(line.substr(10)));
        // An IPv6 link-local address may carry a zone (%eth0), which nft does not take.
        address = address.substr(0, address.find('%'));
        unsigned char buffer[16];
        if (::inet_pton(AF_INET, address.c_str(), buffer) == 1 ||
            ::inet_pton(AF_INET6, address.c_str(), buffer) == 1)
            resolvers.push_back(address);
    }
    return resolvers;
}

// Numeric addresses for a host name or address; resolved before the table cuts DNS.
Result<std::vector<std::string>> resolve(const std::string& host) {
    unsigned char buffer[16];
    if (::inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
        ::inet_pton(AF_INET6, host.c_str(), buffer) == 1)
        return std::vector<std::string>{host};
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int error = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); error != 0)
        return makeError(ErrorCode::Unavailable, "isolation: cannot resolve the server name '" +
                                                     host + "': " + ::gai_strerror(error));
    std::vector<std::string> addresses;
    for (addrinfo* entry = found; entry; entry = entry->ai_next) {
        char text[INET6_ADDRSTRLEN] = {};
        const void* raw = entry->ai_family == AF_INET
                              ? static_cast<const void*>(
                                    &reinterpret_cast<sockaddr_in*>(entry->ai_addr)->sin_addr)
                              : static_cast<const void*>(
                                    &reinterpret_cast<sockaddr_in6*>(entry->ai_addr)->sin6_addr);
        if (::inet_ntop(entry->ai_family, raw, text, sizeof text))
            addresses.emplace_back(text);
    }
    ::freeaddrinfo(found);
    return addresses;
}
} // namespace

Isolation::Isolation(std::filesystem::path stateFile) : m_stateFile(std::move(stateFile)) {}

Result<std::string> Isolation::listTable() {
    return runNft(std::string("list table inet ") + response::kIsolationTable);
}

Status Isolation::putInForce(const proto::IsolationState& state) {
    const std::vector<std::string> addresses(state.server_addresses().begin(),
                                             state.server_addresses().end());
    const std::vector<std::string> resolvers(state.dns_servers().begin(),
                                             state.dns_servers().end());
    YAGURA_ASSIGN_OR_RETURN(const std::string ruleset,
                            response::isolationRuleset(state.spec(), addresses, resolvers));
    YAGURA_TRY(runNft(ruleset));
    YAGURA_ASSIGN_OR_RETURN(m_expectedListing, listTable());
    return success();
}

Status Isolation::apply(const proto::IsolationSpec& spec,
                        const std::vector<std::string>& ownEndpoints, std::uint64_t commandId,
                        std::int64_t nowUnixMs) {
    proto::IsolationState state;
    state.set_command_id(commandId);
    *state.mutable_spec() = spec;
    state.set_applied_at_unix_ms(static_cast<std::uint64_t>(nowUnixMs));
    std::set<std::string> seen;
    std::vector<std::string> hosts(spec.server_addresses().begin(), spec.server_addresses().end());
    for (const auto& endpoint : ownEndpoints) {
        auto hostPort = response::splitTcpEndpoint(endpoint);
        if (!hostPort.ok())
            continue;
        if (hostPort->second != spec.server_port())
            return makeError(ErrorCode::InvalidArgument,
                             "isolation: this agent reaches the server on port " +
                                 std::to_string(hostPort->second) + ", the command allows " +
                                 std::to_string(spec.server_port()));
        hosts.push_back(hostPort->first);
    }
    for (const auto& host : hosts) {
        YAGURA_ASSIGN_OR_RETURN(const auto addresses, resolve(host));
        for (const auto& address : addresses)
            if (seen.insert(address).second)
                state.add_server_addresses(address);
    }
    if (spec.allow_dns())
        for (const auto& resolver : hostResolvers())
            state.add_dns_servers(resolver);
    if (m_state) {
        proto::IsolationState replaced = *m_state;
        replaced.clear_previous();
        state.set_previous(replaced.SerializeAsString());
    }
    YAGURA_TRY(putInForce(state));
    // In force first, remembered second: a crash in between leaves the table without a record,
    // and the next isolate or release command settles it.
    if (auto saved = files::writeFileAtomic(m_stateFile, state.SerializeAsString(), 0600);
        !saved.ok()) {
        (void)runNft(std::string("delete table inet ") + response::kIsolationTable);
        return saved;
    }
    m_state = std::move(state);
    spdlog::info("isolation in force (command {}): {} server address(es), {} allowlisted flow(s)",
                 commandId, m_state->server_addresses_size(), spec.allow_size());
    return success();
}

Status Isolation::rollback(std::uint64_t commandId) {
    if (!m_state || m_state->command_id() != commandId)
        return success();
    proto::IsolationState previous;
    if (m_state->previous().empty() || !previous.ParseFromString(m_state->previous()))
        return release();
    YAGURA_TRY(putInForce(previous));
    YAGURA_TRY(files::writeFileAtomic(m_stateFile, previous.SerializeAsString(), 0600));
    m_state = std::move(previous);
    spdlog::warn("isolation of command {} rolled back to that of command {}", commandId,
                 m_state->command_id());
    return success();
}

Status Isolation::release() {
    auto removed = runNft(std::string("delete table inet ") + response::kIsolationTable);
    if (!removed.ok() && removed.error().code != ErrorCode::NotFound)
        return removed.error();
    std::error_code ec;
    std::filesystem::remove(m_stateFile, ec);
    if (ec)
        return makeError(ErrorCode::Io, "isolation released, but its record " +
                                            m_stateFile.string() +
                                            " could not be removed: " + ec.message());
    m_state.reset();
    m_expectedListing.clear();
    spdlog::info("isolation released");
    return success();
}

Result<bool> Isolation::restore() {
    if (!std::filesystem::exists(m_stateFile))
        return false;
    YAGURA_ASSIGN_OR_RETURN(const std::string bytes, files::readFile(m_stateFile, 1 << 20));
    proto::IsolationState state;
    if (!state.ParseFromString(bytes))
        return makeError(ErrorCode::Corrupt,
                         "isolation: " + m_stateFile.string() + " is not an isolation record");
    YAGURA_TRY(putInForce(state));
    m_state = std::move(state);
    spdlog::warn("isolation re-applied at start (command {})", m_state->command_id());
    return true;
}

Result<std::string> Isolation::verifyAndRepair() {
    if (!m_state)
        return std::string();
    auto listing = listTable();
    std::string found;
    if (!listing.ok()) {
        if (listing.error().code != ErrorCode::NotFound)
            return listing.error();
        found = "the isolation table was removed";
    } else if (*listing != m_expectedListing) {
        found = "the isolation table was changed";
    } else {
        return std::string();
    }
    YAGURA_TRY(putInForce(*m_state));
    spdlog::warn("{}; isolation restored (command {})", found, m_state->command_id());
    return found;
}

} // namespace yagura::agent
