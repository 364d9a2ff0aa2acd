#pragma once

#include "common/Result.h"

#include <filesystem>
#include <memory>
#include <string>

using EVP_PKEY = struct evp_pkey_st;

namespace yagura::crypto {

// The site's Ed25519 signing key: signs bundles, exports and the audit head.
class SigningKey {
public:
    SigningKey();
    ~SigningKey();
    SigningKey(SigningKey&&) noexcept;
    SigningKey& operator=(SigningKey&&) noexcept;

    static Result<SigningKey> generate();
    // PKCS#8 PEM, 0600; refused when readable by other users.
    static Result<SigningKey> load(const std::filesystem::path& path);
    Status save(const std::filesystem::path& privatePath,
                const std::filesystem::path& publicPath) const;

    Result<std::string> sign(std::string_view message) const;
    Result<std::string> publicKeyPem() const;

private:
    struct Deleter {
        void operator()(EVP_PKEY* key) const;
    };
    std::unique_ptr<EVP_PKEY, Deleter> m_key;
};

// Verifies an Ed25519 signature against a PEM public key.
Result<bool> verifySignature(std::string_view publicKeyPem, std::string_view message,
                             std::string_view signature);

} // namespace yagura::crypto
