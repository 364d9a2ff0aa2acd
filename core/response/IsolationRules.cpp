#include "response/IsolationRules.h"

#include "common/Text.h"

#include <arpa/inet.h>
#include <set>

namespace yagura::response {

namespace {
enum class Family { V4, V6 };

// An address or CIDR prefix: its family, or an error.
Result<Family> addressFamily(const std::string& text) {
    std::string address = text;
    int maxPrefix = -1;
    if (const auto slash = text.find('/'); slash != std::string::npos) {
        address = text.substr(0, slash);
        const std::string prefix = text.substr(slash + 1);
        if (prefix.empty() || prefix.size() > 3 ||
            prefix.find_first_not_of("0123456789") != std::string::npos)
            return makeError(ErrorCode::InvalidArgument, "bad prefix length in '" + text + "'");
        maxPrefix = std::stoi(prefix);
    }
    unsigned char buffer[16];
    if (::inet_pton(AF_INET, address.c_str(), buffer) == 1) {
        if (maxPrefix > 32)
            return makeError(ErrorCode::InvalidArgument,
                             "prefix length above 32 in '" + text + "'");
        return Family::V4;
    }
    if (::inet_pton(AF_INET6, address.c_str(), buffer) == 1) {
        if (maxPrefix > 128)
            return makeError(ErrorCode::InvalidArgument,
                             "prefix length above 128 in '" + text + "'");
        return Family::V6;
    }
    return makeError(ErrorCode::InvalidArgument,
                     "'" + text + "' is not an IPv4 or IPv6 address or prefix");
}

const char* familyKeyword(Family family) {
    return family == Family::V4 ? "ip" : "ip6";
}
} // namespace

Status validateFlow(const proto::IsolationFlow& flow) {
    YAGURA_TRY(addressFamily(flow.address()));
    if (flow.protocol() != "tcp" && flow.protocol() != "udp")
        return makeError(ErrorCode::InvalidArgument, "isolation flow to " + flow.address() +
                                                         ": protocol must be tcp or udp, not '" +
                                                         flow.protocol() + "'");
    if (flow.port() == 0 || flow.port() > 65535)
        return makeError(ErrorCode::InvalidArgument,
                         "isolation flow to " + flow.address() + ": port must be 1-65535");
    if (flow.direction() != "outbound" && flow.direction() != "inbound")
        return makeError(ErrorCode::InvalidArgument,
                         "isolation flow to " + flow.address() +
                             ": direction must be outbound or inbound, not '" + flow.direction() +
                             "'");
    if (flow.comment().find_first_of("\"\n\r\\") != std::string::npos ||
        flow.comment().size() > 120)
        return makeError(ErrorCode::InvalidArgument,
                         "isolation flow to " + flow.address() +
                             ": the comment may not contain quotes, backslashes or line breaks and "
                             "has at most 120 characters");
    return success();
}

Status validateResponsePolicy(const proto::ResponsePolicy& policy) {
    if (policy.isolation_allow_size() > 256)
        return makeError(ErrorCode::InvalidArgument, "at most 256 isolation flows");
    for (const auto& flow : policy.isolation_allow())
        YAGURA_TRY(validateFlow(flow));
    if (policy.safe_apply_seconds() > 600)
        return makeError(ErrorCode::InvalidArgument, "safe_apply_seconds: at most 600");
    if (policy.isolation_check_seconds() > 3600)
        return makeError(ErrorCode::InvalidArgument, "isolation_check_seconds: at most 3600");
    if (policy.auto_response_size() > 64)
        return makeError(ErrorCode::InvalidArgument, "at most 64 automatic response rules");
    for (const auto& rule : policy.auto_response()) {
        static const std::set<std::string> levels = {"",       "informational", "low",
                                                     "medium", "high",          "critical"};
        if (!levels.count(rule.min_level()))
            return makeError(ErrorCode::InvalidArgument,
                             "automatic response: min_level must be informational, low, medium, "
                             "high or critical, not '" +
                                 rule.min_level() + "'");
        if (rule.rule_ids().empty() && rule.min_level().empty())
            return makeError(ErrorCode::InvalidArgument,
                             "automatic response: name rule ids or a minimum level");
        if (!rule.kill_process() && !rule.quarantine_file() && !rule.isolate_host())
            return makeError(ErrorCode::InvalidArgument,
                             "automatic response: choose kill_process, quarantine_file or "
                             "isolate_host");
    }
    return success();
}

Result<std::pair<std::string, std::uint32_t>> splitTcpEndpoint(const std::string& endpoint) {
    if (!text::startsWith(endpoint, "tcp://"))
        return makeError(ErrorCode::InvalidArgument, "'" + endpoint + "' is not a tcp:// endpoint");
    const std::string rest = endpoint.substr(6);
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos || colon + 1 >= rest.size())
        return makeError(ErrorCode::InvalidArgument, "'" + endpoint + "' has no port");
    std::string host = rest.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const std::string port = rest.substr(colon + 1);
    if (host.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
        port.size() > 5 || std::stoul(port) == 0 || std::stoul(port) > 65535)
        return makeError(ErrorCode::InvalidArgument,
                         "'" + endpoint + "' has no usable host and port");
    return std::make_pair(host, static_cast<std::uint32_t>(std::stoul(port)));
}

Result<proto::IsolationSpec> isolationSpecFor(const proto::ResponsePolicy& policy,
                                              const std::vector<std::string>& serverEndpoints) {
    proto::IsolationSpec spec;
    std::set<std::string> hosts;
    for (const auto& endpoint : serverEndpoints) {
        YAGURA_ASSIGN_OR_RETURN(const auto hostPort, splitTcpEndpoint(endpoint));
        if (spec.server_port() != 0 && spec.server_port() != hostPort.second)
            return makeError(ErrorCode::InvalidArgument,
                             "the server's agent endpoints use different ports; isolation "
                             "allows one");
        spec.set_server_port(hostPort.second);
        if (hosts.insert(hostPort.first).second)
            spec.add_server_addresses(hostPort.first);
    }
    if (spec.server_addresses_size() == 0)
        return makeError(ErrorCode::Unavailable, "the server has no agent endpoint to allow");
    for (const auto& flow : policy.isolation_allow()) {
        YAGURA_TRY(validateFlow(flow));
        *spec.add_allow() = flow;
    }
    spec.set_allow_dns(policy.isolation_allow_dns());
    spec.set_allow_dhcp(policy.isolation_allow_dhcp());
    spec.set_safe_apply(!policy.safe_apply_disabled());
    spec.set_safe_apply_seconds(policy.safe_apply_seconds() ? policy.safe_apply_seconds() : 30);
    spec.set_check_seconds(policy.isolation_check_seconds() ? policy.isolation_check_seconds()
                                                            : 10);
    return spec;
}

Result<std::string> isolationRuleset(const proto::IsolationSpec& spec,
                                     const std::vector<std::string>& serverAddresses,
                                     const std::vector<std::string>& dnsServers) {
    if (spec.server_port() == 0 || spec.server_port() > 65535)
        return makeError(ErrorCode::InvalidArgument, "isolation: no server port");
    if (serverAddresses.empty())
        return makeError(ErrorCode::InvalidArgument, "isolation: no server address");
    std::vector<std::string> input;
    std::vector<std::string> output;
    input.push_back("iif \"lo\" accept comment \"loopback\"");
    output.push_back("oif \"lo\" accept comment \"loopback\"");
    const std::string port = std::to_string(spec.server_port());
    for (const auto& address : serverAddresses) {
        YAGURA_ASSIGN_OR_RETURN(const Family family, addressFamily(address));
        const char* ip = familyKeyword(family);
        output.push_back(std::string(ip) + " daddr " + address + " tcp dport " + port +
                         " accept comment \"agent to site server\"");
        input.push_back(std::string(ip) + " saddr " + address + " tcp sport " + port +
                        " ct state established accept comment \"site server to agent\"");
    }
    // Without neighbour discovery no IPv6 packet reaches even the server.
    const std::string neighbourDiscovery =
        "icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } accept "
        "comment \"IPv6 neighbour discovery\"";
    input.push_back(neighbourDiscovery);
    output.push_back(
        "icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit } accept "
        "comment \"IPv6 neighbour discovery\"");
    if (spec.allow_dns()) {
        // To the host's own resolvers only: port 53 anywhere would be a way out for anything.
        for (const auto& resolver : dnsServers) {
            YAGURA_ASSIGN_OR_RETURN(const Family family, addressFamily(resolver));
            const std::string ip = familyKeyword(family);
            output.push_back(ip + " daddr " + resolver +
                             " meta l4proto { tcp, udp } th dport 53 accept comment \"DNS\"");
            input.push_back(ip + " saddr " + resolver +
                            " meta l4proto { tcp, udp } th sport 53 ct state established accept "
                            "comment \"DNS\"");
        }
    }
    if (spec.allow_dhcp()) {
        output.push_back("udp sport 68 udp dport 67 accept comment \"DHCP\"");
        input.push_back("udp sport 67 udp dport 68 accept comment \"DHCP\"");
        output.push_back("udp sport 546 udp dport 547 accept comment \"DHCPv6\"");
        input.push_back("udp sport 547 udp dport 546 accept comment \"DHCPv6\"");
    }
    for (const auto& flow : spec.allow()) {
        YAGURA_TRY(validateFlow(flow));
        YAGURA_ASSIGN_OR_RETURN(const Family family, addressFamily(flow.address()));
        const std::string ip = familyKeyword(family);
        const std::string protocol = flow.protocol();
        const std::string servicePort = std::to_string(flow.port());
        const std::string comment =
            " comment \"" + (flow.comment().empty() ? "allowlisted flow" : flow.comment()) + "\"";
        if (flow.direction() == "outbound") {
            output.push_back(ip + " daddr " + flow.address() + " " + protocol + " dport " +
                             servicePort + " accept" + comment);
            input.push_back(ip + " saddr " + flow.address() + " " + protocol + " sport " +
                            servicePort + " ct state established accept" + comment);
        } else {
            input.push_back(ip + " saddr " + flow.address() + " " + protocol + " dport " +
                            servicePort + " accept" + comment);
            output.push_back(ip + " daddr " + flow.address() + " " + protocol + " sport " +
                             servicePort + " ct state established accept" + comment);
        }
    }
    // Priority filter - 10: before the host's own filter chains. A drop here is final whatever
    // other tables accept; an accept here still leaves other tables free to drop.
    std::string ruleset = "table inet " + std::string(kIsolationTable) + " {}\n" +
                          "flush table inet " + kIsolationTable + "\n" + "table inet " +
                          kIsolationTable + " {\n";
    auto chain = [&](const char* name, const char* hook, const std::vector<std::string>& rules) {
        ruleset += std::string("  chain ") + name + " {\n    type filter hook " + hook +
                   " priority filter - 10; policy drop;\n";
        for (const auto& rule : rules)
            ruleset += "    " + rule + "\n";
        ruleset += "  }\n";
    };
    chain("input", "input", input);
    chain("output", "output", output);
    chain("forward", "forward", {});
    ruleset += "}\n";
    return ruleset;
}

std::vector<std::string> describeIsolation(const proto::IsolationSpec& spec) {
    std::vector<std::string> lines;
    lines.push_back("allowed: loopback (this host to itself)");
    for (const auto& address : spec.server_addresses())
        lines.push_back("allowed: the agent's connection to the site server " + address + " tcp/" +
                        std::to_string(spec.server_port()));
    lines.push_back("allowed: IPv6 neighbour discovery (needed to reach any IPv6 address)");
    if (spec.allow_dns())
        lines.push_back("allowed: DNS queries (tcp and udp port 53) to the host's own resolvers "
                        "(its /etc/resolv.conf when isolated)");
    if (spec.allow_dhcp())
        lines.push_back("allowed: DHCP and DHCPv6 address leases");
    for (const auto& flow : spec.allow()) {
        std::string line = "allowed: ";
        line += flow.direction() == "outbound"
                    ? "this host to " + flow.address() + " " + flow.protocol() + "/" +
                          std::to_string(flow.port())
                    : flow.address() + " to this host's " + flow.protocol() + "/" +
                          std::to_string(flow.port());
        if (!flow.comment().empty())
            line += " (" + flow.comment() + ")";
        lines.push_back(line);
    }
    lines.push_back("blocked: everything else, IPv4 and IPv6, in, out and forwarded, including "
                    "connections already open");
    if (spec.safe_apply())
        lines.push_back("safe apply: rolled back unless the agent reaches the server within " +
                        std::to_string(spec.safe_apply_seconds()) + " s");
    else
        lines.push_back("safe apply: off (stays in force even if the server is lost)");
    lines.push_back("checked every " + std::to_string(spec.check_seconds()) +
                    " s and restored (with an alert) if changed; kept across reboots");
    return lines;
}

} // namespace yagura::response
