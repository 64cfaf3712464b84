// The desktop entry (resources/deepext.desktop) against desktop-file-validate, which must also reject broken copies.
#include "PackagingFixtures.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace deepext::packaging::test;

namespace {

const QString DesktopFile = QStringLiteral("resources/deepext.desktop");

deepext::test::CliResult validate(const QString& path)
{
    return run(QStringLiteral(DEEPEXT_DESKTOP_FILE_VALIDATE), {path});
}

QString valueOf(const QString& text, const QString& key)
{
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        if (line.startsWith(key + QLatin1Char('='))) {
            return line.mid(key.size() + 1);
        }
    }
    return {};
}

} // namespace

TEST(DesktopEntry, ValidatesWithoutAnyRemark)
{
    const deepext::test::CliResult result = validate(sourcePath(DesktopFile));
    EXPECT_EQ(result.exitCode, 0) << result.out << result.err;
    // Hints and warnings count too (e.g. two main categories put the entry twice into menus).
    EXPECT_EQ(result.out + result.err, "");
}

TEST(DesktopEntry, StartsTheInstalledWindowWithItsIcon)
{
    const QString text = readText(sourcePath(DesktopFile));
    ASSERT_FALSE(text.isEmpty());
    // The installed binary by name (found on PATH, whatever the prefix), without file arguments it cannot open.
    EXPECT_EQ(valueOf(text, QStringLiteral("Exec")), QStringLiteral("deepext"));
    EXPECT_EQ(valueOf(text, QStringLiteral("Icon")), QStringLiteral("deepext"));
    // Qt's X11 window class is the application name: the launcher matches the window to this entry.
    EXPECT_EQ(valueOf(text, QStringLiteral("StartupWMClass")), QStringLiteral("deepext"));
    EXPECT_EQ(valueOf(text, QStringLiteral("Terminal")), QStringLiteral("false"));
}

TEST(DesktopEntry, ValidatorRejectsBrokenCopies)
{
    const QString text = readText(sourcePath(DesktopFile));
    ASSERT_TRUE(text.contains(QStringLiteral("Type=Application\n")));
    ASSERT_TRUE(text.startsWith(QStringLiteral("[Desktop Entry]\n")));
    const QStringList broken{
        QString(text).remove(QStringLiteral("Type=Application\n")),
        QString(text).replace(QStringLiteral("Categories="), QStringLiteral("Categories=NoSuchCategory;")),
        QString(text).replace(QStringLiteral("[Desktop Entry]"), QStringLiteral("[Desktop Entr]")),
    };
    QTemporaryDir dir;
    for (qsizetype i = 0; i < broken.size(); ++i) {
        const QString path = dir.filePath(QStringLiteral("broken%1.desktop").arg(i));
        writeText(path, broken.at(i));
        const deepext::test::CliResult result = validate(path);
        EXPECT_NE(result.exitCode, 0) << "copy " << i << " passed:\n" << broken.at(i).toStdString();
        EXPECT_NE((result.out + result.err).find("error"), std::string::npos) << result.out << result.err;
    }
}
