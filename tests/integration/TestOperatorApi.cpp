// The operator API: login, sessions, roles enforced by the server, audit of every denial.

#include "TestSite.h"

#include "client/OperatorClient.h"
#include "crypto/PasswordHash.h"

#include <QtTest>

using namespace yagura;
using namespace yagura::testing;
using namespace std::chrono_literals;

namespace {
std::unique_ptr<client::OperatorClient> connectClient(TestSite& site) {
    return std::move(client::OperatorClient::create(
                         {site.endpoints().operatorApi.front(), site.serverKey()}))
        .value();
}

void addUser(TestSite& site, const std::string& name, server::Role role) {
    auto store = site.openStore();
    auto hash = crypto::hashPassword("password-" + name, crypto::ScryptParameters{10, 8, 1});
    QVERIFY(store.insertUser({name, role, *hash, false}).ok());
}

// Enrols a pending agent over the real enrolment endpoint; returns its id.
std::uint64_t enrolPending(TestSite& site, net::Context& context) {
    const auto token =
        *crypto::decodeEnrolmentToken(site.createToken(false), SystemClock::instance());
    RawPeer peer(context, site.serverKey(), site.endpoints().enrol.front());
    proto::Enrol enrol;
    enrol.set_token_id(token.token_id());
    enrol.set_token_secret(token.secret());
    enrol.set_hostname("pending-host");
    auto envelope = protocol::unpack(peer.request(protocol::pack(proto::ENROL, 1, enrol)));
    proto::EnrolResult result;
    result.ParseFromString(envelope->payload());
    return result.agent_id();
}

proto::OperatorRequest agentAction(std::uint64_t id, proto::AgentAction action) {
    proto::OperatorRequest request;
    request.mutable_agent_action()->set_agent_id(id);
    request.mutable_agent_action()->set_action(action);
    return request;
}

std::vector<server::AuditRow> auditRows(TestSite& site, const std::string& actionPrefix,
                                        const std::string& outcome) {
    auto store = site.openStore();
    server::AuditFilter filter;
    filter.actionPrefix = actionPrefix;
    filter.outcome = outcome;
    filter.limit = 1000;
    return *server::AuditLog::list(store.database(), filter);
}
} // namespace

class TestOperatorApi : public QObject {
    Q_OBJECT

private slots:
    void wrongPasswordIsRefusedAndAudited() {
        TestSite site;
        auto client = connectClient(site);
        auto login = client->login("admin", "not the password");
        QVERIFY(!login.ok());
        QCOMPARE(login.error().code, ErrorCode::Unauthenticated);
        auto unknownUser = client->login("nobody", "whatever");
        QVERIFY(!unknownUser.ok());
        QCOMPARE(unknownUser.error().message, login.error().message);
        QCOMPARE(auditRows(site, "operator.login", "failed").size(), std::size_t{2});
        QVERIFY(client->login("admin", kAdminPassword).ok());
        QCOMPARE(auditRows(site, "operator.login", "ok").size(), std::size_t{1});
    }

    void repeatedFailuresLockTheAccount() {
        TestSite site;
        auto client = connectClient(site);
        for (int i = 0; i < 5; ++i)
            QVERIFY(!client->login("admin", "wrong").ok());
        auto locked = client->login("admin", kAdminPassword);
        QVERIFY(!locked.ok());
        QCOMPARE(locked.error().code, ErrorCode::RateLimited);
        site.clock().advance(std::chrono::minutes{16});
        QVERIFY(client->login("admin", kAdminPassword).ok());
    }

    void callsWithoutSessionAreRefused() {
        TestSite site;
        auto client = connectClient(site);
        proto::OperatorRequest list;
        list.mutable_list_agents();
        auto result = client->call(list);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::Unauthenticated);
    }

    void auditorCannotAcceptAnAgent() {
        TestSite site;
        net::Context context;
        addUser(site, "auditor1", server::Role::Auditor);
        const auto agentId = enrolPending(site, context);
        QVERIFY(agentId > 0);
        auto client = connectClient(site);
        QVERIFY(client->login("auditor1", "password-auditor1").ok());
        auto denied = client->call(agentAction(agentId, proto::ACCEPT));
        QVERIFY(!denied.ok());
        QCOMPARE(denied.error().code, ErrorCode::PermissionDenied);
        // The agent stays pending and the denial is in the audit log, attributed to the user.
        auto store = site.openStore();
        QCOMPARE((*store.agentById(static_cast<std::int64_t>(agentId)))->state,
                 server::AgentState::Pending);
        const auto rows = auditRows(site, "agent.accept", "denied");
        QCOMPARE(rows.size(), std::size_t{1});
        QCOMPARE(rows.front().record.actor, std::string("user:auditor1"));
        // An auditor may read the audit log and agents, though.
        proto::OperatorRequest verify;
        verify.mutable_verify_audit();
        QVERIFY(client->call(verify).ok());
        proto::OperatorRequest list;
        list.mutable_list_agents();
        QVERIFY(client->call(list).ok());
    }

    void analystCanAcceptButNotReadTheAuditLog() {
        TestSite site;
        net::Context context;
        addUser(site, "analyst1", server::Role::Analyst);
        const auto agentId = enrolPending(site, context);
        auto client = connectClient(site);
        QVERIFY(client->login("analyst1", "password-analyst1").ok());
        auto accepted = client->call(agentAction(agentId, proto::ACCEPT));
        QVERIFY(accepted.ok());
        QCOMPARE(accepted->agent_action().agent().state(), std::string("accepted"));
        proto::OperatorRequest audit;
        audit.mutable_list_audit();
        auto denied = client->call(audit);
        QVERIFY(!denied.ok());
        QCOMPARE(denied.error().code, ErrorCode::PermissionDenied);
        QCOMPARE(auditRows(site, "audit.list", "denied").size(), std::size_t{1});
    }

    void invalidTransitionsAreRefused() {
        TestSite site;
        net::Context context;
        const auto agentId = enrolPending(site, context);
        auto client = connectClient(site);
        QVERIFY(client->login("admin", kAdminPassword).ok());
        QVERIFY(client->call(agentAction(agentId, proto::REVOKE)).ok());
        auto again = client->call(agentAction(agentId, proto::ACCEPT));
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, ErrorCode::Conflict);
        auto missing = client->call(agentAction(9999, proto::ACCEPT));
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
    }

    void sessionIsBoundToTheClientKey() {
        TestSite site;
        auto owner = connectClient(site);
        QVERIFY(owner->login("admin", kAdminPassword).ok());
        auto thief = connectClient(site);
        thief->setSession(owner->session());
        proto::OperatorRequest list;
        list.mutable_list_agents();
        auto stolen = thief->call(list);
        QVERIFY(!stolen.ok());
        QCOMPARE(stolen.error().code, ErrorCode::Unauthenticated);
        QCOMPARE(auditRows(site, "operator.session", "denied").size(), std::size_t{1});
        QVERIFY(owner->call(list).ok());
    }

    void idleSessionsExpire() {
        TestSite site;
        auto client = connectClient(site);
        QVERIFY(client->login("admin", kAdminPassword).ok());
        proto::OperatorRequest list;
        list.mutable_list_agents();
        QVERIFY(client->call(list).ok());
        site.clock().advance(std::chrono::minutes{31});
        auto expired = client->call(list);
        QVERIFY(!expired.ok());
        QCOMPARE(expired.error().code, ErrorCode::Unauthenticated);
    }

    void logoutEndsTheSession() {
        TestSite site;
        auto client = connectClient(site);
        QVERIFY(client->login("admin", kAdminPassword).ok());
        proto::OperatorRequest logout;
        logout.mutable_logout();
        QVERIFY(client->call(logout).ok());
        proto::OperatorRequest list;
        list.mutable_list_agents();
        QCOMPARE(client->call(list).error().code, ErrorCode::Unauthenticated);
    }

    void subscribersSeeAgentChanges() {
        TestSite site;
        net::Context context;
        auto watcher = connectClient(site);
        QVERIFY(watcher->login("admin", kAdminPassword).ok());
        QVERIFY(watcher->subscribe().ok());
        const auto agentId = enrolPending(site, context);
        auto first = watcher->nextNotification(5s);
        QVERIFY(first.ok() && *first);
        QCOMPARE((*first)->agent_changed().id(), agentId);
        QCOMPARE((*first)->agent_changed().state(), std::string("pending"));

        auto actor = connectClient(site);
        QVERIFY(actor->login("admin", kAdminPassword).ok());
        QVERIFY(actor->call(agentAction(agentId, proto::ACCEPT)).ok());
        auto second = watcher->nextNotification(5s);
        QVERIFY(second.ok() && *second);
        QCOMPARE((*second)->agent_changed().state(), std::string("accepted"));
    }

    void adminManagesUsers() {
        TestSite site;
        auto admin = connectClient(site);
        QVERIFY(admin->login("admin", kAdminPassword).ok());
        proto::OperatorRequest create;
        create.mutable_create_user()->set_name("hanako");
        create.mutable_create_user()->set_role("analyst");
        create.mutable_create_user()->set_password("short");
        QCOMPARE(admin->call(create).error().code, ErrorCode::InvalidArgument);
        create.mutable_create_user()->set_password("a-long-enough-password");
        QVERIFY(admin->call(create).ok());
        QCOMPARE(admin->call(create).error().code, ErrorCode::AlreadyExists);

        auto hanako = connectClient(site);
        QVERIFY(hanako->login("hanako", "a-long-enough-password").ok());
        proto::OperatorRequest listUsers;
        listUsers.mutable_list_users();
        QCOMPARE(hanako->call(listUsers).error().code, ErrorCode::PermissionDenied);
        QCOMPARE(auditRows(site, "users.list", "denied").size(), std::size_t{1});

        // Promote, then disable: the session follows at once.
        proto::OperatorRequest promote;
        promote.mutable_update_user()->set_name("hanako");
        promote.mutable_update_user()->set_role("admin");
        QVERIFY(admin->call(promote).ok());
        QVERIFY(hanako->call(listUsers).ok());
        proto::OperatorRequest disable;
        disable.mutable_update_user()->set_name("hanako");
        disable.mutable_update_user()->set_disabled(true);
        QVERIFY(admin->call(disable).ok());
        QCOMPARE(hanako->call(listUsers).error().code, ErrorCode::Unauthenticated);
        QVERIFY(!hanako->login("hanako", "a-long-enough-password").ok());

        // Reset the password and enable again.
        proto::OperatorRequest reset;
        reset.mutable_update_user()->set_name("hanako");
        reset.mutable_update_user()->set_disabled(false);
        reset.mutable_update_user()->set_new_password("another-long-password");
        QVERIFY(admin->call(reset).ok());
        QVERIFY(!hanako->login("hanako", "a-long-enough-password").ok());
        QVERIFY(hanako->login("hanako", "another-long-password").ok());

        // An admin cannot lock themselves out.
        proto::OperatorRequest selfDisable;
        selfDisable.mutable_update_user()->set_name("admin");
        selfDisable.mutable_update_user()->set_disabled(true);
        QCOMPARE(admin->call(selfDisable).error().code, ErrorCode::Conflict);
        const auto users = admin->call(listUsers);
        QCOMPARE(users->list_users().users_size(), 2);
        QCOMPARE(auditRows(site, "user.update", "ok").size(), std::size_t{3});
    }

    void dashboardCountsAgents() {
        TestSite site;
        net::Context context;
        enrolPending(site, context);
        auto client = connectClient(site);
        QVERIFY(client->login("admin", kAdminPassword).ok());
        proto::OperatorRequest request;
        request.mutable_get_dashboard();
        const auto dashboard = client->call(request);
        QVERIFY(dashboard.ok());
        QCOMPARE(dashboard->get_dashboard().total(), 1u);
        QCOMPARE(dashboard->get_dashboard().pending(), 1u);
        QCOMPARE(dashboard->get_dashboard().checkins_size(), 24);
    }

    void alertsAreGroupedAndTriaged() {
        TestSite site;
        net::Context context;
        const auto token =
            *crypto::decodeEnrolmentToken(site.createToken(true), SystemClock::instance());
        RawPeer enrolling(context, site.serverKey(), site.endpoints().enrol.front());
        proto::Enrol enrol;
        enrol.set_token_id(token.token_id());
        enrol.set_token_secret(token.secret());
        (void)enrolling.request(protocol::pack(proto::ENROL, 1, enrol));
        RawPeer agent(context, site.serverKey(), site.endpoints().agent.front(), {},
                      enrolling.keys());
        std::uint64_t seq = 0;
        auto sendAlert = [&](const std::string& ruleId) {
            proto::EventBatch batch;
            auto* event = batch.add_events();
            event->set_seq(++seq);
            event->set_time_unix_ms(1'800'000'000'000 + seq);
            event->set_category("alert");
            event->set_rank(proto::RANK_ALERT);
            for (const auto& [name, value] :
                 std::vector<std::pair<std::string, std::string>>{{"RuleId", ruleId},
                                                                  {"RuleTitle", "Test rule"},
                                                                  {"RuleLevel", "high"},
                                                                  {"RuleTags", "attack.t1059.004"},
                                                                  {"Image", "/usr/bin/id"}}) {
                auto* field = event->add_fields();
                field->set_name(name);
                field->set_value(value);
            }
            proto::Ack ack;
            ack.ParseFromString(
                protocol::unpack(agent.request(protocol::pack(proto::EVENT_BATCH, seq, batch)))
                    ->payload());
            return ack.status() == proto::ACK_OK;
        };
        QVERIFY(sendAlert("rule-a"));
        QVERIFY(sendAlert("rule-a")); // same rule, host and image: grouped
        auto admin = connectClient(site);
        QVERIFY(admin->login("admin", kAdminPassword).ok());
        proto::OperatorRequest list;
        list.mutable_list_alerts();
        auto alerts = admin->call(list);
        QCOMPARE(alerts->list_alerts().total(), 1u);
        const auto alert = alerts->list_alerts().alerts(0);
        QCOMPARE(alert.count(), 2u);
        QCOMPARE(alert.status(), std::string("new"));
        QCOMPARE(alert.tags(0), std::string("attack.t1059.004"));

        auto update = [&](const std::string& status, const std::string& note) {
            proto::OperatorRequest request;
            request.mutable_update_alerts()->add_alert_ids(alert.id());
            request.mutable_update_alerts()->set_status(status);
            request.mutable_update_alerts()->set_note(note);
            return admin->call(request);
        };
        QVERIFY(update("acknowledged", "").ok());
        QCOMPARE(update("acknowledged", "").error().code, ErrorCode::Conflict);    // not backwards
        QCOMPARE(update("resolved", "").error().code, ErrorCode::InvalidArgument); // say why
        proto::OperatorRequest assign;
        assign.mutable_update_alerts()->add_alert_ids(alert.id());
        assign.mutable_update_alerts()->set_assignee("nobody-here");
        QCOMPARE(admin->call(assign).error().code, ErrorCode::InvalidArgument);
        assign.mutable_update_alerts()->set_assignee("admin");
        QVERIFY(admin->call(assign).ok());
        QVERIFY(update("resolved", "test binary, expected").ok());

        // The auditor may look, not change.
        addUser(site, "auditor2", server::Role::Auditor);
        auto auditor = connectClient(site);
        QVERIFY(auditor->login("auditor2", "password-auditor2").ok());
        proto::OperatorRequest show;
        show.mutable_get_alert()->set_alert_id(alert.id());
        const auto detail = auditor->call(show);
        QVERIFY(detail.ok());
        QCOMPARE(detail->get_alert().alert().status(), std::string("resolved"));
        QCOMPARE(detail->get_alert().alert().assignee(), std::string("admin"));
        QCOMPARE(detail->get_alert().history_size(), 3);
        QCOMPARE(detail->get_alert().history(2).note(), std::string("test binary, expected"));
        QCOMPARE(detail->get_alert().triggering_event().seq(), 2u);
        proto::OperatorRequest reopen;
        reopen.mutable_update_alerts()->add_alert_ids(alert.id());
        reopen.mutable_update_alerts()->set_status("in_progress");
        QCOMPARE(auditor->call(reopen).error().code, ErrorCode::PermissionDenied);
        QCOMPARE(auditRows(site, "alert.update", "ok").size(), std::size_t{3});

        // Once resolved, the same rule firing again opens a new alert.
        QVERIFY(sendAlert("rule-a"));
        QCOMPARE(admin->call(list)->list_alerts().total(), 2u);
    }

    void listAgentsFiltersSortsAndPages() {
        TestSite site;
        net::Context context;
        for (int i = 0; i < 5; ++i) {
            enrolPending(site, context);
            site.clock().advance(std::chrono::minutes{1}); // stay under the enrol rate limit
        }
        auto client = connectClient(site);
        QVERIFY(client->login("admin", kAdminPassword).ok());
        proto::OperatorRequest page;
        page.mutable_list_agents()->set_limit(2);
        page.mutable_list_agents()->set_offset(2);
        page.mutable_list_agents()->set_sort(proto::SORT_ID);
        page.mutable_list_agents()->set_descending(true);
        auto result = client->call(page);
        QVERIFY(result.ok());
        QCOMPARE(result->list_agents().total(), 5u);
        QCOMPARE(result->list_agents().agents_size(), 2);
        QCOMPARE(result->list_agents().agents(0).id(), 3u);
        proto::OperatorRequest filtered;
        filtered.mutable_list_agents()->add_states("online");
        QCOMPARE(client->call(filtered)->list_agents().total(), 0u);
        proto::OperatorRequest bad;
        bad.mutable_list_agents()->add_states("sideways");
        QCOMPARE(client->call(bad).error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestOperatorApi)
#include "TestOperatorApi.moc"
