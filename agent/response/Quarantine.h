#pragma once

#include "common/Result.h"
#include "proto/agent.pb.h"

#include <filesystem>
#include <string>
#include <vector>

namespace yagura::agent {

// The agent's encrypted quarantine: a file taken out of use is moved into `directory` encrypted
// (AES-256-GCM, a random nonce per chunk, under a key of its own in `directory`/quarantine.key)
// with its metadata (path, owner, mode, time, SHA-256); restoring writes it back byte for byte
// with its owner, mode and modification time. Nothing in the directory is readable as the file.
class Quarantine {
public:
    explicit Quarantine(std::filesystem::path directory);

    // Moves the file at `path` into quarantine. Refused: not absolute, not a regular file (a
    // symbolic link is not followed), or inside the quarantine itself. The original is removed
    // only once the encrypted copy is on disk.
    Result<proto::QuarantineItem> quarantine(const std::string& path, const std::string& reason,
                                             std::uint64_t commandId, std::int64_t nowUnix);
    // Puts an item back where it was. Refused when something exists at that path (nothing is
    // overwritten) or when the decrypted content does not match its hash.
    Result<proto::QuarantineItem> restore(const std::string& id);
    Result<std::vector<proto::QuarantineItem>> list() const;

private:
    Result<std::string> key();

    std::filesystem::path m_directory;
    std::string m_key;
};

} // namespace yagura::agent
