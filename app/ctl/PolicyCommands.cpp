// yagura-ctl: groups, policies, rule packs and exceptions. See docs/cli.md.
#include "ctl/PolicyCommands.h"

#include "client/RulePackFiles.h"
#include "common/Files.h"
#include "common/Text.h"
#include "proto/PolicyText.h"

#include <cstdio>
#include <memory>

namespace yagura::ctl {

namespace {

struct Options {
    bool asJson = false;
    std::string group;
    std::string description;
    std::string copyFrom;
    std::vector<std::uint64_t> ids;
    std::uint64_t version = 0;
    std::uint64_t otherVersion = 0;
    std::uint64_t baseVersion = 0;
    std::string file;
    std::string comment;
    std::string pack;
    std::string status;
    std::string search;
    std::vector<std::string> files;
    bool all = false;
    std::string path;
    std::uint64_t alertId = 0;
    std::string scope;
    bool anyImage = false;
    std::string expires;
    std::string reason;
    bool includeInactive = false;
};

proto::OperatorResponse call(const Connection& connection, const proto::OperatorRequest& request) {
    auto client = connectWithSession(connection);
    return orDie(client->call(request));
}

int groupsList(const Connection& connection, const Options& options) {
    proto::OperatorRequest request;
    request.mutable_list_groups();
    const auto response = call(connection, request);
    if (options.asJson) {
        std::printf("%s\n", toJson(response.list_groups()).c_str());
        return 0;
    }
    std::printf("%-24s %7s %8s %8s  %s\n", "GROUP", "AGENTS", "POLICY", "APPLIED", "DESCRIPTION");
    for (const auto& group : response.list_groups().groups())
        std::printf("%-24s %7u %8llu %8u  %s\n", group.name().c_str(), group.agents(),
                    static_cast<unsigned long long>(group.policy_version()), group.agents_applied(),
                    group.description().c_str());
    return 0;
}

int groupsCreate(const Connection& connection, const Options& options) {
    proto::OperatorRequest request;
    auto* create = request.mutable_create_group();
    create->set_name(options.group);
    create->set_description(options.description);
    create->set_copy_policy_from(options.copyFrom);
    const auto response = call(connection, request);
    const auto& group = response.create_group().group();
    std::printf("Group %s created%s\n", group.name().c_str(),
                group.policy_version()
                    ? (" with policy version " + std::to_string(group.policy_version())).c_str()
                    : " (no policy yet: its agents keep their last one)");
    return 0;
}

int agentsMove(const Connection& connection, const Options& options) {
    proto::OperatorRequest request;
    auto* move = request.mutable_move_agents();
    for (const auto id : options.ids)
        move->add_agent_ids(id);
    move->set_group(options.group);
    const auto response = call(connection, request);
    for (const auto& agent : response.move_agents().agents())
        std::printf("Agent %llu (%s) is in group %s, policy version %llu\n",
                    static_cast<unsigned long long>(agent.id()), agent.hostname().c_str(),
                    agent.group().c_str(),
                    static_cast<unsigned long long>(agent.desired_policy_version()));
    return 0;
}

proto::PolicyRecord fetchPolicy(const Connection& connection, const std::string& group,
                                std::uint64_t version) {
    proto::OperatorRequest request;
    request.mutable_get_policy()->set_group(group);
    request.mutable_get_policy()->set_version(version);
    return call(connection, request).get_policy().policy();
}

int policyShow(const Connection& connection, const Options& options) {
    const auto policy = fetchPolicy(connection, options.group, options.version);
    if (options.asJson) {
        std::printf("%s\n", toJson(policy).c_str());
        return 0;
    }
    std::printf("# group %s, version %llu, by %s at %s%s\n", policy.group().c_str(),
                static_cast<unsigned long long>(policy.version()), policy.created_by().c_str(),
                when(policy.created_at_unix()).c_str(),
                policy.comment().empty() ? "" : (": " + policy.comment()).c_str());
    std::printf("%s", protocol::policyToText(policy.spec()).c_str());
    return 0;
}

int policySet(const Connection& connection, const Options& options) {
    auto content = files::readFile(options.file, 4 << 20);
    if (!content.ok())
        die(content.error().message);
    // "#" lines (as `policy show` prints them) are comments.
    std::string body;
    for (std::string_view line : text::split(*content, '\n'))
        if (!text::startsWith(text::trim(line), "#"))
            body += std::string(line) + "\n";
    auto spec = protocol::policyFromText(body);
    if (!spec.ok())
        die(options.file + ": " + spec.error().message, 2);
    std::uint64_t base = options.baseVersion;
    if (base == 0) {
        // Without --base, the edit applies to whatever is current: fetch it (none is fine).
        proto::OperatorRequest current;
        current.mutable_get_policy()->set_group(options.group);
        auto client = connectWithSession(connection);
        auto response = client->call(current);
        if (response.ok())
            base = response->get_policy().policy().version();
        else if (response.error().code != ErrorCode::NotFound)
            die(response.error().message);
    }
    proto::OperatorRequest request;
    auto* set = request.mutable_set_policy();
    set->set_group(options.group);
    *set->mutable_spec() = *spec;
    set->set_comment(options.comment);
    set->set_base_version(base);
    const auto response = call(connection, request);
    std::printf("Group %s: policy version %llu saved; its agents fetch it now\n",
                options.group.c_str(),
                static_cast<unsigned long long>(response.set_policy().policy().version()));
    return 0;
}

int policyHistory(const Connection& connection, const Options& options) {
    proto::OperatorRequest request;
    request.mutable_policy_history()->set_group(options.group);
    const auto response = call(connection, request);
    if (options.asJson) {
        std::printf("%s\n", toJson(response.policy_history()).c_str());
        return 0;
    }
    std::printf("%-8s %-20s %-20s %s\n", "VERSION", "CREATED", "BY", "COMMENT");
    for (const auto& version : response.policy_history().versions())
        std::printf("%-8llu %-20s %-20s %s\n", static_cast<unsigned long long>(version.version()),
                    when(version.created_at_unix()).c_str(), version.created_by().c_str(),
                    version.comment().c_str());
    return 0;
}

int policyDiff(const Connection& connection, const Options& options) {
    const auto before = fetchPolicy(connection, options.group, options.version);
    const auto after = fetchPolicy(connection, options.group, options.otherVersion);
    std::printf("--- version %llu\n+++ version %llu\n",
                static_cast<unsigned long long>(before.version()),
                static_cast<unsigned long long>(after.version()));
    bool changed = false;
    for (const auto& line : protocol::diffLines(protocol::policyToText(before.spec()),
                                                protocol::policyToText(after.spec()))) {
        changed = changed || line.front() != ' ';
        std::printf("%s\n", line.c_str());
    }
    return changed ? 1 : 0; // like diff(1)
}

int rulesPacks(const Connection& connection, const Options& options) {
    proto::OperatorRequest request;
    request.mutable_list_rule_packs();
    const auto response = call(connection, request);
    if (options.asJson) {
        std::printf("%s\n", toJson(response.list_rule_packs()).c_str());
        return 0;
    }
    std::printf("%-24s %6s %7s %7s %7s %6s  %s\n", "PACK", "RULES", "LOADED", "NOT", "ENABLED",
                "LINUX", "IMPORTED");
    for (const auto& pack : response.list_rule_packs().packs())
        std::printf("%-24s %6u %7u %7u %7u %6u  %s by %s%s\n", pack.name().c_str(), pack.rules(),
                    pack.loaded(), pack.unsupported(), pack.enabled(), pack.linux_rules(),
                    when(pack.imported_at_unix()).c_str(), pack.imported_by().c_str(),
                    pack.builtin() ? " (ships with Yagura)" : "");
    return 0;
}

int rulesList(const Connection& connection, const Options& options) {
    proto::ListRulesResponse all;
    auto client = connectWithSession(connection);
    for (std::uint32_t offset = 0;;) {
        proto::OperatorRequest request;
        auto* list = request.mutable_list_rules();
        list->set_pack(options.pack);
        list->set_status(options.status);
        list->set_search(options.search);
        list->set_offset(offset);
        list->set_limit(1000);
        const auto response = orDie(client->call(request));
        for (const auto& rule : response.list_rules().rules())
            *all.add_rules() = rule;
        all.set_total(response.list_rules().total());
        offset += static_cast<std::uint32_t>(response.list_rules().rules_size());
        if (response.list_rules().rules_size() == 0 || offset >= response.list_rules().total())
            break;
    }
    if (options.asJson) {
        std::printf("%s\n", toJson(all).c_str());
        return 0;
    }
    for (const auto& rule : all.rules())
        std::printf("%-16s %-3s %-11s %-9s %s  %s%s\n", rule.pack().c_str(),
                    rule.enabled() ? "on" : "off", rule.status().c_str(), rule.level().c_str(),
                    rule.file().c_str(), rule.title().c_str(),
                    rule.reason().empty() ? "" : ("  [" + rule.reason() + "]").c_str());
    std::printf("%u rule(s)\n", all.total());
    return 0;
}

int rulesImport(const Connection& connection, const Options& options) {
    auto files = client::readRulePack(options.path);
    if (!files.ok())
        die(files.error().message, 2);
    const std::string source = std::filesystem::path(options.path).filename().string();
    const auto chunks = client::importChunks(options.pack, options.description, source, *files);
    auto client = connectWithSession(connection);
    std::uint32_t sent = 0, loaded = 0, unsupported = 0;
    proto::RulePackSummary pack;
    for (const auto& chunk : chunks) {
        proto::OperatorRequest request;
        *request.mutable_import_rules() = chunk;
        const auto response = orDie(client->call(request));
        sent += response.import_rules().received();
        loaded += response.import_rules().loaded();
        unsupported += response.import_rules().unsupported();
        if (response.import_rules().has_pack())
            pack = response.import_rules().pack();
        if (!options.asJson)
            std::fprintf(stderr, "\rimporting %s: %u of %zu files", options.pack.c_str(), sent,
                         files->size());
    }
    if (options.asJson) {
        std::printf("%s\n", toJson(pack).c_str());
        return 0;
    }
    std::fprintf(stderr, "\n");
    std::printf("Pack %s: %u rules loaded, %u not loaded (see 'yagura-ctl rules list --pack %s "
                "--status unsupported'); %u can run on Linux agents\n",
                options.pack.c_str(), loaded, unsupported, options.pack.c_str(),
                pack.linux_rules());
    return 0;
}

int rulesEnable(const Connection& connection, const Options& options, bool enabled) {
    if (options.files.empty() && !options.all)
        die("name rule files of the pack, or --all", 2);
    proto::OperatorRequest request;
    auto* set = request.mutable_set_rules_enabled();
    set->set_pack(options.pack);
    set->set_enabled(enabled);
    set->set_all(options.all);
    for (const auto& file : options.files)
        set->add_files(file);
    const auto response = call(connection, request);
    std::printf("%u rule(s) %s in pack %s\n", response.set_rules_enabled().changed(),
                enabled ? "enabled" : "disabled", options.pack.c_str());
    return 0;
}

int exceptionsList(const Connection& connection, const Options& options) {
    proto::OperatorRequest request;
    request.mutable_list_exceptions()->set_include_inactive(options.includeInactive);
    const auto response = call(connection, request);
    if (options.asJson) {
        std::printf("%s\n", toJson(response.list_exceptions()).c_str());
        return 0;
    }
    std::printf("%-5s %-6s %-24s %-20s %5s %-20s %s\n", "ID", "SCOPE", "WHERE", "EXPIRES", "HITS",
                "BY", "RULE / IMAGE / REASON");
    for (const auto& exception : response.list_exceptions().exceptions()) {
        const std::string where = exception.scope() == "host"    ? exception.hostname()
                                  : exception.scope() == "group" ? exception.group()
                                                                 : "all hosts";
        std::printf("%-5llu %-6s %-24s %-20s %5u %-20s %s / %s / %s%s\n",
                    static_cast<unsigned long long>(exception.id()), exception.scope().c_str(),
                    where.c_str(), when(exception.expires_at_unix()).c_str(), exception.hits(),
                    exception.created_by().c_str(), exception.rule_title().c_str(),
                    exception.image().empty() ? "any image" : exception.image().c_str(),
                    exception.reason().c_str(), exception.revoked() ? " (revoked)" : "");
    }
    return 0;
}

int exceptionsCreate(const Connection& connection, const Options& options) {
    proto::OperatorRequest request;
    auto* create = request.mutable_create_exception();
    create->set_alert_id(options.alertId);
    create->set_scope(options.scope);
    create->set_any_image(options.anyImage);
    create->set_reason(options.reason);
    if (!options.expires.empty()) {
        auto duration = text::parseDuration(options.expires);
        if (!duration.ok())
            die("--expires: " + duration.error().message, 2);
        create->set_expires_at_unix(
            static_cast<std::uint64_t>(std::time(nullptr) + duration->count()));
    }
    const auto response = call(connection, request);
    const auto& exception = response.create_exception().exception();
    std::printf("Exception %llu: rule %s no longer alerts on %s%s, %s\n",
                static_cast<unsigned long long>(exception.id()), exception.rule_title().c_str(),
                exception.scope() == "host"    ? ("host " + exception.hostname()).c_str()
                : exception.scope() == "group" ? ("group " + exception.group()).c_str()
                                               : "any host",
                exception.image().empty() ? "" : (" for " + exception.image()).c_str(),
                exception.expires_at_unix() ? ("until " + when(exception.expires_at_unix())).c_str()
                                            : "without expiry");
    return 0;
}

int exceptionsRevoke(const Connection& connection, const Options& options) {
    proto::OperatorRequest request;
    request.mutable_revoke_exception()->set_id(options.alertId);
    request.mutable_revoke_exception()->set_reason(options.reason);
    const auto response = call(connection, request);
    std::printf("Exception %llu revoked\n",
                static_cast<unsigned long long>(response.revoke_exception().exception().id()));
    return 0;
}

} // namespace

void addPolicyCommands(CLI::App& app, CLI::App& agents, CLI::App& rules,
                       const Connection& connection, std::optional<int>& exitCode) {
    auto options = std::make_shared<Options>();
    auto bind = [&connection, &exitCode, options](CLI::App* command, auto run) {
        command->callback(
            [&connection, &exitCode, options, run] { exitCode = run(connection, *options); });
    };

    auto* groups = app.add_subcommand("groups", "Agent groups (each has one policy)");
    groups->require_subcommand(1);
    auto* groupsListCommand = groups->add_subcommand("list", "List groups and policy versions");
    groupsListCommand->add_flag("--json", options->asJson, "JSON output");
    bind(groupsListCommand, groupsList);
    auto* groupsCreateCommand = groups->add_subcommand("create", "Create a group");
    groupsCreateCommand->add_option("NAME", options->group, "Group name")->required();
    groupsCreateCommand->add_option("--description", options->description, "What it holds");
    groupsCreateCommand->add_option("--copy-policy-from", options->copyFrom,
                                    "Start with this group's current policy");
    bind(groupsCreateCommand, groupsCreate);

    auto* move = agents.add_subcommand("move", "Move agents to another group (and policy)");
    move->add_option("IDS", options->ids, "Agent ids")->required();
    move->add_option("--group", options->group, "Target group")->required();
    bind(move, agentsMove);

    auto* policy = app.add_subcommand("policy", "Group policies: show, edit, history, diff");
    policy->require_subcommand(1);
    auto* show = policy->add_subcommand("show", "Print a group's policy (editable JSON)");
    show->add_option("GROUP", options->group, "Group")->required();
    show->add_option("--version", options->version, "An older version (default: current)");
    show->add_flag("--json", options->asJson, "JSON output with metadata");
    bind(show, policyShow);
    auto* set = policy->add_subcommand("set", "Save a new policy version from a file");
    set->add_option("GROUP", options->group, "Group")->required();
    set->add_option("--file", options->file, "Policy JSON, as 'policy show' prints it")
        ->required()
        ->check(CLI::ExistingFile);
    set->add_option("--comment", options->comment, "Why it changed");
    set->add_option("--base", options->baseVersion,
                    "The version you edited; refused if the policy changed since");
    bind(set, policySet);
    auto* history = policy->add_subcommand("history", "A group's policy versions, newest first");
    history->add_option("GROUP", options->group, "Group")->required();
    history->add_flag("--json", options->asJson, "JSON output");
    bind(history, policyHistory);
    auto* diff = policy->add_subcommand("diff", "Line diff between two versions");
    diff->add_option("GROUP", options->group, "Group")->required();
    diff->add_option("FROM", options->version, "Older version")->required();
    diff->add_option("TO", options->otherVersion, "Newer version (0: current)");
    bind(diff, policyDiff);

    auto* packs = rules.add_subcommand("packs", "Rule packs on the site");
    packs->add_flag("--json", options->asJson, "JSON output");
    bind(packs, rulesPacks);
    auto* list = rules.add_subcommand("list", "Rules with their load status");
    list->add_option("--pack", options->pack, "Only this pack");
    list->add_option("--status", options->status, "loaded, unsupported or duplicate");
    list->add_option("--search", options->search, "Text in title, id or file name");
    list->add_flag("--json", options->asJson, "JSON output");
    bind(list, rulesList);
    auto* import = rules.add_subcommand(
        "import", "Import a folder or archive (.tar.gz, .zip) of Sigma rules as a pack");
    import->add_option("PATH", options->path, "Folder or archive")->required();
    import->add_option("--pack", options->pack, "Pack name (a re-import replaces the pack)")
        ->required();
    import->add_option("--description", options->description, "What the pack is");
    import->add_flag("--json", options->asJson, "JSON output");
    bind(import, rulesImport);
    for (const bool enable : {true, false}) {
        auto* command =
            rules.add_subcommand(enable ? "enable" : "disable",
                                 enable ? "Enable rules of a pack" : "Disable rules of a pack");
        command->add_option("--pack", options->pack, "Pack")->required();
        command->add_option("FILES", options->files, "Rule files as 'rules list' shows them");
        command->add_flag("--all", options->all, "Every rule of the pack");
        command->callback([&connection, &exitCode, options, enable] {
            exitCode = rulesEnable(connection, *options, enable);
        });
    }

    auto* exceptions = app.add_subcommand("exceptions", "Exceptions made from false positives");
    exceptions->require_subcommand(1);
    auto* exceptionsListCommand = exceptions->add_subcommand("list", "Active exceptions");
    exceptionsListCommand->add_flag("--all", options->includeInactive,
                                    "Expired and revoked ones too");
    exceptionsListCommand->add_flag("--json", options->asJson, "JSON output");
    bind(exceptionsListCommand, exceptionsList);
    auto* create =
        exceptions->add_subcommand("create", "Stop an alert's rule from alerting again in a scope");
    create->add_option("--alert", options->alertId, "The false-positive alert")->required();
    create->add_option("--scope", options->scope, "host, group or all")
        ->required()
        ->check(CLI::IsMember({"host", "group", "all"}));
    create->add_flag("--any-image", options->anyImage,
                     "Any executable (default: only the alert's)");
    create->add_option("--expires", options->expires, "e.g. 30d; default: never");
    create->add_option("--reason", options->reason, "Why it is not a threat")->required();
    bind(create, exceptionsCreate);
    auto* revokeCommand = exceptions->add_subcommand("revoke", "End an exception now");
    revokeCommand->add_option("ID", options->alertId, "Exception id")->required();
    revokeCommand->add_option("--reason", options->reason, "Why");
    bind(revokeCommand, exceptionsRevoke);
}

} // namespace yagura::ctl
