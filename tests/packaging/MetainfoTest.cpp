// The AppStream metainfo (packaging/deepext.metainfo.xml.in, configured into the build tree) against
// `appstreamcli validate --no-net`, which must also reject broken copies, and against the project's own facts.
#include "PackagingFixtures.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QUrl>
#include <QXmlStreamReader>

#include <gtest/gtest.h>

#include <map>

using namespace deepext::packaging::test;

namespace {

const QString MetainfoName = QStringLiteral(DEEPEXT_APP_ID ".metainfo.xml");

deepext::test::CliResult validate(const QString& path)
{
    return run(QStringLiteral(DEEPEXT_APPSTREAMCLI), {QStringLiteral("validate"), QStringLiteral("--no-net"), path});
}

// Element texts by name (repeated elements in order) and the attributes of the first <release>.
struct Metainfo
{
    std::multimap<QString, QString> texts;
    QString releaseVersion;
    QString releaseDate;
    QString launchableType;
    bool hasContentRating = false;

    QStringList all(const QString& name) const
    {
        QStringList values;
        for (auto [it, end] = texts.equal_range(name); it != end; ++it) {
            values.append(it->second);
        }
        return values;
    }
};

Metainfo parse(const QString& path)
{
    Metainfo info;
    QXmlStreamReader xml(readText(path));
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) {
            continue;
        }
        const QString name = xml.name().toString();
        if (name == QLatin1String("release") && info.releaseVersion.isEmpty()) {
            info.releaseVersion = xml.attributes().value(QLatin1String("version")).toString();
            info.releaseDate = xml.attributes().value(QLatin1String("date")).toString();
        } else if (name == QLatin1String("launchable")) {
            info.launchableType = xml.attributes().value(QLatin1String("type")).toString();
        } else if (name == QLatin1String("content_rating")) {
            info.hasContentRating = true;
        }
        if (name == QLatin1String("id") || name == QLatin1String("name") || name == QLatin1String("summary") ||
            name == QLatin1String("launchable") || name == QLatin1String("binary") || name == QLatin1String("image") ||
            name == QLatin1String("url")) {
            info.texts.emplace(name, xml.readElementText());
        }
    }
    EXPECT_FALSE(xml.hasError()) << path.toStdString() << ": " << xml.errorString().toStdString();
    return info;
}

} // namespace

TEST(Metainfo, ConfiguredAndCompleteFormsValidate)
{
    // The configured form is what gets installed (homepage and screenshots only when their addresses are set);
    // the complete form has both, so their shape is validated whatever this build was configured with.
    for (const QString& path :
         {generatedPath(MetainfoName), generatedPath(QStringLiteral("complete/") + MetainfoName)}) {
        const deepext::test::CliResult result = validate(path);
        EXPECT_EQ(result.exitCode, 0) << path.toStdString() << '\n' << result.out << result.err;
        EXPECT_EQ(result.out.find("W:"), std::string::npos) << result.out;
        EXPECT_EQ(result.out.find("E:"), std::string::npos) << result.out;
    }
}

TEST(Metainfo, NamesTheAppItsProgramsAndThisRelease)
{
    const Metainfo info = parse(generatedPath(MetainfoName));
    EXPECT_EQ(info.all(QStringLiteral("id")), QStringList{QStringLiteral(DEEPEXT_APP_ID)});
    EXPECT_EQ(info.all(QStringLiteral("name")), QStringList{QStringLiteral("DeepExtension")});
    EXPECT_EQ(info.all(QStringLiteral("summary")).size(), 1);
    EXPECT_EQ(info.launchableType, QStringLiteral("desktop-id"));
    // The launchable is the desktop entry that gets installed.
    EXPECT_EQ(info.all(QStringLiteral("launchable")), QStringList{QStringLiteral("deepext.desktop")});
    EXPECT_TRUE(QFileInfo::exists(sourcePath(QStringLiteral("resources/deepext.desktop"))));
    QStringList binaries = info.all(QStringLiteral("binary"));
    binaries.sort();
    EXPECT_EQ(binaries, (QStringList{QStringLiteral("deepext"), QStringLiteral("deepext-cli")}));
    EXPECT_TRUE(info.hasContentRating);
    EXPECT_EQ(info.releaseVersion, QStringLiteral(DEEPEXT_VERSION));
    EXPECT_EQ(info.releaseDate, QStringLiteral(DEEPEXT_RELEASE_DATE));
}

TEST(Metainfo, ScreenshotsShowImagesOfDocs)
{
    const Metainfo info = parse(generatedPath(QStringLiteral("complete/") + MetainfoName));
    const QStringList images = info.all(QStringLiteral("image"));
    ASSERT_FALSE(images.isEmpty());
    for (const QString& image : images) {
        const QUrl url(image);
        EXPECT_EQ(url.scheme(), QStringLiteral("https")) << image.toStdString();
        // Each one is an image the repository has in docs/images/, so a rename cannot leave it dangling.
        const QString file = sourcePath(QStringLiteral("docs/images/") + url.fileName());
        EXPECT_TRUE(QFileInfo::exists(file)) << image.toStdString() << " is not in docs/images/";
        EXPECT_TRUE(image.endsWith(QStringLiteral("/docs/images/") + url.fileName())) << image.toStdString();
    }
}

TEST(Metainfo, ValidatorRejectsBrokenCopies)
{
    const QString text = readText(generatedPath(QStringLiteral("complete/") + MetainfoName));
    ASSERT_TRUE(text.contains(QStringLiteral("<summary>")));
    ASSERT_TRUE(text.contains(QStringLiteral("<image>https://")));
    QString noSummary = text;
    noSummary.remove(QRegularExpression(QStringLiteral("  <summary>.*</summary>\n")));
    QString relativeScreenshot = text;
    relativeScreenshot.replace(QRegularExpression(QStringLiteral("<image>https://[^<]*/")),
                               QStringLiteral("<image>docs/images/"));
    QString unclosed = text;
    unclosed.remove(QStringLiteral("</component>"));
    QTemporaryDir dir;
    int index = 0;
    for (const QString& broken : {noSummary, relativeScreenshot, unclosed}) {
        ASSERT_NE(broken, text);
        const QString path = dir.filePath(QStringLiteral("broken%1.metainfo.xml").arg(index++));
        writeText(path, broken);
        const deepext::test::CliResult result = validate(path);
        EXPECT_NE(result.exitCode, 0) << "copy " << index - 1 << " passed:\n" << broken.toStdString();
    }
}
