#include "detect/EventJson.h"

#include <nlohmann/json.hpp>

namespace yagura::detect {

namespace {
using json = nlohmann::json;

std::string scalarText(const json& value) {
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_boolean())
        return value.get<bool>() ? "true" : "false";
    if (value.is_null())
        return {};
    return value.dump(); // numbers keep their JSON spelling
}

void flatten(const json& value, const std::string& path, const std::string& key, Event& event) {
    if (value.is_object()) {
        for (const auto& [childKey, child] : value.items())
            flatten(child, path.empty() ? childKey : path + "." + childKey, childKey, event);
        return;
    }
    if (value.is_null())
        return; // an absent value: Sigma's null matches it
    const std::string text = value.is_array() ? [&] {
        // A list becomes one value per element joined by newlines: contains-matching still sees
        // every element.
        std::string joined;
        for (const auto& element : value)
            joined += (joined.empty() ? "" : "\n") + scalarText(element);
        return joined;
    }()
                                              : scalarText(value);
    if (!key.empty() && !event.has(key))
        event.set(key, text);
    if (path != key)
        event.set(path, text);
}

Result<Event> toEvent(const json& object, std::size_t index) {
    if (!object.is_object())
        return makeError(ErrorCode::InvalidArgument,
                         "event " + std::to_string(index + 1) + " is not a JSON object");
    Event event;
    for (const auto& [key, value] : object.items()) {
        if (key == "logsource" && value.is_object()) {
            event.category = value.value("category", std::string{});
            event.product = value.value("product", std::string{});
            event.service = value.value("service", std::string{});
            continue;
        }
        flatten(value, key, key, event);
    }
    return event;
}
} // namespace

Result<std::vector<Event>> parseJsonEvents(std::string_view text) {
    std::vector<Event> events;
    try {
        // A whole document first (an object or an array); NDJSON when that fails.
        const json document = json::parse(text, nullptr, false);
        if (!document.is_discarded()) {
            if (document.is_array()) {
                for (std::size_t i = 0; i < document.size(); ++i) {
                    YAGURA_ASSIGN_OR_RETURN(auto event, toEvent(document[i], i));
                    events.push_back(std::move(event));
                }
            } else {
                YAGURA_ASSIGN_OR_RETURN(auto event, toEvent(document, 0));
                events.push_back(std::move(event));
            }
            return events;
        }
        std::size_t lineNumber = 0;
        std::size_t start = 0;
        while (start <= text.size()) {
            const auto end = text.find('\n', start);
            const std::string_view line = text.substr(
                start, end == std::string_view::npos ? std::string_view::npos : end - start);
            ++lineNumber;
            if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
                const json object = json::parse(line, nullptr, false);
                if (object.is_discarded())
                    return makeError(ErrorCode::InvalidArgument,
                                     "line " + std::to_string(lineNumber) +
                                         " is not valid JSON (expected an object, an array or "
                                         "one object per line)");
                YAGURA_ASSIGN_OR_RETURN(auto event, toEvent(object, events.size()));
                events.push_back(std::move(event));
            }
            if (end == std::string_view::npos)
                break;
            start = end + 1;
        }
    } catch (const json::exception& error) {
        return makeError(ErrorCode::InvalidArgument, std::string("invalid JSON: ") + error.what());
    }
    return events;
}

} // namespace yagura::detect
