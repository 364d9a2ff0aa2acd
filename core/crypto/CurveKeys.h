#pragma once

#include "common/Result.h"

#include <filesystem>
#include <string>

namespace yagura::crypto {

// A CurveZMQ public key in its Z85 text form (40 characters): the identity of an agent or
// server. Validated on construction through parse().
class CurvePublicKey {
public:
    static Result<CurvePublicKey> parse(std::string_view z85);
    const std::string& z85() const { return m_z85; }
    // Raw 32 bytes.
    std::string raw() const;
    // The first 128 bits of SHA-256 of the raw key, as eight groups of four hex digits, for
    // people to compare by eye or over the phone.
    std::string fingerprint() const;
    bool operator==(const CurvePublicKey&) const = default;

private:
    std::string m_z85;
};

class CurveKeyPair {
public:
    static Result<CurveKeyPair> generate();
    // Key files are text: "public = Z85" and "secret = Z85" lines; saved 0600, and refused on
    // load when other users can read them.
    static Result<CurveKeyPair> load(const std::filesystem::path& path);
    // From Z85 texts; the public key must be the one derived from the secret.
    static Result<CurveKeyPair> fromZ85(std::string_view publicZ85, std::string_view secretZ85);
    Status save(const std::filesystem::path& path) const;

    const CurvePublicKey& publicKey() const { return m_public; }
    const std::string& secretZ85() const { return m_secretZ85; }

private:
    CurvePublicKey m_public;
    std::string m_secretZ85;
};

Status savePublicKey(const CurvePublicKey& key, const std::filesystem::path& path);
Result<CurvePublicKey> loadPublicKey(const std::filesystem::path& path);

} // namespace yagura::crypto
