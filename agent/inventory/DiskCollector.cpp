#include "inventory/DiskCollector.h"

#include "common/Text.h"
#include "inventory/CollectorSupport.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <map>
#include <sys/statvfs.h>

namespace yagura::agent::inventory {

namespace {

std::string decodeMountField(std::string_view field) {
    std::string out;
    out.reserve(field.size());
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            const std::string_view digits = field.substr(i + 1, 3);
            const bool octal = std::all_of(digits.begin(), digits.end(),
                                           [](char c) { return c >= '0' && c <= '7'; });
            if (octal) {
                const auto value = parseUnsigned(digits, 8);
                if (value && *value <= 0xff) {
                    out.push_back(static_cast<char>(*value));
                    i += 3;
                    continue;
                }
            }
        }
        out.push_back(field[i]);
    }
    return out;
}

} // namespace

std::vector<MountEntry> parseMounts(std::string_view text) {
    std::vector<MountEntry> mounts;
    for (const std::string_view line : splitLines(text)) {
        const auto fields = splitWhitespace(line);
        if (fields.size() < 3 || fields[0].front() == '#')
            continue;
        mounts.push_back(MountEntry{decodeMountField(fields[0]), decodeMountField(fields[1]),
                                    std::string(fields[2])});
    }
    return mounts;
}

bool isRealFilesystem(std::string_view filesystem) {
    static constexpr std::array<std::string_view, 30> kPseudo = {
        "proc",     "sysfs",        "tmpfs",   "devtmpfs",        "devpts",      "securityfs",
        "pstore",   "bpf",          "debugfs", "tracefs",         "configfs",    "fusectl",
        "mqueue",   "hugetlbfs",    "autofs",  "binfmt_misc",     "rpc_pipefs",  "nsfs",
        "efivarfs", "ramfs",        "rootfs",  "selinuxfs",       "nfsd",        "sockfs",
        "pipefs",   "anon_inodefs", "cpuset",  "fuse.gvfsd-fuse", "fuse.portal", "fuse.lxcfs"};
    if (filesystem.empty() || text::startsWith(filesystem, "cgroup"))
        return false;
    return std::find(kPseudo.begin(), kPseudo.end(), filesystem) == kPseudo.end();
}

bool isNetworkFilesystem(std::string_view filesystem) {
    static constexpr std::array<std::string_view, 14> kNetwork = {
        "nfs",  "nfs4",      "cifs",       "smb3",           "smbfs",      "ncpfs",       "afs",
        "ceph", "glusterfs", "fuse.sshfs", "fuse.glusterfs", "fuse.davfs", "fuse.rclone", "lustre"};
    return std::find(kNetwork.begin(), kNetwork.end(), filesystem) != kNetwork.end();
}

void collectDisks(const InventorySources& sources, proto::Inventory& inventory) {
    const auto mountsPath = sources.procRoot / "self" / "mounts";
    auto content = readTextFile(mountsPath);
    if (!content.ok()) {
        addIssue(inventory, kSectionDisks,
                 "mounted file systems unknown: " + content.error().message);
        return;
    }

    // Later mounts on the same point hide earlier ones: the last entry is the visible one.
    std::map<std::string, MountEntry> visible;
    for (MountEntry& mount : parseMounts(content.value()))
        visible[mount.mountPoint] = std::move(mount);

    std::size_t sizeFailures = 0;
    std::string firstFailure;
    std::size_t networkSkipped = 0;
    for (const auto& [mountPoint, mount] : visible) {
        if (!isRealFilesystem(mount.filesystem))
            continue;
        proto::Disk* disk = inventory.add_disks();
        disk->set_mount_point(mountPoint);
        disk->set_device(mount.device);
        disk->set_filesystem(mount.filesystem);
        if (isNetworkFilesystem(mount.filesystem)) {
            // statvfs() on a hung server blocks in the kernel, and the inventory with it.
            ++networkSkipped;
            continue;
        }
        struct statvfs info {};
        if (::statvfs(mountPoint.c_str(), &info) != 0) {
            const int err = errno;
            if (sizeFailures++ == 0)
                firstFailure = mountPoint + ": " + errnoText(err);
            continue;
        }
        const std::uint64_t blockSize = info.f_frsize != 0 ? info.f_frsize : info.f_bsize;
        disk->set_total_bytes(static_cast<std::uint64_t>(info.f_blocks) * blockSize);
        // Space available to unprivileged users (df's "Avail"), excluding root's reserve.
        disk->set_free_bytes(static_cast<std::uint64_t>(info.f_bavail) * blockSize);
    }
    if (sizeFailures > 0)
        addIssue(inventory, kSectionDisks,
                 "size of " + std::to_string(sizeFailures) + " file system" +
                     (sizeFailures == 1 ? "" : "s") + " unknown: " + firstFailure);
    if (networkSkipped > 0)
        addIssue(inventory, kSectionDisks,
                 "size of " + std::to_string(networkSkipped) + " network file system" +
                     (networkSkipped == 1 ? "" : "s") +
                     " not queried (an unreachable server would block the agent)");
}

} // namespace yagura::agent::inventory
