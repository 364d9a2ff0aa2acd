#include "crypto/Random.h"

#include <openssl/rand.h>

#include <limits>

namespace yagura::crypto {

Result<std::string> randomBytes(std::size_t count) {
    std::string bytes(count, '\0');
    if (count > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
        RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1)
        return makeError(ErrorCode::Crypto, "the system random number generator failed");
    return bytes;
}

Result<std::string> randomPassword(std::size_t length) {
    static constexpr std::string_view alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
    std::string password;
    while (password.size() < length) {
        YAGURA_ASSIGN_OR_RETURN(const std::string bytes, randomBytes(64));
        for (unsigned char c : bytes) {
            // Rejection sampling keeps every character equally likely.
            if (c >= 256 - 256 % alphabet.size())
                continue;
            if (password.size() % 7 == 6)
                password.push_back('-');
            else
                password.push_back(alphabet[c % alphabet.size()]);
            if (password.size() == length)
                break;
        }
    }
    return password;
}

std::uint64_t randomBelow(std::uint64_t bound) {
    if (bound == 0)
        return 0;
    std::uint64_t value = 0;
    RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof value);
    return value % bound;
}

} // namespace yagura::crypto
