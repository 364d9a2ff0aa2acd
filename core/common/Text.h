#pragma once

#include "common/Result.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yagura::text {

std::string toHex(std::string_view bytes);
Result<std::string> fromHex(std::string_view hex);
std::string toBase64Url(std::string_view bytes);
Result<std::string> fromBase64Url(std::string_view text);

std::string_view trim(std::string_view text);
std::vector<std::string_view> split(std::string_view text, char separator);
bool startsWith(std::string_view text, std::string_view prefix);
// For SQL LIKE with a backslash as ESCAPE: the text's own %, _ and backslashes match only
// themselves.
std::string escapeLike(std::string_view text);
// ASCII lower case; other bytes unchanged.
std::string toLower(std::string_view text);
// At most `maxBytes` of `text`, cut before a UTF-8 sequence rather than inside one.
std::string truncateUtf8(std::string_view text, std::size_t maxBytes);

// "90s", "15m", "24h", "7d", "2w": a positive duration, as operators write them.
Result<std::chrono::seconds> parseDuration(std::string_view text);

// ISO 8601 UTC, second precision: 2026-11-26T07:54:07Z.
std::string isoTimeUtc(std::int64_t unixSeconds);

} // namespace yagura::text
