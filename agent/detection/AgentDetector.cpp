#include "detection/AgentDetector.h"

#include <algorithm>

namespace yagura::agent {

namespace {
void addField(proto::TelemetryEvent& event, std::string name, std::string value) {
    auto* field = event.add_fields();
    field->set_name(std::move(name));
    field->set_value(std::move(value));
}
} // namespace

proto::TelemetryEvent processCreationEvent(const ProcessInfo& process) {
    proto::TelemetryEvent event;
    event.set_time_unix_ms(static_cast<std::uint64_t>(process.startTimeUnixMs));
    event.set_category("process_creation");
    event.set_rank(proto::RANK_TELEMETRY);
    for (auto& [name, value] : process.sigmaFields())
        addField(event, name, value);
    return event;
}

detect::LoadReport AgentDetector::load(const std::vector<std::filesystem::path>& paths) {
    detect::LoadReport total;
    for (const auto& path : paths) {
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            auto report = m_rules.loadDirectory(path);
            total.loaded += report.loaded;
            total.unsupported += report.unsupported;
            total.problems.insert(total.problems.end(), report.problems.begin(),
                                  report.problems.end());
        } else if (auto loaded = m_rules.loadFile(path); loaded.ok()) {
            ++total.loaded;
        } else {
            ++total.unsupported;
            total.problems.emplace_back(path.string(), loaded.error().message);
        }
    }
    return total;
}

std::vector<proto::TelemetryEvent> AgentDetector::evaluate(const ProcessInfo& process,
                                                           const ProcessCollector& tree,
                                                           std::int64_t nowUnixMs) const {
    std::vector<proto::TelemetryEvent> alerts;
    if (m_rules.size() == 0)
        return alerts;
    detect::Event event("process_creation", "linux");
    const auto fields = process.sigmaFields();
    for (const auto& [name, value] : fields)
        event.set(name, value);
    std::vector<const detect::Rule*> matches;
    m_rules.match(event, matches);
    if (matches.empty())
        return alerts;
    // The ancestry, nearest first: what started this process, and what started that.
    std::string ancestry;
    for (const ProcessInfo* ancestor : tree.ancestors(process.pid, 6))
        ancestry += std::to_string(ancestor->pid) + " " + ancestor->image + " " +
                    ancestor->commandLine + "\n";
    for (const detect::Rule* rule : matches) {
        proto::TelemetryEvent alert;
        alert.set_time_unix_ms(static_cast<std::uint64_t>(nowUnixMs));
        alert.set_category("alert");
        alert.set_rank(proto::RANK_ALERT);
        addField(alert, "RuleId", rule->id);
        addField(alert, "RuleTitle", rule->title);
        addField(alert, "RuleLevel", rule->level);
        std::string tags;
        for (const auto& tag : rule->tags)
            tags += (tags.empty() ? "" : ",") + tag;
        addField(alert, "RuleTags", tags);
        addField(alert, "EventCategory", "process_creation");
        for (const auto& [name, value] : fields)
            addField(alert, name, value);
        addField(alert, "ProcessAncestry", ancestry);
        alerts.push_back(std::move(alert));
    }
    return alerts;
}

std::vector<proto::TelemetryEvent> AgentDetector::evaluateLog(const std::string& service,
                                                              const proto::TelemetryEvent& source,
                                                              std::int64_t nowUnixMs) const {
    std::vector<proto::TelemetryEvent> alerts;
    if (m_rules.size() == 0)
        return alerts;
    // Sigma names the Linux auth log "service: auth"; rules for one daemon name the daemon
    // (service: sshd). The line is offered to both.
    std::vector<const detect::Rule*> matches;
    for (const std::string& name : {std::string("auth"), service}) {
        detect::Event event("", "linux", name);
        for (const auto& field : source.fields())
            event.set(field.name(), field.value());
        std::vector<const detect::Rule*> found;
        m_rules.match(event, found);
        for (const detect::Rule* rule : found)
            if (std::find(matches.begin(), matches.end(), rule) == matches.end())
                matches.push_back(rule);
    }
    for (const detect::Rule* rule : matches) {
        proto::TelemetryEvent alert;
        alert.set_time_unix_ms(static_cast<std::uint64_t>(nowUnixMs));
        alert.set_category("alert");
        alert.set_rank(proto::RANK_ALERT);
        addField(alert, "RuleId", rule->id);
        addField(alert, "RuleTitle", rule->title);
        addField(alert, "RuleLevel", rule->level);
        std::string tags;
        for (const auto& tag : rule->tags)
            tags += (tags.empty() ? "" : ",") + tag;
        addField(alert, "RuleTags", tags);
        addField(alert, "EventCategory", source.category());
        addField(alert, "Image", "service:" + service); // groups the alert by service
        for (const auto& field : source.fields())
            addField(alert, field.name(), field.value());
        alerts.push_back(std::move(alert));
    }
    return alerts;
}

} // namespace yagura::agent
