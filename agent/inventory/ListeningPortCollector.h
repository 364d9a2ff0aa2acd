#pragma once

#include "common/Result.h"
#include "inventory/InventoryCollector.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace yagura::agent::inventory {

struct SocketEntry {
    std::string protocol; // tcp | tcp6 | udp | udp6
    std::string address;  // inet_ntop form
    std::uint32_t port = 0;
    std::uint32_t uid = 0;
    std::uint64_t inode = 0;
};

// Decodes a /proc/net/{tcp,udp}[6] address: 8 hex digits (IPv4) or 32 (IPv6), each 32-bit word
// printed as the kernel holds it in memory (host byte order), to its inet_ntop form.
Result<std::string> decodeProcNetAddress(std::string_view hex);

// The sockets of one /proc/net table whose state (hex "st" column) is `wantedState`: 0x0A
// (LISTEN) for TCP, 0x07 (unconnected) for UDP. Unparseable lines are counted in `malformed`.
std::vector<SocketEntry> parseProcNet(std::string_view text, std::string_view protocol,
                                      unsigned int wantedState, std::size_t& malformed);

struct SocketOwners {
    std::unordered_map<std::uint64_t, std::uint32_t> pidByInode; // the lowest pid holding it
    std::size_t deniedProcesses = 0; // processes whose fd table we may not read (EACCES)
};

// Scans <procRoot>/[pid]/fd/* for "socket:[inode]" links of the wanted inodes.
SocketOwners findSocketOwners(const std::filesystem::path& procRoot,
                              const std::unordered_set<std::uint64_t>& inodes);

// Fills inventory.listening_ports: listening TCP and unconnected UDP sockets with their owners.
void collectListeningPorts(const InventorySources& sources, proto::Inventory& inventory);

} // namespace yagura::agent::inventory
