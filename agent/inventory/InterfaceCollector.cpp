#include "inventory/InterfaceCollector.h"

#include "inventory/CollectorSupport.h"

#include <algorithm>
#include <arpa/inet.h>
#include <bit>
#include <cerrno>
#include <cstring>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <optional>
#include <set>
#include <sys/socket.h>
#include <system_error>
#include <tuple>

namespace yagura::agent::inventory {

namespace {

// getifaddrs() names IPv4 addresses by their label ("eth0:1"); ':' cannot occur in a Linux
// interface name, so the part before it is the interface.
std::string interfaceOfLabel(const char* label) {
    std::string name = label != nullptr ? label : "";
    const auto colon = name.find(':');
    if (colon != std::string::npos)
        name.resize(colon);
    return name;
}

bool toLinkAddress(const struct ifaddrs& entry, LinkAddress& out) {
    const int family = entry.ifa_addr->sa_family;
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (family == AF_INET) {
        struct sockaddr_in address {};
        std::memcpy(&address, entry.ifa_addr, sizeof address);
        std::memcpy(out.raw.data(), &address.sin_addr, 4);
        if (::inet_ntop(AF_INET, &address.sin_addr, text.data(), text.size()) == nullptr)
            return false;
        out.family = "inet";
        out.prefixLength = 32;
        if (entry.ifa_netmask != nullptr && entry.ifa_netmask->sa_family == AF_INET) {
            struct sockaddr_in mask {};
            std::memcpy(&mask, entry.ifa_netmask, sizeof mask);
            std::array<unsigned char, 4> bytes{};
            std::memcpy(bytes.data(), &mask.sin_addr, bytes.size());
            out.prefixLength = prefixLengthOfMask(bytes.data(), bytes.size());
        }
    } else if (family == AF_INET6) {
        struct sockaddr_in6 address {};
        std::memcpy(&address, entry.ifa_addr, sizeof address);
        std::memcpy(out.raw.data(), &address.sin6_addr, 16);
        // inet_ntop of the address alone: the scope id lives in sin6_scope_id, so no "%eth0".
        if (::inet_ntop(AF_INET6, &address.sin6_addr, text.data(), text.size()) == nullptr)
            return false;
        out.family = "inet6";
        out.prefixLength = 128;
        if (entry.ifa_netmask != nullptr && entry.ifa_netmask->sa_family == AF_INET6) {
            struct sockaddr_in6 mask {};
            std::memcpy(&mask, entry.ifa_netmask, sizeof mask);
            std::array<unsigned char, 16> bytes{};
            std::memcpy(bytes.data(), &mask.sin6_addr, bytes.size());
            out.prefixLength = prefixLengthOfMask(bytes.data(), bytes.size());
        }
    } else {
        return false;
    }
    out.address = text.data();
    out.interfaceName = interfaceOfLabel(entry.ifa_name);
    return true;
}

std::optional<unsigned int> sysfsFlags(const std::filesystem::path& dir) {
    auto text = readFirstLine(dir / "flags");
    if (!text.ok())
        return std::nullopt;
    std::string_view value = text.value();
    if (value.size() > 2 && value[0] == '0' && (value[1] == 'x' || value[1] == 'X'))
        value.remove_prefix(2);
    const auto flags = parseUnsigned32(value, 16);
    if (!flags)
        return std::nullopt;
    return static_cast<unsigned int>(*flags);
}

} // namespace

std::uint32_t prefixLengthOfMask(const unsigned char* mask, std::size_t size) {
    std::uint32_t bits = 0;
    for (std::size_t i = 0; i < size; ++i) {
        const auto byte = static_cast<unsigned char>(mask[i]);
        const int ones = std::countl_one(byte);
        bits += static_cast<std::uint32_t>(ones);
        if (ones < 8)
            break;
    }
    return bits;
}

Result<LinkSnapshot> readLinkSnapshot() {
    struct ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) {
        const int err = errno;
        return makeError(ErrorCode::Io, "getifaddrs: " + errnoText(err));
    }
    LinkSnapshot snapshot;
    for (const struct ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
        if (entry->ifa_name == nullptr)
            continue;
        const std::string name = interfaceOfLabel(entry->ifa_name);
        // Every entry of an interface carries its flags; AF_PACKET entries exist even for
        // interfaces without addresses.
        snapshot.flags.emplace(name, entry->ifa_flags);
        if (entry->ifa_addr == nullptr)
            continue;
        LinkAddress address;
        if (toLinkAddress(*entry, address))
            snapshot.addresses.push_back(std::move(address));
    }
    ::freeifaddrs(list);
    return snapshot;
}

void buildInterfaces(const std::filesystem::path& sysClassNet, const LinkSnapshot& snapshot,
                     proto::Inventory& inventory) {
    std::set<std::string> names;
    std::error_code ec;
    std::filesystem::directory_iterator it(sysClassNet, ec);
    if (ec) {
        addIssue(inventory, kSectionInterfaces,
                 "cannot list " + sysClassNet.string() + ": " + ec.message() +
                     "; MAC and MTU unknown");
    } else {
        for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
            if (ec)
                break;
            names.insert(it->path().filename().string());
        }
        if (ec)
            addIssue(inventory, kSectionInterfaces,
                     "cannot list " + sysClassNet.string() + ": " + ec.message());
    }
    for (const auto& [name, flags] : snapshot.flags)
        names.insert(name);
    for (const LinkAddress& address : snapshot.addresses)
        names.insert(address.interfaceName);

    std::vector<const LinkAddress*> addresses;
    addresses.reserve(snapshot.addresses.size());
    for (const LinkAddress& address : snapshot.addresses)
        addresses.push_back(&address);
    std::sort(addresses.begin(), addresses.end(), [](const LinkAddress* a, const LinkAddress* b) {
        return std::tie(a->interfaceName, a->family, a->raw, a->prefixLength) <
               std::tie(b->interfaceName, b->family, b->raw, b->prefixLength);
    });

    for (const std::string& name : names) {
        proto::NetworkInterface* nic = inventory.add_interfaces();
        nic->set_name(name);
        const std::filesystem::path dir = sysClassNet / name;
        if (auto mac = readFirstLine(dir / "address"); mac.ok())
            nic->set_mac(mac.value());
        if (auto mtuText = readFirstLine(dir / "mtu"); mtuText.ok())
            if (const auto mtu = parseUnsigned32(mtuText.value()))
                nic->set_mtu(*mtu);
        std::optional<unsigned int> flags;
        if (const auto found = snapshot.flags.find(name); found != snapshot.flags.end())
            flags = found->second;
        else
            flags = sysfsFlags(dir);
        if (flags) {
            nic->set_up((*flags & IFF_UP) != 0);
            nic->set_loopback((*flags & IFF_LOOPBACK) != 0);
        }
        const LinkAddress* previous = nullptr;
        for (const LinkAddress* address : addresses) {
            if (address->interfaceName != name)
                continue;
            if (previous != nullptr && previous->family == address->family &&
                previous->raw == address->raw && previous->prefixLength == address->prefixLength)
                continue;
            previous = address;
            proto::InterfaceAddress* out = nic->add_addresses();
            out->set_address(address->address);
            out->set_prefix_length(address->prefixLength);
            out->set_family(address->family);
        }
    }
}

void collectInterfaces(const InventorySources& sources, proto::Inventory& inventory) {
    auto snapshot = readLinkSnapshot();
    if (!snapshot.ok()) {
        addIssue(inventory, kSectionInterfaces,
                 "addresses and flags unknown: " + snapshot.error().message);
        buildInterfaces(sources.sysRoot / "class" / "net", LinkSnapshot{}, inventory);
        return;
    }
    buildInterfaces(sources.sysRoot / "class" / "net", snapshot.value(), inventory);
}

} // namespace yagura::agent::inventory
