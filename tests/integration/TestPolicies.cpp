// Groups, versioned policies pushed to agents, rule packs, exceptions, cross-host correlation
// and retention, on a real in-process server with real agent sessions.

#include "TestSite.h"

#include "agent/AgentSession.h"
#include "agent/detection/AgentDetector.h"
#include "agent/policy/AgentPolicy.h"
#include "client/RulePackFiles.h"
#include "server/Correlator.h"
#include "server/PolicyService.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace yagura;
using namespace yagura::testing;
using namespace std::chrono_literals;

namespace {
template <typename Done> bool waitFor(Done done, std::chrono::seconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done())
            return true;
        std::this_thread::yield();
    }
    return done();
}

proto::OperatorResponse call(client::OperatorClient& client,
                             const proto::OperatorRequest& request) {
    auto response = client.call(request);
    if (!response.ok())
        qWarning("call failed: %s", response.error().message.c_str());
    return response.ok() ? *response : proto::OperatorResponse{};
}

ErrorCode failure(client::OperatorClient& client, const proto::OperatorRequest& request) {
    auto response = client.call(request);
    return response.ok() ? ErrorCode::Internal : response.error().code;
}

proto::PolicyRecord currentPolicy(client::OperatorClient& client, const std::string& group) {
    proto::OperatorRequest request;
    request.mutable_get_policy()->set_group(group);
    return call(client, request).get_policy().policy();
}

proto::OperatorRequest setPolicy(const std::string& group, const proto::PolicySpec& spec,
                                 std::uint64_t base) {
    proto::OperatorRequest request;
    auto* set = request.mutable_set_policy();
    set->set_group(group);
    *set->mutable_spec() = spec;
    set->set_base_version(base);
    set->set_comment("test");
    return request;
}

proto::AgentSummary agentSummary(client::OperatorClient& client, std::int64_t id) {
    proto::OperatorRequest request;
    request.mutable_get_asset()->set_agent_id(static_cast<std::uint64_t>(id));
    return call(client, request).get_asset().agent();
}

void field(proto::TelemetryEvent& event, const std::string& name, const std::string& value) {
    auto* added = event.add_fields();
    added->set_name(name);
    added->set_value(value);
}

// Sends one event batch as the agent with `keys`; true when acknowledged.
bool sendBatch(TestSite& site, net::Context& context, const crypto::CurveKeyPair& keys,
               const proto::EventBatch& batch) {
    RawPeer peer(context, site.serverKey(), site.endpoints().agent.front(), {}, keys);
    proto::Envelope reply;
    auto bytes = peer.request(protocol::pack(proto::EVENT_BATCH, 7, batch));
    auto envelope = protocol::unpack(bytes);
    if (!envelope.ok())
        return false;
    proto::Ack ack;
    return ack.ParseFromString(envelope->payload()) && ack.status() == proto::ACK_OK;
}

proto::TelemetryEvent alertEvent(std::uint64_t seq, std::int64_t timeMs, const std::string& ruleId,
                                 const std::string& image) {
    proto::TelemetryEvent event;
    event.set_seq(seq);
    event.set_time_unix_ms(static_cast<std::uint64_t>(timeMs));
    event.set_category("alert");
    event.set_rank(proto::RANK_ALERT);
    field(event, "RuleId", ruleId);
    field(event, "RuleTitle", "Test rule " + ruleId);
    field(event, "RuleLevel", "high");
    field(event, "RuleTags", "attack.execution");
    field(event, "Image", image);
    return event;
}

proto::ListAlertsResponse alerts(client::OperatorClient& client, const std::string& ruleId) {
    proto::OperatorRequest request;
    request.mutable_list_alerts()->set_rule_id(ruleId);
    return call(client, request).list_alerts();
}

void writeRule(const QString& dir, const QString& name, const std::string& id,
               const std::string& image) {
    QFile file(dir + "/" + name);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray::fromStdString("title: Test " + id + "\nid: " + id +
                                         "\nlevel: high\nlogsource:\n  product: linux\n  "
                                         "category: process_creation\ndetection:\n  selection:\n"
                                         "    Image|endswith: '" +
                                         image + "'\n  condition: selection\n"));
}

bool importFolder(client::OperatorClient& client, const QString& folder, const std::string& pack,
                  proto::ImportRulesResponse* last = nullptr) {
    auto files = client::readRulePack(folder.toStdString());
    if (!files.ok())
        return false;
    for (const auto& chunk : client::importChunks(pack, "test pack", "folder", *files, 300)) {
        proto::OperatorRequest request;
        *request.mutable_import_rules() = chunk;
        auto response = client.call(request);
        if (!response.ok())
            return false;
        if (last)
            *last = response->import_rules();
    }
    return true;
}
} // namespace

class TestPolicies : public QObject {
    Q_OBJECT

private slots:
    void aNewSiteHasTheBuiltinPackAndADefaultPolicy() {
        TestSite site;
        auto admin = site.operatorClient();
        proto::OperatorRequest packs;
        packs.mutable_list_rule_packs();
        const auto listed = call(*admin, packs).list_rule_packs();
        QCOMPARE(listed.packs_size(), 1);
        const auto& builtin = listed.packs(0);
        QCOMPARE(builtin.name(), std::string(server::kBuiltinPackName));
        QVERIFY(builtin.builtin());
        QCOMPARE(builtin.rules(), static_cast<std::uint32_t>(server::builtinRulePack().size()));
        QVERIFY(builtin.rules() >= 30);
        QCOMPARE(builtin.loaded(), builtin.rules()); // every rule of our own pack loads
        const auto policy = currentPolicy(*admin, "default");
        QCOMPARE(policy.version(), std::uint64_t{1});
        QCOMPARE(policy.spec().rule_packs(0), std::string(server::kBuiltinPackName));
        QVERIFY(policy.spec().ransomware().enabled());
    }

    void anAgentFetchesAppliesAndReportsItsGroupsPolicy() {
        TestSite site;
        net::Context context;
        auto [agentId, keys] = site.enrolKeys(context, "plc-gateway");
        QVERIFY(agentId > 0);
        QTemporaryDir state;
        agent::AgentDetector detector;
        agent::AgentPolicy policy(state.path().toStdString(), detector, nullptr);
        agent::SessionConfig config;
        config.endpoints = site.endpoints().agent;
        config.serverKey = site.serverKey();
        config.keys = &keys;
        config.agentVersion = "test";
        config.inventoryInterval = 24h;
        config.applyPolicy = [&policy](const proto::PolicyBundle& bundle) {
            return policy.apply(bundle);
        };
        agent::AgentSession session(
            context, config, site.clock(), [] { return proto::Inventory{}; }, {},
            [](const proto::InventorySnapshot&) { return success(); });
        QVERIFY(driveSession(session, [&] { return session.policyVersion() == 1; }));
        QCOMPARE(detector.ruleCount(), server::builtinRulePack().size());
        auto admin = site.operatorClient();
        // The applied version reaches the server with the next heartbeat (sent at once).
        QVERIFY(driveSession(session,
                             [&] { return agentSummary(*admin, agentId).policy_version() == 1; }));
        QCOMPARE(agentSummary(*admin, agentId).desired_policy_version(), std::uint64_t{1});

        // A new group with a copy of the policy, the agent moved into it: pushed, applied.
        proto::OperatorRequest create;
        create.mutable_create_group()->set_name("plant-a");
        create.mutable_create_group()->set_copy_policy_from("default");
        QCOMPARE(call(*admin, create).create_group().group().policy_version(), std::uint64_t{2});
        proto::OperatorRequest move;
        move.mutable_move_agents()->add_agent_ids(static_cast<std::uint64_t>(agentId));
        move.mutable_move_agents()->set_group("plant-a");
        QCOMPARE(call(*admin, move).move_agents().agents(0).group(), std::string("plant-a"));
        QVERIFY(driveSession(session, [&] { return session.policyVersion() == 2; }));

        // An edit that disables one rule: version 3, one rule fewer on the agent.
        auto spec = currentPolicy(*admin, "plant-a").spec();
        const std::string disabledId = [&] {
            proto::OperatorRequest rules;
            rules.mutable_list_rules()->set_pack(std::string(server::kBuiltinPackName));
            return call(*admin, rules).list_rules().rules(0).id();
        }();
        spec.add_disabled_rules(disabledId);
        spec.clear_fim_paths();
        spec.add_fim_paths("/srv/plc-projects");
        QCOMPARE(call(*admin, setPolicy("plant-a", spec, 2)).set_policy().policy().version(),
                 std::uint64_t{3});
        QVERIFY(driveSession(session, [&] { return session.policyVersion() == 3; }));
        QCOMPARE(detector.ruleCount(), server::builtinRulePack().size() - 1);
        QCOMPARE(policy.spec()->fim_paths(0), std::string("/srv/plc-projects"));
        QVERIFY(driveSession(session,
                             [&] { return agentSummary(*admin, agentId).policy_version() == 3; }));

        // Offline start: the stored policy applies before any server is reached.
        agent::AgentDetector restarted;
        agent::AgentPolicy again(state.path().toStdString(), restarted, nullptr);
        auto stored = again.applyStored();
        QVERIFY(stored.ok());
        QCOMPARE(*stored, std::uint64_t{3});
        QCOMPARE(restarted.ruleCount(), server::builtinRulePack().size() - 1);

        // History and diff material: three versions, newest first.
        proto::OperatorRequest history;
        history.mutable_policy_history()->set_group("plant-a");
        const auto versions = call(*admin, history).policy_history();
        QCOMPARE(versions.versions_size(), 2);
        QCOMPARE(versions.versions(0).version(), std::uint64_t{3});
    }

    void aBadPolicyIsRefusedWithOneLineAndChangesNothing() {
        TestSite site;
        auto admin = site.operatorClient();
        const auto current = currentPolicy(*admin, "default");
        auto relative = current.spec();
        relative.add_fim_paths("etc/passwd");
        QCOMPARE(failure(*admin, setPolicy("default", relative, 1)), ErrorCode::InvalidArgument);
        auto dotdot = current.spec();
        dotdot.add_fim_paths("/etc/../root");
        QCOMPARE(failure(*admin, setPolicy("default", dotdot, 1)), ErrorCode::InvalidArgument);
        auto noRetention = current.spec();
        noRetention.set_retention_days(0);
        QCOMPARE(failure(*admin, setPolicy("default", noRetention, 1)), ErrorCode::InvalidArgument);
        auto unknownPack = current.spec();
        unknownPack.add_rule_packs("nonexistent");
        QCOMPARE(failure(*admin, setPolicy("default", unknownPack, 1)), ErrorCode::NotFound);
        auto threshold = current.spec();
        threshold.mutable_ransomware()->set_min_files(1);
        QCOMPARE(failure(*admin, setPolicy("default", threshold, 1)), ErrorCode::InvalidArgument);
        QCOMPARE(failure(*admin, setPolicy("nowhere", current.spec(), 0)), ErrorCode::NotFound);
        // An edit based on an old version loses to the one that landed in between.
        auto first = current.spec();
        first.set_retention_days(60);
        QVERIFY(admin->call(setPolicy("default", first, 1)).ok());
        auto second = current.spec();
        second.set_retention_days(90);
        QCOMPARE(failure(*admin, setPolicy("default", second, 1)), ErrorCode::Conflict);
        QCOMPARE(currentPolicy(*admin, "default").spec().retention_days(), 60u);
        QCOMPARE(currentPolicy(*admin, "default").version(), std::uint64_t{2});
    }

    void rolesDecideWhoMayChangePoliciesRulesAndExceptions() {
        TestSite site;
        site.addUser("auditor1", server::Role::Auditor);
        site.addUser("analyst1", server::Role::Analyst);
        auto auditor = site.operatorClient("auditor1");
        auto analyst = site.operatorClient("analyst1");
        auto admin = site.operatorClient();
        const auto spec = currentPolicy(*auditor, "default").spec(); // looking is allowed
        auto changed = spec;
        changed.set_retention_days(7);
        QCOMPARE(failure(*auditor, setPolicy("default", changed, 1)), ErrorCode::PermissionDenied);
        QCOMPARE(failure(*analyst, setPolicy("default", changed, 1)), ErrorCode::PermissionDenied);
        proto::OperatorRequest import;
        import.mutable_import_rules()->set_pack("mine");
        import.mutable_import_rules()->set_begin(true);
        QCOMPARE(failure(*analyst, import), ErrorCode::PermissionDenied);
        proto::OperatorRequest group;
        group.mutable_create_group()->set_name("ot");
        QCOMPARE(failure(*analyst, group), ErrorCode::PermissionDenied);
        proto::OperatorRequest exception;
        exception.mutable_create_exception()->set_alert_id(1);
        exception.mutable_create_exception()->set_scope("host");
        exception.mutable_create_exception()->set_reason("benign");
        QCOMPARE(failure(*auditor, exception), ErrorCode::PermissionDenied);
        // An analyst may make exceptions (here: the alert does not exist).
        QCOMPARE(failure(*analyst, exception), ErrorCode::NotFound);
        // Nobody, not even an admin, imports over the pack that ships with Yagura.
        proto::OperatorRequest overwrite;
        overwrite.mutable_import_rules()->set_pack(std::string(server::kBuiltinPackName));
        overwrite.mutable_import_rules()->set_begin(true);
        QCOMPARE(failure(*admin, overwrite), ErrorCode::InvalidArgument);
        QCOMPARE(currentPolicy(*admin, "default").version(), std::uint64_t{1});
    }

    void importsKeepLoadStatusDisabledRulesAndRepublishPolicies() {
        TestSite site;
        auto admin = site.operatorClient();
        QTemporaryDir folder;
        QDir(folder.path()).mkpath("linux");
        writeRule(folder.path() + "/linux", "a.yml", "11111111-1111-4111-8111-111111111111", "/nc");
        writeRule(folder.path() + "/linux", "b.yml", "22222222-2222-4222-8222-222222222222",
                  "/socat");
        writeRule(folder.path(), "dup.yml", "11111111-1111-4111-8111-111111111111", "/ncat");
        QFile broken(folder.path() + "/broken.yml");
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("title: broken\ndetection: [not, a, map\n");
        broken.close();
        proto::ImportRulesResponse last;
        QVERIFY(importFolder(*admin, folder.path(), "local", &last));
        QCOMPARE(last.pack().rules(), 4u);
        QCOMPARE(last.pack().loaded(), 2u);
        QCOMPARE(last.pack().unsupported(), 2u);
        proto::OperatorRequest list;
        list.mutable_list_rules()->set_pack("local");
        list.mutable_list_rules()->set_status("duplicate");
        const auto duplicates = call(*admin, list).list_rules();
        QCOMPARE(duplicates.total(), 1u);
        // Files load in path order: the later file with an id already seen is the duplicate.
        QCOMPARE(duplicates.rules(0).file(), std::string("linux/a.yml"));
        QVERIFY(duplicates.rules(0).reason().find("dup.yml") != std::string::npos);

        // The default policy uses the pack; disabling a rule republishes it.
        auto spec = currentPolicy(*admin, "default").spec();
        spec.add_rule_packs("local");
        QVERIFY(admin->call(setPolicy("default", spec, 1)).ok());
        proto::OperatorRequest disable;
        disable.mutable_set_rules_enabled()->set_pack("local");
        disable.mutable_set_rules_enabled()->add_files("linux/b.yml");
        disable.mutable_set_rules_enabled()->set_enabled(false);
        QCOMPARE(call(*admin, disable).set_rules_enabled().changed(), 1u);
        QCOMPARE(currentPolicy(*admin, "default").version(), std::uint64_t{3});
        proto::OperatorRequest unknown = disable;
        unknown.mutable_set_rules_enabled()->set_files(0, "nope.yml");
        QCOMPARE(failure(*admin, unknown), ErrorCode::NotFound);

        // Re-import: the disabled rule stays disabled, the policy moves on again.
        QVERIFY(importFolder(*admin, folder.path(), "local", &last));
        list.mutable_list_rules()->set_status("loaded");
        const auto loaded = call(*admin, list).list_rules();
        QCOMPARE(loaded.total(), 2u);
        for (const auto& rule : loaded.rules())
            QCOMPARE(rule.enabled(), rule.file() != "linux/b.yml");
        QCOMPARE(currentPolicy(*admin, "default").version(), std::uint64_t{4});

        // An archive works the same; one that reaches outside its root is refused.
        QTemporaryDir archives;
        const QString tarball = archives.path() + "/pack.tar.gz";
        QCOMPARE(QProcess::execute("tar", {"-C", folder.path(), "-czf", tarball, "."}), 0);
        auto fromArchive = client::readRulePack(tarball.toStdString());
        QVERIFY(fromArchive.ok());
        QCOMPARE(fromArchive->size(), std::size_t{4});
        const QString hostile = archives.path() + "/hostile.tar";
        QCOMPARE(QProcess::execute(
                     "tar", {"-C", folder.path() + "/linux", "-cPf", hostile, "../linux/a.yml"}),
                 0);
        auto refused = client::readRulePack(hostile.toStdString());
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().message.find("escapes") != std::string::npos);
        QVERIFY(!client::readRulePack(archives.path().toStdString() + "/missing.zip").ok());
    }

    void anExceptionSilencesItsScopeOnlyUntilItEnds() {
        TestSite site;
        net::Context context;
        auto [hostA, keysA] = site.enrolKeys(context, "hmi-1");
        auto [hostB, keysB] = site.enrolKeys(context, "hmi-2");
        auto admin = site.operatorClient();
        const std::string rule = "33333333-3333-4333-8333-333333333333";
        const std::int64_t nowMs = site.clock().nowUnixMillis();
        proto::EventBatch first;
        *first.add_events() = alertEvent(1, nowMs, rule, "/opt/vendor/updater");
        QVERIFY(sendBatch(site, context, keysA, first));
        auto listed = alerts(*admin, rule);
        QCOMPARE(listed.total(), 1u);
        const auto alertId = listed.alerts(0).id();

        proto::OperatorRequest create;
        auto* exception = create.mutable_create_exception();
        exception->set_alert_id(alertId);
        exception->set_scope("host");
        exception->set_reason("the vendor's updater, expected on HMIs");
        exception->set_expires_at_unix(
            static_cast<std::uint64_t>(site.clock().nowUnixSeconds() + 3600));
        const auto created = call(*admin, create).create_exception().exception();
        QCOMPARE(created.hostname(), std::string("hmi-1"));
        QCOMPARE(created.image(), std::string("/opt/vendor/updater"));

        // Close the open alert so a new one would be opened rather than counted.
        proto::OperatorRequest resolve;
        resolve.mutable_update_alerts()->add_alert_ids(alertId);
        resolve.mutable_update_alerts()->set_status("false_positive");
        resolve.mutable_update_alerts()->set_note("vendor updater");
        QVERIFY(admin->call(resolve).ok());

        proto::EventBatch again;
        *again.add_events() = alertEvent(2, nowMs + 1, rule, "/opt/vendor/updater");
        QVERIFY(sendBatch(site, context, keysA, again));
        QCOMPARE(alerts(*admin, rule).total(), 1u); // suppressed
        // Another executable on the same host, or the same one on another host, still alerts.
        proto::EventBatch otherImage;
        *otherImage.add_events() = alertEvent(3, nowMs + 2, rule, "/tmp/updater");
        QVERIFY(sendBatch(site, context, keysA, otherImage));
        proto::EventBatch otherHost;
        *otherHost.add_events() = alertEvent(1, nowMs + 3, rule, "/opt/vendor/updater");
        QVERIFY(sendBatch(site, context, keysB, otherHost));
        QCOMPARE(alerts(*admin, rule).total(), 3u);
        proto::OperatorRequest list;
        list.mutable_list_exceptions();
        QCOMPARE(call(*admin, list).list_exceptions().exceptions(0).hits(), 1u);

        // After its expiry it silences nothing (and the idle session has ended: log in again).
        site.clock().advance(2h);
        admin = site.operatorClient();
        proto::EventBatch expired;
        *expired.add_events() = alertEvent(4, nowMs + 4, rule, "/opt/vendor/updater");
        QVERIFY(sendBatch(site, context, keysA, expired));
        QCOMPARE(alerts(*admin, rule).total(), 4u);
        QCOMPARE(call(*admin, list).list_exceptions().exceptions_size(), 0); // inactive now

        // Bad requests change nothing.
        exception->set_scope("planet");
        QCOMPARE(failure(*admin, create), ErrorCode::InvalidArgument);
        exception->set_scope("all");
        exception->set_expires_at_unix(1);
        QCOMPARE(failure(*admin, create), ErrorCode::InvalidArgument);
        list.mutable_list_exceptions()->set_include_inactive(true);
        QCOMPARE(call(*admin, list).list_exceptions().exceptions_size(), 1);
    }

    void alertsFilterByLevelTextTagAndTime() {
        TestSite site;
        net::Context context;
        auto [hmi, hmiKeys] = site.enrolKeys(context, "hmi-3");
        auto [historian, historianKeys] = site.enrolKeys(context, "historian");
        auto admin = site.operatorClient();
        const std::int64_t nowMs = site.clock().nowUnixMillis();
        auto withLevel = [](proto::TelemetryEvent event, const std::string& level,
                            const std::string& tags) {
            for (auto& f : *event.mutable_fields()) {
                if (f.name() == "RuleLevel")
                    f.set_value(level);
                if (f.name() == "RuleTags")
                    f.set_value(tags);
            }
            return event;
        };
        proto::EventBatch first;
        *first.add_events() = withLevel(alertEvent(1, nowMs - 3 * 3'600'000, "r-old", "/usr/bin/a"),
                                        "low", "attack.discovery,attack.t1082");
        *first.add_events() = withLevel(alertEvent(2, nowMs, "r-crit", "/usr/bin/b"), "critical",
                                        "attack.impact,attack.t1486");
        QVERIFY(sendBatch(site, context, hmiKeys, first));
        proto::EventBatch second;
        *second.add_events() = withLevel(alertEvent(1, nowMs, "r-high", "/usr/bin/c"), "high",
                                         "attack.execution,attack.t1059.004");
        QVERIFY(sendBatch(site, context, historianKeys, second));
        auto count = [&](auto tweak) {
            proto::OperatorRequest request;
            tweak(*request.mutable_list_alerts());
            return call(*admin, request).list_alerts().total();
        };
        QCOMPARE(count([](auto&) {}), 3u);
        QCOMPARE(count([](auto& r) { r.add_levels("critical"); }), 1u);
        QCOMPARE(count([](auto& r) {
                     r.add_levels("high");
                     r.add_levels("critical");
                 }),
                 2u);
        QCOMPARE(count([](auto& r) { r.set_search("histor"); }), 1u);
        QCOMPARE(count([](auto& r) { r.set_search("Test rule r-crit"); }), 1u);
        QCOMPARE(count([](auto& r) { r.set_tag("attack.t1059.004"); }), 1u);
        QCOMPARE(count([](auto& r) { r.set_tag("attack.t1059"); }), 0u); // a tag, not a prefix
        QCOMPARE(count([&](auto& r) {
                     r.set_since_unix_ms(static_cast<std::uint64_t>(nowMs - 3'600'000));
                 }),
                 2u);
        proto::OperatorRequest bad;
        bad.mutable_list_alerts()->add_levels("apocalyptic");
        QCOMPARE(failure(*admin, bad), ErrorCode::InvalidArgument);
    }

    void theSameNewExecutableOnSeveralHostsRaisesACorrelationAlert() {
        TestSite site(16 << 20, 10, [](server::ServerConfig& config) {
            config.correlationLearningHours = 0;
            config.correlationHashHosts = 3;
        });
        net::Context context;
        const std::string hash(64, 'a');
        const std::int64_t nowMs = site.clock().nowUnixMillis();
        std::vector<std::pair<std::int64_t, crypto::CurveKeyPair>> hosts;
        for (int i = 0; i < 3; ++i)
            hosts.push_back(site.enrolKeys(context, "ws-" + std::to_string(i)));
        auto admin = site.operatorClient();
        const std::string rule(server::Correlator::kNewHashRuleId);
        for (int i = 0; i < 3; ++i) {
            proto::EventBatch batch;
            auto* event = batch.add_events();
            event->set_seq(10);
            event->set_time_unix_ms(static_cast<std::uint64_t>(nowMs));
            event->set_category("process_creation");
            event->set_rank(proto::RANK_TELEMETRY);
            field(*event, "Image", "/tmp/.x/miner");
            field(*event, "Hashes", "SHA256=" + hash);
            QVERIFY(sendBatch(site, context, hosts[static_cast<std::size_t>(i)].second, batch));
            QCOMPARE(alerts(*admin, rule).total(), i < 2 ? 0u : 1u);
        }
        const auto alert = alerts(*admin, rule).alerts(0);
        QCOMPARE(alert.hostname(), std::string("ws-2"));
        QCOMPARE(alert.image(), std::string("/tmp/.x/miner"));
        QVERIFY(alert.detail().find("ws-0, ws-1, ws-2") != std::string::npos);
        QVERIFY(alert.detail().find(hash) != std::string::npos);
        // The alert points at the host's own process event.
        proto::OperatorRequest show;
        show.mutable_get_alert()->set_alert_id(alert.id());
        QCOMPARE(call(*admin, show).get_alert().triggering_event().category(),
                 std::string("process_creation"));
    }

    void aKnownExecutableDoesNotCorrelate() {
        TestSite site(16 << 20, 10, [](server::ServerConfig& config) {
            config.correlationLearningHours = 1;
            config.correlationHashNewHours = 24;
        });
        net::Context context;
        auto admin = site.operatorClient();
        const std::string hash(64, 'b');
        for (int i = 0; i < 4; ++i) {
            auto [id, keys] = site.enrolKeys(context, "ws-" + std::to_string(i));
            proto::EventBatch batch;
            auto* event = batch.add_events();
            event->set_seq(1);
            event->set_category("process_creation");
            field(*event, "Image", "/usr/bin/bash");
            field(*event, "Hashes", "SHA256=" + hash);
            QVERIFY(sendBatch(site, context, keys, batch));
        }
        // First seen while the site was learning: never "new".
        QCOMPARE(alerts(*admin, std::string(server::Correlator::kNewHashRuleId)).total(), 0u);
    }

    void repeatedFailedLoginsAcrossHostsRaiseOneAlert() {
        TestSite site(16 << 20, 10, [](server::ServerConfig& config) {
            config.correlationFailedLogins = 6;
            config.correlationFailedLoginHosts = 3;
        });
        net::Context context;
        std::vector<std::pair<std::int64_t, crypto::CurveKeyPair>> hosts;
        for (int i = 0; i < 3; ++i)
            hosts.push_back(site.enrolKeys(context, "srv-" + std::to_string(i)));
        auto admin = site.operatorClient();
        const std::string rule(server::Correlator::kFailedLoginsRuleId);
        for (int i = 0; i < 6; ++i) {
            proto::EventBatch batch;
            auto* event = batch.add_events();
            event->set_seq(static_cast<std::uint64_t>(100 + i));
            event->set_category("authentication");
            event->set_rank(proto::RANK_SECURITY);
            field(*event, "Action", "login_failed");
            field(*event, "User", "root");
            field(*event, "SourceIp", "203.0.113.9");
            QVERIFY(sendBatch(site, context, hosts[static_cast<std::size_t>(i % 3)].second, batch));
            QCOMPARE(alerts(*admin, rule).total(), i < 5 ? 0u : 1u);
        }
        const auto alert = alerts(*admin, rule).alerts(0);
        QVERIFY(alert.detail().find("6 failed logins from 203.0.113.9 on 3 hosts") !=
                std::string::npos);
        // Failures from one host alone, however many, are not "across hosts".
        for (int i = 0; i < 12; ++i) {
            proto::EventBatch batch;
            auto* event = batch.add_events();
            event->set_seq(static_cast<std::uint64_t>(200 + i));
            event->set_category("authentication");
            field(*event, "Action", "login_failed");
            field(*event, "SourceIp", "198.51.100.7");
            QVERIFY(sendBatch(site, context, hosts[0].second, batch));
        }
        QCOMPARE(alerts(*admin, rule).total(), 1u);
    }

    void retentionPrunesOldTelemetryButKeepsAlertEvidence() {
        TestSite site;
        net::Context context;
        auto [agentId, keys] = site.enrolKeys(context, "historian");
        auto admin = site.operatorClient();
        auto spec = currentPolicy(*admin, "default").spec();
        spec.set_retention_days(7);
        QVERIFY(admin->call(setPolicy("default", spec, 1)).ok());
        const std::int64_t nowMs = site.clock().nowUnixMillis();
        proto::EventBatch batch;
        for (int i = 0; i < 50; ++i) {
            auto* event = batch.add_events();
            event->set_seq(static_cast<std::uint64_t>(i + 1));
            event->set_time_unix_ms(
                static_cast<std::uint64_t>(nowMs - (i < 30 ? 10 : 1) * 86'400'000LL));
            event->set_category("process_creation");
            field(*event, "Image", "/usr/bin/true");
        }
        *batch.add_events() = alertEvent(51, nowMs - 10 * 86'400'000LL, "r", "/usr/bin/true");
        QVERIFY(sendBatch(site, context, keys, batch));
        auto store = site.openStore();
        QCOMPARE(*store.eventCount(agentId), std::uint64_t{51});
        site.clock().advance(5s); // the server prunes every 2 s of its clock
        QVERIFY(waitFor([&] { return *store.eventCount(agentId) == 21; }));
        // The 20 recent events and the alert's own event stay.
        QVERIFY(store.eventBySeq(agentId, 51)->has_value());
        QVERIFY(!store.eventBySeq(agentId, 1)->has_value());
        QVERIFY(store.eventBySeq(agentId, 50)->has_value());
    }
};

QTEST_GUILESS_MAIN(TestPolicies)
#include "TestPolicies.moc"
