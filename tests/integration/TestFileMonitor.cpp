// The file activity collector on the real kernel (fanotify; root only, as the agent runs):
// integrity events for watched paths, with the SHA-256 of the content before and after, and the
// ransomware heuristic against a simulated attack and against ordinary bulk copies. The monitor
// ignores its own process (the agent's), so every file operation under test is done by a child
// process: the shell, chmod, chown, mv, rm, cp and the simulator.

#include "collectors/FileMonitor.h"
#include "collectors/FileTelemetry.h"

#include "common/Text.h"
#include "crypto/Hash.h"

#include <QtTest>

#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

using namespace yagura;
using namespace yagura::agent;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

// Starts a program; `in` and `out` (when not -1) become its stdin and stdout.
pid_t spawn(const std::vector<std::string>& arguments, int in = -1, int out = -1) {
    std::vector<char*> argv;
    for (const auto& argument : arguments)
        argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (in >= 0)
        posix_spawn_file_actions_adddup2(&actions, in, STDIN_FILENO);
    if (out >= 0)
        posix_spawn_file_actions_adddup2(&actions, out, STDOUT_FILENO);
    pid_t pid = 0;
    const int failed =
        ::posix_spawn(&pid, arguments.front().c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return failed ? -1 : pid;
}

int exitStatus(pid_t pid) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs a program to its end; returns its pid, or -1 when it failed.
pid_t run(const std::vector<std::string>& arguments) {
    const pid_t pid = spawn(arguments);
    if (pid <= 0 || exitStatus(pid) != 0)
        return -1;
    return pid;
}

// A shell that runs `script` and then waits for its stdin to close: it is still alive when its
// event is handled, so the monitor can read its image and command line from /proc.
struct HeldShell {
    pid_t pid = -1;
    int input = -1;

    explicit HeldShell(const std::string& script) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0)
            return;
        pid = spawn({"/bin/sh", "-c", script + "; read line; exit 0"}, fds[0]);
        ::close(fds[0]);
        input = fds[1];
    }
    ~HeldShell() { finish(); }
    HeldShell(const HeldShell&) = delete;
    HeldShell& operator=(const HeldShell&) = delete;
    int finish() {
        if (input >= 0)
            ::close(std::exchange(input, -1));
        return pid > 0 ? exitStatus(std::exchange(pid, -1)) : -1;
    }
};

std::string sha256Hex(const std::string& data) {
    return text::toHex(crypto::sha256(data));
}

void writeFile(const std::string& path, const std::string& content) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << content;
}

std::string randomBytes(std::size_t size) {
    std::string bytes(size, '\0');
    std::size_t filled = 0;
    while (filled < size) {
        const ssize_t got = ::getrandom(bytes.data() + filled, size - filled, 0);
        if (got <= 0)
            return {};
        filled += static_cast<std::size_t>(got);
    }
    return bytes;
}

// Text, about 4.5 bits per byte: what documents look like before they are encrypted.
std::string lowEntropyText(std::size_t size, int seed) {
    std::string text;
    while (text.size() < size)
        text += "Line " + std::to_string(seed) + " of the quarterly report: nothing unusual.\n";
    text.resize(size);
    return text;
}

std::string field(const proto::TelemetryEvent& event, const std::string& name) {
    for (const auto& item : event.fields())
        if (item.name() == name)
            return item.value();
    return {};
}

std::string canonical(const std::string& path) {
    std::error_code ec;
    return std::filesystem::canonical(path, ec).string();
}

std::int64_t userAndSystemMs() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto ms = [](const timeval& time) {
        return static_cast<std::int64_t>(time.tv_sec) * 1000 + time.tv_usec / 1000;
    };
    return ms(usage.ru_utime) + ms(usage.ru_stime);
}

} // namespace

class TestFileMonitor : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FileMonitor m_monitor;
    std::vector<FileActivity> m_seen; // everything drained so far

    // Paths as the monitor reports them: with the symlinks above the test directory resolved.
    std::string path(const std::string& relative) const {
        return canonical(m_dir.path().toStdString()) + "/" + relative;
    }

    // Drains the monitor until an activity matches or the deadline passes.
    template <typename Match>
    std::optional<FileActivity> waitFor(Match match, std::chrono::milliseconds timeout = 10s) {
        const auto deadline = SteadyClock::now() + timeout;
        std::size_t checked = 0;
        for (;;) {
            for (; checked < m_seen.size(); ++checked)
                if (match(m_seen[checked]))
                    return m_seen[checked];
            if (SteadyClock::now() >= deadline)
                return std::nullopt;
            // Waits on the monitor's queue, bounded by the deadline: no polling cadence.
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - SteadyClock::now());
            auto batch = m_monitor.drain(std::max(left, std::chrono::milliseconds{1}));
            for (auto& activity : batch)
                m_seen.push_back(std::move(activity));
        }
    }

    std::optional<FileActivity> waitForKind(FileActivityKind kind, const std::string& at) {
        return waitFor([&](const FileActivity& a) { return a.kind == kind && a.path == at; });
    }

    // `count` files of 16 KiB, random or text, written by this process (which the monitor
    // ignores, as it ignores the agent).
    void makeFiles(const std::string& directory, int count, bool random) {
        std::filesystem::create_directories(directory);
        for (int i = 0; i < count; ++i)
            writeFile(directory + "/document-" + std::to_string(1000 + i) + ".txt",
                      random ? randomBytes(16384) : lowEntropyText(16384, i));
    }

    // Runs the simulator on `directory`; returns its pid, the time it said "done" and the time
    // its finding was drained.
    struct SimulatorRun {
        pid_t pid = -1;
        int exitStatus = -1;
        std::optional<SteadyClock::time_point> done;
        std::optional<SteadyClock::time_point> found;
        std::optional<FileActivity> finding;
    };
    SimulatorRun runSimulator(const std::string& directory) {
        SimulatorRun result;
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0)
            return result;
        result.pid = spawn({YAGURA_RANSOMWARE_SIMULATOR_BIN, directory}, -1, fds[1]);
        ::close(fds[1]);
        std::string output;
        const pid_t pid = result.pid;
        const auto isFinding = [pid](const FileActivity& a) {
            return a.kind == FileActivityKind::Ransomware && a.pid == pid;
        };
        const auto deadline = SteadyClock::now() + 30s;
        while (SteadyClock::now() < deadline && pid > 0) {
            pollfd reader{fds[0], POLLIN, 0};
            if (!result.done && ::poll(&reader, 1, 5) > 0) {
                char buffer[256];
                const ssize_t got = ::read(fds[0], buffer, sizeof buffer);
                if (got > 0)
                    output.append(buffer, static_cast<std::size_t>(got));
                if (output.find("done") != std::string::npos)
                    result.done = SteadyClock::now();
                if (got == 0 && !result.done)
                    break; // ended without saying done
            }
            // Once the simulator is done only the monitor can bring news: wait on its queue.
            const auto wait = result.done ? std::chrono::milliseconds{100} : 0ms;
            for (auto& activity : m_monitor.drain(wait)) {
                if (!result.finding && isFinding(activity)) {
                    result.found = SteadyClock::now();
                    result.finding = activity;
                }
                m_seen.push_back(std::move(activity));
            }
            if (result.done && result.found)
                break;
            if (result.done && SteadyClock::now() - *result.done > 5s)
                break; // late or missing: the test reports how late
        }
        ::close(fds[0]);
        if (pid > 0)
            result.exitStatus = exitStatus(pid);
        return result;
    }

private slots:
    void initTestCase() {
        if (::geteuid() != 0)
            QSKIP("fanotify needs root (CAP_SYS_ADMIN); CI runs this test as root");
        QVERIFY(m_dir.isValid());
        std::filesystem::create_directories(path("watched/sub"));
        std::filesystem::create_directories(path("unwatched"));
        std::filesystem::create_directories(path("single"));
        for (const char* name : {"a", "b", "c", "d", "e"})
            writeFile(path("watched/") + name + ".txt", std::string("original ") + name + "\n");
        writeFile(path("single/watched.conf"), "setting = 1\n");
        writeFile(path("single/sibling.conf"), "other = 2\n");
        for (const auto& entry :
             std::filesystem::recursive_directory_iterator(m_dir.path().toStdString()))
            if (entry.is_regular_file())
                std::filesystem::permissions(entry.path(), std::filesystem::perms(0644));

        FileMonitorConfig config;
        config.watchedPaths = {path("watched"), path("single/watched.conf")};
        config.ransomwareHeuristic = true;
        const auto started = m_monitor.start(config);
        QVERIFY2(started.ok(), started.ok() ? "" : started.error().message.c_str());
        const FileMonitorStats stats = m_monitor.stats();
        QVERIFY(stats.watchedDirectories >= 3); // watched, watched/sub, single (and the parent)
        QVERIFY(stats.baselineFiles >= 7);
        QVERIFY2(m_monitor.coversFilesystemOf(path("")),
                 "the filesystem of the test directory has no filesystem-wide mark");
    }

    void cleanupTestCase() { m_monitor.stop(); }

    void modifyReportsHashesBeforeAndAfter() {
        const std::string file = path("watched/a.txt");
        HeldShell shell("printf 'new content' > " + file);
        QVERIFY(shell.pid > 0);
        const auto modified = waitForKind(FileActivityKind::Modified, file);
        const pid_t pid = shell.pid;
        QCOMPARE(shell.finish(), 0);
        QVERIFY2(modified, "no modify event");
        QCOMPARE(modified->sha256Before, sha256Hex("original a\n"));
        QCOMPARE(modified->sha256After, sha256Hex("new content"));
        QCOMPARE(modified->pid, pid);
        QCOMPARE(modified->image, canonical("/bin/sh"));
        QVERIFY(modified->commandLine.find("new content") != std::string::npos);
        QCOMPARE(modified->user, std::string("root"));
        QCOMPARE(modified->mode, 0644u);

        const auto event = fileTelemetry(*modified);
        QCOMPARE(event.category(), std::string("file_event"));
        QCOMPARE(event.rank(), proto::RANK_SECURITY);
        QCOMPARE(field(event, "TargetFilename"), file);
        QCOMPARE(field(event, "Action"), std::string("modified"));
        QCOMPARE(field(event, "Sha256Before"), sha256Hex("original a\n"));
        QCOMPARE(field(event, "Sha256After"), sha256Hex("new content"));
        QCOMPARE(field(event, "ProcessId"), std::to_string(pid));
        QCOMPARE(field(event, "Image"), canonical("/bin/sh"));
        QCOMPARE(field(event, "User"), std::string("root"));
    }

    void chmodReportsNewMode() {
        const std::string file = path("watched/b.txt");
        const pid_t pid = run({"/bin/chmod", "0600", file});
        QVERIFY(pid > 0);
        const auto changed = waitForKind(FileActivityKind::PermissionsChanged, file);
        QVERIFY2(changed, "no permissions event");
        QCOMPARE(changed->mode, 0600u);
        QCOMPARE(changed->previousMode, 0644u);
        QCOMPARE(changed->pid, pid);
        // chmod may have exited before /proc was read; if it was read, it is chmod.
        QVERIFY(changed->image.empty() || changed->image == canonical("/bin/chmod"));
        // The content did not change: both hashes are the baseline's.
        QCOMPARE(changed->sha256Before, sha256Hex("original b\n"));
        QCOMPARE(changed->sha256After, sha256Hex("original b\n"));
        const auto event = fileTelemetry(*changed);
        QCOMPARE(field(event, "Action"), std::string("permissions"));
        QCOMPARE(field(event, "Mode"), std::string("0600"));
        QCOMPARE(field(event, "PreviousMode"), std::string("0644"));
    }

    void chownReportsNewOwner() {
        const std::string file = path("watched/c.txt");
        const pid_t pid = run({"/bin/chown", "1234:4321", file});
        QVERIFY(pid > 0);
        const auto changed = waitForKind(FileActivityKind::OwnerChanged, file);
        QVERIFY2(changed, "no owner event");
        QCOMPARE(changed->ownerUid, 1234u);
        QCOMPARE(changed->ownerGid, 4321u);
        QCOMPARE(changed->previousOwnerUid, 0u);
        QCOMPARE(changed->previousOwnerGid, 0u);
        QCOMPARE(changed->pid, pid);
        QVERIFY(changed->image.empty() || changed->image == canonical("/bin/chown"));
        const auto event = fileTelemetry(*changed);
        QCOMPARE(field(event, "Action"), std::string("owner"));
        QCOMPARE(field(event, "OwnerUid"), std::string("1234"));
        QCOMPARE(field(event, "OwnerGid"), std::string("4321"));
    }

    void renameReportsOldAndNewPath() {
        const std::string from = path("watched/d.txt");
        const std::string to = path("watched/sub/d-renamed.txt");
        const pid_t pid = run({"/bin/mv", from, to});
        QVERIFY(pid > 0);
        const auto renamed = waitForKind(FileActivityKind::Renamed, to);
        QVERIFY2(renamed, "no rename event");
        QCOMPARE(renamed->oldPath, from);
        QCOMPARE(renamed->sha256Before, sha256Hex("original d\n"));
        QCOMPARE(renamed->sha256After, sha256Hex("original d\n"));
        QCOMPARE(renamed->pid, pid);
        const auto event = fileTelemetry(*renamed);
        QCOMPARE(event.category(), std::string("file_rename"));
        QCOMPARE(field(event, "Action"), std::string("renamed"));
        QCOMPARE(field(event, "OldFilename"), from);
        QCOMPARE(field(event, "SourceFilename"), from);
        QCOMPARE(field(event, "TargetFilename"), to);
    }

    void deleteReportsLastHash() {
        const std::string file = path("watched/e.txt");
        const pid_t pid = run({"/bin/rm", file});
        QVERIFY(pid > 0);
        const auto deleted = waitForKind(FileActivityKind::Deleted, file);
        QVERIFY2(deleted, "no delete event");
        QCOMPARE(deleted->sha256Before, sha256Hex("original e\n"));
        QVERIFY(deleted->sha256After.empty());
        QCOMPARE(deleted->pid, pid);
        const auto event = fileTelemetry(*deleted);
        QCOMPARE(event.category(), std::string("file_delete"));
        QCOMPARE(field(event, "Action"), std::string("deleted"));
        QCOMPARE(field(event, "Hashes"), "SHA256=" + sha256Hex("original e\n"));
    }

    void createReportsHashOfWrittenContent() {
        const std::string file = path("watched/new.txt");
        HeldShell shell("printf hello > " + file);
        QVERIFY(shell.pid > 0);
        const auto created = waitForKind(FileActivityKind::Created, file);
        const pid_t pid = shell.pid;
        QCOMPARE(shell.finish(), 0);
        QVERIFY2(created, "no create event");
        QVERIFY(created->sha256Before.empty());
        QCOMPARE(created->sha256After, sha256Hex("hello"));
        QCOMPARE(created->pid, pid);
        QCOMPARE(created->image, canonical("/bin/sh"));
        QVERIFY(!created->isDirectory);
        // Reported once: as created, not also as modified by the same write.
        QVERIFY(!waitFor(
            [&](const FileActivity& a) {
                return a.path == file && a.kind == FileActivityKind::Modified;
            },
            0ms));
        QCOMPARE(field(fileTelemetry(*created), "Action"), std::string("created"));
    }

    void newSubdirectoryIsWatched() {
        // Created at once, inside a directory that did not exist a moment before: the monitor
        // marks the new directories as they appear and scans what it missed.
        const std::string top = path("watched/n1");
        const std::string file = path("watched/n1/n2/f.txt");
        QVERIFY(run({"/bin/sh", "-c", "mkdir -p " + top + "/n2 && printf deep > " + file}) > 0);
        const auto directory = waitFor([&](const FileActivity& a) {
            return a.kind == FileActivityKind::Created && a.path == top && a.isDirectory;
        });
        QVERIFY2(directory, "no create event for the new directory");
        const auto created = waitForKind(FileActivityKind::Created, file);
        QVERIFY2(created, "no create event for the file in the new directory");
        // Its content: in the create event, or (if the scan read it half-written) in a modify.
        const auto content = waitFor([&](const FileActivity& a) {
            return a.path == file && a.sha256After == sha256Hex("deep") &&
                   (a.kind == FileActivityKind::Created || a.kind == FileActivityKind::Modified);
        });
        QVERIFY2(content, "the hash of the file in the new directory was never reported");

        // Changes inside the new directory are seen as events: it is marked.
        const pid_t pid = run({"/bin/sh", "-c", "printf more > " + file});
        QVERIFY(pid > 0);
        const auto modified = waitFor([&](const FileActivity& a) {
            return a.kind == FileActivityKind::Modified && a.path == file &&
                   a.sha256After == sha256Hex("more");
        });
        QVERIFY2(modified, "no modify event in the new subdirectory");
        QCOMPARE(modified->sha256Before, sha256Hex("deep"));
        QCOMPARE(modified->pid, pid);
    }

    void unwatchedPathsProduceNoEvents() {
        // A watched single file; its sibling in the same (marked) directory and a directory
        // nobody watches are written too.
        const std::string watched = path("single/watched.conf");
        QVERIFY(run({"/bin/sh", "-c",
                     "printf 'other = 3' > " + path("single/sibling.conf") + " && printf x > " +
                         path("unwatched/x.txt") + " && printf 'setting = 2' > " + watched}) > 0);
        const auto modified = waitForKind(FileActivityKind::Modified, watched);
        QVERIFY2(modified, "no modify event for the watched single file");
        QCOMPARE(modified->sha256Before, sha256Hex("setting = 1\n"));
        QCOMPARE(modified->sha256After, sha256Hex("setting = 2"));
        // A last watched change, after the unwatched ones: the kernel queues in order, so once
        // it is here everything before it has been handled.
        const std::string barrier = path("watched/barrier.txt");
        QVERIFY(run({"/bin/sh", "-c",
                     "printf y > " + path("unwatched/y.txt") + " && printf b > " + barrier}) > 0);
        QVERIFY(waitForKind(FileActivityKind::Created, barrier));
        for (const FileActivity& activity : m_seen) {
            if (activity.kind == FileActivityKind::Ransomware)
                continue;
            QVERIFY2(activity.path.find("/unwatched/") == std::string::npos, activity.path.c_str());
            QVERIFY2(activity.path != path("single/sibling.conf"), activity.path.c_str());
        }
    }

    void reconfigureWatchesNewPaths() {
        FileMonitorConfig config;
        config.watchedPaths = {path("watched"), path("single/watched.conf"), path("unwatched")};
        const auto applied = m_monitor.reconfigure(config);
        QVERIFY2(applied.ok(), applied.ok() ? "" : applied.error().message.c_str());
        const std::string added = path("unwatched/z.txt");
        QVERIFY(run({"/bin/sh", "-c", "printf zz > " + added}) > 0);
        const auto created = waitForKind(FileActivityKind::Created, added);
        QVERIFY2(created, "no create event in a directory watched since the reconfiguration");
        QCOMPARE(created->sha256After, sha256Hex("zz"));
        // The paths watched before keep their baseline across the new configuration.
        const std::string kept = path("watched/a.txt");
        QVERIFY(run({"/bin/sh", "-c", "printf third > " + kept}) > 0);
        const auto modified = waitFor([&](const FileActivity& a) {
            return a.kind == FileActivityKind::Modified && a.path == kept &&
                   a.sha256After == sha256Hex("third");
        });
        QVERIFY2(modified, "no modify event for a path watched before the reconfiguration");
        QCOMPARE(modified->sha256Before, sha256Hex("new content"));
        // Refused as a whole, and the running configuration stays.
        config.watchedPaths = {"relative/path"};
        QVERIFY(!m_monitor.reconfigure(config).ok());
    }

    void bulkCopyIsNotReported() {
        // 300 files of random content (what compressed or encrypted data looks like), copied
        // to a new tree, then copied again over the copy (rewriting every file in place).
        const std::string source = path("copy-source");
        const std::string target = path("copy-target");
        makeFiles(source, 300, true);
        const FileMonitorStats before = m_monitor.stats();
        const std::int64_t cpuBefore = userAndSystemMs();
        const auto started = SteadyClock::now();
        const pid_t copy = run({"/bin/cp", "-r", source, target});
        QVERIFY(copy > 0);
        const pid_t overwrite = run({"/bin/cp", "-r", source + "/.", target + "/"});
        QVERIFY(overwrite > 0);
        const auto copied = SteadyClock::now() - started;

        // The barrier: an attack after the copies. Its finding means every event of the copies
        // (queued before it on the same fanotify queue) has been handled.
        const std::string victim = path("barrier-victim");
        makeFiles(victim, 60, false);
        const SimulatorRun barrier = runSimulator(victim);
        QCOMPARE(barrier.exitStatus, 0);
        QVERIFY2(barrier.finding, "the barrier attack after the copies was not reported");
        const std::int64_t cpuMs = userAndSystemMs() - cpuBefore;
        const FileMonitorStats after = m_monitor.stats();
        qInfo("two copies of 300 x 16 KiB random files took %lld ms; monitor: %llu events; CPU "
              "of this process meanwhile (the monitor thread, and writing the barrier's files): "
              "%lld ms",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(copied).count()),
              static_cast<unsigned long long>(after.events - before.events),
              static_cast<long long>(cpuMs));
        for (const FileActivity& activity : m_seen) {
            if (activity.kind != FileActivityKind::Ransomware)
                continue;
            QVERIFY2(activity.pid != copy && activity.pid != overwrite,
                     ("a bulk copy was reported as ransomware: " + activity.commandLine).c_str());
            QVERIFY2(activity.image != canonical("/bin/cp"), activity.commandLine.c_str());
        }
        QCOMPARE(after.overflows, before.overflows);
    }

    void ransomwareSimulatorIsReportedWithinTwoSeconds() {
        const std::string victim = path("victim");
        makeFiles(victim, 300, false);
        const SimulatorRun attack = runSimulator(victim);
        QVERIFY(attack.pid > 0);
        QCOMPARE(attack.exitStatus, 0);
        QVERIFY2(attack.done, "the simulator did not finish");
        QVERIFY2(attack.finding, "the simulated attack was not reported within 5 s of its end");
        const auto latency =
            std::chrono::duration_cast<std::chrono::milliseconds>(*attack.found - *attack.done);
        qInfo("finding drained %lld ms after the simulator's last rename (negative: before it)",
              static_cast<long long>(latency.count()));
        QVERIFY2(latency <= 2000ms, "the finding came more than 2 s after the attack ended");

        const FileActivity& finding = *attack.finding;
        QCOMPARE(finding.pid, attack.pid);
        QCOMPARE(finding.image, canonical(YAGURA_RANSOMWARE_SIMULATOR_BIN));
        QVERIFY(finding.commandLine.find(victim) != std::string::npos);
        QCOMPARE(finding.user, std::string("root"));
        QVERIFY(finding.ransomware);
        const RansomwareFinding& details = *finding.ransomware;
        QCOMPARE(details.trigger, std::string("encrypted-and-renamed"));
        QVERIFY(details.destroyedFiles >= 20);
        QVERIFY(details.highEntropyFiles >= 10);
        QVERIFY(details.renamedFiles >= 10);
        QVERIFY(details.maxEntropy > 7.5);
        QVERIFY(!details.samplePaths.empty() && details.samplePaths.size() <= 5);
        for (const auto& sample : details.samplePaths)
            QVERIFY2(sample.rfind(victim + "/document-", 0) == 0, sample.c_str());

        // One finding per attack: the process stays quiet for the cooldown.
        const auto count = std::count_if(m_seen.begin(), m_seen.end(), [&](const FileActivity& a) {
            return a.kind == FileActivityKind::Ransomware && a.pid == attack.pid;
        });
        QCOMPARE(count, 1);

        const auto alert = fileTelemetry(finding);
        QCOMPARE(alert.category(), std::string("alert"));
        QCOMPARE(alert.rank(), proto::RANK_ALERT);
        QCOMPARE(field(alert, "RuleId"), std::string(kRansomwareRuleId));
        QCOMPARE(field(alert, "RuleTitle"), std::string("Ransomware-like file activity"));
        QCOMPARE(field(alert, "RuleLevel"), std::string("critical"));
        QCOMPARE(field(alert, "RuleTags"), std::string("attack.impact,attack.t1486"));
        QCOMPARE(field(alert, "ProcessId"), std::to_string(attack.pid));
        QCOMPARE(field(alert, "Image"), canonical(YAGURA_RANSOMWARE_SIMULATOR_BIN));
        QCOMPARE(field(alert, "RansomwareTrigger"), std::string("encrypted-and-renamed"));
        QVERIFY(!field(alert, "SamplePaths").empty());
    }
};

QTEST_GUILESS_MAIN(TestFileMonitor)
#include "TestFileMonitor.moc"
