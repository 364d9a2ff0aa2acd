#pragma once

#include "collectors/ExecTracer.h"
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
    std::uint64_t startBootTimeNs = 0; // with the pid, the process's identity (kernel tracer only)
    std::int64_t exitTimeUnixMs = 0;   // 0 while running
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
    // (device, inode, size, modification time in ns)
    using Key = std::tuple<std::uint64_t, std::uint64_t, std::int64_t, std::int64_t>;

    // `path` may be /proc/PID/exe: that works even when the file was deleted after exec.
    std::string hash(const std::filesystem::path& path);
    // The hash of the file the kernel identified as `key`: from the cache without touching the
    // disk, else read from `path` if that is still the same file (inode, size and time); empty
    // when it is not.
    std::string hashIdentified(const Key& key, const std::filesystem::path& path);
    std::size_t cacheSize() const { return m_cache.size(); }

private:
    std::string hashOpenFile(int fd, const Key& key);
    std::map<Key, std::string> m_cache;
};

// Where process events come from. The kernel tracer (eBPF) carries each exec's details taken in
// the process's own context; the proc connector carries only pids, and the details are read
// from /proc, which a process that exits within a millisecond may have left already.
enum class ProcessSource { Automatic, KernelTracer, ProcConnector };

// Turns the kernel's fork/exec/exit stream into enriched process events.
class ProcessCollector {
public:
    explicit ProcessCollector(ProcessSource source = ProcessSource::Automatic,
                              std::filesystem::path procRoot = "/proc");

    // Opens the kernel tracer, or the proc connector when the tracer cannot run here (or as
    // chosen); a clear error when neither can (not root).
    Status start();
    // The source in use after start().
    ProcessSource source() const { return m_source; }
    static std::string_view sourceName(ProcessSource source);
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
    ProcessInfo fromTracer(const KernelProcessEvent& event, std::int64_t bootToUnixNs);
    std::string resolveImage(const ExecDetails& details, pid_t pid, const std::string& cwd);
    void completeEnrichment(ProcessInfo& info);
    std::string userName(std::uint32_t uid);

    ProcessSource m_source;
    std::filesystem::path m_procRoot;
    ProcessConnector m_connector;
    ExecTracer m_tracer;
    ExecutableHasher m_hasher;
    // The canonical path of executables the kernel identified, by the same key as their hash.
    std::map<ExecutableHasher::Key, std::string> m_imagePaths;
    std::unordered_map<pid_t, ProcessInfo> m_tree;
    std::unordered_map<std::uint32_t, std::string> m_userNames;
    std::uint64_t m_lost = 0;
    std::size_t m_exits = 0;
};

} // namespace yagura::agent
