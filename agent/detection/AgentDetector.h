#pragma once

#include "collectors/ProcessCollector.h"
#include "detect/RuleSet.h"
#include "proto/agent.pb.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <vector>

namespace yagura::agent {

// Runs Sigma rules on the agent itself, so detection works while the site server is out of
// reach: every match becomes an alert event (rank ALERT) in the spool, carrying the rule, the
// triggering event and the process's ancestry (the start of its storyline).
//
// The rules are those of the policy plus any local rule files (`run --rules`). A new policy
// swaps in a whole new rule set; evaluation on other threads keeps the set it started with.
class AgentDetector {
public:
    AgentDetector();

    // Local rule files or folders, kept for every later policy; returns the load report.
    detect::LoadReport load(const std::vector<std::filesystem::path>& paths);
    // Replaces the policy's rules (the local ones stay); returns what loaded and what did not.
    detect::LoadReport applyPolicyRules(const std::vector<proto::PolicyRule>& rules);
    std::size_t ruleCount() const { return m_rules.load()->size(); }

    std::vector<proto::TelemetryEvent> evaluate(const ProcessInfo& process,
                                                const ProcessCollector& tree,
                                                std::int64_t nowUnixMs) const;

    // Rules for a log line of a service (logsource product linux, service = the program).
    std::vector<proto::TelemetryEvent> evaluateLog(const std::string& service,
                                                   const proto::TelemetryEvent& event,
                                                   std::int64_t nowUnixMs) const;

    // Rules for any other telemetry (file_event, network_connection, ...): logsource product
    // linux and the event's category.
    std::vector<proto::TelemetryEvent> evaluateTelemetry(const proto::TelemetryEvent& event,
                                                         std::int64_t nowUnixMs) const;

private:
    std::shared_ptr<detect::RuleSet> build(const std::vector<proto::PolicyRule>& policyRules,
                                           detect::LoadReport& report) const;

    std::vector<std::filesystem::path> m_localPaths;
    std::vector<proto::PolicyRule> m_policyRules;
    std::atomic<std::shared_ptr<const detect::RuleSet>> m_rules;
};

// The telemetry event for a process start (category process_creation).
proto::TelemetryEvent processCreationEvent(const ProcessInfo& process);

// An alert event (category "alert", rank ALERT) for a rule match on `source`: rule identity,
// the source's category and every field of the source.
proto::TelemetryEvent alertEvent(const detect::Rule& rule, const std::string& sourceCategory,
                                 const std::vector<std::pair<std::string, std::string>>& fields,
                                 std::int64_t nowUnixMs);

} // namespace yagura::agent
