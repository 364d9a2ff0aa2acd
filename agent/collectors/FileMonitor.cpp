#include "collectors/FileMonitor.h"

#include "common/Log.h"
#include "common/Text.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <pwd.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace yagura::agent {

// ---- public helpers -------------------------------------------------------------------------

std::string_view fileActivityKindName(FileActivityKind kind) {
    switch (kind) {
    case FileActivityKind::Created:
        return "created";
    case FileActivityKind::Modified:
        return "modified";
    case FileActivityKind::Deleted:
        return "deleted";
    case FileActivityKind::Renamed:
        return "renamed";
    case FileActivityKind::PermissionsChanged:
        return "permissions";
    case FileActivityKind::OwnerChanged:
        return "owner";
    case FileActivityKind::Ransomware:
        return "ransomware";
    }
    return "unknown";
}

double shannonEntropy(std::string_view bytes) {
    if (bytes.empty())
        return 0;
    std::array<std::size_t, 256> counts{};
    for (const char byte : bytes)
        ++counts[static_cast<unsigned char>(byte)];
    const auto total = static_cast<double>(bytes.size());
    double entropy = 0;
    for (const std::size_t count : counts) {
        if (count == 0)
            continue;
        const double p = static_cast<double>(count) / total;
        entropy -= p * std::log2(p);
    }
    return entropy;
}

namespace {
// The one list of ransom-note name words, compared upper-cased. A name is a note when it holds a
// word of kNoteWords, or a word of kNoteIntroWords together with one of kNoteTopicWords:
// HOW_TO_DECRYPT_FILES.txt, RANSOM_NOTE.html, README_RECOVER_FILES.txt, !!!RESTORE_FILES!!!.txt.
// "RESTORE" or "README" alone is not a note (backup tools write restore logs, every project has
// a README).
constexpr std::array<std::string_view, 2> kNoteWords = {"DECRYPT", "RANSOM"};
constexpr std::array<std::string_view, 11> kNoteIntroWords = {
    "README", "READ_ME", "READ-ME",     "READ ME",   "HOW_TO", "HOW-TO",
    "HOWTO",  "HOW TO",  "INSTRUCTION", "ATTENTION", "!!!"};
constexpr std::array<std::string_view, 5> kNoteTopicWords = {"RECOVER", "RESTORE", "UNLOCK",
                                                             "ENCRYPT", "FILES"};
} // namespace

bool isRansomNoteName(std::string_view name) {
    std::string upper(name);
    for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto holds = [&upper](const auto& words) {
        return std::any_of(words.begin(), words.end(), [&upper](std::string_view word) {
            return upper.find(word) != std::string::npos;
        });
    };
    return holds(kNoteWords) || (holds(kNoteIntroWords) && holds(kNoteTopicWords));
}

namespace {

std::int64_t nowUnixMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// ---- system helpers -------------------------------------------------------------------------

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    void reset(int fd = -1) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = fd;
    }

private:
    int m_fd = -1;
};

std::string readSmall(const std::string& path, std::size_t maxBytes) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid())
        return {};
    std::string data;
    char buffer[4096];
    while (data.size() < maxBytes) {
        const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        data.append(buffer, static_cast<std::size_t>(got));
    }
    if (data.size() > maxBytes)
        data.resize(maxBytes);
    return data;
}

std::string readLink(const std::string& path) {
    char buffer[4096];
    const ssize_t got = ::readlink(path.c_str(), buffer, sizeof buffer - 1);
    if (got <= 0)
        return {};
    return std::string(buffer, static_cast<std::size_t>(got));
}

std::string fdPath(int fd) {
    return readLink("/proc/self/fd/" + std::to_string(fd));
}

std::string joinPath(const std::string& directory, const std::string& name) {
    if (directory.empty())
        return {};
    if (directory == "/")
        return "/" + name;
    return directory + "/" + name;
}

bool isUnder(const std::string& path, const std::string& prefix) {
    if (prefix == "/")
        return !path.empty() && path.front() == '/';
    return path.size() >= prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
           (path.size() == prefix.size() || path[prefix.size()] == '/');
}

// Moves every key equal to `from` or under `from/` to the same place under `to`.
template <typename Map>
void renamePrefix(Map& map, const std::string& from, const std::string& to) {
    std::vector<typename Map::node_type> moved;
    for (auto it = map.lower_bound(from); it != map.end() && text::startsWith(it->first, from);) {
        if (isUnder(it->first, from))
            moved.push_back(map.extract(it++));
        else
            ++it;
    }
    for (auto& node : moved) {
        node.key() = to + node.key().substr(from.size());
        map.insert(std::move(node));
    }
}

template <typename Map> void erasePrefix(Map& map, const std::string& prefix) {
    for (auto it = map.lower_bound(prefix);
         it != map.end() && text::startsWith(it->first, prefix);) {
        if (isUnder(it->first, prefix))
            it = map.erase(it);
        else
            ++it;
    }
}

// Hex SHA-256 of an open regular file; empty when larger than maxBytes or unreadable.
std::string sha256OfFd(int fd, std::uint64_t maxBytes) {
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) ||
        static_cast<std::uint64_t>(info.st_size) > maxBytes)
        return {};
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    if (context == nullptr)
        return {};
    EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
    std::vector<char> buffer(1 << 16);
    off_t offset = 0;
    bool failed = false;
    for (;;) {
        const ssize_t got = ::pread(fd, buffer.data(), buffer.size(), offset);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            failed = true;
        if (got <= 0)
            break;
        EVP_DigestUpdate(context, buffer.data(), static_cast<std::size_t>(got));
        offset += got;
        if (static_cast<std::uint64_t>(offset) > maxBytes) {
            failed = true; // grew past the limit while being read
            break;
        }
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context, digest, &length);
    EVP_MD_CTX_free(context);
    if (failed)
        return {};
    return text::toHex(std::string_view(reinterpret_cast<const char*>(digest), length));
}

// Opens an O_PATH descriptor's file for reading, if it is a regular file: opening a device or a
// FIFO can block or have side effects.
Fd reopenRegular(const Fd& pathFd) {
    struct stat info {};
    if (!pathFd.valid() || ::fstat(pathFd.get(), &info) != 0 || !S_ISREG(info.st_mode))
        return Fd();
    const std::string self = "/proc/self/fd/" + std::to_string(pathFd.get());
    return Fd(::open(self.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
}

// ---- file handles ---------------------------------------------------------------------------

// One filesystem object as fanotify names it, and as name_to_handle_at returns it: the
// filesystem id (8 bytes), the handle type (4) and the handle bytes. Survives renames.
using ObjectKey = std::string;
constexpr std::size_t kKeyHeader = 12;

ObjectKey makeKey(const std::string& fsid, int type, const unsigned char* bytes, std::size_t size) {
    ObjectKey key = fsid;
    key.append(reinterpret_cast<const char*>(&type), sizeof type);
    key.append(reinterpret_cast<const char*>(bytes), size);
    return key;
}

std::string fsidOfKey(const ObjectKey& key) {
    return key.substr(0, 8);
}

std::optional<std::string> fsidOfFd(int fd) {
    struct statfs info {};
    if (::fstatfs(fd, &info) != 0)
        return std::nullopt;
    static_assert(sizeof info.f_fsid == 8);
    return std::string(reinterpret_cast<const char*>(&info.f_fsid), sizeof info.f_fsid);
}

struct HandleStorage {
    alignas(file_handle) unsigned char bytes[sizeof(file_handle) + MAX_HANDLE_SZ];
    file_handle* get() { return reinterpret_cast<file_handle*>(bytes); }
};

std::optional<ObjectKey> handleKey(int dirfd, const char* name, int flags,
                                   const std::string& fsid) {
    HandleStorage storage;
    file_handle* handle = storage.get();
    handle->handle_bytes = MAX_HANDLE_SZ;
    int mountId = 0;
    if (::name_to_handle_at(dirfd, name, handle, &mountId, flags) != 0)
        return std::nullopt;
    return makeKey(fsid, handle->handle_type, handle->f_handle, handle->handle_bytes);
}

// Opens objects by handle. Remembers, per filesystem, a directory on it (a path, not an open
// descriptor: an open descriptor would keep a USB drive from being unmounted).
class HandleResolver {
public:
    void remember(const std::string& fsid, const std::string& directory, bool preferred) {
        auto [it, inserted] = m_directories.try_emplace(fsid, directory);
        if (!inserted && preferred)
            it->second = directory;
    }

    Fd open(const ObjectKey& key, int flags) const {
        if (key.size() <= kKeyHeader || key.size() - kKeyHeader > MAX_HANDLE_SZ)
            return Fd();
        const auto it = m_directories.find(fsidOfKey(key));
        if (it == m_directories.end())
            return Fd();
        Fd mount(::open(it->second.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!mount.valid() || fsidOfFd(mount.get()) != it->first)
            return Fd();
        HandleStorage storage;
        file_handle* handle = storage.get();
        handle->handle_bytes = static_cast<unsigned int>(key.size() - kKeyHeader);
        std::memcpy(&handle->handle_type, key.data() + 8, sizeof handle->handle_type);
        std::memcpy(handle->f_handle, key.data() + kKeyHeader, key.size() - kKeyHeader);
        return Fd(::open_by_handle_at(mount.get(), handle, flags | O_CLOEXEC));
    }

    // The current path of an object (a directory's is always exact; a file's when the kernel
    // still knows one of its names). Empty when it is gone.
    std::string path(const ObjectKey& key) const {
        Fd fd = open(key, O_PATH);
        if (!fd.valid())
            return {};
        std::string result = fdPath(fd.get());
        if (result.size() > 10 && result.compare(result.size() - 10, 10, " (deleted)") == 0)
            return {};
        return result;
    }

private:
    std::map<std::string, std::string> m_directories; // fsid → a directory on that filesystem
};

// ---- fanotify events ------------------------------------------------------------------------

struct RawEvent {
    std::uint64_t mask = 0;
    pid_t pid = 0;
    bool hasDir = false; // FAN_EVENT_INFO_TYPE_DFID_NAME: the parent directory and the name
    ObjectKey dir;
    std::string name;
    bool hasOld = false; // FAN_RENAME: where it was
    ObjectKey oldDir;
    std::string oldName;
    bool hasNew = false; // FAN_RENAME: where it is now
    ObjectKey newDir;
    std::string newName;
    ObjectKey object; // FAN_EVENT_INFO_TYPE_FID: the object itself (the child, for dirent events)
};

// Parses a buffer read from a fanotify group that reports file handles and names.
void parseEvents(const char* data, std::size_t size, std::vector<RawEvent>& events) {
    std::size_t offset = 0;
    while (offset + sizeof(fanotify_event_metadata) <= size) {
        fanotify_event_metadata meta{};
        std::memcpy(&meta, data + offset, sizeof meta);
        if (meta.event_len < sizeof meta || offset + meta.event_len > size ||
            meta.vers != FANOTIFY_METADATA_VERSION)
            break;
        if (meta.fd >= 0)
            ::close(meta.fd); // not expected in a group reporting file handles
        RawEvent event;
        event.mask = meta.mask;
        event.pid = meta.pid;
        const std::size_t end = offset + meta.event_len;
        std::size_t info = offset + meta.metadata_len;
        while (info + sizeof(fanotify_event_info_header) <= end) {
            fanotify_event_info_header header{};
            std::memcpy(&header, data + info, sizeof header);
            if (header.len < sizeof header || info + header.len > end)
                break;
            const std::uint8_t type = header.info_type;
            const bool named = type == FAN_EVENT_INFO_TYPE_DFID_NAME ||
                               type == FAN_EVENT_INFO_TYPE_OLD_DFID_NAME ||
                               type == FAN_EVENT_INFO_TYPE_NEW_DFID_NAME;
            if (named || type == FAN_EVENT_INFO_TYPE_FID || type == FAN_EVENT_INFO_TYPE_DFID) {
                const std::size_t fsidAt = info + offsetof(fanotify_event_info_fid, fsid);
                const std::size_t handleAt = info + offsetof(fanotify_event_info_fid, handle);
                std::uint32_t handleBytes = 0;
                int handleType = 0;
                if (handleAt + 8 <= info + header.len) {
                    std::memcpy(&handleBytes, data + handleAt, 4);
                    std::memcpy(&handleType, data + handleAt + 4, 4);
                }
                const std::size_t bytesAt = handleAt + 8;
                if (handleBytes > 0 && bytesAt + handleBytes <= info + header.len) {
                    const ObjectKey key = makeKey(
                        std::string(data + fsidAt, 8), handleType,
                        reinterpret_cast<const unsigned char*>(data + bytesAt), handleBytes);
                    std::string name;
                    if (named) {
                        const char* start = data + bytesAt + handleBytes;
                        const std::size_t room = info + header.len - (bytesAt + handleBytes);
                        name.assign(start, ::strnlen(start, room));
                    }
                    if (type == FAN_EVENT_INFO_TYPE_FID) {
                        event.object = key;
                    } else if (type == FAN_EVENT_INFO_TYPE_OLD_DFID_NAME) {
                        event.hasOld = true;
                        event.oldDir = key;
                        event.oldName = std::move(name);
                    } else if (type == FAN_EVENT_INFO_TYPE_NEW_DFID_NAME) {
                        event.hasNew = true;
                        event.newDir = key;
                        event.newName = std::move(name);
                    } else {
                        event.hasDir = true;
                        event.dir = key;
                        event.name = std::move(name);
                    }
                }
            }
            info += header.len;
        }
        events.push_back(std::move(event));
        offset = end;
    }
}

// ---- processes ------------------------------------------------------------------------------

struct ProcessIdentity {
    std::string image;
    std::string commandLine;
    std::string user;
    std::uint32_t uid = 0;
    std::uint64_t startTicks = 0;
    std::int64_t checkedMs = 0; // when the pid was last confirmed to be this process
    std::int64_t usedMs = 0;
};

std::uint64_t startTicksOf(pid_t pid) {
    const std::string stat = readSmall("/proc/" + std::to_string(pid) + "/stat", 4096);
    const auto close = stat.rfind(')');
    if (close == std::string::npos)
        return 0;
    // After "comm)": state is field 3; starttime is field 22.
    std::size_t position = close + 1;
    for (int field = 3; field < 22; ++field) {
        position = stat.find(' ', position + 1);
        if (position == std::string::npos)
            return 0;
    }
    return std::strtoull(stat.c_str() + position + 1, nullptr, 10);
}

// Who a pid is, read from /proc once and cached: a process that wrote a file may be gone by the
// time a finding names it. A pid is re-checked (its start time) at most once a second, so a
// reused pid is noticed.
class ProcessCache {
public:
    const ProcessIdentity& lookup(pid_t pid, std::int64_t nowMs) {
        if (auto it = m_entries.find(pid); it != m_entries.end()) {
            ProcessIdentity& entry = it->second;
            entry.usedMs = nowMs;
            if (nowMs - entry.checkedMs >= 1000) {
                const std::uint64_t ticks = startTicksOf(pid);
                if (ticks != 0 && ticks != entry.startTicks) // the pid was reused
                    entry = read(pid);
                entry.checkedMs = nowMs;
                entry.usedMs = nowMs;
            }
            return entry;
        }
        if (m_entries.size() > 16'384)
            prune(nowMs, 10'000);
        ProcessIdentity& entry = m_entries[pid] = read(pid);
        entry.checkedMs = nowMs;
        entry.usedMs = nowMs;
        return entry;
    }

    void prune(std::int64_t nowMs, std::int64_t unusedMs = 120'000) {
        for (auto it = m_entries.begin(); it != m_entries.end();)
            it = nowMs - it->second.usedMs > unusedMs ? m_entries.erase(it) : std::next(it);
    }

private:
    ProcessIdentity read(pid_t pid) {
        const std::string base = "/proc/" + std::to_string(pid);
        ProcessIdentity identity;
        identity.startTicks = startTicksOf(pid);
        identity.image = readLink(base + "/exe");
        constexpr std::string_view deleted = " (deleted)";
        if (identity.image.size() > deleted.size() &&
            identity.image.compare(identity.image.size() - deleted.size(), deleted.size(),
                                   deleted) == 0)
            identity.image.resize(identity.image.size() - deleted.size());
        std::string commandLine = readSmall(base + "/cmdline", 32 << 10);
        std::replace(commandLine.begin(), commandLine.end(), '\0', ' ');
        while (!commandLine.empty() && commandLine.back() == ' ')
            commandLine.pop_back();
        identity.commandLine = std::move(commandLine);
        const std::string status = readSmall(base + "/status", 16 << 10);
        if (const auto at = status.find("\nUid:"); at != std::string::npos) {
            identity.uid =
                static_cast<std::uint32_t>(std::strtoul(status.c_str() + at + 5, nullptr, 10));
            identity.user = userName(identity.uid);
        }
        return identity;
    }

    std::string userName(std::uint32_t uid) {
        if (auto it = m_users.find(uid); it != m_users.end())
            return it->second;
        std::string name = std::to_string(uid);
        passwd entry{};
        passwd* found = nullptr;
        std::vector<char> buffer(16384);
        if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found)
            name = found->pw_name;
        if (m_users.size() > 4096)
            m_users.clear();
        return m_users[uid] = name;
    }

    std::unordered_map<pid_t, ProcessIdentity> m_entries;
    std::unordered_map<std::uint32_t, std::string> m_users;
};

// ---- the ransomware heuristic ---------------------------------------------------------------
//
// What ransomware does to a file, in the few ways it is done:
//   (a) open the original for writing, overwrite it with ciphertext, close; usually rename it
//       to add an extension ("a.doc" → "a.doc.locked"), before or after;
//   (b) write the ciphertext to a new file next to it ("a.doc.locked"), delete the original;
//   (c) write the ciphertext to a new file, rename it over the original;
// and it leaves ransom notes. All of them at tens to thousands of files a second, in one
// process (threads share the pid fanotify reports).
//
// Per process, within a sliding window, the heuristic counts files DESTROYED: pre-existing files
// (not created by that process within ownFilesRetentionMs) whose content it replaced in place
// (close_write, pattern a) or that it deleted right after writing a copy whose name is the
// original's plus a suffix (pattern b). Files are identified by their kernel file handle, which
// survives renames, so "renamed then rewritten" and "rewritten then renamed" are one file.
// Destruction alone is not enough, because ordinary tools destroy files too:
//   - `touch *`, `cp -r src/. dst/` over an existing copy, `rsync --inplace`, a restore from a
//     backup: rewrite many existing files in place, but keep their names → the encryption rule
//     below also demands that at least minRenamedFiles of the destroyed files lost their name.
//   - `mv *.jpg ../sorted/`, logrotate: rename many files but do not rewrite them → renames
//     only count for files that were also destroyed.
//   - `gzip *.log`, `xz`, `zstd`: pattern (b) exactly, with high-entropy output → a copy whose
//     added suffix is a compressor's (.gz .xz .zst .bz2 .lz4 .zip .7z ...) does not count.
//   - A "safe save" done without rename-over (write X.tmp, delete X, rename X.tmp to X), a
//     download that replaces X (X.part, X.crdownload): pattern (c) in slow motion, so a copy
//     with a temporary suffix (.tmp .temp .part .partial .crdownload .download .new ~) does not
//     count either.
//   - `cp -r` of random or compressed data, `tar x`, unzip, git checkout, a compiler build: the
//     process CREATES its files; writing, renaming and deleting its own files never counts (an
//     object it created stays its own for ownFilesRetentionMs, 15 minutes). tar x over an
//     existing tree unlinks each old file before creating the new one: a delete without a
//     copy written first, so nothing.
//   - dpkg, rpm, rsync (default), editors, sed -i, pip: write X.dpkg-new / .X.tmp (created, own),
//     rename it over X. Pattern (c) is exactly this, so pattern (c) is NOT counted: at this layer
//     ransomware that writes a new file and renames it over the original looks like every
//     package upgrade. Counting it only for high-entropy content would still fire on a package
//     upgrade that replaces hundreds of compressed files (man pages, icons, .gz docs). Such
//     ransomware is caught only by its notes (below), or by the rule set on process behaviour.
// The evidence that the new content is ciphertext: once a process has destroyed suspicionFiles
// files it becomes suspicious, and from then on (and retroactively for the first ones) the first
// 4 KiB of every destroyed file — or of the copy that replaced it — is read and its Shannon
// entropy taken. Nothing is read for processes that are not suspicious, so the cost on a busy
// host is the event stream alone.
// A process is reported once (then stays quiet for cooldownMs) when destroyed ≥ minFiles in
// ≥ minDirectories directories, and either
//   "encrypted-and-renamed": ≥ minHighEntropyFiles samples above the entropy threshold and
//       ≥ minRenamedFiles of the destroyed files lost their name, or
//   "ransom-note": it created ≥ minNotes files with a ransom-note name (0 turns this rule off).
// Known misses: in-place encryption that keeps every name and leaves no note; pattern (c)
// without a note; attacks spread over one process per file (a shell loop of openssl and rm);
// encryption slower than minFiles per window (30 s); copies with a compressor's or a temporary
// suffix; a pid reused within ownFilesRetentionMs (the new process inherits "own" files).
// Known false positives: `shred -u` of many files in one command (random overwrite, renames,
// unlink: what a wiper does, reported as such), and a tool that rewrites many pre-existing files
// in place with compressed or encrypted content AND renames them, in one process.

class RansomwareHeuristic {
public:
    struct Hooks {
        std::function<std::optional<double>(const ObjectKey& object)> sampleEntropy;
        std::function<std::string(const ObjectKey& dir, const std::string& name)> resolvePath;
        std::function<void(pid_t pid)> noticeProcess; // first sign of interest: identify it now
    };
    struct Finding {
        pid_t pid = 0;
        RansomwareFinding finding;
    };

    explicit RansomwareHeuristic(Hooks hooks) : m_hooks(std::move(hooks)) {}
    void setThresholds(const RansomwareThresholds& thresholds) { m_limits = thresholds; }

    void created(pid_t pid, const ObjectKey& dir, const std::string& name, const ObjectKey& object,
                 std::int64_t now) {
        if (object.empty())
            return;
        Process* process = state(pid, now);
        if (!process)
            return;
        ownFile(*process, object, now);
        if (isRansomNoteName(name))
            mark(pid, *process, object, dir, name, kNote, {}, now);
    }

    void closedWrite(pid_t pid, const ObjectKey& dir, const std::string& name,
                     const ObjectKey& object, std::int64_t now) {
        if (object.empty())
            return;
        Process* process = state(pid, now);
        if (!process)
            return;
        rememberCopy(*process, dir, name, object, now);
        if (process->own.count(object))
            return;
        mark(pid, *process, object, dir, name, kRewritten, object, now);
    }

    void renamed(pid_t pid, const ObjectKey& oldDir, const std::string& oldName,
                 const ObjectKey& newDir, const std::string& newName, const ObjectKey& object,
                 std::int64_t now) {
        if (object.empty())
            return;
        Process* process = state(pid, now);
        if (!process)
            return;
        if (process->own.count(object)) {
            // Its own file under a new name: a copy written as a temporary and renamed.
            if (auto dirIt = process->copies.find(oldDir); dirIt != process->copies.end()) {
                if (auto it = dirIt->second.find(oldName);
                    it != dirIt->second.end() && it->second.object == object)
                    dirIt->second.erase(it);
            }
            rememberCopy(*process, newDir, newName, object, now);
            if (isRansomNoteName(newName))
                mark(pid, *process, object, newDir, newName, kNote, {}, now);
            else if (auto it = process->files.find(object); it != process->files.end()) {
                it->second.dir = newDir;
                it->second.name = newName;
            }
            return;
        }
        mark(pid, *process, object, newDir, newName, kRenamed, {}, now);
    }

    void deleted(pid_t pid, const ObjectKey& dir, const std::string& name, const ObjectKey& object,
                 std::int64_t now) {
        if (object.empty())
            return;
        auto existing = m_processes.find(pid);
        if (existing == m_processes.end())
            return; // a process that wrote nothing cannot have written a copy
        Process& process = existing->second;
        if (process.own.erase(object))
            return; // its own temporary
        const auto dirIt = process.copies.find(dir);
        if (dirIt == process.copies.end())
            return;
        for (auto it = dirIt->second.lower_bound(name);
             it != dirIt->second.end() && text::startsWith(it->first, name); ++it) {
            if (it->first.size() <= name.size() || it->second.object == object ||
                now - it->second.timeMs > m_limits.windowMs)
                continue;
            const unsigned char separator = static_cast<unsigned char>(it->first[name.size()]);
            if (std::isalnum(separator) || isBenignCopySuffix(it->first.substr(name.size())))
                continue;
            mark(pid, process, object, dir, name, kDeletedAfterCopy, it->second.object, now);
            return;
        }
    }

    // Forgets what fell out of the window; drops idle processes.
    void prune(std::int64_t now) {
        for (auto it = m_processes.begin(); it != m_processes.end();) {
            Process& process = it->second;
            expire(process, now);
            const bool idle = now - process.lastMs > m_limits.windowMs &&
                              now >= process.quietUntilMs && process.files.empty() &&
                              process.own.empty() && process.copyOrder.empty();
            it = idle ? m_processes.erase(it) : std::next(it);
        }
    }

    std::vector<Finding> takeFindings() { return std::exchange(m_findings, {}); }

private:
    enum Flag : std::uint8_t {
        kRewritten = 1,
        kRenamed = 2,
        kDeletedAfterCopy = 4,
        kSampled = 8,
        kHighEntropy = 16,
        kNote = 32,
    };
    static constexpr std::uint8_t kDestroyed = kRewritten | kDeletedAfterCopy;
    static constexpr std::size_t kMaxFiles = 50'000;  // per process, within the window
    static constexpr std::size_t kMaxOwn = 200'000;   // per process
    static constexpr std::size_t kMaxCopies = 50'000; // per process, within the window
    static constexpr std::size_t kMaxProcesses = 20'000;

    struct Touched {
        std::int64_t lastMs = 0;
        std::uint64_t destroyedOrder = 0; // when it was destroyed, as a sequence number
        std::int64_t destroyedMs = 0;
        std::uint8_t flags = 0;
        ObjectKey dir; // where the file is now
        std::string name;
        ObjectKey destroyedDir;
        ObjectKey sampleObject; // the file itself, or the copy that replaced it
    };
    struct Copy {
        ObjectKey object;
        std::int64_t timeMs = 0;
    };
    struct Process {
        std::unordered_map<ObjectKey, Touched> files;
        std::deque<std::pair<std::int64_t, ObjectKey>> order;
        std::unordered_map<ObjectKey, std::int64_t> own;
        std::deque<std::pair<std::int64_t, ObjectKey>> ownOrder;
        std::unordered_map<ObjectKey, std::map<std::string, Copy>> copies; // dir → name → copy
        std::deque<std::tuple<std::int64_t, ObjectKey, std::string>> copyOrder;
        std::unordered_map<ObjectKey, std::uint32_t> directories; // of destroyed files
        std::vector<ObjectKey> unsampled;
        std::uint32_t destroyed = 0, rewritten = 0, renamed = 0, deletedAfterCopy = 0;
        std::uint32_t sampled = 0, highEntropy = 0, notes = 0, namesGone = 0;
        double maxEntropy = 0;
        std::int64_t lastMs = 0;
        std::int64_t quietUntilMs = 0;
        bool noticed = false;
    };

    // What gzip & co. append, and what safe saves and downloads append to a temporary copy.
    static bool isBenignCopySuffix(std::string suffix) {
        static const std::set<std::string> benign = {
            ".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".new", "~",
            ".gz",  ".bz2",  ".xz",   ".zst",     ".lz4",        ".lzma",     ".lz",  ".lzo",
            ".br",  ".z",    ".zip",  ".7z",      ".sz",         ".tgz",      ".txz", ".tbz2"};
        for (char& c : suffix)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return benign.count(suffix) > 0;
    }

    Process* state(pid_t pid, std::int64_t now) {
        auto it = m_processes.find(pid);
        if (it == m_processes.end()) {
            if (m_processes.size() >= kMaxProcesses)
                evictIdlest(now);
            it = m_processes.try_emplace(pid).first;
        }
        it->second.lastMs = now;
        return &it->second;
    }

    // Too many processes at once (a flood of short-lived writers): forgets the half that was
    // idle longest. An attack in progress is among the most recently active, so it stays.
    void evictIdlest(std::int64_t now) {
        prune(now);
        if (m_processes.size() < kMaxProcesses)
            return;
        std::vector<std::int64_t> times;
        times.reserve(m_processes.size());
        for (const auto& [pid, process] : m_processes)
            times.push_back(process.lastMs);
        auto middle = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
        std::nth_element(times.begin(), middle, times.end());
        const std::int64_t cut = *middle;
        for (auto it = m_processes.begin(); it != m_processes.end();)
            it = it->second.lastMs <= cut ? m_processes.erase(it) : std::next(it);
    }

    void ownFile(Process& process, const ObjectKey& object, std::int64_t now) {
        process.own[object] = now;
        process.ownOrder.emplace_back(now, object);
        while (process.ownOrder.size() > kMaxOwn) {
            const auto& [time, key] = process.ownOrder.front();
            if (auto it = process.own.find(key); it != process.own.end() && it->second <= time)
                process.own.erase(it);
            process.ownOrder.pop_front();
        }
    }

    void rememberCopy(Process& process, const ObjectKey& dir, const std::string& name,
                      const ObjectKey& object, std::int64_t now) {
        process.copies[dir][name] = Copy{object, now};
        process.copyOrder.emplace_back(now, dir, name);
        if (process.copyOrder.size() > kMaxCopies)
            dropCopy(process, process.copyOrder.front());
    }

    static void dropCopy(Process& process,
                         const std::tuple<std::int64_t, ObjectKey, std::string>& entry) {
        const auto& [time, dir, name] = entry;
        if (auto dirIt = process.copies.find(dir); dirIt != process.copies.end()) {
            if (auto it = dirIt->second.find(name);
                it != dirIt->second.end() && it->second.timeMs <= time)
                dirIt->second.erase(it);
            if (dirIt->second.empty())
                process.copies.erase(dirIt);
        }
        process.copyOrder.pop_front();
    }

    // Adds (+1) or removes (-1) a file's share of the counts.
    static void count(Process& process, const Touched& file, int delta) {
        const auto apply = [delta](std::uint32_t& counter, bool set) {
            if (set)
                counter = static_cast<std::uint32_t>(static_cast<std::int64_t>(counter) + delta);
        };
        const bool destroyed = file.flags & kDestroyed;
        apply(process.destroyed, destroyed);
        apply(process.rewritten, file.flags & kRewritten);
        apply(process.renamed, file.flags & kRenamed);
        apply(process.deletedAfterCopy, file.flags & kDeletedAfterCopy);
        apply(process.sampled, file.flags & kSampled);
        apply(process.highEntropy, file.flags & kHighEntropy);
        apply(process.notes, file.flags & kNote);
        apply(process.namesGone, destroyed && (file.flags & (kRenamed | kDeletedAfterCopy)));
        if (destroyed) {
            auto& inDirectory = process.directories[file.destroyedDir];
            inDirectory =
                static_cast<std::uint32_t>(static_cast<std::int64_t>(inDirectory) + delta);
            if (inDirectory == 0)
                process.directories.erase(file.destroyedDir);
        }
    }

    void expire(Process& process, std::int64_t now) {
        const std::int64_t horizon = now - m_limits.windowMs;
        while (!process.order.empty() && process.order.front().first < horizon) {
            const auto& [time, key] = process.order.front();
            if (auto it = process.files.find(key);
                it != process.files.end() && it->second.lastMs <= time) {
                count(process, it->second, -1);
                process.files.erase(it);
            }
            process.order.pop_front();
        }
        while (!process.copyOrder.empty() && std::get<0>(process.copyOrder.front()) < horizon)
            dropCopy(process, process.copyOrder.front());
        const std::int64_t ownHorizon =
            now - std::max(m_limits.ownFilesRetentionMs, m_limits.windowMs);
        while (!process.ownOrder.empty() && process.ownOrder.front().first < ownHorizon) {
            const auto& [time, key] = process.ownOrder.front();
            if (auto it = process.own.find(key); it != process.own.end() && it->second <= time)
                process.own.erase(it);
            process.ownOrder.pop_front();
        }
        if (process.files.empty())
            process.unsampled.clear();
    }

    void mark(pid_t pid, Process& process, const ObjectKey& object, const ObjectKey& dir,
              const std::string& name, std::uint8_t add, const ObjectKey& sampleObject,
              std::int64_t now) {
        expire(process, now);
        auto [it, inserted] = process.files.try_emplace(object);
        if (inserted && process.files.size() > kMaxFiles) {
            process.files.erase(it);
            return;
        }
        Touched& file = it->second;
        count(process, file, -1);
        const bool wasDestroyed = file.flags & kDestroyed;
        file.flags |= add;
        file.lastMs = now;
        file.dir = dir;
        file.name = name;
        if (!sampleObject.empty() && (add & kDestroyed))
            file.sampleObject = sampleObject;
        if (!wasDestroyed && (file.flags & kDestroyed)) {
            file.destroyedDir = dir;
            file.destroyedMs = now;
            file.destroyedOrder = ++m_sequence;
            if (process.unsampled.size() >= 1024) // a slow writer that never becomes suspicious
                std::erase_if(process.unsampled, [&process](const ObjectKey& key) {
                    return !process.files.count(key);
                });
            process.unsampled.push_back(object);
        }
        count(process, file, +1);
        process.order.emplace_back(now, object);
        if (!process.noticed) {
            process.noticed = true;
            m_hooks.noticeProcess(pid);
        }
        if (process.destroyed >= m_limits.suspicionFiles) {
            for (const ObjectKey& key : std::exchange(process.unsampled, {}))
                sample(process, key);
        }
        evaluate(pid, process, now);
    }

    void sample(Process& process, const ObjectKey& key) {
        auto it = process.files.find(key);
        if (it == process.files.end() || (it->second.flags & kSampled))
            return;
        Touched& file = it->second;
        count(process, file, -1);
        file.flags |= kSampled;
        if (const auto entropy =
                m_hooks.sampleEntropy(file.sampleObject.empty() ? key : file.sampleObject)) {
            process.maxEntropy = std::max(process.maxEntropy, *entropy);
            if (*entropy > m_limits.entropyBitsPerByte)
                file.flags |= kHighEntropy;
        }
        count(process, file, +1);
    }

    void evaluate(pid_t pid, Process& process, std::int64_t now) {
        if (now < process.quietUntilMs || process.destroyed < m_limits.minFiles ||
            process.directories.size() < m_limits.minDirectories)
            return;
        std::string trigger;
        if (process.highEntropy >= m_limits.minHighEntropyFiles &&
            process.namesGone >= m_limits.minRenamedFiles)
            trigger = "encrypted-and-renamed";
        else if (m_limits.minNotes > 0 && process.notes >= m_limits.minNotes)
            trigger = "ransom-note";
        else
            return;
        process.quietUntilMs = now + m_limits.cooldownMs;

        RansomwareFinding finding;
        finding.trigger = trigger;
        finding.destroyedFiles = process.destroyed;
        finding.rewrittenFiles = process.rewritten;
        finding.renamedFiles = process.renamed;
        finding.deletedAfterCopy = process.deletedAfterCopy;
        finding.highEntropyFiles = process.highEntropy;
        finding.sampledFiles = process.sampled;
        finding.ransomNotes = process.notes;
        finding.directories = static_cast<std::uint32_t>(process.directories.size());
        finding.maxEntropy = process.maxEntropy;
        finding.windowMs = m_limits.windowMs;
        std::vector<const Touched*> destroyed;
        std::vector<const Touched*> notes;
        for (const auto& [key, file] : process.files) {
            if (file.flags & kDestroyed)
                destroyed.push_back(&file);
            if (file.flags & kNote)
                notes.push_back(&file);
        }
        const auto byTime = [](const Touched* a, const Touched* b) {
            return std::tie(a->destroyedOrder, a->lastMs) < std::tie(b->destroyedOrder, b->lastMs);
        };
        std::sort(destroyed.begin(), destroyed.end(), byTime);
        std::sort(notes.begin(), notes.end(), byTime);
        finding.firstActivityUnixMs = destroyed.empty() ? now : destroyed.front()->destroyedMs;
        for (std::size_t i = 0; i < destroyed.size() && i < 5; ++i)
            finding.samplePaths.push_back(
                m_hooks.resolvePath(destroyed[i]->dir, destroyed[i]->name));
        for (std::size_t i = 0; i < notes.size() && i < 5; ++i)
            finding.notePaths.push_back(m_hooks.resolvePath(notes[i]->dir, notes[i]->name));
        m_findings.push_back({pid, std::move(finding)});
    }

    Hooks m_hooks;
    RansomwareThresholds m_limits;
    std::unordered_map<pid_t, Process> m_processes;
    std::vector<Finding> m_findings;
    std::uint64_t m_sequence = 0;
};

// ---- file integrity monitoring --------------------------------------------------------------

constexpr std::uint64_t kDirectoryMask = FAN_CREATE | FAN_DELETE | FAN_RENAME | FAN_ATTRIB |
                                         FAN_CLOSE_WRITE | FAN_ONDIR | FAN_EVENT_ON_CHILD;
// A created file is reported when its writer closes it (with the hash of what was written), or
// after this long if it stays open.
constexpr std::int64_t kCreateSettleMs = 1000;

struct BaselineEntry {
    std::string sha256; // hex; empty for directories, symlinks and files not hashed
    ObjectKey object;
    std::uint32_t mode = 0;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t mtimeNs = 0;
    std::int64_t ctimeNs = 0;
    bool isDirectory = false;
    bool isRegular = false;
};

BaselineEntry metadataOf(const struct stat& info) {
    BaselineEntry entry;
    entry.mode = info.st_mode & 07777;
    entry.uid = info.st_uid;
    entry.gid = info.st_gid;
    entry.inode = info.st_ino;
    entry.size = static_cast<std::uint64_t>(info.st_size);
    entry.mtimeNs = info.st_mtim.tv_sec * 1'000'000'000LL + info.st_mtim.tv_nsec;
    entry.ctimeNs = info.st_ctim.tv_sec * 1'000'000'000LL + info.st_ctim.tv_nsec;
    entry.isDirectory = S_ISDIR(info.st_mode);
    entry.isRegular = S_ISREG(info.st_mode);
    return entry;
}

// A kernel filesystem mounted inside a watched tree (/proc, /sys, ... when "/" is watched):
// nothing on it is a file whose integrity means anything, and reading it can be slow.
bool isPseudoFilesystem(int fd) {
    struct statfs info {};
    if (::fstatfs(fd, &info) != 0)
        return false;
    static const std::set<std::uint64_t> pseudo = {
        PROC_SUPER_MAGIC,    SYSFS_MAGIC,    DEVPTS_SUPER_MAGIC, CGROUP_SUPER_MAGIC,
        CGROUP2_SUPER_MAGIC, DEBUGFS_MAGIC,  TRACEFS_MAGIC,      SECURITYFS_MAGIC,
        BPF_FS_MAGIC,        PSTOREFS_MAGIC, EFIVARFS_MAGIC,     NSFS_MAGIC};
    return pseudo.count(static_cast<std::uint64_t>(info.f_type)) > 0;
}

bool sameContentStamp(const BaselineEntry& a, const BaselineEntry& b) {
    return a.isRegular && b.isRegular && !b.sha256.empty() && a.inode == b.inode &&
           a.size == b.size && a.mtimeNs == b.mtimeNs && a.ctimeNs == b.ctimeNs;
}

class IntegrityWatch {
public:
    IntegrityWatch(HandleResolver& handles, ProcessCache& processes)
        : m_handles(handles), m_processes(processes) {}

    void setGroup(int fd) { m_fd = fd; }
    void setLimits(const FileMonitorConfig& config) {
        m_maxHashBytes = config.maxHashBytes;
        m_maxDirectories = config.maxWatchedDirectories;
        m_maxFiles = config.maxBaselineFiles;
    }
    std::size_t directories() const { return m_dirs.size(); }
    std::size_t files() const { return m_baseline.size(); }
    bool needsReconcile() const { return m_overflowed; }

    // Watches a new set of roots: marks what is new first, then removes the marks nothing needs
    // any more, so directories watched before and after see no gap. The new baseline reuses
    // the hashes of files that did not change.
    void setRoots(const std::vector<std::string>& roots) {
        const auto before = std::move(m_dirs);
        m_dirs.clear();
        m_pathToDir.clear();
        m_pending.clear();
        m_previous = std::move(m_baseline);
        m_baseline.clear();
        m_roots = roots;
        m_warnedLimit = false;
        std::vector<FileActivity> none;
        for (const auto& root : m_roots)
            watchRoot(root, false, none);
        m_previous.clear();
        for (const auto& [key, dir] : before) {
            if (m_dirs.count(key))
                continue;
            Fd fd = m_handles.open(key, O_RDONLY | O_DIRECTORY);
            if (fd.valid())
                ::fanotify_mark(m_fd, FAN_MARK_REMOVE, kDirectoryMask, fd.get(), nullptr);
        }
    }

    // After a queue overflow: scans everything again and reports what changed meanwhile.
    void reconcile(std::int64_t now, std::vector<FileActivity>& out) {
        m_overflowed = false;
        std::set<std::string> seen;
        m_seen = &seen;
        m_now = now;
        for (const auto& root : m_roots)
            watchRoot(root, true, out);
        m_seen = nullptr;
        for (auto it = m_baseline.begin(); it != m_baseline.end();) {
            if (seen.count(it->first)) {
                ++it;
                continue;
            }
            FileActivity activity = make(FileActivityKind::Deleted, it->first, 0, now);
            describe(activity, it->second);
            activity.sha256Before = it->second.sha256;
            out.push_back(std::move(activity));
            it = m_baseline.erase(it);
        }
    }

    void overflowed() { m_overflowed = true; }

    void handle(const RawEvent& event, std::int64_t now, std::vector<FileActivity>& out) {
        m_now = now;
        if (event.mask & FAN_RENAME) {
            handleRename(event, now, out);
            return;
        }
        if (!event.hasDir)
            return;
        const auto path = watchedPath(event.dir, event.name);
        if (!path)
            return;
        if (event.name == ".") { // the directory itself
            if (event.mask & FAN_ATTRIB)
                onAttrib(*path, event.pid, now, out);
            return;
        }
        const bool isDir = event.mask & FAN_ONDIR;
        // Merged events: the kernel folds what one process did to one object in a row into one
        // event; handle the parts in the order they happen.
        if (event.mask & FAN_CREATE)
            onCreate(*path, event.dir, event.name, event.object, isDir, event.pid, now, out);
        if (event.mask & FAN_ATTRIB)
            onAttrib(*path, event.pid, now, out);
        if ((event.mask & FAN_CLOSE_WRITE) && !isDir)
            onCloseWrite(*path, event.object, event.pid, now, out);
        if (event.mask & FAN_DELETE)
            onDelete(*path, isDir, event.pid, now, out);
    }

    // Reports creations whose writer kept the file open.
    void settle(std::int64_t now, std::vector<FileActivity>& out) {
        for (auto it = m_pending.begin(); it != m_pending.end();) {
            if (now - it->second.timeMs < kCreateSettleMs) {
                ++it;
                continue;
            }
            reportCreated(it->first, it->second, now, out);
            it = m_pending.erase(it);
        }
    }

private:
    struct WatchedDir {
        std::string path;
        bool recursive = false;      // everything in it is watched
        std::set<std::string> names; // otherwise only these entries (watched files and roots)
    };
    struct Pending {
        pid_t pid = 0;
        std::int64_t timeMs = 0;
        ObjectKey object;
    };

    FileActivity make(FileActivityKind kind, const std::string& path, pid_t pid, std::int64_t now) {
        FileActivity activity;
        activity.kind = kind;
        activity.path = path;
        activity.pid = pid;
        activity.timeUnixMs = now;
        if (pid > 0) {
            const ProcessIdentity& identity = m_processes.lookup(pid, now);
            activity.image = identity.image;
            activity.commandLine = identity.commandLine;
            activity.user = identity.user;
            activity.uid = identity.uid;
        }
        return activity;
    }

    static void describe(FileActivity& activity, const BaselineEntry& entry) {
        activity.hasMetadata = true;
        activity.isDirectory = entry.isDirectory;
        activity.mode = entry.mode;
        activity.ownerUid = entry.uid;
        activity.ownerGid = entry.gid;
    }

    std::optional<std::string> watchedPath(const ObjectKey& dir, const std::string& name) const {
        const auto it = m_dirs.find(dir);
        if (it == m_dirs.end())
            return std::nullopt;
        if (name == ".")
            return it->second.recursive ? std::optional(it->second.path) : std::nullopt;
        if (it->second.recursive || it->second.names.count(name))
            return joinPath(it->second.path, name);
        return std::nullopt;
    }

    // Whether a directory appearing as `name` in `dir` is watched as a tree.
    bool treeWatched(const ObjectKey& dir, const std::string& name) const {
        const auto it = m_dirs.find(dir);
        return it != m_dirs.end() && (it->second.recursive || it->second.names.count(name));
    }

    bool markDirectory(int fd, const std::string& path, bool recursive, const std::string* name) {
        const auto fsid = fsidOfFd(fd);
        if (!fsid)
            return false;
        const auto key = handleKey(fd, "", AT_EMPTY_PATH, *fsid);
        if (!key) {
            spdlog::warn("file activity: cannot watch {}: no file handle: {}", path,
                         std::strerror(errno));
            return false;
        }
        auto existing = m_dirs.find(*key);
        if (existing == m_dirs.end()) { // (marking again what is marked already is harmless)
            if (m_dirs.size() >= m_maxDirectories) {
                if (!m_warnedLimit)
                    spdlog::warn("file activity: more than {} directories to watch; {} and others "
                                 "are not watched",
                                 m_maxDirectories, path);
                m_warnedLimit = true;
                return false;
            }
            if (::fanotify_mark(m_fd, FAN_MARK_ADD, kDirectoryMask, fd, nullptr) != 0) {
                spdlog::warn("file activity: cannot watch {}: {}", path, std::strerror(errno));
                return false;
            }
            existing = m_dirs.emplace(*key, WatchedDir{}).first;
            m_handles.remember(*fsid, path, false);
        }
        WatchedDir& watched = existing->second;
        if (!watched.path.empty() && watched.path != path)
            m_pathToDir.erase(watched.path);
        watched.path = path;
        watched.recursive = watched.recursive || recursive;
        if (name)
            watched.names.insert(*name);
        m_pathToDir[path] = *key;
        return true;
    }

    void watchRoot(const std::string& root, bool report, std::vector<FileActivity>& out) {
        const std::filesystem::path rootPath(root);
        Fd parent;
        std::string name;
        if (root != "/") {
            const std::string parentPath = rootPath.parent_path().string();
            name = rootPath.filename().string();
            parent.reset(::open(parentPath.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            if (!parent.valid() || !markDirectory(parent.get(), parentPath, false, &name)) {
                spdlog::warn("file activity: cannot watch {}: {} cannot be opened", root,
                             parentPath);
                return;
            }
        }
        struct stat info {};
        if (::lstat(root.c_str(), &info) != 0)
            return; // watched from its parent until it appears
        if (S_ISDIR(info.st_mode))
            scanTree(root, report, out);
        else if (parent.valid())
            recordEntry(parent.get(), name, root, info, report, out);
    }

    // Marks a directory tree and records its entries. `report`: entries that are new or changed
    // relative to the baseline become activities (pid unknown).
    void scanTree(const std::string& top, bool report, std::vector<FileActivity>& out) {
        std::vector<std::string> stack{top};
        while (!stack.empty()) {
            const std::string path = std::move(stack.back());
            stack.pop_back();
            Fd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!dir.valid() || isPseudoFilesystem(dir.get()))
                continue;
            if (!markDirectory(dir.get(), path, true, nullptr))
                continue;
            struct stat self {};
            if (::fstat(dir.get(), &self) == 0) {
                // The directory itself, as its parent's entry (its handle is its object).
                BaselineEntry entry = metadataOf(self);
                const auto fsid = fsidOfFd(dir.get());
                if (fsid)
                    entry.object = handleKey(dir.get(), "", AT_EMPTY_PATH, *fsid).value_or("");
                record(path, std::move(entry), report, out);
            }
            DIR* listing = ::fdopendir(::fcntl(dir.get(), F_DUPFD_CLOEXEC, 0));
            if (listing == nullptr)
                continue;
            while (const dirent* item = ::readdir(listing)) {
                const std::string name = item->d_name;
                if (name == "." || name == "..")
                    continue;
                struct stat info {};
                if (::fstatat(dir.get(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0)
                    continue;
                const std::string child = joinPath(path, name);
                if (S_ISDIR(info.st_mode))
                    stack.push_back(child);
                else
                    recordEntry(dir.get(), name, child, info, report, out);
            }
            ::closedir(listing);
        }
    }

    void recordEntry(int dirfd, const std::string& name, const std::string& path,
                     const struct stat& info, bool report, std::vector<FileActivity>& out) {
        if (m_baseline.size() >= m_maxFiles && !m_baseline.count(path)) {
            if (!m_warnedLimit)
                spdlog::warn("file activity: more than {} watched files; {} and others have no "
                             "baseline",
                             m_maxFiles, path);
            m_warnedLimit = true;
            return;
        }
        BaselineEntry entry = metadataOf(info);
        if (const auto fsid = fsidOfFd(dirfd))
            entry.object = handleKey(dirfd, name.c_str(), 0, *fsid).value_or("");
        if (entry.isRegular) {
            const auto reuse = [&entry](const std::map<std::string, BaselineEntry>& from,
                                        const std::string& key) {
                const auto it = from.find(key);
                if (it != from.end() && sameContentStamp(entry, it->second)) {
                    entry.sha256 = it->second.sha256;
                    return true;
                }
                return false;
            };
            if (!reuse(m_baseline, path) && !reuse(m_previous, path)) {
                const Fd file = reopenRegular(
                    Fd(::openat(dirfd, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC)));
                if (file.valid())
                    entry.sha256 = sha256OfFd(file.get(), m_maxHashBytes);
            }
        }
        record(path, std::move(entry), report, out);
    }

    // Stores an entry; in report mode, says how it differs from what was known.
    void record(const std::string& path, BaselineEntry entry, bool report,
                std::vector<FileActivity>& out) {
        if (m_seen)
            m_seen->insert(path);
        auto existing = m_baseline.find(path);
        if (report) {
            if (existing == m_baseline.end()) {
                FileActivity activity = make(FileActivityKind::Created, path, 0, m_now);
                describe(activity, entry);
                activity.sha256After = entry.sha256;
                out.push_back(std::move(activity));
            } else {
                const BaselineEntry& old = existing->second;
                if (entry.isRegular && old.sha256 != entry.sha256) {
                    FileActivity activity = make(FileActivityKind::Modified, path, 0, m_now);
                    describe(activity, entry);
                    activity.sha256Before = old.sha256;
                    activity.sha256After = entry.sha256;
                    out.push_back(std::move(activity));
                }
                reportAttributes(path, old, entry, 0, m_now, out);
            }
        }
        m_baseline[path] = std::move(entry);
    }

    void reportAttributes(const std::string& path, const BaselineEntry& old,
                          const BaselineEntry& now, pid_t pid, std::int64_t time,
                          std::vector<FileActivity>& out) {
        if (old.mode != now.mode) {
            FileActivity activity = make(FileActivityKind::PermissionsChanged, path, pid, time);
            describe(activity, now);
            activity.previousMode = old.mode;
            activity.previousOwnerUid = old.uid;
            activity.previousOwnerGid = old.gid;
            activity.sha256Before = activity.sha256After = old.sha256; // content unchanged
            out.push_back(std::move(activity));
        }
        if (old.uid != now.uid || old.gid != now.gid) {
            FileActivity activity = make(FileActivityKind::OwnerChanged, path, pid, time);
            describe(activity, now);
            activity.previousMode = old.mode;
            activity.previousOwnerUid = old.uid;
            activity.previousOwnerGid = old.gid;
            activity.sha256Before = activity.sha256After = old.sha256;
            out.push_back(std::move(activity));
        }
    }

    // The current state of a file: found by its handle (exact even if it was renamed since),
    // else by path; hashed only when it is a regular file.
    std::optional<BaselineEntry> current(const ObjectKey& object, const std::string& path) {
        Fd handle;
        if (!object.empty())
            handle = m_handles.open(object, O_PATH);
        if (!handle.valid())
            handle.reset(::open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        struct stat info {};
        if (!handle.valid() || ::fstat(handle.get(), &info) != 0)
            return std::nullopt;
        BaselineEntry entry = metadataOf(info);
        entry.object = object;
        if (Fd file = reopenRegular(handle); file.valid())
            entry.sha256 = sha256OfFd(file.get(), m_maxHashBytes);
        return entry;
    }

    void reportCreated(const std::string& path, const Pending& pending, std::int64_t now,
                       std::vector<FileActivity>& out) {
        FileActivity activity = make(FileActivityKind::Created, path, pending.pid, now);
        if (auto entry = current(pending.object, path)) {
            describe(activity, *entry);
            activity.sha256After = entry->sha256;
            m_baseline[path] = std::move(*entry);
        }
        out.push_back(std::move(activity));
    }

    void onCreate(const std::string& path, const ObjectKey& dir, const std::string& name,
                  const ObjectKey& object, bool isDir, pid_t pid, std::int64_t now,
                  std::vector<FileActivity>& out) {
        if (const auto known = m_baseline.find(path);
            known != m_baseline.end() && !object.empty() && known->second.object == object)
            return; // a scan of its new directory has reported it already
        if (!isDir) {
            m_pending[path] = Pending{pid, now, object};
            return;
        }
        FileActivity activity = make(FileActivityKind::Created, path, pid, now);
        activity.isDirectory = true;
        struct stat info {};
        if (::lstat(path.c_str(), &info) == 0) {
            BaselineEntry entry = metadataOf(info);
            entry.object = object;
            describe(activity, entry);
            m_baseline[path] = std::move(entry);
        }
        out.push_back(std::move(activity));
        // What was created inside before the mark is reported by the scan.
        if (treeWatched(dir, name))
            scanTree(path, true, out);
    }

    void onCloseWrite(const std::string& path, const ObjectKey& object, pid_t pid, std::int64_t now,
                      std::vector<FileActivity>& out) {
        if (auto pending = m_pending.find(path); pending != m_pending.end()) {
            Pending creation = pending->second;
            if (!object.empty())
                creation.object = object;
            m_pending.erase(pending);
            reportCreated(path, creation, now, out);
            return;
        }
        auto entry = current(object, path);
        if (!entry)
            return; // gone already: its delete or rename follows
        auto old = m_baseline.find(path);
        if (old != m_baseline.end() && old->second.sha256 == entry->sha256 &&
            !entry->sha256.empty()) {
            old->second = std::move(*entry); // written, but the content is what it was
            return;
        }
        FileActivity activity = make(FileActivityKind::Modified, path, pid, now);
        describe(activity, *entry);
        if (old != m_baseline.end())
            activity.sha256Before = old->second.sha256;
        activity.sha256After = entry->sha256;
        out.push_back(std::move(activity));
        m_baseline[path] = std::move(*entry);
    }

    void onAttrib(const std::string& path, pid_t pid, std::int64_t now,
                  std::vector<FileActivity>& out) {
        if (m_pending.count(path))
            return; // being created: its Created carries the final metadata
        struct stat info {};
        if (::lstat(path.c_str(), &info) != 0)
            return;
        BaselineEntry fresh = metadataOf(info);
        auto old = m_baseline.find(path);
        if (old == m_baseline.end()) {
            if (auto entry = current({}, path))
                m_baseline[path] = std::move(*entry);
            return;
        }
        reportAttributes(path, old->second, fresh, pid, now, out);
        old->second.mode = fresh.mode;
        old->second.uid = fresh.uid;
        old->second.gid = fresh.gid;
        old->second.ctimeNs = fresh.ctimeNs;
    }

    void onDelete(const std::string& path, bool isDir, pid_t pid, std::int64_t now,
                  std::vector<FileActivity>& out) {
        if (auto pending = m_pending.find(path); pending != m_pending.end()) {
            FileActivity created = make(FileActivityKind::Created, path, pending->second.pid, now);
            out.push_back(std::move(created));
            m_pending.erase(pending);
        }
        FileActivity activity = make(FileActivityKind::Deleted, path, pid, now);
        activity.isDirectory = isDir;
        if (auto old = m_baseline.find(path); old != m_baseline.end()) {
            describe(activity, old->second);
            activity.sha256Before = old->second.sha256;
            m_baseline.erase(old);
        }
        out.push_back(std::move(activity));
        if (isDir)
            forgetTree(path, false);
    }

    // Drops a directory tree from the watch (unmarking it when it still exists elsewhere).
    void forgetTree(const std::string& prefix, bool unmark) {
        for (auto it = m_pathToDir.lower_bound(prefix);
             it != m_pathToDir.end() && text::startsWith(it->first, prefix);) {
            if (!isUnder(it->first, prefix)) {
                ++it;
                continue;
            }
            if (unmark) {
                Fd fd = m_handles.open(it->second, O_RDONLY | O_DIRECTORY);
                if (fd.valid())
                    ::fanotify_mark(m_fd, FAN_MARK_REMOVE, kDirectoryMask, fd.get(), nullptr);
            }
            m_dirs.erase(it->second);
            it = m_pathToDir.erase(it);
        }
        erasePrefix(m_baseline, prefix);
        erasePrefix(m_pending, prefix);
    }

    void moveTree(const std::string& from, const std::string& to) {
        renamePrefix(m_baseline, from, to);
        renamePrefix(m_pending, from, to);
        renamePrefix(m_pathToDir, from, to);
        for (auto it = m_pathToDir.lower_bound(to);
             it != m_pathToDir.end() && text::startsWith(it->first, to); ++it)
            if (isUnder(it->first, to))
                if (auto dir = m_dirs.find(it->second); dir != m_dirs.end())
                    dir->second.path = it->first;
    }

    std::string shownPath(bool has, const ObjectKey& dir, const std::string& name) const {
        if (!has)
            return {};
        if (const auto it = m_dirs.find(dir); it != m_dirs.end())
            return joinPath(it->second.path, name);
        return joinPath(m_handles.path(dir), name); // outside the watched paths
    }

    void handleRename(const RawEvent& event, std::int64_t now, std::vector<FileActivity>& out) {
        const auto oldPath = event.hasOld ? watchedPath(event.oldDir, event.oldName) : std::nullopt;
        const auto newPath = event.hasNew ? watchedPath(event.newDir, event.newName) : std::nullopt;
        if (!oldPath && !newPath)
            return;
        const bool isDir = event.mask & FAN_ONDIR;
        const pid_t pid = event.pid;

        if (oldPath && newPath) {
            if (auto pending = m_pending.find(*oldPath); pending != m_pending.end()) {
                // Created and renamed before it was closed: reported once, under its new name.
                m_pending[*newPath] = pending->second;
                m_pending.erase(*oldPath);
                return;
            }
            std::optional<BaselineEntry> moved;
            if (auto it = m_baseline.find(*oldPath); it != m_baseline.end()) {
                moved = std::move(it->second);
                m_baseline.erase(it);
            }
            if (isDir) {
                moveTree(*oldPath, *newPath);
                FileActivity activity = make(FileActivityKind::Renamed, *newPath, pid, now);
                activity.oldPath = *oldPath;
                activity.isDirectory = true;
                if (moved) {
                    describe(activity, *moved);
                    m_baseline[*newPath] = std::move(*moved);
                }
                out.push_back(std::move(activity));
                return;
            }
            if (!moved)
                moved = current(event.object, *newPath);
            const auto replaced = m_baseline.find(*newPath);
            if (replaced != m_baseline.end() && !replaced->second.isDirectory) {
                // Renamed over a watched file (an atomic save): the watched file changed.
                FileActivity activity = make(FileActivityKind::Modified, *newPath, pid, now);
                activity.oldPath = *oldPath;
                activity.sha256Before = replaced->second.sha256;
                if (moved) {
                    describe(activity, *moved);
                    activity.sha256After = moved->sha256;
                }
                out.push_back(std::move(activity));
            } else {
                FileActivity activity = make(FileActivityKind::Renamed, *newPath, pid, now);
                activity.oldPath = *oldPath;
                if (moved) {
                    describe(activity, *moved);
                    activity.sha256Before = activity.sha256After = moved->sha256;
                }
                out.push_back(std::move(activity));
            }
            if (moved)
                m_baseline[*newPath] = std::move(*moved);
            return;
        }

        if (oldPath) { // moved out of the watched paths, or to a name that is not watched
            std::string destination = shownPath(event.hasNew, event.newDir, event.newName);
            if (destination.empty())
                destination = m_handles.path(event.object);
            if (auto pending = m_pending.find(*oldPath); pending != m_pending.end()) {
                out.push_back(make(FileActivityKind::Created, *oldPath, pending->second.pid, now));
                m_pending.erase(pending);
            }
            FileActivity activity = make(FileActivityKind::Renamed, destination, pid, now);
            activity.oldPath = *oldPath;
            activity.isDirectory = isDir;
            if (auto it = m_baseline.find(*oldPath); it != m_baseline.end()) {
                describe(activity, it->second);
                activity.sha256Before = activity.sha256After = it->second.sha256;
                m_baseline.erase(it);
            }
            out.push_back(std::move(activity));
            if (isDir)
                forgetTree(*oldPath, true);
            return;
        }

        // Moved in from outside the watched paths (or from a name that is not watched).
        const std::string source = shownPath(event.hasOld, event.oldDir, event.oldName);
        if (isDir) {
            FileActivity activity =
                make(source.empty() ? FileActivityKind::Created : FileActivityKind::Renamed,
                     *newPath, pid, now);
            activity.oldPath = source;
            activity.isDirectory = true;
            struct stat info {};
            if (::lstat(newPath->c_str(), &info) == 0) {
                BaselineEntry entry = metadataOf(info);
                entry.object = event.object;
                describe(activity, entry);
                m_baseline[*newPath] = std::move(entry);
            }
            out.push_back(std::move(activity));
            if (treeWatched(event.newDir, event.newName))
                scanTree(*newPath, true, out);
            return;
        }
        auto entry = current(event.object, *newPath);
        const auto replaced = m_baseline.find(*newPath);
        FileActivityKind kind = FileActivityKind::Created;
        if (replaced != m_baseline.end())
            kind = FileActivityKind::Modified; // e.g. /etc/passwd+ renamed over /etc/passwd
        else if (!source.empty())
            kind = FileActivityKind::Renamed;
        FileActivity activity = make(kind, *newPath, pid, now);
        activity.oldPath = source;
        if (replaced != m_baseline.end())
            activity.sha256Before = replaced->second.sha256;
        else if (kind == FileActivityKind::Renamed && entry)
            activity.sha256Before = entry->sha256;
        if (entry) {
            describe(activity, *entry);
            activity.sha256After = entry->sha256;
            m_baseline[*newPath] = std::move(*entry);
        }
        out.push_back(std::move(activity));
    }

    HandleResolver& m_handles;
    ProcessCache& m_processes;
    int m_fd = -1;
    std::uint64_t m_maxHashBytes = 64ull << 20;
    std::size_t m_maxDirectories = 65'536;
    std::size_t m_maxFiles = 500'000;
    std::vector<std::string> m_roots;
    std::unordered_map<ObjectKey, WatchedDir> m_dirs;
    std::map<std::string, ObjectKey> m_pathToDir;
    std::map<std::string, BaselineEntry> m_baseline;
    std::map<std::string, BaselineEntry> m_previous; // during setRoots: hashes to reuse
    std::map<std::string, Pending> m_pending;
    std::set<std::string>* m_seen = nullptr; // during reconcile
    std::int64_t m_now = 0;
    bool m_overflowed = false;
    bool m_warnedLimit = false;
};

// ---- filesystems for the heuristic ----------------------------------------------------------

// Pseudo, read-only-by-nature and network filesystems: no user files to encrypt, or changes
// made elsewhere that no local mark sees. tmpfs is kept (/tmp, /dev/shm, /run can be tmpfs).
bool skippedFilesystem(const std::string& type) {
    static const std::set<std::string> skipped = {
        "proc",        "sysfs",       "devtmpfs",      "devpts",     "cgroup",
        "cgroup2",     "securityfs",  "debugfs",       "tracefs",    "pstore",
        "bpf",         "mqueue",      "hugetlbfs",     "configfs",   "fusectl",
        "autofs",      "binfmt_misc", "efivarfs",      "rpc_pipefs", "nsfs",
        "selinuxfs",   "ramfs",       "squashfs",      "iso9660",    "nfs",
        "nfs4",        "cifs",        "smb3",          "smbfs",      "ceph",
        "glusterfs",   "9p",          "afs",           "fuse.sshfs", "fuse.gvfsd-fuse",
        "fuse.portal", "fuse.lxcfs",  "fuse.snapfuse", "erofs",      "cramfs"};
    return skipped.count(type) > 0;
}

std::string unescapeMountField(const std::string& field) {
    std::string result;
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size() &&
            std::isdigit(static_cast<unsigned char>(field[i + 1]))) {
            result.push_back(static_cast<char>(std::stoi(field.substr(i + 1, 3), nullptr, 8)));
            i += 3;
        } else {
            result.push_back(field[i]);
        }
    }
    return result;
}

struct MountCandidate {
    std::string device; // major:minor
    std::string root;   // the part of the filesystem mounted here ("/" for the whole)
    std::string mountPoint;
    std::string type;
};

bool hasOption(const std::string& options, const std::string& option) {
    for (std::string_view item : text::split(options, ','))
        if (item == option)
            return true;
    return false;
}

std::vector<MountCandidate> writableLocalMounts() {
    std::vector<MountCandidate> mounts;
    const std::string table = readSmall("/proc/self/mountinfo", 16 << 20);
    for (std::string_view line : text::split(table, '\n')) {
        const auto fields = text::split(line, ' ');
        std::size_t separator = 6;
        while (separator < fields.size() && fields[separator] != "-")
            ++separator;
        if (fields.size() < 7 || separator + 1 >= fields.size())
            continue;
        MountCandidate mount;
        mount.device = std::string(fields[2]);
        mount.root = unescapeMountField(std::string(fields[3]));
        mount.mountPoint = unescapeMountField(std::string(fields[4]));
        mount.type = std::string(fields[separator + 1]);
        const std::string superOptions(separator + 3 < fields.size() ? fields[separator + 3] : "");
        // Read-only means the filesystem (its superblock options), not this mount: under
        // systemd's ProtectSystem=strict the agent sees / through a read-only bind mount, while
        // everyone else writes to the same filesystem.
        if (skippedFilesystem(mount.type) || hasOption(superOptions, "ro") ||
            isUnder(mount.mountPoint, "/proc") || isUnder(mount.mountPoint, "/sys"))
            continue;
        mounts.push_back(std::move(mount));
    }
    // Whole-filesystem mounts first: their path resolves handles to full paths.
    std::stable_sort(mounts.begin(), mounts.end(), [](const auto& a, const auto& b) {
        return (a.root == "/") > (b.root == "/");
    });
    return mounts;
}

constexpr std::uint64_t kFilesystemMask = FAN_CREATE | FAN_DELETE | FAN_RENAME | FAN_CLOSE_WRITE;

Error fanotifyInitError(int error) {
    switch (error) {
    case EPERM:
        return makeError(ErrorCode::PermissionDenied,
                         "file activity not collected: fanotify was refused (it needs "
                         "CAP_SYS_ADMIN in the initial user namespace)");
    case ENOSYS:
        return makeError(ErrorCode::Unavailable,
                         "file activity not collected: this kernel has no fanotify "
                         "(CONFIG_FANOTIFY)");
    case EINVAL:
        return makeError(ErrorCode::Unavailable,
                         "file activity not collected: this kernel's fanotify cannot report file "
                         "handles and names (Linux 5.17 or later is needed)");
    case EMFILE:
        return makeError(ErrorCode::Exhausted,
                         "file activity not collected: too many fanotify groups "
                         "(fs.fanotify.max_user_groups)");
    default:
        return makeError(ErrorCode::Io,
                         std::string("file activity not collected: fanotify_init: ") +
                             std::strerror(error));
    }
}

std::vector<std::string> normalizedRoots(const std::vector<std::filesystem::path>& paths,
                                         std::string& problem) {
    std::set<std::string> unique;
    for (const auto& path : paths) {
        if (!path.is_absolute()) {
            problem = "file activity: a watched path must be absolute: " + path.string();
            return {};
        }
        std::filesystem::path normal = path.lexically_normal();
        if (!normal.has_filename() && normal != normal.root_path())
            normal = normal.parent_path(); // "/etc/" → "/etc"
        if (normal != normal.root_path()) {
            // Symlinks in the directories above are resolved (/bin/ls is /usr/bin/ls on a
            // merged-/usr system); a root that is a symlink to a directory is followed. A
            // symlink to a file stays the link: retargeting it is what gets reported.
            std::error_code ec;
            const auto parent = std::filesystem::canonical(normal.parent_path(), ec);
            if (!ec)
                normal = parent / normal.filename();
            if (std::filesystem::is_symlink(normal, ec) &&
                std::filesystem::is_directory(normal, ec)) {
                const auto target = std::filesystem::canonical(normal, ec);
                if (!ec)
                    normal = target;
            }
        }
        std::string text = normal.string();
        while (text.size() > 1 && text.back() == '/')
            text.pop_back();
        unique.insert(text);
    }
    return {unique.begin(), unique.end()};
}

} // namespace

// ---- the monitor ----------------------------------------------------------------------------

class FileMonitor::Impl {
public:
    Impl()
        : m_integrity(m_handles, m_processes),
          m_heuristic(RansomwareHeuristic::Hooks{
              [this](const ObjectKey& object) { return sampleEntropy(object); },
              [this](const ObjectKey& dir, const std::string& name) {
                  return joinPath(m_handles.path(dir), name);
              },
              [this](pid_t pid) {
                  m_processes.lookup(pid, nowUnixMs());
              }}) {}
    ~Impl() { stop(); }

    Status start(const FileMonitorConfig& config) {
        if (running())
            return makeError(ErrorCode::Conflict, "file activity: the monitor is already running");
        if (::geteuid() != 0)
            return makeError(ErrorCode::PermissionDenied,
                             "file activity not collected: fanotify needs root (CAP_SYS_ADMIN)");
        constexpr unsigned int flags =
            FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME_TARGET;
        Fd integrity(
            ::fanotify_init(flags | FAN_UNLIMITED_MARKS, O_RDONLY | O_CLOEXEC | O_LARGEFILE));
        if (!integrity.valid())
            return fanotifyInitError(errno);
        Fd filesystems(::fanotify_init(flags, O_RDONLY | O_CLOEXEC | O_LARGEFILE));
        if (!filesystems.valid())
            return fanotifyInitError(errno);
        Fd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
        Fd mounts(::open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC));
        if (!wake.valid() || !mounts.valid())
            return makeError(ErrorCode::Io,
                             std::string("file activity not collected: ") + std::strerror(errno));
        m_fim = std::move(integrity);
        m_fs = std::move(filesystems);
        m_wake = std::move(wake);
        m_mountinfo = std::move(mounts);
        m_integrity.setGroup(m_fim.get());
        m_self = ::getpid();
        m_configured = false;
        m_markedDevices.clear();
        if (auto applied = apply(config); !applied.ok()) {
            closeGroups();
            return applied;
        }
        m_stop = false;
        m_thread = std::thread([this] { loop(); });
        return success();
    }

    void stop() {
        m_stop = true;
        if (m_wake.valid()) {
            const std::uint64_t one = 1;
            [[maybe_unused]] const auto written = ::write(m_wake.get(), &one, sizeof one);
        }
        if (m_thread.joinable())
            m_thread.join();
        {
            std::lock_guard lock(m_requestMutex);
            if (m_request) // asked for while the thread was stopping
                m_request->done.set_value(
                    makeError(ErrorCode::Unavailable, "file activity: the monitor stopped"));
            m_request.reset();
        }
        closeGroups();
    }

    Status reconfigure(const FileMonitorConfig& config) {
        std::lock_guard serial(m_reconfigureMutex);
        if (!running())
            return makeError(ErrorCode::Unavailable, "file activity: the monitor is not running");
        std::future<Status> done;
        {
            std::lock_guard lock(m_requestMutex);
            m_request = std::make_unique<Request>();
            m_request->config = config;
            done = m_request->done.get_future();
        }
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(m_wake.get(), &one, sizeof one);
        return done.get();
    }

    std::vector<FileActivity> drain(std::chrono::milliseconds wait) {
        std::unique_lock lock(m_mutex);
        if (wait.count() > 0)
            m_queued.wait_for(lock, wait, [this] { return !m_queue.empty(); });
        return std::exchange(m_queue, {});
    }

    bool running() const { return m_thread.joinable(); }

    FileMonitorStats stats() const {
        FileMonitorStats stats;
        stats.events = m_eventsRead;
        stats.overflows = m_overflows;
        stats.activities = m_activities;
        stats.findings = m_findings;
        stats.droppedActivities = m_dropped;
        stats.rounds = m_rounds;
        stats.watchedDirectories = m_watchedDirectories;
        stats.baselineFiles = m_baselineFiles;
        std::lock_guard lock(m_mutex);
        stats.filesystems = m_coveredFsids.size();
        return stats;
    }

    bool covers(const std::filesystem::path& path) const {
        struct statfs info {};
        if (::statfs(path.c_str(), &info) != 0)
            return false;
        const std::string fsid(reinterpret_cast<const char*>(&info.f_fsid), sizeof info.f_fsid);
        std::lock_guard lock(m_mutex);
        return m_coveredFsids.count(fsid) > 0;
    }

private:
    struct Request {
        FileMonitorConfig config;
        std::promise<Status> done;
    };

    void closeGroups() {
        m_integrity.setGroup(-1);
        m_fim.reset();
        m_fs.reset();
        m_wake.reset();
        m_mountinfo.reset();
        m_markedDevices.clear();
        std::lock_guard lock(m_mutex);
        m_coveredFsids.clear();
    }

    // Runs before the thread starts, then only on the thread.
    Status apply(const FileMonitorConfig& config) {
        std::string problem;
        const auto roots = normalizedRoots(config.watchedPaths, problem);
        if (!problem.empty())
            return makeError(ErrorCode::InvalidArgument, problem);
        m_heuristic.setThresholds(config.ransomware);
        m_integrity.setLimits(config);
        if (config.ransomwareHeuristic)
            markFilesystems();
        else if (!m_configured || m_config.ransomwareHeuristic)
            unmarkFilesystems();
        if (!m_configured || roots != m_roots) {
            m_integrity.setRoots(roots);
            m_roots = roots;
        }
        m_config = config;
        m_configured = true;
        m_watchedDirectories = m_integrity.directories();
        m_baselineFiles = m_integrity.files();
        return success();
    }

    void markFilesystems() {
        std::set<std::string> covered;
        std::set<std::string> present;
        for (const MountCandidate& mount : writableLocalMounts()) {
            present.insert(mount.device);
            if (!m_markedDevices.count(mount.device)) {
                if (::fanotify_mark(m_fs.get(), FAN_MARK_ADD | FAN_MARK_FILESYSTEM, kFilesystemMask,
                                    AT_FDCWD, mount.mountPoint.c_str()) != 0) {
                    if (m_failedDevices.insert(mount.device).second)
                        spdlog::info("file activity: no ransomware heuristic on {} ({}): {}",
                                     mount.mountPoint, mount.type, std::strerror(errno));
                    continue;
                }
                m_markedDevices.insert(mount.device);
                spdlog::debug("file activity: watching filesystem {} ({})", mount.mountPoint,
                              mount.type);
            }
            struct statfs info {};
            if (::statfs(mount.mountPoint.c_str(), &info) == 0) {
                const std::string fsid(reinterpret_cast<const char*>(&info.f_fsid),
                                       sizeof info.f_fsid);
                if (covered.insert(fsid).second)
                    m_handles.remember(fsid, mount.mountPoint, mount.root == "/");
            }
        }
        // Unmounted filesystems took their marks with them.
        for (auto it = m_markedDevices.begin(); it != m_markedDevices.end();)
            it = present.count(*it) ? std::next(it) : m_markedDevices.erase(it);
        std::lock_guard lock(m_mutex);
        m_coveredFsids = std::move(covered);
    }

    void unmarkFilesystems() {
        if (m_fs.valid())
            ::fanotify_mark(m_fs.get(), FAN_MARK_FLUSH | FAN_MARK_FILESYSTEM, 0, AT_FDCWD, nullptr);
        m_markedDevices.clear();
        std::lock_guard lock(m_mutex);
        m_coveredFsids.clear();
    }

    std::optional<double> sampleEntropy(const ObjectKey& object) {
        const Fd fd = reopenRegular(m_handles.open(object, O_PATH));
        if (!fd.valid())
            return std::nullopt;
        char buffer[4096];
        const ssize_t got = ::pread(fd.get(), buffer, sizeof buffer, 0);
        if (got <= 0)
            return std::nullopt;
        return shannonEntropy(std::string_view(buffer, static_cast<std::size_t>(got)));
    }

    void serviceRequest() {
        std::unique_ptr<Request> request;
        {
            std::lock_guard lock(m_requestMutex);
            request = std::move(m_request);
        }
        if (request)
            request->done.set_value(apply(request->config));
    }

    void loop() {
        std::vector<char> buffer(256 << 10);
        std::vector<RawEvent> events;
        std::vector<FileActivity> out;
        std::int64_t lastSweep = nowUnixMs();
        while (!m_stop) {
            std::array<pollfd, 4> fds{};
            fds[0] = {m_fs.get(), POLLIN, 0};
            fds[1] = {m_fim.get(), POLLIN, 0};
            fds[2] = {m_wake.get(), POLLIN, 0};
            fds[3] = {m_mountinfo.get(), POLLPRI, 0};
            if (::poll(fds.data(), fds.size(), 250) < 0 && errno != EINTR) {
                spdlog::error("file activity: poll: {}", std::strerror(errno));
                std::this_thread::sleep_for(std::chrono::seconds{1});
                continue;
            }
            if (fds[2].revents & POLLIN) {
                std::uint64_t value = 0;
                [[maybe_unused]] const auto got = ::read(m_wake.get(), &value, sizeof value);
                if (m_stop)
                    break;
                serviceRequest();
            }
            // The filesystem-wide group first, then the integrity group; only those with events
            // (a trickle of events wakes the loop for each one).
            if (fds[0].revents & POLLIN)
                readGroup(m_fs.get(), false, buffer, events, out);
            if (fds[1].revents & POLLIN)
                readGroup(m_fim.get(), true, buffer, events, out);
            const std::int64_t now = nowUnixMs();
            if (fds[3].revents & (POLLPRI | POLLERR)) {
                if (m_config.ransomwareHeuristic)
                    markFilesystems(); // a filesystem was mounted
            }
            if (m_integrity.needsReconcile())
                m_integrity.reconcile(now, out);
            if (now - lastSweep >= 250) {
                m_integrity.settle(now, out);
                m_heuristic.prune(now);
                m_processes.prune(now);
                lastSweep = now;
            }
            publish(out, now);
            m_watchedDirectories = m_integrity.directories();
            m_baselineFiles = m_integrity.files();
            ++m_rounds;
        }
    }

    void readGroup(int fd, bool integrity, std::vector<char>& buffer, std::vector<RawEvent>& events,
                   std::vector<FileActivity>& out) {
        // A bounded number of reads per round, so a storm on one group does not starve the
        // other or a reconfiguration.
        for (int reads = 0; reads < 64; ++reads) {
            const ssize_t got = ::read(fd, buffer.data(), buffer.size());
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0) {
                if (got < 0 && errno != EAGAIN)
                    spdlog::warn("file activity: read: {}", std::strerror(errno));
                return;
            }
            events.clear();
            parseEvents(buffer.data(), static_cast<std::size_t>(got), events);
            const std::int64_t now = nowUnixMs();
            for (const RawEvent& event : events)
                process(event, integrity, now, out);
            publish(out, now);
        }
    }

    void process(const RawEvent& event, bool integrity, std::int64_t now,
                 std::vector<FileActivity>& out) {
        ++m_eventsRead;
        if (event.mask & FAN_Q_OVERFLOW) {
            ++m_overflows;
            std::int64_t& lastLog = m_lastOverflowLog[integrity ? 1 : 0];
            if (now - lastLog > 10'000) {
                spdlog::warn("file activity: the kernel queue overflowed ({}); events were lost",
                             integrity ? "integrity monitoring, rescanning"
                                       : "ransomware heuristic");
                lastLog = now;
            }
            if (integrity)
                m_integrity.overflowed();
            return;
        }
        if (event.pid == m_self)
            return; // the agent's own work
        if (integrity) {
            m_integrity.handle(event, now, out);
            return;
        }
        if (event.mask & FAN_ONDIR)
            return;
        if (event.mask & FAN_RENAME) {
            if (event.hasOld && event.hasNew)
                m_heuristic.renamed(event.pid, event.oldDir, event.oldName, event.newDir,
                                    event.newName, event.object, now);
            return;
        }
        if (!event.hasDir)
            return;
        if (event.mask & FAN_CREATE)
            m_heuristic.created(event.pid, event.dir, event.name, event.object, now);
        if (event.mask & FAN_CLOSE_WRITE)
            m_heuristic.closedWrite(event.pid, event.dir, event.name, event.object, now);
        if (event.mask & FAN_DELETE)
            m_heuristic.deleted(event.pid, event.dir, event.name, event.object, now);
    }

    void publish(std::vector<FileActivity>& out, std::int64_t now) {
        auto findings = m_heuristic.takeFindings();
        if (out.empty() && findings.empty())
            return;
        std::vector<FileActivity> alerts;
        for (auto& [pid, finding] : findings) {
            FileActivity activity;
            activity.kind = FileActivityKind::Ransomware;
            activity.pid = pid;
            activity.timeUnixMs = now;
            const ProcessIdentity& identity = m_processes.lookup(pid, now);
            activity.image = identity.image;
            activity.commandLine = identity.commandLine;
            activity.user = identity.user;
            activity.uid = identity.uid;
            if (!finding.samplePaths.empty())
                activity.path = finding.samplePaths.front();
            spdlog::warn("file activity: ransomware-like activity by pid {} ({}): {} files "
                         "destroyed, {} high-entropy, {} renamed, {} notes",
                         pid, identity.image, finding.destroyedFiles, finding.highEntropyFiles,
                         finding.renamedFiles, finding.ransomNotes);
            activity.ransomware = std::move(finding);
            alerts.push_back(std::move(activity));
        }
        std::lock_guard lock(m_mutex);
        for (auto& alert : alerts) {
            m_queue.push_back(std::move(alert));
            ++m_findings;
        }
        for (auto& activity : out) {
            if (m_queue.size() >= m_config.maxQueuedActivities) {
                ++m_dropped;
                continue;
            }
            m_queue.push_back(std::move(activity));
            ++m_activities;
        }
        out.clear();
        if (!m_queue.empty())
            m_queued.notify_all();
    }

    HandleResolver m_handles;
    ProcessCache m_processes;
    IntegrityWatch m_integrity;
    RansomwareHeuristic m_heuristic;
    Fd m_fim;
    Fd m_fs;
    Fd m_wake;
    Fd m_mountinfo;
    pid_t m_self = 0;
    FileMonitorConfig m_config;
    bool m_configured = false;
    std::vector<std::string> m_roots;
    std::set<std::string> m_markedDevices;
    std::set<std::string> m_failedDevices;
    std::array<std::int64_t, 2> m_lastOverflowLog{}; // per group

    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<std::uint64_t> m_eventsRead{0};
    std::atomic<std::uint64_t> m_overflows{0};
    std::atomic<std::uint64_t> m_activities{0};
    std::atomic<std::uint64_t> m_findings{0};
    std::atomic<std::uint64_t> m_dropped{0};
    std::atomic<std::uint64_t> m_rounds{0};
    std::atomic<std::uint64_t> m_watchedDirectories{0};
    std::atomic<std::uint64_t> m_baselineFiles{0};

    mutable std::mutex m_mutex; // the queue and the covered filesystems
    std::vector<FileActivity> m_queue;
    std::condition_variable m_queued; // signalled when the queue gains something
    std::set<std::string> m_coveredFsids;

    std::mutex m_reconfigureMutex;
    std::mutex m_requestMutex;
    std::unique_ptr<Request> m_request;
};

FileMonitor::FileMonitor() : m_impl(std::make_unique<Impl>()) {}
FileMonitor::~FileMonitor() = default;

Status FileMonitor::start(const FileMonitorConfig& config) {
    return m_impl->start(config);
}

void FileMonitor::stop() {
    m_impl->stop();
}

Status FileMonitor::reconfigure(const FileMonitorConfig& config) {
    return m_impl->reconfigure(config);
}

std::vector<FileActivity> FileMonitor::drain(std::chrono::milliseconds wait) {
    return m_impl->drain(wait);
}

bool FileMonitor::running() const {
    return m_impl->running();
}

FileMonitorStats FileMonitor::stats() const {
    return m_impl->stats();
}

bool FileMonitor::coversFilesystemOf(const std::filesystem::path& path) const {
    return m_impl->covers(path);
}

} // namespace yagura::agent
