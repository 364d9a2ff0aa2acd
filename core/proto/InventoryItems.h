#pragma once

#include "proto/agent.pb.h"

#include <vector>

namespace yagura::protocol {

// Splits an inventory into keyed items (the unit of snapshots and deltas) and back.
std::vector<proto::InventoryItem> toItems(const proto::Inventory& inventory);
proto::Inventory fromItems(const std::vector<proto::InventoryItem>& items);

// The changes that turn `before` into `after`: items whose bytes differ are upserted, items
// whose key is gone are removed.
struct ItemChanges {
    std::vector<proto::InventoryItem> upserted;
    std::vector<proto::InventoryItemKey> removed;
    bool empty() const { return upserted.empty() && removed.empty(); }
};
ItemChanges diffItems(const std::vector<proto::InventoryItem>& before,
                      const std::vector<proto::InventoryItem>& after);

} // namespace yagura::protocol
