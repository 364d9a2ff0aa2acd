#pragma once

#include "collectors/NetworkCollector.h"
#include "proto/agent.pb.h"

#include <cstdint>

namespace yagura::agent {

// The telemetry event of a connection change: Sigma logsource category "network_connection"
// with Sysmon-for-Linux field names (Image, ProcessId, User, Protocol, Initiated, SourceIsIpv6,
// SourceIp, SourcePort, DestinationIsIpv6, DestinationIp, DestinationPort), plus CommandLine,
// BytesSent and BytesReceived when known and our own Action: opened | closed | listening |
// stopped-listening. Rank SECURITY for a new listener, TELEMETRY for everything else.
// `nowMs` is used only when the event carries no time of its own.
proto::TelemetryEvent connectionTelemetry(const ConnectionEvent& event, std::int64_t nowMs);

// "opened", "closed", "listening", "stopped-listening".
const char* connectionActionName(ConnectionEvent::Kind kind);

} // namespace yagura::agent
