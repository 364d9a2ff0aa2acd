#include "detect/RuleSet.h"

#include "common/Files.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <system_error>

namespace yagura::detect {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = static_cast<char>(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

bool partApplies(std::string_view rulePart, std::string_view eventPart) {
    return rulePart.empty() || equalsIgnoreCase(rulePart, eventPart);
}

bool noLogSource(const Event& event) {
    return event.category.empty() && event.product.empty() && event.service.empty();
}

} // namespace

struct RuleSet::PrefilterState {
    std::mutex mutex;
    std::atomic<bool> built{false};
    Prefilter prefilter;
};

RuleSet::RuleSet() : m_prefilter(std::make_unique<PrefilterState>()) {}
RuleSet::~RuleSet() = default;
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;

const Prefilter& RuleSet::prefilter() const {
    PrefilterState& state = *m_prefilter;
    if (!state.built.load(std::memory_order_acquire)) {
        const std::lock_guard lock(state.mutex);
        if (!state.built.load(std::memory_order_relaxed)) {
            state.prefilter = Prefilter{};
            for (const auto& rule : m_rules)
                state.prefilter.addRule(rule->sequence, rule->detection);
            state.prefilter.build();
            state.built.store(true, std::memory_order_release);
        }
    }
    return state.prefilter;
}

std::size_t RuleSet::prefilteredRules() const {
    return prefilter().filteredRules();
}

bool LogSource::appliesTo(const Event& event) const {
    if (noLogSource(event))
        return true;
    return partApplies(category, event.category) && partApplies(product, event.product) &&
           partApplies(service, event.service);
}

Result<const Rule*> RuleSet::addRuleYaml(std::string_view yaml, std::string origin) {
    YAGURA_ASSIGN_OR_RETURN(Rule rule, parseRule(yaml, std::move(origin)));
    return addRule(std::move(rule));
}

Result<const Rule*> RuleSet::addRule(Rule rule) {
    if (!rule.id.empty() && m_byId.find(rule.id) != m_byId.end())
        return ruleProblem("invalid rule", "duplicate rule id " + rule.id);
    rule.sequence = m_rules.size();
    m_rules.push_back(std::make_unique<Rule>(std::move(rule)));
    const Rule* added = m_rules.back().get();
    if (!added->id.empty())
        m_byId.emplace(added->id, added);

    const std::string category = toLowerAscii(added->logsource.category);
    const std::string product = toLowerAscii(added->logsource.product);
    const std::string service = toLowerAscii(added->logsource.service);
    auto group = std::find_if(m_groups.begin(), m_groups.end(), [&](const Group& g) {
        return g.category == category && g.product == product && g.service == service;
    });
    if (group == m_groups.end()) {
        m_groups.push_back(Group{category, product, service, {}});
        m_byProduct[product].push_back(m_groups.size() - 1);
        group = m_groups.end() - 1;
    }
    group->rules.push_back(added);
    m_prefilter->built.store(false, std::memory_order_release); // loading is single-threaded
    return added;
}

Result<const Rule*> RuleSet::loadFile(const std::filesystem::path& path) {
    YAGURA_ASSIGN_OR_RETURN(std::string text, files::readFile(path));
    return addRuleYaml(text, path.string());
}

LoadReport RuleSet::loadDirectory(const std::filesystem::path& directory) {
    LoadReport report;
    std::vector<std::filesystem::path> paths;
    std::error_code ec;
    std::filesystem::recursive_directory_iterator it(directory, ec), end;
    if (ec) {
        report.problems.emplace_back(directory.string(), "io: " + ec.message());
        report.reasons["io"] += 1;
        return report;
    }
    for (; it != end; it.increment(ec)) {
        if (ec)
            break;
        const auto& entry = *it;
        const std::string extension = entry.path().extension().string();
        if (entry.is_regular_file(ec) && (extension == ".yml" || extension == ".yaml"))
            paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& path : paths) {
        ++report.files;
        auto added = loadFile(path);
        if (added.ok()) {
            ++report.loaded;
            continue;
        }
        ++report.unsupported;
        const Error& error = added.error();
        const std::string_view reason = problemReason(error);
        report.reasons[reason == error.message ? std::string("io") : std::string(reason)] += 1;
        report.problems.emplace_back(path.string(), error.message);
    }
    return report;
}

template <typename Visit>
void RuleSet::forEachCandidateGroup(const Event& event, Visit&& visit) const {
    if (noLogSource(event)) {
        for (const Group& group : m_groups)
            visit(group);
        return;
    }
    const std::string product = toLowerAscii(event.product);
    auto visitBucket = [&](std::string_view key) {
        const auto bucket = m_byProduct.find(key);
        if (bucket == m_byProduct.end())
            return;
        for (std::size_t index : bucket->second) {
            const Group& group = m_groups[index];
            if (partApplies(group.category, event.category) &&
                partApplies(group.service, event.service))
                visit(group);
        }
    };
    visitBucket(product);
    if (!product.empty())
        visitBucket("");
}

template <typename Wanted>
void RuleSet::matchWhere(const Event& event, std::vector<const Rule*>& out, Wanted&& wanted) const {
    const std::size_t first = out.size();
    std::size_t groups = 0;
    forEachCandidateGroup(event, [&](const Group& group) {
        const std::size_t before = out.size();
        for (const Rule* rule : group.rules) {
            if (wanted(rule->sequence) && rule->matches(event))
                out.push_back(rule);
        }
        groups += out.size() > before ? 1 : 0;
    });
    if (groups > 1) {
        std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                  [](const Rule* a, const Rule* b) { return a->sequence < b->sequence; });
    }
}

void RuleSet::match(const Event& event, std::vector<const Rule*>& out) const {
    const Prefilter& filter = prefilter();
    // Marks of the rules whose literals occur in this event; a generation number instead of
    // clearing, per thread, so concurrent matches never share them.
    thread_local std::vector<std::uint32_t> marks;
    thread_local std::uint32_t generation = 0;
    if (marks.size() < m_rules.size())
        marks.resize(m_rules.size(), 0);
    if (++generation == 0) {
        std::fill(marks.begin(), marks.end(), 0);
        generation = 1;
    }
    const std::uint32_t current = generation;
    filter.scan(event, [&](std::size_t sequence) { marks[sequence] = current; });
    matchWhere(event, out, [&](std::size_t sequence) {
        return filter.alwaysEvaluated(sequence) || marks[sequence] == current;
    });
}

void RuleSet::matchWithoutPrefilter(const Event& event, std::vector<const Rule*>& out) const {
    matchWhere(event, out, [](std::size_t) { return true; });
}

std::vector<const Rule*> RuleSet::match(const Event& event) const {
    std::vector<const Rule*> out;
    match(event, out);
    return out;
}

std::size_t RuleSet::candidateCount(const Event& event) const {
    std::size_t count = 0;
    forEachCandidateGroup(event, [&](const Group& group) { count += group.rules.size(); });
    return count;
}

const Rule* RuleSet::findById(std::string_view id) const {
    const auto it = m_byId.find(id);
    return it == m_byId.end() ? nullptr : it->second;
}

std::vector<const Rule*> RuleSet::rules() const {
    std::vector<const Rule*> out;
    out.reserve(m_rules.size());
    for (const auto& rule : m_rules)
        out.push_back(rule.get());
    return out;
}

} // namespace yagura::detect
