#include "proto/InventoryItems.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <map>
#include <string>
#include <utility>

namespace yagura::protocol {

namespace {
template <typename Message>
void addItem(std::vector<proto::InventoryItem>& items, proto::InventoryKind kind, std::string key,
             const Message& message) {
    proto::InventoryItem item;
    item.set_kind(kind);
    item.set_key(std::move(key));
    // Deterministic serialization: equal content gives equal bytes, so diffs compare bytes.
    std::string body;
    {
        google::protobuf::io::StringOutputStream stream(&body);
        google::protobuf::io::CodedOutputStream coded(&stream);
        coded.SetSerializationDeterministic(true);
        message.SerializeToCodedStream(&coded);
    }
    item.set_body(std::move(body));
    items.push_back(std::move(item));
}

template <typename Message> void parseInto(const proto::InventoryItem& item, Message* target) {
    target->ParseFromString(item.body());
}

using ItemId = std::pair<int, std::string>;
} // namespace

std::vector<proto::InventoryItem> toItems(const proto::Inventory& inventory) {
    std::vector<proto::InventoryItem> items;
    addItem(items, proto::KIND_HOST, "host", inventory.host());
    for (const auto& disk : inventory.disks())
        addItem(items, proto::KIND_DISK, disk.mount_point(), disk);
    for (const auto& nic : inventory.interfaces())
        addItem(items, proto::KIND_INTERFACE, nic.name(), nic);
    for (const auto& port : inventory.listening_ports())
        addItem(items, proto::KIND_LISTENING_PORT,
                port.protocol() + " " + port.address() + " " + std::to_string(port.port()), port);
    for (const auto& user : inventory.users())
        addItem(items, proto::KIND_USER, user.name(), user);
    for (const auto& group : inventory.groups())
        addItem(items, proto::KIND_GROUP, group.name(), group);
    for (const auto& package : inventory.packages())
        addItem(items, proto::KIND_PACKAGE, package.name() + ":" + package.architecture(), package);
    for (const auto& service : inventory.services())
        addItem(items, proto::KIND_SERVICE, service.name(), service);
    for (const auto& issue : inventory.issues())
        addItem(items, proto::KIND_ISSUE, issue.section() + ": " + issue.message(), issue);
    return items;
}

proto::Inventory fromItems(const std::vector<proto::InventoryItem>& items) {
    proto::Inventory inventory;
    for (const auto& item : items) {
        switch (item.kind()) {
        case proto::KIND_HOST:
            parseInto(item, inventory.mutable_host());
            break;
        case proto::KIND_DISK:
            parseInto(item, inventory.add_disks());
            break;
        case proto::KIND_INTERFACE:
            parseInto(item, inventory.add_interfaces());
            break;
        case proto::KIND_LISTENING_PORT:
            parseInto(item, inventory.add_listening_ports());
            break;
        case proto::KIND_USER:
            parseInto(item, inventory.add_users());
            break;
        case proto::KIND_GROUP:
            parseInto(item, inventory.add_groups());
            break;
        case proto::KIND_PACKAGE:
            parseInto(item, inventory.add_packages());
            break;
        case proto::KIND_SERVICE:
            parseInto(item, inventory.add_services());
            break;
        case proto::KIND_ISSUE:
            parseInto(item, inventory.add_issues());
            break;
        default:
            break; // a kind from a newer agent: kept in the store, not shown by this version
        }
    }
    return inventory;
}

ItemChanges diffItems(const std::vector<proto::InventoryItem>& before,
                      const std::vector<proto::InventoryItem>& after) {
    std::map<ItemId, const proto::InventoryItem*> old;
    for (const auto& item : before)
        old[{item.kind(), item.key()}] = &item;
    ItemChanges changes;
    for (const auto& item : after) {
        const auto it = old.find({item.kind(), item.key()});
        if (it == old.end() || it->second->body() != item.body())
            changes.upserted.push_back(item);
        if (it != old.end())
            old.erase(it);
    }
    for (const auto& [id, item] : old) {
        proto::InventoryItemKey key;
        key.set_kind(item->kind());
        key.set_key(item->key());
        changes.removed.push_back(std::move(key));
    }
    return changes;
}

} // namespace yagura::protocol
