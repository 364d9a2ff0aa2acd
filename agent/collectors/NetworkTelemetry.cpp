#include "collectors/NetworkTelemetry.h"

#include <string>

namespace yagura::agent {

namespace {
void addField(proto::TelemetryEvent& event, const char* name, std::string value) {
    auto* field = event.add_fields();
    field->set_name(name);
    field->set_value(std::move(value));
}

const char* boolText(bool value) {
    return value ? "true" : "false";
}

// By the address, not the socket: an IPv4 peer of a dual-stack socket is given in IPv4 form.
bool isIpv6(const std::string& address) {
    return address.find(':') != std::string::npos;
}
} // namespace

const char* connectionActionName(ConnectionEvent::Kind kind) {
    switch (kind) {
    case ConnectionEvent::Kind::Opened:
        return "opened";
    case ConnectionEvent::Kind::Closed:
        return "closed";
    case ConnectionEvent::Kind::Listening:
        return "listening";
    case ConnectionEvent::Kind::StoppedListening:
        return "stopped-listening";
    }
    return "unknown";
}

proto::TelemetryEvent connectionTelemetry(const ConnectionEvent& event, std::int64_t nowMs) {
    proto::TelemetryEvent telemetry;
    telemetry.set_time_unix_ms(
        static_cast<std::uint64_t>(event.timeUnixMs != 0 ? event.timeUnixMs : nowMs));
    telemetry.set_category("network_connection");
    // A new listening port is an exposure worth keeping ahead of routine traffic.
    telemetry.set_rank(event.kind == ConnectionEvent::Kind::Listening ? proto::RANK_SECURITY
                                                                      : proto::RANK_TELEMETRY);
    addField(telemetry, "Action", connectionActionName(event.kind));
    if (!event.image.empty())
        addField(telemetry, "Image", event.image);
    if (event.pid > 0)
        addField(telemetry, "ProcessId", std::to_string(event.pid));
    if (event.commandLine && !event.commandLine->empty())
        addField(telemetry, "CommandLine", *event.commandLine);
    if (!event.user.empty())
        addField(telemetry, "User", event.user);
    addField(telemetry, "Protocol",
             event.protocol == ConnectionEvent::Protocol::Udp ? "udp" : "tcp");
    addField(telemetry, "Initiated", boolText(event.initiated));
    addField(telemetry, "SourceIsIpv6", boolText(isIpv6(event.sourceIp)));
    addField(telemetry, "SourceIp", event.sourceIp);
    addField(telemetry, "SourcePort", std::to_string(event.sourcePort));
    // A listener has no destination.
    if (!event.destinationIp.empty()) {
        addField(telemetry, "DestinationIsIpv6", boolText(isIpv6(event.destinationIp)));
        addField(telemetry, "DestinationIp", event.destinationIp);
        addField(telemetry, "DestinationPort", std::to_string(event.destinationPort));
    }
    if (event.bytesSent)
        addField(telemetry, "BytesSent", std::to_string(*event.bytesSent));
    if (event.bytesReceived)
        addField(telemetry, "BytesReceived", std::to_string(*event.bytesReceived));
    return telemetry;
}

} // namespace yagura::agent
