#pragma once

#include "common/Result.h"
#include "proto/agent.pb.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace yagura::agent {

// Light forensics for a collect command.
struct Collected {
    std::string output;
    std::string type; // application/json or application/octet-stream
    std::string summary;
};

// The most a collected file may carry (the server stores it; agent messages are bounded).
inline constexpr std::uint64_t kMaxCollectedFileBytes = 8 << 20;
// file_info hashes the file on the agent's loop: larger files are refused.
inline constexpr std::uint64_t kMaxHashedFileBytes = 1ULL << 30;

// processes: every process (pid, parent, user, start ticks, image, command line) as JSON;
// connections: every TCP/UDP socket with its owner, as JSON; file_info: a file's metadata and
// SHA-256, as JSON; file: the file itself, up to `max_bytes` (8 MiB at most). Symbolic links
// are not followed for files.
Result<Collected> collect(const proto::CollectRequest& request,
                          const std::filesystem::path& procRoot = "/proc");

} // namespace yagura::agent
