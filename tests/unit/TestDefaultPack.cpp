// Yagura's own rule pack (rules/yagura-default): every rule loads, every case written for it
// fires exactly the rules it should, and everyday administration fires none. The cases are
// events as the agent produces them (tests/unit/fixtures/default_pack_cases.json).

#include "common/Files.h"
#include "detect/EventJson.h"
#include "detect/RuleSet.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <set>

using namespace yagura;
using json = nlohmann::json;

namespace {
std::set<std::string> matchedIds(const detect::RuleSet& rules, const json& event) {
    auto parsed = detect::parseJsonEvents(event.dump());
    if (!parsed.ok() || parsed->size() != 1)
        qFatal("bad fixture event: %s", event.dump().c_str());
    std::set<std::string> ids;
    for (const detect::Rule* rule : rules.match(parsed->front()))
        ids.insert(rule->id);
    return ids;
}
} // namespace

class TestDefaultPack : public QObject {
    Q_OBJECT

private:
    detect::RuleSet m_rules;
    json m_fixture;

private slots:
    void initTestCase() {
        const auto report = m_rules.loadDirectory(YAGURA_SOURCE_DIR "/rules/yagura-default");
        for (const auto& [file, reason] : report.problems)
            qWarning("%s: %s", file.c_str(), reason.c_str());
        QCOMPARE(report.unsupported, std::size_t{0});
        QVERIFY(report.loaded >= 30);
        auto content = files::readFile(YAGURA_FIXTURES_DIR "/default_pack_cases.json");
        QVERIFY(content.ok());
        m_fixture = json::parse(*content);
    }

    void everyRuleHasItsOwnIdentityAndAttackTags() {
        std::set<std::string> ids;
        for (const detect::Rule* rule : m_rules.rules()) {
            QVERIFY2(ids.insert(rule->id).second, rule->origin.c_str());
            QVERIFY2(!rule->title.empty() && !rule->level.empty(), rule->origin.c_str());
            const bool tagged = std::any_of(rule->tags.begin(), rule->tags.end(), [](auto& tag) {
                return tag.rfind("attack.t", 0) == 0;
            });
            QVERIFY2(tagged, ("no ATT&CK technique tag: " + rule->origin).c_str());
        }
    }

    void everyRuleHasACaseAndEachCaseFiresExactlyItsRules() {
        std::set<std::string> covered;
        for (const auto& testCase : m_fixture.at("cases")) {
            std::set<std::string> expected{testCase.at("rule_id").get<std::string>()};
            for (const auto& also : testCase.value("also_matches", json::array()))
                expected.insert(also.get<std::string>());
            const auto matched = matchedIds(m_rules, testCase.at("event"));
            QVERIFY2(matched == expected, (testCase.value("rule", std::string{}) + ": " +
                                           testCase.value("note", std::string{}))
                                              .c_str());
            covered.insert(testCase.at("rule_id").get<std::string>());
        }
        for (const detect::Rule* rule : m_rules.rules())
            QVERIFY2(covered.contains(rule->id), ("no case for " + rule->origin).c_str());
    }

    // The literal prefilter skips rules whose necessary literals are absent: it must never change
    // a result. Checked with our pack and all of SigmaHQ loaded together, on every fixture event.
    void thePrefilterNeverChangesAResult() {
        detect::RuleSet all;
        (void)all.loadDirectory(YAGURA_SOURCE_DIR "/rules/yagura-default");
        const auto report = all.loadDirectory(YAGURA_SHARED_DATA_DIR "/sigma/rules");
        QVERIFY(report.loaded > 3000);
        QVERIFY2(all.prefilteredRules() > all.size() / 2,
                 qPrintable(QString::number(all.prefilteredRules())));
        int compared = 0;
        for (const char* list : {"cases", "benign"}) {
            for (const auto& entry : m_fixture.at(list)) {
                auto events = detect::parseJsonEvents(entry.at("event").dump());
                QVERIFY(events.ok());
                // As stated, and without a log source (every rule applies).
                for (detect::Event event : {events->front(), events->front()}) {
                    if (compared % 2 == 1)
                        event.category = event.product = event.service = {};
                    std::vector<const detect::Rule*> fast, slow;
                    all.match(event, fast);
                    all.matchWithoutPrefilter(event, slow);
                    QCOMPARE(fast, slow);
                    ++compared;
                }
            }
        }
        QVERIFY(compared > 300);
    }

    void everydayAdministrationFiresNothing() {
        QVERIFY(m_fixture.at("benign").size() >= 20);
        for (const auto& benign : m_fixture.at("benign"))
            QVERIFY2(matchedIds(m_rules, benign.at("event")).empty(),
                     benign.value("note", std::string{}).c_str());
    }
};

QTEST_GUILESS_MAIN(TestDefaultPack)
#include "TestDefaultPack.moc"
