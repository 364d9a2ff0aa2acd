#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace yagura {

// The one error type of Yagura. Library exceptions (cppzmq, protobuf, yaml-cpp) are converted
// to an Error at the edge of the module that calls the library; exceptions never cross a module
// boundary.
enum class ErrorCode {
    InvalidArgument,
    NotFound,
    AlreadyExists,
    PermissionDenied,
    Unauthenticated,
    Expired,
    Exhausted,
    RateLimited,
    Corrupt,
    Crypto,
    Io,
    Protocol,
    Unavailable,
    Conflict,
    Internal,
};

std::string_view errorCodeName(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;

    // One line for a person: the message alone (codes are for programs).
    [[nodiscard]] const std::string& what() const { return message; }
};

inline Error makeError(ErrorCode code, std::string message) {
    return Error{code, std::move(message)};
}

template <typename T> class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Error error) : m_state(std::move(error)) {}

    [[nodiscard]] bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<T>(m_state);
    }
    const T& value() const& {
        assert(ok());
        return std::get<T>(m_state);
    }
    T&& value() && {
        assert(ok());
        return std::get<T>(std::move(m_state));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    [[nodiscard]] const Error& error() const {
        assert(!ok());
        return std::get<Error>(m_state);
    }

    template <typename U> T valueOr(U&& fallback) const& {
        return ok() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, Error> m_state;
};

template <> class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_failed(true) {}

    [[nodiscard]] bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    [[nodiscard]] const Error& error() const {
        assert(m_failed);
        return m_error;
    }

private:
    Error m_error;
    bool m_failed = false;
};

using Status = Result<void>;

inline Status success() {
    return {};
}

} // namespace yagura

// Propagates an error from an expression returning Result<...>; usable only in functions that
// themselves return a Result.
#define YAGURA_TRY(expr)                                                                           \
    do {                                                                                           \
        auto&& yaguraTryResult_ = (expr);                                                          \
        if (!yaguraTryResult_.ok())                                                                \
            return yaguraTryResult_.error();                                                       \
    } while (false)

#define YAGURA_CONCAT_INNER(a, b) a##b
#define YAGURA_CONCAT(a, b) YAGURA_CONCAT_INNER(a, b)
#define YAGURA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)                                               \
    auto tmp = (expr);                                                                             \
    if (!tmp.ok())                                                                                 \
        return tmp.error();                                                                        \
    lhs = std::move(tmp).value()
#define YAGURA_ASSIGN_OR_RETURN(lhs, expr)                                                         \
    YAGURA_ASSIGN_OR_RETURN_IMPL(YAGURA_CONCAT(yaguraResult_, __LINE__), lhs, expr)
