#pragma once

// Small helpers shared by the operator service's source files.

#include "common/Result.h"
#include "proto/operator.pb.h"

#include <cstdint>
#include <string>

namespace yagura::server {

inline constexpr std::uint32_t kMaxPageSize = 1000;
inline constexpr std::uint32_t kDefaultPageSize = 200;

inline std::uint32_t pageLimit(std::uint32_t requested) {
    return requested == 0 ? kDefaultPageSize : std::min(requested, kMaxPageSize);
}

inline void setError(proto::OperatorResponse& response, ErrorCode code, std::string message) {
    response.clear_body();
    response.mutable_error()->set_code(std::string(errorCodeName(code)));
    response.mutable_error()->set_message(std::move(message));
}

inline void setError(proto::OperatorResponse& response, const Error& error) {
    setError(response, error.code, error.message);
}

inline std::string actorOf(const std::string& user) {
    return "user:" + user;
}

} // namespace yagura::server
