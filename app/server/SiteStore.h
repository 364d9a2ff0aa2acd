#pragma once

#include "common/Clock.h"
#include "common/Result.h"
#include "proto/agent.pb.h"
#include "proto/operator.pb.h"
#include "server/AuditLog.h"
#include "store/Database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace yagura::server {

enum class AgentState { Pending, Accepted, Rejected, Revoked };
std::string_view agentStateName(AgentState state);
std::optional<AgentState> parseAgentState(std::string_view name);

struct AgentRecord {
    std::int64_t id = 0;
    std::string publicKey;
    AgentState state = AgentState::Pending;
    std::string hostname;
    std::string machineId;
    std::string os;
    std::string group;
    std::string agentVersion;
    std::int64_t enrolledAt = 0;
    std::int64_t lastSeen = 0;
    std::int64_t uptimeSeconds = 0;
    std::int64_t policyVersion = 0;
    std::int64_t inventoryGeneration = 0;
    std::int64_t inventoryUpdatedAt = 0;
    std::string addresses;
    std::int64_t spoolEvents = 0;
    std::int64_t spoolBytes = 0;
    std::int64_t desiredPolicyVersion = 0; // the current policy of the agent's group
    std::int64_t lostEvents = 0;
    bool isolated = false; // as the agent last reported
};

// "isolate", "release", ... ("" for an unknown action).
std::string_view commandActionName(proto::CommandAction action);

// Agents enrolled without a group join this one.
inline constexpr std::string_view kDefaultGroup = "default";

struct GroupRecord {
    std::string name;
    std::string description;
    std::uint32_t agents = 0;
    std::int64_t policyVersion = 0;
    std::uint32_t agentsApplied = 0;
};

struct RuleRow {
    std::string pack;
    std::string file;
    std::string ruleId;
    std::string title;
    std::string level;
    std::string product, category, service;
    std::string tags;   // comma-separated
    std::string status; // loaded | unsupported | duplicate
    std::string reason;
    bool enabled = true;
    std::string yaml;
};

struct ExceptionMatch {
    std::int64_t id = 0;
};

struct TokenRecord {
    std::string id;
    std::string secretHash;
    std::int64_t createdAt = 0;
    std::int64_t expiresAt = 0;
    std::int64_t usesAllowed = 0;
    std::int64_t usesCount = 0;
    std::string group;
    bool autoAccept = false;
};

enum class Role { Admin, Analyst, Auditor };
std::string_view roleName(Role role);
std::optional<Role> parseRole(std::string_view name);

struct UserRecord {
    std::string name;
    Role role = Role::Auditor;
    std::string passwordHash;
    bool disabled = false;
    std::int64_t createdAt = 0;
    std::int64_t passwordChangedAt = 0;
};

struct DashboardCounts {
    std::uint32_t total = 0;
    std::uint32_t online = 0;
    std::uint32_t offline = 0;
    std::uint32_t pending = 0;
    std::uint32_t rejected = 0;
    std::uint32_t revoked = 0;
    std::vector<std::pair<std::string, std::uint32_t>> byOs;
    std::vector<std::pair<std::int64_t, std::uint32_t>> checkinsByHour; // oldest first, 24 hours
};

struct AgentQuery {
    std::uint32_t offset = 0;
    std::uint32_t limit = 200;
    proto::AgentSortKey sort = proto::SORT_ID;
    bool descending = false;
    std::string search;
    std::vector<std::string> states; // pending | online | offline | rejected | revoked
    std::int64_t onlineSince = 0;    // last_seen at or after this counts as online
};

// Every SQL statement of the site server lives here, behind one interface, so another store
// backend stays possible.
class SiteStore {
public:
    SiteStore(store::Database db, const Clock& clock);

    static Result<SiteStore> open(const std::filesystem::path& path, const store::StoreKey& key,
                                  const Clock& clock, store::OpenMode mode);

    store::Database& database() { return m_db; }
    const Clock& clock() const { return m_clock; }

    // Agents
    Result<std::vector<AgentRecord>> allAgents();
    Result<std::optional<AgentRecord>> agentById(std::int64_t id);
    Result<std::optional<AgentRecord>> agentByKey(const std::string& publicKeyZ85);
    Result<std::int64_t> insertAgent(const AgentRecord& agent, const std::string& tokenId);
    Status setAgentState(std::int64_t id, AgentState state);
    struct SpoolBacklog {
        std::int64_t events = 0;
        std::int64_t bytes = 0;
    };
    // A message from the agent: last seen, version, uptime, running policy, and (Hello and
    // heartbeats) its spool's backlog and whether its isolation is in force.
    Status recordContact(std::int64_t id, const std::string& agentVersion,
                         std::int64_t uptimeSeconds, std::int64_t policyVersion,
                         std::optional<SpoolBacklog> spool = std::nullopt,
                         std::optional<bool> isolated = std::nullopt);
    Result<std::pair<std::vector<AgentRecord>, std::uint32_t>> queryAgents(const AgentQuery& query);
    // Accepted agents not heard from since `onlineSince` (but heard from at some time).
    Result<std::vector<std::int64_t>> quietAgentIds(std::int64_t onlineSince);

    // Response commands (SiteStoreCommands.cpp). A new command is queued; its id is written
    // into the stored proto.Command (with requester and expiry).
    Result<proto::CommandRecord> insertCommand(std::int64_t agentId, proto::Command command,
                                               const std::string& createdBy, std::int64_t expiresAt,
                                               std::int64_t fromAlertId);
    Result<std::optional<proto::CommandRecord>> commandById(std::int64_t id);
    // Newest first; agentId 0: every agent; states empty: every state.
    Result<std::vector<proto::CommandRecord>>
    listCommands(std::int64_t agentId, const std::vector<std::string>& states, std::uint32_t limit);
    // What to send an agent now: queued commands, and delivered ones not confirmed since
    // `resendDeliveredBefore` (unix s); never an expired one.
    Result<std::vector<proto::CommandRecord>> commandsToDeliver(std::int64_t agentId,
                                                                std::int64_t resendDeliveredBefore);
    Status markCommandDelivered(std::int64_t id);
    // Agents with a command still queued or delivered (not confirmed), and one agent's answer.
    Result<std::vector<std::int64_t>> agentsWithOpenCommands();
    Result<bool> hasOpenCommands(std::int64_t agentId);
    // Applies an agent's report; the updated record, or nullopt when it changed nothing (a
    // repeated or late report). NotFound when the command is not this agent's.
    Result<std::optional<proto::CommandRecord>>
    recordCommandResult(std::int64_t agentId, const proto::CommandResult& result);
    // Queued or delivered commands past their expiry become expired; returns them.
    Result<std::vector<proto::CommandRecord>> expireCommands();
    Result<std::optional<proto::GetCommandOutputResponse>> commandOutput(std::int64_t commandId);
    // Accepted agents that report their isolation in force.
    Result<std::vector<std::string>> isolatedHostnames();
    // An agent's automatic response (a `response` event) as a finished command by the policy.
    Result<std::optional<proto::CommandRecord>>
    recordAutomaticResponse(std::int64_t agentId, const proto::TelemetryEvent& event);
    Result<std::vector<proto::QuarantineRecord>> quarantineItems(std::int64_t agentId,
                                                                 bool includeRestored);

    // Groups and policies (SiteStorePolicy.cpp)
    Status ensureGroup(const std::string& name);
    Result<bool> groupExists(const std::string& name);
    Status createGroup(const std::string& name, const std::string& description);
    Result<std::vector<GroupRecord>> groups();
    Status moveAgent(std::int64_t agentId, const std::string& group);
    // The group's policy at `version`, or its current one when `version` is 0.
    Result<std::optional<proto::PolicyRecord>> policy(const std::string& group,
                                                      std::int64_t version = 0);
    Result<std::optional<proto::PolicyRecord>> policyByVersion(std::int64_t version);
    // What a heartbeat is compared with, in one indexed lookup: the version the agent last
    // reported running, the current version of its group's policy (0: none), and whether it
    // last reported its isolation in force.
    struct ContactState {
        std::int64_t reportedPolicy = 0;
        std::int64_t desiredPolicy = 0;
        bool isolated = false;
    };
    Result<ContactState> contactState(std::int64_t agentId);
    Result<std::vector<proto::PolicyRecord>> policyHistory(const std::string& group);
    Result<std::int64_t> insertPolicy(const std::string& group, const proto::PolicySpec& spec,
                                      const std::string& createdBy, const std::string& comment);
    // Every enabled, loaded rule of the spec's packs that an agent on `product` can run.
    Result<std::vector<proto::PolicyRule>> policyRules(const proto::PolicySpec& spec,
                                                       const std::string& product);
    Result<std::vector<std::pair<std::string, std::int64_t>>> retentionByGroup();
    // Deletes up to `limit` telemetry events of the group's agents older than `cutoffMs`
    // (alert events stay while their alert exists); returns how many went.
    Result<std::int64_t> pruneEvents(const std::string& group, std::int64_t cutoffMs,
                                     std::int64_t limit);

    // Rule packs
    Status beginRulePack(const std::string& name, const std::string& description,
                         const std::string& source, bool builtin, const std::string& actor);
    Status insertRule(const RuleRow& rule);
    Status finishRulePack(const std::string& staging, const std::string& name);
    Result<std::vector<proto::RulePackSummary>> rulePacks();
    Result<std::optional<proto::RulePackSummary>> rulePack(const std::string& name);
    // (file, rule id) of the pack's disabled rules, so a re-import keeps them disabled.
    Result<std::vector<std::pair<std::string, std::string>>> disabledRules(const std::string& pack);
    Result<std::pair<std::vector<proto::RuleSummary>, std::uint32_t>>
    listRules(const proto::ListRulesRequest& request, std::uint32_t limit);
    Result<std::optional<std::pair<proto::RuleSummary, std::string>>> rule(const std::string& pack,
                                                                           const std::string& file);
    Result<std::uint32_t> setRulesEnabled(const proto::SetRulesEnabledRequest& request);
    Result<std::optional<std::string>> ruleIdExists(const std::string& ruleId,
                                                    const std::string& exceptPack);

    // Exceptions
    Result<std::int64_t> insertException(const proto::ExceptionRecord& exception);
    Result<std::vector<proto::ExceptionRecord>> exceptions(bool includeInactive);
    Result<std::optional<proto::ExceptionRecord>> exceptionById(std::int64_t id);
    Status revokeException(std::int64_t id);
    // The active exception that suppresses this alert, if any (and counts the hit).
    Result<std::optional<std::int64_t>>
    applyException(std::int64_t agentId, const std::string& ruleId, const std::string& image);

    // Correlation
    // Records that `agentId` ran the executable; returns (first sighting at the site in ms,
    // agents that have run it since `sinceMs`).
    Result<std::pair<std::int64_t, std::vector<std::int64_t>>>
    recordHashSighting(const std::string& sha256, std::int64_t agentId, std::int64_t timeMs,
                       std::int64_t sinceMs);
    Result<std::int64_t> firstTelemetryMs();
    // An alert raised by the server itself (correlation); grouped like the agents' alerts.
    Result<std::int64_t> recordServerAlert(std::int64_t agentId, const proto::TelemetryEvent& alert,
                                           const std::string& detail);

    // Inventory
    Status replaceInventory(std::int64_t agentId, const proto::InventorySnapshot& snapshot);
    Status applyInventoryDelta(std::int64_t agentId, const proto::InventoryDelta& delta);
    Result<std::vector<proto::InventoryItem>> inventoryItems(std::int64_t agentId);

    // Telemetry
    // Stores the batch (deduplicated on seq); returns the ids of the alerts it opened or updated.
    // `fresh`, when given, receives the indexes of the events stored now (not resends).
    Result<std::vector<std::int64_t>> storeEvents(std::int64_t agentId,
                                                  const proto::EventBatch& batch,
                                                  std::vector<int>* fresh = nullptr);
    Result<std::pair<std::vector<proto::AlertSummary>, std::uint32_t>>
    listAlerts(const proto::ListAlertsRequest& request, std::uint32_t limit);
    Result<std::optional<proto::AlertSummary>> alertById(std::int64_t id);
    // Changes status and/or assignee and records the history entry (no transaction of its own).
    Status updateAlert(std::int64_t id, const std::optional<std::string>& status,
                       const std::optional<std::string>& assignee, const std::string& actor,
                       const std::string& change, const std::string& note);
    Result<std::vector<proto::AlertHistoryEntry>> alertHistory(std::int64_t id);
    Result<std::optional<proto::EventRecord>> eventBySeq(std::int64_t agentId, std::int64_t seq);
    Result<std::uint64_t> eventCount(std::int64_t agentId);
    Result<std::uint64_t> lostEventCount(std::int64_t agentId);
    Result<std::vector<proto::EventRecord>> listEvents(const proto::ListEventsRequest& request,
                                                       std::uint32_t limit);

    // Enrolment tokens
    Status insertToken(const TokenRecord& token, const std::string& createdBy);
    Result<std::optional<TokenRecord>> tokenById(const std::string& id);
    Status consumeTokenUse(const std::string& id);

    // Users
    Status insertUser(const UserRecord& user);
    Result<std::optional<UserRecord>> userByName(const std::string& name);
    Result<std::vector<UserRecord>> allUsers();
    Status updateUser(const UserRecord& user, bool passwordChanged);

    // Dashboard
    Result<DashboardCounts> dashboardCounts(std::int64_t onlineSince);
    // (hour, level, count) of alerts last seen at or after `sinceMs`.
    Result<std::vector<std::tuple<std::int64_t, std::string, std::uint32_t>>>
    alertsByHour(std::int64_t sinceMs);
    // Open alerts by rule title (byHost false) or host name (byHost true), largest first.
    Result<std::vector<std::pair<std::string, std::uint32_t>>> topOpenAlerts(bool byHost,
                                                                             int limit);
    // Agents with a spool backlog or losses, the largest first.
    Result<std::vector<AgentRecord>> backlogAgents(int limit);

    // Audit
    Status audit(const AuditRecord& record) { return AuditLog::append(m_db, m_clock, record); }

private:
    Status updateHostSummary(std::int64_t agentId);
    // 0 when an exception suppressed the alert.
    Result<std::int64_t> recordAlert(std::int64_t agentId, const proto::TelemetryEvent& event,
                                     const std::string& detail = {});

    store::Database m_db;
    const Clock& m_clock;
};

} // namespace yagura::server
