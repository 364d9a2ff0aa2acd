#pragma once

#include "common/Result.h"
#include "detect/Detection.h"
#include "detect/Event.h"

#include <string>
#include <string_view>
#include <vector>

namespace yagura::detect {

struct LogSource {
    std::string category;
    std::string product;
    std::string service;

    // Each of this log source's parts is empty or equal (ASCII case-insensitively) to the
    // event's; an event with no log source at all is matched by every rule.
    [[nodiscard]] bool appliesTo(const Event& event) const;
};

// One single-event Sigma rule, compiled.
struct Rule {
    std::string id;
    std::string title;
    std::string status;
    std::string level;
    std::string description;
    std::string author;
    std::vector<std::string> tags;
    std::vector<std::string> references;
    std::vector<std::string> falsePositives;
    LogSource logsource;
    std::string origin;       // where it was loaded from (a file path, or the caller's label)
    std::size_t sequence = 0; // position in its RuleSet

    Detection detection;

    // The detection alone (the log source is not checked).
    [[nodiscard]] bool matches(const Event& event) const { return evaluate(detection, event); }
};

// Parses and compiles one Sigma rule (one YAML document). Errors are one line,
// "<reason>: <detail>" (see problemReason()); a rule that is valid Sigma but not a single-event
// rule — aggregations, correlation rules — is refused with its reason. Never throws.
Result<Rule> parseRule(std::string_view yaml, std::string origin = {});

} // namespace yagura::detect
