#include "common/Result.h"

namespace yagura {

std::string_view errorCodeName(ErrorCode code) {
    switch (code) {
    case ErrorCode::InvalidArgument:
        return "invalid-argument";
    case ErrorCode::NotFound:
        return "not-found";
    case ErrorCode::AlreadyExists:
        return "already-exists";
    case ErrorCode::PermissionDenied:
        return "permission-denied";
    case ErrorCode::Unauthenticated:
        return "unauthenticated";
    case ErrorCode::Expired:
        return "expired";
    case ErrorCode::Exhausted:
        return "exhausted";
    case ErrorCode::RateLimited:
        return "rate-limited";
    case ErrorCode::Corrupt:
        return "corrupt";
    case ErrorCode::Crypto:
        return "crypto";
    case ErrorCode::Io:
        return "io";
    case ErrorCode::Protocol:
        return "protocol";
    case ErrorCode::Unavailable:
        return "unavailable";
    case ErrorCode::Conflict:
        return "conflict";
    case ErrorCode::Internal:
        return "internal";
    }
    return "internal";
}

} // namespace yagura
