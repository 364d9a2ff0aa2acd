#include "server/Correlator.h"

#include "common/Text.h"

#include <algorithm>

namespace yagura::server {

namespace {
std::string fieldOf(const proto::TelemetryEvent& event, std::string_view name) {
    for (const auto& field : event.fields())
        if (field.name() == name)
            return field.value();
    return {};
}

void addField(proto::TelemetryEvent& event, std::string name, std::string value) {
    auto* field = event.add_fields();
    field->set_name(std::move(name));
    field->set_value(std::move(value));
}

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;
} // namespace

Correlator::Correlator(SiteStore& store, const Clock& clock, const ServerConfig& config)
    : m_store(store), m_clock(clock), m_config(config) {}

Result<std::vector<std::int64_t>> Correlator::observe(std::int64_t agentId,
                                                      const proto::EventBatch& batch,
                                                      const std::vector<int>& fresh) {
    std::vector<std::int64_t> alerts;
    for (const int index : fresh) {
        const proto::TelemetryEvent& event = batch.events(index);
        std::optional<std::int64_t> alert;
        if (event.category() == "process_creation") {
            const std::string hashes = fieldOf(event, "Hashes");
            if (text::startsWith(hashes, "SHA256=") && hashes.size() == 7 + 64) {
                YAGURA_ASSIGN_OR_RETURN(alert, observeExecutable(agentId, event, hashes.substr(7)));
            }
        } else if (event.category() == "authentication" &&
                   fieldOf(event, "Action") == "login_failed") {
            YAGURA_ASSIGN_OR_RETURN(alert, observeFailedLogin(agentId, event));
        }
        if (alert && *alert != 0)
            alerts.push_back(*alert);
    }
    return alerts;
}

Result<std::optional<std::int64_t>>
Correlator::observeExecutable(std::int64_t agentId, const proto::TelemetryEvent& event,
                              const std::string& sha256) {
    const std::int64_t nowMs = m_clock.nowUnixMillis();
    const std::int64_t newForMs = m_config.correlationHashNewHours * kHourMs;
    if (auto known = m_firstSeen.find(sha256);
        known != m_firstSeen.end() && nowMs - known->second > newForMs)
        return std::optional<std::int64_t>{}; // long known at the site
    std::string pair = sha256;
    pair += ':';
    pair += std::to_string(agentId);
    if (m_pairs.contains(pair))
        return std::optional<std::int64_t>{}; // this host already counted
    const std::int64_t sinceMs = nowMs - m_config.correlationHashWindowMinutes * kMinuteMs;
    YAGURA_ASSIGN_OR_RETURN(const auto sighting,
                            m_store.recordHashSighting(sha256, agentId, nowMs, sinceMs));
    const auto& [firstMs, recentAgents] = sighting;
    if (m_firstSeen.size() > 1'000'000)
        m_firstSeen.clear(); // bounded: the store remembers, this is only a cache
    m_firstSeen[sha256] = firstMs;
    if (nowMs - firstMs > newForMs)
        return std::optional<std::int64_t>{};
    if (m_pairs.size() > 1'000'000)
        m_pairs.clear();
    m_pairs.insert(std::move(pair));
    if (m_learningEndsMs < 0) {
        YAGURA_ASSIGN_OR_RETURN(const std::int64_t siteStart, m_store.firstTelemetryMs());
        m_learningEndsMs = siteStart + m_config.correlationLearningHours * kHourMs;
    }
    // While the site learns what it normally runs, every executable is "new".
    if (firstMs < m_learningEndsMs)
        return std::optional<std::int64_t>{};
    if (recentAgents.size() < m_config.correlationHashHosts)
        return std::optional<std::int64_t>{};
    const std::string detail =
        "SHA-256 " + sha256 + " first seen at the site " + text::isoTimeUtc(firstMs / 1000) +
        ", run on " + std::to_string(recentAgents.size()) + " hosts within " +
        std::to_string(m_config.correlationHashWindowMinutes) + " min: " + hostList(recentAgents);
    YAGURA_ASSIGN_OR_RETURN(const auto id,
                            raise(agentId, event, kNewHashRuleId,
                                  "Executable new to the site spreading across hosts", "high",
                                  "attack.lateral-movement,attack.execution,attack.t1570", detail));
    return std::optional<std::int64_t>{id};
}

Result<std::optional<std::int64_t>>
Correlator::observeFailedLogin(std::int64_t agentId, const proto::TelemetryEvent& event) {
    const std::int64_t nowMs = m_clock.nowUnixMillis();
    const std::string sourceIp = fieldOf(event, "SourceIp");
    const std::string source = sourceIp.empty() ? "user " + fieldOf(event, "User") : sourceIp;
    if (m_failedLogins.size() > 100'000)
        m_failedLogins.clear();
    auto& window = m_failedLogins[source];
    window.push_back({nowMs, agentId});
    const std::int64_t windowMs = m_config.correlationFailedLoginWindowMinutes * kMinuteMs;
    while (!window.empty() && nowMs - window.front().timeMs > windowMs)
        window.pop_front();
    std::vector<std::int64_t> hosts;
    for (const auto& failure : window)
        if (std::find(hosts.begin(), hosts.end(), failure.agentId) == hosts.end())
            hosts.push_back(failure.agentId);
    if (window.size() < m_config.correlationFailedLogins ||
        hosts.size() < m_config.correlationFailedLoginHosts)
        return std::optional<std::int64_t>{};
    const std::string detail = std::to_string(window.size()) + " failed logins from " + source +
                               " on " + std::to_string(hosts.size()) + " hosts within " +
                               std::to_string(m_config.correlationFailedLoginWindowMinutes) +
                               " min: " + hostList(hosts);
    // The next alert needs a fresh run of failures.
    window.clear();
    YAGURA_ASSIGN_OR_RETURN(const auto id, raise(agentId, event, kFailedLoginsRuleId,
                                                 "Repeated failed logins across hosts", "high",
                                                 "attack.credential-access,attack.t1110", detail));
    return std::optional<std::int64_t>{id};
}

Result<std::int64_t> Correlator::raise(std::int64_t agentId, const proto::TelemetryEvent& trigger,
                                       std::string_view ruleId, const std::string& title,
                                       const std::string& level, const std::string& tags,
                                       const std::string& detail) {
    proto::TelemetryEvent alert;
    // The alert points at the agent's own triggering event (same seq), which the store holds.
    alert.set_seq(trigger.seq());
    alert.set_time_unix_ms(trigger.time_unix_ms());
    alert.set_category("alert");
    alert.set_rank(proto::RANK_ALERT);
    addField(alert, "RuleId", std::string(ruleId));
    addField(alert, "RuleTitle", title);
    addField(alert, "RuleLevel", level);
    addField(alert, "RuleTags", tags);
    addField(alert, "Image", fieldOf(trigger, "Image"));
    return m_store.recordServerAlert(agentId, alert, detail);
}

std::string Correlator::hostList(const std::vector<std::int64_t>& agents) {
    std::string list;
    for (std::size_t i = 0; i < agents.size() && i < 10; ++i) {
        auto agent = m_store.agentById(agents[i]);
        if (!list.empty())
            list += ", ";
        list += agent.ok() && agent->has_value() && !(*agent)->hostname.empty()
                    ? (*agent)->hostname
                    : "agent " + std::to_string(agents[i]);
    }
    if (agents.size() > 10)
        list += ", …";
    return list;
}

} // namespace yagura::server
