#pragma once

#include "common/Result.h"
#include "proto/agent.pb.h"

#include <cstdint>
#include <string>
#include <vector>

namespace yagura::response {

// The nftables table Yagura isolates a host with. Nothing else on the host is touched: release
// deletes this table and only this table.
inline constexpr const char* kIsolationTable = "yagura_isolation";

// Checks one allowlisted flow; a one-line error naming what is wrong.
Status validateFlow(const proto::IsolationFlow& flow);
// Checks a response policy (flows, timings).
Status validateResponsePolicy(const proto::ResponsePolicy& policy);

// "tcp://10.0.0.1:7301" -> {"10.0.0.1", 7301}; "tcp://[fd00::1]:7301" -> {"fd00::1", 7301}.
Result<std::pair<std::string, std::uint32_t>> splitTcpEndpoint(const std::string& endpoint);

// The isolation to ask of an agent: its server endpoints and its group's response policy.
Result<proto::IsolationSpec> isolationSpecFor(const proto::ResponsePolicy& policy,
                                              const std::vector<std::string>& serverEndpoints);

// The whole nftables transaction that puts `spec` in force: creates (or empties) the table and
// fills it, in one batch that the kernel applies atomically. `serverAddresses` are numeric
// IPv4/IPv6 addresses (the agent resolves names before calling this). With `allow_dns`, DNS is
// allowed to `dnsServers` only (numeric; none given: DNS stays cut).
Result<std::string> isolationRuleset(const proto::IsolationSpec& spec,
                                     const std::vector<std::string>& serverAddresses,
                                     const std::vector<std::string>& dnsServers = {});

// What stays allowed, one line per rule, for a person (the operator's preview).
std::vector<std::string> describeIsolation(const proto::IsolationSpec& spec);

} // namespace yagura::response
