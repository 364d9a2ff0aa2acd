#include "policy/AgentPolicy.h"

#include "common/Files.h"
#include "common/Log.h"
#include "detection/AgentDetector.h"
#include "spool/EventSpool.h"

namespace yagura::agent {

namespace {
constexpr std::size_t kMaxPolicyBytes = 64 << 20;
} // namespace

AgentPolicy::AgentPolicy(std::filesystem::path stateDir, AgentDetector& detector, EventSpool* spool,
                         SpecListener onSpec)
    : m_stateDir(std::move(stateDir)), m_detector(detector), m_spool(spool),
      m_onSpec(std::move(onSpec)) {}

Result<std::uint64_t> AgentPolicy::applyStored() {
    std::error_code ec;
    if (!std::filesystem::exists(storedPath(), ec))
        return std::uint64_t{0};
    YAGURA_ASSIGN_OR_RETURN(const auto bytes, files::readFile(storedPath(), kMaxPolicyBytes));
    proto::PolicyBundle bundle;
    if (!bundle.ParseFromString(bytes))
        return makeError(ErrorCode::Corrupt,
                         storedPath().string() + " is not a policy; the server sends it again");
    YAGURA_TRY(activate(bundle, true));
    return m_version;
}

Status AgentPolicy::apply(const proto::PolicyBundle& bundle) {
    if (bundle.version() == 0)
        return makeError(ErrorCode::Protocol, "a policy without a version");
    // The collectors first: if they refuse it, nothing of it runs and nothing is stored.
    if (m_onSpec)
        YAGURA_TRY(m_onSpec(bundle.spec()));
    // Stored before the rules switch: a crash in between re-applies it at the next start.
    YAGURA_TRY(files::writeFileAtomic(storedPath(), bundle.SerializeAsString(), 0600));
    return activate(bundle, false);
}

Status AgentPolicy::activate(const proto::PolicyBundle& bundle, bool configureCollectors) {
    if (configureCollectors && m_onSpec)
        YAGURA_TRY(m_onSpec(bundle.spec()));
    const std::vector<proto::PolicyRule> rules(bundle.rules().begin(), bundle.rules().end());
    const auto report = m_detector.applyPolicyRules(rules);
    for (const auto& [origin, reason] : report.problems)
        spdlog::warn("policy rule {} not loaded: {}", origin, reason);
    if (m_spool && bundle.spec().spool_budget_mib() > 0)
        m_spool->setBudgetBytes(static_cast<std::uint64_t>(bundle.spec().spool_budget_mib()) << 20);
    m_version = bundle.version();
    m_spec = bundle.spec();
    spdlog::info("policy version {} ({}): {} detection rules", bundle.version(), bundle.group(),
                 m_detector.ruleCount());
    return success();
}

} // namespace yagura::agent
