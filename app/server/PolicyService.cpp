#include "server/PolicyService.h"

#include "response/IsolationRules.h"

#include "common/Log.h"
#include "common/Text.h"
#include "crypto/Hash.h"
#include "detect/Rule.h"

#include <algorithm>
#include <cmath>

namespace yagura::server {

namespace {
constexpr std::size_t kMaxRuleBytes = 1 << 20;
constexpr int kMaxFimPaths = 256;
constexpr int kMaxDisabledRules = 10'000;

bool validName(std::string_view name, std::size_t maxLength) {
    if (name.empty() || name.size() > maxLength)
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '-' || c == '_';
    });
}

// Changes whenever the pack compiled into this server changes: then it is imported again.
std::string builtinFingerprint() {
    std::string all;
    for (const auto& file : builtinRulePack()) {
        all.append(file.path);
        all.push_back('\0');
        all.append(file.content);
        all.push_back('\0');
    }
    return "builtin sha256:" + text::toHex(crypto::sha256(all)).substr(0, 16);
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty())
            out.push_back(',');
        out += item;
    }
    return out;
}
} // namespace

bool validPackName(std::string_view name) {
    return validName(name, 64);
}

bool validGroupName(std::string_view name) {
    return validName(name, 64);
}

proto::PolicySpec PolicyService::defaultSpec() {
    proto::PolicySpec spec;
    spec.add_rule_packs(std::string(kBuiltinPackName));
    // Files whose change on a Linux host is worth an event wherever Yagura runs.
    for (const char* path :
         {"/etc/passwd", "/etc/shadow", "/etc/group", "/etc/sudoers", "/etc/sudoers.d",
          "/etc/ssh/sshd_config", "/etc/crontab", "/etc/cron.d", "/etc/ld.so.preload",
          "/etc/systemd/system", "/root/.ssh"})
        spec.add_fim_paths(path);
    auto* ransomware = spec.mutable_ransomware();
    ransomware->set_enabled(true);
    ransomware->set_window_seconds(10);
    ransomware->set_min_files(50);
    ransomware->set_entropy_bits_per_byte(7.2);
    ransomware->set_ransom_notes(3);
    spec.set_spool_budget_mib(256);
    spec.set_retention_days(30);
    return spec;
}

Result<std::vector<proto::PolicyRecord>> PolicyService::ensureDefaults() {
    std::vector<proto::PolicyRecord> republished;
    YAGURA_ASSIGN_OR_RETURN(const auto stored, m_store.rulePack(std::string(kBuiltinPackName)));
    const std::string fingerprint = builtinFingerprint();
    if (!stored || stored->source() != fingerprint) {
        proto::ImportRulesRequest import;
        import.set_pack(std::string(kBuiltinPackName));
        import.set_description("Yagura's own rules: Linux attack techniques, ransomware and "
                               "OT-relevant behaviour");
        import.set_source(fingerprint);
        import.set_begin(true);
        import.set_finish(true);
        for (const auto& file : builtinRulePack()) {
            auto* added = import.add_files();
            added->set_path(std::string(file.path));
            added->set_content(std::string(file.content));
        }
        YAGURA_ASSIGN_OR_RETURN(const auto imported, importChunk(import, "system", true));
        spdlog::info("rule pack {}: {} rules loaded, {} not", kBuiltinPackName, imported.loaded(),
                     imported.unsupported());
        if (stored) {
            YAGURA_ASSIGN_OR_RETURN(republished,
                                    republishForPack(std::string(kBuiltinPackName), "system",
                                                     "Yagura's default rule pack was updated"));
        }
    }
    YAGURA_ASSIGN_OR_RETURN(const auto current, m_store.policy(std::string(kDefaultGroup)));
    if (!current) {
        YAGURA_TRY(m_store.ensureGroup(std::string(kDefaultGroup)));
        YAGURA_ASSIGN_OR_RETURN(const auto version,
                                m_store.insertPolicy(std::string(kDefaultGroup), defaultSpec(),
                                                     "system", "Yagura's default policy"));
        YAGURA_TRY(
            m_store.audit({"system", "policy.set", "group:default", "ok",
                           "version " + std::to_string(version) + ": Yagura's default policy"}));
    }
    return republished;
}

Result<std::vector<proto::PolicyRecord>>
PolicyService::republishForPack(const std::string& pack, const std::string& actor,
                                const std::string& comment) {
    std::vector<proto::PolicyRecord> republished;
    YAGURA_ASSIGN_OR_RETURN(const auto groups, m_store.groups());
    for (const auto& group : groups) {
        YAGURA_ASSIGN_OR_RETURN(const auto current, m_store.policy(group.name));
        if (!current ||
            std::find(current->spec().rule_packs().begin(), current->spec().rule_packs().end(),
                      pack) == current->spec().rule_packs().end())
            continue;
        YAGURA_ASSIGN_OR_RETURN(const auto version,
                                m_store.insertPolicy(group.name, current->spec(), actor, comment));
        YAGURA_TRY(m_store.audit({actor, "policy.set", "group:" + group.name, "ok",
                                  "version " + std::to_string(version) + ": " + comment}));
        YAGURA_ASSIGN_OR_RETURN(auto record, m_store.policyByVersion(version));
        if (record)
            republished.push_back(std::move(*record));
    }
    return republished;
}

Status PolicyService::validate(const proto::PolicySpec& spec) {
    YAGURA_TRY(response::validateResponsePolicy(spec.response()));
    std::set<std::string> packs;
    for (const auto& pack : spec.rule_packs()) {
        if (!packs.insert(pack).second)
            return makeError(ErrorCode::InvalidArgument, "rule pack '" + pack + "' named twice");
        YAGURA_ASSIGN_OR_RETURN(const auto stored, m_store.rulePack(pack));
        if (!stored)
            return makeError(ErrorCode::NotFound, "no rule pack '" + pack + "' on this site");
    }
    if (spec.disabled_rules_size() > kMaxDisabledRules)
        return makeError(ErrorCode::InvalidArgument, "too many disabled rules");
    if (spec.fim_paths_size() > kMaxFimPaths)
        return makeError(ErrorCode::InvalidArgument,
                         "at most " + std::to_string(kMaxFimPaths) + " watched paths");
    std::set<std::string> paths;
    for (const auto& path : spec.fim_paths()) {
        if (path.empty() || path.front() != '/')
            return makeError(ErrorCode::InvalidArgument,
                             "watched path '" + path + "' is not absolute");
        if (path.find("/../") != std::string::npos || path.ends_with("/..") ||
            path.find('\0') != std::string::npos || path.find('\n') != std::string::npos)
            return makeError(ErrorCode::InvalidArgument, "watched path '" + path +
                                                             "' must not contain '..' or control "
                                                             "characters");
        if (path == "/")
            return makeError(ErrorCode::InvalidArgument,
                             "watching all of / is not file integrity monitoring; name the "
                             "directories that matter");
        if (!paths.insert(path).second)
            return makeError(ErrorCode::InvalidArgument, "watched path '" + path + "' named twice");
    }
    const auto& ransomware = spec.ransomware();
    if (ransomware.enabled()) {
        if (ransomware.window_seconds() < 1 || ransomware.window_seconds() > 600)
            return makeError(ErrorCode::InvalidArgument,
                             "ransomware window must be 1 to 600 seconds");
        if (ransomware.min_files() < 5 || ransomware.min_files() > 100'000)
            return makeError(ErrorCode::InvalidArgument,
                             "ransomware file threshold must be 5 to 100000");
        if (!std::isfinite(ransomware.entropy_bits_per_byte()) ||
            ransomware.entropy_bits_per_byte() < 0 || ransomware.entropy_bits_per_byte() > 8)
            return makeError(ErrorCode::InvalidArgument,
                             "ransomware entropy threshold must be 0 to 8 bits per byte");
        if (ransomware.ransom_notes() > 1000)
            return makeError(ErrorCode::InvalidArgument,
                             "ransom note threshold must be 0 (off) to 1000");
    }
    if (spec.spool_budget_mib() < 1 || spec.spool_budget_mib() > 65'536)
        return makeError(ErrorCode::InvalidArgument, "spool budget must be 1 to 65536 MiB");
    if (spec.retention_days() < 1 || spec.retention_days() > 3650)
        return makeError(ErrorCode::InvalidArgument, "retention must be 1 to 3650 days");
    return success();
}

Result<proto::PolicyRecord> PolicyService::setPolicy(const proto::SetPolicyRequest& request,
                                                     const std::string& actor) {
    YAGURA_ASSIGN_OR_RETURN(const bool exists, m_store.groupExists(request.group()));
    if (!exists)
        return makeError(ErrorCode::NotFound, "no group '" + request.group() + "'");
    YAGURA_TRY(validate(request.spec()));
    YAGURA_ASSIGN_OR_RETURN(const auto current, m_store.policy(request.group()));
    const std::uint64_t currentVersion = current ? current->version() : 0;
    if (request.base_version() != currentVersion)
        return makeError(ErrorCode::Conflict,
                         "the policy changed since you opened it (now version " +
                             std::to_string(currentVersion) + "); reload and edit again");
    if (current && current->spec().SerializeAsString() == request.spec().SerializeAsString())
        return makeError(ErrorCode::InvalidArgument, "nothing changed");
    YAGURA_ASSIGN_OR_RETURN(
        const auto version,
        m_store.insertPolicy(request.group(), request.spec(), actor, request.comment()));
    YAGURA_ASSIGN_OR_RETURN(auto stored, m_store.policyByVersion(version));
    if (!stored)
        return makeError(ErrorCode::Internal, "the new policy version vanished");
    return *stored;
}

Result<proto::ImportRulesResponse>
PolicyService::importChunk(const proto::ImportRulesRequest& request, const std::string& actor,
                           bool builtin) {
    if (!validPackName(request.pack()))
        return makeError(ErrorCode::InvalidArgument,
                         "pack name '" + request.pack() +
                             "' must be 1-64 letters, digits, '.', '-' or '_'");
    if (!builtin && request.pack() == kBuiltinPackName)
        return makeError(ErrorCode::InvalidArgument, "the pack '" + request.pack() +
                                                         "' ships with Yagura; import under "
                                                         "another name");
    // Rows go to a staging name until the last chunk; see SiteStore::finishRulePack.
    const std::string staging = "~import:" + request.pack();
    if (request.begin()) {
        ImportState state;
        YAGURA_ASSIGN_OR_RETURN(const auto disabled, m_store.disabledRules(request.pack()));
        for (const auto& [file, id] : disabled) {
            state.disabledFiles.insert(file);
            state.disabledIds.insert(id);
        }
        YAGURA_TRY(m_store.beginRulePack(staging, request.description(), request.source(), builtin,
                                         actor));
        m_imports[request.pack()] = std::move(state);
    }
    auto found = m_imports.find(request.pack());
    if (found == m_imports.end())
        return makeError(ErrorCode::InvalidArgument, "no import of '" + request.pack() +
                                                         "' under way; send a first chunk "
                                                         "with begin set");
    ImportState& state = found->second;
    proto::ImportRulesResponse response;
    for (const auto& file : request.files()) {
        RuleRow row;
        row.pack = staging;
        row.file = file.path();
        row.yaml = file.content();
        row.enabled = !state.disabledFiles.contains(file.path());
        if (file.path().empty() || file.path().size() > 512 || file.path().front() == '/' ||
            file.path().find("..") != std::string::npos)
            return makeError(ErrorCode::InvalidArgument,
                             "rule file name '" + file.path() + "' must be a relative path");
        if (file.content().size() > kMaxRuleBytes) {
            row.status = "unsupported";
            row.reason = "too-large: over 1 MiB";
        } else if (auto parsed = detect::parseRule(file.content(), file.path()); !parsed.ok()) {
            row.status = "unsupported";
            row.reason = parsed.error().message;
        } else {
            row.ruleId = parsed->id;
            row.title = parsed->title;
            row.level = parsed->level;
            row.product = text::toLower(parsed->logsource.product);
            row.category = text::toLower(parsed->logsource.category);
            row.service = text::toLower(parsed->logsource.service);
            row.tags = joined(parsed->tags);
            row.status = "loaded";
            if (state.disabledIds.contains(row.ruleId))
                row.enabled = false;
            if (row.ruleId.empty()) {
                row.status = "unsupported";
                row.reason = "no-id: a rule needs an id so alerts and exceptions can name it";
            } else if (auto other = state.ids.find(row.ruleId); other != state.ids.end()) {
                row.status = "duplicate";
                row.reason = "duplicate: same id as " + other->second;
            } else {
                YAGURA_ASSIGN_OR_RETURN(const auto elsewhere,
                                        m_store.ruleIdExists(row.ruleId, request.pack()));
                if (elsewhere) {
                    row.status = "duplicate";
                    row.reason =
                        "duplicate: the id is already loaded from pack '" + *elsewhere + "'";
                } else {
                    state.ids.emplace(row.ruleId, row.file);
                }
            }
        }
        if (row.status == "loaded")
            response.set_loaded(response.loaded() + 1);
        else
            response.set_unsupported(response.unsupported() + 1);
        YAGURA_TRY(m_store.insertRule(row));
    }
    response.set_received(static_cast<std::uint32_t>(request.files_size()));
    if (request.finish()) {
        YAGURA_TRY(m_store.finishRulePack(staging, request.pack()));
        m_imports.erase(request.pack());
        YAGURA_ASSIGN_OR_RETURN(const auto pack, m_store.rulePack(request.pack()));
        if (pack)
            *response.mutable_pack() = *pack;
    }
    return response;
}

Result<std::optional<proto::PolicyBundle>> PolicyService::bundleFor(std::int64_t agentId) {
    YAGURA_ASSIGN_OR_RETURN(const auto agent, m_store.agentById(agentId));
    if (!agent)
        return makeError(ErrorCode::NotFound, "no agent " + std::to_string(agentId));
    YAGURA_ASSIGN_OR_RETURN(const auto policy, m_store.policy(agent->group));
    if (!policy)
        return std::optional<proto::PolicyBundle>{};
    proto::PolicyBundle bundle;
    bundle.set_version(policy->version());
    bundle.set_group(policy->group());
    *bundle.mutable_spec() = policy->spec();
    // Agents run on Linux today; the product filter keeps Windows rules off them.
    YAGURA_ASSIGN_OR_RETURN(auto rules, m_store.policyRules(policy->spec(), "linux"));
    for (auto& rule : rules)
        *bundle.add_rules() = std::move(rule);
    return std::optional<proto::PolicyBundle>{std::move(bundle)};
}

} // namespace yagura::server
