#pragma once

#include "common/Result.h"

#include <cstdint>
#include <string>

namespace yagura::crypto {

// Bytes from the operating system's CSPRNG (OpenSSL's RAND_bytes).
Result<std::string> randomBytes(std::size_t count);
// A password people can type: groups of lowercase letters and digits without look-alikes.
Result<std::string> randomPassword(std::size_t length = 24);
// Uniform in [0, bound), for jitter; not for secrets.
std::uint64_t randomBelow(std::uint64_t bound);

} // namespace yagura::crypto
