#pragma once

#include <string>
#include <string_view>

namespace yagura::crypto {

// Raw 32-byte SHA-256 digest.
std::string sha256(std::string_view data);
// Compares in time independent of where the inputs differ.
bool constantTimeEquals(std::string_view a, std::string_view b);

} // namespace yagura::crypto
