// Response commands on a real in-process server with real agent sessions and the agent's real
// command executor: delivery to an agent that was offline, expiry, a command never run twice
// across an agent restart and a resend, kill by pid and start time (a reused pid is left
// alone; whole trees), who may issue what, and reports that are not the reporter's.

#include "TestSite.h"

#include "agent/AgentSession.h"
#include "agent/response/AutoResponder.h"
#include "agent/response/CommandExecutor.h"
#include "agent/response/Isolation.h"
#include "agent/response/ProcessKiller.h"
#include "agent/response/Quarantine.h"
#include "agent/spool/EventSpool.h"
#include "common/Files.h"
#include "common/Text.h"
#include "crypto/Hash.h"
#include "crypto/Random.h"
#include "proto/Envelope.h"
#include "response/IsolationRules.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <sys/stat.h>

#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>

extern char** environ;

using namespace yagura;
using namespace yagura::testing;
using namespace std::chrono_literals;

namespace {
pid_t spawn(const std::vector<std::string>& arguments) {
    std::vector<char*> argv;
    for (const auto& argument : arguments)
        argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    return ::posix_spawn(&pid, arguments.front().c_str(), nullptr, nullptr, argv.data(), environ) ==
                   0
               ? pid
               : -1;
}

// True when `pid` (our child) was killed by SIGKILL; waits up to 5 s for it to end, on its
// pidfd (readable once the process has exited).
bool killedBySigkill(pid_t pid) {
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd >= 0) {
        pollfd ended{pidfd, POLLIN, 0};
        (void)::poll(&ended, 1, 5000);
        ::close(pidfd);
    }
    int status = 0;
    return ::waitpid(pid, &status, WNOHANG) == pid && WIFSIGNALED(status) &&
           WTERMSIG(status) == SIGKILL;
}

bool stillRunning(pid_t pid) {
    return ::waitpid(pid, nullptr, WNOHANG) == 0;
}

Result<proto::OperatorResponse> tryCall(client::OperatorClient& client,
                                        const proto::OperatorRequest& request) {
    return client.call(request);
}

proto::OperatorRequest killRequest(std::int64_t agentId, pid_t pid, std::uint64_t startTicks,
                                   bool tree = false, std::uint64_t expiresIn = 0) {
    proto::OperatorRequest request;
    auto* create = request.mutable_create_command();
    create->set_agent_id(static_cast<std::uint64_t>(agentId));
    create->set_action(proto::KILL);
    create->set_reason("test kill");
    create->mutable_kill()->set_pid(static_cast<std::uint32_t>(pid));
    create->mutable_kill()->set_start_ticks(startTicks);
    create->mutable_kill()->set_tree(tree);
    create->set_expires_in_seconds(expiresIn);
    return request;
}

proto::CommandRecord commandById(client::OperatorClient& client, std::uint64_t id) {
    proto::OperatorRequest request;
    request.mutable_get_command()->set_id(id);
    auto response = client.call(request);
    return response.ok() ? response->get_command().command() : proto::CommandRecord{};
}

// The executor as the session sees it; `reporting` false plays an agent that dies before it
// can report what it did.
struct Channel : agent::CommandChannel {
    explicit Channel(agent::CommandExecutor& target) : executor(target) {}
    void commandReceived(const proto::Command& command) override {
        executor.commandReceived(command);
    }
    std::optional<proto::CommandResult> nextCommandReport() override {
        return reporting ? executor.nextCommandReport() : std::nullopt;
    }
    void commandReportAcknowledged(const proto::CommandResult& report) override {
        executor.commandReportAcknowledged(report);
    }
    bool isolated() const override { return executor.isolated(); }
    agent::CommandExecutor& executor;
    bool reporting = true;
};

// An agent: its session and command executor, with state in `dir` (kept across "restarts").
struct Agent {
    Agent(TestSite& site, net::Context& context, const crypto::CurveKeyPair& keys,
          const QString& dir, bool reporting = true)
        : isolation(std::filesystem::path(dir.toStdString()) / "isolation.pb"),
          quarantine(std::filesystem::path(dir.toStdString()) / "quarantine"),
          executor(std::filesystem::path(dir.toStdString()) / "commands.json", isolation,
                   quarantine, site.endpoints().agent, site.clock()),
          channel(executor) {
        channel.reporting = reporting;
        if (!executor.load().ok())
            qFatal("cannot load the command record");
        agent::SessionConfig config;
        config.endpoints = site.endpoints().agent;
        config.serverKey = site.serverKey();
        config.keys = &keys;
        config.agentVersion = "test";
        config.inventoryInterval = 24h;
        config.commands = &channel;
        session.emplace(
            context, config, site.clock(), [] { return proto::Inventory{}; },
            proto::InventorySnapshot{}, [](const proto::InventorySnapshot&) { return success(); });
    }
    agent::Isolation isolation;
    agent::Quarantine quarantine;
    agent::CommandExecutor executor;
    Channel channel;
    std::optional<agent::AgentSession> session;
};
} // namespace

class TestCommands : public QObject {
    Q_OBJECT

private slots:
    void aCommandForAnOfflineAgentRunsWhenItConnects() {
        TestSite site;
        net::Context context;
        auto [agentId, keys] = site.enrolKeys(context, "hmi-1");
        auto admin = site.operatorClient();
        const pid_t target = spawn({"/bin/sleep", "30"});
        const auto ticks = agent::processStartTicks(target);
        QVERIFY(ticks);
        auto created = tryCall(*admin, killRequest(agentId, target, *ticks));
        QVERIFY(created.ok());
        const auto id = created->create_command().command().id();
        QCOMPARE(created->create_command().command().state(), std::string("queued"));
        QVERIFY(stillRunning(target));

        QTemporaryDir state;
        Agent agent(site, context, keys, state.path());
        QVERIFY(driveSession(*agent.session,
                             [&] { return commandById(*admin, id).state() == "succeeded"; }));
        QVERIFY(killedBySigkill(target));
        const auto command = commandById(*admin, id);
        QCOMPARE(command.detail(), "killed 1 process(es): " + std::to_string(target));
        QVERIFY(command.delivered_at_unix() > 0);
        QVERIFY(command.acknowledged_at_unix() > 0);
        QVERIFY(command.finished_at_unix() > 0);
    }

    void anExpiredCommandIsNeverDelivered() {
        TestSite site;
        net::Context context;
        auto [agentId, keys] = site.enrolKeys(context, "hmi-2");
        auto admin = site.operatorClient();
        const pid_t target = spawn({"/bin/sleep", "30"});
        auto created = tryCall(
            *admin, killRequest(agentId, target, *agent::processStartTicks(target), false, 60));
        QVERIFY(created.ok());
        const auto id = created->create_command().command().id();
        site.clock().advance(61s);
        QTRY_COMPARE_WITH_TIMEOUT(commandById(*admin, id).state(), std::string("expired"), 5000);
        QCOMPARE(commandById(*admin, id).detail(),
                 std::string("expired before the agent was reachable"));

        QTemporaryDir state;
        Agent agent(site, context, keys, state.path());
        QVERIFY(driveSession(*agent.session, [&] {
            return agent.session->state() == agent::AgentSession::State::Ready;
        }));
        // Time for the server to send anything it would: nothing comes.
        const auto until = std::chrono::steady_clock::now() + 500ms;
        QVERIFY(
            driveSession(*agent.session, [&] { return std::chrono::steady_clock::now() > until; }));
        QVERIFY(agent.executor.records().empty());
        QVERIFY(stillRunning(target));
        QCOMPARE(commandById(*admin, id).state(), std::string("expired"));
        ::kill(target, SIGKILL);
        ::waitpid(target, nullptr, 0);
    }

    void aCommandRunsOnceAcrossAnAgentRestartAndAResend() {
        TestSite site;
        net::Context context;
        auto [agentId, keys] = site.enrolKeys(context, "hmi-3");
        auto admin = site.operatorClient();
        QTemporaryDir state;
        const pid_t target = spawn({"/bin/sleep", "30"});
        std::uint64_t id = 0;
        {
            Agent agent(site, context, keys, state.path(), /*reporting=*/false);
            QVERIFY(driveSession(*agent.session, [&] {
                return agent.session->state() == agent::AgentSession::State::Ready;
            }));
            auto created =
                tryCall(*admin, killRequest(agentId, target, *agent::processStartTicks(target)));
            QVERIFY(created.ok());
            id = created->create_command().command().id();
            // The agent runs it and dies before the server hears back.
            QVERIFY(
                driveSession(*agent.session, [&] { return !agent.executor.records().empty(); }));
        }
        QVERIFY(killedBySigkill(target));
        QCOMPARE(commandById(*admin, id).state(), std::string("delivered"));
        // Restarted: the server sends it again at the new Hello; the agent answers from its
        // record and does not run it again (a second run would fail: the process is gone).
        Agent restarted(site, context, keys, state.path());
        QVERIFY(driveSession(*restarted.session,
                             [&] { return commandById(*admin, id).state() == "succeeded"; }));
        QCOMPARE(commandById(*admin, id).detail(),
                 "killed 1 process(es): " + std::to_string(target));
        // The same command arriving yet again changes nothing.
        proto::Command again;
        again.set_id(id);
        again.set_action(proto::KILL);
        restarted.executor.commandReceived(again);
        QCOMPARE(restarted.executor.records().at(id).phase, proto::SUCCEEDED);
        QVERIFY(driveSession(*restarted.session,
                             [&] { return !restarted.executor.nextCommandReport(); }));
        QCOMPARE(commandById(*admin, id).state(), std::string("succeeded"));
    }

    void killNamesAProcessNotAPid() {
        // A pid now held by another process (here: the right pid, another start time) is left
        // alone.
        const pid_t target = spawn({"/bin/sleep", "30"});
        const auto ticks = agent::processStartTicks(target);
        QVERIFY(ticks);
        auto refused = agent::killProcess(target, *ticks + 1, false);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::NotFound);
        QVERIFY(stillRunning(target));
        auto killed = agent::killProcess(target, *ticks, false);
        QVERIFY(killed.ok());
        QVERIFY(killedBySigkill(target));
        // Gone: nothing to kill, said so.
        QVERIFY(!agent::killProcess(target, *ticks, false).ok());
        // Never the agent itself, never init.
        QVERIFY(!agent::killProcess(::getpid(), *agent::processStartTicks(::getpid()), false).ok());
        QVERIFY(!agent::killProcess(1, *agent::processStartTicks(1), false).ok());
    }

    void killTakesTheWholeTree() {
        const pid_t shell = spawn({"/bin/sh", "-c", "sleep 30 & sleep 30 & wait"});
        // Both children exist once /proc shows the shell with two children.
        auto children = [shell] {
            QFile file(QString("/proc/%1/task/%1/children").arg(shell));
            return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed().split(' ').size() : 0;
        };
        QTRY_COMPARE_WITH_TIMEOUT(children(), 2, 5000);
        auto killed = agent::killProcess(shell, *agent::processStartTicks(shell), true);
        QVERIFY(killed.ok());
        QCOMPARE(killed->size(), std::size_t{3});
        QVERIFY(killedBySigkill(shell));
        for (pid_t pid : *killed)
            if (pid != shell)
                QTRY_VERIFY_WITH_TIMEOUT(!QFile::exists(QString("/proc/%1").arg(pid)), 5000);
    }

    void quarantineAndRestoreGiveBackTheSameFile() {
        QTemporaryDir dir;
        const std::filesystem::path root = dir.path().toStdString();
        agent::Quarantine quarantine(root / "quarantine");
        // Sizes around the 1 MiB chunk: empty, small, exactly one chunk, several.
        for (const std::size_t size : {std::size_t{0}, std::size_t{100}, std::size_t{1} << 20,
                                       (std::size_t{3} << 20) + 17}) {
            const auto path = root / ("plc-" + std::to_string(size) + ".bin");
            std::string content = crypto::randomBytes(size).value();
            const std::string marker = "YAGURA-PLAINTEXT-MARKER-0123456789";
            if (size > marker.size())
                content.replace(size / 2, marker.size(), marker);
            QVERIFY(files::writeFileAtomic(path, content, 0640).ok());
            QCOMPARE(::chown(path.c_str(), 1234, 2345), 0);
            struct stat before {};
            QCOMPARE(::stat(path.c_str(), &before), 0);

            auto item = quarantine.quarantine(path.string(), "test", 7, 1000);
            QVERIFY2(item.ok(), item.ok() ? "" : item.error().message.c_str());
            QVERIFY(!std::filesystem::exists(path));
            QCOMPARE(item->sha256(), text::toHex(crypto::sha256(content)));
            QCOMPARE(item->size(), std::uint64_t{size});
            // Nothing in the quarantine reads as the file.
            const auto stored =
                files::readFile(root / "quarantine" / (item->id() + ".bin"), 64 << 20);
            QVERIFY(stored.ok());
            if (size > marker.size())
                QVERIFY(stored->find(marker) == std::string::npos);
            QCOMPARE(quarantine.list()->size(), std::size_t{1});

            auto restored = quarantine.restore(item->id());
            QVERIFY2(restored.ok(), restored.ok() ? "" : restored.error().message.c_str());
            QCOMPARE(files::readFile(path, 64 << 20).value(), content);
            struct stat after {};
            QCOMPARE(::stat(path.c_str(), &after), 0);
            QCOMPARE(after.st_uid, uid_t{1234});
            QCOMPARE(after.st_gid, gid_t{2345});
            QCOMPARE(after.st_mode & 07777, mode_t{0640});
            QCOMPARE(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
            QCOMPARE(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
            QVERIFY(quarantine.list()->empty());
        }
    }

    void quarantineRefusesWhatItShouldNotTake() {
        QTemporaryDir dir;
        const std::filesystem::path root = dir.path().toStdString();
        agent::Quarantine quarantine(root / "quarantine");
        QVERIFY(files::writeFileAtomic(root / "real", "data", 0600).ok());
        std::filesystem::create_symlink(root / "real", root / "link");
        std::filesystem::create_directory(root / "folder");
        auto code = [&](const std::string& path) {
            auto item = quarantine.quarantine(path, "test", 1, 1);
            return item.ok() ? ErrorCode::Internal : item.error().code;
        };
        QCOMPARE(code("relative/path"), ErrorCode::InvalidArgument);
        QCOMPARE(code((root / "link").string()), ErrorCode::InvalidArgument);
        QCOMPARE(code((root / "folder").string()), ErrorCode::InvalidArgument);
        QCOMPARE(code((root / "missing").string()), ErrorCode::NotFound);
        QCOMPARE(code((root / "quarantine" / "quarantine.key").string()),
                 ErrorCode::InvalidArgument);
        QVERIFY(std::filesystem::exists(root / "real"));
        QVERIFY(std::filesystem::is_symlink(root / "link"));

        // Restore: a bad id, an occupied path, a tampered copy: each refused, nothing written.
        auto item = quarantine.quarantine((root / "real").string(), "test", 1, 1);
        QVERIFY(item.ok());
        QCOMPARE(quarantine.restore("../../etc/shadow").error().code, ErrorCode::InvalidArgument);
        QCOMPARE(quarantine.restore(std::string(32, 'a')).error().code, ErrorCode::NotFound);
        QVERIFY(files::writeFileAtomic(root / "real", "someone else's", 0600).ok());
        QCOMPARE(quarantine.restore(item->id()).error().code, ErrorCode::AlreadyExists);
        QCOMPARE(files::readFile(root / "real", 100).value(), std::string("someone else's"));
        std::filesystem::remove(root / "real");
        const auto bin = root / "quarantine" / (item->id() + ".bin");
        std::string bytes = files::readFile(bin, 1 << 20).value();
        bytes[bytes.size() - 20] ^= 0x01;
        QVERIFY(files::writeFileAtomic(bin, bytes, 0600).ok());
        auto tampered = quarantine.restore(item->id());
        QVERIFY(!tampered.ok());
        QVERIFY2(tampered.error().message.find("altered") != std::string::npos,
                 tampered.error().message.c_str());
        QVERIFY(!std::filesystem::exists(root / "real"));
        QCOMPARE(std::distance(std::filesystem::directory_iterator(root),
                               std::filesystem::directory_iterator{}),
                 std::ptrdiff_t{3}); // quarantine/, link, folder: no leftover temporary file

        // A folder on the way that is a link is refused (it could be swapped mid-way).
        std::filesystem::create_directory(root / "real-folder");
        QVERIFY(files::writeFileAtomic(root / "real-folder" / "x", "x", 0600).ok());
        std::filesystem::create_directory_symlink(root / "real-folder", root / "linked-folder");
        QCOMPARE(code((root / "linked-folder" / "x").string()), ErrorCode::InvalidArgument);
        QVERIFY(std::filesystem::exists(root / "real-folder" / "x"));
        // A restore goes only into the very folder the file came from.
        auto moved = quarantine.quarantine((root / "real-folder" / "x").string(), "test", 2, 2);
        QVERIFY(moved.ok());
        std::filesystem::rename(root / "real-folder", root / "real-folder-old");
        std::filesystem::create_directory(root / "real-folder");
        QCOMPARE(quarantine.restore(moved->id()).error().code, ErrorCode::Conflict);
        QVERIFY(!std::filesystem::exists(root / "real-folder" / "x"));
        std::filesystem::remove(root / "real-folder");
        std::filesystem::create_directory_symlink(root / "real-folder-old", root / "real-folder");
        QCOMPARE(quarantine.restore(moved->id()).error().code, ErrorCode::InvalidArgument);
        std::filesystem::remove(root / "real-folder");
        std::filesystem::rename(root / "real-folder-old", root / "real-folder");
        QVERIFY(quarantine.restore(moved->id()).ok());
        QCOMPARE(files::readFile(root / "real-folder" / "x", 10).value(), std::string("x"));
    }

    void quarantineRestoreAndCollectThroughTheServer() {
        TestSite site;
        net::Context context;
        auto [agentId, keys] = site.enrolKeys(context, "eng-ws");
        auto admin = site.operatorClient();
        QTemporaryDir state;
        QTemporaryDir files;
        Agent agent(site, context, keys, state.path());
        auto run = [&](proto::OperatorRequest request) {
            request.mutable_create_command()->set_agent_id(static_cast<std::uint64_t>(agentId));
            request.mutable_create_command()->set_reason("incident 7");
            auto created = tryCall(*admin, request);
            if (!created.ok())
                qWarning("%s", created.error().message.c_str());
            const auto id = created.ok() ? created->create_command().command().id() : 0;
            (void)driveSession(*agent.session, [&] {
                const auto current = commandById(*admin, id).state();
                return current == "succeeded" || current == "failed";
            });
            return commandById(*admin, id);
        };
        const std::string path = files.filePath("dropper.sh").toStdString();
        QVERIFY(yagura::files::writeFileAtomic(path, "#!/bin/sh\necho pwned\n", 0755).ok());

        proto::OperatorRequest quarantineRequest;
        quarantineRequest.mutable_create_command()->set_action(proto::QUARANTINE);
        quarantineRequest.mutable_create_command()->mutable_quarantine()->set_path(path);
        const auto quarantined = run(quarantineRequest);
        QCOMPARE(quarantined.state(), std::string("succeeded"));
        QVERIFY(!std::filesystem::exists(path));
        proto::OperatorRequest list;
        list.mutable_list_quarantine()->set_agent_id(static_cast<std::uint64_t>(agentId));
        auto items = tryCall(*admin, list)->list_quarantine();
        QCOMPARE(items.items_size(), 1);
        QCOMPARE(items.items(0).item().path(), path);
        QCOMPARE(items.items(0).item().mode(), 0755u);
        QCOMPARE(items.items(0).hostname(), std::string("eng-ws"));

        proto::OperatorRequest restoreRequest;
        restoreRequest.mutable_create_command()->set_action(proto::RESTORE);
        restoreRequest.mutable_create_command()->mutable_restore()->set_quarantine_id(
            items.items(0).item().id());
        QCOMPARE(run(restoreRequest).state(), std::string("succeeded"));
        QCOMPARE(yagura::files::readFile(path, 100).value(),
                 std::string("#!/bin/sh\necho pwned\n"));
        QCOMPARE(tryCall(*admin, list)->list_quarantine().items_size(), 0);
        list.mutable_list_quarantine()->set_include_restored(true);
        QVERIFY(tryCall(*admin, list)->list_quarantine().items(0).restored_at_unix() > 0);

        // Collect: the process list (this test is in it), a file's metadata, the file itself.
        auto output = [&](std::uint64_t id) {
            proto::OperatorRequest get;
            get.mutable_get_command_output()->set_id(id);
            auto response = tryCall(*admin, get);
            return response.ok() ? response->get_command_output()
                                 : proto::GetCommandOutputResponse{};
        };
        proto::OperatorRequest processes;
        processes.mutable_create_command()->set_action(proto::COLLECT);
        processes.mutable_create_command()->mutable_collect()->set_kind("processes");
        const auto collected = run(processes);
        QCOMPARE(collected.state(), std::string("succeeded"));
        QCOMPARE(collected.output_type(), std::string("application/json"));
        const auto list2 =
            QJsonDocument::fromJson(QByteArray::fromStdString(output(collected.id()).output()))
                .array();
        bool found = false;
        for (const auto& entry : list2)
            found = found || entry.toObject()["pid"].toInt() == ::getpid();
        QVERIFY(found);

        proto::OperatorRequest info;
        info.mutable_create_command()->set_action(proto::COLLECT);
        info.mutable_create_command()->mutable_collect()->set_kind("file_info");
        info.mutable_create_command()->mutable_collect()->set_path(path);
        const auto infoCommand = run(info);
        const auto metadata =
            QJsonDocument::fromJson(QByteArray::fromStdString(output(infoCommand.id()).output()))
                .object();
        QCOMPARE(metadata["sha256"].toString().toStdString(),
                 text::toHex(crypto::sha256("#!/bin/sh\necho pwned\n")));

        proto::OperatorRequest file;
        file.mutable_create_command()->set_action(proto::COLLECT);
        file.mutable_create_command()->mutable_collect()->set_kind("file");
        file.mutable_create_command()->mutable_collect()->set_path(path);
        const auto fileCommand = run(file);
        QCOMPARE(output(fileCommand.id()).output(), std::string("#!/bin/sh\necho pwned\n"));
        QCOMPARE(fileCommand.output_size(), std::uint64_t{21});

        // A file above the asked limit is refused, saying why.
        file.mutable_create_command()->mutable_collect()->set_max_bytes(10);
        const auto refused = run(file);
        QCOMPARE(refused.state(), std::string("failed"));
        QVERIFY(refused.detail().find("more than the 10 allowed") != std::string::npos);
    }

    void theAgentRespondsByItselfAndTheServerRecordsIt() {
        TestSite site;
        net::Context context;
        auto [agentId, keys] = site.enrolKeys(context, "hmi-9");
        QTemporaryDir state;
        Agent agent(site, context, keys, state.path());
        agent::AutoResponder responder(agent.executor, agent.quarantine, site.endpoints().agent);
        proto::ResponsePolicy policy;
        auto* rule = policy.add_auto_response();
        rule->add_rule_ids("11111111-2222-3333-4444-555555555555");
        rule->set_kill_process(true);
        rule->set_quarantine_file(true);
        responder.configure(policy);

        // A dropped tool, running: the alert names its process and executable.
        const std::string tool = state.filePath("miner").toStdString();
        std::filesystem::copy_file("/usr/bin/sleep", tool);
        const pid_t target = spawn({tool, "30"});
        proto::TelemetryEvent alert;
        alert.set_category("alert");
        alert.set_rank(proto::RANK_ALERT);
        for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
                 {"RuleId", "11111111-2222-3333-4444-555555555555"},
                 {"RuleTitle", "Coin miner"},
                 {"RuleLevel", "high"},
                 {"ProcessId", std::to_string(target)},
                 {"ProcessStartTicks", std::to_string(*agent::processStartTicks(target))},
                 {"Image", tool}}) {
            auto* field = alert.add_fields();
            field->set_name(name);
            field->set_value(value);
        }
        // No server involved: the agent acts on its own.
        auto responses = responder.respond({alert}, site.clock().nowUnixMillis());
        QCOMPARE(responses.size(), std::size_t{2});
        QVERIFY(killedBySigkill(target));
        QVERIFY(!std::filesystem::exists(tool));
        QCOMPARE(agent.quarantine.list()->size(), std::size_t{1});
        for (const auto& response : responses) {
            QCOMPARE(response.category(), std::string("response"));
            QCOMPARE(response.rank(), proto::RANK_ALERT);
        }
        // The same alert again (the rule matched twice): acted on once.
        QVERIFY(responder.respond({alert}, site.clock().nowUnixMillis()).empty());
        // Another rule's alert: nothing.
        alert.mutable_fields(0)->set_value("99999999-2222-3333-4444-555555555555");
        QVERIFY(responder.respond({alert}, site.clock().nowUnixMillis()).empty());

        // Delivered later, the responses become finished commands by the policy.
        proto::EventBatch batch;
        std::uint64_t seq = 1;
        for (auto response : responses) {
            response.set_seq(seq++);
            response.set_time_unix_ms(static_cast<std::uint64_t>(site.clock().nowUnixMillis()));
            *batch.add_events() = response;
        }
        RawPeer peer(context, site.serverKey(), site.endpoints().agent.front(), {}, keys);
        auto envelope =
            protocol::unpack(peer.request(protocol::pack(proto::EVENT_BATCH, 3, batch)));
        QVERIFY(envelope.ok());
        auto admin = site.operatorClient();
        proto::OperatorRequest list;
        list.mutable_list_commands()->set_agent_id(static_cast<std::uint64_t>(agentId));
        QTRY_COMPARE_WITH_TIMEOUT(tryCall(*admin, list)->list_commands().commands_size(), 2, 5000);
        const auto recorded = tryCall(*admin, list);
        QVERIFY(recorded.ok());
        for (const auto& command : recorded->list_commands().commands()) {
            QCOMPARE(command.created_by(), std::string("policy"));
            QCOMPARE(command.state(), std::string("succeeded"));
            QCOMPARE(command.reason(), std::string("automatic response to 'Coin miner'"));
        }
        // A resent batch does not record them twice (its acknowledgement comes after the
        // server's commit: nothing more to wait for).
        auto resent = protocol::unpack(peer.request(protocol::pack(proto::EVENT_BATCH, 4, batch)));
        QVERIFY(resent.ok());
        proto::Ack resentAck;
        QVERIFY(resentAck.ParseFromString(resent->payload()));
        QCOMPARE(resentAck.status(), proto::ACK_OK);
        QCOMPARE(tryCall(*admin, list)->list_commands().commands_size(), 2);
    }

    void bytesFromTheHostAlwaysTravel() {
        // What protobuf refuses to parse in a string field, and what it accepts.
        const std::string replacement = "\xEF\xBF\xBD";
        const std::pair<std::string, std::string> cases[] = {
            {"plain", "plain"},
            {"\xE6\xAB\x93 yagura", "\xE6\xAB\x93 yagura"},            // 櫓: valid, unchanged
            {"a\xFF\xFE b", "a" + replacement + replacement + " b"},   // not UTF-8 at all
            {"\xC0\x80", replacement + replacement},                   // overlong NUL
            {"\xED\xA0\x80", replacement + replacement + replacement}, // a surrogate
            {"cut \xE6\xAB", "cut " + replacement + replacement},      // truncated at the end
            {"\xF4\x90\x80\x80", replacement + replacement + replacement + replacement},
        };
        for (const auto& [input, expected] : cases) {
            std::string text = input;
            protocol::makeUtf8(text);
            QCOMPARE(text, expected);
        }
        // Through the spool: a command line with arbitrary bytes is stored, batched and parsed.
        QTemporaryDir dir;
        auto spool = agent::EventSpool::open(dir.path().toStdString(), 1 << 20);
        QVERIFY(spool.ok());
        proto::TelemetryEvent event;
        event.set_category("process_creation");
        auto* field = event.add_fields();
        field->set_name("CommandLine");
        field->set_value("/bin/true \xFF\xFEmarker");
        QVERIFY(spool->append(event).ok());
        auto batch = spool->nextBatch(10, 1 << 20);
        QVERIFY(batch.ok());
        QCOMPARE(batch->events_size(), 1);
        proto::EventBatch parsed;
        QVERIFY(parsed.ParseFromString(batch->SerializeAsString()));
        QCOMPARE(parsed.events(0).fields(0).value(),
                 "/bin/true " + replacement + replacement + "marker");
        // Any message: nested and repeated strings too.
        proto::InventorySnapshot snapshot;
        auto* item = snapshot.add_items();
        item->set_key("pkg\xFF");
        QCOMPARE(protocol::makeStringsUtf8(snapshot), std::size_t{1});
        QVERIFY(proto::InventorySnapshot().ParseFromString(snapshot.SerializeAsString()));
    }

    void aCommandInterruptedByAStopIsNotRunAgain() {
        QTemporaryDir dir;
        const std::filesystem::path root = dir.path().toStdString();
        QVERIFY(files::writeFileAtomic(root / "commands.json",
                                       R"([{"id": 9, "action": 3, "phase": 1, "detail": "",
                                            "updated_ms": 1, "reported": true}])",
                                       0600)
                    .ok());
        agent::Isolation isolation(root / "isolation.pb");
        agent::Quarantine quarantine(root / "quarantine");
        ManualClock clock{std::chrono::system_clock::now()};
        agent::CommandExecutor executor(root / "commands.json", isolation, quarantine, {}, clock);
        QVERIFY(executor.load().ok());
        QCOMPARE(executor.records().at(9).phase, proto::FAILED);
        const auto report = executor.nextCommandReport();
        QVERIFY(report);
        QCOMPARE(report->phase(), proto::FAILED);
        QVERIFY(report->detail().find("interrupted") != std::string::npos);
        // Sent again by the server: answered from the record, not run.
        proto::Command again;
        again.set_id(9);
        again.set_action(proto::KILL);
        executor.commandReceived(again);
        QCOMPARE(executor.records().at(9).phase, proto::FAILED);
    }

    void allowingDnsAllowsTheHostsResolversOnly() {
        proto::IsolationSpec spec;
        spec.add_server_addresses("192.0.2.1");
        spec.set_server_port(7420);
        spec.set_allow_dns(true);
        auto rules =
            response::isolationRuleset(spec, {"192.0.2.1"}, {"192.0.2.53", "2001:db8::53"});
        QVERIFY(rules.ok());
        QVERIFY(rules->find("ip daddr 192.0.2.53 meta l4proto { tcp, udp } th dport 53 accept") !=
                std::string::npos);
        QVERIFY(rules->find("ip6 daddr 2001:db8::53 meta l4proto { tcp, udp } th dport 53") !=
                std::string::npos);
        // No rule lets port 53 out to anyone else.
        for (std::string_view line : text::split(*rules, '\n'))
            if (line.find("dport 53") != std::string_view::npos)
                QVERIFY(line.find("daddr") != std::string_view::npos);
        // Without resolvers, DNS stays cut.
        auto none = response::isolationRuleset(spec, {"192.0.2.1"}, {});
        QVERIFY(none.ok());
        QVERIFY(none->find("53") == std::string::npos);
    }

    void rolesDecideWhoMayRespond() {
        TestSite site;
        net::Context context;
        auto [agentId, keys] = site.enrolKeys(context, "plc-gw");
        site.addUser("aud", server::Role::Auditor);
        site.addUser("ana", server::Role::Analyst);
        auto admin = site.operatorClient();
        auto auditor = site.operatorClient("aud");
        auto analyst = site.operatorClient("ana");
        auto request = [&](proto::CommandAction action) {
            proto::OperatorRequest made;
            made.mutable_create_command()->set_agent_id(static_cast<std::uint64_t>(agentId));
            made.mutable_create_command()->set_action(action);
            made.mutable_create_command()->set_reason("incident 42");
            return made;
        };
        // An auditor may look, not act.
        auto denied = tryCall(*auditor, request(proto::ISOLATE));
        QVERIFY(!denied.ok());
        QCOMPARE(denied.error().code, ErrorCode::PermissionDenied);
        proto::OperatorRequest list;
        list.mutable_list_commands();
        QVERIFY(tryCall(*auditor, list).ok());
        // ...nor read what was collected (file contents).
        proto::OperatorRequest output;
        output.mutable_get_command_output()->set_id(1);
        QCOMPARE(tryCall(*auditor, output).error().code, ErrorCode::PermissionDenied);
        // An analyst may isolate; releasing is an admin's unless the policy says otherwise.
        QVERIFY(tryCall(*analyst, request(proto::ISOLATE)).ok());
        auto release = tryCall(*analyst, request(proto::RELEASE));
        QVERIFY(!release.ok());
        QCOMPARE(release.error().code, ErrorCode::PermissionDenied);
        QVERIFY(tryCall(*admin, request(proto::RELEASE)).ok());
        proto::OperatorRequest get;
        get.mutable_get_policy()->set_group("default");
        auto policy = tryCall(*admin, get);
        QVERIFY(policy.ok());
        proto::OperatorRequest set;
        set.mutable_set_policy()->set_group("default");
        *set.mutable_set_policy()->mutable_spec() = policy->get_policy().policy().spec();
        set.mutable_set_policy()->mutable_spec()->mutable_response()->set_analysts_may_release(
            true);
        set.mutable_set_policy()->set_base_version(policy->get_policy().policy().version());
        QVERIFY(tryCall(*admin, set).ok());
        QVERIFY(tryCall(*analyst, request(proto::RELEASE)).ok());
        // The denials are in the audit log.
        proto::OperatorRequest audit;
        audit.mutable_list_audit()->set_action_prefix("command.");
        auto entries = tryCall(*admin, audit);
        QVERIFY(entries.ok());
        int deniedEntries = 0;
        for (const auto& entry : entries->list_audit().entries())
            deniedEntries += entry.outcome() == "denied";
        QCOMPARE(deniedEntries, 3);
    }

    void badRequestsChangeNothing() {
        TestSite site;
        net::Context context;
        auto [agentId, keys] = site.enrolKeys(context, "ws-1");
        auto admin = site.operatorClient();
        auto failure = [&](proto::OperatorRequest request) {
            auto response = tryCall(*admin, request);
            return response.ok() ? ErrorCode::Internal : response.error().code;
        };
        auto base = [&] {
            proto::OperatorRequest request;
            request.mutable_create_command()->set_agent_id(static_cast<std::uint64_t>(agentId));
            request.mutable_create_command()->set_action(proto::ISOLATE);
            request.mutable_create_command()->set_reason("x");
            return request;
        };
        auto noReason = base();
        noReason.mutable_create_command()->set_reason("   ");
        QCOMPARE(failure(noReason), ErrorCode::InvalidArgument);
        auto unknownAgent = base();
        unknownAgent.mutable_create_command()->set_agent_id(999);
        QCOMPARE(failure(unknownAgent), ErrorCode::NotFound);
        auto noAction = base();
        noAction.mutable_create_command()->set_action(proto::COMMAND_ACTION_UNSPECIFIED);
        QCOMPARE(failure(noAction), ErrorCode::InvalidArgument);
        QCOMPARE(failure(killRequest(agentId, 0, 5)), ErrorCode::InvalidArgument);
        QCOMPARE(failure(killRequest(agentId, 1234, 0)), ErrorCode::InvalidArgument);
        auto relative = base();
        relative.mutable_create_command()->set_action(proto::QUARANTINE);
        relative.mutable_create_command()->mutable_quarantine()->set_path("etc/passwd");
        QCOMPARE(failure(relative), ErrorCode::InvalidArgument);
        auto badId = base();
        badId.mutable_create_command()->set_action(proto::RESTORE);
        badId.mutable_create_command()->mutable_restore()->set_quarantine_id("../../etc/shadow");
        QCOMPARE(failure(badId), ErrorCode::InvalidArgument);
        auto badKind = base();
        badKind.mutable_create_command()->set_action(proto::COLLECT);
        badKind.mutable_create_command()->mutable_collect()->set_kind("memory");
        QCOMPARE(failure(badKind), ErrorCode::InvalidArgument);
        auto tooMuch = base();
        tooMuch.mutable_create_command()->set_action(proto::COLLECT);
        tooMuch.mutable_create_command()->mutable_collect()->set_kind("file");
        tooMuch.mutable_create_command()->mutable_collect()->set_path("/etc/hostname");
        tooMuch.mutable_create_command()->mutable_collect()->set_max_bytes(9 << 20);
        QCOMPARE(failure(tooMuch), ErrorCode::InvalidArgument);
        auto tooLong = base();
        tooLong.mutable_create_command()->set_expires_in_seconds(400 * 86400ULL);
        QCOMPARE(failure(tooLong), ErrorCode::InvalidArgument);
        proto::OperatorRequest list;
        list.mutable_list_commands();
        QCOMPARE(tryCall(*admin, list)->list_commands().commands_size(), 0);
        // A policy with a malformed allowlist is refused.
        proto::OperatorRequest get;
        get.mutable_get_policy()->set_group("default");
        auto policy = tryCall(*admin, get);
        for (const auto& [address, protocol, port, direction] :
             {std::tuple{"10.0.0.300", "tcp", 502u, "outbound"},
              std::tuple{"10.0.0.0/33", "tcp", 502u, "outbound"},
              std::tuple{"10.0.0.5", "sctp", 502u, "outbound"},
              std::tuple{"10.0.0.5", "tcp", 0u, "outbound"},
              std::tuple{"10.0.0.5", "tcp", 502u, "sideways"}}) {
            proto::OperatorRequest set;
            set.mutable_set_policy()->set_group("default");
            *set.mutable_set_policy()->mutable_spec() = policy->get_policy().policy().spec();
            auto* flow =
                set.mutable_set_policy()->mutable_spec()->mutable_response()->add_isolation_allow();
            flow->set_address(address);
            flow->set_protocol(protocol);
            flow->set_port(port);
            flow->set_direction(direction);
            QCOMPARE(failure(set), ErrorCode::InvalidArgument);
        }
    }

    void anAgentCannotReportOnAnotherAgentsCommand() {
        TestSite site;
        net::Context context;
        auto [victimId, victimKeys] = site.enrolKeys(context, "victim");
        auto [otherId, otherKeys] = site.enrolKeys(context, "other");
        auto admin = site.operatorClient();
        proto::OperatorRequest isolate;
        isolate.mutable_create_command()->set_agent_id(static_cast<std::uint64_t>(victimId));
        isolate.mutable_create_command()->set_action(proto::ISOLATE);
        isolate.mutable_create_command()->set_reason("incident");
        auto created = tryCall(*admin, isolate);
        QVERIFY(created.ok());
        const auto id = created->create_command().command().id();
        // The other agent claims it failed (to make the operators think the isolation is off).
        RawPeer peer(context, site.serverKey(), site.endpoints().agent.front(), {}, otherKeys);
        proto::CommandResult forged;
        forged.set_id(id);
        forged.set_phase(proto::FAILED);
        forged.set_detail("nothing to see");
        auto envelope =
            protocol::unpack(peer.request(protocol::pack(proto::COMMAND_RESULT, 9, forged)));
        QVERIFY(envelope.ok());
        proto::Ack ack;
        QVERIFY(ack.ParseFromString(envelope->payload()));
        QCOMPARE(ack.status(), proto::ACK_REJECTED);
        QCOMPARE(commandById(*admin, id).state(), std::string("queued"));
        // A malformed report is refused too.
        auto garbage = protocol::unpack(
            peer.request(protocol::pack(proto::COMMAND_RESULT, 10, proto::Heartbeat{})));
        QVERIFY(garbage.ok());
        QVERIFY(ack.ParseFromString(garbage->payload()));
        QCOMPARE(ack.status(), proto::ACK_REJECTED);
        (void)otherId;
    }
};

QTEST_GUILESS_MAIN(TestCommands)
#include "TestCommands.moc"
