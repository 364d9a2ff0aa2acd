// yagura-ctl: the command-line operator client. See docs/cli.md.
#include "client/OperatorClient.h"
#include "common/Files.h"
#include "common/Text.h"
#include "common/Version.h"
#include "ctl/CtlSupport.h"
#include "ctl/PolicyCommands.h"
#include "ctl/ResponseCommands.h"
#include "detect/EventJson.h"
#include "detect/RuleSet.h"

#include "common/CommandLine.h"
#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <termios.h>
#include <unistd.h>

using namespace yagura;
using namespace yagura::ctl;
using json = nlohmann::json;

namespace {

int cmdLogin(const Connection& connection) {
    const auto address = resolveAddress(connection, json::object());
    const std::string user = envOr("YAGURA_USER", connection.user);
    if (user.empty())
        die("login needs --user (or YAGURA_USER)", 2);
    auto client = orDie(client::OperatorClient::create(address));
    const auto login = orDie(
        client->login(user, readPassword(envOr("YAGURA_PASSWORD_FILE", connection.passwordFile))));
    const json saved = {{"server", address.endpoint},
                        {"server_key", address.serverKey.z85()},
                        {"user", login.user()},
                        {"role", login.role()},
                        {"client_public", client->clientKeys().publicKey().z85()},
                        {"client_secret", client->clientKeys().secretZ85()},
                        {"session_token", text::toBase64Url(login.session_token())}};
    const auto path = sessionFile();
    if (auto status = files::ensureDirectory(path.parent_path(), 0700); !status.ok())
        die(status.error().message);
    if (auto status = files::writeFileAtomic(path, saved.dump(2) + "\n", 0600); !status.ok())
        die(status.error().message);
    std::printf("Logged in to %s as %s (%s)\n", address.endpoint.c_str(), login.user().c_str(),
                login.role().c_str());
    return 0;
}

int cmdLogout(const Connection& connection) {
    auto client = connectWithSession(connection);
    proto::OperatorRequest request;
    request.mutable_logout();
    (void)client->call(request);
    std::error_code ec;
    std::filesystem::remove(sessionFile(), ec);
    std::printf("Logged out\n");
    return 0;
}

int cmdAgentsList(const Connection& connection, bool asJson, const std::vector<std::string>& states,
                  const std::string& search) {
    auto client = connectWithSession(connection);
    proto::ListAgentsResponse all;
    for (std::uint32_t offset = 0;;) {
        proto::OperatorRequest request;
        auto* list = request.mutable_list_agents();
        list->set_offset(offset);
        list->set_limit(1000);
        list->set_search(search);
        for (const auto& state : states)
            list->add_states(state);
        const auto response = orDie(client->call(request));
        for (const auto& agent : response.list_agents().agents())
            *all.add_agents() = agent;
        all.set_total(response.list_agents().total());
        offset += static_cast<std::uint32_t>(response.list_agents().agents_size());
        if (response.list_agents().agents_size() == 0 || offset >= response.list_agents().total())
            break;
    }
    if (asJson) {
        std::printf("%s\n", toJson(all).c_str());
        return 0;
    }
    std::printf("%-6s %-24s %-9s %-8s %-28s %-20s %s\n", "ID", "HOSTNAME", "STATE", "ONLINE", "OS",
                "LAST SEEN", "KEY FINGERPRINT");
    for (const auto& agent : all.agents())
        std::printf("%-6llu %-24s %-9s %-8s %-28s %-20s %s\n",
                    static_cast<unsigned long long>(agent.id()), agent.hostname().c_str(),
                    agent.state().c_str(), agent.online() ? "online" : "-",
                    agent.os().substr(0, 28).c_str(), when(agent.last_seen_unix()).c_str(),
                    agent.key_fingerprint().c_str());
    return 0;
}

int cmdAgentAction(const Connection& connection, proto::AgentAction action, std::uint64_t id) {
    auto client = connectWithSession(connection);
    proto::OperatorRequest request;
    request.mutable_agent_action()->set_agent_id(id);
    request.mutable_agent_action()->set_action(action);
    const auto response = orDie(client->call(request));
    const auto& agent = response.agent_action().agent();
    std::printf("Agent %llu (%s) is now %s\n", static_cast<unsigned long long>(agent.id()),
                agent.hostname().c_str(), agent.state().c_str());
    return 0;
}

int cmdAssetShow(const Connection& connection, std::uint64_t id, bool asJson) {
    auto client = connectWithSession(connection);
    proto::OperatorRequest request;
    request.mutable_get_asset()->set_agent_id(id);
    const auto response = orDie(client->call(request));
    const auto& asset = response.get_asset();
    if (asJson) {
        std::printf("%s\n", toJson(asset).c_str());
        return 0;
    }
    const auto& agent = asset.agent();
    const auto& inventory = asset.inventory();
    const auto& host = inventory.host();
    std::printf("Agent %llu: %s (%s%s)\n", static_cast<unsigned long long>(agent.id()),
                agent.hostname().c_str(), agent.state().c_str(), agent.online() ? ", online" : "");
    std::printf("  Key fingerprint: %s\n", agent.key_fingerprint().c_str());
    std::printf("  OS:      %s, kernel %s (%s)\n", host.os().pretty_name().c_str(),
                host.os().kernel_release().c_str(), host.os().architecture().c_str());
    std::printf("  CPU:     %s, %u logical cores\n", host.hardware().cpu_model().c_str(),
                host.hardware().cpu_logical_cores());
    std::printf("  Memory:  %llu MiB\n",
                static_cast<unsigned long long>(host.hardware().memory_total_bytes() >> 20));
    std::printf("  Machine: %s\n", host.machine_id().c_str());
    std::printf("  Inventory updated %s\n", when(asset.inventory_updated_unix()).c_str());
    std::printf("Interfaces (%d)\n", inventory.interfaces_size());
    for (const auto& nic : inventory.interfaces()) {
        std::string addresses;
        for (const auto& address : nic.addresses())
            addresses += " " + address.address() + "/" + std::to_string(address.prefix_length());
        std::printf("  %-12s %-17s %s%s\n", nic.name().c_str(), nic.mac().c_str(),
                    nic.up() ? "up" : "down", addresses.c_str());
    }
    std::printf("Disks (%d)\n", inventory.disks_size());
    for (const auto& disk : inventory.disks())
        std::printf("  %-24s %-10s %llu MiB free of %llu MiB\n", disk.mount_point().c_str(),
                    disk.filesystem().c_str(),
                    static_cast<unsigned long long>(disk.free_bytes() >> 20),
                    static_cast<unsigned long long>(disk.total_bytes() >> 20));
    std::printf("Listening ports (%d)\n", inventory.listening_ports_size());
    for (const auto& port : inventory.listening_ports())
        std::printf("  %-5s %-30s %-6u %s\n", port.protocol().c_str(), port.address().c_str(),
                    port.port(), port.process().empty() ? "?" : port.process().c_str());
    std::printf("Users: %d, groups: %d, packages: %d, services: %d\n", inventory.users_size(),
                inventory.groups_size(), inventory.packages_size(), inventory.services_size());
    for (const auto& issue : inventory.issues())
        std::printf("Not collected: %s: %s\n", issue.section().c_str(), issue.message().c_str());
    return 0;
}

int cmdEventsList(const Connection& connection, std::uint64_t agentId, const std::string& category,
                  const std::string& contains, std::uint64_t after, std::uint32_t limit,
                  bool asJson) {
    auto client = connectWithSession(connection);
    proto::OperatorRequest request;
    auto* list = request.mutable_list_events();
    list->set_agent_id(agentId);
    list->set_category(category);
    list->set_contains(contains);
    list->set_after_seq(after);
    list->set_limit(limit);
    const auto response = orDie(client->call(request));
    if (asJson) {
        std::printf("%s\n", toJson(response.list_events()).c_str());
        return 0;
    }
    for (const auto& event : response.list_events().events()) {
        std::string summary;
        for (const auto& field : event.fields())
            if (field.name() == "Image" || field.name() == "CommandLine" || field.name() == "User")
                summary += " " + field.name() + "=" + field.value();
        std::printf(
            "%8llu %s %-18s%s\n", static_cast<unsigned long long>(event.seq()),
            text::isoTimeUtc(static_cast<std::int64_t>(event.time_unix_ms() / 1000)).c_str(),
            event.category().c_str(), summary.c_str());
    }
    return 0;
}

struct AlertFilter {
    std::vector<std::string> levels;
    std::string search;
    std::string tag;
    std::string since;
};

int cmdAlertsList(const Connection& connection, const std::vector<std::string>& statuses,
                  std::uint64_t agentId, const std::string& ruleId, std::uint32_t limit,
                  bool asJson, const AlertFilter& filter) {
    proto::OperatorRequest request;
    auto* list = request.mutable_list_alerts();
    if (!filter.since.empty()) {
        auto period = text::parseDuration(filter.since);
        if (!period.ok())
            die("--since: " + period.error().message, 2);
        list->set_since_unix_ms(
            static_cast<std::uint64_t>((std::time(nullptr) - period->count()) * 1000));
    }
    auto client = connectWithSession(connection);
    for (const auto& status : statuses)
        list->add_statuses(status);
    for (const auto& level : filter.levels)
        list->add_levels(level);
    list->set_search(filter.search);
    list->set_tag(filter.tag);
    list->set_agent_id(agentId);
    list->set_rule_id(ruleId);
    list->set_limit(limit);
    const auto response = orDie(client->call(request));
    if (asJson) {
        std::printf("%s\n", toJson(response.list_alerts()).c_str());
        return 0;
    }
    std::printf("%-6s %-9s %-13s %-20s %5s %-22s %s\n", "ID", "LEVEL", "STATUS", "HOST", "COUNT",
                "LAST SEEN", "RULE");
    for (const auto& alert : response.list_alerts().alerts())
        std::printf(
            "%-6llu %-9s %-13s %-20s %5u %-22s %s (%s)\n",
            static_cast<unsigned long long>(alert.id()), alert.level().c_str(),
            alert.status().c_str(), alert.hostname().c_str(), alert.count(),
            text::isoTimeUtc(static_cast<std::int64_t>(alert.last_seen_unix_ms() / 1000)).c_str(),
            alert.rule_title().c_str(), alert.rule_id().c_str());
    std::printf("%u alert(s)\n", response.list_alerts().total());
    return 0;
}

// Offline: no server, no session. Rule authors check their rules against sample events.
int cmdRulesTest(const std::vector<std::string>& rulePaths, const std::string& eventsFile,
                 bool asJson) {
    detect::RuleSet rules;
    json problems = json::array();
    for (const auto& path : rulePaths) {
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            const auto report = rules.loadDirectory(path);
            for (const auto& [file, reason] : report.problems)
                problems.push_back({{"file", file}, {"reason", reason}});
        } else if (auto loaded = rules.loadFile(path); !loaded.ok()) {
            problems.push_back({{"file", path}, {"reason", loaded.error().message}});
        }
    }
    if (rules.size() == 0)
        die("no rule could be loaded" +
            (problems.empty() ? std::string{} : ": " + problems[0]["reason"].get<std::string>()));
    auto content = files::readFile(eventsFile, 512u << 20);
    if (!content.ok())
        die(content.error().message);
    auto events = detect::parseJsonEvents(*content);
    if (!events.ok())
        die(eventsFile + ": " + events.error().message);
    json matches = json::array();
    std::vector<const detect::Rule*> matched;
    for (std::size_t i = 0; i < events->size(); ++i) {
        matched.clear();
        rules.match((*events)[i], matched);
        for (const detect::Rule* rule : matched)
            matches.push_back({{"event", i + 1},
                               {"rule_id", rule->id},
                               {"title", rule->title},
                               {"level", rule->level}});
    }
    if (asJson) {
        const json result = {{"rules_loaded", rules.size()},
                             {"rules_not_loaded", problems},
                             {"events", events->size()},
                             {"matches", matches}};
        std::printf("%s\n", result.dump(2).c_str());
        return 0;
    }
    for (const auto& problem : problems)
        std::fprintf(stderr, "not loaded: %s: %s\n", problem["file"].get<std::string>().c_str(),
                     problem["reason"].get<std::string>().c_str());
    for (const auto& match : matches)
        std::printf("event %llu: %s %s (%s)\n",
                    static_cast<unsigned long long>(match["event"].get<std::size_t>()),
                    match["rule_id"].get<std::string>().c_str(),
                    match["title"].get<std::string>().c_str(),
                    match["level"].get<std::string>().c_str());
    std::printf("%zu rule(s), %zu event(s), %zu match(es)\n", rules.size(), events->size(),
                matches.size());
    return 0;
}

int cmdAlertsUpdate(const Connection& connection, const std::vector<std::uint64_t>& ids,
                    const std::string& status, const std::string& assignee, bool unassign,
                    const std::string& note) {
    auto client = connectWithSession(connection);
    proto::OperatorRequest request;
    auto* update = request.mutable_update_alerts();
    for (const auto id : ids)
        update->add_alert_ids(id);
    if (!status.empty())
        update->set_status(status);
    if (!assignee.empty() || unassign)
        update->set_assignee(unassign ? std::string{} : assignee);
    update->set_note(note);
    const auto response = orDie(client->call(request));
    for (const auto& alert : response.update_alerts().alerts())
        std::printf("Alert %llu (%s): %s%s\n", static_cast<unsigned long long>(alert.id()),
                    alert.rule_title().c_str(), alert.status().c_str(),
                    alert.assignee().empty() ? "" : (", assigned to " + alert.assignee()).c_str());
    return 0;
}

int cmdAlertShow(const Connection& connection, std::uint64_t id, bool asJson) {
    auto client = connectWithSession(connection);
    proto::OperatorRequest request;
    request.mutable_get_alert()->set_alert_id(id);
    const auto response = orDie(client->call(request));
    const auto& detail = response.get_alert();
    if (asJson) {
        std::printf("%s\n", toJson(detail).c_str());
        return 0;
    }
    const auto& alert = detail.alert();
    std::printf(
        "Alert %llu: %s (%s)\n  rule %s, level %s, status %s%s\n  host %s, image %s, "
        "fired %u time(s), last %s\n",
        static_cast<unsigned long long>(alert.id()), alert.rule_title().c_str(),
        alert.hostname().c_str(), alert.rule_id().c_str(), alert.level().c_str(),
        alert.status().c_str(),
        alert.assignee().empty() ? "" : (", assigned to " + alert.assignee()).c_str(),
        alert.hostname().c_str(), alert.image().c_str(), alert.count(),
        text::isoTimeUtc(static_cast<std::int64_t>(alert.last_seen_unix_ms() / 1000)).c_str());
    if (alert.tags_size() > 0) {
        std::string tags;
        for (const auto& tag : alert.tags())
            tags += " " + tag;
        std::printf("  tags:%s\n", tags.c_str());
    }
    std::printf("Triggering event:\n");
    for (const auto& field : detail.triggering_event().fields())
        std::printf("  %-18s %s\n", field.name().c_str(), field.value().c_str());
    std::printf("History:\n");
    for (const auto& entry : detail.history())
        std::printf(
            "  %s %s %s%s\n",
            text::isoTimeUtc(static_cast<std::int64_t>(entry.time_unix_ms() / 1000)).c_str(),
            entry.actor().c_str(), entry.change().c_str(), entry.note().c_str());
    return 0;
}

int cmdAuditList(const Connection& connection, bool asJson, std::uint64_t after,
                 std::uint32_t limit, const std::string& actor, const std::string& action) {
    auto client = connectWithSession(connection);
    proto::OperatorRequest request;
    auto* list = request.mutable_list_audit();
    list->set_after_seq(after);
    list->set_limit(limit);
    list->set_actor(actor);
    list->set_action_prefix(action);
    const auto response = orDie(client->call(request));
    if (asJson) {
        std::printf("%s\n", toJson(response.list_audit()).c_str());
        return 0;
    }
    for (const auto& entry : response.list_audit().entries())
        std::printf(
            "%6llu %s %-24s %-18s %-7s %s %s\n", static_cast<unsigned long long>(entry.seq()),
            text::isoTimeUtc(static_cast<std::int64_t>(entry.time_unix_ms() / 1000)).c_str(),
            entry.actor().c_str(), entry.action().c_str(), entry.outcome().c_str(),
            entry.target().c_str(), entry.detail().c_str());
    return 0;
}

int cmdAuditVerify(const Connection& connection) {
    auto client = connectWithSession(connection);
    proto::OperatorRequest request;
    request.mutable_verify_audit();
    const auto response = orDie(client->call(request));
    const auto& result = response.verify_audit();
    if (result.intact()) {
        std::printf("Audit chain intact: %llu entries, head %s\n",
                    static_cast<unsigned long long>(result.entries_checked()),
                    result.head_hash().c_str());
        return 0;
    }
    std::printf("Audit chain BROKEN at entry %llu: %s\n",
                static_cast<unsigned long long>(result.first_broken_seq()),
                result.problem().c_str());
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"yagura-ctl: Yagura operator command line"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("yagura-ctl ") + kVersion);
    Connection connection;
    app.add_option("--server", connection.server,
                   "Operator API address, tcp://HOST:7422 (env YAGURA_SERVER)");
    app.add_option("--server-key", connection.serverKey,
                   "Server CURVE public key, Z85 (env YAGURA_SERVER_KEY)");
    app.add_option("--data-dir", connection.dataDir,
                   "A local site's data directory: address and key from there");
    app.add_option("--user", connection.user,
                   "Log in as this user for this command (env YAGURA_USER)");
    app.add_option("--password-file", connection.passwordFile,
                   "File holding the password (env YAGURA_PASSWORD_FILE)");
    app.fallthrough();

    auto* login = app.add_subcommand("login", "Log in and save the session for later commands");
    auto* logout = app.add_subcommand("logout", "End the saved session");

    auto* agents = app.add_subcommand("agents", "Enrolled agents");
    agents->require_subcommand(1);
    bool asJson = false;
    std::vector<std::string> states;
    std::string search;
    auto* agentsList = agents->add_subcommand("list", "List agents");
    agentsList->add_flag("--json", asJson, "JSON output");
    agentsList->add_option("--state", states,
                           "pending, accepted, online, offline, rejected, revoked (repeatable)");
    agentsList->add_option("--search", search, "Text to search in host name, OS, group, address");
    std::uint64_t agentId = 0;
    std::uint64_t after = 0;
    std::uint32_t limit = 100;
    auto* accept = agents->add_subcommand("accept", "Accept a pending agent");
    accept->add_option("ID", agentId, "Agent id")->required();
    auto* reject = agents->add_subcommand("reject", "Reject a pending agent");
    reject->add_option("ID", agentId, "Agent id")->required();
    auto* revoke = agents->add_subcommand("revoke", "Revoke an agent: it is cut off at once");
    revoke->add_option("ID", agentId, "Agent id")->required();

    auto* assets = app.add_subcommand("assets", "Asset inventory");
    assets->require_subcommand(1);
    auto* assetShow = assets->add_subcommand("show", "Show an agent's full inventory");
    assetShow->add_option("ID", agentId, "Agent id")->required();
    assetShow->add_flag("--json", asJson, "JSON output");

    auto* eventsCommand = app.add_subcommand("events", "Agents' telemetry");
    eventsCommand->require_subcommand(1);
    std::string category;
    std::string contains;
    auto* eventsList =
        eventsCommand->add_subcommand("list", "List an agent's events, oldest first");
    eventsList->add_option("--agent", agentId, "Agent id")->required();
    eventsList->add_option("--category", category, "Only this category, e.g. process_creation");
    eventsList->add_option("--contains", contains, "Only events with a field containing this text");
    eventsList->add_option("--after", after, "Only events after this sequence number");
    eventsList->add_option("--limit", limit, "At most this many events")
        ->check(CLI::Range(1, 1000));
    eventsList->add_flag("--json", asJson, "JSON output");

    auto* alertsCommand = app.add_subcommand("alerts", "Detection alerts");
    alertsCommand->require_subcommand(1);
    std::vector<std::string> alertStatuses;
    std::string ruleId;
    std::uint64_t alertAgent = 0;
    auto* alertsList = alertsCommand->add_subcommand("list", "List alerts, newest first");
    alertsList->add_option("--status", alertStatuses,
                           "new, acknowledged, in_progress, resolved, false_positive (repeatable)");
    alertsList->add_option("--agent", alertAgent, "Only this agent");
    alertsList->add_option("--rule", ruleId, "Only this rule id");
    AlertFilter alertFilter;
    alertsList->add_option("--level", alertFilter.levels,
                           "informational, low, medium, high, critical (repeatable)");
    alertsList->add_option("--search", alertFilter.search, "Text in host name or rule title");
    alertsList->add_option("--tag", alertFilter.tag, "One tag exactly, e.g. attack.t1059.004");
    alertsList->add_option("--since", alertFilter.since, "Last seen within, e.g. 24h or 7d");
    alertsList->add_option("--limit", limit, "At most this many alerts")
        ->check(CLI::Range(1, 1000));
    alertsList->add_flag("--json", asJson, "JSON output");
    std::vector<std::uint64_t> alertIds;
    std::string newStatus;
    std::string assignee;
    std::string note;
    bool unassign = false;
    auto* alertsUpdate =
        alertsCommand->add_subcommand("update", "Triage alerts: status, assignee, note");
    alertsUpdate->add_option("IDS", alertIds, "Alert ids")->required();
    alertsUpdate->add_option("--status", newStatus,
                             "acknowledged, in_progress, resolved or false_positive");
    alertsUpdate->add_option("--assign", assignee, "Assign to this user");
    alertsUpdate->add_flag("--unassign", unassign, "Remove the assignee");
    alertsUpdate->add_option("--note", note, "Why (required to resolve or mark a false positive)");
    std::uint64_t alertId = 0;
    auto* alertShow = alertsCommand->add_subcommand("show", "One alert with its event and history");
    alertShow->add_option("ID", alertId, "Alert id")->required();
    alertShow->add_flag("--json", asJson, "JSON output");

    auto* rulesCommand = app.add_subcommand("rules", "Detection rules");
    rulesCommand->require_subcommand(1);
    std::vector<std::string> rulePaths;
    std::string eventsFile;
    auto* rulesTest = rulesCommand->add_subcommand(
        "test", "Evaluate Sigma rules offline against events in a JSON file (no server needed)");
    rulesTest->add_option("RULES", rulePaths, "Rule files or folders")
        ->required()
        ->check(CLI::ExistingPath);
    rulesTest->add_option("--events", eventsFile, "JSON object, array or NDJSON file of events")
        ->required()
        ->check(CLI::ExistingFile);
    rulesTest->add_flag("--json", asJson, "JSON output");

    std::optional<int> policyExitCode;
    addPolicyCommands(app, *agents, *rulesCommand, connection, policyExitCode);
    addResponseCommands(app, connection, policyExitCode);

    auto* audit = app.add_subcommand("audit", "The audit log");
    audit->require_subcommand(1);
    std::string actor;
    std::string action;
    auto* auditList = audit->add_subcommand("list", "List audit entries, oldest first");
    auditList->add_flag("--json", asJson, "JSON output");
    auditList->add_option("--after", after, "Only entries after this sequence number");
    auditList->add_option("--limit", limit, "At most this many entries")
        ->check(CLI::Range(1, 1000));
    auditList->add_option("--actor", actor, "Only this actor, e.g. user:admin");
    auditList->add_option("--action", action, "Only actions starting with this, e.g. agent.");
    auto* auditVerify = audit->add_subcommand("verify", "Verify the audit hash chain");

    if (const auto exitCode = cli::parse(app, argc, argv, "yagura-ctl"))
        return *exitCode;
    if (policyExitCode)
        return *policyExitCode;
    if (login->parsed())
        return cmdLogin(connection);
    if (logout->parsed())
        return cmdLogout(connection);
    if (agentsList->parsed())
        return cmdAgentsList(connection, asJson, states, search);
    if (accept->parsed())
        return cmdAgentAction(connection, proto::ACCEPT, agentId);
    if (reject->parsed())
        return cmdAgentAction(connection, proto::REJECT, agentId);
    if (revoke->parsed())
        return cmdAgentAction(connection, proto::REVOKE, agentId);
    if (assetShow->parsed())
        return cmdAssetShow(connection, agentId, asJson);
    if (alertsUpdate->parsed())
        return cmdAlertsUpdate(connection, alertIds, newStatus, assignee, unassign, note);
    if (alertShow->parsed())
        return cmdAlertShow(connection, alertId, asJson);
    if (rulesTest->parsed())
        return cmdRulesTest(rulePaths, eventsFile, asJson);
    if (alertsList->parsed())
        return cmdAlertsList(connection, alertStatuses, alertAgent, ruleId, limit, asJson,
                             alertFilter);
    if (eventsList->parsed())
        return cmdEventsList(connection, agentId, category, contains, after, limit, asJson);
    if (auditList->parsed())
        return cmdAuditList(connection, asJson, after, limit, actor, action);
    if (auditVerify->parsed())
        return cmdAuditVerify(connection);
    return 2;
}
