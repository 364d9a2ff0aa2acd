#include "inventory/ServiceCollector.h"

#include "common/Text.h"
#include "inventory/CollectorSupport.h"
#include "inventory/CommandRunner.h"

#include <array>
#include <chrono>
#include <set>
#include <system_error>
#include <unistd.h>

namespace yagura::agent::inventory {

namespace {

constexpr std::string_view kServiceSuffix = ".service";
constexpr std::size_t kMaxCommandOutput = std::size_t{16} << 20;
constexpr std::chrono::seconds kCommandTimeout{20};

bool endsWith(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool isServiceName(std::string_view name) {
    return name.size() > kServiceSuffix.size() && endsWith(name, kServiceSuffix);
}

// "getty@tty1.service" -> "getty@.service"; empty for a name that is not an instance.
std::string templateOf(std::string_view name) {
    const auto at = name.find('@');
    if (at == std::string_view::npos || !isServiceName(name))
        return {};
    const std::string_view instance =
        name.substr(at + 1, name.size() - kServiceSuffix.size() - at - 1);
    if (instance.empty())
        return {};
    return std::string(name.substr(0, at + 1)) + std::string(kServiceSuffix);
}

// The first `count` white-space separated fields and the trimmed rest of the line.
std::pair<std::vector<std::string_view>, std::string_view> splitFields(std::string_view line,
                                                                       std::size_t count) {
    std::vector<std::string_view> fields;
    std::size_t pos = 0;
    while (fields.size() < count) {
        const auto start = line.find_first_not_of(" \t", pos);
        if (start == std::string_view::npos) {
            pos = line.size();
            break;
        }
        auto end = line.find_first_of(" \t", start);
        if (end == std::string_view::npos)
            end = line.size();
        fields.push_back(line.substr(start, end - start));
        pos = end;
    }
    return {fields, text::trim(line.substr(pos))};
}

struct ScannedEntry {
    std::filesystem::path path;
    std::string aliasOf; // the unit a differently named symlink points to
    bool masked = false;
    bool readable = false;
    UnitFileContent content;
};

ScannedEntry inspectUnitEntry(const std::filesystem::path& path, bool isSymlink) {
    ScannedEntry entry;
    entry.path = path;
    if (isSymlink) {
        std::error_code ec;
        const std::filesystem::path target = std::filesystem::read_symlink(path, ec);
        if (!ec) {
            if (target == "/dev/null") {
                entry.masked = true;
                return entry;
            }
            const std::string targetName = target.filename().string();
            if (!targetName.empty() && targetName != path.filename().string()) {
                entry.aliasOf = targetName;
                return entry;
            }
        }
    }
    auto text = readTextFile(path, std::size_t{1} << 20);
    if (!text.ok())
        return entry; // e.g. a linked unit whose target lies outside this root
    entry.readable = true;
    if (text::trim(text.value()).empty()) {
        entry.masked = true; // systemd treats an empty unit file as masked
        return entry;
    }
    entry.content = parseUnitFile(text.value());
    return entry;
}

void collectEnablementLinks(const std::filesystem::path& dependencyDir,
                            std::set<std::string>& enabled) {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dependencyDir, ec), end; !ec && it != end;
         it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!isServiceName(name))
            continue;
        enabled.insert(name);
        if (std::string tmpl = templateOf(name); !tmpl.empty())
            enabled.insert(std::move(tmpl));
    }
}

std::string systemctlPath() {
    for (const char* candidate : {"/usr/bin/systemctl", "/bin/systemctl"})
        if (::access(candidate, X_OK) == 0)
            return candidate;
    return {};
}

void addFromUnitFiles(const std::map<std::string, UnitFile>& files, proto::Inventory& inventory) {
    for (const auto& [name, file] : files) {
        proto::Service* service = inventory.add_services();
        service->set_name(name);
        service->set_unit_file_state(file.state);
        service->set_active_state("unknown");
        service->set_description(file.description);
    }
}

} // namespace

UnitFileContent parseUnitFile(std::string_view text) {
    UnitFileContent content;
    std::string_view section;
    for (const std::string_view rawLine : splitLines(text)) {
        const std::string_view line = text::trim(rawLine);
        if (line.empty() || line.front() == '#' || line.front() == ';')
            continue;
        if (line.front() == '[' && line.back() == ']') {
            section = line.substr(1, line.size() - 2);
            continue;
        }
        const auto equals = line.find('=');
        if (equals == std::string_view::npos)
            continue;
        const std::string_view key = text::trim(line.substr(0, equals));
        const std::string_view value = text::trim(line.substr(equals + 1));
        if (section == "Unit" && key == "Description") {
            content.description = std::string(value); // the last assignment wins
        } else if (section == "Install") {
            if (key == "WantedBy" || key == "RequiredBy" || key == "UpheldBy" || key == "Alias") {
                if (!value.empty())
                    content.hasInstallRules = true;
            } else if (key == "Also" && !value.empty()) {
                content.hasAlso = true;
            }
        }
    }
    return content;
}

std::map<std::string, UnitFile> scanUnitFiles(const std::vector<std::filesystem::path>& dirs) {
    std::map<std::string, ScannedEntry> entries; // first directory wins
    std::set<std::string> enabled;
    for (const std::filesystem::path& dir : dirs) {
        std::error_code ec;
        for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end;
             it.increment(ec)) {
            const std::string name = it->path().filename().string();
            std::error_code statusEc;
            const auto status = it->symlink_status(statusEc);
            if (statusEc)
                continue;
            if (std::filesystem::is_directory(status)) {
                if (endsWith(name, ".wants") || endsWith(name, ".requires") ||
                    endsWith(name, ".upholds"))
                    collectEnablementLinks(it->path(), enabled);
                continue;
            }
            if (!isServiceName(name) || entries.count(name) != 0)
                continue;
            const bool isSymlink = std::filesystem::is_symlink(status);
            if (!isSymlink && !std::filesystem::is_regular_file(status))
                continue;
            ScannedEntry entry = inspectUnitEntry(it->path(), isSymlink);
            // A same-named link whose target is unreadable (outside this root) defers to a
            // later directory's file of that name.
            if (!entry.masked && entry.aliasOf.empty() && !entry.readable)
                continue;
            entries.emplace(name, std::move(entry));
        }
    }

    std::map<std::string, UnitFile> units;
    for (const auto& [name, entry] : entries) {
        UnitFile unit;
        if (entry.masked) {
            unit.state = "masked";
        } else if (!entry.aliasOf.empty()) {
            unit.state = "alias";
            if (const auto target = entries.find(entry.aliasOf); target != entries.end())
                unit.description = target->second.content.description;
        } else {
            unit.description = entry.content.description;
            if (!entry.content.hasInstallRules)
                unit.state = entry.content.hasAlso ? "indirect" : "static";
            else if (enabled.count(name) != 0)
                unit.state = "enabled";
            else
                unit.state = "disabled";
        }
        units.emplace(name, std::move(unit));
    }
    return units;
}

std::map<std::string, LoadedUnit> parseListUnits(std::string_view text) {
    std::map<std::string, LoadedUnit> units;
    for (std::string_view line : splitLines(text)) {
        line = text::trim(line);
        // Without --plain (or in older versions) failed units carry a leading marker.
        for (std::string_view marker : {"\xe2\x97\x8f", "*"}) // U+25CF BLACK CIRCLE
            if (text::startsWith(line, marker))
                line = text::trim(line.substr(marker.size()));
        auto [fields, rest] = splitFields(line, 4);
        if (fields.size() < 4 || !isServiceName(fields[0]))
            continue;
        units[std::string(fields[0])] = LoadedUnit{std::string(fields[1]), std::string(fields[2]),
                                                   std::string(fields[3]), std::string(rest)};
    }
    return units;
}

std::map<std::string, std::string> parseListUnitFiles(std::string_view text) {
    std::map<std::string, std::string> states;
    for (const std::string_view line : splitLines(text)) {
        const auto fields = splitWhitespace(line);
        if (fields.size() < 2 || !isServiceName(fields[0]))
            continue;
        states[std::string(fields[0])] = std::string(fields[1]);
    }
    return states;
}

void collectServices(const InventorySources& sources, proto::Inventory& inventory) {
    std::map<std::string, UnitFile> files = scanUnitFiles(sources.systemdUnitDirs);

    std::error_code ec;
    const bool systemdRunning = std::filesystem::exists(sources.systemdRuntimeMarker, ec);
    std::string fallbackReason;
    if (!systemdRunning) {
        fallbackReason = "systemd is not running";
    } else if (const std::string systemctl = systemctlPath(); systemctl.empty()) {
        fallbackReason = "systemctl not found";
    } else {
        auto units = runCommand({systemctl, "list-units", "--type=service", "--all", "--no-legend",
                                 "--no-pager", "--plain"},
                                kMaxCommandOutput, kCommandTimeout);
        auto unitFiles = units.ok() ? runCommand({systemctl, "list-unit-files", "--type=service",
                                                  "--no-legend", "--no-pager"},
                                                 kMaxCommandOutput, kCommandTimeout)
                                    : units;
        if (!units.ok()) {
            fallbackReason = "systemctl list-units failed: " + units.error().message;
        } else if (!unitFiles.ok()) {
            fallbackReason = "systemctl list-unit-files failed: " + unitFiles.error().message;
        } else if (units.value().exitCode != 0) {
            fallbackReason =
                "systemctl list-units exited with status " + std::to_string(units.value().exitCode);
        } else if (unitFiles.value().exitCode != 0) {
            fallbackReason = "systemctl list-unit-files exited with status " +
                             std::to_string(unitFiles.value().exitCode);
        } else {
            const auto loaded = parseListUnits(units.value().stdoutText);
            const auto states = parseListUnitFiles(unitFiles.value().stdoutText);
            std::set<std::string> names;
            for (const auto& [name, state] : states)
                names.insert(name);
            for (const auto& [name, unit] : loaded)
                if (unit.load != "not-found") // referenced by another unit, but no such file
                    names.insert(name);
            for (const std::string& name : names) {
                proto::Service* service = inventory.add_services();
                service->set_name(name);
                if (auto state = states.find(name); state != states.end())
                    service->set_unit_file_state(state->second);
                else if (auto tmpl = states.find(templateOf(name)); tmpl != states.end())
                    service->set_unit_file_state(tmpl->second);
                if (auto unit = loaded.find(name); unit != loaded.end()) {
                    service->set_active_state(unit->second.active);
                    service->set_sub_state(unit->second.sub);
                    service->set_description(unit->second.description);
                } else {
                    // Not loaded: what `systemctl show` reports for such a unit.
                    service->set_active_state("inactive");
                    service->set_sub_state("dead");
                    if (auto file = files.find(name); file != files.end())
                        service->set_description(file->second.description);
                }
            }
            return;
        }
    }

    std::size_t existingDirs = 0;
    for (const std::filesystem::path& dir : sources.systemdUnitDirs) {
        std::error_code dirEc;
        if (std::filesystem::is_directory(dir, dirEc))
            ++existingDirs;
    }
    if (existingDirs == 0) {
        addIssue(inventory, kSectionServices,
                 "services unknown: " + fallbackReason + " and no systemd unit directory exists");
        return;
    }
    addFromUnitFiles(files, inventory);
    addIssue(inventory, kSectionServices,
             fallbackReason + "; service states are from unit files only");
}

} // namespace yagura::agent::inventory
