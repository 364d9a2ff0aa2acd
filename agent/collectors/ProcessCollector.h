#pragma once

#include "collectors/ProcessEvents.h"
#include "common/Result.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace yagura::agent {

// What the agent knows about one process: read from /proc at exec time, kept in a tree for
// context (parents, children) after the process is gone.
struct ProcessInfo {
    pid_t pid = 0;
    pid_t parentPid = 0;
    std::string image;            // executable path (Sigma: Image)
    std::string commandLine;      // argv joined by spaces (Sigma: CommandLine)
    std::string currentDirectory; // (Sigma: CurrentDirectory)
    std::string user;             // user name of the real uid (Sigma: User)
    std::uint32_t uid = 0;
    std::string sha256; // of the executable, hex; empty when unreadable
    std::string parentImage;
    std::string parentCommandLine;
    std::int64_t startTimeUnixMs = 0;
    std::int64_t exitTimeUnixMs = 0; // 0 while running
    int exitCode = 0;
    // False when the process was gone before /proc could be read: only the kernel's facts
    // (pid, parent, times) are certain.
    bool complete = false;

    // Sigma / Sysmon-for-Linux field names and values (process_creation).
    std::vector<std::pair<std::string, std::string>> sigmaFields() const;
};

// SHA-256 of executables, cached by (device, inode, size, mtime) so a busy binary is hashed
// once, and re-hashed when it is replaced.
class ExecutableHasher {
public:
    // `path` may be /proc/PID/exe: that works even when the file was deleted after exec.
    std::string hash(const std::filesystem::path& path);
    std::size_t cacheSize() const { return m_cache.size(); }

private:
    using Key = std::tuple<std::uint64_t, std::uint64_t, std::int64_t, std::int64_t>;
    std::map<Key, std::string> m_cache;
};

// Turns the proc connector's fork/exec/exit stream into enriched process events.
class ProcessCollector {
public:
    explicit ProcessCollector(std::filesystem::path procRoot = "/proc");

    // Opens the proc connector; a clear error when not root.
    Status start();
    // Returns the processes that exec'd since the last call (enriched), within `timeout`.
    Result<std::vector<ProcessInfo>> poll(std::chrono::milliseconds timeout);

    // The tree for context: ancestors nearest first, up to `depth`.
    std::vector<const ProcessInfo*> ancestors(pid_t pid, int depth = 8) const;
    std::vector<const ProcessInfo*> children(pid_t pid) const;
    const ProcessInfo* find(pid_t pid) const;
    std::uint64_t lostMessages() const { return m_lost; }
    std::size_t exitsSeen() const { return m_exits; }

    // Drops exited processes older than `keep` (the storyline window).
    void prune(std::int64_t nowUnixMs, std::chrono::milliseconds keep);

private:
    ProcessInfo readVolatile(pid_t pid, pid_t parentHint) const;
    void completeEnrichment(ProcessInfo& info);
    std::string userName(std::uint32_t uid);

    std::filesystem::path m_procRoot;
    ProcessConnector m_connector;
    ExecutableHasher m_hasher;
    std::unordered_map<pid_t, ProcessInfo> m_tree;
    std::unordered_map<std::uint32_t, std::string> m_userNames;
    std::uint64_t m_lost = 0;
    std::size_t m_exits = 0;
};

} // namespace yagura::agent
