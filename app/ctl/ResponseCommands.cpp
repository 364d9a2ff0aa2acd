// yagura-ctl: response commands (isolate, release, kill, ...) and their history. See docs/cli.md.
#include "ctl/ResponseCommands.h"

#include "common/Files.h"
#include "common/Text.h"

#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>

namespace yagura::ctl {

namespace {

struct Options {
    std::uint64_t agentId = 0;
    std::string reason;
    std::string expires;
    bool yes = false;
    bool previewOnly = false;
    bool asJson = false;
    bool wait = false;
    std::uint32_t pid = 0;
    std::uint64_t startTicks = 0;
    bool tree = false;
    std::uint64_t commandId = 0;
    std::vector<std::string> states;
    std::uint32_t limit = 0;
    std::uint64_t fromAlert = 0;
    std::string path;
    std::string quarantineId;
    std::string kind;
    std::uint64_t maxBytes = 0;
    std::string outputFile;
    bool includeRestored = false;
};

// Collected output to a file, or to standard output.
void writeOutput(const std::string& bytes, const std::string& file) {
    if (file.empty()) {
        std::fwrite(bytes.data(), 1, bytes.size(), stdout);
        if (!bytes.empty() && bytes.back() != '\n')
            std::printf("\n");
        return;
    }
    if (auto written = files::writeFileAtomic(file, bytes, 0600); !written.ok())
        die(written.error().message);
}

proto::OperatorResponse call(const Connection& connection, const proto::OperatorRequest& request) {
    auto client = connectWithSession(connection);
    return orDie(client->call(request));
}

const char* actionName(proto::CommandAction action) {
    switch (action) {
    case proto::ISOLATE:
        return "isolate";
    case proto::RELEASE:
        return "release";
    case proto::KILL:
        return "kill";
    case proto::QUARANTINE:
        return "quarantine";
    case proto::RESTORE:
        return "restore";
    case proto::COLLECT:
        return "collect";
    default:
        return "?";
    }
}

bool isFinal(const std::string& state) {
    return state == "succeeded" || state == "failed" || state == "expired";
}

void printCommand(const proto::CommandRecord& command) {
    std::printf("Command %llu: %s on agent %llu (%s): %s\n",
                static_cast<unsigned long long>(command.id()), actionName(command.action()),
                static_cast<unsigned long long>(command.agent_id()), command.hostname().c_str(),
                command.state().c_str());
    std::printf("  reason:     %s\n  by:         %s at %s\n  expires:    %s\n",
                command.reason().c_str(), command.created_by().c_str(),
                when(command.created_at_unix()).c_str(), when(command.expires_at_unix()).c_str());
    if (command.delivered_at_unix())
        std::printf("  delivered:  %s\n", when(command.delivered_at_unix()).c_str());
    if (command.acknowledged_at_unix())
        std::printf("  agent took: %s\n", when(command.acknowledged_at_unix()).c_str());
    if (command.finished_at_unix())
        std::printf("  finished:   %s\n", when(command.finished_at_unix()).c_str());
    if (!command.detail().empty())
        std::printf("  detail:     %s\n", command.detail().c_str());
}

// Shows what will be done, asks unless --yes, creates the command; with --wait, follows it
// until it ends (exit 0 succeeded, 1 failed or expired).
int create(const Connection& connection, const Options& options, proto::CommandAction action) {
    proto::OperatorRequest request;
    auto* create = request.mutable_create_command();
    create->set_agent_id(options.agentId);
    create->set_action(action);
    create->set_reason(options.reason);
    create->set_from_alert_id(options.fromAlert);
    if (!options.expires.empty()) {
        auto duration = text::parseDuration(options.expires);
        if (!duration.ok())
            die("--expires: " + duration.error().message, 2);
        create->set_expires_in_seconds(static_cast<std::uint64_t>(duration->count()));
    }
    if (action == proto::QUARANTINE)
        create->mutable_quarantine()->set_path(options.path);
    if (action == proto::RESTORE)
        create->mutable_restore()->set_quarantine_id(options.quarantineId);
    if (action == proto::COLLECT) {
        create->mutable_collect()->set_kind(options.kind);
        create->mutable_collect()->set_path(options.path);
        create->mutable_collect()->set_max_bytes(options.maxBytes);
    }
    if (action == proto::KILL) {
        create->mutable_kill()->set_pid(options.pid);
        create->mutable_kill()->set_start_ticks(options.startTicks);
        create->mutable_kill()->set_tree(options.tree);
    }
    auto client = connectWithSession(connection);
    proto::OperatorRequest preview = request;
    preview.mutable_create_command()->set_preview_only(true);
    const auto previewed = orDie(client->call(preview));
    if (options.previewOnly || !options.yes) {
        std::printf("%s on agent %llu (%s):\n%s", actionName(action),
                    static_cast<unsigned long long>(options.agentId),
                    previewed.create_command().command().hostname().c_str(),
                    previewed.create_command().preview().c_str());
        if (options.previewOnly)
            return 0;
        std::printf("Proceed? [y/N] ");
        std::fflush(stdout);
        std::string answer;
        if (!std::getline(std::cin, answer) || (answer != "y" && answer != "yes")) {
            std::printf("Nothing was done.\n");
            return 1;
        }
    }
    const auto created = orDie(client->call(request));
    proto::CommandRecord command = created.create_command().command();
    if (options.asJson && !options.wait) {
        std::printf("%s\n", toJson(command).c_str());
        return 0;
    }
    if (!options.asJson)
        std::printf("Command %llu (%s) %s\n", static_cast<unsigned long long>(command.id()),
                    actionName(action), command.state().c_str());
    if (!options.wait)
        return 0;
    std::string last = command.state();
    const std::time_t deadline = std::time(nullptr) + 120;
    while (!isFinal(command.state()) && std::time(nullptr) < deadline) {
        // The command's record is the source of truth; read it twice a second.
        struct timespec pause {
            0, 500'000'000
        };
        ::nanosleep(&pause, nullptr);
        proto::OperatorRequest get;
        get.mutable_get_command()->set_id(command.id());
        command = orDie(client->call(get)).get_command().command();
        if (command.state() != last && !options.asJson) {
            last = command.state();
            std::printf("  %s%s%s\n", command.state().c_str(), command.detail().empty() ? "" : ": ",
                        command.detail().c_str());
        }
    }
    if (options.asJson)
        std::printf("%s\n", toJson(command).c_str());
    if (command.state() == "succeeded" && command.output_size() > 0 &&
        (!options.outputFile.empty() || !options.asJson)) {
        proto::OperatorRequest get;
        get.mutable_get_command_output()->set_id(command.id());
        const auto output = orDie(client->call(get)).get_command_output();
        writeOutput(output.output(), options.outputFile);
    }
    if (!isFinal(command.state())) {
        std::fprintf(stderr,
                     "Still %s after 2 minutes (the agent may be offline); it will run when the "
                     "agent is back, until it expires.\n",
                     command.state().c_str());
        return 3;
    }
    return command.state() == "succeeded" ? 0 : 1;
}

int output(const Connection& connection, const Options& options) {
    proto::OperatorRequest request;
    request.mutable_get_command_output()->set_id(options.commandId);
    const auto response = call(connection, request);
    writeOutput(response.get_command_output().output(), options.outputFile);
    if (!options.outputFile.empty())
        std::fprintf(stderr, "%zu bytes (%s, SHA-256 %s) written to %s\n",
                     response.get_command_output().output().size(),
                     response.get_command_output().output_type().c_str(),
                     response.get_command_output().sha256().c_str(), options.outputFile.c_str());
    return 0;
}

int quarantined(const Connection& connection, const Options& options) {
    proto::OperatorRequest request;
    request.mutable_list_quarantine()->set_agent_id(options.agentId);
    request.mutable_list_quarantine()->set_include_restored(options.includeRestored);
    const auto response = call(connection, request);
    if (options.asJson) {
        std::printf("%s\n", toJson(response.list_quarantine()).c_str());
        return 0;
    }
    std::printf("%-32s %6s %-16s %-20s %10s %s\n", "ID", "AGENT", "HOST", "QUARANTINED", "BYTES",
                "PATH");
    for (const auto& record : response.list_quarantine().items())
        std::printf("%-32s %6llu %-16s %-20s %10llu %s%s\n", record.item().id().c_str(),
                    static_cast<unsigned long long>(record.agent_id()), record.hostname().c_str(),
                    when(record.item().quarantined_at_unix()).c_str(),
                    static_cast<unsigned long long>(record.item().size()),
                    record.item().path().c_str(),
                    record.restored_at_unix()
                        ? (" (restored " + when(record.restored_at_unix()) + ")").c_str()
                        : "");
    return 0;
}

int list(const Connection& connection, const Options& options) {
    proto::OperatorRequest request;
    auto* list = request.mutable_list_commands();
    list->set_agent_id(options.agentId);
    for (const auto& state : options.states)
        list->add_states(state);
    list->set_limit(options.limit);
    const auto response = call(connection, request);
    if (options.asJson) {
        std::printf("%s\n", toJson(response.list_commands()).c_str());
        return 0;
    }
    std::printf("%6s %-10s %6s %-20s %-13s %-20s %s\n", "ID", "ACTION", "AGENT", "HOST", "STATE",
                "CREATED", "REASON / DETAIL");
    for (const auto& command : response.list_commands().commands())
        std::printf("%6llu %-10s %6llu %-20s %-13s %-20s %s%s%s\n",
                    static_cast<unsigned long long>(command.id()), actionName(command.action()),
                    static_cast<unsigned long long>(command.agent_id()), command.hostname().c_str(),
                    command.state().c_str(), when(command.created_at_unix()).c_str(),
                    command.reason().c_str(), command.detail().empty() ? "" : " / ",
                    command.detail().c_str());
    return 0;
}

int show(const Connection& connection, const Options& options) {
    proto::OperatorRequest request;
    request.mutable_get_command()->set_id(options.commandId);
    const auto response = call(connection, request);
    if (options.asJson)
        std::printf("%s\n", toJson(response.get_command().command()).c_str());
    else
        printCommand(response.get_command().command());
    return 0;
}

} // namespace

void addResponseCommands(CLI::App& app, const Connection& connection,
                         std::optional<int>& exitCode) {
    auto options = std::make_shared<Options>();
    auto common = [options](CLI::App* command) {
        command->add_option("AGENT", options->agentId, "Agent id")->required();
        command->add_option("--reason", options->reason, "Why (recorded and audited)")->required();
        command->add_option("--expires", options->expires,
                            "Give up if not carried out within this time, e.g. 2h (default: the "
                            "site's, 14 days)");
        command->add_flag("--yes,-y", options->yes, "Do not show the preview and ask");
        command->add_flag("--preview", options->previewOnly, "Only show what would be done");
        command->add_flag("--wait", options->wait, "Follow the command until it ends");
        command->add_option("--alert", options->fromAlert, "The alert that prompted it");
        command->add_flag("--json", options->asJson, "JSON output");
    };
    const std::pair<const char*, proto::CommandAction> actions[] = {
        {"isolate", proto::ISOLATE}, {"release", proto::RELEASE},
        {"kill", proto::KILL},       {"quarantine", proto::QUARANTINE},
        {"restore", proto::RESTORE}, {"collect", proto::COLLECT}};
    const char* help[] = {
        "Isolate a host: only the site server and the policy's allowlisted flows stay reachable",
        "End a host's isolation",
        "Kill a process (by id and start time) on a host",
        "Move a file into the host's encrypted quarantine",
        "Put a quarantined file back, with its owner and mode",
        "Collect processes, connections, a file's metadata or the file itself"};
    for (std::size_t i = 0; i < std::size(actions); ++i) {
        auto* command = app.add_subcommand(actions[i].first, help[i]);
        common(command);
        if (actions[i].second == proto::KILL) {
            command->add_option("--pid", options->pid, "Process id")->required();
            command
                ->add_option("--start-ticks", options->startTicks,
                             "Its start time: field 22 of /proc/PID/stat (ProcessStartTicks "
                             "in its events)")
                ->required();
            command->add_flag("--tree", options->tree, "And every descendant");
        }
        if (actions[i].second == proto::QUARANTINE)
            command->add_option("--path", options->path, "The file (absolute path)")->required();
        if (actions[i].second == proto::RESTORE)
            command
                ->add_option("--id", options->quarantineId,
                             "Quarantine id, as 'quarantined' lists it")
                ->required();
        if (actions[i].second == proto::COLLECT) {
            command->add_option("--kind", options->kind, "processes, connections, file_info, file")
                ->required()
                ->check(CLI::IsMember({"processes", "connections", "file_info", "file"}));
            command->add_option("--path", options->path, "The file (file_info, file)");
            command->add_option("--max-bytes", options->maxBytes,
                                "file: at most this much (default and most: 8 MiB)");
            command->add_option("--output", options->outputFile,
                                "With --wait: write what was collected here (default: stdout)");
        }
        const auto action = actions[i].second;
        command->callback([&connection, &exitCode, options, action] {
            exitCode = create(connection, *options, action);
        });
    }

    auto* commands = app.add_subcommand("commands", "Response commands and their status");
    commands->require_subcommand(1);
    auto* listCommand = commands->add_subcommand("list", "Commands, newest first");
    listCommand->add_option("--agent", options->agentId, "Only this agent's");
    listCommand->add_option("--state", options->states,
                            "queued, delivered, acknowledged, applied, succeeded, failed, expired");
    listCommand->add_option("--limit", options->limit, "At most this many (default 200)")
        ->check(CLI::Range(1, 1000));
    listCommand->add_flag("--json", options->asJson, "JSON output");
    listCommand->callback(
        [&connection, &exitCode, options] { exitCode = list(connection, *options); });
    auto* outputCommand = commands->add_subcommand("output", "What a collect command brought back");
    outputCommand->add_option("ID", options->commandId, "Command id")->required();
    outputCommand->add_option("--output", options->outputFile, "Write it here (default: stdout)");
    outputCommand->callback(
        [&connection, &exitCode, options] { exitCode = output(connection, *options); });
    auto* quarantinedCommand = app.add_subcommand("quarantined", "Files in the hosts' quarantines");
    quarantinedCommand->add_option("--agent", options->agentId, "Only this agent's");
    quarantinedCommand->add_flag("--all", options->includeRestored, "Restored ones too");
    quarantinedCommand->add_flag("--json", options->asJson, "JSON output");
    quarantinedCommand->callback(
        [&connection, &exitCode, options] { exitCode = quarantined(connection, *options); });
    auto* showCommand = commands->add_subcommand("show", "One command");
    showCommand->add_option("ID", options->commandId, "Command id")->required();
    showCommand->add_flag("--json", options->asJson, "JSON output");
    showCommand->callback(
        [&connection, &exitCode, options] { exitCode = show(connection, *options); });
}

} // namespace yagura::ctl
