#pragma once

#include "common/Result.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace yagura::agent {

// The ransomware heuristic's knobs; the policy sets them. A process is reported when, within
// `windowMs`, it destroyed at least `minFiles` files that existed before it touched them, spread
// over at least `minDirectories` directories, AND either
//   - at least `minHighEntropyFiles` of the rewritten content samples look encrypted and the
//     names of at least `minRenamedFiles` of those files are gone (renamed, or deleted after a
//     copy was written next to them), or
//   - it created at least `minNotes` files with a ransom-note name.
// The reasoning behind each rule, and what it deliberately does not catch, is at the top of the
// heuristic in FileMonitor.cpp.
struct RansomwareThresholds {
    // The sliding window the counts cover. 30 s: encryption runs at tens to thousands of files
    // a second, so 30 s holds plenty of evidence while an editor's or a backup's occasional
    // rewrites of the same few files stay far below the counts.
    std::int64_t windowMs = 30'000;
    // Pre-existing files whose content the process destroyed: rewritten in place, or deleted
    // right after it wrote a copy with a longer name ("a.doc" → "a.doc.locked"). 20 files is
    // well under what any encryptor does in 30 s and well above what a person's tools rewrite.
    std::uint32_t minFiles = 20;
    // Of the destroyed files, how many also lost their name (renamed by the process, or deleted
    // after the copy). In-place rewriters with high-entropy data (cp or rsync --inplace over an
    // existing tree of compressed files) keep the names, and stay below this.
    std::uint32_t minRenamedFiles = 10;
    // The first 4 KiB of a rewritten file (or of the copy that replaced a deleted original)
    // counts as encrypted above this many bits per byte. Text is 4–5, machine code 5–6.5,
    // compressed and encrypted data over 7.9 on 4 KiB.
    double entropyBitsPerByte = 7.5;
    std::uint32_t minHighEntropyFiles = 10;
    // Ransom-note files created (names from one list: isRansomNoteName). One note plus
    // `minFiles` destroyed files is enough on its own.
    std::uint32_t minNotes = 1;
    // Distinct directories among the destroyed files. 1 by default: a share or a project
    // directory can be encrypted flat. Raise it to demand a spread over a tree.
    std::uint32_t minDirectories = 1;
    // From this many destroyed files on, the process is "suspicious" and every destroyed file is
    // sampled for entropy (4 KiB read). Below it nothing is read.
    std::uint32_t suspicionFiles = 5;
    // After a finding the process stays quiet this long (one alert per attack, not per file).
    std::int64_t cooldownMs = 600'000;
    // How long a file the process created counts as its own: rewriting, renaming or deleting
    // its own files is never destruction (dpkg unpacks X.dpkg-new and renames it over X minutes
    // later on a slow disk; compilers write and delete temporaries).
    std::int64_t ownFilesRetentionMs = 900'000;
};

struct FileMonitorConfig {
    // File integrity monitoring: files, or directories watched recursively (new subdirectories
    // are picked up). A path that does not exist yet is watched from its parent and picked up
    // when it appears.
    std::vector<std::filesystem::path> watchedPaths;
    // The ransomware heuristic: a filesystem-wide mark on every local writable filesystem.
    bool ransomwareHeuristic = true;
    RansomwareThresholds ransomware;
    // Files larger than this are reported without hashes.
    std::uint64_t maxHashBytes = 64ull << 20;
    std::size_t maxWatchedDirectories = 65'536;
    std::size_t maxBaselineFiles = 500'000;
    // Integrity events queued for drain() beyond this are dropped (counted); findings never are.
    std::size_t maxQueuedActivities = 100'000;
};

enum class FileActivityKind {
    Created,
    Modified,
    Deleted,
    Renamed,
    PermissionsChanged,
    OwnerChanged,
    Ransomware,
};

// created | modified | deleted | renamed | permissions | owner | ransomware
std::string_view fileActivityKindName(FileActivityKind kind);

// What the ransomware heuristic saw a process do within the window when it fired.
struct RansomwareFinding {
    std::string trigger; // "encrypted-and-renamed" or "ransom-note"
    std::uint32_t destroyedFiles = 0;
    std::uint32_t rewrittenFiles = 0;   // pre-existing files rewritten in place
    std::uint32_t renamedFiles = 0;     // pre-existing files renamed or moved
    std::uint32_t deletedAfterCopy = 0; // deleted right after a similarly named copy was written
    std::uint32_t highEntropyFiles = 0; // samples above the entropy threshold
    std::uint32_t sampledFiles = 0;     // samples taken
    std::uint32_t ransomNotes = 0;      // ransom-note names created
    std::uint32_t directories = 0;      // distinct directories of the destroyed files
    double maxEntropy = 0;              // bits per byte of the most random sample
    std::int64_t windowMs = 0;
    std::int64_t firstActivityUnixMs = 0; // the oldest destroyed file still in the window
    std::vector<std::string> samplePaths; // up to 5 destroyed files, under their current names
    std::vector<std::string> notePaths;   // up to 5
};

// One fact about a file: an integrity event, or (kind Ransomware) a finding of the heuristic.
struct FileActivity {
    FileActivityKind kind = FileActivityKind::Modified;
    std::string path;    // for Ransomware: the first sample path
    std::string oldPath; // renames; for a rename over a watched file, its source
    bool isDirectory = false;
    pid_t pid = 0; // 0: not known (found by a scan of a new directory, not seen as an event)
    std::string image;
    std::string commandLine;
    std::string user;
    std::uint32_t uid = 0; // real uid of the process
    // The file's metadata after the change (before it, for deletes); hasMetadata is false when
    // it is not known (a file created and deleted before it could be read).
    bool hasMetadata = false;
    std::uint32_t mode = 0; // permission bits (st_mode & 07777)
    std::uint32_t ownerUid = 0;
    std::uint32_t ownerGid = 0;
    // Permission and owner changes: the previous values.
    std::uint32_t previousMode = 0;
    std::uint32_t previousOwnerUid = 0;
    std::uint32_t previousOwnerGid = 0;
    // Hex SHA-256 of the content before and after; empty where not meaningful (before of a
    // create, after of a delete), for directories, and for files not hashed (too large,
    // unreadable).
    std::string sha256Before;
    std::string sha256After;
    std::int64_t timeUnixMs = 0;
    std::optional<RansomwareFinding> ransomware;
};

struct FileMonitorStats {
    std::uint64_t events = 0;            // fanotify events read, both groups
    std::uint64_t overflows = 0;         // kernel queue overflows: events were lost
    std::uint64_t activities = 0;        // integrity events queued
    std::uint64_t findings = 0;          // ransomware findings queued
    std::uint64_t droppedActivities = 0; // integrity events dropped: drain() not called enough
    std::uint64_t rounds = 0;            // loop iterations of the monitor thread
    std::uint64_t watchedDirectories = 0;
    std::uint64_t baselineFiles = 0;
    std::uint64_t filesystems = 0; // filesystems with the ransomware heuristic's mark
};

// The agent's file activity collector, on fanotify (root only): file integrity monitoring of
// the watched paths, and the ransomware heuristic on every local writable filesystem. Runs its
// own thread; facts are queued for drain(). The agent's own process is ignored.
// start, stop and reconfigure are called from one thread (the agent's main thread); drain,
// stats and coversFilesystemOf from any.
class FileMonitor {
public:
    FileMonitor();
    ~FileMonitor();
    FileMonitor(const FileMonitor&) = delete;
    FileMonitor& operator=(const FileMonitor&) = delete;

    // Opens fanotify, places the marks, takes the baseline (hashes of the watched files) and
    // starts the thread; returns when the baseline is complete. A clear error when not root or
    // when the kernel lacks fanotify (or is older than Linux 5.17).
    Status start(const FileMonitorConfig& config);
    void stop();
    // New watched paths or thresholds (a new policy). Returns once the monitor thread applied
    // them: marks and baseline for the new paths, hashes reused for unchanged files.
    Status reconfigure(const FileMonitorConfig& config);
    // Takes what has been queued since the last call.
    // What is queued; with `wait`, waits up to that long for something to be (never busy).
    std::vector<FileActivity> drain(std::chrono::milliseconds wait = std::chrono::milliseconds{0});

    bool running() const;
    FileMonitorStats stats() const;
    // Whether the heuristic's filesystem-wide mark covers the filesystem holding `path`.
    bool coversFilesystemOf(const std::filesystem::path& path) const;

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

// Shannon entropy of the bytes, in bits per byte (0 to 8).
double shannonEntropy(std::string_view bytes);
// Whether a file name looks like a ransom note (HOW_TO_DECRYPT_FILES.txt, README_RESTORE...).
bool isRansomNoteName(std::string_view name);

} // namespace yagura::agent
