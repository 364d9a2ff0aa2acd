// yagura::common: text helpers, atomic file writes, Result and its macros, ManualClock.

#include "common/Clock.h"
#include "common/Files.h"
#include "common/Result.h"
#include "common/Text.h"

#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
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

std::string allByteValues() {
    std::string bytes;
    for (int i = 0; i < 256; ++i)
        bytes.push_back(static_cast<char>(i));
    return bytes;
}

// Helpers for the Result macros: each returns a Result and uses the macro under test.
Result<int> parsePositive(int value) {
    if (value <= 0)
        return makeError(ErrorCode::InvalidArgument, "not positive: " + std::to_string(value));
    return value;
}

Status checkPositive(int value) {
    YAGURA_TRY(parsePositive(value));
    return success();
}

Result<int> sumOfPositives(int a, int b) {
    YAGURA_ASSIGN_OR_RETURN(const int first, parsePositive(a));
    // A second use in the same scope must not clash with the first temporary.
    YAGURA_ASSIGN_OR_RETURN(const int second, parsePositive(b));
    return first + second;
}

Result<std::unique_ptr<int>> makeBox(int value) {
    if (value < 0)
        return makeError(ErrorCode::NotFound, "no box");
    return std::make_unique<int>(value);
}

Result<int> unbox(int value) {
    // Move-only values travel through the macro.
    YAGURA_ASSIGN_OR_RETURN(std::unique_ptr<int> box, makeBox(value));
    return *box + 1;
}

Result<std::string> assignToExisting(int value, int& calls) {
    std::string out = "unchanged";
    ++calls;
    YAGURA_ASSIGN_OR_RETURN(const int checked, parsePositive(value));
    out = std::to_string(checked);
    ++calls;
    return out;
}

} // namespace

class TestCommon : public QObject {
    Q_OBJECT

private slots:
    // ---- parseDuration ----------------------------------------------------------------------

    void parseDurationValid_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("seconds");
        QTest::newRow("seconds") << "90s" << qint64{90};
        QTest::newRow("minutes") << "15m" << qint64{15 * 60};
        QTest::newRow("hours") << "24h" << qint64{24 * 3600};
        QTest::newRow("days") << "7d" << qint64{7 * 86400};
        QTest::newRow("weeks") << "2w" << qint64{2 * 7 * 86400};
        QTest::newRow("one second") << "1s" << qint64{1};
        QTest::newRow("surrounding whitespace") << " 15m\n" << qint64{15 * 60};
        QTest::newRow("largest seconds") << "1099511627776s" << (qint64{1} << 40);
    }

    void parseDurationValid() {
        QFETCH(QString, text);
        QFETCH(qint64, seconds);
        const auto parsed = text::parseDuration(text.toStdString());
        QVERIFY2(parsed.ok(), why(parsed));
        QCOMPARE(static_cast<qint64>(parsed->count()), seconds);
    }

    void parseDurationInvalid_data() {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("blank") << "   ";
        QTest::newRow("zero") << "0h";
        QTest::newRow("negative") << "-1h";
        QTest::newRow("no unit") << "10";
        QTest::newRow("unknown unit") << "5x";
        QTest::newRow("unit only") << "h";
        QTest::newRow("plus sign") << "+5h";
        QTest::newRow("fraction") << "1.5h";
        QTest::newRow("two units") << "1h30m";
        QTest::newRow("upper-case unit") << "5H";
        QTest::newRow("space before unit") << "5 h";
        QTest::newRow("too long") << "100000000w";
        QTest::newRow("just past the limit") << "1099511627777s";
        QTest::newRow("overflows int64") << "99999999999999999999999h";
    }

    void parseDurationInvalid() {
        QFETCH(QString, text);
        const auto parsed = text::parseDuration(text.toStdString());
        QVERIFY2(!parsed.ok(), qPrintable("accepted '" + text + "'"));
        QCOMPARE(parsed.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!parsed.error().message.empty());
    }

    // ---- base64url and hex ----------------------------------------------------------------

    void base64UrlRoundTrip_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("one byte") << QByteArray("f");
        QTest::newRow("two bytes") << QByteArray("fo");
        QTest::newRow("three bytes") << QByteArray("foo");
        QTest::newRow("four bytes") << QByteArray("foob");
        QTest::newRow("NUL bytes") << QByteArray(5, '\0');
        QTest::newRow("high bytes") << QByteArray("\xfb\xff\xfe\x80", 4);
        const std::string all = allByteValues();
        QTest::newRow("all byte values") << QByteArray(all.data(), static_cast<int>(all.size()));
    }

    void base64UrlRoundTrip() {
        QFETCH(QByteArray, bytes);
        const std::string input(bytes.constData(), static_cast<std::size_t>(bytes.size()));
        const std::string encoded = text::toBase64Url(input);
        // URL- and filename-safe: no '+', '/' or '=' padding.
        QVERIFY(encoded.find_first_of("+/=") == std::string::npos);
        QCOMPARE(encoded.size(), (input.size() * 4 + 2) / 3);
        // Must agree with Qt's implementation of RFC 4648 base64url without padding.
        QCOMPARE(QByteArray::fromStdString(encoded),
                 bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        const auto decoded = text::fromBase64Url(encoded);
        QVERIFY2(decoded.ok(), why(decoded));
        QCOMPARE(decoded.value(), input);
    }

    void base64UrlKnownValues() {
        QCOMPARE(text::toBase64Url(""), std::string());
        QCOMPARE(text::toBase64Url("foobar"), std::string("Zm9vYmFy"));
        QCOMPARE(text::toBase64Url("\xfb\xff"), std::string("-_8"));
        const auto decoded = text::fromBase64Url("-_8");
        QVERIFY2(decoded.ok(), why(decoded));
        QCOMPARE(decoded.value(), std::string("\xfb\xff"));
    }

    void base64UrlInvalid_data() {
        QTest::addColumn<QString>("text");
        QTest::newRow("impossible length") << "Zm9vY";
        QTest::newRow("single character") << "Z";
        QTest::newRow("standard alphabet plus") << "ab+c";
        QTest::newRow("standard alphabet slash") << "ab/c";
        QTest::newRow("space") << "Zm9v YmFy";
        QTest::newRow("non-ASCII") << QString::fromUtf8("Zm9v\xc3\xa9");
    }

    void base64UrlInvalid() {
        QFETCH(QString, text);
        const auto decoded = text::fromBase64Url(text.toStdString());
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code, ErrorCode::InvalidArgument);
    }

    void hexRoundTrip_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("NUL") << QByteArray(1, '\0');
        QTest::newRow("text") << QByteArray("Yagura");
        const std::string all = allByteValues();
        QTest::newRow("all byte values") << QByteArray(all.data(), static_cast<int>(all.size()));
    }

    void hexRoundTrip() {
        QFETCH(QByteArray, bytes);
        const std::string input(bytes.constData(), static_cast<std::size_t>(bytes.size()));
        const std::string hex = text::toHex(input);
        QCOMPARE(hex.size(), input.size() * 2);
        QCOMPARE(QByteArray::fromStdString(hex), bytes.toHex());
        const auto decoded = text::fromHex(hex);
        QVERIFY2(decoded.ok(), why(decoded));
        QCOMPARE(decoded.value(), input);
    }

    void hexAcceptsUpperCase() {
        QCOMPARE(text::toHex(std::string("\x00\xff\x10", 3)), std::string("00ff10"));
        const auto decoded = text::fromHex("00FFaB");
        QVERIFY2(decoded.ok(), why(decoded));
        QCOMPARE(decoded.value(), std::string("\x00\xff\xab", 3));
    }

    void hexInvalid_data() {
        QTest::addColumn<QString>("text");
        QTest::newRow("odd length") << "abc";
        QTest::newRow("single digit") << "a";
        QTest::newRow("non-hex letter") << "zz";
        QTest::newRow("non-hex in second digit") << "0g";
        QTest::newRow("prefix") << "0x00";
        QTest::newRow("space") << "00 1";
    }

    void hexInvalid() {
        QFETCH(QString, text);
        const auto decoded = text::fromHex(text.toStdString());
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code, ErrorCode::InvalidArgument);
    }

    void trimAndSplit() {
        QCOMPARE(text::trim(" \t a b \r\n"), std::string_view("a b"));
        QCOMPARE(text::trim(" \n\t"), std::string_view());
        const auto parts = text::split("a,,b,", ',');
        QCOMPARE(parts.size(), std::size_t{4});
        QCOMPARE(parts[0], std::string_view("a"));
        QCOMPARE(parts[1], std::string_view());
        QCOMPARE(parts[2], std::string_view("b"));
        QCOMPARE(parts[3], std::string_view());
        QVERIFY(text::startsWith("YGT1.abc", "YGT1."));
        QVERIFY(!text::startsWith("YGT", "YGT1."));
    }

    void isoTime() {
        QCOMPARE(text::isoTimeUtc(0), std::string("1970-01-01T00:00:00Z"));
        QCOMPARE(text::isoTimeUtc(1'800'000'000), std::string("2027-01-15T08:00:00Z"));
    }

    // ---- files ----------------------------------------------------------------------------

    void writeFileAtomicSetsModeAndReplaces() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::filesystem::path path = std::filesystem::path(dir.path().toStdString()) / "key";

        auto written = files::writeFileAtomic(path, "first content", 0600);
        QVERIFY2(written.ok(), why(written));
        QCOMPARE(fileMode(path), mode_t{0600});
        auto content = files::readFile(path);
        QVERIFY2(content.ok(), why(content));
        QCOMPARE(content.value(), std::string("first content"));

        // Replacing: new content, and the mode of the new write.
        written = files::writeFileAtomic(path, "second", 0640);
        QVERIFY2(written.ok(), why(written));
        QCOMPARE(fileMode(path), mode_t{0640});
        content = files::readFile(path);
        QVERIFY2(content.ok(), why(content));
        QCOMPARE(content.value(), std::string("second"));

        // Empty and binary content.
        const std::string binary = allByteValues();
        written = files::writeFileAtomic(path, binary, 0600);
        QVERIFY2(written.ok(), why(written));
        content = files::readFile(path);
        QVERIFY2(content.ok(), why(content));
        QCOMPARE(content.value(), binary);
        written = files::writeFileAtomic(path, "", 0600);
        QVERIFY2(written.ok(), why(written));
        content = files::readFile(path);
        QVERIFY2(content.ok(), why(content));
        QVERIFY(content->empty());

        // No temporary files left behind.
        int entries = 0;
        for (const auto& entry : std::filesystem::directory_iterator(path.parent_path())) {
            QCOMPARE(entry.path().filename().string(), std::string("key"));
            ++entries;
        }
        QCOMPARE(entries, 1);
    }

    void writeFileAtomicIntoMissingDirectoryFails() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto path = std::filesystem::path(dir.path().toStdString()) / "missing" / "file";
        const auto written = files::writeFileAtomic(path, "x", 0600);
        QVERIFY(!written.ok());
        QCOMPARE(written.error().code, ErrorCode::Io);
        QVERIFY(!std::filesystem::exists(path));
    }

    void checkPrivateFile() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto base = std::filesystem::path(dir.path().toStdString());

        const auto open = base / "open";
        QVERIFY(files::writeFileAtomic(open, "secret", 0644).ok());
        auto checked = files::checkPrivateFile(open);
        QVERIFY(!checked.ok());
        QCOMPARE(checked.error().code, ErrorCode::PermissionDenied);
        QVERIFY2(checked.error().message.find(open.string()) != std::string::npos,
                 checked.error().message.c_str());

        const auto groupReadable = base / "group";
        QVERIFY(files::writeFileAtomic(groupReadable, "secret", 0640).ok());
        checked = files::checkPrivateFile(groupReadable);
        QVERIFY(!checked.ok());
        QCOMPARE(checked.error().code, ErrorCode::PermissionDenied);

        const auto privateFile = base / "private";
        QVERIFY(files::writeFileAtomic(privateFile, "secret", 0600).ok());
        checked = files::checkPrivateFile(privateFile);
        QVERIFY2(checked.ok(), why(checked));
        QVERIFY(files::writeFileAtomic(privateFile, "secret", 0400).ok());
        QVERIFY(files::checkPrivateFile(privateFile).ok());

        checked = files::checkPrivateFile(base / "missing");
        QVERIFY(!checked.ok());
        QCOMPARE(checked.error().code, ErrorCode::Io);
    }

    void readFileLimits() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto path = std::filesystem::path(dir.path().toStdString()) / "big";
        QVERIFY(files::writeFileAtomic(path, std::string(100, 'x'), 0600).ok());
        auto content = files::readFile(path, 100);
        QVERIFY2(content.ok(), why(content));
        QCOMPARE(content->size(), std::size_t{100});
        content = files::readFile(path, 99);
        QVERIFY(!content.ok());
        QCOMPARE(content.error().code, ErrorCode::InvalidArgument);
        content = files::readFile(path.parent_path() / "missing");
        QVERIFY(!content.ok());
        QCOMPARE(content.error().code, ErrorCode::Io);
    }

    void ensureDirectory() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto nested = std::filesystem::path(dir.path().toStdString()) / "a" / "b";
        auto made = files::ensureDirectory(nested, 0700);
        QVERIFY2(made.ok(), why(made));
        QVERIFY(std::filesystem::is_directory(nested));
        QCOMPARE(fileMode(nested), mode_t{0700});
        QVERIFY(files::writeFileAtomic(nested / "keep", "x", 0600).ok());
        made = files::ensureDirectory(nested, 0750);
        QVERIFY2(made.ok(), why(made));
        QCOMPARE(fileMode(nested), mode_t{0750});
        QVERIFY(std::filesystem::exists(nested / "keep"));
    }

    // ---- Result and macros ------------------------------------------------------------------

    void resultValueAndError() {
        Result<int> good = 42;
        QVERIFY(good.ok());
        QVERIFY(static_cast<bool>(good));
        QCOMPARE(good.value(), 42);
        QCOMPARE(*good, 42);
        QCOMPARE(good.valueOr(7), 42);

        Result<int> bad = makeError(ErrorCode::NotFound, "gone");
        QVERIFY(!bad.ok());
        QVERIFY(!static_cast<bool>(bad));
        QCOMPARE(bad.error().code, ErrorCode::NotFound);
        QCOMPARE(bad.error().what(), std::string("gone"));
        QCOMPARE(bad.valueOr(7), 7);

        Result<std::string> text = std::string("abc");
        QCOMPARE(text->size(), std::size_t{3});

        Status fine = success();
        QVERIFY(fine.ok());
        Status failed = makeError(ErrorCode::Io, "disk");
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().code, ErrorCode::Io);
        QCOMPARE(failed.error().message, std::string("disk"));
    }

    void errorCodeNames() {
        QCOMPARE(errorCodeName(ErrorCode::InvalidArgument), std::string_view("invalid-argument"));
        QCOMPARE(errorCodeName(ErrorCode::Corrupt), std::string_view("corrupt"));
        QCOMPARE(errorCodeName(ErrorCode::Internal), std::string_view("internal"));
    }

    void tryMacro() {
        QVERIFY(checkPositive(1).ok());
        const Status failed = checkPositive(-3);
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(failed.error().message, std::string("not positive: -3"));
    }

    void assignOrReturnMacro() {
        auto sum = sumOfPositives(2, 3);
        QVERIFY2(sum.ok(), why(sum));
        QCOMPARE(sum.value(), 5);

        // The first failure is the one returned; nothing after it runs.
        sum = sumOfPositives(-1, -2);
        QVERIFY(!sum.ok());
        QCOMPARE(sum.error().message, std::string("not positive: -1"));
        sum = sumOfPositives(1, -2);
        QVERIFY(!sum.ok());
        QCOMPARE(sum.error().message, std::string("not positive: -2"));

        auto unboxed = unbox(41);
        QVERIFY2(unboxed.ok(), why(unboxed));
        QCOMPARE(unboxed.value(), 42);
        unboxed = unbox(-1);
        QVERIFY(!unboxed.ok());
        QCOMPARE(unboxed.error().code, ErrorCode::NotFound);

        int calls = 0;
        auto assigned = assignToExisting(9, calls);
        QVERIFY(assigned.ok());
        QCOMPARE(assigned.value(), std::string("9"));
        QCOMPARE(calls, 2);
        calls = 0;
        assigned = assignToExisting(0, calls);
        QVERIFY(!assigned.ok());
        QCOMPARE(calls, 1);
    }

    // ---- clocks ---------------------------------------------------------------------------

    void manualClockAdvance() {
        ManualClock clock;
        QCOMPARE(clock.nowUnixSeconds(), std::int64_t{1'800'000'000});
        QCOMPARE(clock.nowUnixMillis(), std::int64_t{1'800'000'000'000});

        clock.advance(1500ms);
        QCOMPARE(clock.nowUnixMillis(), std::int64_t{1'800'000'001'500});
        QCOMPARE(clock.nowUnixSeconds(), std::int64_t{1'800'000'001});

        clock.advance(std::chrono::duration_cast<std::chrono::milliseconds>(24h));
        QCOMPARE(clock.nowUnixSeconds(), std::int64_t{1'800'000'001 + 86'400});

        // Reading does not move it.
        QCOMPARE(clock.now(), clock.now());

        ManualClock epoch{std::chrono::system_clock::time_point{}};
        QCOMPARE(epoch.nowUnixMillis(), std::int64_t{0});
        epoch.advance(1ms);
        QCOMPARE(epoch.nowUnixMillis(), std::int64_t{1});
    }

    void systemClockIsCurrent() {
        const Clock& clock = SystemClock::instance();
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        QVERIFY(clock.nowUnixSeconds() >= now - 5);
        QVERIFY(clock.nowUnixSeconds() <= now + 5);
    }
};

QTEST_GUILESS_MAIN(TestCommon)
#include "TestCommon.moc"
