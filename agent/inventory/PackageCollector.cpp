#include "inventory/PackageCollector.h"

#include "common/Text.h"
#include "inventory/CollectorSupport.h"

#include <algorithm>
#include <tuple>

namespace yagura::agent::inventory {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               auto lower = [](char c) {
                   return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
               };
               return lower(x) == lower(y);
           });
}

struct Stanza {
    std::string package;
    std::string version;
    std::string architecture;
    std::string status;
    std::string source;
    bool any = false;

    void clear() { *this = Stanza{}; }
};

bool isInstalled(std::string_view status) {
    // "want error status", e.g. "install ok installed" or "hold ok installed".
    const auto words = splitWhitespace(status);
    return words.size() == 3 && words[2] == "installed";
}

void finish(Stanza& stanza, std::vector<proto::Package>& packages) {
    if (stanza.any && !stanza.package.empty() && isInstalled(stanza.status)) {
        proto::Package package;
        package.set_name(stanza.package);
        package.set_version(stanza.version);
        package.set_architecture(stanza.architecture);
        package.set_status(stanza.status);
        auto [sourceName, sourceVersion] = parseSourceField(stanza.source);
        package.set_source_name(sourceName.empty() ? stanza.package : sourceName);
        package.set_source_version(sourceVersion.empty() ? stanza.version : sourceVersion);
        packages.push_back(std::move(package));
    }
    stanza.clear();
}

} // namespace

std::pair<std::string, std::string> parseSourceField(std::string_view value) {
    value = text::trim(value);
    const auto open = value.find('(');
    if (open == std::string_view::npos)
        return {std::string(value), std::string()};
    const std::string_view name = text::trim(value.substr(0, open));
    std::string_view version = value.substr(open + 1);
    const auto close = version.find(')');
    if (close != std::string_view::npos)
        version = version.substr(0, close);
    return {std::string(name), std::string(text::trim(version))};
}

std::vector<proto::Package> parseDpkgStatus(std::string_view text) {
    std::vector<proto::Package> packages;
    Stanza stanza;
    for (const std::string_view line : splitLines(text)) {
        if (text::trim(line).empty()) {
            finish(stanza, packages);
            continue;
        }
        if (line.front() == ' ' || line.front() == '\t')
            continue; // continuation of a multi-line field (Description, Conffiles, ...)
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        const std::string_view key = line.substr(0, colon);
        const std::string value(text::trim(line.substr(colon + 1)));
        stanza.any = true;
        if (equalsIgnoreCase(key, "Package"))
            stanza.package = value;
        else if (equalsIgnoreCase(key, "Version"))
            stanza.version = value;
        else if (equalsIgnoreCase(key, "Architecture"))
            stanza.architecture = value;
        else if (equalsIgnoreCase(key, "Status"))
            stanza.status = value;
        else if (equalsIgnoreCase(key, "Source"))
            stanza.source = value;
    }
    finish(stanza, packages);
    // Multi-arch packages (libc6:amd64, libc6:i386) share a name: architecture breaks the tie.
    std::sort(
        packages.begin(), packages.end(), [](const proto::Package& a, const proto::Package& b) {
            return std::tie(a.name(), a.architecture()) < std::tie(b.name(), b.architecture());
        });
    return packages;
}

void collectPackages(const InventorySources& sources, proto::Inventory& inventory) {
    std::error_code ec;
    if (!std::filesystem::exists(sources.dpkgStatus, ec) && !ec) {
        addIssue(inventory, kSectionPackages,
                 "packages unknown: no dpkg database at " + sources.dpkgStatus.string() +
                     " (only dpkg is supported)");
        return;
    }
    auto content = readTextFile(sources.dpkgStatus, std::size_t{256} << 20);
    if (!content.ok()) {
        addIssue(inventory, kSectionPackages, "packages unknown: " + content.error().message);
        return;
    }
    for (proto::Package& package : parseDpkgStatus(content.value()))
        *inventory.add_packages() = std::move(package);
}

} // namespace yagura::agent::inventory
