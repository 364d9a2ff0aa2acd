#pragma once

#include "common/Clock.h"
#include "common/Result.h"
#include "proto/agent.pb.h"
#include "proto/operator.pb.h"
#include "server/SiteStore.h"

#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>

namespace yagura::server {

struct EmbeddedFile {
    std::string_view path;
    std::string_view content;
};
// Yagura's own default rule pack (rules/yagura-default), compiled into the server.
std::span<const EmbeddedFile> builtinRulePack();
inline constexpr std::string_view kBuiltinPackName = "yagura-default";

// Rule packs, groups and policies: validation, imports, and the bundle an agent runs.
class PolicyService {
public:
    PolicyService(SiteStore& store, const Clock& clock) : m_store(store), m_clock(clock) {}

    // What a new site's "default" group starts with.
    static proto::PolicySpec defaultSpec();

    // Imports the builtin pack when the server's copy differs from the stored one (keeping the
    // operators' enable/disable choices) and gives the default group its first policy.
    // Returns the policies republished because the builtin pack changed.
    Result<std::vector<proto::PolicyRecord>> ensureDefaults();

    // One line for the operator when the spec cannot be applied; nothing is stored then.
    Status validate(const proto::PolicySpec& spec);

    // Stores a new version after validation; the caller audits and notifies.
    Result<proto::PolicyRecord> setPolicy(const proto::SetPolicyRequest& request,
                                          const std::string& actor);

    // One chunk of an import (see ImportRulesRequest); runs in the caller's transaction.
    Result<proto::ImportRulesResponse> importChunk(const proto::ImportRulesRequest& request,
                                                   const std::string& actor, bool builtin = false);

    // A pack's rules changed (import, enable/disable): every group whose current policy uses
    // it gets a new version with the same spec, so its agents fetch the new rule set.
    Result<std::vector<proto::PolicyRecord>>
    republishForPack(const std::string& pack, const std::string& actor, const std::string& comment);

    // The policy an agent should run, with its rules; nullopt when its group has none.
    Result<std::optional<proto::PolicyBundle>> bundleFor(std::int64_t agentId);

private:
    struct ImportState {
        std::set<std::string> disabledFiles;
        std::set<std::string> disabledIds;
        std::map<std::string, std::string> ids; // rule id -> file, within this import
    };

    SiteStore& m_store;
    const Clock& m_clock;
    std::map<std::string, ImportState> m_imports; // by pack, while an import is under way
};

// Names a pack may have: letters, digits, '.', '-', '_' (1-64), so it is safe in paths and logs.
bool validPackName(std::string_view name);
bool validGroupName(std::string_view name);

} // namespace yagura::server
