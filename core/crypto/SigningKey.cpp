#include "crypto/SigningKey.h"

#include "common/Files.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

namespace yagura::crypto {

namespace {
struct BioDeleter {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

std::string bioContents(BIO* bio) {
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(length));
}
} // namespace

void SigningKey::Deleter::operator()(EVP_PKEY* key) const {
    EVP_PKEY_free(key);
}

SigningKey::SigningKey() = default;
SigningKey::~SigningKey() = default;
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;

Result<SigningKey> SigningKey::generate() {
    SigningKey key;
    key.m_key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!key.m_key)
        return makeError(ErrorCode::Crypto, "cannot generate an Ed25519 key");
    return key;
}

Result<SigningKey> SigningKey::load(const std::filesystem::path& path) {
    YAGURA_TRY(files::checkPrivateFile(path));
    YAGURA_ASSIGN_OR_RETURN(const std::string pem, files::readFile(path, 16384));
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    SigningKey key;
    key.m_key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key.m_key || EVP_PKEY_get_base_id(key.m_key.get()) != EVP_PKEY_ED25519)
        return makeError(ErrorCode::Corrupt,
                         "signing key " + path.string() + " is corrupt or not an Ed25519 key");
    return key;
}

Status SigningKey::save(const std::filesystem::path& privatePath,
                        const std::filesystem::path& publicPath) const {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
        1)
        return makeError(ErrorCode::Crypto, "cannot encode the signing key");
    YAGURA_TRY(files::writeFileAtomic(privatePath, bioContents(bio.get()), 0600));
    YAGURA_ASSIGN_OR_RETURN(const std::string publicPem, publicKeyPem());
    return files::writeFileAtomic(publicPath, publicPem, 0644);
}

Result<std::string> SigningKey::sign(std::string_view message) const {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t length = 64;
    std::string signature(length, '\0');
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, m_key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1)
        return makeError(ErrorCode::Crypto, "Ed25519 signing failed");
    signature.resize(length);
    return signature;
}

Result<std::string> SigningKey::publicKeyPem() const {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PUBKEY(bio.get(), m_key.get()) != 1)
        return makeError(ErrorCode::Crypto, "cannot encode the public key");
    return bioContents(bio.get());
}

Result<bool> verifySignature(std::string_view publicKeyPem, std::string_view message,
                             std::string_view signature) {
    BioPtr bio(BIO_new_mem_buf(publicKeyPem.data(), static_cast<int>(publicKeyPem.size())));
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    if (!key)
        return makeError(ErrorCode::Corrupt, "the public key is not valid PEM");
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1)
        return makeError(ErrorCode::Crypto, "cannot set up signature verification");
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()),
                            message.size()) == 1;
}

} // namespace yagura::crypto
