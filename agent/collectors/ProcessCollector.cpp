#include "collectors/ProcessCollector.h"

#include "common/Files.h"
#include "common/Text.h"
#include "crypto/Hash.h"

#include <openssl/evp.h>

#include <chrono>
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

std::string readCommandLine(const std::filesystem::path& path) {
    auto raw = files::readFile(path, 1 << 20);
    if (!raw.ok())
        return {};
    std::string line = *raw;
    while (!line.empty() && line.back() == '\0')
        line.pop_back();
    for (char& c : line)
        if (c == '\0')
            c = ' ';
    return line;
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

ProcessCollector::ProcessCollector(std::filesystem::path procRoot)
    : m_procRoot(std::move(procRoot)) {}

Status ProcessCollector::start() {
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

void ProcessCollector::completeEnrichment(ProcessInfo& info) {
    if (info.complete) {
        info.user = userName(info.uid);
        // By path: the process may have exited by now; a binary replaced in between is the
        // rare case this gives up.
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
    YAGURA_ASSIGN_OR_RETURN(const std::uint64_t lost, m_connector.read(events, timeout));
    m_lost += lost;
    std::vector<ProcessInfo> started;
    for (const auto& event : events) {
        switch (event.kind) {
        case KernelProcessEvent::Kind::Fork: {
            // Until it execs, a child runs its parent's image.
            ProcessInfo child;
            child.pid = event.tgid;
            child.parentPid = event.parentPid;
            child.startTimeUnixMs = nowUnixMs();
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
            pid_t parentPid = 0;
            if (const ProcessInfo* known = find(event.tgid))
                parentPid = known->parentPid;
            started.push_back(readVolatile(event.tgid, parentPid));
            break;
        }
        case KernelProcessEvent::Kind::Exit:
            ++m_exits;
            if (auto it = m_tree.find(event.tgid); it != m_tree.end()) {
                it->second.exitTimeUnixMs = nowUnixMs();
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
