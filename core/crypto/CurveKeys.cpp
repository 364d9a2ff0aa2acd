#include "crypto/CurveKeys.h"

#include "common/Files.h"
#include "common/Text.h"
#include "crypto/Hash.h"

#include <zmq.h>

#include <map>

namespace yagura::crypto {

namespace {
constexpr std::size_t kZ85KeyLength = 40;

Result<std::string> decodeZ85Key(std::string_view z85) {
    if (z85.size() != kZ85KeyLength)
        return makeError(ErrorCode::InvalidArgument,
                         "a CURVE key is 40 Z85 characters, got " + std::to_string(z85.size()));
    std::string text(z85);
    std::string raw(32, '\0');
    if (zmq_z85_decode(reinterpret_cast<uint8_t*>(raw.data()), text.c_str()) == nullptr)
        return makeError(ErrorCode::InvalidArgument, "the CURVE key is not valid Z85 text");
    return raw;
}

Result<std::map<std::string, std::string>> parseKeyFile(const std::filesystem::path& path) {
    YAGURA_ASSIGN_OR_RETURN(const std::string content, files::readFile(path, 4096));
    std::map<std::string, std::string> fields;
    for (std::string_view line : text::split(content, '\n')) {
        line = text::trim(line);
        if (line.empty() || line.front() == '#')
            continue;
        const auto eq = line.find('=');
        if (eq == std::string_view::npos)
            return makeError(ErrorCode::Corrupt,
                             "key file " + path.string() + " is corrupt: a line has no '='");
        fields[std::string(text::trim(line.substr(0, eq)))] =
            std::string(text::trim(line.substr(eq + 1)));
    }
    return fields;
}
} // namespace

Result<CurvePublicKey> CurvePublicKey::parse(std::string_view z85) {
    YAGURA_TRY(decodeZ85Key(z85));
    CurvePublicKey key;
    key.m_z85 = std::string(z85);
    return key;
}

std::string CurvePublicKey::raw() const {
    auto decoded = decodeZ85Key(m_z85);
    return decoded.ok() ? decoded.value() : std::string{};
}

std::string CurvePublicKey::fingerprint() const {
    const std::string hex = text::toHex(sha256(raw()));
    std::string grouped;
    for (std::size_t i = 0; i < 32 && i < hex.size(); i += 4) {
        if (!grouped.empty())
            grouped.push_back(':');
        grouped += hex.substr(i, 4);
    }
    return grouped;
}

Result<CurveKeyPair> CurveKeyPair::generate() {
    char publicZ85[41] = {};
    char secretZ85[41] = {};
    if (zmq_curve_keypair(publicZ85, secretZ85) != 0)
        return makeError(ErrorCode::Crypto, "cannot generate a CURVE key pair: libzmq was built "
                                            "without CURVE support");
    CurveKeyPair pair;
    YAGURA_ASSIGN_OR_RETURN(pair.m_public, CurvePublicKey::parse(publicZ85));
    pair.m_secretZ85 = secretZ85;
    return pair;
}

Result<CurveKeyPair> CurveKeyPair::load(const std::filesystem::path& path) {
    YAGURA_TRY(files::checkPrivateFile(path));
    YAGURA_ASSIGN_OR_RETURN(auto fields, parseKeyFile(path));
    const auto pub = fields.find("public");
    const auto sec = fields.find("secret");
    if (pub == fields.end() || sec == fields.end())
        return makeError(ErrorCode::Corrupt, "key file " + path.string() +
                                                 " is corrupt: it lacks a public or secret key");
    auto pair = fromZ85(pub->second, sec->second);
    if (!pair.ok())
        return makeError(ErrorCode::Corrupt,
                         "key file " + path.string() + " is corrupt: " + pair.error().message);
    return pair;
}

Result<CurveKeyPair> CurveKeyPair::fromZ85(std::string_view publicZ85, std::string_view secretZ85) {
    auto publicKey = CurvePublicKey::parse(publicZ85);
    auto secretRaw = decodeZ85Key(secretZ85);
    if (!publicKey.ok() || !secretRaw.ok())
        return makeError(ErrorCode::InvalidArgument, "a key is not valid Z85");
    // The public key must be the one derived from the secret; a mismatch means a damaged file.
    const std::string secret(secretZ85);
    char derived[41] = {};
    if (zmq_curve_public(derived, secret.c_str()) != 0 || publicKey->z85() != derived)
        return makeError(ErrorCode::InvalidArgument,
                         "the public key does not match the secret key");
    CurveKeyPair pair;
    pair.m_public = std::move(publicKey).value();
    pair.m_secretZ85 = secret;
    return pair;
}

Status CurveKeyPair::save(const std::filesystem::path& path) const {
    const std::string content = "# Yagura CURVE key pair. Secret: keep this file mode 0600.\n"
                                "public = " +
                                m_public.z85() + "\nsecret = " + m_secretZ85 + "\n";
    return files::writeFileAtomic(path, content, 0600);
}

Status savePublicKey(const CurvePublicKey& key, const std::filesystem::path& path) {
    return files::writeFileAtomic(path, "public = " + key.z85() + "\n", 0644);
}

Result<CurvePublicKey> loadPublicKey(const std::filesystem::path& path) {
    YAGURA_ASSIGN_OR_RETURN(auto fields, parseKeyFile(path));
    const auto pub = fields.find("public");
    if (pub == fields.end())
        return makeError(ErrorCode::Corrupt,
                         "key file " + path.string() + " is corrupt: it has no public key");
    auto key = CurvePublicKey::parse(pub->second);
    if (!key.ok())
        return makeError(ErrorCode::Corrupt,
                         "key file " + path.string() + " is corrupt: " + key.error().message);
    return key;
}

} // namespace yagura::crypto
