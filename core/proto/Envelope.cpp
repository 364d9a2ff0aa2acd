#include "proto/Envelope.h"

#include "common/Version.h"

namespace yagura::protocol {

std::string pack(proto::MessageType type, std::uint64_t seq,
                 const google::protobuf::MessageLite& message) {
    proto::Envelope envelope;
    envelope.set_protocol_version(kProtocolVersion);
    envelope.set_type(type);
    envelope.set_seq(seq);
    envelope.set_payload(message.SerializeAsString());
    return envelope.SerializeAsString();
}

Result<proto::Envelope> unpack(std::string_view bytes) {
    proto::Envelope envelope;
    if (bytes.empty() || !envelope.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        return makeError(ErrorCode::Protocol, "malformed envelope");
    if (envelope.protocol_version() == 0)
        return makeError(ErrorCode::Protocol, "envelope without a protocol version");
    return envelope;
}

} // namespace yagura::protocol
