#include "inventory/CollectorSupport.h"

#include "common/Files.h"
#include "common/Text.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>
#include <unistd.h>

namespace yagura::agent::inventory {

void addIssue(proto::Inventory& inventory, std::string_view section, std::string message) {
    proto::CollectionIssue* issue = inventory.add_issues();
    issue->set_section(std::string(section));
    issue->set_message(std::move(message));
}

Result<std::string> readTextFile(const std::filesystem::path& path, std::size_t maxBytes) {
    return files::readFile(path, maxBytes);
}

Result<std::string> readFirstLine(const std::filesystem::path& path) {
    auto content = files::readFile(path, std::size_t{1} << 20);
    if (!content.ok())
        return content.error();
    std::string_view text = content.value();
    const auto newline = text.find('\n');
    if (newline != std::string_view::npos)
        text = text.substr(0, newline);
    return std::string(text::trim(text));
}

Result<std::string> readLink(const std::filesystem::path& path) {
    std::string buffer(256, '\0');
    for (;;) {
        const ssize_t got = ::readlink(path.c_str(), buffer.data(), buffer.size());
        if (got < 0) {
            const int err = errno;
            return makeError(err == EACCES || err == EPERM ? ErrorCode::PermissionDenied
                                                           : ErrorCode::Io,
                             "cannot read link " + path.string() + ": " + errnoText(err));
        }
        const auto length = static_cast<std::size_t>(got);
        if (length < buffer.size()) {
            buffer.resize(length);
            return buffer;
        }
        if (buffer.size() >= (std::size_t{1} << 16))
            return makeError(ErrorCode::Io, "link target of " + path.string() + " is too long");
        buffer.resize(buffer.size() * 2);
    }
}

std::vector<std::string_view> splitLines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

std::vector<std::string_view> splitWhitespace(std::string_view text) {
    std::vector<std::string_view> fields;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto start = text.find_first_not_of(" \t", pos);
        if (start == std::string_view::npos)
            break;
        auto end = text.find_first_of(" \t", start);
        if (end == std::string_view::npos)
            end = text.size();
        fields.push_back(text.substr(start, end - start));
        pos = end;
    }
    return fields;
}

std::optional<std::uint64_t> parseUnsigned(std::string_view text, int base) {
    if (text.empty() || text.front() == '-' || text.front() == '+')
        return std::nullopt;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (ec != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<std::uint32_t> parseUnsigned32(std::string_view text, int base) {
    const auto value = parseUnsigned(text, base);
    if (!value || *value > std::numeric_limits<std::uint32_t>::max())
        return std::nullopt;
    return static_cast<std::uint32_t>(*value);
}

std::string errnoText(int err) {
    return std::strerror(err);
}

bool isAllDigits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace yagura::agent::inventory
