#include "collectors/JournalAuthCollector.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dlfcn.h>
#include <optional>
#include <sys/stat.h>
#include <systemd/sd-journal.h>

namespace yagura::agent {

namespace {
// libsystemd is loaded when a journal is first opened, not when the agent starts: on hosts
// without journald (where the agent reads auth.log) neither it nor its dependencies (libgcrypt,
// the compression libraries) take memory in the agent.
struct JournalLibrary {
    decltype(&::sd_journal_add_disjunction) add_disjunction = nullptr;
    decltype(&::sd_journal_add_match) add_match = nullptr;
    decltype(&::sd_journal_close) close = nullptr;
    decltype(&::sd_journal_get_cursor) get_cursor = nullptr;
    decltype(&::sd_journal_get_data) get_data = nullptr;
    decltype(&::sd_journal_get_fd) get_fd = nullptr;
    decltype(&::sd_journal_get_realtime_usec) get_realtime_usec = nullptr;
    decltype(&::sd_journal_has_persistent_files) has_persistent_files = nullptr;
    decltype(&::sd_journal_has_runtime_files) has_runtime_files = nullptr;
    decltype(&::sd_journal_next) next = nullptr;
    decltype(&::sd_journal_open) open = nullptr;
    decltype(&::sd_journal_open_directory) open_directory = nullptr;
    decltype(&::sd_journal_open_files) open_files = nullptr;
    decltype(&::sd_journal_previous) previous = nullptr;
    decltype(&::sd_journal_process) process = nullptr;
    decltype(&::sd_journal_seek_cursor) seek_cursor = nullptr;
    decltype(&::sd_journal_seek_head) seek_head = nullptr;
    decltype(&::sd_journal_seek_tail) seek_tail = nullptr;
    decltype(&::sd_journal_test_cursor) test_cursor = nullptr;
    decltype(&::sd_journal_wait) wait = nullptr;
};

JournalLibrary g_journalLibrary;

// Loads libsystemd once; thread-safe (a function-local static). Never unloaded.
Status loadJournalLibrary() {
    static const std::string failure = [] {
        void* handle = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
        if (!handle)
            return std::string("authentication events: cannot load libsystemd: ") + ::dlerror();
        JournalLibrary library;
        library.add_disjunction = reinterpret_cast<decltype(&::sd_journal_add_disjunction)>(
            ::dlsym(handle, "sd_journal_add_disjunction"));
        library.add_match = reinterpret_cast<decltype(&::sd_journal_add_match)>(
            ::dlsym(handle, "sd_journal_add_match"));
        library.close =
            reinterpret_cast<decltype(&::sd_journal_close)>(::dlsym(handle, "sd_journal_close"));
        library.get_cursor = reinterpret_cast<decltype(&::sd_journal_get_cursor)>(
            ::dlsym(handle, "sd_journal_get_cursor"));
        library.get_data = reinterpret_cast<decltype(&::sd_journal_get_data)>(
            ::dlsym(handle, "sd_journal_get_data"));
        library.get_fd =
            reinterpret_cast<decltype(&::sd_journal_get_fd)>(::dlsym(handle, "sd_journal_get_fd"));
        library.get_realtime_usec = reinterpret_cast<decltype(&::sd_journal_get_realtime_usec)>(
            ::dlsym(handle, "sd_journal_get_realtime_usec"));
        library.has_persistent_files =
            reinterpret_cast<decltype(&::sd_journal_has_persistent_files)>(
                ::dlsym(handle, "sd_journal_has_persistent_files"));
        library.has_runtime_files = reinterpret_cast<decltype(&::sd_journal_has_runtime_files)>(
            ::dlsym(handle, "sd_journal_has_runtime_files"));
        library.next =
            reinterpret_cast<decltype(&::sd_journal_next)>(::dlsym(handle, "sd_journal_next"));
        library.open =
            reinterpret_cast<decltype(&::sd_journal_open)>(::dlsym(handle, "sd_journal_open"));
        library.open_directory = reinterpret_cast<decltype(&::sd_journal_open_directory)>(
            ::dlsym(handle, "sd_journal_open_directory"));
        library.open_files = reinterpret_cast<decltype(&::sd_journal_open_files)>(
            ::dlsym(handle, "sd_journal_open_files"));
        library.previous = reinterpret_cast<decltype(&::sd_journal_previous)>(
            ::dlsym(handle, "sd_journal_previous"));
        library.process = reinterpret_cast<decltype(&::sd_journal_process)>(
            ::dlsym(handle, "sd_journal_process"));
        library.seek_cursor = reinterpret_cast<decltype(&::sd_journal_seek_cursor)>(
            ::dlsym(handle, "sd_journal_seek_cursor"));
        library.seek_head = reinterpret_cast<decltype(&::sd_journal_seek_head)>(
            ::dlsym(handle, "sd_journal_seek_head"));
        library.seek_tail = reinterpret_cast<decltype(&::sd_journal_seek_tail)>(
            ::dlsym(handle, "sd_journal_seek_tail"));
        library.test_cursor = reinterpret_cast<decltype(&::sd_journal_test_cursor)>(
            ::dlsym(handle, "sd_journal_test_cursor"));
        library.wait =
            reinterpret_cast<decltype(&::sd_journal_wait)>(::dlsym(handle, "sd_journal_wait"));
        if (!(library.add_disjunction && library.add_match && library.close && library.get_cursor &&
              library.get_data && library.get_fd && library.get_realtime_usec &&
              library.has_persistent_files && library.has_runtime_files && library.next &&
              library.open && library.open_directory && library.open_files && library.previous &&
              library.process && library.seek_cursor && library.seek_head && library.seek_tail &&
              library.test_cursor && library.wait))
            return std::string("authentication events: this libsystemd lacks sd_journal functions");
        g_journalLibrary = library;
        return std::string();
    }();
    if (!failure.empty())
        return makeError(ErrorCode::Unavailable, failure);
    return success();
}

// Only after loadJournalLibrary() succeeded (every journal is opened through open()).
const JournalLibrary& systemd() {
    return g_journalLibrary;
}

// SYSLOG_IDENTIFIER is what sshd, sudo, su and login log under (syslog(3) tags); _COMM, the
// process name journald reads from /proc, covers entries written without an identifier.
constexpr const char* kPrograms[] = {"sshd", "sshd-session", "sshd-auth", "sudo", "su", "login"};

Error journalError(ErrorCode code, const std::string& what, int negativeErrno) {
    return makeError(code, "authentication events: " + what + ": " +
                               std::strerror(negativeErrno < 0 ? -negativeErrno : negativeErrno));
}

// The value of one field of the current entry; empty when the entry has none.
std::string field(sd_journal* journal, const char* name) {
    const void* data = nullptr;
    std::size_t length = 0;
    if (systemd().get_data(journal, name, &data, &length) < 0)
        return {};
    // "NAME=value"
    const std::size_t prefix = std::strlen(name) + 1;
    if (length < prefix)
        return {};
    return std::string(static_cast<const char*>(data) + prefix, length - prefix);
}

// Journal fields are bytes; telemetry values are protobuf strings, which must be UTF-8. Invalid
// sequences become U+FFFD.
std::string validUtf8(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    const auto byte = [&text](std::size_t i) {
        return static_cast<unsigned char>(text[i]);
    };
    std::size_t i = 0;
    while (i < text.size()) {
        const unsigned char lead = byte(i);
        std::size_t length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (lead < 0x80)
            length = 1;
        else if (lead >= 0xC2 && lead <= 0xDF)
            length = 2;
        else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            low = lead == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
            high = lead == 0xED ? 0x9F : 0xBF; // no surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            low = lead == 0xF0 ? 0x90 : 0x80;
            high = lead == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
        }
        bool valid = length > 0 && i + length <= text.size();
        for (std::size_t k = 1; valid && k < length; ++k) {
            const unsigned char next = byte(i + k);
            valid = k == 1 ? (next >= low && next <= high) : (next >= 0x80 && next <= 0xBF);
        }
        if (valid) {
            out.append(text, i, length);
            i += length;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

// RFC 3339 local time with microseconds, as rsyslog writes it in auth.log on Debian 12.
std::string rfc3339(std::uint64_t realtimeUsec) {
    const auto seconds = static_cast<std::time_t>(realtimeUsec / 1000000);
    std::tm local{};
    if (::localtime_r(&seconds, &local) == nullptr)
        return "-";
    char date[32];
    char zone[8];
    if (std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &local) == 0 ||
        std::strftime(zone, sizeof zone, "%z", &local) != 5)
        return "-";
    char text[64];
    std::snprintf(text, sizeof text, "%s.%06u%.3s:%s", date,
                  static_cast<unsigned>(realtimeUsec % 1000000), zone, zone + 3);
    return text;
}

// The authentication fact of the current entry, with `line` in the form auth.log would have
// shown it ("<time> <host> <identifier>[<pid>]: <message>") for Sigma's keyword rules.
std::optional<AuthEvent> readEntry(sd_journal* journal) {
    std::string program = field(journal, "SYSLOG_IDENTIFIER");
    if (program.empty())
        program = field(journal, "_COMM");
    program = validUtf8(program);
    const std::string message = validUtf8(field(journal, "MESSAGE"));
    auto event = parseAuthMessage(program, message);
    if (!event)
        return std::nullopt;
    std::uint64_t realtime = 0;
    if (systemd().get_realtime_usec(journal, &realtime) < 0)
        realtime = 0;
    std::string host = validUtf8(field(journal, "_HOSTNAME"));
    std::string pid = field(journal, "_PID");
    if (pid.empty())
        pid = field(journal, "SYSLOG_PID");
    std::string line = rfc3339(realtime) + ' ' + (host.empty() ? "-" : host) + ' ' + program;
    if (!pid.empty())
        line += '[' + validUtf8(pid) + ']';
    line += ": " + message;
    event->line = std::move(line);
    return event;
}

Status addMatches(sd_journal* journal) {
    for (const char* name : {"SYSLOG_IDENTIFIER=", "_COMM="}) {
        for (const char* program : kPrograms) {
            const std::string match = std::string(name) + program;
            if (const int r = systemd().add_match(journal, match.c_str(), 0); r < 0)
                return journalError(ErrorCode::Internal, "cannot filter the journal", r);
        }
        // Matches on one field are alternatives; the disjunction makes the _COMM group an
        // alternative to the SYSLOG_IDENTIFIER group rather than a further condition.
        if (const int r = systemd().add_disjunction(journal); r < 0)
            return journalError(ErrorCode::Internal, "cannot filter the journal", r);
    }
    return success();
}

std::string takeCursor(char* cursor) {
    std::string text(cursor);
    std::free(cursor);
    return text;
}
} // namespace

JournalSource JournalSource::directory(std::filesystem::path path) {
    JournalSource source;
    source.kind = Kind::Directory;
    source.paths.push_back(std::move(path));
    return source;
}

JournalSource JournalSource::files(std::vector<std::filesystem::path> paths) {
    JournalSource source;
    source.kind = Kind::Files;
    source.paths = std::move(paths);
    return source;
}

std::string JournalSource::describe() const {
    switch (kind) {
    case Kind::System:
        return "the system journal";
    case Kind::Directory:
        return "journal directory " + (paths.empty() ? std::string("(none)") : paths[0].string());
    case Kind::Files: {
        std::string text = paths.size() == 1 ? "journal file" : "journal files";
        for (const auto& path : paths)
            text += ' ' + path.string();
        return text;
    }
    }
    return "a journal";
}

void JournalAuthCollector::Closer::operator()(sd_journal* journal) const {
    systemd().close(journal);
}

JournalAuthCollector::JournalAuthCollector(JournalSource source) : m_source(std::move(source)) {}
JournalAuthCollector::~JournalAuthCollector() = default;
JournalAuthCollector::JournalAuthCollector(JournalAuthCollector&&) noexcept = default;
JournalAuthCollector& JournalAuthCollector::operator=(JournalAuthCollector&&) noexcept = default;

bool JournalAuthCollector::systemJournalAvailable(const std::filesystem::path& socket) {
    struct stat info {};
    return ::stat(socket.c_str(), &info) == 0 && S_ISSOCK(info.st_mode);
}

std::string JournalAuthCollector::where() const {
    return m_source.describe();
}

void JournalAuthCollector::close() {
    m_journal.reset();
    m_pending = false;
}

Status JournalAuthCollector::open() {
    close();
    YAGURA_TRY(loadJournalLibrary());
    sd_journal* raw = nullptr;
    int r = 0;
    switch (m_source.kind) {
    case JournalSource::Kind::System:
        r = systemd().open(&raw, SD_JOURNAL_LOCAL_ONLY);
        break;
    case JournalSource::Kind::Directory:
        if (m_source.paths.size() != 1)
            return makeError(ErrorCode::InvalidArgument,
                             "authentication events: a journal directory source needs one path");
        r = systemd().open_directory(&raw, m_source.paths[0].c_str(), 0);
        break;
    case JournalSource::Kind::Files: {
        if (m_source.paths.empty())
            return makeError(ErrorCode::InvalidArgument,
                             "authentication events: a journal files source needs a file");
        std::vector<const char*> names;
        for (const auto& path : m_source.paths)
            names.push_back(path.c_str());
        names.push_back(nullptr);
        r = systemd().open_files(&raw, names.data(), 0);
        break;
    }
    }
    if (r < 0)
        return journalError(r == -ENOENT ? ErrorCode::NotFound : ErrorCode::Io,
                            "cannot open " + where(), r);
    m_journal.reset(raw);
    // Sets up the inotify watches now, so that nothing written before the first poll is missed
    // (and rotated files are followed).
    if (r = systemd().get_fd(raw); r < 0) {
        close();
        return journalError(ErrorCode::Io, "cannot watch " + where(), r);
    }
    if (m_source.kind == JournalSource::Kind::System && systemd().has_runtime_files(raw) <= 0 &&
        systemd().has_persistent_files(raw) <= 0) {
        close();
        return makeError(ErrorCode::NotFound,
                         "authentication events: no readable files in the system journal "
                         "(journald with Storage=none, or not root)");
    }
    return success();
}

Status JournalAuthCollector::positionAfter(const std::string& cursor) {
    sd_journal* journal = m_journal.get();
    m_pending = false;
    m_cursor = cursor;
    if (cursor.empty()) {
        // The journal had no entries: every entry that comes is new.
        if (const int r = systemd().seek_head(journal); r < 0)
            return journalError(ErrorCode::Io, "cannot seek in " + where(), r);
        return success();
    }
    if (const int r = systemd().seek_cursor(journal, cursor.c_str()); r < 0)
        return journalError(r == -EINVAL ? ErrorCode::InvalidArgument : ErrorCode::Io,
                            "cannot seek to the cursor in " + where(), r);
    // The next entry is the cursor's own when it is still there and matches (consumed
    // already); otherwise the first entry after where it was, which is new.
    const int next = systemd().next(journal);
    if (next < 0)
        return journalError(ErrorCode::Io, "cannot read " + where(), next);
    if (next == 0)
        return success(); // nothing after it yet; later entries come with poll()
    const int same = systemd().test_cursor(journal, cursor.c_str());
    if (same < 0)
        return journalError(ErrorCode::Io, "cannot read " + where(), same);
    m_pending = same == 0;
    return success();
}

Status JournalAuthCollector::startAtEnd() {
    m_started = false;
    m_reopen = false;
    YAGURA_TRY(open());
    sd_journal* journal = m_journal.get();
    // The newest entry of any program, found before the filter is set, so that the reader has
    // a cursor to restart from even when no authentication entry was ever written. An empty
    // journal leaves the cursor empty: everything that comes is new.
    std::string last;
    int r = systemd().seek_tail(journal);
    if (r >= 0)
        r = systemd().previous(journal);
    if (r > 0) {
        char* cursor = nullptr;
        r = systemd().get_cursor(journal, &cursor);
        if (r >= 0)
            last = takeCursor(cursor);
    }
    if (r < 0) {
        close();
        return journalError(ErrorCode::Io, "cannot read " + where(), r);
    }
    if (auto filtered = addMatches(journal); !filtered.ok()) {
        close();
        return filtered;
    }
    if (auto positioned = positionAfter(last); !positioned.ok()) {
        close();
        return positioned;
    }
    m_started = true;
    return success();
}

Status JournalAuthCollector::resumeAfter(const std::string& cursor) {
    m_started = false;
    m_reopen = false;
    YAGURA_TRY(open());
    if (auto filtered = addMatches(m_journal.get()); !filtered.ok()) {
        close();
        return filtered;
    }
    if (auto positioned = positionAfter(cursor); !positioned.ok()) {
        close();
        return positioned;
    }
    m_started = true;
    return success();
}

Status JournalAuthCollector::restart() {
    if (!m_started)
        return startAtEnd();
    const std::string cursor = m_cursor;
    if (auto resumed = resumeAfter(cursor); !resumed.ok()) {
        // Keep the position for the next attempt.
        m_cursor = cursor;
        m_started = true;
        m_reopen = true;
        return resumed;
    }
    return success();
}

Result<std::vector<AuthEvent>> JournalAuthCollector::poll() {
    if (!m_started)
        return makeError(ErrorCode::InvalidArgument,
                         "authentication events: the journal reader was not started");
    if (m_reopen || !m_journal)
        YAGURA_TRY(restart());
    sd_journal* journal = m_journal.get();
    std::vector<AuthEvent> events;
    // Takes inotify's news (appends, new and rotated files); iteration sees them afterwards.
    if (const int r = systemd().process(journal); r < 0) {
        m_reopen = true;
        return journalError(ErrorCode::Io, "cannot follow " + where(), r);
    }
    for (std::size_t consumed = 0; consumed < kMaxEntriesPerPoll; ++consumed) {
        if (m_pending) {
            m_pending = false; // positionAfter stopped on a new entry
        } else {
            const int r = systemd().next(journal);
            if (r == 0)
                break;
            if (r < 0) {
                m_reopen = true;
                if (events.empty())
                    return journalError(ErrorCode::Io, "cannot read " + where(), r);
                break; // what was read is delivered; the next poll reopens at the cursor
            }
        }
        char* cursor = nullptr;
        if (const int r = systemd().get_cursor(journal, &cursor); r < 0) {
            m_reopen = true;
            if (events.empty())
                return journalError(ErrorCode::Io, "cannot read " + where(), r);
            break;
        }
        m_cursor = takeCursor(cursor);
        if (auto event = readEntry(journal))
            events.push_back(std::move(*event));
    }
    return events;
}

Result<bool> JournalAuthCollector::waitForChange(std::chrono::milliseconds timeout) {
    if (!m_journal)
        return makeError(ErrorCode::InvalidArgument,
                         "authentication events: the journal reader is not open");
    const auto usec = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(timeout).count());
    const int r = systemd().wait(m_journal.get(), usec);
    if (r < 0)
        return journalError(ErrorCode::Io, "cannot wait for " + where(), r);
    return r != SD_JOURNAL_NOP;
}

int JournalAuthCollector::waitFd() const {
    return m_journal ? systemd().get_fd(m_journal.get()) : -1;
}

} // namespace yagura::agent
