// Splitting an inventory into keyed items and back, and the item diff that deltas are made of.

#include "proto/InventoryItems.h"
#include "proto/agent.pb.h"

#include <google/protobuf/util/message_differencer.h>

#include <QtTest>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

using namespace yagura;
using google::protobuf::util::MessageDifferencer;

namespace {

proto::Inventory sampleInventory() {
    proto::Inventory inventory;
    proto::HostInfo* host = inventory.mutable_host();
    host->set_hostname("web-01");
    host->set_machine_id("0123456789abcdef0123456789abcdef");
    host->set_boot_time_unix(1700000000);
    host->mutable_os()->set_id("debian");
    host->mutable_os()->set_version_id("12");
    host->mutable_os()->set_pretty_name("Debian GNU/Linux 12 (bookworm)");
    host->mutable_os()->set_kernel_release("6.1.0-13-amd64");
    host->mutable_os()->set_architecture("x86_64");
    host->mutable_hardware()->set_cpu_model("Example CPU");
    host->mutable_hardware()->set_cpu_logical_cores(8);
    host->mutable_hardware()->set_cpu_physical_cores(4);
    host->mutable_hardware()->set_memory_total_bytes(16ull << 30);

    proto::Disk* root = inventory.add_disks();
    root->set_mount_point("/");
    root->set_device("/dev/sda1");
    root->set_filesystem("ext4");
    root->set_total_bytes(100ull << 30);
    root->set_free_bytes(40ull << 30);
    proto::Disk* home = inventory.add_disks();
    home->set_mount_point("/home");
    home->set_device("/dev/sda2");
    home->set_filesystem("xfs");
    home->set_total_bytes(500ull << 30);
    home->set_free_bytes(0);

    proto::NetworkInterface* lo = inventory.add_interfaces();
    lo->set_name("lo");
    lo->set_mtu(65536);
    lo->set_up(true);
    lo->set_loopback(true);
    proto::InterfaceAddress* loAddress = lo->add_addresses();
    loAddress->set_address("127.0.0.1");
    loAddress->set_prefix_length(8);
    loAddress->set_family("inet");
    proto::NetworkInterface* eth = inventory.add_interfaces();
    eth->set_name("eth0");
    eth->set_mac("52:54:00:12:34:56");
    eth->set_mtu(1500);
    eth->set_up(true);
    proto::InterfaceAddress* v4 = eth->add_addresses();
    v4->set_address("192.0.2.10");
    v4->set_prefix_length(24);
    v4->set_family("inet");
    proto::InterfaceAddress* v6 = eth->add_addresses();
    v6->set_address("2001:db8::10");
    v6->set_prefix_length(64);
    v6->set_family("inet6");

    proto::ListeningPort* ssh = inventory.add_listening_ports();
    ssh->set_protocol("tcp");
    ssh->set_address("0.0.0.0");
    ssh->set_port(22);
    ssh->set_pid(612);
    ssh->set_process("sshd");
    ssh->set_executable("/usr/sbin/sshd");

    proto::LocalUser* rootUser = inventory.add_users();
    rootUser->set_name("root");
    rootUser->set_home("/root");
    rootUser->set_shell("/bin/bash");
    proto::LocalUser* alice = inventory.add_users();
    alice->set_name("alice");
    alice->set_uid(1000);
    alice->set_gid(1000);
    alice->set_home("/home/alice");
    alice->set_shell("/bin/bash");
    alice->set_gecos("Alice,,,");

    proto::LocalGroup* sudo = inventory.add_groups();
    sudo->set_name("sudo");
    sudo->set_gid(27);
    sudo->add_members("alice");

    auto addPackage = [&](const std::string& name, const std::string& version,
                          const std::string& architecture) {
        proto::Package* package = inventory.add_packages();
        package->set_name(name);
        package->set_source_name(name == "libc6" ? "glibc" : name);
        package->set_version(version);
        package->set_source_version(version);
        package->set_architecture(architecture);
        package->set_status("install ok installed");
    };
    addPackage("bash", "5.2.15-2+b2", "amd64");
    // Multiarch: the same package name for two architectures is two packages.
    addPackage("libc6", "2.36-9+deb12u3", "amd64");
    addPackage("libc6", "2.36-9+deb12u3", "i386");
    addPackage("tzdata", "2024a-0+deb12u1", "all");

    proto::Service* sshService = inventory.add_services();
    sshService->set_name("ssh.service");
    sshService->set_unit_file_state("enabled");
    sshService->set_active_state("active");
    sshService->set_sub_state("running");
    sshService->set_description("OpenBSD Secure Shell server");
    proto::Service* cron = inventory.add_services();
    cron->set_name("cron.service");
    cron->set_unit_file_state("enabled");
    cron->set_active_state("active");
    cron->set_sub_state("running");

    proto::CollectionIssue* issue = inventory.add_issues();
    issue->set_section("listening_ports");
    issue->set_message("owning process unknown: permission denied");
    return inventory;
}

const proto::InventoryItem* findItem(const std::vector<proto::InventoryItem>& items,
                                     proto::InventoryKind kind, const std::string& key) {
    for (const auto& item : items)
        if (item.kind() == kind && item.key() == key)
            return &item;
    return nullptr;
}

// Each repeated field compared as a multiset of serialized elements, so the order in which
// items travel does not matter.
template <typename Repeated> std::vector<std::string> sortedBytes(const Repeated& elements) {
    std::vector<std::string> out;
    for (const auto& element : elements)
        out.push_back(element.SerializeAsString());
    std::sort(out.begin(), out.end());
    return out;
}

bool sameInventory(const proto::Inventory& a, const proto::Inventory& b) {
    return MessageDifferencer::Equals(a.host(), b.host()) &&
           sortedBytes(a.disks()) == sortedBytes(b.disks()) &&
           sortedBytes(a.interfaces()) == sortedBytes(b.interfaces()) &&
           sortedBytes(a.listening_ports()) == sortedBytes(b.listening_ports()) &&
           sortedBytes(a.users()) == sortedBytes(b.users()) &&
           sortedBytes(a.groups()) == sortedBytes(b.groups()) &&
           sortedBytes(a.packages()) == sortedBytes(b.packages()) &&
           sortedBytes(a.services()) == sortedBytes(b.services()) &&
           sortedBytes(a.issues()) == sortedBytes(b.issues());
}

} // namespace

class TestInventoryItems : public QObject {
    Q_OBJECT

private slots:
    void itemsHaveKindsAndKeys() {
        const proto::Inventory inventory = sampleInventory();
        const auto items = protocol::toItems(inventory);
        // host + 2 disks + 2 interfaces + 1 port + 2 users + 1 group + 4 packages + 2 services
        // + 1 issue
        QCOMPARE(items.size(), std::size_t{16});

        QVERIFY(findItem(items, proto::KIND_HOST, "host"));
        QVERIFY(findItem(items, proto::KIND_DISK, "/"));
        QVERIFY(findItem(items, proto::KIND_DISK, "/home"));
        QVERIFY(findItem(items, proto::KIND_INTERFACE, "eth0"));
        QVERIFY(findItem(items, proto::KIND_USER, "alice"));
        QVERIFY(findItem(items, proto::KIND_GROUP, "sudo"));
        QVERIFY(findItem(items, proto::KIND_SERVICE, "cron.service"));
        QVERIFY(findItem(items, proto::KIND_LISTENING_PORT, "tcp 0.0.0.0 22"));

        // Both architectures of libc6 are separate items with distinct keys.
        const auto* amd64 = findItem(items, proto::KIND_PACKAGE, "libc6:amd64");
        const auto* i386 = findItem(items, proto::KIND_PACKAGE, "libc6:i386");
        QVERIFY(amd64);
        QVERIFY(i386);
        QVERIFY(amd64->body() != i386->body());
        proto::Package parsed;
        QVERIFY(parsed.ParseFromString(i386->body()));
        QCOMPARE(parsed.architecture(), std::string("i386"));

        // Keys are unique within a kind: a key collision would lose an item in every diff.
        std::vector<std::pair<int, std::string>> ids;
        for (const auto& item : items)
            ids.emplace_back(item.kind(), item.key());
        std::sort(ids.begin(), ids.end());
        QVERIFY(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
    }

    void roundTrip() {
        const proto::Inventory inventory = sampleInventory();
        const auto items = protocol::toItems(inventory);
        const proto::Inventory restored = protocol::fromItems(items);
        QVERIFY(sameInventory(inventory, restored));
        QCOMPARE(restored.packages_size(), 4);
        QCOMPARE(restored.disks_size(), 2);
        QCOMPARE(restored.interfaces_size(), 2);
        QCOMPARE(restored.interfaces(1).addresses_size(), 2);

        // Item order is irrelevant to the content.
        auto reversed = items;
        std::reverse(reversed.begin(), reversed.end());
        QVERIFY(sameInventory(inventory, protocol::fromItems(reversed)));

        // The collection time travels in the snapshot, not in the items: everything else is
        // exactly the original message.
        QVERIFY(MessageDifferencer::Equals(inventory, restored));
    }

    void roundTripOfEmptyInventory() {
        const proto::Inventory empty;
        const auto items = protocol::toItems(empty);
        QCOMPARE(items.size(), std::size_t{1}); // the host item is always there
        // (The restored host is present but empty; its content equals the original's.)
        QVERIFY(sameInventory(protocol::fromItems(items), empty));
        QVERIFY(MessageDifferencer::Equals(protocol::fromItems({}), empty));
    }

    void unknownKindIsIgnored() {
        auto items = protocol::toItems(sampleInventory());
        proto::InventoryItem future;
        future.set_kind(static_cast<proto::InventoryKind>(99));
        future.set_key("something new");
        future.set_body("\x0a\x03new");
        items.push_back(future);
        QVERIFY(sameInventory(protocol::fromItems(items), sampleInventory()));
    }

    void bodiesAreDeterministic() {
        const proto::Inventory inventory = sampleInventory();
        const auto first = protocol::toItems(inventory);
        const auto second = protocol::toItems(sampleInventory());
        QCOMPARE(first.size(), second.size());
        for (std::size_t i = 0; i < first.size(); ++i) {
            QCOMPARE(first[i].kind(), second[i].kind());
            QCOMPARE(first[i].key(), second[i].key());
            QVERIFY2(first[i].body() == second[i].body(), first[i].key().c_str());
        }
        // Parsing and re-splitting gives the same bytes again.
        const auto third = protocol::toItems(protocol::fromItems(first));
        QCOMPARE(third.size(), first.size());
        for (std::size_t i = 0; i < first.size(); ++i)
            QVERIFY2(third[i].body() == first[i].body(), first[i].key().c_str());
    }

    void diffOfIdenticalListsIsEmpty() {
        const auto before = protocol::toItems(sampleInventory());
        const auto after = protocol::toItems(sampleInventory());
        const protocol::ItemChanges changes = protocol::diffItems(before, after);
        QVERIFY(changes.empty());
        QVERIFY(changes.upserted.empty());
        QVERIFY(changes.removed.empty());

        // Order does not matter either.
        auto shuffled = after;
        std::reverse(shuffled.begin(), shuffled.end());
        QVERIFY(protocol::diffItems(before, shuffled).empty());
        QVERIFY(protocol::diffItems({}, {}).empty());
    }

    void diffOfChangedPackageVersion() {
        const proto::Inventory original = sampleInventory();
        proto::Inventory changed = original;
        for (auto& package : *changed.mutable_packages())
            if (package.name() == "libc6" && package.architecture() == "i386")
                package.set_version("2.36-9+deb12u4");
        const auto before = protocol::toItems(original);
        const auto after = protocol::toItems(changed);
        const protocol::ItemChanges changes = protocol::diffItems(before, after);
        QVERIFY(changes.removed.empty());
        QCOMPARE(changes.upserted.size(), std::size_t{1});
        const proto::InventoryItem& upserted = changes.upserted.front();
        QCOMPARE(upserted.kind(), proto::KIND_PACKAGE);
        QCOMPARE(upserted.key(), std::string("libc6:i386"));
        proto::Package package;
        QVERIFY(package.ParseFromString(upserted.body()));
        QCOMPARE(package.version(), std::string("2.36-9+deb12u4"));
        QCOMPARE(package.architecture(), std::string("i386"));

        // Applying the change to the old items gives the new inventory.
        auto applied = before;
        for (auto& item : applied)
            if (item.kind() == upserted.kind() && item.key() == upserted.key())
                item = upserted;
        QVERIFY(sameInventory(protocol::fromItems(applied), changed));
    }

    void diffOfRemovedUser() {
        const proto::Inventory original = sampleInventory();
        proto::Inventory changed = original;
        auto* users = changed.mutable_users();
        users->erase(
            std::remove_if(users->begin(), users->end(),
                           [](const proto::LocalUser& user) { return user.name() == "alice"; }),
            users->end());
        QCOMPARE(changed.users_size(), 1);
        const protocol::ItemChanges changes =
            protocol::diffItems(protocol::toItems(original), protocol::toItems(changed));
        QVERIFY(changes.upserted.empty());
        QCOMPARE(changes.removed.size(), std::size_t{1});
        QCOMPARE(changes.removed.front().kind(), proto::KIND_USER);
        QCOMPARE(changes.removed.front().key(), std::string("alice"));
    }

    void diffOfRemovedArchitecture() {
        // Removing one architecture of a multiarch package removes only that item.
        const proto::Inventory original = sampleInventory();
        proto::Inventory changed = original;
        auto* packages = changed.mutable_packages();
        packages->erase(std::remove_if(packages->begin(), packages->end(),
                                       [](const proto::Package& package) {
                                           return package.architecture() == "i386";
                                       }),
                        packages->end());
        const protocol::ItemChanges changes =
            protocol::diffItems(protocol::toItems(original), protocol::toItems(changed));
        QVERIFY(changes.upserted.empty());
        QCOMPARE(changes.removed.size(), std::size_t{1});
        QCOMPARE(changes.removed.front().kind(), proto::KIND_PACKAGE);
        QCOMPARE(changes.removed.front().key(), std::string("libc6:i386"));
    }

    void diffOfAddedService() {
        const proto::Inventory original = sampleInventory();
        proto::Inventory changed = original;
        proto::Service* nginx = changed.add_services();
        nginx->set_name("nginx.service");
        nginx->set_unit_file_state("enabled");
        nginx->set_active_state("active");
        nginx->set_sub_state("running");
        const protocol::ItemChanges changes =
            protocol::diffItems(protocol::toItems(original), protocol::toItems(changed));
        QVERIFY(changes.removed.empty());
        QCOMPARE(changes.upserted.size(), std::size_t{1});
        QCOMPARE(changes.upserted.front().kind(), proto::KIND_SERVICE);
        QCOMPARE(changes.upserted.front().key(), std::string("nginx.service"));
        proto::Service parsed;
        QVERIFY(parsed.ParseFromString(changes.upserted.front().body()));
        QVERIFY(MessageDifferencer::Equals(parsed, *nginx));
    }

    void diffOfSeveralChanges() {
        const proto::Inventory original = sampleInventory();
        proto::Inventory changed = original;
        changed.mutable_host()->set_boot_time_unix(1700003600);
        changed.mutable_disks(0)->set_free_bytes(39ull << 30);
        changed.mutable_services()->RemoveLast(); // cron.service
        changed.clear_issues();
        const protocol::ItemChanges changes =
            protocol::diffItems(protocol::toItems(original), protocol::toItems(changed));
        std::vector<std::pair<int, std::string>> upserted;
        for (const auto& item : changes.upserted)
            upserted.emplace_back(item.kind(), item.key());
        std::sort(upserted.begin(), upserted.end());
        const std::vector<std::pair<int, std::string>> expectedUpserted = {
            {proto::KIND_HOST, "host"}, {proto::KIND_DISK, "/"}};
        QVERIFY(upserted == expectedUpserted);
        std::vector<std::pair<int, std::string>> removed;
        for (const auto& key : changes.removed)
            removed.emplace_back(key.kind(), key.key());
        std::sort(removed.begin(), removed.end());
        const std::vector<std::pair<int, std::string>> expectedRemoved = {
            {proto::KIND_SERVICE, "cron.service"},
            {proto::KIND_ISSUE, "listening_ports: owning process unknown: permission denied"}};
        QVERIFY(removed == expectedRemoved);
    }
};

QTEST_GUILESS_MAIN(TestInventoryItems)
#include "TestInventoryItems.moc"
