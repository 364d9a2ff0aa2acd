#include "collectors/ProcessCollector.h"

#include "common/Files.h"
#include "common/Log.h"
#include "common/Text.h"
#include "crypto/Hash.h"

#include <openssl/evp.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace yagura::agent {

namespace {
std::int64_t nowUnixMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string readLink(const std::filesystem::path& path) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(path, ec);
    if (ec)
        return {};
    std::string text = target.string();
    // An executable replaced or deleted after exec still names its old path.
    constexpr std::string_view deleted = " (deleted)";
    if (text.size() > deleted.size() && text.ends_with(deleted))
        text.resize(text.size() - deleted.size());
    return text;
}

std::string joinArguments(std::string line) {
    while (!line.empty() && line.back() == '\0')
        line.pop_back();
    for (char& c : line)
        if (c == '\0')
            c = ' ';
    return line;
}

std::string readCommandLine(const std::filesystem::path& path) {
    auto raw = files::readFile(path, 1 << 20);
    if (!raw.ok())
        return {};
    return joinArguments(std::move(*raw));
}

std::int64_t clockNs(clockid_t clock) {
    timespec now{};
    ::clock_gettime(clock, &now);
    return now.tv_sec * 1'000'000'000LL + now.tv_nsec;
}

// Real uid and parent pid from /proc/PID/status.
void readStatus(const std::filesystem::path& path, std::uint32_t& uid, pid_t& parentPid) {
    auto status = files::readFile(path, 65536);
    if (!status.ok())
        return;
    for (std::string_view line : text::split(*status, '\n')) {
        if (text::startsWith(line, "PPid:"))
            parentPid = static_cast<pid_t>(
                std::strtol(std::string(text::trim(line.substr(5))).c_str(), nullptr, 10));
        else if (text::startsWith(line, "Uid:"))
            uid = static_cast<std::uint32_t>(
                std::strtoul(std::string(text::trim(line.substr(4))).c_str(), nullptr, 10));
    }
}
} // namespace

std::vector<std::pair<std::string, std::string>> ProcessInfo::sigmaFields() const {
    std::vector<std::pair<std::string, std::string>> fields = {
        {"ProcessId", std::to_string(pid)},
        {"Image", image},
        {"CommandLine", commandLine},
        {"CurrentDirectory", currentDirectory},
        {"User", user},
        {"ParentProcessId", std::to_string(parentPid)},
        {"ParentImage", parentImage},
        {"ParentCommandLine", parentCommandLine},
    };
    if (!sha256.empty())
        fields.emplace_back("Hashes", "SHA256=" + sha256);
    // With ProcessId, the process itself (what a kill command names): its start time in clock
    // ticks since boot, as field 22 of /proc/PID/stat shows it.
    if (startBootTimeNs != 0) {
        static const std::uint64_t nsPerTick =
            1'000'000'000ULL / static_cast<std::uint64_t>(::sysconf(_SC_CLK_TCK));
        fields.emplace_back("ProcessStartTicks", std::to_string(startBootTimeNs / nsPerTick));
    }
    return fields;
}

std::string ExecutableHasher::hash(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        return {};
    }
    const Key key{info.st_dev, info.st_ino, info.st_size,
                  info.st_mtim.tv_sec * 1'000'000'000LL + info.st_mtim.tv_nsec};
    if (auto it = m_cache.find(key); it != m_cache.end()) {
        ::close(fd);
        return it->second;
    }
    return hashOpenFile(fd, key);
}

std::string ExecutableHasher::hashIdentified(const Key& key, const std::filesystem::path& path) {
    if (auto it = m_cache.find(key); it != m_cache.end())
        return it->second;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    struct stat info {};
    // The device is not compared: some filesystems (btrfs subvolumes) report another one to
    // stat() than the kernel's superblock carries.
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_ino != std::get<1>(key) ||
        info.st_size != std::get<2>(key) ||
        info.st_mtim.tv_sec * 1'000'000'000LL + info.st_mtim.tv_nsec != std::get<3>(key)) {
        ::close(fd);
        return {};
    }
    return hashOpenFile(fd, key);
}

std::string ExecutableHasher::hashOpenFile(int fd, const Key& key) {
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
    char buffer[65536];
    ssize_t got = 0;
    while ((got = ::read(fd, buffer, sizeof buffer)) > 0)
        EVP_DigestUpdate(context, buffer, static_cast<std::size_t>(got));
    ::close(fd);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context, digest, &length);
    EVP_MD_CTX_free(context);
    if (got < 0)
        return {};
    std::string hex = text::toHex(std::string_view(reinterpret_cast<const char*>(digest), length));
    if (m_cache.size() > 50'000)
        m_cache.clear();
    m_cache.emplace(key, hex);
    return hex;
}

ProcessCollector::ProcessCollector(ProcessSource source, std::filesystem::path procRoot)
    : m_source(source), m_procRoot(std::move(procRoot)) {}

std::string_view ProcessCollector::sourceName(ProcessSource source) {
    switch (source) {
    case ProcessSource::KernelTracer:
        return "kernel tracer (eBPF)";
    case ProcessSource::ProcConnector:
        return "proc connector";
    case ProcessSource::Automatic:
        break;
    }
    return "automatic";
}

Status ProcessCollector::start() {
    if (m_source != ProcessSource::ProcConnector) {
        auto traced = m_tracer.open();
        if (traced.ok()) {
            m_source = ProcessSource::KernelTracer;
            return success();
        }
        if (m_source == ProcessSource::KernelTracer)
            return traced;
        spdlog::warn("{}; process events come from the proc connector, and processes that exit "
                     "within a millisecond may be reported without their command line",
                     traced.error().message);
    }
    m_source = ProcessSource::ProcConnector;
    return m_connector.open();
}

std::string ProcessCollector::userName(std::uint32_t uid) {
    if (auto it = m_userNames.find(uid); it != m_userNames.end())
        return it->second;
    passwd entry{};
    passwd* result = nullptr;
    char buffer[4096];
    std::string name = std::to_string(uid);
    if (::getpwuid_r(uid, &entry, buffer, sizeof buffer, &result) == 0 && result)
        name = result->pw_name;
    m_userNames.emplace(uid, name);
    return name;
}

ProcessInfo ProcessCollector::readVolatile(pid_t pid, pid_t parentHint) const {
    // Only what vanishes with the process, as fast as possible: a short-lived process may be
    // gone a millisecond after its exec event.
    ProcessInfo info;
    info.pid = pid;
    info.parentPid = parentHint;
    info.startTimeUnixMs = nowUnixMs();
    const auto dir = m_procRoot / std::to_string(pid);
    info.image = readLink(dir / "exe");
    info.commandLine = readCommandLine(dir / "cmdline");
    info.currentDirectory = readLink(dir / "cwd");
    readStatus(dir / "status", info.uid, info.parentPid);
    info.complete = !info.image.empty();
    return info;
}

std::string ProcessCollector::resolveImage(const ExecDetails& details, pid_t pid,
                                           const std::string& cwd) {
    const ExecutableHasher::Key key{details.device, details.inode,
                                    static_cast<std::int64_t>(details.size),
                                    details.modificationNs};
    if (auto it = m_imagePaths.find(key); it != m_imagePaths.end())
        return it->second;
    // The exec names the file as it was given (/bin/sh, ./tool): Sigma's Image is the real path,
    // as /proc/PID/exe shows it. Resolved once per executable.
    std::string given = details.path;
    if (!given.starts_with('/'))
        given = (cwd == "/" ? "" : cwd) + "/" + given;
    std::string resolved;
    char buffer[PATH_MAX];
    struct stat info {};
    if (::realpath(given.c_str(), buffer) && ::stat(buffer, &info) == 0 &&
        info.st_ino == details.inode)
        resolved = buffer;
    if (resolved.empty())
        resolved = readLink(m_procRoot / std::to_string(pid) / "exe");
    if (resolved.empty())
        return given; // gone, and the path no longer names it: report what the exec said
    if (m_imagePaths.size() > 50'000)
        m_imagePaths.clear();
    m_imagePaths.emplace(key, resolved);
    return resolved;
}

ProcessInfo ProcessCollector::fromTracer(const KernelProcessEvent& event,
                                         std::int64_t bootToUnixNs) {
    const ExecDetails& details = *event.exec;
    ProcessInfo info;
    info.pid = event.tgid;
    info.parentPid = event.parentPid;
    info.startTimeUnixMs = (static_cast<std::int64_t>(event.bootTimeNs) + bootToUnixNs) / 1'000'000;
    info.startBootTimeNs = event.startBootTimeNs;
    info.uid = details.uid;
    const auto dir = m_procRoot / std::to_string(info.pid);
    info.commandLine = joinArguments(details.arguments);
    if (details.argumentsIncomplete) {
        // Longer than the kernel record carries: the whole of it, if the process is still there.
        std::string whole = readCommandLine(dir / "cmdline");
        if (whole.size() > info.commandLine.size() && whole.starts_with(info.commandLine))
            info.commandLine = std::move(whole);
    }
    info.currentDirectory = details.workingDirectory;
    if (details.workingDirectoryIncomplete)
        if (std::string whole = readLink(dir / "cwd"); !whole.empty())
            info.currentDirectory = std::move(whole);
    info.image = resolveImage(details, info.pid, info.currentDirectory);
    const ExecutableHasher::Key key{details.device, details.inode,
                                    static_cast<std::int64_t>(details.size),
                                    details.modificationNs};
    info.sha256 = m_hasher.hashIdentified(key, info.image);
    if (info.sha256.empty())
        info.sha256 = m_hasher.hashIdentified(key, dir / "exe");
    info.complete = true;
    return info;
}

void ProcessCollector::completeEnrichment(ProcessInfo& info) {
    if (info.complete) {
        info.user = userName(info.uid);
        // By path: the process may have exited by now; a binary replaced in between is the
        // rare case this gives up. (The kernel tracer's events are hashed by identity.)
        if (info.sha256.empty() && info.startBootTimeNs == 0)
            info.sha256 = m_hasher.hash(info.image);
    }
    if (const ProcessInfo* known = find(info.parentPid)) {
        info.parentImage = known->image;
        info.parentCommandLine = known->commandLine;
    } else if (info.parentPid > 0) {
        // A parent that started before the agent: read it now and keep it in the tree.
        ProcessInfo parent = readVolatile(info.parentPid, 0);
        if (parent.complete)
            parent.user = userName(parent.uid);
        info.parentImage = parent.image;
        info.parentCommandLine = parent.commandLine;
        m_tree.emplace(parent.pid, std::move(parent));
    }
}

Result<std::vector<ProcessInfo>> ProcessCollector::poll(std::chrono::milliseconds timeout) {
    std::vector<KernelProcessEvent> events;
    YAGURA_ASSIGN_OR_RETURN(const std::uint64_t lost, m_source == ProcessSource::KernelTracer
                                                          ? m_tracer.read(events, timeout)
                                                          : m_connector.read(events, timeout));
    m_lost += lost;
    const std::int64_t bootToUnixNs = clockNs(CLOCK_REALTIME) - clockNs(CLOCK_BOOTTIME);
    std::vector<ProcessInfo> started;
    for (const auto& event : events) {
        switch (event.kind) {
        case KernelProcessEvent::Kind::Fork: {
            // Until it execs, a child runs its parent's image.
            ProcessInfo child;
            child.pid = event.tgid;
            child.parentPid = event.parentPid;
            child.startTimeUnixMs =
                event.bootTimeNs != 0
                    ? (static_cast<std::int64_t>(event.bootTimeNs) + bootToUnixNs) / 1'000'000
                    : nowUnixMs();
            child.startBootTimeNs = event.startBootTimeNs;
            if (const ProcessInfo* parent = find(event.parentPid)) {
                child.image = parent->image;
                child.commandLine = parent->commandLine;
                child.parentImage = parent->image;
                child.parentCommandLine = parent->commandLine;
            }
            m_tree[child.pid] = child;
            break;
        }
        case KernelProcessEvent::Kind::Exec: {
            if (event.exec) {
                started.push_back(fromTracer(event, bootToUnixNs));
                break;
            }
            pid_t parentPid = 0;
            if (const ProcessInfo* known = find(event.tgid))
                parentPid = known->parentPid;
            started.push_back(readVolatile(event.tgid, parentPid));
            break;
        }
        case KernelProcessEvent::Kind::Exit:
            ++m_exits;
            if (auto it = m_tree.find(event.tgid); it != m_tree.end()) {
                it->second.exitTimeUnixMs =
                    event.bootTimeNs != 0
                        ? (static_cast<std::int64_t>(event.bootTimeNs) + bootToUnixNs) / 1'000'000
                        : nowUnixMs();
                it->second.exitCode = event.exitCode;
            }
            break;
        }
    }
    // Second pass, once every new process of the batch has been read: the slower work.
    for (auto& info : started) {
        completeEnrichment(info);
        // Keep an exit seen in the same batch (fork, exec and exit can arrive together).
        if (const ProcessInfo* known = find(info.pid); known && known->exitTimeUnixMs != 0) {
            info.exitTimeUnixMs = known->exitTimeUnixMs;
            info.exitCode = known->exitCode;
        }
        m_tree[info.pid] = info;
    }
    return started;
}

const ProcessInfo* ProcessCollector::find(pid_t pid) const {
    const auto it = m_tree.find(pid);
    return it == m_tree.end() ? nullptr : &it->second;
}

std::vector<const ProcessInfo*> ProcessCollector::ancestors(pid_t pid, int depth) const {
    std::vector<const ProcessInfo*> chain;
    const ProcessInfo* current = find(pid);
    while (current && depth-- > 0 && current->parentPid > 0 && current->parentPid != current->pid) {
        current = find(current->parentPid);
        if (current)
            chain.push_back(current);
    }
    return chain;
}

std::vector<const ProcessInfo*> ProcessCollector::children(pid_t pid) const {
    std::vector<const ProcessInfo*> result;
    for (const auto& [childPid, info] : m_tree)
        if (info.parentPid == pid && childPid != pid)
            result.push_back(&info);
    return result;
}

void ProcessCollector::prune(std::int64_t nowMs, std::chrono::milliseconds keep) {
    std::erase_if(m_tree, [&](const auto& entry) {
        return entry.second.exitTimeUnixMs != 0 &&
               nowMs - entry.second.exitTimeUnixMs > keep.count();
    });
}

} // namespace yagura::agent
