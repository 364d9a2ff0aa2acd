#pragma once

#include "common/Result.h"
#include "detect/Event.h"
#include "detect/Prefilter.h"
#include "detect/Rule.h"

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace yagura::detect {

struct LoadReport {
    std::size_t files = 0; // .yml / .yaml files seen
    std::size_t loaded = 0;
    std::size_t unsupported = 0; // files that did not load, whatever the reason
    // (file, one-line message "<reason>: <detail>"), in file order
    std::vector<std::pair<std::string, std::string>> problems;
    std::map<std::string, std::size_t> reasons; // reason -> count
};

// A set of compiled Sigma rules, indexed by log source. Loading is not thread-safe; match() is
// const and may run concurrently from any number of threads once loading is done.
class RuleSet {
public:
    RuleSet();
    ~RuleSet();
    RuleSet(const RuleSet&) = delete;
    RuleSet& operator=(const RuleSet&) = delete;
    RuleSet(RuleSet&&) noexcept;
    RuleSet& operator=(RuleSet&&) noexcept;

    // Adds one rule; the pointer stays valid for the RuleSet's lifetime. A rule whose non-empty
    // id is already in the set is refused.
    Result<const Rule*> addRuleYaml(std::string_view yaml, std::string origin = {});
    Result<const Rule*> addRule(Rule rule);
    Result<const Rule*> loadFile(const std::filesystem::path& path);
    // Every .yml / .yaml file below `directory`, recursively, in path order.
    LoadReport loadDirectory(const std::filesystem::path& directory);

    // The rules whose log source applies to the event and whose detection matches, in the order
    // they were added.
    [[nodiscard]] std::vector<const Rule*> match(const Event& event) const;
    // The same, appending to `out` (no allocation once `out` has capacity).
    void match(const Event& event, std::vector<const Rule*>& out) const;

    // The rules that would be evaluated for an event of this log source.
    [[nodiscard]] std::size_t candidateCount(const Event& event) const;

    [[nodiscard]] std::size_t size() const { return m_rules.size(); }
    [[nodiscard]] const Rule* findById(std::string_view id) const;
    [[nodiscard]] std::vector<const Rule*> rules() const;
    // Rules that the literal prefilter can skip for events without their literals.
    [[nodiscard]] std::size_t prefilteredRules() const;
    // For tests: match() without the prefilter (every candidate rule evaluated).
    void matchWithoutPrefilter(const Event& event, std::vector<const Rule*>& out) const;

private:
    struct Group {
        std::string category, product, service; // lower-cased
        std::vector<const Rule*> rules;
    };
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const {
            return std::hash<std::string_view>{}(text);
        }
    };
    template <typename Visit> void forEachCandidateGroup(const Event& event, Visit&& visit) const;
    template <typename Wanted>
    void matchWhere(const Event& event, std::vector<const Rule*>& out, Wanted&& wanted) const;
    // Built at the first match after a change; match() may then run on many threads.
    const Prefilter& prefilter() const;
    struct PrefilterState;
    std::unique_ptr<PrefilterState> m_prefilter;

    std::vector<std::unique_ptr<Rule>> m_rules;
    std::vector<Group> m_groups;
    // lower-cased product -> indices into m_groups
    std::unordered_map<std::string, std::vector<std::size_t>, Hash, std::equal_to<>> m_byProduct;
    std::unordered_map<std::string, const Rule*, Hash, std::equal_to<>> m_byId;
};

} // namespace yagura::detect
