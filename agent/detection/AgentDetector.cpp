#include "detection/AgentDetector.h"

#include <algorithm>

namespace yagura::agent {

namespace {
void addField(proto::TelemetryEvent& event, std::string name, std::string value) {
    auto* field = event.add_fields();
    field->set_name(std::move(name));
    field->set_value(std::move(value));
}

std::vector<std::pair<std::string, std::string>> fieldsOf(const proto::TelemetryEvent& event) {
    std::vector<std::pair<std::string, std::string>> fields;
    fields.reserve(static_cast<std::size_t>(event.fields_size()));
    for (const auto& field : event.fields())
        fields.emplace_back(field.name(), field.value());
    return fields;
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

proto::TelemetryEvent alertEvent(const detect::Rule& rule, const std::string& sourceCategory,
                                 const std::vector<std::pair<std::string, std::string>>& fields,
                                 std::int64_t nowUnixMs) {
    proto::TelemetryEvent alert;
    alert.set_time_unix_ms(static_cast<std::uint64_t>(nowUnixMs));
    alert.set_category("alert");
    alert.set_rank(proto::RANK_ALERT);
    addField(alert, "RuleId", rule.id);
    addField(alert, "RuleTitle", rule.title);
    addField(alert, "RuleLevel", rule.level);
    std::string tags;
    for (const auto& tag : rule.tags)
        tags += (tags.empty() ? "" : ",") + tag;
    addField(alert, "RuleTags", tags);
    addField(alert, "EventCategory", sourceCategory);
    for (const auto& [name, value] : fields)
        addField(alert, name, value);
    return alert;
}

AgentDetector::AgentDetector() : m_rules(std::make_shared<const detect::RuleSet>()) {}

std::shared_ptr<detect::RuleSet>
AgentDetector::build(const std::vector<proto::PolicyRule>& policyRules,
                     detect::LoadReport& report) const {
    auto rules = std::make_shared<detect::RuleSet>();
    for (const auto& path : m_localPaths) {
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            auto loaded = rules->loadDirectory(path);
            report.files += loaded.files;
            report.loaded += loaded.loaded;
            report.unsupported += loaded.unsupported;
            report.problems.insert(report.problems.end(), loaded.problems.begin(),
                                   loaded.problems.end());
        } else if (auto loaded = rules->loadFile(path); loaded.ok()) {
            ++report.files;
            ++report.loaded;
        } else {
            ++report.files;
            ++report.unsupported;
            report.problems.emplace_back(path.string(), loaded.error().message);
        }
    }
    for (const auto& rule : policyRules) {
        ++report.files;
        // A local rule with the same id wins: the operator of this host put it there.
        if (auto added = rules->addRuleYaml(rule.yaml(), rule.pack() + ":" + rule.id());
            added.ok()) {
            ++report.loaded;
        } else {
            ++report.unsupported;
            report.problems.emplace_back(rule.pack() + ":" + rule.id(), added.error().message);
        }
    }
    return rules;
}

detect::LoadReport AgentDetector::load(const std::vector<std::filesystem::path>& paths) {
    m_localPaths.insert(m_localPaths.end(), paths.begin(), paths.end());
    detect::LoadReport report;
    m_rules.store(build(m_policyRules, report));
    return report;
}

detect::LoadReport AgentDetector::applyPolicyRules(const std::vector<proto::PolicyRule>& rules) {
    detect::LoadReport report;
    auto built = build(rules, report);
    m_policyRules = rules;
    m_rules.store(std::move(built));
    return report;
}

std::vector<proto::TelemetryEvent> AgentDetector::evaluate(const ProcessInfo& process,
                                                           const ProcessCollector& tree,
                                                           std::int64_t nowUnixMs) const {
    std::vector<proto::TelemetryEvent> alerts;
    const auto rules = m_rules.load();
    if (rules->size() == 0)
        return alerts;
    detect::Event event("process_creation", "linux");
    const auto fields = process.sigmaFields();
    for (const auto& [name, value] : fields)
        event.set(name, value);
    std::vector<const detect::Rule*> matches;
    rules->match(event, matches);
    if (matches.empty())
        return alerts;
    // The ancestry, nearest first: what started this process, and what started that.
    std::string ancestry;
    for (const ProcessInfo* ancestor : tree.ancestors(process.pid, 6))
        ancestry += std::to_string(ancestor->pid) + " " + ancestor->image + " " +
                    ancestor->commandLine + "\n";
    for (const detect::Rule* rule : matches) {
        auto alert = alertEvent(*rule, "process_creation", fields, nowUnixMs);
        addField(alert, "ProcessAncestry", ancestry);
        alerts.push_back(std::move(alert));
    }
    return alerts;
}

std::vector<proto::TelemetryEvent> AgentDetector::evaluateLog(const std::string& service,
                                                              const proto::TelemetryEvent& source,
                                                              std::int64_t nowUnixMs) const {
    std::vector<proto::TelemetryEvent> alerts;
    const auto rules = m_rules.load();
    if (rules->size() == 0)
        return alerts;
    // Sigma names the Linux auth log "service: auth"; rules for one daemon name the daemon
    // (service: sshd). The line is offered to both.
    std::vector<const detect::Rule*> matches;
    for (const std::string& name : {std::string("auth"), service}) {
        detect::Event event("", "linux", name);
        for (const auto& field : source.fields())
            event.set(field.name(), field.value());
        std::vector<const detect::Rule*> found;
        rules->match(event, found);
        for (const detect::Rule* rule : found)
            if (std::find(matches.begin(), matches.end(), rule) == matches.end())
                matches.push_back(rule);
    }
    auto fields = fieldsOf(source);
    fields.insert(fields.begin(), {"Image", "service:" + service}); // groups the alert by service
    for (const detect::Rule* rule : matches)
        alerts.push_back(alertEvent(*rule, source.category(), fields, nowUnixMs));
    return alerts;
}

std::vector<proto::TelemetryEvent>
AgentDetector::evaluateTelemetry(const proto::TelemetryEvent& source,
                                 std::int64_t nowUnixMs) const {
    std::vector<proto::TelemetryEvent> alerts;
    const auto rules = m_rules.load();
    if (rules->size() == 0)
        return alerts;
    detect::Event event(source.category(), "linux");
    for (const auto& field : source.fields())
        event.set(field.name(), field.value());
    std::vector<const detect::Rule*> matches;
    rules->match(event, matches);
    if (matches.empty())
        return alerts;
    const auto fields = fieldsOf(source);
    for (const detect::Rule* rule : matches)
        alerts.push_back(alertEvent(*rule, source.category(), fields, nowUnixMs));
    return alerts;
}

} // namespace yagura::agent
