// The process collector on the real kernel, from both of its sources. The kernel tracer (eBPF)
// takes each exec's details in the process's own context: even a process that lives for
// microseconds is reported with its command line and working directory. The netlink proc
// connector, the fallback, sees every exec too, enriched from /proc while the process is there.
// Needs root (CAP_BPF and CAP_PERFMON, CAP_NET_ADMIN), as the agent does.

#include "collectors/ProcessCollector.h"

#include "common/Files.h"
#include "common/Text.h"
#include "crypto/Hash.h"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <set>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using namespace yagura;
using namespace yagura::agent;
using namespace std::chrono_literals;

namespace {
// Starts `arguments` (the first is the file to run) in `directory` if given.
pid_t spawn(const std::vector<std::string>& arguments, const std::string& directory = {}) {
    std::vector<char*> argv;
    for (const auto& argument : arguments)
        argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    if (!directory.empty())
        ::posix_spawn_file_actions_addchdir_np(&actions, directory.c_str());
    pid_t pid = 0;
    const int failed =
        ::posix_spawn(&pid, arguments.front().c_str(), &actions, nullptr, argv.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    return failed == 0 ? pid : -1;
}

std::string currentDirectory() {
    char cwd[4096];
    return ::getcwd(cwd, sizeof cwd) ? std::string(cwd) : std::string();
}

std::string field(const ProcessInfo& info, const std::string& name) {
    for (const auto& [key, value] : info.sigmaFields())
        if (key == name)
            return value;
    return {};
}
} // namespace

class TestProcessEvents : public QObject {
    Q_OBJECT

private:
    ProcessCollector m_tracer{ProcessSource::KernelTracer};
    ProcessCollector m_connector{ProcessSource::ProcConnector};
    bool m_tracerRuns = false;

    ProcessCollector& collector(bool traced) { return traced ? m_tracer : m_connector; }

    // Polls until `done` holds or 10 s pass; returns every exec seen.
    template <typename Done>
    std::vector<ProcessInfo> collectUntil(ProcessCollector& collector, Done done) {
        std::vector<ProcessInfo> seen;
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline && !done(seen)) {
            auto batch = collector.poll(50ms);
            if (!batch.ok())
                break;
            seen.insert(seen.end(), batch->begin(), batch->end());
        }
        return seen;
    }

    // The exec of `pid` as `collector` reported it (waits for it).
    std::optional<ProcessInfo> execOf(ProcessCollector& collector, pid_t pid) {
        const auto seen = collectUntil(collector, [pid](const auto& events) {
            return std::any_of(events.begin(), events.end(),
                               [pid](const ProcessInfo& info) { return info.pid == pid; });
        });
        for (const auto& info : seen)
            if (info.pid == pid)
                return info;
        return std::nullopt;
    }

    void sourceColumn() {
        QTest::addColumn<bool>("traced");
        QTest::newRow("kernel tracer") << true;
        QTest::newRow("proc connector") << false;
    }

    void skipWithoutTracer(bool traced) {
        if (traced && !m_tracerRuns)
            QSKIP("the kernel tracer cannot run here (see initTestCase's message); the proc "
                  "connector rows still run");
    }

private slots:
    void initTestCase() {
        if (::geteuid() != 0)
            QSKIP("process events need root (BPF: CAP_BPF and CAP_PERFMON; the proc connector: "
                  "CAP_NET_ADMIN); CI runs this as root");
        auto connector = m_connector.start();
        QVERIFY2(connector.ok(), connector.ok() ? "" : connector.error().message.c_str());
        QCOMPARE(m_connector.source(), ProcessSource::ProcConnector);
        auto tracer = m_tracer.start();
        if (ExecTracer::built()) {
            // Built with the tracer, on a kernel with BTF, as root: it must load.
            QVERIFY2(tracer.ok(), tracer.ok() ? "" : tracer.error().message.c_str());
            QCOMPARE(m_tracer.source(), ProcessSource::KernelTracer);
            m_tracerRuns = true;
        } else {
            qWarning("this build has no kernel tracer (YAGURA_WITH_BPF=OFF): its rows skip");
        }
    }

    void execIsSeenAndEnriched_data() { sourceColumn(); }
    void execIsSeenAndEnriched() {
        QFETCH(bool, traced);
        skipWithoutTracer(traced);
        const pid_t pid = spawn({"/bin/sleep", "0.3"});
        QVERIFY(pid > 0);
        // Field 22 of /proc/PID/stat: the start time in clock ticks since boot.
        const auto stat = files::readFile("/proc/" + std::to_string(pid) + "/stat", 4096);
        QVERIFY(stat.ok());
        const auto fields = text::split(stat->substr(stat->rfind(')') + 2), ' ');
        const long long startTicks = std::stoll(std::string(fields.at(19)));
        const auto info = execOf(collector(traced), pid);
        ::waitpid(pid, nullptr, 0);
        QVERIFY2(info, "the exec of /bin/sleep was not seen");
        QVERIFY(info->complete);
        QCOMPARE(field(*info, "Image"), std::string("/usr/bin/sleep"));
        QCOMPARE(field(*info, "CommandLine"), std::string("/bin/sleep 0.3"));
        QCOMPARE(field(*info, "ParentProcessId"), std::to_string(::getpid()));
        QCOMPARE(field(*info, "User"), std::string("root"));
        QCOMPARE(field(*info, "CurrentDirectory"), currentDirectory());
        // The parent is this test program.
        char self[4096] = {};
        QVERIFY(::readlink("/proc/self/exe", self, sizeof self - 1) > 0);
        QCOMPARE(field(*info, "ParentImage"), std::string(self));
        // The hash is the file's.
        const auto bytes = files::readFile("/usr/bin/sleep", 64 << 20);
        QVERIFY(bytes.ok());
        QCOMPARE(field(*info, "Hashes"), "SHA256=" + text::toHex(crypto::sha256(*bytes)));
        // The tree knows the parent chain.
        const auto ancestors = collector(traced).ancestors(pid);
        QVERIFY(!ancestors.empty());
        QCOMPARE(ancestors.front()->pid, ::getpid());
        if (traced) // the start time /proc shows: with the pid, the process's identity
            QCOMPARE(static_cast<long long>(info->startBootTimeNs /
                                            (1'000'000'000ULL / ::sysconf(_SC_CLK_TCK))),
                     startTicks);
    }

    void noExecIsMissedInABurst_data() { sourceColumn(); }
    void noExecIsMissedInABurst() {
        QFETCH(bool, traced);
        skipWithoutTracer(traced);
        constexpr int kProcesses = 300;
        std::map<pid_t, std::string> spawned;
        for (int i = 0; i < kProcesses; ++i) {
            const std::string marker = "burst-" + std::to_string(i);
            const pid_t pid = spawn({"/bin/true", marker});
            QVERIFY(pid > 0);
            spawned.emplace(pid, "/bin/true " + marker);
            ::waitpid(pid, nullptr, 0); // each lives for well under a millisecond
        }
        std::map<pid_t, ProcessInfo> seen;
        collectUntil(collector(traced), [&](const auto& events) {
            for (const auto& info : events)
                if (spawned.count(info.pid))
                    seen.emplace(info.pid, info);
            return seen.size() == spawned.size();
        });
        QCOMPARE(seen.size(), spawned.size());
        QCOMPARE(collector(traced).lostMessages(), std::uint64_t{0});
        if (!traced)
            return; // from /proc, a process already gone has only its pid and parent
        // From the kernel tracer, every one of them complete, however short its life.
        for (const auto& [pid, info] : seen) {
            QVERIFY(info.complete);
            QCOMPARE(info.commandLine, spawned.at(pid));
            QCOMPARE(info.image, std::string("/usr/bin/true"));
            QCOMPARE(info.currentDirectory, currentDirectory());
            QCOMPARE(info.parentPid, ::getpid());
            QCOMPARE(info.user, std::string("root"));
            QCOMPARE(info.sha256.size(), std::size_t{64});
        }
    }

    // A script runs its interpreter: Image is the interpreter (as /proc/PID/exe shows it), and
    // the command line is the one the kernel built for it.
    void scriptReportsItsInterpreter() {
        skipWithoutTracer(true);
        QTemporaryDir directory;
        const std::string script = directory.filePath("hello.sh").toStdString();
        {
            std::ofstream out(script);
            out << "#!/bin/sh\nexit 0\n";
        }
        ::chmod(script.c_str(), 0755);
        const pid_t pid = spawn({script, "first"});
        QVERIFY(pid > 0);
        ::waitpid(pid, nullptr, 0);
        const auto info = execOf(m_tracer, pid);
        QVERIFY(info);
        QCOMPARE(info->image, std::filesystem::canonical("/bin/sh").string());
        QCOMPARE(info->commandLine, "/bin/sh " + script + " first");
    }

    // Relative execs, working directories across mount points and deeper than the record
    // carries, and command lines longer than it carries.
    void tracerDetailsAtTheLimits() {
        skipWithoutTracer(true);
        // A relative exec from a tmpfs mount point (/dev/shm): resolved against the directory.
        QTemporaryDir shm("/dev/shm/yagura-test-XXXXXX");
        QVERIFY(shm.isValid());
        const std::string shmDir = std::filesystem::canonical(shm.path().toStdString()).string();
        std::filesystem::copy_file("/usr/bin/true", shmDir + "/local-true");
        pid_t pid = spawn({"./local-true", "x"}, shmDir);
        QVERIFY(pid > 0);
        ::waitpid(pid, nullptr, 0);
        auto info = execOf(m_tracer, pid);
        QVERIFY(info);
        QCOMPARE(info->currentDirectory, shmDir);
        QCOMPARE(info->image, shmDir + "/local-true");
        QCOMPARE(info->commandLine, std::string("./local-true x"));

        // 30 levels deep (the record carries 24): read from /proc while the process lives.
        QTemporaryDir deep;
        std::string deepPath = deep.path().toStdString();
        for (int level = 0; level < 30; ++level)
            deepPath += "/d" + std::to_string(level);
        std::filesystem::create_directories(deepPath);
        pid = spawn({"/bin/sleep", "0.3"}, deepPath);
        QVERIFY(pid > 0);
        info = execOf(m_tracer, pid);
        ::waitpid(pid, nullptr, 0);
        QVERIFY(info);
        QCOMPARE(info->currentDirectory, std::filesystem::canonical(deepPath).string());

        // A 10,000-byte argument (the record carries 4,095 bytes of argv): whole from /proc.
        const std::string longArgument(10'000, 'a');
        pid = spawn({"/bin/sh", "-c", "sleep 0.3", longArgument});
        QVERIFY(pid > 0);
        info = execOf(m_tracer, pid);
        ::waitpid(pid, nullptr, 0);
        QVERIFY(info);
        QCOMPARE(info->commandLine, "/bin/sh -c sleep 0.3 " + longArgument);
    }

    void executableHashesAreCached() {
        ExecutableHasher hasher;
        const std::string first = hasher.hash("/usr/bin/true");
        QCOMPARE(first.size(), std::size_t{64});
        QCOMPARE(hasher.hash("/usr/bin/true"), first);
        QCOMPARE(hasher.cacheSize(), std::size_t{1});
        QVERIFY(hasher.hash("/nonexistent/binary").empty());
        // By identity: a different file at the path is not taken for the identified one.
        struct stat info {};
        QVERIFY(::stat("/usr/bin/true", &info) == 0);
        const ExecutableHasher::Key wrong{info.st_dev, info.st_ino + 1, info.st_size,
                                          info.st_mtim.tv_sec * 1'000'000'000LL +
                                              info.st_mtim.tv_nsec};
        ExecutableHasher fresh;
        QVERIFY(fresh.hashIdentified(wrong, "/usr/bin/true").empty());
        const ExecutableHasher::Key right{info.st_dev, info.st_ino, info.st_size,
                                          std::get<3>(wrong)};
        QCOMPARE(fresh.hashIdentified(right, "/usr/bin/true"), first);
        // Then from the cache, whatever the path says now.
        QCOMPARE(fresh.hashIdentified(right, "/nonexistent/binary"), first);
    }
};

QTEST_GUILESS_MAIN(TestProcessEvents)
#include "TestProcessEvents.moc"
