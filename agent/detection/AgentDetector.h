#pragma once

#include "collectors/ProcessCollector.h"
#include "detect/RuleSet.h"
#include "proto/agent.pb.h"

#include <filesystem>
#include <vector>

namespace yagura::agent {

// Runs Sigma rules on the agent itself, so detection works while the site server is out of
// reach: every match becomes an alert event (rank ALERT) in the spool, carrying the rule, the
// triggering event and the process's ancestry (the start of its storyline).
class AgentDetector {
public:
    // Loads rule files or folders; returns the report (what loaded, what did not and why).
    detect::LoadReport load(const std::vector<std::filesystem::path>& paths);
    std::size_t ruleCount() const { return m_rules.size(); }

    std::vector<proto::TelemetryEvent> evaluate(const ProcessInfo& process,
                                                const ProcessCollector& tree,
                                                std::int64_t nowUnixMs) const;

    // Rules for a log line of a service (logsource product linux, service = the program).
    std::vector<proto::TelemetryEvent> evaluateLog(const std::string& service,
                                                   const proto::TelemetryEvent& event,
                                                   std::int64_t nowUnixMs) const;

private:
    detect::RuleSet m_rules;
};

// The telemetry event for a process start (category process_creation).
proto::TelemetryEvent processCreationEvent(const ProcessInfo& process);

} // namespace yagura::agent
