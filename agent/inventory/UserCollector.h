#pragma once

#include "inventory/InventoryCollector.h"

#include <cstddef>
#include <string_view>
#include <vector>

namespace yagura::agent::inventory {

// passwd(5) lines: name:password:uid:gid:gecos:home:shell. Comments, blank lines and NIS
// "+"/"-" entries are skipped; lines with a bad uid or gid are counted in `malformed`. A name
// listed twice keeps its first entry (what getpwnam() returns). Sorted by name.
std::vector<proto::LocalUser> parsePasswd(std::string_view text, std::size_t& malformed);

// group(5) lines: name:password:gid:member,member. Members are sorted. Sorted by name.
std::vector<proto::LocalGroup> parseGroup(std::string_view text, std::size_t& malformed);

// Fills inventory.users and inventory.groups from <etcRoot>/passwd and <etcRoot>/group.
void collectUsersAndGroups(const InventorySources& sources, proto::Inventory& inventory);

} // namespace yagura::agent::inventory
