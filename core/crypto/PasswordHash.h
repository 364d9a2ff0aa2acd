#pragma once

#include "common/Result.h"

#include <string>

namespace yagura::crypto {

// Memory-hard password hashing (scrypt, N=2^15, r=8, p=1: 32 MiB per attempt), stored as
// "$scrypt$ln=15,r=8,p=1$<salt b64url>$<hash b64url>" so parameters can be raised later
// without invalidating stored hashes.
struct ScryptParameters {
    unsigned logN = 15;
    unsigned r = 8;
    unsigned p = 1;
};

Result<std::string> hashPassword(std::string_view password, ScryptParameters parameters = {});
// False for a wrong password; an error only for a malformed stored hash.
Result<bool> verifyPassword(std::string_view password, std::string_view storedHash);

} // namespace yagura::crypto
