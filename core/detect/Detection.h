#pragma once

// The compiled form of a Sigma rule's `detection` section: value matchers (after the value
// modifiers are applied), field matchers, selections and the condition tree. Built once by the
// rule parser; evaluated for every event without allocating.

#include "common/Result.h"
#include "detect/Event.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace yagura::detect {

// The short, stable reason of a rule problem: the text of Error::message before the first ": ".
// Reasons: "invalid yaml", "invalid rule", "invalid condition", "unknown modifier",
// "invalid value", "unsupported regex", "unsupported modifier", "expand placeholders",
// "aggregation", "correlation rule", "filter rule".
std::string_view problemReason(const Error& error);
Error ruleProblem(std::string_view reason, const std::string& detail);

enum class MatchKind : std::uint8_t {
    Equals,
    StartsWith,
    EndsWith,
    Contains,
    Glob,    // `*` / `?` wildcards inside the value
    Present, // the value `*`: any value, the field must exist
    Regex,
    Cidr,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Exists, // `exists`: the field's presence equals `wanted`
    Null,   // `null`: the field is absent
    FieldRef,
};

struct CidrNetwork {
    int family = 0; // AF_INET or AF_INET6
    std::array<std::uint8_t, 16> address{};
    int prefixBits = 0;
};

// Glob token: 0..255 a byte, kGlobStar for `*`, kGlobOne for `?` (one UTF-8 character).
using GlobToken = std::int16_t;
inline constexpr GlobToken kGlobStar = -1;
inline constexpr GlobToken kGlobOne = -2;

struct ValueMatcher {
    MatchKind kind = MatchKind::Equals;
    bool cased = false;    // compare case-sensitively (`cased`; `re` decides by its flags)
    std::string text;      // literal, lower-cased unless `cased`; FieldRef: the other field
    std::string textLower; // FieldRef: the other field's name, lower-cased
    MatchKind refMode = MatchKind::Equals; // FieldRef: Equals / StartsWith / EndsWith / Contains
    std::vector<GlobToken> glob;           // Glob
    std::shared_ptr<const std::regex> regex;
    std::optional<double> number; // Equals: numeric form of the value; Less..GreaterEqual: bound
    CidrNetwork network;
    bool wanted = true; // Exists
};

// One `field|modifiers: values` entry. An empty field name means a keyword search over every
// value of the event.
struct FieldMatcher {
    std::string field;
    std::string fieldLower;
    std::vector<ValueMatcher> values;
    bool all = false; // `all`: every value must match (default: any)
};

// A named detection item: an OR of AND-groups (a list of maps is an OR of maps; a map is the AND
// of its fields; a keyword list is one keyword FieldMatcher).
struct Selection {
    std::string name;
    std::vector<std::vector<FieldMatcher>> alternatives;
};

struct ConditionNode {
    enum class Op : std::uint8_t { And, Or, Not, Ref, AtLeast };
    Op op = Op::Ref;
    std::size_t selection = 0; // Ref
    std::size_t count = 0;     // AtLeast: how many children must be true
    std::vector<ConditionNode> children;
};

struct FieldKey {
    std::string name;
    std::string lower;
};

struct Detection {
    std::vector<Selection> selections;
    ConditionNode condition;
    // Fields without which the condition cannot be true: a rule is skipped at once when the event
    // lacks one of them.
    std::vector<FieldKey> requiredFields;
};

// A YAML scalar of a detection value: a string (numbers and booleans as written) or null.
struct RawValue {
    std::string text;
    bool isNull = false;
};

// Applies the modifier chain (`contains`, `base64offset`, `re`, `cidr`, ...) to the values of
// one field and compiles them. `field` is the key as written, for messages.
Result<FieldMatcher> compileFieldMatcher(std::string_view key, const std::vector<RawValue>& values,
                                         bool keyword);

// Parses the condition(s) against the selection names; a list of conditions is their OR.
Result<ConditionNode> parseCondition(const std::vector<std::string>& conditions,
                                     const std::vector<Selection>& selections);

std::vector<FieldKey> requiredFields(const Detection& detection);

// Orders AND-groups and condition operands cheapest first (results are unchanged).
void optimize(Detection& detection);

bool matchField(const FieldMatcher& matcher, const Event& event);
bool evaluate(const Detection& detection, const Event& event);

} // namespace yagura::detect
