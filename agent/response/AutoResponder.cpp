#include "response/AutoResponder.h"

#include "common/Log.h"
#include "response/IsolationRules.h"
#include "response/ProcessKiller.h"

#include <algorithm>
#include <map>

namespace yagura::agent {

namespace {
int levelRank(const std::string& level) {
    static const std::map<std::string, int> ranks = {
        {"informational", 0}, {"low", 1}, {"medium", 2}, {"high", 3}, {"critical", 4}};
    const auto it = ranks.find(level);
    return it == ranks.end() ? -1 : it->second;
}

std::string field(const proto::TelemetryEvent& event, std::string_view name) {
    for (const auto& entry : event.fields())
        if (entry.name() == name)
            return entry.value();
    return {};
}

void addField(proto::TelemetryEvent& event, const std::string& name, std::string value) {
    auto* added = event.add_fields();
    added->set_name(name);
    added->set_value(std::move(value));
}

bool applies(const proto::AutoResponseRule& rule, const std::string& ruleId,
             const std::string& level) {
    if (!rule.rule_ids().empty())
        return std::find(rule.rule_ids().begin(), rule.rule_ids().end(), ruleId) !=
                   rule.rule_ids().end() &&
               (rule.min_level().empty() || levelRank(level) >= levelRank(rule.min_level()));
    return !rule.min_level().empty() && levelRank(level) >= levelRank(rule.min_level());
}
} // namespace

AutoResponder::AutoResponder(CommandExecutor& executor, Quarantine& quarantine,
                             std::vector<std::string> ownEndpoints)
    : m_executor(executor), m_quarantine(quarantine), m_ownEndpoints(std::move(ownEndpoints)) {}

void AutoResponder::configure(const proto::ResponsePolicy& policy) {
    m_policy = policy;
}

std::vector<proto::TelemetryEvent>
AutoResponder::respond(const std::vector<proto::TelemetryEvent>& events, std::int64_t nowUnixMs) {
    std::vector<proto::TelemetryEvent> responses;
    if (m_policy.auto_response().empty())
        return responses;
    for (const auto& event : events) {
        if (event.category() != "alert")
            continue;
        const std::string ruleId = field(event, "RuleId");
        const std::string level = field(event, "RuleLevel");
        const std::string pid = field(event, "ProcessId");
        const std::string ticks = field(event, "ProcessStartTicks");
        const std::string image = field(event, "Image");
        bool kill = false;
        bool quarantine = false;
        bool isolate = false;
        for (const auto& rule : m_policy.auto_response())
            if (applies(rule, ruleId, level)) {
                kill |= rule.kill_process();
                quarantine |= rule.quarantine_file();
                isolate |= rule.isolate_host();
            }
        if ((!kill && !quarantine && !isolate) || !m_done.insert({ruleId, pid, ticks}).second)
            continue;
        auto report = [&](const std::string& action, bool ok, const std::string& detail) {
            proto::TelemetryEvent response;
            response.set_time_unix_ms(static_cast<std::uint64_t>(nowUnixMs));
            response.set_category("response");
            response.set_rank(proto::RANK_ALERT);
            addField(response, "Action", action);
            addField(response, "Outcome", ok ? "succeeded" : "failed");
            addField(response, "Detail", detail);
            addField(response, "RuleId", ruleId);
            addField(response, "RuleTitle", field(event, "RuleTitle"));
            addField(response, "RuleLevel", level);
            addField(response, "ProcessId", pid);
            addField(response, "Image", image);
            spdlog::warn("automatic response to {} ({}): {} {}: {}", field(event, "RuleTitle"),
                         ruleId, action, ok ? "succeeded" : "failed", detail);
            responses.push_back(std::move(response));
        };
        const std::string why = "automatic response to '" + field(event, "RuleTitle") + "'";
        if (kill) {
            if (pid.empty() || ticks.empty()) {
                report("kill", false, "the alert names no process with its start time");
            } else {
                auto killed =
                    killProcess(static_cast<pid_t>(std::stol(pid)), std::stoull(ticks), false);
                report("kill", killed.ok(),
                       killed.ok() ? "killed process " + pid : killed.error().message);
            }
        }
        if (quarantine) {
            if (image.empty() || image.front() != '/') {
                report("quarantine", false, "the alert names no executable file");
            } else {
                auto item = m_quarantine.quarantine(image, why, 0, nowUnixMs / 1000);
                report("quarantine", item.ok(),
                       item.ok() ? "quarantined " + image + " as " + item->id()
                                 : item.error().message);
            }
        }
        if (isolate) {
            if (m_executor.isolated()) {
                report("isolate", true, "already isolated");
            } else {
                auto spec = response::isolationSpecFor(m_policy, m_ownEndpoints);
                Status applied =
                    spec.ok() ? m_executor.isolateAutomatically(*spec) : Status(spec.error());
                report("isolate", applied.ok(),
                       applied.ok() ? "isolation in force" : applied.error().message);
            }
        }
    }
    return responses;
}

} // namespace yagura::agent
