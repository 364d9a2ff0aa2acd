// The Sigma condition grammar, its evaluation and the required-field analysis.
//
//   expr    := and ('or' and)*
//   and     := unary ('and' unary)*
//   unary   := 'not' unary | primary
//   primary := '(' expr ')' | quant 'of' (pattern | 'them') | identifier
//   quant   := '1' | 'any' | 'all' | N
//
// `not` binds tighter than `and`, `and` tighter than `or`. Patterns use `*` wildcards over the
// selection names; `them` means every selection whose name does not start with '_'.
// A `|` (aggregation: count, min, max, ...) and `near` are not single-event conditions.

#include "detect/Detection.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace yagura::detect {

namespace {

struct Token {
    enum class Kind { Word, Open, Close, Pipe, End };
    Kind kind = Kind::End;
    std::string text;
};

std::vector<Token> tokenize(std::string_view text) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '(') {
            out.push_back({Token::Kind::Open, "("});
            ++i;
        } else if (c == ')') {
            out.push_back({Token::Kind::Close, ")"});
            ++i;
        } else if (c == '|') {
            out.push_back({Token::Kind::Pipe, "|"});
            ++i;
        } else {
            std::size_t j = i;
            while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) &&
                   text[j] != '(' && text[j] != ')' && text[j] != '|')
                ++j;
            out.push_back({Token::Kind::Word, std::string(text.substr(i, j - i))});
            i = j;
        }
    }
    out.push_back({Token::Kind::End, ""});
    return out;
}

bool wildcardMatch(std::string_view pattern, std::string_view name) {
    std::size_t p = 0, n = 0, starP = std::string_view::npos, starN = 0;
    while (n < name.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            starP = p++;
            starN = n;
        } else if (p < pattern.size() && pattern[p] == name[n]) {
            ++p;
            ++n;
        } else if (starP != std::string_view::npos) {
            p = starP + 1;
            n = ++starN;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

class Parser {
public:
    Parser(std::string_view text, const std::vector<Selection>& selections)
        : m_text(text), m_tokens(tokenize(text)), m_selections(selections) {}

    Result<ConditionNode> parse() {
        for (const Token& t : m_tokens) {
            if (t.kind == Token::Kind::Pipe)
                return ruleProblem("aggregation", "condition '" + std::string(m_text) +
                                                      "' aggregates over events");
            if (t.kind == Token::Kind::Word && lower(t.text) == "near")
                return ruleProblem("aggregation",
                                   "condition '" + std::string(m_text) + "' uses 'near'");
        }
        YAGURA_ASSIGN_OR_RETURN(ConditionNode node, parseOr());
        if (peek().kind != Token::Kind::End)
            return fail("unexpected '" + peek().text + "'");
        return node;
    }

private:
    static std::string lower(std::string_view text) { return toLowerAscii(text); }

    const Token& peek() const { return m_tokens[m_pos]; }
    bool peekWord(std::string_view word) const {
        return peek().kind == Token::Kind::Word && lower(peek().text) == word;
    }

    Error fail(const std::string& what) const {
        return ruleProblem("invalid condition", what + " in '" + std::string(m_text) + "'");
    }

    Result<ConditionNode> parseOr() {
        YAGURA_ASSIGN_OR_RETURN(ConditionNode left, parseAnd());
        if (!peekWord("or"))
            return left;
        ConditionNode node;
        node.op = ConditionNode::Op::Or;
        node.children.push_back(std::move(left));
        while (peekWord("or")) {
            ++m_pos;
            YAGURA_ASSIGN_OR_RETURN(ConditionNode right, parseAnd());
            node.children.push_back(std::move(right));
        }
        return node;
    }

    Result<ConditionNode> parseAnd() {
        YAGURA_ASSIGN_OR_RETURN(ConditionNode left, parseUnary());
        if (!peekWord("and"))
            return left;
        ConditionNode node;
        node.op = ConditionNode::Op::And;
        node.children.push_back(std::move(left));
        while (peekWord("and")) {
            ++m_pos;
            YAGURA_ASSIGN_OR_RETURN(ConditionNode right, parseUnary());
            node.children.push_back(std::move(right));
        }
        return node;
    }

    Result<ConditionNode> parseUnary() {
        if (peekWord("not")) {
            ++m_pos;
            YAGURA_ASSIGN_OR_RETURN(ConditionNode inner, parseUnary());
            ConditionNode node;
            node.op = ConditionNode::Op::Not;
            node.children.push_back(std::move(inner));
            return node;
        }
        return parsePrimary();
    }

    Result<ConditionNode> parsePrimary() {
        const Token token = peek();
        if (token.kind == Token::Kind::Open) {
            ++m_pos;
            YAGURA_ASSIGN_OR_RETURN(ConditionNode inner, parseOr());
            if (peek().kind != Token::Kind::Close)
                return fail("missing ')'");
            ++m_pos;
            return inner;
        }
        if (token.kind != Token::Kind::Word)
            return fail(token.kind == Token::Kind::End ? std::string("unexpected end")
                                                       : "unexpected '" + token.text + "'");
        const std::string word = lower(token.text);
        if (word == "and" || word == "or" || word == "of" || word == "them")
            return fail("unexpected '" + token.text + "'");
        // Quantifier?
        if (m_pos + 1 < m_tokens.size() && m_tokens[m_pos + 1].kind == Token::Kind::Word &&
            lower(m_tokens[m_pos + 1].text) == "of") {
            std::size_t count = 0;
            bool all = false;
            if (word == "all") {
                all = true;
            } else if (word == "any") {
                count = 1;
            } else if (!word.empty() &&
                       std::all_of(word.begin(), word.end(),
                                   [](char c) { return c >= '0' && c <= '9'; }) &&
                       word.size() < 6) {
                count = std::stoul(word);
                if (count == 0)
                    return fail("'0 of' is not a condition");
            } else {
                return fail("bad quantifier '" + token.text + "'");
            }
            m_pos += 2;
            if (peek().kind != Token::Kind::Word)
                return fail("'of' needs a name pattern or 'them'");
            const std::string pattern = peek().text;
            ++m_pos;
            std::vector<std::size_t> matched;
            for (std::size_t i = 0; i < m_selections.size(); ++i) {
                const std::string& name = m_selections[i].name;
                const bool hit = lower(pattern) == "them" ? !name.starts_with("_")
                                                          : wildcardMatch(pattern, name);
                if (hit)
                    matched.push_back(i);
            }
            if (matched.empty())
                return fail("no detection item matches '" + pattern + "'");
            ConditionNode node;
            if (all) {
                node.op = ConditionNode::Op::And;
            } else if (count == 1) {
                node.op = ConditionNode::Op::Or;
            } else {
                node.op = ConditionNode::Op::AtLeast;
                node.count = count;
            }
            for (std::size_t index : matched) {
                ConditionNode ref;
                ref.op = ConditionNode::Op::Ref;
                ref.selection = index;
                node.children.push_back(std::move(ref));
            }
            return node;
        }
        ++m_pos;
        for (std::size_t i = 0; i < m_selections.size(); ++i) {
            if (m_selections[i].name == token.text) {
                ConditionNode ref;
                ref.op = ConditionNode::Op::Ref;
                ref.selection = i;
                return ref;
            }
        }
        return fail("unknown identifier '" + token.text + "'");
    }

    std::string_view m_text;
    std::vector<Token> m_tokens;
    const std::vector<Selection>& m_selections;
    std::size_t m_pos = 0;
};

bool evaluateNode(const ConditionNode& node, const Detection& detection, const Event& event) {
    switch (node.op) {
    case ConditionNode::Op::Ref: {
        const Selection& selection = detection.selections[node.selection];
        for (const auto& group : selection.alternatives) {
            bool all = true;
            for (const FieldMatcher& matcher : group) {
                if (!matchField(matcher, event)) {
                    all = false;
                    break;
                }
            }
            if (all)
                return true;
        }
        return false;
    }
    case ConditionNode::Op::Not:
        return !evaluateNode(node.children.front(), detection, event);
    case ConditionNode::Op::And:
        for (const ConditionNode& child : node.children) {
            if (!evaluateNode(child, detection, event))
                return false;
        }
        return true;
    case ConditionNode::Op::Or:
        for (const ConditionNode& child : node.children) {
            if (evaluateNode(child, detection, event))
                return true;
        }
        return false;
    case ConditionNode::Op::AtLeast: {
        std::size_t hits = 0;
        for (const ConditionNode& child : node.children) {
            if (evaluateNode(child, detection, event) && ++hits >= node.count)
                return true;
        }
        return false;
    }
    }
    return false;
}

using FieldSet = std::vector<std::string>; // sorted, unique field names

FieldSet unite(FieldSet a, const FieldSet& b) {
    FieldSet out;
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

FieldSet intersect(const FieldSet& a, const FieldSet& b) {
    FieldSet out;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

// Fields that a field matcher cannot match without.
FieldSet requiredBy(const FieldMatcher& matcher) {
    if (matcher.field.empty() || matcher.values.empty())
        return {};
    auto needsField = [](const ValueMatcher& m) {
        return m.kind != MatchKind::Null && !(m.kind == MatchKind::Exists && !m.wanted);
    };
    const bool required =
        matcher.all ? std::any_of(matcher.values.begin(), matcher.values.end(), needsField)
                    : std::all_of(matcher.values.begin(), matcher.values.end(), needsField);
    return required ? FieldSet{matcher.field} : FieldSet{};
}

FieldSet requiredBy(const ConditionNode& node, const Detection& detection) {
    switch (node.op) {
    case ConditionNode::Op::Ref: {
        const Selection& selection = detection.selections[node.selection];
        std::optional<FieldSet> common;
        for (const auto& group : selection.alternatives) {
            FieldSet fields;
            for (const FieldMatcher& matcher : group)
                fields = unite(std::move(fields), requiredBy(matcher));
            common = common ? intersect(*common, fields) : fields;
        }
        return common.value_or(FieldSet{});
    }
    case ConditionNode::Op::Not:
        return {};
    case ConditionNode::Op::And: {
        FieldSet fields;
        for (const ConditionNode& child : node.children)
            fields = unite(std::move(fields), requiredBy(child, detection));
        return fields;
    }
    case ConditionNode::Op::Or: {
        std::optional<FieldSet> common;
        for (const ConditionNode& child : node.children) {
            FieldSet fields = requiredBy(child, detection);
            common = common ? intersect(*common, fields) : std::move(fields);
        }
        return common.value_or(FieldSet{});
    }
    case ConditionNode::Op::AtLeast:
        if (node.count >= node.children.size()) {
            FieldSet fields;
            for (const ConditionNode& child : node.children)
                fields = unite(std::move(fields), requiredBy(child, detection));
            return fields;
        }
        return {};
    }
    return {};
}

// Relative evaluation costs, for ordering: cheap, selective tests run first, and AND / OR stop
// early. Evaluation has no side effects, so the order never changes a result.
std::size_t costOf(const FieldMatcher& matcher) {
    std::size_t cost = matcher.field.empty() ? 8 : 1; // a keyword scans every field
    for (const ValueMatcher& m : matcher.values) {
        switch (m.kind) {
        case MatchKind::Contains:
            cost += 4;
            break;
        case MatchKind::Glob:
            cost += 8;
            break;
        case MatchKind::Regex:
            cost += 64;
            break;
        default:
            cost += 1;
            break;
        }
    }
    return matcher.field.empty() ? cost * 8 : cost;
}

std::size_t optimizeSelection(Selection& selection) {
    std::size_t total = 0;
    for (auto& group : selection.alternatives) {
        std::stable_sort(
            group.begin(), group.end(),
            [](const FieldMatcher& a, const FieldMatcher& b) { return costOf(a) < costOf(b); });
        for (const FieldMatcher& matcher : group)
            total += costOf(matcher);
    }
    return total;
}

std::size_t optimizeNode(ConditionNode& node, const std::vector<std::size_t>& selectionCosts) {
    if (node.op == ConditionNode::Op::Ref)
        return selectionCosts[node.selection];
    std::vector<std::pair<std::size_t, ConditionNode>> costed;
    std::size_t total = 0;
    for (ConditionNode& child : node.children) {
        const std::size_t cost = optimizeNode(child, selectionCosts);
        total += cost;
        costed.emplace_back(cost, std::move(child));
    }
    std::stable_sort(costed.begin(), costed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    node.children.clear();
    for (auto& [cost, child] : costed)
        node.children.push_back(std::move(child));
    return total;
}

} // namespace

void optimize(Detection& detection) {
    std::vector<std::size_t> costs;
    for (Selection& selection : detection.selections)
        costs.push_back(optimizeSelection(selection));
    optimizeNode(detection.condition, costs);
}

Result<ConditionNode> parseCondition(const std::vector<std::string>& conditions,
                                     const std::vector<Selection>& selections) {
    if (conditions.empty())
        return ruleProblem("invalid rule", "empty condition");
    std::vector<ConditionNode> nodes;
    for (const std::string& text : conditions) {
        Parser parser(text, selections);
        YAGURA_ASSIGN_OR_RETURN(ConditionNode node, parser.parse());
        nodes.push_back(std::move(node));
    }
    if (nodes.size() == 1)
        return std::move(nodes.front());
    ConditionNode any;
    any.op = ConditionNode::Op::Or;
    any.children = std::move(nodes);
    return any;
}

std::vector<FieldKey> requiredFields(const Detection& detection) {
    std::vector<FieldKey> out;
    for (std::string& name : requiredBy(detection.condition, detection)) {
        FieldKey key;
        key.lower = toLowerAscii(name);
        key.name = std::move(name);
        out.push_back(std::move(key));
    }
    return out;
}

bool evaluate(const Detection& detection, const Event& event) {
    for (const FieldKey& key : detection.requiredFields) {
        if (event.find(key.name, key.lower) == nullptr)
            return false;
    }
    return evaluateNode(detection.condition, detection, event);
}

} // namespace yagura::detect
