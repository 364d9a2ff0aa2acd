#pragma once

// Helpers shared by the inventory collectors (internal to agent/inventory).

#include "common/Result.h"
#include "proto/agent.pb.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yagura::agent::inventory {

// CollectionIssue.section values, one per collector.
inline constexpr std::string_view kSectionHost = "host";
inline constexpr std::string_view kSectionDisks = "disks";
inline constexpr std::string_view kSectionInterfaces = "interfaces";
inline constexpr std::string_view kSectionListeningPorts = "listening_ports";
inline constexpr std::string_view kSectionUsers = "users";
inline constexpr std::string_view kSectionGroups = "groups";
inline constexpr std::string_view kSectionPackages = "packages";
inline constexpr std::string_view kSectionServices = "services";

void addIssue(proto::Inventory& inventory, std::string_view section, std::string message);

// Reads a text file whole. procfs and sysfs files report size 0, so this reads until EOF.
Result<std::string> readTextFile(const std::filesystem::path& path,
                                 std::size_t maxBytes = std::size_t{16} << 20);

// The first line of a file without surrounding white space (sysfs attributes, comm, machine-id).
Result<std::string> readFirstLine(const std::filesystem::path& path);

// The target of a symbolic link; an error with errno's text when it is not one.
Result<std::string> readLink(const std::filesystem::path& path);

// Lines without their terminator ("\n" or "\r\n"); a final empty line is not returned.
std::vector<std::string_view> splitLines(std::string_view text);

// Fields separated by runs of spaces and tabs; no empty fields.
std::vector<std::string_view> splitWhitespace(std::string_view text);

// A whole unsigned number in `base` (no sign, no prefix, no trailing characters).
std::optional<std::uint64_t> parseUnsigned(std::string_view text, int base = 10);
std::optional<std::uint32_t> parseUnsigned32(std::string_view text, int base = 10);

std::string errnoText(int err);

bool isAllDigits(std::string_view text);

} // namespace yagura::agent::inventory
