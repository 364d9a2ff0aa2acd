#include "detect/Event.h"

#include <utility>

namespace yagura::detect {

std::string toLowerAscii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

Event::Event(std::string categoryName, std::string productName, std::string serviceName)
    : category(std::move(categoryName)), product(std::move(productName)),
      service(std::move(serviceName)) {}

void Event::set(std::string field, std::string value) {
    for (Field& existing : m_fields) {
        if (existing.name == field) {
            existing.lowered = toLowerAscii(value);
            existing.value = std::move(value);
            return;
        }
    }
    std::string lowered = toLowerAscii(value);
    std::string loweredName = toLowerAscii(field);
    m_fields.push_back(
        Field{std::move(field), std::move(value), std::move(lowered), std::move(loweredName)});
}

void Event::clear() {
    m_fields.clear();
    category.clear();
    product.clear();
    service.clear();
}

const Event::Field* Event::find(std::string_view name, std::string_view loweredName) const {
    // The exact spelling wins; otherwise the first field whose name differs only in case.
    const Field* caseInsensitive = nullptr;
    for (const Field& field : m_fields) {
        if (field.loweredName.size() != loweredName.size() || field.loweredName != loweredName)
            continue;
        if (field.name == name)
            return &field;
        if (caseInsensitive == nullptr)
            caseInsensitive = &field;
    }
    return caseInsensitive;
}

const Event::Field* Event::find(std::string_view name) const {
    return find(name, toLowerAscii(name));
}

const std::string* Event::get(std::string_view field) const {
    const Field* found = find(field);
    return found != nullptr ? &found->value : nullptr;
}

} // namespace yagura::detect
