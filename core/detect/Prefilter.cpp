#include "detect/Prefilter.h"

#include <algorithm>
#include <deque>

namespace yagura::detect {

// ---- MultiPattern ---------------------------------------------------------------------------

std::uint32_t MultiPattern::add(std::string_view pattern) {
    std::int32_t node = 0;
    for (const char c : pattern) {
        const auto byte = static_cast<unsigned char>(c);
        std::int32_t next = edge(node, byte);
        if (next < 0) {
            next = static_cast<std::int32_t>(m_nodes.size());
            auto& edges = m_nodes[static_cast<std::size_t>(node)].edges;
            edges.insert(std::upper_bound(edges.begin(), edges.end(),
                                          std::make_pair(byte, std::int32_t{-1})),
                         {byte, next});
            m_nodes.emplace_back();
        }
        node = next;
    }
    const std::uint32_t index = m_patterns++;
    auto& head = m_nodes[static_cast<std::size_t>(node)].outputs;
    m_outputs.push_back({index, head});
    head = static_cast<std::int32_t>(m_outputs.size() - 1);
    return index;
}

std::int32_t MultiPattern::edge(std::int32_t node, unsigned char byte) const {
    const auto& edges = m_nodes[static_cast<std::size_t>(node)].edges;
    for (const auto& [label, next] : edges) {
        if (label == byte)
            return next;
        if (label > byte)
            break;
    }
    return -1;
}

void MultiPattern::build() {
    m_root.fill(0);
    std::deque<std::int32_t> queue;
    for (const auto& [byte, next] : m_nodes[0].edges) {
        m_root[byte] = next;
        m_nodes[static_cast<std::size_t>(next)].fail = 0;
        queue.push_back(next);
    }
    // Breadth first: a node's failure link is the longest proper suffix that is also a prefix.
    // Its output list continues with its failure node's, so a match reports every pattern that
    // ends there.
    while (!queue.empty()) {
        const std::int32_t node = queue.front();
        queue.pop_front();
        for (const auto& [byte, child] : m_nodes[static_cast<std::size_t>(node)].edges) {
            std::int32_t fail = m_nodes[static_cast<std::size_t>(node)].fail;
            std::int32_t target = -1;
            while (true) {
                target = fail == 0 ? m_root[byte] : edge(fail, byte);
                if (target >= 0 || fail == 0)
                    break;
                fail = m_nodes[static_cast<std::size_t>(fail)].fail;
            }
            if (target < 0 || target == child)
                target = 0;
            auto& childNode = m_nodes[static_cast<std::size_t>(child)];
            childNode.fail = target;
            const std::int32_t inherited = m_nodes[static_cast<std::size_t>(target)].outputs;
            if (childNode.outputs < 0) {
                childNode.outputs = inherited;
            } else {
                std::int32_t last = childNode.outputs;
                while (m_outputs[static_cast<std::size_t>(last)].next >= 0)
                    last = m_outputs[static_cast<std::size_t>(last)].next;
                m_outputs[static_cast<std::size_t>(last)].next = inherited;
            }
            queue.push_back(child);
        }
    }
}

// ---- necessary atoms ------------------------------------------------------------------------

namespace {
using Atoms = std::optional<std::vector<Atom>>;

// A literal is only worth a prefilter entry when it is selective; one or two bytes are not.
constexpr std::size_t kMinLiteral = 3;

// The literal a value cannot match without, or nothing. For a wildcard pattern, its longest
// run of plain bytes.
std::optional<std::string> literalOf(const ValueMatcher& value) {
    std::string literal;
    switch (value.kind) {
    case MatchKind::Equals:
        if (value.number)
            return std::nullopt; // "4688" also equals "04688" numerically: no literal then
        literal = value.text;
        break;
    case MatchKind::StartsWith:
    case MatchKind::EndsWith:
    case MatchKind::Contains:
        literal = value.text;
        break;
    case MatchKind::Glob: {
        std::string run;
        for (const GlobToken token : value.glob) {
            if (token >= 0) {
                run.push_back(static_cast<char>(token));
                continue;
            }
            if (run.size() > literal.size())
                literal = run;
            run.clear();
        }
        if (run.size() > literal.size())
            literal = run;
        break;
    }
    default:
        return std::nullopt;
    }
    if (literal.size() < kMinLiteral)
        return std::nullopt;
    return toLowerAscii(literal);
}

// Atoms of one `field|modifiers: values` entry: any value may match (OR), so all of them;
// with `all`, every value must, so the longest one alone is enough.
Atoms fieldAtoms(const FieldMatcher& matcher) {
    std::vector<Atom> atoms;
    std::optional<std::string> longest;
    for (const ValueMatcher& value : matcher.values) {
        auto literal = literalOf(value);
        if (!literal) {
            if (!matcher.all)
                return std::nullopt;
            continue;
        }
        if (matcher.all) {
            if (!longest || literal->size() > longest->size())
                longest = std::move(literal);
            continue;
        }
        atoms.push_back({matcher.fieldLower, std::move(*literal)});
    }
    if (matcher.all) {
        if (!longest)
            return std::nullopt;
        atoms.push_back({matcher.fieldLower, std::move(*longest)});
    }
    if (atoms.empty())
        return std::nullopt;
    return atoms;
}

// The smaller, longer-worded set is the better filter.
bool better(const std::vector<Atom>& a, const std::vector<Atom>& b) {
    auto shortest = [](const std::vector<Atom>& atoms) {
        std::size_t length = SIZE_MAX;
        for (const Atom& atom : atoms)
            length = std::min(length, atom.literal.size());
        return length;
    };
    if (a.size() != b.size())
        return a.size() < b.size();
    return shortest(a) > shortest(b);
}

Atoms selectionAtoms(const Selection& selection) {
    std::vector<Atom> all;
    for (const auto& group : selection.alternatives) {
        // Every entry of a map must hold: the best single entry is necessary.
        Atoms best;
        for (const FieldMatcher& matcher : group) {
            Atoms atoms = fieldAtoms(matcher);
            if (atoms && (!best || better(*atoms, *best)))
                best = std::move(atoms);
        }
        if (!best)
            return std::nullopt; // this alternative can match without any literal
        all.insert(all.end(), best->begin(), best->end());
    }
    if (all.empty())
        return std::nullopt;
    return all;
}

Atoms nodeAtoms(const ConditionNode& node, const Detection& detection) {
    switch (node.op) {
    case ConditionNode::Op::Ref:
        return selectionAtoms(detection.selections[node.selection]);
    case ConditionNode::Op::Not:
        return std::nullopt;
    case ConditionNode::Op::And: {
        Atoms best;
        for (const ConditionNode& child : node.children) {
            Atoms atoms = nodeAtoms(child, detection);
            if (atoms && (!best || better(*atoms, *best)))
                best = std::move(atoms);
        }
        return best;
    }
    case ConditionNode::Op::AtLeast:
        if (node.count >= node.children.size() && node.count > 0) {
            ConditionNode conjunction;
            conjunction.op = ConditionNode::Op::And;
            conjunction.children = node.children;
            return nodeAtoms(conjunction, detection);
        }
        if (node.count == 0)
            return std::nullopt; // "0 of": always true
        [[fallthrough]];         // at least one child must hold: as an OR
    case ConditionNode::Op::Or: {
        std::vector<Atom> all;
        for (const ConditionNode& child : node.children) {
            Atoms atoms = nodeAtoms(child, detection);
            if (!atoms)
                return std::nullopt;
            all.insert(all.end(), atoms->begin(), atoms->end());
        }
        if (all.empty())
            return std::nullopt;
        return all;
    }
    }
    return std::nullopt;
}
} // namespace

std::optional<std::vector<Atom>> necessaryAtoms(const Detection& detection) {
    return nodeAtoms(detection.condition, detection);
}

// ---- Prefilter ------------------------------------------------------------------------------

void Prefilter::addRule(std::size_t sequence, const Detection& detection) {
    if (m_always.size() <= sequence)
        m_always.resize(sequence + 1, true);
    const auto atoms = necessaryAtoms(detection);
    if (!atoms) {
        m_always[sequence] = true;
        return;
    }
    m_always[sequence] = false;
    ++m_filtered;
    for (const Atom& atom : *atoms) {
        const std::string key = atom.fieldLower + '\0' + atom.literal;
        auto [found, inserted] =
            m_atomIndex.emplace(key, static_cast<std::uint32_t>(m_atomRules.size()));
        if (inserted) {
            m_atomRules.emplace_back();
            Scanner& scanner = atom.fieldLower.empty() ? m_keywords : m_byField[atom.fieldLower];
            scanner.patterns.add(atom.literal);
            scanner.atoms.push_back(found->second);
        }
        auto& rules = m_atomRules[found->second];
        if (rules.empty() || rules.back() != sequence)
            rules.push_back(sequence);
    }
}

void Prefilter::build() {
    for (auto& [field, scanner] : m_byField)
        scanner.patterns.build();
    m_keywords.patterns.build();
}

} // namespace yagura::detect
