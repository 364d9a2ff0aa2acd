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
    std::string loweredName = toLowerAscii(field);
    auto it = m_index.find(loweredName);
    if (it != m_index.end()) {
        for (std::size_t index : it->second) {
            if (m_fields[index].name == field) {
                m_fields[index].lowered = toLowerAscii(value);
                m_fields[index].value = std::move(value);
                return;
            }
        }
    } else {
        it = m_index.emplace(std::move(loweredName), std::vector<std::size_t>{}).first;
    }
    it->second.push_back(m_fields.size());
    std::string lowered = toLowerAscii(value);
    m_fields.push_back(Field{std::move(field), std::move(value), std::move(lowered)});
}

void Event::clear() {
    m_fields.clear();
    m_index.clear();
    category.clear();
    product.clear();
    service.clear();
}

const Event::Field* Event::find(std::string_view name, std::string_view loweredName) const {
    const auto it = m_index.find(loweredName);
    if (it == m_index.end())
        return nullptr;
    for (std::size_t index : it->second) {
        if (m_fields[index].name == name)
            return &m_fields[index];
    }
    return &m_fields[it->second.front()];
}

const Event::Field* Event::find(std::string_view name) const {
    return find(name, toLowerAscii(name));
}

const std::string* Event::get(std::string_view field) const {
    const Field* found = find(field);
    return found != nullptr ? &found->value : nullptr;
}

} // namespace yagura::detect
