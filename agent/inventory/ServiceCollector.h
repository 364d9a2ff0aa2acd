#pragma once

#include "inventory/InventoryCollector.h"

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace yagura::agent::inventory {

// What the unit files on disk say about each *.service, keyed by unit name.
struct UnitFile {
    std::string state;       // enabled | disabled | static | indirect | masked | alias
    std::string description; // Description= of [Unit]
};
std::map<std::string, UnitFile> scanUnitFiles(const std::vector<std::filesystem::path>& dirs);

// The parts of a unit file the collector uses.
struct UnitFileContent {
    std::string description;
    bool hasInstallRules = false; // WantedBy=, RequiredBy=, UpheldBy= or Alias= in [Install]
    bool hasAlso = false;         // Also= in [Install]
};
UnitFileContent parseUnitFile(std::string_view text);

// `systemctl list-units --type=service --all --no-legend --no-pager --plain` lines.
struct LoadedUnit {
    std::string load;
    std::string active;
    std::string sub;
    std::string description;
};
std::map<std::string, LoadedUnit> parseListUnits(std::string_view text);

// `systemctl list-unit-files --type=service --no-legend --no-pager` lines: name -> state.
std::map<std::string, std::string> parseListUnitFiles(std::string_view text);

// Fills inventory.services: from systemctl when systemd runs (sources.systemdRuntimeMarker
// exists), else from the unit files alone with active_state "unknown" and one issue.
void collectServices(const InventorySources& sources, proto::Inventory& inventory);

} // namespace yagura::agent::inventory
