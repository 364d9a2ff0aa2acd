#include "crypto/PasswordHash.h"

#include "common/Text.h"
#include "crypto/Hash.h"
#include "crypto/Random.h"

#include <openssl/evp.h>

#include <charconv>

namespace yagura::crypto {

namespace {
constexpr std::size_t kHashLength = 32;
constexpr std::uint64_t kMaxMemory = 256ull << 20;

Result<std::string> deriveKey(std::string_view password, std::string_view salt,
                              const ScryptParameters& parameters) {
    std::string out(kHashLength, '\0');
    if (EVP_PBE_scrypt(password.data(), password.size(),
                       reinterpret_cast<const unsigned char*>(salt.data()), salt.size(),
                       std::uint64_t{1} << parameters.logN, parameters.r, parameters.p, kMaxMemory,
                       reinterpret_cast<unsigned char*>(out.data()), out.size()) != 1)
        return makeError(ErrorCode::Crypto, "scrypt failed (out of memory?)");
    return out;
}

bool parseUnsigned(std::string_view text, unsigned& value) {
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc{} && ptr == text.data() + text.size();
}
} // namespace

Result<std::string> hashPassword(std::string_view password, ScryptParameters parameters) {
    // The same bounds verifyPassword accepts, so every hash made here can be checked later.
    if (parameters.logN < 10 || parameters.logN > 22 || parameters.r == 0 || parameters.r > 32 ||
        parameters.p == 0 || parameters.p > 16)
        return makeError(ErrorCode::InvalidArgument, "scrypt parameters out of range");
    YAGURA_ASSIGN_OR_RETURN(const std::string salt, randomBytes(16));
    YAGURA_ASSIGN_OR_RETURN(const std::string key, deriveKey(password, salt, parameters));
    return "$scrypt$ln=" + std::to_string(parameters.logN) + ",r=" + std::to_string(parameters.r) +
           ",p=" + std::to_string(parameters.p) + "$" + text::toBase64Url(salt) + "$" +
           text::toBase64Url(key);
}

Result<bool> verifyPassword(std::string_view password, std::string_view storedHash) {
    const auto parts = text::split(storedHash, '$');
    // "", "scrypt", params, salt, hash
    if (parts.size() != 5 || !parts[0].empty() || parts[1] != "scrypt")
        return makeError(ErrorCode::Corrupt, "stored password hash has an unknown format");
    ScryptParameters parameters;
    const auto fields = text::split(parts[2], ',');
    if (fields.size() != 3 || !text::startsWith(fields[0], "ln=") ||
        !text::startsWith(fields[1], "r=") || !text::startsWith(fields[2], "p=") ||
        !parseUnsigned(fields[0].substr(3), parameters.logN) ||
        !parseUnsigned(fields[1].substr(2), parameters.r) ||
        !parseUnsigned(fields[2].substr(2), parameters.p) || parameters.logN < 10 ||
        parameters.logN > 22 || parameters.r == 0 || parameters.r > 32 || parameters.p == 0 ||
        parameters.p > 16)
        return makeError(ErrorCode::Corrupt, "stored password hash has invalid parameters");
    auto salt = text::fromBase64Url(parts[3]);
    auto expected = text::fromBase64Url(parts[4]);
    if (!salt.ok() || !expected.ok() || expected->size() != kHashLength)
        return makeError(ErrorCode::Corrupt, "stored password hash is damaged");
    YAGURA_ASSIGN_OR_RETURN(const std::string actual, deriveKey(password, *salt, parameters));
    return constantTimeEquals(actual, *expected);
}

} // namespace yagura::crypto
