#pragma once

#include "common/Result.h"
#include "proto/agent.pb.h"

#include <google/protobuf/message.h>
#include <google/protobuf/message_lite.h>

#include <string>

namespace yagura::protocol {

// Serializes `message` inside an Envelope of the given type.
std::string pack(proto::MessageType type, std::uint64_t seq,
                 const google::protobuf::MessageLite& message);

// Proto3 `string` fields must hold UTF-8, and a message with one that does not is refused when
// parsed: a command line or file name with arbitrary bytes would make its whole batch
// undeliverable. Replaces every invalid sequence in every string field (nested and repeated
// too) with U+FFFD; returns how many fields it changed. Call it on what comes from the host
// before it is stored or sent.
std::size_t makeStringsUtf8(google::protobuf::Message& message);
// The same for one string; true when it changed.
bool makeUtf8(std::string& text);

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
