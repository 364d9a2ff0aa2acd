// yagura::crypto: CURVE key files, fingerprints, password hashes, the site signing key and
// enrolment tokens.

#include "common/Clock.h"
#include "common/Files.h"
#include "common/Text.h"
#include "crypto/CurveKeys.h"
#include "crypto/EnrolmentToken.h"
#include "crypto/Hash.h"
#include "crypto/PasswordHash.h"
#include "crypto/Random.h"
#include "crypto/SigningKey.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <sys/stat.h>

using namespace yagura;
using namespace std::chrono_literals;

namespace {

template <typename T> const char* why(const Result<T>& result) {
    return result.ok() ? "" : result.error().message.c_str();
}

mode_t fileMode(const std::filesystem::path& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return static_cast<mode_t>(-1);
    return info.st_mode & 07777;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Fast scrypt parameters for tests (1 MiB instead of 32 MiB per attempt).
constexpr crypto::ScryptParameters kFast{10, 8, 1};

constexpr std::string_view kTokenPrefix = "YGT1.";

} // namespace

class TestCrypto : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    std::filesystem::path file(const std::string& name) const {
        return std::filesystem::path(m_dir.path().toStdString()) / name;
    }

    // A well-formed token that expires an hour after the clock's current time.
    static proto::EnrolmentToken validToken(const Clock& clock) {
        proto::EnrolmentToken token;
        token.set_format_version(1);
        token.add_enrol_endpoints("tcp://site.example:7101");
        token.add_enrol_endpoints("tcp://10.0.0.1:7101");
        token.add_agent_endpoints("tcp://site.example:7100");
        auto pair = crypto::CurveKeyPair::generate();
        if (pair.ok())
            token.set_server_public_key(pair->publicKey().z85());
        token.set_token_id("tok-0123456789");
        auto secret = crypto::randomBytes(32);
        if (secret.ok())
            token.set_secret(secret.value());
        token.set_expires_at_unix(static_cast<std::uint64_t>(clock.nowUnixSeconds() + 3600));
        return token;
    }

    static void expectCorruptToken(const std::string& text, const Clock& clock) {
        const auto decoded = crypto::decodeEnrolmentToken(text, clock);
        QVERIFY2(!decoded.ok(), ("accepted " + text).c_str());
        QCOMPARE(decoded.error().code, ErrorCode::Corrupt);
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // ---- CURVE keys -------------------------------------------------------------------------

    void curveKeyPairRoundTrip() {
        const auto pair = crypto::CurveKeyPair::generate();
        QVERIFY2(pair.ok(), why(pair));
        QCOMPARE(pair->publicKey().z85().size(), std::size_t{40});
        QCOMPARE(pair->secretZ85().size(), std::size_t{40});
        QCOMPARE(pair->publicKey().raw().size(), std::size_t{32});

        const auto path = file("curve.key");
        const auto saved = pair->save(path);
        QVERIFY2(saved.ok(), why(saved));
        QCOMPARE(fileMode(path), mode_t{0600});

        const auto loaded = crypto::CurveKeyPair::load(path);
        QVERIFY2(loaded.ok(), why(loaded));
        QVERIFY(loaded->publicKey() == pair->publicKey());
        QCOMPARE(loaded->secretZ85(), pair->secretZ85());

        // Two generated pairs differ.
        const auto other = crypto::CurveKeyPair::generate();
        QVERIFY(other.ok());
        QVERIFY(!(other->publicKey() == pair->publicKey()));
        QVERIFY(other->secretZ85() != pair->secretZ85());
    }

    void curveKeyPairFromZ85() {
        const auto pair = crypto::CurveKeyPair::generate();
        const auto other = crypto::CurveKeyPair::generate();
        QVERIFY(pair.ok() && other.ok());
        const auto rebuilt =
            crypto::CurveKeyPair::fromZ85(pair->publicKey().z85(), pair->secretZ85());
        QVERIFY2(rebuilt.ok(), why(rebuilt));
        QVERIFY(rebuilt->publicKey() == pair->publicKey());

        const auto mismatched =
            crypto::CurveKeyPair::fromZ85(other->publicKey().z85(), pair->secretZ85());
        QVERIFY(!mismatched.ok());
        QCOMPARE(mismatched.error().code, ErrorCode::InvalidArgument);

        const auto badSecret = crypto::CurveKeyPair::fromZ85(pair->publicKey().z85(), "short");
        QVERIFY(!badSecret.ok());
        QCOMPARE(badSecret.error().code, ErrorCode::InvalidArgument);
    }

    void curveKeyLoadRefusesReadableFile() {
        const auto pair = crypto::CurveKeyPair::generate();
        QVERIFY(pair.ok());
        const auto path = file("readable.key");
        QVERIFY(pair->save(path).ok());
        QVERIFY(::chmod(path.c_str(), 0644) == 0);
        const auto loaded = crypto::CurveKeyPair::load(path);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, ErrorCode::PermissionDenied);
        QVERIFY2(contains(loaded.error().message, path.string()), loaded.error().message.c_str());
    }

    void curveKeyLoadCorrupt_data() {
        QTest::addColumn<QString>("kind");
        QTest::newRow("garbage") << "garbage";
        QTest::newRow("binary garbage") << "binary";
        QTest::newRow("empty file") << "empty";
        QTest::newRow("truncated secret") << "truncated";
        QTest::newRow("missing secret line") << "nosecret";
        QTest::newRow("public key of another pair") << "mismatch";
        QTest::newRow("invalid Z85 characters") << "badz85";
    }

    void curveKeyLoadCorrupt() {
        QFETCH(QString, kind);
        const auto pair = crypto::CurveKeyPair::generate();
        const auto other = crypto::CurveKeyPair::generate();
        QVERIFY(pair.ok() && other.ok());
        const std::string publicZ85 = pair->publicKey().z85();
        const std::string secretZ85 = pair->secretZ85();

        std::string content;
        if (kind == "garbage")
            content = "this is not a key file\nat all\n";
        else if (kind == "binary")
            content = std::string("\x00\x01\x02\xff\xfe=\x80\n\x7f", 9);
        else if (kind == "empty")
            content = "";
        else if (kind == "truncated")
            content = "public = " + publicZ85 + "\nsecret = " + secretZ85.substr(0, 25) + "\n";
        else if (kind == "nosecret")
            content = "public = " + publicZ85 + "\n";
        else if (kind == "mismatch")
            content = "public = " + other->publicKey().z85() + "\nsecret = " + secretZ85 + "\n";
        else if (kind == "badz85")
            content = "public = " + publicZ85 + "\nsecret = " + std::string(40, '~') + "\n";
        else
            QFAIL("unknown case");

        const auto path = file("corrupt-" + kind.toStdString() + ".key");
        QVERIFY(files::writeFileAtomic(path, content, 0600).ok());
        const auto loaded = crypto::CurveKeyPair::load(path);
        QVERIFY2(!loaded.ok(), "a corrupt key file was accepted");
        QCOMPARE(loaded.error().code, ErrorCode::Corrupt);
        QVERIFY2(contains(loaded.error().message, path.string()), loaded.error().message.c_str());
    }

    void curveKeyLoadMissingFile() {
        const auto loaded = crypto::CurveKeyPair::load(file("no-such.key"));
        QVERIFY(!loaded.ok());
        QVERIFY(loaded.error().code != ErrorCode::Corrupt);
    }

    void publicKeyFile() {
        const auto pair = crypto::CurveKeyPair::generate();
        QVERIFY(pair.ok());
        const auto path = file("server.pub");
        QVERIFY(crypto::savePublicKey(pair->publicKey(), path).ok());
        // Public keys are not secret: no 0600 requirement, and no secret in the file.
        QCOMPARE(fileMode(path), mode_t{0644});
        const auto content = files::readFile(path);
        QVERIFY(content.ok());
        QVERIFY(!contains(content.value(), pair->secretZ85()));
        const auto loaded = crypto::loadPublicKey(path);
        QVERIFY2(loaded.ok(), why(loaded));
        QVERIFY(loaded.value() == pair->publicKey());

        const auto bad = file("bad.pub");
        QVERIFY(files::writeFileAtomic(bad, "public = tooshort\n", 0644).ok());
        const auto refused = crypto::loadPublicKey(bad);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::Corrupt);
        QVERIFY(contains(refused.error().message, bad.string()));
    }

    void publicKeyParse_data() {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("39 characters") << QString(39, QLatin1Char('a'));
        QTest::newRow("41 characters") << QString(41, QLatin1Char('a'));
        QTest::newRow("80 characters") << QString(80, QLatin1Char('a'));
        QTest::newRow("not in the Z85 alphabet") << QString(40, QLatin1Char('~'));
        QTest::newRow("space inside")
            << QString(20, QLatin1Char('a')) + " " + QString(19, QLatin1Char('a'));
        // 85^5 - 1 does not fit in 32 bits.
        QTest::newRow("value overflow") << QString(40, QLatin1Char('#'));
    }

    void publicKeyParse() {
        QFETCH(QString, text);
        const auto parsed = crypto::CurvePublicKey::parse(text.toStdString());
        QVERIFY2(!parsed.ok(), qPrintable("accepted '" + text + "'"));
        QCOMPARE(parsed.error().code, ErrorCode::InvalidArgument);
    }

    void publicKeyParseValid() {
        const auto pair = crypto::CurveKeyPair::generate();
        QVERIFY(pair.ok());
        const auto parsed = crypto::CurvePublicKey::parse(pair->publicKey().z85());
        QVERIFY2(parsed.ok(), why(parsed));
        QCOMPARE(parsed->z85(), pair->publicKey().z85());
        QCOMPARE(parsed->raw(), pair->publicKey().raw());
    }

    void fingerprintFormat() {
        const QRegularExpression format(QStringLiteral("^[0-9a-f]{4}(:[0-9a-f]{4}){7}$"));
        std::set<std::string> seen;
        for (int i = 0; i < 4; ++i) {
            const auto pair = crypto::CurveKeyPair::generate();
            QVERIFY(pair.ok());
            const std::string fingerprint = pair->publicKey().fingerprint();
            QVERIFY2(format.match(QString::fromStdString(fingerprint)).hasMatch(),
                     fingerprint.c_str());
            // Stable, and derived from SHA-256 of the raw key.
            QCOMPARE(pair->publicKey().fingerprint(), fingerprint);
            std::string hexWithoutColons = fingerprint;
            std::erase(hexWithoutColons, ':');
            const std::string digest = text::toHex(crypto::sha256(pair->publicKey().raw()));
            QCOMPARE(hexWithoutColons, digest.substr(0, hexWithoutColons.size()));
            seen.insert(fingerprint);
        }
        QCOMPARE(seen.size(), std::size_t{4});
    }

    // ---- hashes and randomness ----------------------------------------------------------------

    void sha256KnownValue() {
        QCOMPARE(text::toHex(crypto::sha256("abc")),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QCOMPARE(crypto::sha256("").size(), std::size_t{32});
        QVERIFY(crypto::constantTimeEquals("abc", "abc"));
        QVERIFY(!crypto::constantTimeEquals("abc", "abd"));
        QVERIFY(!crypto::constantTimeEquals("abc", "abcd"));
        QVERIFY(crypto::constantTimeEquals("", ""));
    }

    void randomBytesAndPasswords() {
        const auto a = crypto::randomBytes(32);
        const auto b = crypto::randomBytes(32);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->size(), std::size_t{32});
        QVERIFY(a.value() != b.value());
        const auto password = crypto::randomPassword(24);
        QVERIFY2(password.ok(), why(password));
        QVERIFY(password->size() >= 24);
        for (int i = 0; i < 1000; ++i)
            QVERIFY(crypto::randomBelow(7) < 7);
    }

    // ---- password hashes ----------------------------------------------------------------------

    void passwordHashVerify() {
        const auto hashed = crypto::hashPassword("correct horse battery staple", kFast);
        QVERIFY2(hashed.ok(), why(hashed));
        QVERIFY2(text::startsWith(hashed.value(), "$scrypt$ln=10,r=8,p=1$"), hashed->c_str());

        auto verified = crypto::verifyPassword("correct horse battery staple", hashed.value());
        QVERIFY2(verified.ok(), why(verified));
        QVERIFY(verified.value());

        verified = crypto::verifyPassword("correct horse battery stapl", hashed.value());
        QVERIFY2(verified.ok(), why(verified));
        QVERIFY(!verified.value());
        verified = crypto::verifyPassword("", hashed.value());
        QVERIFY(verified.ok());
        QVERIFY(!verified.value());

        // A fresh salt each time.
        const auto again = crypto::hashPassword("correct horse battery staple", kFast);
        QVERIFY(again.ok());
        QVERIFY(again.value() != hashed.value());
        verified = crypto::verifyPassword("correct horse battery staple", again.value());
        QVERIFY(verified.ok() && verified.value());
    }

    void passwordHashDefaultParameters() {
        const auto hashed = crypto::hashPassword("pw");
        QVERIFY2(hashed.ok(), why(hashed));
        QVERIFY2(text::startsWith(hashed.value(), "$scrypt$ln=15,r=8,p=1$"), hashed->c_str());
        const auto verified = crypto::verifyPassword("pw", hashed.value());
        QVERIFY(verified.ok() && verified.value());
    }

    void passwordHashParametersAreParsed() {
        // The stored parameters are the ones used: a hash made with ln=11 verifies, and the same
        // hash relabelled with other parameters does not.
        const auto hashed = crypto::hashPassword("pw", {11, 4, 2});
        QVERIFY2(hashed.ok(), why(hashed));
        QVERIFY2(text::startsWith(hashed.value(), "$scrypt$ln=11,r=4,p=2$"), hashed->c_str());
        auto verified = crypto::verifyPassword("pw", hashed.value());
        QVERIFY(verified.ok() && verified.value());

        std::string relabelled = hashed.value();
        relabelled.replace(0, std::string("$scrypt$ln=11,r=4,p=2").size(), "$scrypt$ln=10,r=4,p=2");
        verified = crypto::verifyPassword("pw", relabelled);
        QVERIFY2(verified.ok(), why(verified));
        QVERIFY(!verified.value());

        relabelled = hashed.value();
        relabelled.replace(0, std::string("$scrypt$ln=11,r=4,p=2").size(), "$scrypt$ln=11,r=4,p=1");
        verified = crypto::verifyPassword("pw", relabelled);
        QVERIFY2(verified.ok(), why(verified));
        QVERIFY(!verified.value());
    }

    void passwordHashMalformed_data() {
        QTest::addColumn<QString>("stored");
        const QString salt = QStringLiteral("AAAAAAAAAAAAAAAAAAAAAA");
        const QString hash = QStringLiteral("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        QTest::newRow("empty") << "";
        QTest::newRow("plain text") << "password";
        QTest::newRow("other scheme") << "$bcrypt$ln=10,r=8,p=1$" + salt + "$" + hash;
        QTest::newRow("too few parts") << "$scrypt$ln=10,r=8,p=1$" + salt;
        QTest::newRow("too many parts") << "$scrypt$ln=10,r=8,p=1$" + salt + "$" + hash + "$x";
        QTest::newRow("no leading $") << "scrypt$ln=10,r=8,p=1$" + salt + "$" + hash + "$";
        QTest::newRow("missing parameter") << "$scrypt$ln=10,r=8$" + salt + "$" + hash;
        QTest::newRow("parameters out of order") << "$scrypt$r=8,ln=10,p=1$" + salt + "$" + hash;
        QTest::newRow("non-numeric ln") << "$scrypt$ln=x,r=8,p=1$" + salt + "$" + hash;
        QTest::newRow("trailing junk in ln") << "$scrypt$ln=10x,r=8,p=1$" + salt + "$" + hash;
        QTest::newRow("ln too small") << "$scrypt$ln=9,r=8,p=1$" + salt + "$" + hash;
        QTest::newRow("ln too large") << "$scrypt$ln=23,r=8,p=1$" + salt + "$" + hash;
        QTest::newRow("r zero") << "$scrypt$ln=10,r=0,p=1$" + salt + "$" + hash;
        QTest::newRow("p zero") << "$scrypt$ln=10,r=8,p=0$" + salt + "$" + hash;
        QTest::newRow("negative r") << "$scrypt$ln=10,r=-8,p=1$" + salt + "$" + hash;
        QTest::newRow("bad salt") << "$scrypt$ln=10,r=8,p=1$AA+A$" + hash;
        QTest::newRow("bad hash") << "$scrypt$ln=10,r=8,p=1$" + salt + "$AA/A";
        QTest::newRow("short hash") << "$scrypt$ln=10,r=8,p=1$" + salt + "$AAAA";
    }

    void passwordHashMalformed() {
        QFETCH(QString, stored);
        const auto verified = crypto::verifyPassword("pw", stored.toStdString());
        QVERIFY2(!verified.ok(), qPrintable("accepted " + stored));
        QCOMPARE(verified.error().code, ErrorCode::Corrupt);
    }

    // ---- signing key --------------------------------------------------------------------------

    void signingKeyRoundTrip() {
        const auto key = crypto::SigningKey::generate();
        QVERIFY2(key.ok(), why(key));
        const auto privatePath = file("signing.key");
        const auto publicPath = file("signing.pub");
        const auto saved = key->save(privatePath, publicPath);
        QVERIFY2(saved.ok(), why(saved));
        QCOMPARE(fileMode(privatePath), mode_t{0600});
        QCOMPARE(fileMode(publicPath), mode_t{0644});

        const auto publicPem = files::readFile(publicPath);
        QVERIFY(publicPem.ok());
        QVERIFY(text::startsWith(publicPem.value(), "-----BEGIN PUBLIC KEY-----"));
        const auto ownPem = key->publicKeyPem();
        QVERIFY(ownPem.ok());
        QCOMPARE(ownPem.value(), publicPem.value());

        const auto loaded = crypto::SigningKey::load(privatePath);
        QVERIFY2(loaded.ok(), why(loaded));
        const auto loadedPem = loaded->publicKeyPem();
        QVERIFY(loadedPem.ok());
        QCOMPARE(loadedPem.value(), publicPem.value());

        const std::string message = "audit head 42 " + std::string(1, '\0') + " bytes";
        const auto signature = key->sign(message);
        QVERIFY2(signature.ok(), why(signature));
        QCOMPARE(signature->size(), std::size_t{64});
        // Ed25519 is deterministic: the loaded key signs identically.
        const auto loadedSignature = loaded->sign(message);
        QVERIFY(loadedSignature.ok());
        QCOMPARE(loadedSignature.value(), signature.value());

        auto verified = crypto::verifySignature(publicPem.value(), message, signature.value());
        QVERIFY2(verified.ok(), why(verified));
        QVERIFY(verified.value());
    }

    void signingKeyTampering() {
        const auto key = crypto::SigningKey::generate();
        const auto otherKey = crypto::SigningKey::generate();
        QVERIFY(key.ok() && otherKey.ok());
        const auto pem = key->publicKeyPem();
        const auto otherPem = otherKey->publicKeyPem();
        QVERIFY(pem.ok() && otherPem.ok());
        const std::string message = "export bundle";
        const auto signature = key->sign(message);
        QVERIFY(signature.ok());

        std::string tamperedMessage = message;
        tamperedMessage[0] = 'E';
        auto verified = crypto::verifySignature(pem.value(), tamperedMessage, signature.value());
        QVERIFY(verified.ok());
        QVERIFY(!verified.value());
        verified = crypto::verifySignature(pem.value(), message + " ", signature.value());
        QVERIFY(verified.ok());
        QVERIFY(!verified.value());

        for (std::size_t i : {std::size_t{0}, std::size_t{31}, std::size_t{63}}) {
            std::string tamperedSignature = signature.value();
            tamperedSignature[i] = static_cast<char>(tamperedSignature[i] ^ 0x01);
            verified = crypto::verifySignature(pem.value(), message, tamperedSignature);
            QVERIFY(verified.ok());
            QVERIFY2(!verified.value(), qPrintable(QString::number(i)));
        }
        verified = crypto::verifySignature(pem.value(), message, signature->substr(0, 63));
        QVERIFY(verified.ok());
        QVERIFY(!verified.value());
        verified = crypto::verifySignature(pem.value(), message, "");
        QVERIFY(verified.ok());
        QVERIFY(!verified.value());

        // Another key's signature does not verify.
        verified = crypto::verifySignature(otherPem.value(), message, signature.value());
        QVERIFY(verified.ok());
        QVERIFY(!verified.value());

        const auto badPem = crypto::verifySignature("not a pem", message, signature.value());
        QVERIFY(!badPem.ok());
        QCOMPARE(badPem.error().code, ErrorCode::Corrupt);
    }

    void signingKeyLoadRefusals() {
        const auto key = crypto::SigningKey::generate();
        QVERIFY(key.ok());
        const auto privatePath = file("readable-signing.key");
        QVERIFY(key->save(privatePath, file("readable-signing.pub")).ok());
        QVERIFY(::chmod(privatePath.c_str(), 0644) == 0);
        auto loaded = crypto::SigningKey::load(privatePath);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, ErrorCode::PermissionDenied);

        const auto garbage = file("garbage-signing.key");
        QVERIFY(files::writeFileAtomic(garbage, "-----BEGIN PRIVATE KEY-----\nAAAA\n", 0600).ok());
        loaded = crypto::SigningKey::load(garbage);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, ErrorCode::Corrupt);
        QVERIFY(contains(loaded.error().message, garbage.string()));

        // A public key where the private key belongs.
        const auto publicOnly = file("public-as-private.key");
        const auto pem = key->publicKeyPem();
        QVERIFY(pem.ok());
        QVERIFY(files::writeFileAtomic(publicOnly, pem.value(), 0600).ok());
        loaded = crypto::SigningKey::load(publicOnly);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, ErrorCode::Corrupt);
    }

    // ---- enrolment tokens ---------------------------------------------------------------------

    void enrolmentTokenRoundTrip() {
        const ManualClock clock;
        const proto::EnrolmentToken token = validToken(clock);
        QVERIFY(!token.server_public_key().empty());
        QCOMPARE(token.secret().size(), std::size_t{32});
        const std::string text = crypto::encodeEnrolmentToken(token);
        QVERIFY2(text::startsWith(text, kTokenPrefix), text.c_str());
        // One word: nothing a terminal or a mail client would break up.
        QVERIFY(text.find_first_of(" \t\r\n+/=") == std::string::npos);

        auto decoded = crypto::decodeEnrolmentToken(text, clock);
        QVERIFY2(decoded.ok(), why(decoded));
        QCOMPARE(decoded->SerializeAsString(), token.SerializeAsString());
        QCOMPARE(decoded->token_id(), token.token_id());
        QCOMPARE(decoded->secret(), token.secret());
        QCOMPARE(decoded->enrol_endpoints_size(), 2);

        // Surrounding whitespace from copy and paste is fine.
        decoded = crypto::decodeEnrolmentToken("  " + text + "\n", clock);
        QVERIFY2(decoded.ok(), why(decoded));
        QCOMPARE(decoded->SerializeAsString(), token.SerializeAsString());
    }

    void enrolmentTokenFlippedCharacter() {
        const ManualClock clock;
        const std::string text = crypto::encodeEnrolmentToken(validToken(clock));
        // Every single-character change in the body (the last character may only carry padding
        // bits, so it is left out) is caught.
        for (std::size_t i = kTokenPrefix.size(); i + 1 < text.size(); ++i) {
            std::string flipped = text;
            flipped[i] = flipped[i] == 'A' ? 'B' : 'A';
            expectCorruptToken(flipped, clock);
            if (QTest::currentTestFailed())
                return;
        }
        // And in the prefix.
        std::string flipped = text;
        flipped[2] = 'X';
        expectCorruptToken(flipped, clock);
    }

    void enrolmentTokenTruncated() {
        const ManualClock clock;
        const std::string text = crypto::encodeEnrolmentToken(validToken(clock));
        for (std::size_t length = 0; length < text.size(); ++length) {
            expectCorruptToken(text.substr(0, length), clock);
            if (QTest::currentTestFailed())
                return;
        }
        // A character added at the end is caught too.
        expectCorruptToken(text + "A", clock);
    }

    void enrolmentTokenWrongPrefix() {
        const ManualClock clock;
        const std::string text = crypto::encodeEnrolmentToken(validToken(clock));
        const std::string body = text.substr(kTokenPrefix.size());
        expectCorruptToken("YGT2." + body, clock);
        expectCorruptToken("ygt1." + body, clock);
        expectCorruptToken("YGT1" + body, clock);
        expectCorruptToken(body, clock);
        expectCorruptToken("", clock);
    }

    void enrolmentTokenExpired() {
        ManualClock clock;
        const proto::EnrolmentToken token = validToken(clock);
        const std::string text = crypto::encodeEnrolmentToken(token);
        QVERIFY(crypto::decodeEnrolmentToken(text, clock).ok());

        clock.advance(std::chrono::duration_cast<std::chrono::milliseconds>(1h) - 1s);
        QVERIFY(crypto::decodeEnrolmentToken(text, clock).ok());

        // At expires_at it is no longer valid.
        clock.advance(1s);
        QCOMPARE(clock.nowUnixSeconds(), static_cast<std::int64_t>(token.expires_at_unix()));
        auto decoded = crypto::decodeEnrolmentToken(text, clock);
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code, ErrorCode::Expired);

        clock.advance(std::chrono::duration_cast<std::chrono::milliseconds>(24h));
        decoded = crypto::decodeEnrolmentToken(text, clock);
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code, ErrorCode::Expired);
        QVERIFY2(contains(decoded.error().message,
                          text::isoTimeUtc(static_cast<std::int64_t>(token.expires_at_unix()))),
                 decoded.error().message.c_str());
    }

    void enrolmentTokenInvalidContent_data() {
        QTest::addColumn<QString>("change");
        QTest::addColumn<int>("code");
        const int corrupt = static_cast<int>(ErrorCode::Corrupt);
        const int invalid = static_cast<int>(ErrorCode::InvalidArgument);
        QTest::newRow("no enrol endpoints") << "no-endpoints" << corrupt;
        QTest::newRow("no token id") << "no-id" << corrupt;
        QTest::newRow("no secret") << "no-secret" << corrupt;
        QTest::newRow("short secret") << "short-secret" << corrupt;
        QTest::newRow("long secret") << "long-secret" << corrupt;
        QTest::newRow("no server key") << "no-server-key" << corrupt;
        QTest::newRow("invalid server key") << "bad-server-key" << corrupt;
        QTest::newRow("server key not Z85") << "z85-server-key" << corrupt;
        QTest::newRow("format version 2") << "version-2" << invalid;
        QTest::newRow("format version missing") << "version-0" << invalid;
    }

    void enrolmentTokenInvalidContent() {
        QFETCH(QString, change);
        QFETCH(int, code);
        const ManualClock clock;
        proto::EnrolmentToken token = validToken(clock);
        if (change == "no-endpoints")
            token.clear_enrol_endpoints();
        else if (change == "no-id")
            token.clear_token_id();
        else if (change == "no-secret")
            token.clear_secret();
        else if (change == "short-secret")
            token.set_secret(std::string(31, 's'));
        else if (change == "long-secret")
            token.set_secret(std::string(33, 's'));
        else if (change == "no-server-key")
            token.clear_server_public_key();
        else if (change == "bad-server-key")
            token.set_server_public_key("not-a-key");
        else if (change == "z85-server-key")
            token.set_server_public_key(std::string(40, '~'));
        else if (change == "version-2")
            token.set_format_version(2);
        else if (change == "version-0")
            token.set_format_version(0);
        else
            QFAIL("unknown case");

        const auto decoded =
            crypto::decodeEnrolmentToken(crypto::encodeEnrolmentToken(token), clock);
        QVERIFY2(!decoded.ok(), "an invalid token was accepted");
        QCOMPARE(static_cast<int>(decoded.error().code), code);
    }

    void enrolmentTokenUnreadableBody() {
        // A correct check value over bytes that are not an EnrolmentToken.
        const ManualClock clock;
        const std::string body("\xff\xff\xff\xff\xff", 5);
        const std::string text =
            std::string(kTokenPrefix) + text::toBase64Url(body + crypto::sha256(body).substr(0, 4));
        expectCorruptToken(text, clock);
    }
};

QTEST_GUILESS_MAIN(TestCrypto)
#include "TestCrypto.moc"
