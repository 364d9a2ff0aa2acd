#include "client/RulePackFiles.h"

#include "common/Files.h"
#include "common/Text.h"

#include <algorithm>
#include <archive.h>
#include <archive_entry.h>
#include <memory>

namespace yagura::client {

namespace {
constexpr std::size_t kMaxFileBytes = 1 << 20;
constexpr std::size_t kMaxFiles = 50'000;
constexpr std::size_t kMaxTotalBytes = 256u << 20;

bool isRuleFile(std::string_view path) {
    return path.ends_with(".yml") || path.ends_with(".yaml");
}

// Archive members: no absolute paths, no "..", so a hostile archive cannot name files outside.
bool safeRelative(std::string_view path) {
    if (path.empty() || path.front() == '/')
        return false;
    for (std::string_view part : text::split(path, '/'))
        if (part == "..")
            return false;
    return true;
}

Status checkLimits(const std::vector<RuleFileContent>& files, std::size_t total) {
    if (files.size() > kMaxFiles)
        return makeError(ErrorCode::InvalidArgument,
                         "more than " + std::to_string(kMaxFiles) + " rule files");
    if (total > kMaxTotalBytes)
        return makeError(ErrorCode::InvalidArgument, "more than 256 MiB of rules");
    return success();
}

Result<std::vector<RuleFileContent>> readFolder(const std::filesystem::path& root) {
    std::vector<RuleFileContent> files;
    std::size_t total = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(
             root, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec) || !isRuleFile(it->path().string()))
            continue;
        const auto relative = std::filesystem::relative(it->path(), root, ec).generic_string();
        if (it->file_size(ec) > kMaxFileBytes)
            return makeError(ErrorCode::InvalidArgument,
                             relative + " is over 1 MiB; it is not a Sigma rule");
        YAGURA_ASSIGN_OR_RETURN(auto content, files::readFile(it->path(), kMaxFileBytes));
        total += content.size();
        files.push_back({relative, std::move(content)});
        YAGURA_TRY(checkLimits(files, total));
    }
    if (ec)
        return makeError(ErrorCode::Io, "cannot read " + root.string() + ": " + ec.message());
    return files;
}

Result<std::vector<RuleFileContent>> readArchive(const std::filesystem::path& path) {
    std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(),
                                                                  &archive_read_free);
    archive_read_support_filter_all(reader.get());
    archive_read_support_format_tar(reader.get());
    archive_read_support_format_gnutar(reader.get());
    archive_read_support_format_zip(reader.get());
    if (archive_read_open_filename(reader.get(), path.c_str(), 64 << 10) != ARCHIVE_OK)
        return makeError(ErrorCode::InvalidArgument, path.string() + ": not a readable archive (" +
                                                         archive_error_string(reader.get()) + ")");
    std::vector<RuleFileContent> files;
    std::size_t total = 0;
    archive_entry* entry = nullptr;
    for (;;) {
        const int status = archive_read_next_header(reader.get(), &entry);
        if (status == ARCHIVE_EOF)
            break;
        if (status != ARCHIVE_OK && status != ARCHIVE_WARN)
            return makeError(ErrorCode::Corrupt,
                             path.string() + ": " + archive_error_string(reader.get()));
        const char* name = archive_entry_pathname(entry);
        if (name == nullptr || archive_entry_filetype(entry) != AE_IFREG || !isRuleFile(name))
            continue;
        std::string relative = name;
        while (text::startsWith(relative, "./"))
            relative.erase(0, 2);
        if (!safeRelative(relative))
            return makeError(ErrorCode::InvalidArgument,
                             path.string() + ": member '" + relative + "' escapes the archive");
        if (archive_entry_size(entry) > static_cast<la_int64_t>(kMaxFileBytes))
            return makeError(ErrorCode::InvalidArgument,
                             relative + " is over 1 MiB; it is not a Sigma rule");
        std::string content(static_cast<std::size_t>(archive_entry_size(entry)), '\0');
        const auto read = archive_read_data(reader.get(), content.data(), content.size());
        if (read < 0 || static_cast<std::size_t>(read) != content.size())
            return makeError(ErrorCode::Corrupt, path.string() + ": " + relative + " is truncated");
        total += content.size();
        files.push_back({std::move(relative), std::move(content)});
        YAGURA_TRY(checkLimits(files, total));
    }
    return files;
}
} // namespace

Result<std::vector<RuleFileContent>> readRulePack(const std::filesystem::path& folderOrArchive) {
    std::error_code ec;
    if (!std::filesystem::exists(folderOrArchive, ec))
        return makeError(ErrorCode::NotFound, folderOrArchive.string() + " does not exist");
    std::vector<RuleFileContent> files;
    if (std::filesystem::is_directory(folderOrArchive, ec)) {
        YAGURA_ASSIGN_OR_RETURN(files, readFolder(folderOrArchive));
    } else {
        YAGURA_ASSIGN_OR_RETURN(files, readArchive(folderOrArchive));
    }
    if (files.empty())
        return makeError(ErrorCode::InvalidArgument,
                         folderOrArchive.string() + " holds no .yml or .yaml rule files");
    std::sort(files.begin(), files.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    return files;
}

std::vector<proto::ImportRulesRequest>
importChunks(const std::string& pack, const std::string& description, const std::string& source,
             const std::vector<RuleFileContent>& files, std::size_t maxChunkBytes) {
    std::vector<proto::ImportRulesRequest> chunks;
    std::size_t chunkBytes = 0;
    for (const auto& file : files) {
        if (chunks.empty() || chunkBytes + file.content.size() > maxChunkBytes) {
            chunks.emplace_back();
            chunks.back().set_pack(pack);
            chunkBytes = 0;
        }
        auto* added = chunks.back().add_files();
        added->set_path(file.path);
        added->set_content(file.content);
        chunkBytes += file.content.size() + file.path.size();
    }
    if (chunks.empty())
        chunks.emplace_back().set_pack(pack);
    chunks.front().set_begin(true);
    chunks.front().set_description(description);
    chunks.front().set_source(source);
    chunks.back().set_finish(true);
    return chunks;
}

} // namespace yagura::client
