#pragma once

#include "collectors/AuthLogCollector.h"
#include "common/Result.h"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

// libsystemd's journal handle; only JournalAuthCollector.cpp includes <systemd/sd-journal.h>.
struct sd_journal;

namespace yagura::agent {

// Which journal files a JournalAuthCollector reads.
struct JournalSource {
    enum class Kind { System, Directory, Files };
    Kind kind = Kind::System;
    std::vector<std::filesystem::path> paths; // Directory: one directory; Files: the files

    // The local machine's journal: sd_journal_open(SD_JOURNAL_LOCAL_ONLY), runtime
    // (/run/log/journal) and persistent (/var/log/journal) files, rotations followed.
    static JournalSource system() { return {}; }
    // Every journal file in one directory (sd_journal_open_directory); files created there
    // later are picked up.
    static JournalSource directory(std::filesystem::path path);
    // Exactly these journal files (sd_journal_open_files); entries appended to them are seen.
    static JournalSource files(std::vector<std::filesystem::path> paths);

    // "the system journal", "journal directory /x", "journal file /x/y.journal"
    std::string describe() const;
};

// Authentication events from the systemd journal: the entries of sshd (and OpenSSH's
// sshd-session), sudo, su and login, parsed by the same parseAuthMessage as the auth log
// lines. Used where journald runs; AuthLogCollector reads /var/log/auth.log elsewhere.
//
// Reading is non-blocking: poll() takes what was appended since the last call. The reader
// remembers the cursor of the last entry it consumed, so restart() (or resumeAfter() on a new
// reader) continues exactly after it: nothing lost, nothing repeated. Not thread-safe: one
// thread owns a collector (libsystemd's rule for sd_journal).
class JournalAuthCollector {
public:
    explicit JournalAuthCollector(JournalSource source);
    ~JournalAuthCollector();
    JournalAuthCollector(JournalAuthCollector&&) noexcept;
    JournalAuthCollector& operator=(JournalAuthCollector&&) noexcept;
    JournalAuthCollector(const JournalAuthCollector&) = delete;
    JournalAuthCollector& operator=(const JournalAuthCollector&) = delete;

    // Whether journald runs on this host: its native socket (/run/systemd/journal/socket) is a
    // socket. Files in /var/log/journal alone are not enough: they may be left over from an
    // image or a stopped journald and would never grow. Where journald runs but stores nothing
    // (Storage=none) or the files are unreadable, startAtEnd() fails and the caller falls back
    // to the auth log.
    static bool
    systemJournalAvailable(const std::filesystem::path& socket = "/run/systemd/journal/socket");

    // Opens the journal and starts after its newest entry: history before the agent started is
    // not replayed. An empty journal is read from its first entry when one comes.
    Status startAtEnd();
    // Opens the journal and starts after the entry of `cursor` (from cursor() of this or an
    // earlier reader); if that entry was rotated away, at the first entry after where it was.
    Status resumeAfter(const std::string& cursor);
    // Closes and reopens the journal, continuing after the last entry consumed.
    Status restart();

    // The authentication facts of the entries appended since the last call, at most
    // kMaxEntriesPerPoll entries a call (the rest next time). After an error the next call
    // reopens the journal at the cursor.
    Result<std::vector<AuthEvent>> poll();
    // Waits up to `timeout` for the journal to change (sd_journal_wait); true when it did.
    // For callers with no other loop to wait in; poll() never blocks.
    Result<bool> waitForChange(std::chrono::milliseconds timeout);
    // The file descriptor to wait on in a caller's own poll(2)/epoll loop (sd_journal_get_fd,
    // with sd_journal_get_events / sd_journal_get_timeout semantics); -1 when not open.
    int waitFd() const;

    // The cursor of the last entry consumed (empty before the first one of an empty journal).
    const std::string& cursor() const { return m_cursor; }
    const JournalSource& source() const { return m_source; }

    static constexpr std::size_t kMaxEntriesPerPoll = 4096;

private:
    struct Closer {
        void operator()(sd_journal* journal) const;
    };

    Status open();
    Status positionAfter(const std::string& cursor);
    void close();
    std::string where() const;

    JournalSource m_source;
    std::unique_ptr<sd_journal, Closer> m_journal;
    std::string m_cursor;
    bool m_started = false; // startAtEnd or resumeAfter succeeded once
    bool m_pending = false; // the current entry is new and not consumed yet
    bool m_reopen = false;  // the last poll failed: reopen at the cursor first
};

} // namespace yagura::agent
