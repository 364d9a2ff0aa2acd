#include "inventory/UserCollector.h"

#include "common/Text.h"
#include "inventory/CollectorSupport.h"

#include <algorithm>
#include <set>
#include <string>

namespace yagura::agent::inventory {

namespace {

bool skippable(std::string_view line) {
    const std::string_view trimmed = text::trim(line);
    return trimmed.empty() || trimmed.front() == '#' || trimmed.front() == '+' ||
           trimmed.front() == '-';
}

template <typename T> void sortByNameKeepFirst(std::vector<T>& items) {
    std::stable_sort(items.begin(), items.end(),
                     [](const T& a, const T& b) { return a.name() < b.name(); });
    items.erase(std::unique(items.begin(), items.end(),
                            [](const T& a, const T& b) { return a.name() == b.name(); }),
                items.end());
}

std::string malformedMessage(std::size_t count, const std::filesystem::path& path) {
    return std::to_string(count) + " malformed line" + (count == 1 ? "" : "s") + " in " +
           path.string() + " skipped";
}

} // namespace

std::vector<proto::LocalUser> parsePasswd(std::string_view text, std::size_t& malformed) {
    std::vector<proto::LocalUser> users;
    for (const std::string_view line : splitLines(text)) {
        if (skippable(line))
            continue;
        const auto fields = text::split(line, ':');
        if (fields.size() < 7 || fields[0].empty()) {
            ++malformed;
            continue;
        }
        const auto uid = parseUnsigned32(fields[2]);
        const auto gid = parseUnsigned32(fields[3]);
        if (!uid || !gid) {
            ++malformed;
            continue;
        }
        proto::LocalUser user;
        user.set_name(std::string(fields[0]));
        user.set_uid(*uid);
        user.set_gid(*gid);
        user.set_gecos(std::string(fields[4]));
        user.set_home(std::string(fields[5]));
        user.set_shell(std::string(fields[6]));
        users.push_back(std::move(user));
    }
    sortByNameKeepFirst(users);
    return users;
}

std::vector<proto::LocalGroup> parseGroup(std::string_view text, std::size_t& malformed) {
    std::vector<proto::LocalGroup> groups;
    for (const std::string_view line : splitLines(text)) {
        if (skippable(line))
            continue;
        const auto fields = text::split(line, ':');
        if (fields.size() < 4 || fields[0].empty()) {
            ++malformed;
            continue;
        }
        const auto gid = parseUnsigned32(fields[2]);
        if (!gid) {
            ++malformed;
            continue;
        }
        proto::LocalGroup group;
        group.set_name(std::string(fields[0]));
        group.set_gid(*gid);
        std::set<std::string> members;
        for (const std::string_view member : text::split(fields[3], ',')) {
            const std::string_view name = text::trim(member);
            if (!name.empty())
                members.emplace(name);
        }
        for (const std::string& member : members)
            group.add_members(member);
        groups.push_back(std::move(group));
    }
    sortByNameKeepFirst(groups);
    return groups;
}

void collectUsersAndGroups(const InventorySources& sources, proto::Inventory& inventory) {
    const std::filesystem::path passwdPath = sources.etcRoot / "passwd";
    if (auto passwd = readTextFile(passwdPath); passwd.ok()) {
        std::size_t malformed = 0;
        for (proto::LocalUser& user : parsePasswd(passwd.value(), malformed))
            *inventory.add_users() = std::move(user);
        if (malformed > 0)
            addIssue(inventory, kSectionUsers, malformedMessage(malformed, passwdPath));
    } else {
        addIssue(inventory, kSectionUsers, "local users unknown: " + passwd.error().message);
    }

    const std::filesystem::path groupPath = sources.etcRoot / "group";
    if (auto group = readTextFile(groupPath); group.ok()) {
        std::size_t malformed = 0;
        for (proto::LocalGroup& entry : parseGroup(group.value(), malformed))
            *inventory.add_groups() = std::move(entry);
        if (malformed > 0)
            addIssue(inventory, kSectionGroups, malformedMessage(malformed, groupPath));
    } else {
        addIssue(inventory, kSectionGroups, "local groups unknown: " + group.error().message);
    }
}

} // namespace yagura::agent::inventory
