#include "crypto/EnrolmentToken.h"

#include "common/Text.h"
#include "crypto/CurveKeys.h"
#include "crypto/Hash.h"

namespace yagura::crypto {

namespace {
constexpr std::string_view kPrefix = "YGT1.";
constexpr std::size_t kCheckLength = 4;

Error corrupt(std::string_view why) {
    return makeError(ErrorCode::Corrupt, "the enrolment token is corrupt (" + std::string(why) +
                                             "); copy it again from 'yagura-server token create'");
}
} // namespace

std::string encodeEnrolmentToken(const proto::EnrolmentToken& token) {
    std::string bytes = token.SerializeAsString();
    bytes += sha256(bytes).substr(0, kCheckLength);
    return std::string(kPrefix) + text::toBase64Url(bytes);
}

Result<proto::EnrolmentToken> decodeEnrolmentToken(std::string_view input, const Clock& clock) {
    const std::string_view trimmed = text::trim(input);
    if (!text::startsWith(trimmed, kPrefix))
        return corrupt("it does not start with YGT1.");
    auto bytes = text::fromBase64Url(trimmed.substr(kPrefix.size()));
    if (!bytes.ok())
        return corrupt(bytes.error().message);
    if (bytes->size() <= kCheckLength)
        return corrupt("it is too short");
    const std::string body = bytes->substr(0, bytes->size() - kCheckLength);
    if (!constantTimeEquals(sha256(body).substr(0, kCheckLength),
                            bytes->substr(bytes->size() - kCheckLength)))
        return corrupt("check value mismatch");
    proto::EnrolmentToken token;
    if (!token.ParseFromString(body))
        return corrupt("unreadable content");
    if (token.format_version() != 1)
        return makeError(ErrorCode::InvalidArgument,
                         "the enrolment token has format " +
                             std::to_string(token.format_version()) +
                             ", which this agent does not understand; upgrade the agent");
    if (token.enrol_endpoints().empty() || token.token_id().empty() || token.secret().size() != 32)
        return corrupt("required fields are missing");
    if (!CurvePublicKey::parse(token.server_public_key()).ok())
        return corrupt("the server key is invalid");
    if (token.expires_at_unix() != 0 &&
        static_cast<std::int64_t>(token.expires_at_unix()) <= clock.nowUnixSeconds())
        return makeError(ErrorCode::Expired,
                         "the enrolment token expired at " +
                             text::isoTimeUtc(static_cast<std::int64_t>(token.expires_at_unix())) +
                             "; create a new one with 'yagura-server token create'");
    return token;
}

} // namespace yagura::crypto
