#pragma once

#include "proto/agent.pb.h"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace yagura::agent {

// Where the collectors read from; tests point these at fixture files.
struct InventorySources {
    std::filesystem::path procRoot = "/proc";
    std::filesystem::path sysRoot = "/sys";
    // os-release, passwd, group, machine-id. When etc/os-release is missing, the collector
    // falls back to <parent of etcRoot>/usr/lib/os-release (/usr/lib/os-release on a host).
    std::filesystem::path etcRoot = "/etc";
    std::filesystem::path dpkgStatus = "/var/lib/dpkg/status";
    // In precedence order: a unit found in an earlier directory hides one of the same name in a
    // later directory, as in systemd.
    std::vector<std::filesystem::path> systemdUnitDirs = {
        "/etc/systemd/system", "/run/systemd/system", "/lib/systemd/system",
        "/usr/lib/systemd/system"};
    std::filesystem::path systemdRuntimeMarker =
        "/run/systemd/system"; // exists only when systemd is PID 1
};

// Collects this host's inventory. Never fails as a whole: what a collector cannot read is
// reported as a CollectionIssue (section + one-line reason, e.g. "owning process of 3 listening
// sockets unknown: permission denied (run as root)"). Every repeated list is sorted by its key,
// so two runs on an unchanged host produce the same message. `nowUnix` becomes
// collected_at_unix (the caller owns the clock).
proto::Inventory collectInventory(const InventorySources& sources, std::int64_t nowUnix);

} // namespace yagura::agent
