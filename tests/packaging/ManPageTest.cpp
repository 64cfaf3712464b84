// The man pages generated at build time from the programs' own --help (cmake/DeepextInstall.cmake): one section per
// command of deepext-cli's command list, every option of every command, and roff that groff and man read without a
// warning.
#include "PackagingFixtures.h"

#include <QRegularExpression>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <set>

using namespace deepext::packaging::test;

namespace {

QString page(const QString& program)
{
    return readText(generatedPath(QStringLiteral("man/%1.1").arg(program)));
}

// Roff text back to plain text for comparisons: "\-" is a minus sign, "\fB" ... "\fR" change fonts.
QString plain(QString roff)
{
    roff.replace(QStringLiteral("\\-"), QStringLiteral("-"));
    roff.remove(QRegularExpression(QStringLiteral("\\\\f[BIR]")));
    return roff;
}

// The text of the page's ".SS" subsection named `heading`, up to the next subsection or section.
QString subsection(const QString& roff, const QString& heading)
{
    const QStringList lines = roff.split(QLatin1Char('\n'));
    QString text;
    bool inside = false;
    for (const QString& line : lines) {
        if (line.startsWith(QLatin1String(".SS ")) || line.startsWith(QLatin1String(".SH "))) {
            inside = plain(line) == QStringLiteral(".SS \"%1\"").arg(heading);
            continue;
        }
        if (inside) {
            text += line + QLatin1Char('\n');
        }
    }
    return text;
}

// groff's warnings (-ww: all of them) for a page; empty when clean.
std::string groffWarnings(const QString& path)
{
    const deepext::test::CliResult result =
        run(QStringLiteral(DEEPEXT_GROFF),
            {QStringLiteral("-man"), QStringLiteral("-Tutf8"), QStringLiteral("-ww"), QStringLiteral("-z"), path});
    return "exit " + std::to_string(result.exitCode) + "\n" + result.err;
}

} // namespace

TEST(ManPage, CliPageHasOneSubsectionPerCommand)
{
    const QString roff = page(QStringLiteral("deepext-cli"));
    ASSERT_FALSE(roff.isEmpty());
    std::set<QString> headings;
    static const QRegularExpression subsectionLine(QStringLiteral("^\\.SS \"(.*)\"$"),
                                                   QRegularExpression::MultilineOption);
    for (auto it = subsectionLine.globalMatch(plain(roff)); it.hasNext();) {
        headings.insert(it.next().captured(1));
    }
    std::set<QString> commands;
    for (const QStringList& path : cliCommandPaths()) {
        commands.insert(path.join(QLatin1Char(' ')));
    }
    EXPECT_EQ(headings, commands);
    EXPECT_GE(commands.size(), 25u); // the command list itself was read
}

TEST(ManPage, CliPageShowsEveryCommandsUsageAndOptions)
{
    const QString roff = page(QStringLiteral("deepext-cli"));
    for (const QStringList& path : cliLeafCommandPaths()) {
        const QString heading = path.join(QLatin1Char(' '));
        const QString text = plain(subsection(roff, heading));
        EXPECT_TRUE(text.startsWith(QStringLiteral("deepext-cli ") + heading)) << heading.toStdString() << ":\n"
                                                                               << text.toStdString();
        const QStringList options = helpOptionNames(QStringLiteral(DEEPEXT_CLI_PATH), path);
        EXPECT_TRUE(options.contains(QStringLiteral("--help"))) << heading.toStdString();
        for (const QString& option : options) {
            if (option == QLatin1String("-h") || option == QLatin1String("--help")) {
                continue; // said once for every command
            }
            EXPECT_TRUE(
                text.contains(QRegularExpression(QStringLiteral("^%1( |$)").arg(QRegularExpression::escape(option)),
                                                 QRegularExpression::MultilineOption)))
                << heading.toStdString() << ": " << option.toStdString() << " missing in\n"
                << text.toStdString();
        }
    }
    EXPECT_TRUE(roff.contains(QStringLiteral("also takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR")));
}

TEST(ManPage, GuiPageShowsTheWindowsOptions)
{
    const QString text = plain(page(QStringLiteral("deepext")));
    const QStringList options = helpOptionNames(QStringLiteral(DEEPEXT_GUI_PATH), {});
    EXPECT_TRUE(options.contains(QStringLiteral("--quit-when-ready")));
    for (const QString& option : options) {
        EXPECT_TRUE(text.contains(option)) << option.toStdString();
    }
    EXPECT_TRUE(text.contains(QStringLiteral(".SH NAME\ndeepext - DeepExtension Desktop"))) << text.toStdString();
}

TEST(ManPage, HeadersNameTheVersionAndReleaseDate)
{
    for (const QString& program : {QStringLiteral("deepext"), QStringLiteral("deepext-cli")}) {
        const QString firstMacro = page(program).section(QLatin1Char('\n'), 1, 1);
        EXPECT_EQ(plain(firstMacro), QStringLiteral(".TH \"%1\" \"1\" \"%2\" \"%3 %4\" \"User Commands\"")
                                         .arg(program.toUpper(), QStringLiteral(DEEPEXT_RELEASE_DATE), program,
                                              QStringLiteral(DEEPEXT_VERSION)));
    }
}

TEST(ManPage, PagesRenderWithoutWarnings)
{
    for (const QString& program : {QStringLiteral("deepext"), QStringLiteral("deepext-cli")}) {
        const QString path = generatedPath(QStringLiteral("man/%1.1").arg(program));
        EXPECT_EQ(groffWarnings(path), "exit 0\n") << program.toStdString();
        // man(1) as a user runs it, on the compressed page that gets installed.
        const deepext::test::CliResult shown =
            run(QStringLiteral(DEEPEXT_MAN), {QStringLiteral("--warnings"), QStringLiteral("-l"), path + ".gz"});
        EXPECT_EQ(shown.exitCode, 0) << shown.err;
        EXPECT_EQ(shown.err, "") << program.toStdString();
        // The NAME line as whatis(1) and apropos(1) read it (man justifies it, hence the spaces).
        EXPECT_TRUE(QString::fromStdString(shown.out).contains(
            QRegularExpression(QStringLiteral("\\n {7}%1 +- +\\S").arg(program))))
            << shown.out;
    }
}

TEST(ManPage, GroffWarnsAboutABrokenPage)
{
    // The check above can fail: a page with an undefined macro and an unknown escape makes groff warn.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("broken.1"));
    writeText(path, page(QStringLiteral("deepext-cli")) + QStringLiteral(".NOSUCHMACRO x\nan \\[nosuchglyph] here\n"));
    EXPECT_NE(groffWarnings(path), "exit 0\n");
}
