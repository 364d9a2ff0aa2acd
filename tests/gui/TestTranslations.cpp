// Fails when a user-visible string of the console is missing from the Japanese (or English)
// translation: lupdate extracts every tr() string from the sources as they are now, and each
// must have a finished, non-empty translation in translations/yagura_*.ts.

#include <QFile>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTranslator>
#include <QXmlStreamReader>
#include <QtTest>

namespace {
struct Message {
    QString context;
    QString source;
    bool finished = false;
    bool hasText = false;
};

QList<Message> readTs(const QString& path) {
    QList<Message> messages;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return messages;
    QXmlStreamReader xml(&file);
    QString context;
    Message current;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("name"))
            context = xml.readElementText();
        else if (xml.name() == QLatin1String("message"))
            current = Message{context, {}, false, false};
        else if (xml.name() == QLatin1String("source"))
            current.source = xml.readElementText();
        else if (xml.name() == QLatin1String("translation")) {
            const auto type = xml.attributes().value(QLatin1String("type"));
            current.finished = type.isEmpty();
            if (type == QLatin1String("vanished") || type == QLatin1String("obsolete"))
                continue;
            current.hasText =
                !xml.readElementText(QXmlStreamReader::IncludeChildElements).trimmed().isEmpty();
            messages.append(current);
        }
    }
    return messages;
}
} // namespace

class TestTranslations : public QObject {
    Q_OBJECT

private slots:
    void everyStringIsTranslated_data() {
        QTest::addColumn<QString>("language");
        QTest::newRow("ja") << QStringLiteral("ja");
        QTest::newRow("en") << QStringLiteral("en");
    }

    void everyStringIsTranslated() {
        QFETCH(QString, language);
        QTemporaryDir dir;
        const QString extracted = dir.filePath(QStringLiteral("extracted.ts"));
        QProcess lupdate;
        lupdate.start(QStringLiteral(YAGURA_LUPDATE),
                      {QStringLiteral(YAGURA_SOURCE_DIR) + "/app/console",
                       QStringLiteral("-locations"), QStringLiteral("none"), QStringLiteral("-ts"),
                       extracted});
        QVERIFY(lupdate.waitForFinished(60000));
        QCOMPARE(lupdate.exitCode(), 0);

        const auto wanted = readTs(extracted);
        QVERIFY2(wanted.size() > 100, "lupdate found too few strings; is the source path right?");
        QHash<QString, Message> shipped;
        for (const auto& message :
             readTs(QStringLiteral(YAGURA_SOURCE_DIR) + "/translations/yagura_" + language + ".ts"))
            shipped.insert(message.context + '\x1f' + message.source, message);
        QStringList missing;
        for (const auto& message : wanted) {
            const auto it = shipped.constFind(message.context + '\x1f' + message.source);
            if (it == shipped.constEnd() || !it->finished || !it->hasText)
                missing << message.context + ": " + message.source;
        }
        QVERIFY2(missing.isEmpty(),
                 qPrintable(QStringLiteral("%1 untranslated strings, e.g.:\n").arg(missing.size()) +
                            missing.mid(0, 10).join('\n')));
    }

    void japaneseIsCompiledIntoTheConsole() {
        QTranslator translator;
        QVERIFY(translator.load(QStringLiteral(":/i18n/yagura_ja.qm")));
        QCOMPARE(translator.translate("yagura::console::MainWindow", "Dashboard"),
                 QStringLiteral("ダッシュボード"));
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "TestTranslations.moc"
