#pragma once

#include "inventory/InventoryCollector.h"

#include <string>
#include <string_view>
#include <vector>

namespace yagura::agent::inventory {

struct MountEntry {
    std::string device;
    std::string mountPoint;
    std::string filesystem;
};

// The lines of /proc/self/mounts (fstab format), with the kernel's octal escapes (\040 for a
// space, ...) decoded. Malformed lines are skipped.
std::vector<MountEntry> parseMounts(std::string_view text);

// False for pseudo and memory file systems (proc, sysfs, cgroup*, tmpfs, devtmpfs, ...).
bool isRealFilesystem(std::string_view filesystem);

// True for file systems whose statvfs() can block on an unreachable server.
bool isNetworkFilesystem(std::string_view filesystem);

// Fills inventory.disks from <procRoot>/self/mounts: real file systems only, one entry per mount
// point (the last mount, the visible one), sizes from statvfs().
void collectDisks(const InventorySources& sources, proto::Inventory& inventory);

} // namespace yagura::agent::inventory
