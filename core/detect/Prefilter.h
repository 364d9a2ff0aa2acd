#pragma once

#include "detect/Detection.h"
#include "detect/Event.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace yagura::detect {

// Many patterns searched in one pass over a text (Aho–Corasick). Patterns are byte strings;
// callers lower-case both sides for case-insensitive use.
class MultiPattern {
public:
    // Returns the pattern's index.
    std::uint32_t add(std::string_view pattern);
    void build();
    bool empty() const { return m_patterns == 0; }

    // Calls found(patternIndex) for every occurrence (a pattern may be reported more than once).
    template <typename Found> void scan(std::string_view text, Found&& found) const {
        std::int32_t state = 0;
        for (const char c : text) {
            const auto byte = static_cast<unsigned char>(c);
            state = step(state, byte);
            for (std::int32_t out = m_nodes[static_cast<std::size_t>(state)].outputs; out >= 0;
                 out = m_outputs[static_cast<std::size_t>(out)].next)
                found(m_outputs[static_cast<std::size_t>(out)].pattern);
        }
    }

private:
    struct Node {
        std::vector<std::pair<unsigned char, std::int32_t>> edges; // sorted by byte
        std::int32_t fail = 0;
        std::int32_t outputs = -1; // head of this node's output list (own, then its fail chain's)
    };
    struct Output {
        std::uint32_t pattern;
        std::int32_t next;
    };

    std::int32_t edge(std::int32_t node, unsigned char byte) const;
    std::int32_t step(std::int32_t state, unsigned char byte) const {
        while (state != 0) {
            if (const std::int32_t next = edge(state, byte); next >= 0)
                return next;
            state = m_nodes[static_cast<std::size_t>(state)].fail;
        }
        return m_root[byte];
    }

    std::vector<Node> m_nodes{Node{}};
    std::vector<Output> m_outputs;
    std::array<std::int32_t, 256> m_root{}; // the root's transitions, dense: most bytes stay there
    std::uint32_t m_patterns = 0;
};

// A literal that must occur in an event for a rule to match: in the lower-cased value of the
// field (or of any field, for keyword rules when `fieldLower` is empty).
struct Atom {
    std::string fieldLower;
    std::string literal; // lower-cased
};

// Literals of which at least one must occur for the detection to be true, or nothing when none
// can be derived (a negation, a regular expression or a number decides, say). Sound by
// construction: it may let through events that do not match, never hold back one that does.
std::optional<std::vector<Atom>> necessaryAtoms(const Detection& detection);

// Which rules an event can possibly match: the rules without atoms, and those whose atoms occur
// in it. Built once from all rules; scanning is one multi-pattern pass per field.
class Prefilter {
public:
    void addRule(std::size_t sequence, const Detection& detection);
    void build();
    // Calls candidate(sequence) for the rules with an atom in the event (each at least once).
    template <typename Candidate> void scan(const Event& event, Candidate&& candidate) const {
        for (const Event::Field& field : event.fields()) {
            if (const auto byField = m_byField.find(field.loweredName); byField != m_byField.end())
                scanWith(byField->second, field.lowered, candidate);
            if (!m_keywords.patterns.empty())
                scanWith(m_keywords, field.lowered, candidate);
        }
    }
    // Rules that are always evaluated (no atoms could be derived).
    bool alwaysEvaluated(std::size_t sequence) const {
        return sequence < m_always.size() && m_always[sequence];
    }
    std::size_t filteredRules() const { return m_filtered; }

private:
    struct Scanner {
        MultiPattern patterns;
        std::vector<std::uint32_t> atoms; // pattern index -> atom index
    };
    template <typename Candidate>
    void scanWith(const Scanner& scanner, std::string_view text, Candidate& candidate) const {
        scanner.patterns.scan(text, [&](std::uint32_t pattern) {
            for (const std::size_t rule : m_atomRules[scanner.atoms[pattern]])
                candidate(rule);
        });
    }

    std::unordered_map<std::string, Scanner> m_byField; // lower-cased field name
    Scanner m_keywords;
    std::vector<std::vector<std::size_t>> m_atomRules; // atom index -> rule sequences
    std::vector<bool> m_always;
    std::size_t m_filtered = 0;
    // (field, literal) -> atom index, so rules sharing a literal share the atom
    std::unordered_map<std::string, std::uint32_t> m_atomIndex;
};

} // namespace yagura::detect
