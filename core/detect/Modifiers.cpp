// Sigma value modifiers: turns `field|mod1|mod2: values` into ValueMatchers, and matches them.

#include "detect/Detection.h"

#include <algorithm>
#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <exception>
#include <utility>

namespace yagura::detect {

std::string_view problemReason(const Error& error) {
    const std::string_view message = error.message;
    const auto colon = message.find(": ");
    return colon == std::string_view::npos ? message : message.substr(0, colon);
}

Error ruleProblem(std::string_view reason, const std::string& detail) {
    return makeError(ErrorCode::InvalidArgument, std::string(reason) + ": " + detail);
}

namespace {

using SigmaString = std::vector<GlobToken>;

constexpr std::size_t kMaxExpansion = 4096;

// Sigma string escaping: `\*`, `\?` and `\\` are the literal characters; a backslash before any
// other character (or at the end) is a plain backslash.
SigmaString parseSigmaString(std::string_view text) {
    SigmaString out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\') {
            if (i + 1 < text.size() &&
                (text[i + 1] == '*' || text[i + 1] == '?' || text[i + 1] == '\\')) {
                out.push_back(static_cast<unsigned char>(text[i + 1]));
                ++i;
            } else {
                out.push_back('\\');
            }
        } else if (c == '*') {
            out.push_back(kGlobStar);
        } else if (c == '?') {
            out.push_back(kGlobOne);
        } else {
            out.push_back(static_cast<unsigned char>(c));
        }
    }
    return out;
}

bool hasWildcards(const SigmaString& value) {
    return std::any_of(value.begin(), value.end(), [](GlobToken t) { return t < 0; });
}

std::string literalOf(const SigmaString& value) {
    std::string out;
    out.reserve(value.size());
    for (GlobToken t : value)
        out.push_back(static_cast<char>(t));
    return out;
}

SigmaString fromLiteral(std::string_view text) {
    SigmaString out;
    out.reserve(text.size());
    for (char c : text)
        out.push_back(static_cast<unsigned char>(c));
    return out;
}

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto at = [&](std::size_t k) {
        return static_cast<unsigned>(static_cast<unsigned char>(bytes[k]));
    };
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
        out.push_back(kBase64Alphabet[(v >> 18) & 63]);
        out.push_back(kBase64Alphabet[(v >> 12) & 63]);
        out.push_back(kBase64Alphabet[(v >> 6) & 63]);
        out.push_back(kBase64Alphabet[v & 63]);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const unsigned v = at(i) << 16;
        out.push_back(kBase64Alphabet[(v >> 18) & 63]);
        out.push_back(kBase64Alphabet[(v >> 12) & 63]);
        out += "==";
    } else if (rest == 2) {
        const unsigned v = (at(i) << 16) | (at(i + 1) << 8);
        out.push_back(kBase64Alphabet[(v >> 18) & 63]);
        out.push_back(kBase64Alphabet[(v >> 12) & 63]);
        out.push_back(kBase64Alphabet[(v >> 6) & 63]);
        out.push_back('=');
    }
    return out;
}

// UTF-8 to code points; an invalid byte is taken as the code point of that byte (Latin-1).
std::vector<char32_t> decodeUtf8(std::string_view text) {
    std::vector<char32_t> out;
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        std::size_t len = 1;
        char32_t cp = b;
        if (b >= 0xC0 && b < 0xE0)
            len = 2, cp = b & 0x1Fu;
        else if (b >= 0xE0 && b < 0xF0)
            len = 3, cp = b & 0x0Fu;
        else if (b >= 0xF0 && b < 0xF8)
            len = 4, cp = b & 0x07u;
        bool valid = len == 1 ? b < 0x80 : i + len <= text.size();
        for (std::size_t k = 1; valid && k < len; ++k) {
            const auto c = static_cast<unsigned char>(text[i + k]);
            if ((c & 0xC0) != 0x80)
                valid = false;
            else
                cp = (cp << 6) | (c & 0x3Fu);
        }
        if (!valid) {
            out.push_back(b);
            ++i;
        } else {
            out.push_back(cp);
            i += len;
        }
    }
    return out;
}

enum class Utf16 { LittleEndian, BigEndian, LittleEndianWithBom };

// Encodes the literal runs of a Sigma string as UTF-16; wildcards stay wildcards.
SigmaString encodeUtf16(const SigmaString& value, Utf16 form) {
    SigmaString out;
    auto push16 = [&](unsigned unit) {
        const auto lo = static_cast<GlobToken>(unit & 0xFFu);
        const auto hi = static_cast<GlobToken>((unit >> 8) & 0xFFu);
        if (form == Utf16::BigEndian) {
            out.push_back(hi);
            out.push_back(lo);
        } else {
            out.push_back(lo);
            out.push_back(hi);
        }
    };
    if (form == Utf16::LittleEndianWithBom)
        push16(0xFEFF);
    std::size_t i = 0;
    while (i < value.size()) {
        if (value[i] < 0) {
            out.push_back(value[i++]);
            continue;
        }
        std::string run;
        while (i < value.size() && value[i] >= 0)
            run.push_back(static_cast<char>(value[i++]));
        for (char32_t cp : decodeUtf8(run)) {
            if (cp >= 0x10000) {
                const unsigned v = static_cast<unsigned>(cp) - 0x10000u;
                push16(0xD800u | (v >> 10));
                push16(0xDC00u | (v & 0x3FFu));
            } else {
                push16(static_cast<unsigned>(cp));
            }
        }
    }
    return out;
}

// The three encodings of `value` at the offsets 0, 1 and 2 of a base64 stream, trimmed to the
// characters that do not depend on the surrounding bytes (as pySigma's base64offset).
std::vector<std::string> base64Offsets(std::string_view value) {
    static constexpr std::size_t kStart[3] = {0, 2, 3};
    static constexpr std::ptrdiff_t kEnd[3] = {0, -3, -2}; // 0: to the end
    std::vector<std::string> out;
    for (std::size_t i = 0; i < 3; ++i) {
        const std::string encoded = base64(std::string(i, ' ') + std::string(value));
        const std::ptrdiff_t end = kEnd[(value.size() + i) % 3];
        const auto stop = static_cast<std::ptrdiff_t>(encoded.size()) + end;
        const auto start = static_cast<std::ptrdiff_t>(kStart[i]);
        if (stop > start)
            out.push_back(encoded.substr(kStart[i], static_cast<std::size_t>(stop - start)));
    }
    return out;
}

bool isWordByte(GlobToken t) {
    if (t < 0)
        return false;
    const auto c = static_cast<unsigned char>(t);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// windash: every `-` or `/` that starts a word (regex \B[-/]\b) may be any of - / – — ―.
Result<std::vector<SigmaString>> windash(const SigmaString& value) {
    static const std::string_view kDashes[] = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94",
                                               "\xE2\x80\x95"};
    std::vector<std::size_t> positions;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const GlobToken t = value[i];
        if (t != '-' && t != '/')
            continue;
        const bool wordBefore = i > 0 && isWordByte(value[i - 1]);
        const bool wordAfter = i + 1 < value.size() && isWordByte(value[i + 1]);
        if (!wordBefore && wordAfter)
            positions.push_back(i);
    }
    std::vector<SigmaString> out{SigmaString{}};
    std::size_t from = 0;
    for (std::size_t position : positions) {
        if (out.size() * std::size(kDashes) > kMaxExpansion)
            return ruleProblem("unsupported modifier", "windash expands to too many values");
        std::vector<SigmaString> next;
        for (const SigmaString& prefix : out) {
            for (std::string_view dash : kDashes) {
                SigmaString grown = prefix;
                grown.insert(grown.end(), value.begin() + static_cast<std::ptrdiff_t>(from),
                             value.begin() + static_cast<std::ptrdiff_t>(position));
                for (char c : dash)
                    grown.push_back(static_cast<unsigned char>(c));
                next.push_back(std::move(grown));
            }
        }
        out = std::move(next);
        from = position + 1;
    }
    for (SigmaString& prefix : out)
        prefix.insert(prefix.end(), value.begin() + static_cast<std::ptrdiff_t>(from), value.end());
    return out;
}

std::optional<double> parseNumber(std::string_view text) {
    if (text.empty())
        return std::nullopt;
    if (text.find_first_not_of("0123456789+-.eE") != std::string_view::npos)
        return std::nullopt;
    if (text.front() == '+')
        text.remove_prefix(1);
    double number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return number;
}

Result<CidrNetwork> parseCidr(std::string_view text) {
    CidrNetwork network;
    const auto slash = text.find('/');
    const std::string address(text.substr(0, slash));
    int maxBits = 32;
    if (::inet_pton(AF_INET, address.c_str(), network.address.data()) == 1) {
        network.family = AF_INET;
    } else if (::inet_pton(AF_INET6, address.c_str(), network.address.data()) == 1) {
        network.family = AF_INET6;
        maxBits = 128;
    } else {
        return ruleProblem("invalid value", "not a CIDR network: '" + std::string(text) + "'");
    }
    network.prefixBits = maxBits;
    if (slash != std::string_view::npos) {
        const std::string_view bits = text.substr(slash + 1);
        int value = -1;
        const auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), value);
        if (ec != std::errc() || end != bits.data() + bits.size() || value < 0 || value > maxBits)
            return ruleProblem("invalid value",
                               "bad CIDR prefix length: '" + std::string(text) + "'");
        network.prefixBits = value;
    }
    return network;
}

bool inNetwork(const CidrNetwork& network, std::string_view value) {
    std::array<std::uint8_t, 16> address{};
    char buffer[64];
    if (value.size() >= sizeof(buffer))
        return false;
    std::memcpy(buffer, value.data(), value.size());
    buffer[value.size()] = '\0';
    if (::inet_pton(network.family, buffer, address.data()) != 1)
        return false;
    int bits = network.prefixBits;
    for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
        const unsigned mask = bits >= 8 ? 0xFFu : (0xFFu << (8 - bits)) & 0xFFu;
        if (((address[i] ^ network.address[i]) & mask) != 0)
            return false;
    }
    return true;
}

// Translates a Sigma (PCRE-flavoured) regular expression to std::regex ECMAScript: leading
// inline flags (?i) (?m) (?s) become options, `.` under `s` becomes [\s\S]; constructs that
// ECMAScript lacks or would read differently are refused rather than mis-matched.
Result<std::shared_ptr<const std::regex>> compileRegex(std::string_view pattern, bool icase,
                                                       bool multiline, bool dotall) {
    // Leading inline flags.
    while (pattern.size() >= 4 && pattern.substr(0, 2) == "(?") {
        std::size_t k = 2;
        bool flagsOnly = true;
        while (k < pattern.size() && pattern[k] != ')') {
            if (pattern[k] != 'i' && pattern[k] != 'm' && pattern[k] != 's') {
                flagsOnly = false;
                break;
            }
            ++k;
        }
        if (!flagsOnly || k == 2 || k >= pattern.size())
            break;
        for (std::size_t f = 2; f < k; ++f) {
            icase |= pattern[f] == 'i';
            multiline |= pattern[f] == 'm';
            dotall |= pattern[f] == 's';
        }
        pattern.remove_prefix(k + 1);
    }
    std::string translated;
    translated.reserve(pattern.size() + 16);
    bool inClass = false;
    auto refuse = [&](std::string_view what) {
        return ruleProblem("unsupported regex",
                           std::string(what) + " in '" + std::string(pattern) + "'");
    };
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\') {
            if (i + 1 >= pattern.size())
                return ruleProblem("invalid value", "regex ends with a backslash");
            const char e = pattern[i + 1];
            if (std::string_view("AZzGKQEhHRXpPN").find(e) != std::string_view::npos)
                return refuse(std::string("\\") + e);
            if (e == 'x' && i + 2 < pattern.size() && pattern[i + 2] == '{')
                return refuse("\\x{...}");
            translated += c;
            translated += e;
            ++i;
            continue;
        }
        if (inClass) {
            if (c == '[' && i + 1 < pattern.size() && pattern[i + 1] == ':')
                return refuse("POSIX class");
            if (c == ']')
                inClass = false;
            translated += c;
            continue;
        }
        if (c == '[') {
            inClass = true;
            translated += c;
            // A ']' right after '[' or '[^' is a literal in PCRE; ECMAScript reads it as the end.
            std::size_t k = i + 1;
            if (k < pattern.size() && pattern[k] == '^')
                translated += pattern[k++];
            if (k < pattern.size() && pattern[k] == ']') {
                translated += "\\]";
                ++k;
            }
            i = k - 1;
            continue;
        }
        if (c == '(' && i + 1 < pattern.size() && pattern[i + 1] == '?') {
            const char kind = i + 2 < pattern.size() ? pattern[i + 2] : '\0';
            if (kind != ':' && kind != '=' && kind != '!')
                return refuse(std::string("group (?") + kind);
        }
        if ((c == '+' || c == '*' || c == '?' || c == '}') && i + 1 < pattern.size() &&
            pattern[i + 1] == '+')
            return refuse("possessive quantifier");
        if (c == '.' && dotall) {
            translated += "[\\s\\S]";
            continue;
        }
        translated += c;
    }
    auto flags = std::regex::ECMAScript | std::regex::optimize;
    if (icase)
        flags |= std::regex::icase;
    if (multiline)
        flags |= std::regex::multiline;
    try {
        return std::make_shared<const std::regex>(translated, flags);
    } catch (const std::exception& e) {
        return refuse(std::string("std::regex: ") + e.what());
    }
}

ValueMatcher literalMatcher(const SigmaString& value, bool cased) {
    ValueMatcher m;
    m.cased = cased;
    auto prepare = [&](std::string text) {
        return cased ? text : toLowerAscii(text);
    };
    if (!hasWildcards(value)) {
        m.kind = MatchKind::Equals;
        m.text = prepare(literalOf(value));
        m.number = parseNumber(m.text);
        return m;
    }
    const bool leadingStar = value.front() == kGlobStar;
    const bool trailingStar = value.back() == kGlobStar;
    const std::size_t from = leadingStar ? 1 : 0;
    const std::size_t to = trailingStar && value.size() > from ? value.size() - 1 : value.size();
    const SigmaString inner(value.begin() + static_cast<std::ptrdiff_t>(from),
                            value.begin() + static_cast<std::ptrdiff_t>(std::max(from, to)));
    if (!hasWildcards(inner) && (leadingStar || trailingStar)) {
        m.text = prepare(literalOf(inner));
        if (m.text.empty())
            m.kind = MatchKind::Present;
        else if (leadingStar && trailingStar)
            m.kind = MatchKind::Contains;
        else if (leadingStar)
            m.kind = MatchKind::EndsWith;
        else
            m.kind = MatchKind::StartsWith;
        return m;
    }
    m.kind = MatchKind::Glob;
    m.glob = value;
    if (!cased) {
        for (GlobToken& t : m.glob) {
            if (t >= 'A' && t <= 'Z')
                t = static_cast<GlobToken>(t - 'A' + 'a');
        }
    }
    return m;
}

bool isModifier(std::string_view name, std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), name) != set.end();
}

} // namespace

Result<FieldMatcher> compileFieldMatcher(std::string_view key, const std::vector<RawValue>& values,
                                         bool keyword) {
    FieldMatcher matcher;
    std::vector<std::string_view> modifiers;
    {
        std::size_t start = 0;
        const std::size_t bar = key.find('|');
        matcher.field = std::string(key.substr(0, bar));
        if (bar != std::string_view::npos) {
            start = bar + 1;
            while (true) {
                const std::size_t next = key.find('|', start);
                modifiers.push_back(key.substr(start, next - start));
                if (next == std::string_view::npos)
                    break;
                start = next + 1;
            }
        }
    }
    matcher.fieldLower = toLowerAscii(matcher.field);
    const std::string where = "'" + std::string(key) + "'";

    // Classify the chain.
    bool cased = false, isRegex = false, reI = false, reM = false, reS = false;
    std::optional<MatchKind> special;       // Cidr, comparisons, Exists, FieldRef
    MatchKind position = MatchKind::Equals; // contains / startswith / endswith
    std::vector<std::string_view>
        transforms; // in order: utf16*, wide, base64, base64offset, windash
    for (std::string_view mod : modifiers) {
        if (mod == "all") {
            matcher.all = true;
        } else if (mod == "cased") {
            cased = true;
        } else if (mod == "contains" || mod == "startswith" || mod == "endswith") {
            position = mod == "contains"     ? MatchKind::Contains
                       : mod == "startswith" ? MatchKind::StartsWith
                                             : MatchKind::EndsWith;
        } else if (isModifier(mod, {"base64", "base64offset", "utf16le", "utf16be", "utf16", "wide",
                                    "windash"})) {
            transforms.push_back(mod);
        } else if (mod == "re") {
            isRegex = true;
        } else if (mod == "i" || mod == "m" || mod == "s") {
            if (!isRegex)
                return ruleProblem("invalid rule", "regex flag '" + std::string(mod) +
                                                       "' without 're' in " + where);
            reI |= mod == "i";
            reM |= mod == "m";
            reS |= mod == "s";
        } else if (mod == "cidr") {
            special = MatchKind::Cidr;
        } else if (mod == "lt" || mod == "lte" || mod == "gt" || mod == "gte") {
            special = mod == "lt"    ? MatchKind::Less
                      : mod == "lte" ? MatchKind::LessEqual
                      : mod == "gt"  ? MatchKind::Greater
                                     : MatchKind::GreaterEqual;
        } else if (mod == "exists") {
            special = MatchKind::Exists;
        } else if (mod == "fieldref") {
            special = MatchKind::FieldRef;
        } else if (mod == "expand") {
            return ruleProblem("expand placeholders",
                               "placeholders (%name%) are not configured, in " + where);
        } else if (isModifier(mod, {"minute", "hour", "day", "week", "month", "year", "neq"})) {
            return ruleProblem("unsupported modifier", "'" + std::string(mod) + "' in " + where);
        } else {
            return ruleProblem("unknown modifier", "'" + std::string(mod) + "' in " + where);
        }
    }
    if (keyword && (special || isRegex))
        return ruleProblem("invalid rule", "keyword search with a field-only modifier " + where);
    if ((special || isRegex) && !transforms.empty())
        return ruleProblem("invalid rule", "conflicting modifiers in " + where);
    if (special && isRegex)
        return ruleProblem("invalid rule", "conflicting modifiers in " + where);
    if (special && *special != MatchKind::FieldRef && position != MatchKind::Equals)
        return ruleProblem("invalid rule", "conflicting modifiers in " + where);

    for (const RawValue& raw : values) {
        if (raw.isNull) {
            if (special || isRegex || !transforms.empty() || position != MatchKind::Equals)
                return ruleProblem("invalid value", "null with modifiers in " + where);
            ValueMatcher m;
            m.kind = keyword ? MatchKind::Equals : MatchKind::Null;
            if (keyword)
                return ruleProblem("invalid value", "null keyword in " + where);
            matcher.values.push_back(std::move(m));
            continue;
        }
        if (isRegex) {
            ValueMatcher m;
            m.kind = MatchKind::Regex;
            m.cased = !reI;
            YAGURA_ASSIGN_OR_RETURN(m.regex, compileRegex(raw.text, reI, reM, reS));
            m.text = raw.text;
            matcher.values.push_back(std::move(m));
            continue;
        }
        if (special) {
            ValueMatcher m;
            m.kind = *special;
            m.cased = cased;
            switch (*special) {
            case MatchKind::Cidr: {
                YAGURA_ASSIGN_OR_RETURN(m.network, parseCidr(raw.text));
                break;
            }
            case MatchKind::Exists: {
                const std::string v = toLowerAscii(raw.text);
                if (v != "true" && v != "false")
                    return ruleProblem("invalid value", "exists needs true or false in " + where);
                m.wanted = v == "true";
                break;
            }
            case MatchKind::FieldRef:
                m.text = raw.text;
                m.textLower = toLowerAscii(raw.text);
                m.refMode = position;
                break;
            default:
                m.number = parseNumber(raw.text);
                if (!m.number)
                    return ruleProblem("invalid value",
                                       "'" + raw.text + "' is not a number in " + where);
                break;
            }
            matcher.values.push_back(std::move(m));
            continue;
        }
        // String pipeline: transformations in order, then the position wildcards.
        std::vector<SigmaString> current{parseSigmaString(raw.text)};
        for (std::string_view transform : transforms) {
            std::vector<SigmaString> next;
            for (const SigmaString& value : current) {
                if (transform == "windash") {
                    YAGURA_ASSIGN_OR_RETURN(auto variants, windash(value));
                    for (auto& v : variants)
                        next.push_back(std::move(v));
                } else if (transform == "utf16le" || transform == "wide") {
                    next.push_back(encodeUtf16(value, Utf16::LittleEndian));
                } else if (transform == "utf16be") {
                    next.push_back(encodeUtf16(value, Utf16::BigEndian));
                } else if (transform == "utf16") {
                    next.push_back(encodeUtf16(value, Utf16::LittleEndianWithBom));
                } else {
                    if (hasWildcards(value))
                        return ruleProblem("invalid value", std::string(transform) +
                                                                " of a value with wildcards in " +
                                                                where);
                    if (transform == "base64") {
                        next.push_back(fromLiteral(base64(literalOf(value))));
                    } else {
                        for (const std::string& encoded : base64Offsets(literalOf(value)))
                            next.push_back(fromLiteral(encoded));
                    }
                }
            }
            if (next.size() > kMaxExpansion)
                return ruleProblem("unsupported modifier", "too many values after " +
                                                               std::string(transform) + " in " +
                                                               where);
            current = std::move(next);
        }
        for (SigmaString& value : current) {
            if (position == MatchKind::Contains || position == MatchKind::EndsWith) {
                if (value.empty() || value.front() != kGlobStar)
                    value.insert(value.begin(), kGlobStar);
            }
            if (position == MatchKind::Contains || position == MatchKind::StartsWith) {
                if (value.back() != kGlobStar)
                    value.push_back(kGlobStar);
            }
            if (keyword && (value.empty() || value.front() != kGlobStar))
                value.insert(value.begin(), kGlobStar);
            if (keyword && value.back() != kGlobStar)
                value.push_back(kGlobStar);
            matcher.values.push_back(literalMatcher(value, cased));
        }
    }
    return matcher;
}

namespace {

// One UTF-8 character forward.
std::size_t nextChar(std::string_view s, std::size_t i) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80)
        ++i;
    return i;
}

bool globMatch(const std::vector<GlobToken>& p, std::string_view s) {
    std::size_t pi = 0, si = 0;
    std::size_t starP = std::string_view::npos, starS = 0;
    while (si < s.size()) {
        if (pi < p.size() && p[pi] == kGlobOne) {
            si = nextChar(s, si);
            ++pi;
        } else if (pi < p.size() && p[pi] >= 0 &&
                   static_cast<unsigned char>(p[pi]) == static_cast<unsigned char>(s[si])) {
            ++si;
            ++pi;
        } else if (pi < p.size() && p[pi] == kGlobStar) {
            starP = pi++;
            starS = si;
        } else if (starP != std::string_view::npos) {
            pi = starP + 1;
            starS = nextChar(s, starS);
            si = starS;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == kGlobStar)
        ++pi;
    return pi == p.size();
}

// libstdc++'s std::regex matcher recurses once per character: a 20 KB value crashes an 8 MiB
// stack. Long values are therefore searched in overlapping windows of kRegexWindow bytes (with
// match_prev_avail, `^`, `\b` and lookaheads see the real neighbouring characters, and
// match_not_bol / match_not_eol keep window edges from acting as the value's ends). A match is
// found when it is at most kRegexOverlap bytes long; longer matches in values longer than
// kRegexWindow may be missed. Evaluation needs about 1 MiB of stack per thread.
constexpr std::size_t kRegexWindow = 2048;
constexpr std::size_t kRegexOverlap = 1024;

bool regexSearch(const std::regex& regex, const std::string& value) {
    try {
        if (value.size() <= kRegexWindow)
            return std::regex_search(value.begin(), value.end(), regex);
        for (std::size_t start = 0;; start += kRegexWindow - kRegexOverlap) {
            const std::size_t stop = std::min(value.size(), start + kRegexWindow);
            auto flags = std::regex_constants::match_default;
            if (start > 0)
                flags |= std::regex_constants::match_prev_avail;
            if (stop < value.size())
                flags |= std::regex_constants::match_not_eol;
            if (std::regex_search(value.begin() + static_cast<std::ptrdiff_t>(start),
                                  value.begin() + static_cast<std::ptrdiff_t>(stop), regex, flags))
                return true;
            if (stop == value.size())
                return false;
        }
    } catch (const std::exception&) {
        return false; // std::regex complexity limits: no match rather than an exception
    }
}

bool compareText(MatchKind kind, std::string_view value, std::string_view text) {
    switch (kind) {
    case MatchKind::Equals:
        return value == text;
    case MatchKind::StartsWith:
        return value.starts_with(text);
    case MatchKind::EndsWith:
        return value.ends_with(text);
    case MatchKind::Contains:
        return value.find(text) != std::string_view::npos;
    default:
        return false;
    }
}

bool matchValue(const ValueMatcher& m, const Event::Field* field, const Event& event) {
    switch (m.kind) {
    case MatchKind::Null:
        return field == nullptr;
    case MatchKind::Exists:
        return (field != nullptr) == m.wanted;
    default:
        break;
    }
    if (field == nullptr)
        return false;
    const std::string_view value = m.cased ? field->value : field->lowered;
    switch (m.kind) {
    case MatchKind::Equals:
        if (value == m.text)
            return true;
        if (m.number) {
            const auto number = parseNumber(field->value);
            return number && *number == *m.number;
        }
        return false;
    case MatchKind::StartsWith:
    case MatchKind::EndsWith:
    case MatchKind::Contains:
        return compareText(m.kind, value, m.text);
    case MatchKind::Present:
        return true;
    case MatchKind::Glob:
        return globMatch(m.glob, value);
    case MatchKind::Regex:
        return regexSearch(*m.regex, field->value);
    case MatchKind::Cidr:
        return inNetwork(m.network, field->value);
    case MatchKind::Less:
    case MatchKind::LessEqual:
    case MatchKind::Greater:
    case MatchKind::GreaterEqual: {
        const auto number = parseNumber(field->value);
        if (!number)
            return false;
        switch (m.kind) {
        case MatchKind::Less:
            return *number < *m.number;
        case MatchKind::LessEqual:
            return *number <= *m.number;
        case MatchKind::Greater:
            return *number > *m.number;
        default:
            return *number >= *m.number;
        }
    }
    case MatchKind::FieldRef: {
        const Event::Field* other = event.find(m.text, m.textLower);
        if (other == nullptr)
            return false;
        return compareText(m.refMode, value, m.cased ? other->value : other->lowered);
    }
    default:
        return false;
    }
}

} // namespace

bool matchField(const FieldMatcher& matcher, const Event& event) {
    if (matcher.field.empty()) { // keyword: any value of the event
        auto anyValue = [&](const ValueMatcher& m) {
            for (const Event::Field& f : event.fields()) {
                if (matchValue(m, &f, event))
                    return true;
            }
            return false;
        };
        if (matcher.all)
            return std::all_of(matcher.values.begin(), matcher.values.end(), anyValue);
        return std::any_of(matcher.values.begin(), matcher.values.end(), anyValue);
    }
    const Event::Field* field = event.find(matcher.field, matcher.fieldLower);
    if (matcher.all) {
        for (const ValueMatcher& m : matcher.values) {
            if (!matchValue(m, field, event))
                return false;
        }
        return true;
    }
    for (const ValueMatcher& m : matcher.values) {
        if (matchValue(m, field, event))
            return true;
    }
    return false;
}

} // namespace yagura::detect
