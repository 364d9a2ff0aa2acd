#include "common/Text.h"

#include <array>
#include <charconv>
#include <ctime>

namespace yagura::text {

std::string toHex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0x0f]);
    }
    return out;
}

namespace {
int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

constexpr std::string_view base64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
} // namespace

Result<std::string> fromHex(std::string_view hex) {
    if (hex.size() % 2 != 0)
        return makeError(ErrorCode::InvalidArgument, "hex text has an odd length");
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = hexValue(hex[i]);
        const int lo = hexValue(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return makeError(ErrorCode::InvalidArgument, "hex text has a non-hex character");
        out.push_back(static_cast<char>((hi << 4) | lo));
    }
    return out;
}

std::string toBase64Url(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto at = [&](std::size_t k) {
        return static_cast<unsigned char>(bytes[k]);
    };
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
        out.push_back(base64UrlAlphabet[(v >> 18) & 63]);
        out.push_back(base64UrlAlphabet[(v >> 12) & 63]);
        out.push_back(base64UrlAlphabet[(v >> 6) & 63]);
        out.push_back(base64UrlAlphabet[v & 63]);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const unsigned v = at(i) << 16;
        out.push_back(base64UrlAlphabet[(v >> 18) & 63]);
        out.push_back(base64UrlAlphabet[(v >> 12) & 63]);
    } else if (rest == 2) {
        const unsigned v = (at(i) << 16) | (at(i + 1) << 8);
        out.push_back(base64UrlAlphabet[(v >> 18) & 63]);
        out.push_back(base64UrlAlphabet[(v >> 12) & 63]);
        out.push_back(base64UrlAlphabet[(v >> 6) & 63]);
    }
    return out;
}

Result<std::string> fromBase64Url(std::string_view text) {
    std::array<int, 256> decode{};
    decode.fill(-1);
    for (std::size_t k = 0; k < base64UrlAlphabet.size(); ++k)
        decode[static_cast<unsigned char>(base64UrlAlphabet[k])] = static_cast<int>(k);
    if (text.size() % 4 == 1)
        return makeError(ErrorCode::InvalidArgument, "base64 text has an impossible length");
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        const int v = decode[static_cast<unsigned char>(c)];
        if (v < 0)
            return makeError(ErrorCode::InvalidArgument, "base64 text has an invalid character");
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    return out;
}

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const auto pos = text.find(separator, start);
        if (pos == std::string_view::npos) {
            parts.push_back(text.substr(start));
            return parts;
        }
        parts.push_back(text.substr(start, pos - start));
        start = pos + 1;
    }
}

std::string toLower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string truncateUtf8(std::string_view text, std::size_t maxBytes) {
    if (text.size() <= maxBytes)
        return std::string(text);
    std::size_t end = maxBytes;
    // Back off over continuation bytes (10xxxxxx) to the start of the cut sequence.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;
    return std::string(text.substr(0, end));
}

std::string escapeLike(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\')
            out.push_back('\\');
        out.push_back(c);
    }
    return out;
}

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

Result<std::chrono::seconds> parseDuration(std::string_view text) {
    text = trim(text);
    if (text.empty())
        return makeError(ErrorCode::InvalidArgument, "empty duration");
    std::int64_t number = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, number);
    if (ec != std::errc{} || number <= 0)
        return makeError(ErrorCode::InvalidArgument,
                         "invalid duration '" + std::string(text) +
                             "': expected a positive number with s, m, h, d or w (e.g. 24h)");
    const std::string_view unit(ptr, static_cast<std::size_t>(end - ptr));
    std::int64_t factor = 0;
    if (unit == "s")
        factor = 1;
    else if (unit == "m")
        factor = 60;
    else if (unit == "h")
        factor = 3600;
    else if (unit == "d")
        factor = 86400;
    else if (unit == "w")
        factor = 7 * 86400;
    else
        return makeError(ErrorCode::InvalidArgument,
                         "invalid duration '" + std::string(text) +
                             "': the unit must be s, m, h, d or w (e.g. 24h)");
    if (number > (std::int64_t{1} << 40) / factor)
        return makeError(ErrorCode::InvalidArgument,
                         "duration '" + std::string(text) + "' is too long");
    return std::chrono::seconds{number * factor};
}

std::string isoTimeUtc(std::int64_t unixSeconds) {
    const std::time_t t = static_cast<std::time_t>(unixSeconds);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

} // namespace yagura::text
