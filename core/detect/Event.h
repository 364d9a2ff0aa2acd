#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace yagura::detect {

// ASCII lower-casing, as Sigma's default case-insensitive matching uses it. Bytes >= 0x80 (UTF-8)
// are kept as they are: case folding is ASCII-only.
std::string toLowerAscii(std::string_view text);

// One event as the Sigma engine sees it: Sigma / Sysmon-for-Linux field names mapped to string
// values. Numbers are strings too; the engine compares them numerically where a rule asks for it.
//
// Field names are case-sensitive, with a case-insensitive fallback: get("commandline") finds
// "CommandLine" when no field is spelt exactly so. Setting a field twice replaces its value.
class Event {
public:
    struct Field {
        std::string name;
        std::string value;
        std::string lowered;     // toLowerAscii(value), computed once at set()
        std::string loweredName; // toLowerAscii(name)
    };

    Event() = default;
    Event(std::string categoryName, std::string productName, std::string serviceName = {});

    void set(std::string field, std::string value);
    void clear();

    // The value of `field`, or nullptr when the event has no such field.
    [[nodiscard]] const std::string* get(std::string_view field) const;
    [[nodiscard]] bool has(std::string_view field) const { return find(field) != nullptr; }

    // The field record (value and its lower-cased form); `loweredName` must be
    // toLowerAscii(name) — rules precompute it, so lookups do not allocate.
    [[nodiscard]] const Field* find(std::string_view name, std::string_view loweredName) const;
    [[nodiscard]] const Field* find(std::string_view name) const;

    // Every field, in the order first set: keyword rules search all values.
    [[nodiscard]] const std::vector<Field>& fields() const { return m_fields; }
    [[nodiscard]] std::size_t size() const { return m_fields.size(); }

    // The event's log source; a rule applies when each of its category / product / service is
    // empty or equal (case-insensitively) to the event's. An event with all three empty is
    // matched against every rule (offline rule tests).
    std::string category;
    std::string product;
    std::string service;

private:
    // A dozen fields or so: a scan comparing lengths first beats hashing the name.
    std::vector<Field> m_fields;
};

} // namespace yagura::detect
