#pragma once

#include "common/Clock.h"
#include "common/Result.h"
#include "proto/agent.pb.h"

#include <string>

namespace yagura::crypto {

// Text form: "YGT1." + base64url(serialized EnrolmentToken + 4-byte SHA-256 check), one word an
// operator can copy and paste. The check catches truncation and typos before any network use.
std::string encodeEnrolmentToken(const proto::EnrolmentToken& token);
// Validates format, check value, required fields and expiry against the clock.
Result<proto::EnrolmentToken> decodeEnrolmentToken(std::string_view text, const Clock& clock);

} // namespace yagura::crypto
