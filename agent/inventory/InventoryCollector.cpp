#include "inventory/InventoryCollector.h"

#include "inventory/CollectorSupport.h"
#include "inventory/DiskCollector.h"
#include "inventory/HostCollector.h"
#include "inventory/InterfaceCollector.h"
#include "inventory/ListeningPortCollector.h"
#include "inventory/PackageCollector.h"
#include "inventory/ServiceCollector.h"
#include "inventory/UserCollector.h"

#include <exception>
#include <new>
#include <string_view>

namespace yagura::agent {

namespace {

using CollectorFn = void (*)(const InventorySources&, proto::Inventory&);

// A collector that throws (allocation failure, a library surprise) loses its own section only.
void runCollector(std::string_view section, CollectorFn collector, const InventorySources& sources,
                  proto::Inventory& inventory) {
    try {
        collector(sources, inventory);
    } catch (const std::exception& e) {
        inventory::addIssue(inventory, section, std::string("collector failed: ") + e.what());
    } catch (...) {
        inventory::addIssue(inventory, section, "collector failed: unknown exception");
    }
}

} // namespace

proto::Inventory collectInventory(const InventorySources& sources, std::int64_t nowUnix) {
    using namespace inventory;
    proto::Inventory result;
    result.set_collected_at_unix(nowUnix > 0 ? static_cast<std::uint64_t>(nowUnix) : 0);
    runCollector(kSectionHost, &collectHost, sources, result);
    runCollector(kSectionDisks, &collectDisks, sources, result);
    runCollector(kSectionInterfaces, &collectInterfaces, sources, result);
    runCollector(kSectionListeningPorts, &collectListeningPorts, sources, result);
    runCollector(kSectionUsers, &collectUsersAndGroups, sources, result);
    runCollector(kSectionPackages, &collectPackages, sources, result);
    runCollector(kSectionServices, &collectServices, sources, result);
    return result;
}

} // namespace yagura::agent
