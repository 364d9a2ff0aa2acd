#pragma once

#include "common/Result.h"
#include "inventory/InventoryCollector.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace yagura::agent::inventory {

struct LinkAddress {
    std::string interfaceName;
    std::string family;  // inet | inet6
    std::string address; // inet_ntop form, no %scope suffix
    std::uint32_t prefixLength = 0;
    std::array<unsigned char, 16> raw{}; // network order, for sorting numerically
};

// What getifaddrs() reports: each interface's flags (IFF_*) and its IP addresses.
struct LinkSnapshot {
    std::map<std::string, unsigned int> flags;
    std::vector<LinkAddress> addresses;
};

Result<LinkSnapshot> readLinkSnapshot();

// Number of leading one bits of a netmask in network byte order.
std::uint32_t prefixLengthOfMask(const unsigned char* mask, std::size_t size);

// Fills inventory.interfaces: every interface under <sysClassNet> or in the snapshot, with MAC
// and MTU from sysfs and flags and addresses from the snapshot (flags from sysfs when the
// snapshot has none for the interface).
void buildInterfaces(const std::filesystem::path& sysClassNet, const LinkSnapshot& snapshot,
                     proto::Inventory& inventory);

void collectInterfaces(const InventorySources& sources, proto::Inventory& inventory);

} // namespace yagura::agent::inventory
