#pragma once

#include "proto/agent.pb.h"
#include "response/CommandExecutor.h"
#include "response/Quarantine.h"

#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace yagura::agent {

// The policy's automatic response: when an alert of a named rule (or of a level at or above the
// threshold) is raised on this host, the agent kills the alert's process, quarantines its
// executable and/or isolates the host, itself and at once, whether or not the server is
// reachable. Each action becomes a `response` event (rank alert) in the spool: the server
// records it as a command carried out by the policy.
class AutoResponder {
public:
    AutoResponder(CommandExecutor& executor, Quarantine& quarantine,
                  std::vector<std::string> ownEndpoints);

    void configure(const proto::ResponsePolicy& policy);
    // The response events for the alerts among `events` (empty when nothing applies).
    std::vector<proto::TelemetryEvent> respond(const std::vector<proto::TelemetryEvent>& events,
                                               std::int64_t nowUnixMs);

private:
    CommandExecutor& m_executor;
    Quarantine& m_quarantine;
    std::vector<std::string> m_ownEndpoints;
    proto::ResponsePolicy m_policy;
    // (rule, pid, start) already answered: a repeated alert is not acted on again.
    std::set<std::tuple<std::string, std::string, std::string>> m_done;
};

} // namespace yagura::agent
