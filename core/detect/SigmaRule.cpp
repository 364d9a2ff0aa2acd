// Sigma rule YAML -> Rule. yaml-cpp exceptions stay inside this file.

#include "detect/Rule.h"

#include <exception>
#include <utility>

#include <yaml-cpp/yaml.h>

namespace yagura::detect {

namespace {

std::string scalarOr(const YAML::Node& node, const char* key) {
    const YAML::Node value = node[key];
    return value && value.IsScalar() ? value.Scalar() : std::string();
}

std::vector<std::string> stringList(const YAML::Node& node) {
    std::vector<std::string> out;
    if (!node)
        return out;
    if (node.IsScalar()) {
        out.push_back(node.Scalar());
    } else if (node.IsSequence()) {
        for (const YAML::Node& item : node) {
            if (item.IsScalar())
                out.push_back(item.Scalar());
        }
    }
    return out;
}

Result<RawValue> rawValue(const YAML::Node& node, const std::string& where) {
    if (node.IsNull())
        return RawValue{{}, true};
    if (node.IsScalar())
        return RawValue{node.Scalar(), false};
    return ruleProblem("invalid rule", "value of " + where + " is not a scalar");
}

Result<std::vector<RawValue>> rawValues(const YAML::Node& node, const std::string& where) {
    std::vector<RawValue> out;
    if (node.IsSequence()) {
        for (const YAML::Node& item : node) {
            YAGURA_ASSIGN_OR_RETURN(RawValue value, rawValue(item, where));
            out.push_back(std::move(value));
        }
        return out;
    }
    YAGURA_ASSIGN_OR_RETURN(RawValue value, rawValue(node, where));
    out.push_back(std::move(value));
    return out;
}

// A map of `field|modifiers: values` entries: the AND of its fields.
Result<std::vector<FieldMatcher>> compileMap(const YAML::Node& map, const std::string& name) {
    std::vector<FieldMatcher> group;
    for (const auto& entry : map) {
        if (!entry.first.IsScalar())
            return ruleProblem("invalid rule", "non-scalar key in detection item '" + name + "'");
        const std::string key = entry.first.Scalar();
        const bool keyword = key.empty() || key.front() == '|';
        const std::string where = "'" + key + "' of '" + name + "'";
        if (entry.second.IsMap())
            return ruleProblem("invalid rule", "nested map under " + where);
        YAGURA_ASSIGN_OR_RETURN(std::vector<RawValue> values, rawValues(entry.second, where));
        YAGURA_ASSIGN_OR_RETURN(FieldMatcher matcher, compileFieldMatcher(key, values, keyword));
        group.push_back(std::move(matcher));
    }
    if (group.empty())
        return ruleProblem("invalid rule", "empty detection item '" + name + "'");
    return group;
}

Result<Selection> compileSelection(const std::string& name, const YAML::Node& node) {
    Selection selection;
    selection.name = name;
    if (node.IsMap()) {
        YAGURA_ASSIGN_OR_RETURN(auto group, compileMap(node, name));
        selection.alternatives.push_back(std::move(group));
        return selection;
    }
    if (node.IsScalar()) {
        YAGURA_ASSIGN_OR_RETURN(FieldMatcher matcher,
                                compileFieldMatcher("", {RawValue{node.Scalar(), false}}, true));
        selection.alternatives.push_back({std::move(matcher)});
        return selection;
    }
    if (node.IsSequence()) {
        std::vector<RawValue> keywords;
        for (const YAML::Node& item : node) {
            if (item.IsMap()) {
                YAGURA_ASSIGN_OR_RETURN(auto group, compileMap(item, name));
                selection.alternatives.push_back(std::move(group));
            } else if (item.IsScalar()) {
                keywords.push_back(RawValue{item.Scalar(), false});
            } else {
                return ruleProblem("invalid rule",
                                   "unsupported list item in detection item '" + name + "'");
            }
        }
        if (!keywords.empty()) {
            YAGURA_ASSIGN_OR_RETURN(FieldMatcher matcher, compileFieldMatcher("", keywords, true));
            selection.alternatives.push_back({std::move(matcher)});
        }
        if (selection.alternatives.empty())
            return ruleProblem("invalid rule", "empty detection item '" + name + "'");
        return selection;
    }
    return ruleProblem("invalid rule", "empty detection item '" + name + "'");
}

Result<Rule> parseRuleNode(const YAML::Node& root, std::string origin) {
    if (!root.IsMap())
        return ruleProblem("invalid rule", "the document is not a map");
    if (root["correlation"])
        return ruleProblem("correlation rule", "correlates other rules' matches over time");
    if (root["filter"] && !root["detection"])
        return ruleProblem("filter rule", "a meta filter for other rules, not a detection");
    Rule rule;
    rule.origin = std::move(origin);
    rule.title = scalarOr(root, "title");
    if (rule.title.empty())
        return ruleProblem("invalid rule", "missing 'title'");
    rule.id = scalarOr(root, "id");
    rule.status = scalarOr(root, "status");
    rule.level = scalarOr(root, "level");
    rule.description = scalarOr(root, "description");
    rule.author = scalarOr(root, "author");
    rule.tags = stringList(root["tags"]);
    rule.references = stringList(root["references"]);
    rule.falsePositives = stringList(root["falsepositives"]);

    const YAML::Node logsource = root["logsource"];
    if (!logsource || !logsource.IsMap())
        return ruleProblem("invalid rule", "missing 'logsource'");
    rule.logsource.category = scalarOr(logsource, "category");
    rule.logsource.product = scalarOr(logsource, "product");
    rule.logsource.service = scalarOr(logsource, "service");

    const YAML::Node detection = root["detection"];
    if (!detection || !detection.IsMap())
        return ruleProblem("invalid rule", "missing 'detection'");
    const YAML::Node condition = detection["condition"];
    if (!condition)
        return ruleProblem("invalid rule", "missing 'detection.condition'");
    if (detection["timeframe"])
        return ruleProblem("aggregation", "'timeframe' correlates events over time");
    std::vector<std::string> conditions;
    if (condition.IsScalar()) {
        conditions.push_back(condition.Scalar());
    } else if (condition.IsSequence()) {
        for (const YAML::Node& item : condition) {
            if (!item.IsScalar())
                return ruleProblem("invalid rule", "a condition is not a string");
            conditions.push_back(item.Scalar());
        }
    } else {
        return ruleProblem("invalid rule", "'detection.condition' is not a string or list");
    }

    for (const auto& entry : detection) {
        const std::string name = entry.first.Scalar();
        if (name == "condition" || name == "timeframe")
            continue;
        YAGURA_ASSIGN_OR_RETURN(Selection selection, compileSelection(name, entry.second));
        rule.detection.selections.push_back(std::move(selection));
    }
    YAGURA_ASSIGN_OR_RETURN(rule.detection.condition,
                            parseCondition(conditions, rule.detection.selections));
    rule.detection.requiredFields = requiredFields(rule.detection);
    optimize(rule.detection);
    return rule;
}

} // namespace

Result<Rule> parseRule(std::string_view yaml, std::string origin) {
    try {
        std::vector<YAML::Node> documents = YAML::LoadAll(std::string(yaml));
        if (documents.empty())
            return ruleProblem("invalid yaml", "no YAML document");
        if (documents.size() > 1)
            return ruleProblem("invalid rule", "multi-document rule collections are not supported");
        return parseRuleNode(documents.front(), std::move(origin));
    } catch (const YAML::Exception& e) {
        return ruleProblem("invalid yaml", "line " + std::to_string(e.mark.line + 1) + ", column " +
                                               std::to_string(e.mark.column + 1) + ": " + e.msg);
    } catch (const std::exception& e) {
        return ruleProblem("invalid rule", e.what());
    }
}

} // namespace yagura::detect
