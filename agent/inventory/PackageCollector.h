#pragma once

#include "inventory/InventoryCollector.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yagura::agent::inventory {

// A dpkg "Source:" value: "srcname" or "srcname (srcversion)". An empty version means the
// binary package's version applies.
std::pair<std::string, std::string> parseSourceField(std::string_view value);

// The installed packages of a dpkg status file (stanzas whose Status ends in "installed"),
// sorted by name, then architecture.
std::vector<proto::Package> parseDpkgStatus(std::string_view text);

// Fills inventory.packages from sources.dpkgStatus.
void collectPackages(const InventorySources& sources, proto::Inventory& inventory);

} // namespace yagura::agent::inventory
