#include "proto/Envelope.h"

#include "common/Version.h"

#include <vector>

namespace yagura::protocol {

namespace {
// Length of the valid UTF-8 sequence at `i`, 0 when there is none (overlong forms, surrogates
// and values above U+10FFFF are invalid, as protobuf's own check says).
std::size_t validSequence(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) {
        return static_cast<unsigned char>(text[k]);
    };
    const unsigned char c = byte(i);
    if (c < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        length = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        length = 3;
        if (c == 0xE0)
            low = 0xA0;
        if (c == 0xED)
            high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        length = 4;
        if (c == 0xF0)
            low = 0x90;
        if (c == 0xF4)
            high = 0x8F;
    } else
        return 0;
    if (i + length > text.size())
        return 0;
    if (byte(i + 1) < low || byte(i + 1) > high)
        return 0;
    for (std::size_t k = 2; k < length; ++k)
        if ((byte(i + k) & 0xC0) != 0x80)
            return 0;
    return length;
}

} // namespace

bool makeUtf8(std::string& text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t length = validSequence(text, i);
        if (length == 0)
            break;
        i += length;
    }
    if (i == text.size())
        return false; // the common case: nothing to copy
    std::string fixed = text.substr(0, i);
    while (i < text.size()) {
        const std::size_t length = validSequence(text, i);
        if (length == 0) {
            fixed += "\xEF\xBF\xBD";
            ++i;
        } else {
            fixed.append(text, i, length);
            i += length;
        }
    }
    text = std::move(fixed);
    return true;
}

std::size_t makeStringsUtf8(google::protobuf::Message& message) {
    using google::protobuf::FieldDescriptor;
    const auto* reflection = message.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    reflection->ListFields(message, &fields);
    std::size_t changed = 0;
    for (const FieldDescriptor* field : fields) {
        if (field->type() == FieldDescriptor::TYPE_STRING) {
            if (field->is_repeated()) {
                for (int k = 0; k < reflection->FieldSize(message, field); ++k) {
                    std::string value = reflection->GetRepeatedString(message, field, k);
                    if (makeUtf8(value)) {
                        reflection->SetRepeatedString(&message, field, k, std::move(value));
                        ++changed;
                    }
                }
            } else {
                std::string value = reflection->GetString(message, field);
                if (makeUtf8(value)) {
                    reflection->SetString(&message, field, std::move(value));
                    ++changed;
                }
            }
        } else if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
            if (field->is_repeated()) {
                for (int k = 0; k < reflection->FieldSize(message, field); ++k)
                    changed +=
                        makeStringsUtf8(*reflection->MutableRepeatedMessage(&message, field, k));
            } else {
                changed += makeStringsUtf8(*reflection->MutableMessage(&message, field));
            }
        }
    }
    return changed;
}

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
