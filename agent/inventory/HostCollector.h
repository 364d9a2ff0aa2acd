#pragma once

#include "inventory/InventoryCollector.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace yagura::agent::inventory {

// KEY=value pairs of an os-release file, shell quoting removed.
std::map<std::string, std::string, std::less<>> parseOsRelease(std::string_view text);

struct CpuSummary {
    std::string model;
    std::uint32_t logicalCores = 0;
    // Distinct (physical id, core id) pairs; the logical count when cpuinfo has no topology.
    std::uint32_t physicalCores = 0;
};
CpuSummary parseCpuInfo(std::string_view text);

// MemTotal of /proc/meminfo, in bytes.
std::optional<std::uint64_t> parseMemTotalBytes(std::string_view meminfo);

// btime of /proc/stat, in Unix seconds.
std::optional<std::uint64_t> parseBootTime(std::string_view stat);

// Fills inventory.host: hostname, machine-id, OS, kernel, CPU, memory, boot time.
void collectHost(const InventorySources& sources, proto::Inventory& inventory);

} // namespace yagura::agent::inventory
