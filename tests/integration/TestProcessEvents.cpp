// The process collector on the real kernel: the netlink proc connector sees every exec, even of
// processes that live for microseconds, and each is enriched from /proc with its parent and the
// SHA-256 of its executable. Needs root (CAP_NET_ADMIN), as the agent does.

#include "collectors/ProcessCollector.h"

#include "common/Files.h"
#include "common/Text.h"
#include "crypto/Hash.h"

#include <QtTest>

#include <set>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using namespace yagura;
using namespace yagura::agent;
using namespace std::chrono_literals;

namespace {
pid_t spawn(const std::vector<std::string>& arguments) {
    std::vector<char*> argv;
    for (const auto& argument : arguments)
        argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (::posix_spawn(&pid, arguments.front().c_str(), nullptr, nullptr, argv.data(), environ) != 0)
        return -1;
    return pid;
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
    ProcessCollector m_collector;

    // Polls until `done` holds or 10 s pass; returns every exec seen.
    template <typename Done> std::vector<ProcessInfo> collectUntil(Done done) {
        std::vector<ProcessInfo> seen;
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline && !done(seen)) {
            auto batch = m_collector.poll(50ms);
            if (!batch.ok())
                break;
            seen.insert(seen.end(), batch->begin(), batch->end());
        }
        return seen;
    }

private slots:
    void initTestCase() {
        if (::geteuid() != 0)
            QSKIP("the netlink proc connector needs root (CAP_NET_ADMIN); CI runs this as root");
        auto started = m_collector.start();
        QVERIFY2(started.ok(), started.ok() ? "" : started.error().message.c_str());
    }

    void execIsSeenAndEnriched() {
        const pid_t pid = spawn({"/bin/sleep", "0.3"});
        QVERIFY(pid > 0);
        const auto seen = collectUntil([pid](const auto& events) {
            return std::any_of(events.begin(), events.end(),
                               [pid](const ProcessInfo& info) { return info.pid == pid; });
        });
        ::waitpid(pid, nullptr, 0);
        const auto it = std::find_if(seen.begin(), seen.end(),
                                     [pid](const ProcessInfo& info) { return info.pid == pid; });
        QVERIFY2(it != seen.end(), "the exec of /bin/sleep was not seen");
        QVERIFY(it->complete);
        QCOMPARE(field(*it, "Image"), std::string("/usr/bin/sleep"));
        QCOMPARE(field(*it, "CommandLine"), std::string("/bin/sleep 0.3"));
        QCOMPARE(field(*it, "ParentProcessId"), std::to_string(::getpid()));
        QCOMPARE(field(*it, "User"), std::string("root"));
        char cwd[4096];
        QCOMPARE(field(*it, "CurrentDirectory"), std::string(::getcwd(cwd, sizeof cwd)));
        // The parent is this test program.
        char self[4096] = {};
        QVERIFY(::readlink("/proc/self/exe", self, sizeof self - 1) > 0);
        QCOMPARE(field(*it, "ParentImage"), std::string(self));
        // The hash is the file's.
        const auto bytes = files::readFile("/usr/bin/sleep", 64 << 20);
        QVERIFY(bytes.ok());
        QCOMPARE(field(*it, "Hashes"), "SHA256=" + text::toHex(crypto::sha256(*bytes)));
        // The tree knows the parent chain.
        const auto ancestors = m_collector.ancestors(pid);
        QVERIFY(!ancestors.empty());
        QCOMPARE(ancestors.front()->pid, ::getpid());
    }

    void noExecIsMissedInABurst() {
        constexpr int kProcesses = 300;
        std::set<pid_t> spawned;
        for (int i = 0; i < kProcesses; ++i) {
            const pid_t pid = spawn({"/bin/true"});
            QVERIFY(pid > 0);
            spawned.insert(pid);
            ::waitpid(pid, nullptr, 0); // each lives for well under a millisecond
        }
        std::set<pid_t> seen;
        collectUntil([&](const auto& events) {
            for (const auto& info : events)
                if (spawned.count(info.pid))
                    seen.insert(info.pid);
            return seen.size() == spawned.size();
        });
        QCOMPARE(seen.size(), spawned.size());
        QCOMPARE(m_collector.lostMessages(), std::uint64_t{0});
    }

    void executableHashesAreCached() {
        ExecutableHasher hasher;
        const std::string first = hasher.hash("/usr/bin/true");
        QCOMPARE(first.size(), std::size_t{64});
        QCOMPARE(hasher.hash("/usr/bin/true"), first);
        QCOMPARE(hasher.cacheSize(), std::size_t{1});
        QVERIFY(hasher.hash("/nonexistent/binary").empty());
    }
};

QTEST_GUILESS_MAIN(TestProcessEvents)
#include "TestProcessEvents.moc"
