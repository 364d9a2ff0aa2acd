#pragma once

#include "common/Result.h"
#include "proto/operator.pb.h"

#include <filesystem>
#include <string>
#include <vector>

namespace yagura::client {

struct RuleFileContent {
    std::string path; // relative to the folder or archive root
    std::string content;
};

// Every .yml / .yaml file of a folder (recursively) or of a .tar, .tar.gz, .tgz, .tar.xz or .zip
// archive, in path order. Other files are skipped; a file over 1 MiB, more than 50,000 rule
// files, or 256 MiB in all is refused with one line that says which.
Result<std::vector<RuleFileContent>> readRulePack(const std::filesystem::path& folderOrArchive);

// The requests that import `files` as pack `pack`: the first begins, the last finishes, each
// at most about `maxChunkBytes` of rule text (the operator endpoint takes 4 MiB messages).
std::vector<proto::ImportRulesRequest>
importChunks(const std::string& pack, const std::string& description, const std::string& source,
             const std::vector<RuleFileContent>& files, std::size_t maxChunkBytes = 512 << 10);

} // namespace yagura::client
