#pragma once

#include "common/Result.h"
#include "proto/agent.pb.h"

#include <google/protobuf/message_lite.h>

#include <string>

namespace yagura::protocol {

// Serializes `message` inside an Envelope of the given type.
std::string pack(proto::MessageType type, std::uint64_t seq,
                 const google::protobuf::MessageLite& message);

// Parses an Envelope; a malformed one is a Protocol error, never an exception.
Result<proto::Envelope> unpack(std::string_view bytes);

template <typename Message> Result<Message> parsePayload(const proto::Envelope& envelope) {
    Message message;
    if (!message.ParseFromString(envelope.payload()))
        return makeError(ErrorCode::Protocol,
                         "malformed " + std::string(Message::descriptor()->name()) + " message");
    return message;
}

} // namespace yagura::protocol
