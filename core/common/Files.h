#pragma once

#include "common/Result.h"

#include <filesystem>
#include <string>
#include <sys/types.h>

namespace yagura::files {

Result<std::string> readFile(const std::filesystem::path& path, std::size_t maxBytes = 64u << 20);

// Writes to a temporary file in the same directory, fsyncs it and renames it over `path`, so a
// reader sees either the old or the new content, never a torn file.
Status writeFileAtomic(const std::filesystem::path& path, std::string_view content, mode_t mode);

// Creates the directory (and parents) and sets its mode; an existing directory keeps its content.
Status ensureDirectory(const std::filesystem::path& path, mode_t mode);

// Refuses key material that other users can read: Yagura's secrets are 0600 or stricter.
Status checkPrivateFile(const std::filesystem::path& path);

} // namespace yagura::files
